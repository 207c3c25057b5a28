package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/lot"
)

// run executes the openlot command line in-process.
func run(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestLoginSearchAndExportFromTheCommandLine(t *testing.T) {
	// Ensures a partner can log in, see its groups with bucket counts as a
	// table, list a bucket's rows, and export them, all from the CLI.
	today := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	l := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true,
		Clock: lot.ClockFunc(func() time.Time { return today }), Log: slog.New(slog.DiscardHandler)})
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	creds := filepath.Join(t.TempDir(), "credentials.json")
	cfg := "--credentials=" + creds

	if _, err := run(t, "", "search", cfg); err == nil {
		t.Fatal("search before login: no error")
	} else if !strings.Contains(err.Error(), "not logged in") {
		t.Fatalf("search before login: %q, want it to say not logged in", err)
	}
	if _, err := run(t, "", "login", cfg, "--url", l.URL, "--client", "fp-juniper", "--secret", "wrong"); err == nil {
		t.Fatal("a wrong secret logged in")
	}
	out, err := run(t, "", "login", cfg, "--url", l.URL, "--client", "fp-juniper", "--secret", "fp-juniper-secret")
	if err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	if !strings.Contains(out, "logged in") {
		t.Errorf("login said %q, want it to say logged in", out)
	}
	if fi, err := os.Stat(creds); err != nil {
		t.Fatalf("credentials file: %v", err)
	} else if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("credentials file mode %v, want %v", perm, os.FileMode(0o600))
	}

	out, err = run(t, "", "search", cfg, "--status", "Open", "--group", "sourceType,language")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.Contains(lines[0], "requests") {
		t.Errorf("grouped search: first line %q does not count requests", lines[0])
	}
	if want := "sourceType language total requests critical atRisk"; !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
		t.Errorf("grouped search: no header %q:\n%s", want, out)
	}
	if !strings.Contains(out, "SUBTITLE") {
		t.Errorf("grouped search: no SUBTITLE group:\n%s", out)
	}
	if len(lines) < 10 {
		t.Errorf("grouped search: %d lines, want at least 10:\n%s", len(lines), out)
	}

	out, err = run(t, "", "search", cfg, "--bucket", "critical", "--columns", "title,dueDate,why", "--limit", "5")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && lot.ValidID(f[0]) {
			ids = append(ids, f[0])
			if !strings.Contains(line, "due ") {
				t.Errorf("row without why: %s", line)
			}
		}
	}
	if len(ids) != 5 {
		t.Fatalf("%d critical rows, want 5:\n%s", len(ids), out)
	}
	if !strings.Contains(out, "more: --cursor") {
		t.Errorf("critical rows: no hint of the next page (more: --cursor):\n%s", out)
	}

	xlsx := filepath.Join(t.TempDir(), "critical.xlsx")
	out, err = run(t, strings.Join(ids, "\n"), "export", cfg, "--ids", "-", "-o", xlsx)
	if err != nil {
		t.Fatalf("export: %v %s", err, out)
	}
	if !strings.Contains(out, "0 IDs skipped") {
		t.Errorf("export said %q, want 0 IDs skipped", out)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Source requests")
	if len(rows) != 6 {
		t.Fatalf("%d exported rows, want a header and 5: %v", len(rows), rows)
	}
	if rows[1][0] != ids[0] {
		t.Errorf("first exported row starts %q, want the first ID %q", rows[1][0], ids[0])
	}
	if _, err := run(t, "", "search", cfg, "--group", "colour"); err == nil {
		t.Fatal("bad group: no error")
	} else if !strings.Contains(err.Error(), "invalid") {
		t.Fatalf("bad group: %q, want it to say invalid", err)
	}
}
