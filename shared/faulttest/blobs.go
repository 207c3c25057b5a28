package faulttest

import (
	"context"
	"io"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// Blobs is a lot.Blobs whose calls get the faults of F. Reading from a
// blob Read opened gets none: a fault hits the call, not the bytes.
type Blobs struct {
	B lot.Blobs
	F *Faults
}

// WrapBlobs returns b with faults from f, keeping the optional interfaces
// b implements (lot.BlobWriter, lot.WholeHashing).
func WrapBlobs(b lot.Blobs, f *Faults) lot.Blobs {
	base := &Blobs{B: b, F: f}
	w, writes := b.(lot.BlobWriter)
	h, hashes := b.(lot.WholeHashing)
	switch {
	case writes && hashes:
		return struct {
			*Blobs
			writer
			lot.WholeHashing
		}{base, writer{base, w}, h}
	case writes:
		return struct {
			*Blobs
			writer
		}{base, writer{base, w}}
	case hashes:
		return struct {
			*Blobs
			lot.WholeHashing
		}{base, h}
	}
	return base
}

type writer struct {
	b *Blobs
	w lot.BlobWriter
}

func (w writer) WriteBlob(ctx context.Context, key, contentType string, body []byte) error {
	return run(w.b.F, "Blobs.WriteBlob", func() error { return w.w.WriteBlob(ctx, key, contentType, body) })
}

func (b *Blobs) PresignPut(ctx context.Context, key string, o lot.PutOptions) (lot.SignedURL, error) {
	return call(b.F, "Blobs.PresignPut", func() (lot.SignedURL, error) { return b.B.PresignPut(ctx, key, o) })
}

func (b *Blobs) PresignGet(ctx context.Context, key string, o lot.GetOptions) (lot.SignedURL, error) {
	return call(b.F, "Blobs.PresignGet", func() (lot.SignedURL, error) { return b.B.PresignGet(ctx, key, o) })
}

func (b *Blobs) CreateUpload(ctx context.Context, key, contentType string) (string, error) {
	return call(b.F, "Blobs.CreateUpload", func() (string, error) { return b.B.CreateUpload(ctx, key, contentType) })
}

func (b *Blobs) PresignPart(ctx context.Context, key, uploadID string, n int, o lot.PartOptions) (lot.SignedURL, error) {
	return call(b.F, "Blobs.PresignPart", func() (lot.SignedURL, error) { return b.B.PresignPart(ctx, key, uploadID, n, o) })
}

func (b *Blobs) ListParts(ctx context.Context, key, uploadID string) ([]lot.Part, error) {
	return call(b.F, "Blobs.ListParts", func() ([]lot.Part, error) { return b.B.ListParts(ctx, key, uploadID) })
}

func (b *Blobs) CompleteUpload(ctx context.Context, key, uploadID string, parts []lot.Part) (lot.BlobInfo, error) {
	return call(b.F, "Blobs.CompleteUpload", func() (lot.BlobInfo, error) { return b.B.CompleteUpload(ctx, key, uploadID, parts) })
}

func (b *Blobs) AbortUpload(ctx context.Context, key, uploadID string) error {
	return run(b.F, "Blobs.AbortUpload", func() error { return b.B.AbortUpload(ctx, key, uploadID) })
}

func (b *Blobs) Head(ctx context.Context, key string) (lot.BlobInfo, error) {
	return call(b.F, "Blobs.Head", func() (lot.BlobInfo, error) { return b.B.Head(ctx, key) })
}

// Read opens key; an after-fault closes what the call opened.
func (b *Blobs) Read(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	switch b.F.decide("Blobs.Read") {
	case before:
		return nil, ErrBefore
	case after:
		if rc, err := b.B.Read(ctx, key, offset, length); err == nil {
			rc.Close()
		}
		return nil, ErrAfter
	case delay:
		time.Sleep(b.F.Delay)
	}
	return b.B.Read(ctx, key, offset, length)
}

func (b *Blobs) Delete(ctx context.Context, key string) error {
	return run(b.F, "Blobs.Delete", func() error { return b.B.Delete(ctx, key) })
}
