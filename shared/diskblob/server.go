package diskblob

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// Handler serves the signed URLs under Prefix: PUT uploads a blob or a part,
// GET and HEAD download (with Range). Anything not signed for exactly this
// request is refused with 403, a body whose SHA-256 differs from the signed
// one with 400.
func (s *Store) Handler(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &server{store: s, log: log}
}

// server is the HTTP side of a Store: the local stand-in for S3's
// presigned URLs.
type server struct {
	store *Store
	log   *slog.Logger
}

// ServeHTTP serves one signed URL: an upload of a blob or a part, or a
// download. Errors answer {code, message}; faults of the store are logged
// and answer internal.
func (v *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := v.store
	g, err := s.verify(r)
	if err == nil {
		switch {
		case r.Method == http.MethodPut && g.Upload != "":
			err = s.putPart(w, r, g)
		case r.Method == http.MethodPut:
			err = s.putObject(w, r, g)
		default:
			err = s.get(w, r, g)
		}
	}
	if err != nil {
		if lot.ErrorCode(err) == lot.CodeInternal {
			v.log.ErrorContext(r.Context(), "blob request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		writeError(w, err)
	}
}

// told are the codes whose message a blob client gets; any other error is a
// fault of the store, answered internal.
var told = map[string]bool{lot.CodeInvalid: true, lot.CodeForbidden: true, lot.CodeNotFound: true, lot.CodeTooLarge: true, lot.CodeConflict: true}

// errExists refuses a create-only write over a stored blob.
var errExists = &lot.Error{Code: lot.CodeConflict, Message: "this link writes a new file only, and the file is stored already; ask for a new link to add another"}

func writeError(w http.ResponseWriter, err error) {
	var le *lot.Error
	if errors.As(err, &le) && told[le.Code] {
		problem.Write(w, le.Code, le.Message)
		return
	}
	problem.Write(w, lot.CodeInternal, "the blob store failed; try again")
}

var errDenied = &lot.Error{Code: lot.CodeForbidden, Message: "this link is not valid for this request; ask for a new one"}

// verify checks the signature and expiry of r against what it asks to do.
func (s *Store) verify(r *http.Request) (grant, error) {
	key, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok || lot.CheckBlobKey(key) != nil {
		return grant{}, errDenied
	}
	q := r.URL.Query()
	method := r.Method
	switch method {
	case http.MethodHead:
		method = http.MethodGet
	case http.MethodGet, http.MethodPut:
	default:
		return grant{}, errDenied
	}
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	if err != nil {
		return grant{}, errDenied
	}
	g := grant{Method: method, Key: key, Expires: exp, Upload: q.Get("upload"), ContentType: q.Get("ct"), SHA256: q.Get("sha256"),
		Filename: q.Get("name"), Tag: q.Get("tag"), CreateOnly: q.Get("new") == "1"}
	if sz := q.Get("size"); sz != "" {
		if g.Size, err = strconv.ParseInt(sz, 10, 64); err != nil || g.Size <= 0 {
			return grant{}, errDenied
		}
	}
	if g.Upload != "" {
		if g.Part, err = strconv.Atoi(q.Get("part")); err != nil {
			return grant{}, errDenied
		}
	}
	if !hmac.Equal([]byte(g.mac(s.secret)), []byte(q.Get("sig"))) {
		return grant{}, errDenied
	}
	if s.clock.Now().Unix() > g.Expires {
		return grant{}, &lot.Error{Code: lot.CodeForbidden, Message: "this link has expired; ask for a new one"}
	}
	if method == http.MethodPut && g.ContentType != "" && r.Header.Get("Content-Type") != g.ContentType {
		return grant{}, lot.Errorf(lot.CodeForbidden, "this link uploads Content-Type %q only", g.ContentType)
	}
	return g, nil
}

// fill reads until b is full or r fails; unlike io.ReadFull it passes r's
// error on as it is, so io.EOF is a body's clean end and
// io.ErrUnexpectedEOF one cut short.
func fill(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := r.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// received is a body stored in a temp file.
type received struct {
	path string
	size int64
	sum  []byte   // its SHA-256, when hashed
	kept []*chunk // its bytes, kept for the upload's whole hash (nil: not kept)
}

// receive streams the body into a temp file in chunks, checking its SHA-256
// against the signed one. A part's chunks go straight to disk and, while
// memory allows, are kept for hashing the upload whole (prefix.go), which
// then need not read them back.
func (s *Store) receive(r *http.Request, g grant) (received, error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "put-*")
	if err != nil {
		return received{}, err
	}
	limit := int64(lot.MaxSinglePut)
	if g.Size > 0 {
		if r.ContentLength >= 0 && r.ContentLength != g.Size {
			tmp.Close()
			os.Remove(tmp.Name())
			return received{}, lot.Errorf(lot.CodeInvalid, "this link uploads exactly %d bytes; the body is %d", g.Size, r.ContentLength)
		}
		limit = g.Size
	}
	// A part bound to no hash is not hashed here: the upload's whole hash
	// proves it. Anything else is hashed for its ETag and check.
	var h hash.Hash
	if g.Upload == "" || g.SHA256 != "" {
		h = sha256.New()
	}
	var out io.Writer = tmp
	var direct *directIO
	keep := false
	if g.Upload != "" {
		direct = startDirect(tmp)
		out = direct
		keep = g.Size > 0 && s.held.reserve(g.Size)
	}
	res := received{path: tmp.Name()}
	body := http.MaxBytesReader(nil, r.Body, limit)
	c := newChunk()
	for err == nil {
		var k int
		k, err = fill(body, c.b)
		if k == 0 {
			break
		}
		if h != nil {
			h.Write(c.b[:k])
		}
		if _, werr := out.Write(c.b[:k]); werr != nil {
			err = werr
			break
		}
		res.size += int64(k)
		if keep {
			c.n = k
			res.kept = append(res.kept, c)
			c = newChunk()
		}
	}
	c.release()
	if err == io.EOF {
		err = nil // the body ended where it said it would
	}
	switch {
	case err == nil && g.Upload == "":
		err = tmp.Sync()
	case err == nil:
		direct.finish() // and completing the upload flushes the rest (syncDir)
	}
	err = errors.Join(err, tmp.Close())
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = lot.Errorf(lot.CodeInvalid, "the body ended before its declared length; nothing was stored")
	case errors.As(err, &tooBig):
		err = lot.Errorf(lot.CodeTooLarge, "one upload may be at most %d bytes; use a multipart upload", int64(lot.MaxSinglePut))
	case err == nil && g.Size > 0 && res.size != g.Size:
		err = lot.Errorf(lot.CodeInvalid, "this link uploads exactly %d bytes; %d arrived", g.Size, res.size)
	case err == nil && g.SHA256 != "" && b64(h.Sum(nil)) != g.SHA256:
		err = &lot.Error{Code: lot.CodeInvalid, Message: "the body's SHA-256 does not match the signed checksum; nothing was stored"}
	}
	if keep && (err != nil || len(res.kept) == 0) {
		s.held.unreserve(g.Size, res.kept)
		res.kept = nil
	}
	if err != nil {
		os.Remove(tmp.Name())
		return received{}, err
	}
	if h != nil {
		res.sum = h.Sum(nil)
	}
	return res, nil
}

func (s *Store) putObject(w http.ResponseWriter, r *http.Request, g grant) error {
	if _, err := os.Stat(s.metaPath(g.Key)); g.CreateOnly && err == nil {
		return errExists // before the body: checked again before storing it
	}
	got, err := s.receive(r, g)
	if err != nil {
		return err
	}
	defer os.Remove(got.path)
	tmp, n, sum := got.path, got.size, got.sum
	ct := g.ContentType
	if ct == "" {
		ct = r.Header.Get("Content-Type")
	}
	m := meta{ContentType: ct, Size: n, ETag: etagOf(sum), Modified: s.clock.Now().UTC()}
	if g.CreateOnly {
		defer s.lock("object:" + g.Key)()
		if _, err := os.Stat(s.metaPath(g.Key)); err == nil {
			return errExists
		}
	}
	if err := s.commit(tmp, g.Key, m); err != nil {
		return err
	}
	w.Header().Set("ETag", m.ETag)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Store) putPart(w http.ResponseWriter, r *http.Request, g grant) error {
	if _, err := s.loadUpload(g.Key, g.Upload); err != nil {
		return err
	}
	got, err := s.receive(r, g)
	if err != nil {
		return err
	}
	defer os.Remove(got.path)
	stored := false
	defer func() {
		if !stored {
			s.held.unreserve(g.Size, got.kept)
		}
	}()
	tmp, n, sum := got.path, got.size, got.sum
	defer s.lock(g.Upload)()
	if _, err := s.loadUpload(g.Key, g.Upload); err != nil { // completed or aborted while the body arrived
		return err
	}
	dir := s.uploadDir(g.Upload)
	s.forgetPrefix(g.Upload, g.Part)
	p := partMeta{Number: g.Part, Size: n}
	if sum != nil {
		p.ETag, p.SHA256 = etagOf(sum), b64(sum)
	} else { // an ETag names this stored copy of the part, not its bytes
		nonce := make([]byte, 16)
		rand.Read(nonce)
		p.ETag = etagOf(nonce)
	}
	b, _ := json.Marshal(p)
	// The part's bytes land before its record: a listed part is always whole.
	if err := os.Rename(tmp, filepath.Join(dir, partFile(g.Part))); err != nil {
		return notFound(err, "upload")
	}
	if err := writeFile(filepath.Join(dir, partFile(g.Part)+".json"), b, 0o640, false); err != nil {
		return notFound(err, "upload")
	}
	if got.kept != nil {
		s.held.keep(g.Upload, g.Part, got.kept)
	}
	stored = true
	go s.advance(g.Key, g.Upload) // after this handler lets go of the lock
	w.Header().Set("ETag", p.ETag)
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Store) get(w http.ResponseWriter, r *http.Request, g grant) error {
	info, err := s.Head(r.Context(), g.Key)
	if err != nil {
		return err
	}
	f, _, err := s.open(g.Key)
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	// A type always, so ServeContent never reads the file to sniff one
	// (those reads would count as bytes served).
	h.Set("Content-Type", cmp.Or(info.ContentType, "application/octet-stream"))
	h.Set("ETag", info.ETag)
	h.Set("Cache-Control", "private, max-age="+strconv.FormatInt(max(0, g.Expires-time.Now().Unix()), 10))
	if g.Filename != "" {
		h.Set("Content-Disposition", lot.ContentDisposition(g.Filename))
	}
	if g.Tag == "" || s.Served == nil || r.Method != http.MethodGet {
		http.ServeContent(w, r, "", info.Modified, f)
		return nil
	}
	rs := &seekRecorder{ReadSeeker: f}
	cw := &countingWriter{ResponseWriter: w}
	http.ServeContent(cw, r, "", info.Modified, rs)
	if cw.status != http.StatusOK && cw.status != http.StatusPartialContent || cw.n == 0 {
		return nil
	}
	ctx := context.WithoutCancel(r.Context())
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "multipart/byteranges") {
		// One range: the bytes the connection took, from where reading began.
		from := rs.spans[len(rs.spans)-1][0]
		s.Served(ctx, g.Tag, from, from+cw.n)
		return nil
	}
	// Several ranges in one multipart response: each range read went out
	// once the whole response was written without an error.
	if !cw.failed {
		for _, sp := range rs.spans {
			if sp[1] > sp[0] {
				s.Served(ctx, g.Tag, sp[0], sp[1])
			}
		}
	}
	return nil
}

// seekRecorder remembers the spans of the file ServeContent read: one per
// seek to a range's start, growing as it reads on.
type seekRecorder struct {
	io.ReadSeeker
	pos   int64
	spans [][2]int64
}

func (r *seekRecorder) Seek(off int64, whence int) (int64, error) {
	n, err := r.ReadSeeker.Seek(off, whence)
	if err == nil {
		r.pos = n
	}
	return n, err
}

func (r *seekRecorder) Read(b []byte) (int, error) {
	n, err := r.ReadSeeker.Read(b)
	if n > 0 {
		if k := len(r.spans); k > 0 && r.spans[k-1][1] == r.pos {
			r.spans[k-1][1] += int64(n)
		} else {
			r.spans = append(r.spans, [2]int64{r.pos, r.pos + int64(n)})
		}
		r.pos += int64(n)
	}
	return n, err
}

// countingWriter counts the body bytes the connection took, and whether
// a write failed.
type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
	failed bool
}

func (w *countingWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	w.failed = w.failed || err != nil
	return n, err
}
