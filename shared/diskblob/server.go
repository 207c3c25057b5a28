package diskblob

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// Handler serves the signed URLs under Prefix: PUT uploads a blob or a part,
// GET and HEAD download (with Range). Anything not signed for exactly this
// request is refused with 403, a body whose SHA-256 differs from the signed
// one with 400.
func (s *Store) Handler(log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
			code := lot.ErrorCode(err)
			if code == lot.CodeInternal {
				log.ErrorContext(r.Context(), "blob request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeError(w, err)
		}
	})
}

var statusOf = map[string]int{
	lot.CodeInvalid: http.StatusBadRequest, lot.CodeForbidden: http.StatusForbidden,
	lot.CodeNotFound: http.StatusNotFound, lot.CodeTooLarge: http.StatusRequestEntityTooLarge,
}

func writeError(w http.ResponseWriter, err error) {
	code := lot.ErrorCode(err)
	status, ok := statusOf[code]
	msg := "the blob store failed; try again"
	if ok {
		var le *lot.Error
		errors.As(err, &le)
		msg = le.Message
	} else {
		code, status = lot.CodeInternal, http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "message": msg})
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
	g := grant{Method: method, Key: key, Expires: exp, Upload: q.Get("upload"), ContentType: q.Get("ct"), SHA256: q.Get("sha256"), Filename: q.Get("name")}
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

// copyBuffers are 1 MiB: large parts arrive in fewer, larger reads and writes.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// receive streams the body into a temp file, checking its SHA-256 against
// the signed one; it returns the temp file's path, size and digest.
func (s *Store) receive(r *http.Request, g grant) (string, int64, []byte, error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "put-*")
	if err != nil {
		return "", 0, nil, err
	}
	h := sha256.New()
	limit := int64(lot.MaxSinglePut)
	if g.Size > 0 {
		if r.ContentLength >= 0 && r.ContentLength != g.Size {
			tmp.Close()
			os.Remove(tmp.Name())
			return "", 0, nil, lot.Errorf(lot.CodeInvalid, "this link uploads exactly %d bytes; the body is %d", g.Size, r.ContentLength)
		}
		limit = g.Size
	}
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	n, err := io.CopyBuffer(io.MultiWriter(tmp, h), http.MaxBytesReader(nil, r.Body, limit), *buf)
	if err == nil && g.Upload == "" {
		err = tmp.Sync() // parts reach the disk when their upload completes (syncDir)
	}
	err = errors.Join(err, tmp.Close())
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = lot.Errorf(lot.CodeInvalid, "the body ended before its declared length; nothing was stored")
	case errors.As(err, &tooBig):
		err = lot.Errorf(lot.CodeTooLarge, "one upload may be at most %d bytes; use a multipart upload", int64(lot.MaxSinglePut))
	case err == nil && g.Size > 0 && n != g.Size:
		err = lot.Errorf(lot.CodeInvalid, "this link uploads exactly %d bytes; %d arrived", g.Size, n)
	case err == nil && g.SHA256 != "" && b64(h.Sum(nil)) != g.SHA256:
		err = &lot.Error{Code: lot.CodeInvalid, Message: "the body's SHA-256 does not match the signed checksum; nothing was stored"}
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", 0, nil, err
	}
	return tmp.Name(), n, h.Sum(nil), nil
}

func (s *Store) putObject(w http.ResponseWriter, r *http.Request, g grant) error {
	tmp, n, sum, err := s.receive(r, g)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	ct := g.ContentType
	if ct == "" {
		ct = r.Header.Get("Content-Type")
	}
	m := meta{ContentType: ct, Size: n, ETag: etagOf(sum), Modified: s.clock.Now().UTC()}
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
	tmp, n, sum, err := s.receive(r, g)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	defer s.lock(g.Upload)()
	if _, err := s.loadUpload(g.Key, g.Upload); err != nil { // completed or aborted while the body arrived
		return err
	}
	dir := s.uploadDir(g.Upload)
	s.forgetPrefix(g.Upload, g.Part)
	p := partMeta{Number: g.Part, Size: n, ETag: etagOf(sum), SHA256: b64(sum)}
	b, _ := json.Marshal(p)
	// The part's bytes land before its record: a listed part is always whole.
	if err := os.Rename(tmp, filepath.Join(dir, partFile(g.Part))); err != nil {
		return notFound(err, "upload")
	}
	if err := writeFile(filepath.Join(dir, partFile(g.Part)+".json"), b, 0o640, false); err != nil {
		return notFound(err, "upload")
	}
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
	if info.ContentType != "" {
		h.Set("Content-Type", info.ContentType)
	}
	h.Set("ETag", info.ETag)
	h.Set("Cache-Control", "private, max-age="+strconv.FormatInt(max(0, g.Expires-time.Now().Unix()), 10))
	if g.Filename != "" {
		h.Set("Content-Disposition", lot.ContentDisposition(g.Filename))
	}
	http.ServeContent(w, r, "", info.Modified, f)
	return nil
}
