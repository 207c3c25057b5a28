package portal

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// How much of a stored document inspection reads: its first and last
// documentWindow bytes (signatures, PDF's %%EOF, a ZIP's directory), and
// at most documentBudget bytes more where the structure points (a TIFF's
// image directory, an Office package's [Content_Types].xml). A file of any
// size costs a few ranged reads, never a download.
const (
	documentWindow = 256 << 10
	documentBudget = 16 << 20
)

// errDocumentBudget is what a read beyond the budget answers: the file's
// structure asks for too much to be read (the finding says so).
var errDocumentBudget = fmt.Errorf("its structure asks for more than %d MiB to be read", documentBudget>>20)

// blobSample is an io.ReaderAt over a stored file, for inspect.Identify:
// the two windows are read once, other ranges through Blobs.Read within
// the budget, a window at a time (decoders read a few KiB at once: a JPEG
// skipping a large metadata segment costs one read per window, not one
// per 4 KiB). A storage failure is kept in err: a platform fault, which
// must not be mistaken for a damaged file.
type blobSample struct {
	ctx    context.Context
	blobs  lot.Blobs
	key    string
	size   int64
	head   []byte
	tail   []byte
	tailAt int64
	mid    []byte // the last window read elsewhere
	midAt  int64
	left   int64
	err    error
}

func newBlobSample(ctx context.Context, blobs lot.Blobs, key string) (*blobSample, error) {
	info, err := blobs.Head(ctx, key)
	if err != nil {
		return nil, err
	}
	b := &blobSample{ctx: ctx, blobs: blobs, key: key, size: info.Size, left: documentBudget}
	if b.size == 0 {
		return b, nil
	}
	if b.head, err = b.read(0, min(b.size, documentWindow)); err != nil {
		return nil, err
	}
	if b.size > documentWindow {
		b.tailAt = max(documentWindow, b.size-documentWindow)
		if b.tail, err = b.read(b.tailAt, b.size-b.tailAt); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (b *blobSample) read(off, n int64) ([]byte, error) {
	rc, err := b.blobs.Read(b.ctx, b.key, off, n)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	p := make([]byte, n)
	if _, err := io.ReadFull(rc, p); err != nil {
		return nil, err
	}
	return p, nil
}

// ReadAt reads len(p) bytes at off (fewer, with io.EOF, at the end).
func (b *blobSample) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= b.size {
		return 0, io.EOF
	}
	n := min(int64(len(p)), b.size-off)
	var eof error
	if n < int64(len(p)) {
		eof = io.EOF
	}
	within := func(w []byte, at int64) bool { return off >= at && off+n <= at+int64(len(w)) }
	switch {
	case within(b.head, 0):
		return copy(p, b.head[off:off+n]), eof
	case within(b.tail, b.tailAt):
		return copy(p, b.tail[off-b.tailAt:off-b.tailAt+n]), eof
	case within(b.mid, b.midAt):
		return copy(p, b.mid[off-b.midAt:off-b.midAt+n]), eof
	case n > b.left:
		return 0, errDocumentBudget
	}
	want := min(max(n, documentWindow), b.size-off, b.left)
	b.left -= want
	got, err := b.read(off, want)
	if err != nil {
		if b.err == nil {
			b.err = err
		}
		return 0, err
	}
	b.mid, b.midAt = got, off
	return copy(p, got[:n]), eof
}

// examineDocument checks a script or dub card image by its content; it
// returns what the file is, in words, and the findings. It fails only on
// a storage fault.
func (s *Deliveries) examineDocument(ctx context.Context, p inspect.Policy, sub inspect.Subject, key string) (string, []lot.Finding, error) {
	b, err := newBlobSample(ctx, s.Blobs, key)
	if err != nil {
		return "", nil, err
	}
	what, found := inspect.CheckDocument(p, sub, b, b.size)
	if b.err != nil {
		return "", nil, b.err
	}
	return what, found, nil
}
