//go:build unix

package diskblob

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// removeLeftovers deletes the temporary files a killed process left in the
// blob folder dir: whatever tmp/ holds (parts being received, files being
// assembled) and the .tmp-* files of writes that never reached their
// rename. It does so only when this process is the folder's one user: it
// takes an exclusive lock on dir/.lock, held as long as the process runs
// (the system lets go of it when the process dies, however it dies). A
// second process on the same folder finds it locked and leaves every file
// alone. It returns the number of files removed.
func removeLeftovers(dir string) (int, error) {
	if _, held := lockFiles.Load(dir); !held { // this process may open the folder again
		f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o640)
		if err != nil {
			return 0, err
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			f.Close()
			return 0, nil // another process works here
		}
		lockFiles.Store(dir, f) // kept open: the lock lasts while the process does
	}
	removed := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		leftover := !d.IsDir() && (strings.HasPrefix(d.Name(), ".tmp-") || filepath.Dir(path) == filepath.Join(dir, "tmp"))
		if leftover && os.Remove(path) == nil {
			removed++
		}
		return nil
	})
	return removed, err
}
