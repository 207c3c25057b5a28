//go:build unix

package diskblob_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/diskblob"
)

// leftovers writes what a process killed mid-write leaves in a blob
// folder: a part being received, a file write that never reached its
// rename, next to a stored object that must stay.
func leftovers(t *testing.T, dir string) (temps []string, kept string) {
	t.Helper()
	temps = []string{filepath.Join(dir, "tmp", "put-4711"), filepath.Join(dir, "objects", "deliveries", ".tmp-99")}
	kept = filepath.Join(dir, "objects", "deliveries", "file-01")
	for _, p := range append(temps, kept) {
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("bytes"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return temps, kept
}

func TestOpenRemovesWhatAKilledProcessLeft(t *testing.T) {
	// Ensures the temporary files of uploads cut short by a kill are gone
	// once the server opens its blob folder again, and stored files stay.
	dir := t.TempDir()
	temps, kept := leftovers(t, dir)
	if _, err := diskblob.Open(dir, filepath.Join(dir, "key"), "http://x", nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range temps {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there after opening the folder again (%v)", p, err)
		}
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("a stored file went: %v", err)
	}
}

func TestOpenLeavesTheFilesOfAnotherLiveProcess(t *testing.T) {
	// Ensures a second process opening a folder another process works in
	// removes none of that process's temporary files.
	if os.Getenv("DISKBLOB_HOLD") != "" {
		if _, err := diskblob.Open(os.Getenv("DISKBLOB_HOLD"), filepath.Join(os.Getenv("DISKBLOB_HOLD"), "key"), "http://x", nil); err != nil {
			os.Exit(2)
		}
		os.Stdout.WriteString("open\n")
		time.Sleep(time.Minute) // killed by the parent
		return
	}
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestOpenLeavesTheFilesOfAnotherLiveProcess$")
	child.Env = append(os.Environ(), "DISKBLOB_HOLD="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { child.Process.Kill(); child.Wait() }()
	buf := make([]byte, 5)
	if _, err := out.Read(buf); err != nil || string(buf) != "open\n" {
		t.Fatalf("the other process did not open the folder: %q %v", buf, err)
	}
	temps, _ := leftovers(t, dir) // that process's files, being written
	if _, err := diskblob.Open(dir, filepath.Join(dir, "key"), "http://x", nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range temps {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("opening the folder beside a live process removed %s: %v", p, err)
		}
	}
}
