package diskblob_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/lot"
)

// FuzzSignedURL sends signed URLs with one query parameter changed, any
// method, Range and Content-Type, and any body to the blob server: it never
// panics nor answers 5xx, a URL whose signed parameters were changed is
// refused with 403, and the ranges it reports served lie within the blob.
// A longer run: go test -run '^$' -fuzz '^FuzzSignedURL$' -fuzztime 5m ./shared/diskblob
func FuzzSignedURL(f *testing.F) {
	for _, s := range []struct {
		which                         uint8
		method, param, value, rng, ct string
		body                          []byte
	}{
		{0, "GET", "", "", "", "", nil}, {0, "GET", "", "", "bytes=2-5", "", nil}, {0, "HEAD", "", "", "bytes=-3", "", nil},
		{0, "GET", "", "", "bytes=0-1,4-20", "", nil}, {0, "GET", "", "", "bytes=99-", "", nil}, {0, "GET", "", "", "bytes=5-2", "", nil},
		{0, "GET", "exp", "99999999999999999999", "", "", nil}, {0, "GET", "tag", "", "", "", nil}, {0, "GET", "name", "x\ntag\ny", "", "", nil},
		{0, "GET", "sig", "", "", "", nil}, {0, "DELETE", "", "", "", "", nil}, {1, "PUT", "", "", "", "text/plain", []byte("hello world")},
		{1, "PUT", "sha256", "", "", "text/plain", []byte("other")}, {1, "PUT", "ct", "", "", "", []byte("hello world")},
		{2, "PUT", "", "", "", "", []byte("part")}, {2, "PUT", "part", "-1", "", "", []byte("part")}, {2, "PUT", "size", "0", "", "", []byte("pa")},
		{2, "PUT", "upload", "../../x", "", "", nil}, {0, "GET", "exp", "-1", "", "", nil}, {0, "GET", "x", "y", "bytes=0-0", "", nil},
	} {
		f.Add(s.which, s.method, s.param, s.value, s.rng, s.ct, s.body)
	}
	ctx := context.Background()
	dir := f.TempDir()
	s, err := diskblob.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "keys", "blob-hmac.key"), "http://blobs.test", nil)
	if err != nil {
		f.Fatal(err)
	}
	var mu sync.Mutex
	var served [][2]int64
	s.Served = func(_ context.Context, _ string, from, to int64) {
		mu.Lock()
		served = append(served, [2]int64{from, to})
		mu.Unlock()
	}
	h := s.Handler(nil)
	content := []byte("hello world")
	key, partKey := blobtest.Key("a.txt"), blobtest.Key("b.bin")
	put, err := s.PresignPut(ctx, key, lot.PutOptions{ContentType: "text/plain", SHA256: blobtest.SHA256(content), Expires: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(put.Method, put.URL, bytes.NewReader(content))
	req.Header.Set("Content-Type", "text/plain")
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		f.Fatalf("storing the blob: %d %s", rec.Code, rec.Body)
	}
	get, err := s.PresignGet(ctx, key, lot.GetOptions{Filename: "a.txt", Tag: "download-1", Expires: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	upload, err := s.CreateUpload(ctx, partKey, "")
	if err != nil {
		f.Fatal(err)
	}
	part, err := s.PresignPart(ctx, partKey, upload, 1, lot.PartOptions{Size: 4, Expires: time.Hour})
	if err != nil {
		f.Fatal(err)
	}
	urls := []lot.SignedURL{get, put, part}
	signed := []string{"exp", "upload", "part", "ct", "sha256", "name", "size", "tag", "sig"}

	f.Fuzz(func(t *testing.T, which uint8, method, param, value, rng, ct string, body []byte) {
		u, err := url.Parse(urls[int(which)%len(urls)].URL)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		changed := false
		if param != "" {
			// part is read (and signed) only with upload
			changed = q.Get(param) != value && slices.Contains(signed, param) && (param != "part" || q.Get("upload") != "")
			q.Set(param, value)
			u.RawQuery = q.Encode()
		}
		if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") {
			method = http.MethodGet
		}
		req := httptest.NewRequest(http.MethodGet, "/", bytes.NewReader(body))
		req.Method, req.URL, req.RequestURI = method, u, ""
		req.Host = u.Host
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		mu.Lock()
		served = served[:0]
		mu.Unlock()
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { defer close(done); h.ServeHTTP(rec, req) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s %s (Range %q, Content-Type %q, %d-byte body): no answer in 5 s", method, u, rng, ct, len(body))
		}
		if rec.Code >= 500 {
			t.Fatalf("%s %s (Range %q): %d %s", method, u, rng, rec.Code, rec.Body)
		}
		if changed && rec.Code < 400 {
			t.Fatalf("%s %s with %s changed to %q: %d, want the change refused", method, u, param, value, rec.Code)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, r := range served {
			if r[0] < 0 || r[1] <= r[0] || r[1] > int64(len(content)) {
				t.Fatalf("%s %s (Range %q): reported bytes %d–%d of a %d-byte blob", method, u, rng, r[0], r[1], len(content))
			}
		}
	})
}
