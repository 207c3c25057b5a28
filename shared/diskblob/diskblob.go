// Package diskblob is the local lot.Blobs: files in a folder, uploaded and
// downloaded through the local server under signed, expiring URLs. A URL's
// signature is an HMAC-SHA256 (key kept in the data folder) over the method,
// key, expiry, upload ID, part number, content type, checksum and download
// name, so changing any of them, or the path, makes the URL worthless.
package diskblob

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// Store implements lot.Blobs on a folder.
type Store struct {
	locks  sync.Map // upload ID → *sync.Mutex: parts, completion and abort of one upload take turns
	dir    string   // <data>/blobs
	base   string   // URL prefix the local server mounts Handler at, e.g. http://127.0.0.1:8080/blobs
	secret []byte
	clock  lot.Clock
	held   heldParts // parts' bytes waiting for the prefix hasher

	// Served, when set, hears which bytes [from, to) of a blob a tagged
	// download URL actually sent (counted as written to the connection, so
	// a client that hangs up early is not counted whole).
	Served func(ctx context.Context, tag string, from, to int64)
}

var (
	_ lot.Blobs      = (*Store)(nil)
	_ lot.BlobWriter = (*Store)(nil)
)

// Prefix is the path the local server serves blobs under.
const Prefix = "/blobs/"

// lockFiles holds, per blob folder, the open file whose lock says this
// process is the folder's one user.
var lockFiles sync.Map

// Open opens (creating) the blob folder dir, with its signing key in keyFile,
// for URLs under baseURL (the server's URL; Prefix is appended).
func Open(dir, keyFile, baseURL string, clock lot.Clock) (*Store, error) {
	if clock == nil {
		clock = lot.SystemClock
	}
	for _, d := range []string{"objects", "uploads", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o750); err != nil {
			return nil, fmt.Errorf("blob folder: %w", err)
		}
	}
	if _, err := removeLeftovers(dir); err != nil {
		return nil, fmt.Errorf("blob folder: %w", err)
	}
	secret, err := loadOrCreateSecret(keyFile)
	if err != nil {
		return nil, err
	}
	return &Store{dir: dir, base: strings.TrimSuffix(baseURL, "/") + strings.TrimSuffix(Prefix, "/"), secret: secret, clock: clock}, nil
}

func loadOrCreateSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		s, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(s) < 32 {
			return nil, fmt.Errorf("blob signing key %s is damaged", path)
		}
		return s, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob signing key: %w", err)
	}
	s := make([]byte, 32)
	if _, err := rand.Read(s); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("blob signing key: %w", err)
	}
	if err := writeAtomic(path, []byte(hex.EncodeToString(s)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("blob signing key: %w", err)
	}
	return s, nil
}

// writeAtomic writes a file whole or not at all, and flushes it to disk.
func writeAtomic(path string, b []byte, mode os.FileMode) error {
	return writeFile(path, b, mode, true)
}

// writeFile writes a file whole or not at all; sync flushes it to disk first.
func writeFile(path string, b []byte, mode os.FileMode, sync bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// grant is what a signed URL allows; every field is signed.
type grant struct {
	Method      string
	Key         string
	Expires     int64 // Unix seconds
	Upload      string
	Part        int
	ContentType string
	SHA256      string
	Filename    string
	Size        int64 // > 0: the body must be exactly this long
	Tag         string
	CreateOnly  bool // the key must hold no blob yet
}

func (g grant) mac(secret []byte) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "openlot-blob-v1\n%s\n%s\n%d\n%s\n%d\n%s\n%s\n%s\n%d", g.Method, g.Key, g.Expires, g.Upload, g.Part, g.ContentType, g.SHA256, g.Filename, g.Size)
	if g.Tag != "" { // appended only when present, so URLs signed before tags stay valid
		fmt.Fprintf(m, "\ntag\n%s", g.Tag)
	}
	if g.CreateOnly { // likewise
		fmt.Fprint(m, "\ncreate-only")
	}
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Store) sign(g grant) lot.SignedURL {
	q := url.Values{}
	q.Set("exp", strconv.FormatInt(g.Expires, 10))
	if g.Upload != "" {
		q.Set("upload", g.Upload)
		q.Set("part", strconv.Itoa(g.Part))
	}
	if g.ContentType != "" {
		q.Set("ct", g.ContentType)
	}
	if g.SHA256 != "" {
		q.Set("sha256", g.SHA256)
	}
	if g.Filename != "" {
		q.Set("name", g.Filename)
	}
	if g.Size > 0 {
		q.Set("size", strconv.FormatInt(g.Size, 10))
	}
	if g.Tag != "" {
		q.Set("tag", g.Tag)
	}
	if g.CreateOnly {
		q.Set("new", "1")
	}
	q.Set("sig", g.mac(s.secret))
	u := lot.SignedURL{Method: g.Method, URL: s.base + "/" + escapeKey(g.Key) + "?" + q.Encode(), Expires: time.Unix(g.Expires, 0).UTC()}
	if g.ContentType != "" {
		u.Header = map[string]string{"Content-Type": g.ContentType}
	}
	return u
}

func escapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func (s *Store) expiry(d time.Duration) (int64, error) {
	d, err := lot.CheckExpiry(d)
	if err != nil {
		return 0, err
	}
	return s.clock.Now().Add(d).Unix(), nil
}

// PresignPut signs a single-PUT upload of key.
func (s *Store) PresignPut(_ context.Context, key string, o lot.PutOptions) (lot.SignedURL, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return lot.SignedURL{}, err
	}
	exp, err := s.expiry(o.Expires)
	if err != nil {
		return lot.SignedURL{}, err
	}
	return s.sign(grant{Method: "PUT", Key: key, Expires: exp, ContentType: o.ContentType, SHA256: o.SHA256, Size: o.Size, CreateOnly: o.CreateOnly}), nil
}

// PresignGet signs a download of key.
func (s *Store) PresignGet(_ context.Context, key string, o lot.GetOptions) (lot.SignedURL, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return lot.SignedURL{}, err
	}
	exp, err := s.expiry(o.Expires)
	if err != nil {
		return lot.SignedURL{}, err
	}
	return s.sign(grant{Method: "GET", Key: key, Expires: exp, Filename: o.Filename, Tag: o.Tag}), nil
}

// meta is what a blob's sidecar file records.
type meta struct {
	ContentType string    `json:"contentType"`
	Size        int64     `json:"size"`
	ETag        string    `json:"etag"`
	Modified    time.Time `json:"modified"`
	SHA256      string    `json:"sha256,omitempty"` // hex, of the whole blob (multipart blobs)
	Parts       []int64   `json:"parts,omitempty"`  // sizes of the part files a multipart blob is kept as
}

func (s *Store) objectPath(key string) string {
	return filepath.Join(s.dir, "objects", filepath.FromSlash(key))
}
func (s *Store) metaPath(key string) string  { return s.objectPath(key) + ".meta.json" }
func (s *Store) partsPath(key string) string { return s.objectPath(key) + ".parts" }

// open opens a blob for reading: its file, or its part files as one.
func (s *Store) open(key string) (io.ReadSeekCloser, meta, error) {
	var m meta
	if err := readJSON(s.metaPath(key), &m); err != nil {
		return nil, m, notFound(err, "blob")
	}
	if len(m.Parts) == 0 {
		f, err := os.Open(s.objectPath(key))
		if err != nil {
			return nil, m, notFound(err, "blob")
		}
		return f, m, nil
	}
	paths := make([]string, len(m.Parts))
	for i := range m.Parts {
		paths[i] = filepath.Join(s.partsPath(key), partFile(i+1))
	}
	c, err := openConcat(paths, m.Parts)
	if err != nil {
		return nil, m, notFound(err, "blob")
	}
	return c, m, nil
}

// Head describes key.
func (s *Store) Head(_ context.Context, key string) (lot.BlobInfo, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return lot.BlobInfo{}, err
	}
	var m meta
	if err := readJSON(s.metaPath(key), &m); err != nil {
		return lot.BlobInfo{}, notFound(err, "blob")
	}
	return lot.BlobInfo{Key: key, Size: m.Size, ContentType: m.ContentType, ETag: m.ETag, Modified: m.Modified, SHA256: m.SHA256}, nil
}

// Read returns a section of key.
func (s *Store) Read(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	info, err := s.Head(ctx, key)
	if err != nil {
		return nil, err
	}
	if offset < 0 || length == 0 || offset > info.Size {
		return nil, lot.Errorf(lot.CodeInvalid, "a read needs a non-zero length from an offset within the blob (%d bytes), not %d", info.Size, offset)
	}
	f, _, err := s.open(key)
	if err != nil {
		return nil, err
	}
	if length < 0 || offset+length > info.Size {
		length = info.Size - offset
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(f, length), f}, nil
}

// Delete removes key and its sidecar.
func (s *Store) Delete(_ context.Context, key string) error {
	if err := lot.CheckBlobKey(key); err != nil {
		return err
	}
	// The sidecar goes first: without it the blob is invisible.
	for _, p := range []string{s.metaPath(key), s.objectPath(key)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete blob: %w", err)
		}
	}
	if err := os.RemoveAll(s.partsPath(key)); err != nil {
		return fmt.Errorf("delete blob: %w", err)
	}
	return nil
}

// WriteBlob stores body as key, whole or not at all.
func (s *Store) WriteBlob(_ context.Context, key, contentType string, body []byte) error {
	if err := lot.CheckBlobKey(key); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "write-*")
	if err != nil {
		return fmt.Errorf("write blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write blob: %w", err)
	}
	sum := sha256.Sum256(body)
	m := meta{ContentType: contentType, Size: int64(len(body)), ETag: etagOf(sum[:]), Modified: s.clock.Now().UTC(), SHA256: hex.EncodeToString(sum[:])}
	return s.commit(tmp.Name(), key, m)
}

// commit moves a finished temp file into place as key, then writes its sidecar.
func (s *Store) commit(tmp, key string, m meta) error {
	p := s.objectPath(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		return err
	}
	b, _ := json.Marshal(m)
	if err := writeAtomic(s.metaPath(key), b, 0o640); err != nil {
		return err
	}
	return os.RemoveAll(s.partsPath(key)) // a multipart blob this one replaces
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func notFound(err error, what string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return lot.Errorf(lot.CodeNotFound, "no such %s", what)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func b64(sum []byte) string { return base64.StdEncoding.EncodeToString(sum) }

func etagOf(sum []byte) string { return `"` + hex.EncodeToString(sum[:16]) + `"` }

// upload is the state of a multipart upload, on disk.
type upload struct {
	Key         string    `json:"key"`
	ContentType string    `json:"contentType"`
	Created     time.Time `json:"created"`
}

func (s *Store) uploadDir(id string) string { return filepath.Join(s.dir, "uploads", id) }

func validUploadID(id string) bool {
	if len(id) != 32 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

func (s *Store) loadUpload(key, id string) (*upload, error) {
	if !validUploadID(id) {
		return nil, lot.Errorf(lot.CodeNotFound, "no such upload")
	}
	var u upload
	if err := readJSON(filepath.Join(s.uploadDir(id), "upload.json"), &u); err != nil {
		return nil, notFound(err, "upload")
	}
	if u.Key != key {
		return nil, lot.Errorf(lot.CodeNotFound, "no such upload")
	}
	return &u, nil
}

// CreateUpload starts a multipart upload.
func (s *Store) CreateUpload(_ context.Context, key, contentType string) (string, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return "", err
	}
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	id := hex.EncodeToString(raw)
	if err := os.MkdirAll(s.uploadDir(id), 0o750); err != nil {
		return "", fmt.Errorf("create upload: %w", err)
	}
	b, _ := json.Marshal(upload{Key: key, ContentType: contentType, Created: s.clock.Now().UTC()})
	if err := writeAtomic(filepath.Join(s.uploadDir(id), "upload.json"), b, 0o640); err != nil {
		return "", fmt.Errorf("create upload: %w", err)
	}
	return id, nil
}

// PresignPart signs the upload of part n.
func (s *Store) PresignPart(_ context.Context, key, id string, n int, o lot.PartOptions) (lot.SignedURL, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return lot.SignedURL{}, err
	}
	if n < 1 || n > lot.MaxParts {
		return lot.SignedURL{}, lot.Errorf(lot.CodeInvalid, "part number %d is outside 1…%d", n, lot.MaxParts)
	}
	if _, err := s.loadUpload(key, id); err != nil {
		return lot.SignedURL{}, err
	}
	exp, err := s.expiry(o.Expires)
	if err != nil {
		return lot.SignedURL{}, err
	}
	return s.sign(grant{Method: "PUT", Key: key, Expires: exp, Upload: id, Part: n, SHA256: o.SHA256, Size: o.Size}), nil
}

func partFile(n int) string { return fmt.Sprintf("part-%05d", n) }

// ListParts lists the parts uploaded so far.
func (s *Store) ListParts(_ context.Context, key, id string) ([]lot.Part, error) {
	if _, err := s.loadUpload(key, id); err != nil {
		return nil, err
	}
	names, err := filepath.Glob(filepath.Join(s.uploadDir(id), "part-*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	parts := make([]lot.Part, 0, len(names))
	for _, name := range names {
		var p partMeta
		if err := readJSON(name, &p); err != nil {
			return nil, fmt.Errorf("list parts: %w", err)
		}
		parts = append(parts, lot.Part{Number: p.Number, Size: p.Size, ETag: p.ETag, SHA256: p.SHA256})
	}
	return parts, nil
}

type partMeta struct {
	Number int    `json:"number"`
	Size   int64  `json:"size"`
	ETag   string `json:"etag"`
	SHA256 string `json:"sha256"`
}

// lock serializes the changes to one upload.
func (s *Store) lock(id string) func() {
	m, _ := s.locks.LoadOrStore(id, &sync.Mutex{})
	m.(*sync.Mutex).Lock()
	return m.(*sync.Mutex).Unlock
}

// CompleteUpload joins the parts into the blob and forgets the upload.
func (s *Store) CompleteUpload(ctx context.Context, key, id string, parts []lot.Part) (lot.BlobInfo, error) {
	defer s.lock(id)()
	u, err := s.loadUpload(key, id)
	if err != nil {
		return lot.BlobInfo{}, err
	}
	if err := lot.CheckParts(parts); err != nil {
		return lot.BlobInfo{}, err
	}
	stored, err := s.ListParts(ctx, key, id)
	if err != nil {
		return lot.BlobInfo{}, err
	}
	byNumber := map[int]lot.Part{}
	for _, p := range stored {
		byNumber[p.Number] = p
	}
	for i, p := range parts {
		have, ok := byNumber[p.Number]
		if !ok || have.ETag != p.ETag {
			return lot.BlobInfo{}, lot.Errorf(lot.CodeInvalid, "part %d was not uploaded or its ETag does not match", p.Number)
		}
		if i < len(parts)-1 && have.Size < lot.MinPartSize {
			return lot.BlobInfo{}, lot.Errorf(lot.CodeInvalid, "part %d is %d bytes; every part but the last must be at least %d", p.Number, have.Size, lot.MinPartSize)
		}
	}
	// The whole blob's SHA-256: from the prefix hashed as parts arrived when
	// it covers exactly these parts, else from one read of them. The parts
	// stay as they are and become the blob (nothing is copied).
	tags := sha256.New()
	sizes := make([]int64, len(parts))
	var size int64
	for i, p := range parts {
		sizes[i] = byNumber[p.Number].Size
		size += sizes[i]
		io.WriteString(tags, p.ETag)
	}
	var sum string
	if pre, h := s.loadPrefix(id); pre.Next == len(parts)+1 && parts[len(parts)-1].Number == len(parts) {
		sum = hex.EncodeToString(h.Sum(nil))
	} else {
		whole := sha256.New()
		for _, p := range parts {
			f, err := os.Open(filepath.Join(s.uploadDir(id), partFile(p.Number)))
			if err != nil {
				return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
			}
			_, err = io.Copy(whole, f)
			f.Close()
			if err != nil {
				return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
			}
		}
		sum = hex.EncodeToString(whole.Sum(nil))
	}
	staging := filepath.Join(s.uploadDir(id), "blob")
	if err := os.Mkdir(staging, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
	}
	for i, p := range parts {
		if err := os.Rename(filepath.Join(s.uploadDir(id), partFile(p.Number)), filepath.Join(staging, partFile(i+1))); err != nil {
			return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
		}
	}
	if err := syncDir(staging); err != nil { // part files reach the disk before the blob is visible
		return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
	}
	obj := s.objectPath(key)
	if err := os.MkdirAll(filepath.Dir(obj), 0o750); err != nil {
		return lot.BlobInfo{}, err
	}
	// Replace: the old sidecar goes first, then the old data, then the new parts move in.
	for _, p := range []string{s.metaPath(key), obj} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
		}
	}
	if err := os.RemoveAll(s.partsPath(key)); err != nil {
		return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
	}
	if err := os.Rename(staging, s.partsPath(key)); err != nil {
		return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
	}
	m := meta{ContentType: u.ContentType, Size: size, Modified: s.clock.Now().UTC(), Parts: sizes,
		SHA256: sum,
		ETag:   fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(tags.Sum(nil)[:16]), len(parts))}
	b, _ := json.Marshal(m)
	if err := writeAtomic(s.metaPath(key), b, 0o640); err != nil {
		return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
	}
	if err := os.RemoveAll(s.uploadDir(id)); err != nil {
		return lot.BlobInfo{}, fmt.Errorf("complete upload: %w", err)
	}
	s.held.drop(id)
	s.locks.Delete(id) // whoever waits finds the upload gone
	return lot.BlobInfo{Key: key, Size: size, ContentType: m.ContentType, ETag: m.ETag, Modified: m.Modified, SHA256: m.SHA256}, nil
}

// AbortUpload discards an upload.
func (s *Store) AbortUpload(_ context.Context, key, id string) error {
	defer s.lock(id)()
	if _, err := s.loadUpload(key, id); err != nil {
		return err
	}
	s.held.drop(id)
	return os.RemoveAll(s.uploadDir(id))
}

// syncDir flushes the files of a folder to disk, and the folder itself.
func syncDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		err = errors.Join(f.Sync(), f.Close())
		if err != nil {
			return err
		}
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// StoredPath is the file holding a blob stored by one PUT (for tools and
// benchmarks that read it directly); a multipart blob has no single file.
func (s *Store) StoredPath(key string) (string, error) {
	if err := lot.CheckBlobKey(key); err != nil {
		return "", err
	}
	p := s.objectPath(key)
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return "", lot.Errorf(lot.CodeNotFound, "%s is not stored as one file", key)
	}
	return p, nil
}
