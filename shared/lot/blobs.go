package lot

import (
	"context"
	"io"
	"mime"
	"strings"
	"time"
)

// Blobs keeps files: source materials, deliveries, proxies. Bytes never pass
// through the API: uploads and downloads go straight to the store through
// signed, expiring URLs, and the API records facts about them.
type Blobs interface {
	// PresignPut returns a URL that uploads key in one PUT (up to MaxSinglePut bytes).
	PresignPut(ctx context.Context, key string, o PutOptions) (SignedURL, error)
	// PresignGet returns a URL that downloads key; it honours Range headers.
	PresignGet(ctx context.Context, key string, o GetOptions) (SignedURL, error)

	// CreateUpload starts a multipart upload of key and returns its ID.
	CreateUpload(ctx context.Context, key, contentType string) (uploadID string, err error)
	// PresignPart returns a URL that uploads part n (1…MaxParts); a body
	// whose SHA-256 or length differs from the ones given is refused.
	PresignPart(ctx context.Context, key, uploadID string, n int, o PartOptions) (SignedURL, error)
	// ListParts returns the parts uploaded so far, by number; not_found for an
	// unknown (completed or aborted) upload.
	ListParts(ctx context.Context, key, uploadID string) ([]Part, error)
	// CompleteUpload joins the listed parts, in order, into key. Every part but
	// the last must be at least MinPartSize bytes.
	CompleteUpload(ctx context.Context, key, uploadID string, parts []Part) (BlobInfo, error)
	// AbortUpload discards an upload and its parts.
	AbortUpload(ctx context.Context, key, uploadID string) error

	// Head describes key; not_found when there is no such blob.
	Head(ctx context.Context, key string) (BlobInfo, error)
	// Read returns length bytes of key from offset (length < 0: to the end).
	Read(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// BlobWriter is a blob store that also writes a small blob itself, from
// memory, rather than through a signed URL: openlot's own files, such as
// the search snapshots under search/.
type BlobWriter interface {
	// WriteBlob stores body as key, replacing any blob there.
	WriteBlob(ctx context.Context, key, contentType string, body []byte) error
}

// Multipart limits, the same as Amazon S3's so both stores behave alike.
const (
	MinPartSize  = 5 << 20
	MaxParts     = 10000
	MaxSinglePut = 5 << 30
	MaxURLExpiry = 7 * 24 * time.Hour
)

// SignedURL is a request a client may make without credentials until Expires:
// the method, the URL, and the headers it must send as given.
type SignedURL struct {
	Method  string
	URL     string
	Header  map[string]string
	Expires time.Time
}

// PutOptions shape a single-PUT upload URL.
type PutOptions struct {
	ContentType string
	SHA256      string // base64; when set, a body with another digest is refused
	Expires     time.Duration
	Size        int64 // when > 0, a body of another length is refused
	// CreateOnly refuses the write when key holds a blob already (S3:
	// If-None-Match: *): the URL cannot overwrite what it, or another, wrote.
	CreateOnly bool
}

// PartOptions shape a part upload URL.
type PartOptions struct {
	SHA256  string // base64; when set, a body with another digest is refused
	Size    int64  // when > 0, a body of another length is refused
	Expires time.Duration
}

// GetOptions shape a download URL.
type GetOptions struct {
	Filename string // when set, browsers save the file under this name
	Expires  time.Duration
	// Tag names a download the bytes served count against: signed into the
	// URL, reported by the local blob server as ranges are sent, and (as an
	// x- query parameter S3 ignores) recorded in S3 server access logs.
	Tag string
}

// Part is one uploaded part of a multipart upload.
type Part struct {
	Number int
	Size   int64
	ETag   string
	SHA256 string // base64
}

// WholeHashing is implemented by blob stores that hash a multipart blob
// whole as its parts arrive, and so give its SHA-256 when it completes
// (BlobInfo.SHA256). A client of such a store proves a file end to end with
// the whole file's hash alone and need not bind its parts to their own.
type WholeHashing interface {
	HashesWhole() bool
}

// BlobInfo describes a stored blob.
type BlobInfo struct {
	Key         string
	Size        int64
	ContentType string
	ETag        string
	Modified    time.Time
	SHA256      string // hex SHA-256 of the whole blob, when the store knows it without reading
}

// CheckBlobKey accepts keys of slash-separated segments of letters, digits
// and ._- (no empty, "." or ".." segments), at most 512 bytes: keys are built
// by openlot, never taken from users, and must mean the same on disk and S3.
func CheckBlobKey(key string) error {
	if key == "" || len(key) > 512 {
		return Errorf(CodeInvalid, "blob key must be 1 to 512 bytes")
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return Errorf(CodeInvalid, "blob key %q has an empty, . or .. segment", truncate(key, 80))
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return Errorf(CodeInvalid, "blob key %q may hold only letters, digits, . _ - and /", truncate(key, 80))
			}
		}
	}
	return nil
}

// CheckExpiry bounds a URL lifetime: zero means 15 minutes; more than
// MaxURLExpiry (S3's limit) or less than a second is invalid.
func CheckExpiry(d time.Duration) (time.Duration, error) {
	switch {
	case d == 0:
		return 15 * time.Minute, nil
	case d < time.Second || d > MaxURLExpiry:
		return 0, Errorf(CodeInvalid, "a URL may live from 1 second to 7 days, not %s", d)
	}
	return d, nil
}

// CheckParts checks a completion list: numbers ascending, within 1…MaxParts.
func CheckParts(parts []Part) error {
	if len(parts) == 0 {
		return Errorf(CodeInvalid, "a multipart upload needs at least one part")
	}
	for i, p := range parts {
		if p.Number < 1 || p.Number > MaxParts {
			return Errorf(CodeInvalid, "part number %d is outside 1…%d", p.Number, MaxParts)
		}
		if i > 0 && p.Number <= parts[i-1].Number {
			return Errorf(CodeInvalid, "parts must be listed in ascending order without repeats")
		}
	}
	return nil
}

// ContentDisposition is the header value that makes browsers save a download
// under filename (non-ASCII names are encoded per RFC 6266).
func ContentDisposition(filename string) string {
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": filename}); v != "" {
		return v
	}
	return "attachment"
}
