package portal

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// countingBlobs holds one blob in memory and counts the reads made of it.
type countingBlobs struct {
	lot.Blobs
	body  []byte
	reads int
	bytes int64
}

func (c *countingBlobs) Head(context.Context, string) (lot.BlobInfo, error) {
	return lot.BlobInfo{Size: int64(len(c.body))}, nil
}

func (c *countingBlobs) Read(_ context.Context, _ string, off, n int64) (io.ReadCloser, error) {
	c.reads++
	c.bytes += n
	return io.NopCloser(bytes.NewReader(c.body[off : off+n])), nil
}

func TestADocumentOfAnySizeCostsAFewReads(t *testing.T) {
	// Ensures identifying a large stored document reads its first and last
	// window and little else: a 64 MiB PDF in 2 reads, a 1 MiB sequential
	// scan of its middle in a few more, and never more than the budget.
	body := make([]byte, 64<<20)
	copy(body, "%PDF-1.7\n")
	copy(body[len(body)-6:], "%%EOF\n")
	blobs := &countingBlobs{body: body}
	b, err := newBlobSample(t.Context(), blobs, "k")
	if err != nil {
		t.Fatal(err)
	}
	f := inspect.Identify(b, b.size)
	if f.Name != "PDF" || f.Damaged != "" {
		t.Fatalf("a 64 MiB PDF: %+v", f)
	}
	if blobs.reads != 2 || blobs.bytes != 2*documentWindow {
		t.Errorf("identifying a 64 MiB PDF: %d reads of %d bytes, want 2 of %d", blobs.reads, blobs.bytes, 2*documentWindow)
	}
	p := make([]byte, 4096)
	for off := int64(32 << 20); off < 33<<20; off += 4096 {
		if _, err := b.ReadAt(p, off); err != nil {
			t.Fatal(err)
		}
	}
	if blobs.reads > 2+4 {
		t.Errorf("reading 1 MiB 4 KiB at a time: %d reads in all, want at most 6", blobs.reads)
	}
	var over error
	for off := int64(1 << 20); off < 60<<20 && over == nil; off += documentWindow + 1 {
		_, over = b.ReadAt(p, off)
	}
	if !errors.Is(over, errDocumentBudget) {
		t.Errorf("reading all over a 64 MiB file: %v, want the budget's error", over)
	}
	if blobs.bytes > 2*documentWindow+documentBudget {
		t.Errorf("%d bytes read, more than the windows and the budget (%d)", blobs.bytes, 2*documentWindow+documentBudget)
	}
	if b.err != nil {
		t.Errorf("the budget running out is not a storage fault: err = %v", b.err)
	}
}
