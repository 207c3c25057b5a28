package diskblob

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// directIO is an open file's switch between writing through the page cache
// and writing straight to disk (O_DIRECT). Parts of large uploads go straight
// to disk: they are read again only when inspected or downloaded, so caching
// them would cost the time to fill and flush the cache for nothing, and a
// completion would have to wait for that flush.
type directIO struct {
	f     *os.File
	flags int
	on    bool
}

// directBlock is the alignment O_DIRECT wants of offsets, lengths and memory.
const directBlock = 4096

// startDirect turns O_DIRECT on where the file system supports it.
func startDirect(f *os.File) *directIO {
	d := &directIO{f: f}
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	if err != nil {
		return d
	}
	d.flags = flags
	_, err = unix.FcntlInt(f.Fd(), unix.F_SETFL, flags|unix.O_DIRECT)
	d.on = err == nil
	return d
}

// Write writes b at the file's offset, straight to disk when b is whole
// blocks in aligned memory; else it falls back to the page cache for good
// (the offset is then no longer aligned).
func (d *directIO) Write(b []byte) (int, error) {
	if d.on && (len(b)%directBlock != 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%directBlock != 0) {
		d.stop()
	}
	return d.f.Write(b)
}

func (d *directIO) stop() {
	if d.on {
		_, _ = unix.FcntlInt(d.f.Fd(), unix.F_SETFL, d.flags)
		d.on = false
	}
}

// finish starts writing back whatever went through the page cache, without
// waiting: the upload's completion flushes the rest.
func (d *directIO) finish() {
	d.stop()
	_ = unix.SyncFileRange(int(d.f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}

// openUncached opens a file to read it once, around the page cache where
// the file system allows.
func openUncached(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_DIRECT, 0)
	if err != nil {
		return os.Open(path)
	}
	return f, nil
}
