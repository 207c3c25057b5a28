package main_test

import (
	"bytes"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	_ "modernc.org/sqlite"
)

func TestServeSaysWhyItsDatabaseCannotBeOpened(t *testing.T) {
	// Ensures serve, given a database it cannot use, prints the cause and exits non-zero instead of panicking.
	base := t.TempDir()
	// The read-only case runs as nobody when the tests run as root (root writes anywhere),
	// so nobody must reach the binary and the folders.
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(base, "openlot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cases := []struct {
		name    string
		prepare func(t *testing.T, dir string)
		want    string
	}{
		{"read-only folder", func(t *testing.T, dir string) {
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
		}, "may write to it"},
		{"corrupt file", func(t *testing.T, dir string) {
			junk := bytes.Repeat([]byte("not a database "), 1000)
			if err := os.WriteFile(filepath.Join(dir, "openlot.db"), junk, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "not an openlot database or is damaged"},
		{"newer schema", func(t *testing.T, dir string) {
			db, err := sql.Open("sqlite", filepath.Join(dir, "openlot.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE future (x); PRAGMA user_version = 999`); err != nil {
				t.Fatal(err)
			}
		}, "schema version 999 is newer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(base, strings.ReplaceAll(c.name, " ", "-"))
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			c.prepare(t, dir)
			cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
			if c.name == "read-only folder" && os.Getuid() == 0 {
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			if err == nil || code != 1 {
				t.Fatalf("exit code %d (%v), want 1; stderr:\n%s", code, err, stderr.String())
			}
			msg := stderr.String()
			if strings.Contains(msg, "panic") || !strings.Contains(msg, "openlot: database "+filepath.Join(dir, "openlot.db")) || !strings.Contains(msg, c.want) {
				t.Fatalf("stderr does not say the cause (%q):\n%s", c.want, msg)
			}
		})
	}
}
