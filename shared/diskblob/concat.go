package diskblob

import (
	"errors"
	"io"
	"os"
	"sort"
)

// concat reads several files as one: a blob assembled from multipart parts
// is kept as its part files, so completing an upload copies nothing.
type concat struct {
	files  []*os.File
	starts []int64 // offset of each file in the whole
	size   int64
	off    int64
}

func openConcat(paths []string, sizes []int64) (*concat, error) {
	c := &concat{}
	for i, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			c.Close()
			return nil, err
		}
		c.files = append(c.files, f)
		c.starts = append(c.starts, c.size)
		c.size += sizes[i]
	}
	return c, nil
}

// ReadAt reads len(p) bytes from off across the files.
func (c *concat) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	n := 0
	for n < len(p) && off < c.size {
		i := sort.Search(len(c.starts), func(i int) bool { return c.starts[i] > off }) - 1
		end := c.size
		if i+1 < len(c.starts) {
			end = c.starts[i+1]
		}
		want := min(int64(len(p)-n), end-off)
		m, err := c.files[i].ReadAt(p[n:n+int(want)], off-c.starts[i])
		n += m
		off += int64(m)
		if err != nil && !errors.Is(err, io.EOF) {
			return n, err
		}
		if int64(m) < want {
			return n, io.ErrUnexpectedEOF // a part file is shorter than recorded
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (c *concat) Read(p []byte) (int, error) {
	n, err := c.ReadAt(p, c.off)
	c.off += int64(n)
	if n > 0 && errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}

func (c *concat) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += c.off
	case io.SeekEnd:
		offset += c.size
	default:
		return 0, errors.New("bad whence")
	}
	if offset < 0 {
		return 0, errors.New("negative position")
	}
	c.off = offset
	return offset, nil
}

func (c *concat) Close() error {
	var errs []error
	for _, f := range c.files {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}
