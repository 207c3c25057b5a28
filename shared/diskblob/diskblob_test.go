package diskblob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// serve opens a store on dir behind a real HTTP server, as the local server mounts it.
func serve(tb testing.TB, dir string) (*diskblob.Store, *httptest.Server) {
	tb.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	s, err := diskblob.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "keys", "blob-hmac.key"), srv.URL, nil)
	if err != nil {
		tb.Fatal(err)
	}
	mux.Handle(diskblob.Prefix, s.Handler(nil))
	return s, srv
}

func TestBlobContract(t *testing.T) {
	// Ensures the disk store keeps every promise of the lot.Blobs contract over HTTP.
	blobtest.Run(t, func(t *testing.T) lot.Blobs {
		s, _ := serve(t, t.TempDir())
		return s
	})
}

func TestUploadSurvivesRestart(t *testing.T) {
	// Ensures a multipart upload begun before a restart finishes after it,
	// with the part URLs handed out before the restart.
	ctx := context.Background()
	dir := t.TempDir()
	s1, srv1 := serve(t, dir)
	key := blobtest.Key("big.mov")
	id, err := s1.CreateUpload(ctx, key, "video/quicktime")
	if err != nil {
		t.Fatal(err)
	}
	p1 := bytes.Repeat([]byte("a"), lot.MinPartSize)
	p2 := []byte("the end")
	u1, _ := s1.PresignPart(ctx, key, id, 1, lot.PartOptions{SHA256: blobtest.SHA256(p1), Expires: time.Hour})
	u2, _ := s1.PresignPart(ctx, key, id, 2, lot.PartOptions{SHA256: blobtest.SHA256(p2), Expires: time.Hour})
	if code, b, _ := blobtest.Do(t, u1, p1); code != http.StatusOK {
		t.Fatalf("part 1: %d %s", code, b)
	}
	srv1.Close() // the process stops

	s2, srv2 := serve(t, dir) // and starts again, on another port
	u2.URL = srv2.URL + u2.URL[len(srv1.URL):]
	if code, b, _ := blobtest.Do(t, u2, p2); code != http.StatusOK {
		t.Fatalf("part 2 after restart: %d %s", code, b)
	}
	parts, err := s2.ListParts(ctx, key, id)
	if err != nil {
		t.Fatalf("parts after restart: %v", err)
	}
	if len(parts) != 2 {
		t.Fatalf("%d parts after restart, want 2: %+v", len(parts), parts)
	}
	if _, err := s2.CompleteUpload(ctx, key, id, parts); err != nil {
		t.Fatal(err)
	}
	rc, err := s2.Read(ctx, key, int64(len(p1))-1, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got, _ := io.ReadAll(rc); string(got) != "athe end" {
		t.Fatalf("joined tail %q", got)
	}
}

func TestWholeHashFollowsResentParts(t *testing.T) {
	// Ensures the SHA-256 hashed as parts arrive is that of the parts that
	// are finally joined: a part sent again after being hashed makes the
	// store hash it again, never report the old bytes' hash.
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := serve(t, dir)
	key := blobtest.Key("resent.mxf")
	id, err := s.CreateUpload(ctx, key, "application/mxf")
	if err != nil {
		t.Fatal(err)
	}
	p1 := bytes.Repeat([]byte("a"), lot.MinPartSize)
	p2 := []byte("tail")
	send := func(n int, b []byte) {
		u, _ := s.PresignPart(ctx, key, id, n, lot.PartOptions{SHA256: blobtest.SHA256(b)})
		if code, body, _ := blobtest.Do(t, u, b); code != http.StatusOK {
			t.Fatalf("part %d: %d %s", n, code, body)
		}
	}
	send(1, p1)
	send(2, p2)
	// Wait for the background hash to cover both parts.
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(dir, "blobs", "uploads", id, "prefix.json"))
		if bytes.Contains(b, []byte(`"next":3`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the parts were not hashed in the background: %s", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	changed := bytes.Repeat([]byte("b"), lot.MinPartSize)
	send(1, changed)
	parts, err := s.ListParts(ctx, key, id)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.CompleteUpload(ctx, key, id, parts)
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(append(append([]byte(nil), changed...), p2...))
	if info.SHA256 != hex.EncodeToString(want[:]) {
		t.Fatalf("the joined blob reports SHA-256 %s, want %x (the resent part's)", info.SHA256, want)
	}
}

func TestWholeHashOfUnhashedParts(t *testing.T) {
	// Ensures parts bound to no hash (as a client of this store sends them)
	// still add up to the right SHA-256 and bytes, whatever their order,
	// alignment or size: one part is not a whole number of disk blocks (it
	// cannot be written straight to disk in full), one is larger than the
	// memory kept for hashing (it is read back from disk).
	ctx := context.Background()
	s, _ := serve(t, t.TempDir())
	key := blobtest.Key("unhashed.mxf")
	id, err := s.CreateUpload(ctx, key, "application/mxf")
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{
		bytes.Repeat([]byte("odd"), lot.MinPartSize/3+1001),
		bytes.Repeat([]byte("big part "), 50<<20/9),
		[]byte("the end"),
	}
	for _, n := range []int{3, 1, 2} {
		body := parts[n-1]
		u, err := s.PresignPart(ctx, key, id, n, lot.PartOptions{Size: int64(len(body))})
		if err != nil {
			t.Fatal(err)
		}
		if code, b, _ := blobtest.Do(t, u, body); code != http.StatusOK {
			t.Fatalf("part %d: %d %s", n, code, b)
		}
	}
	listed, err := s.ListParts(ctx, key, id)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.CompleteUpload(ctx, key, id, listed)
	if err != nil {
		t.Fatal(err)
	}
	whole := bytes.Join(parts, nil)
	if want := sha256.Sum256(whole); info.SHA256 != hex.EncodeToString(want[:]) {
		t.Fatalf("the joined blob reports SHA-256 %s, want %x", info.SHA256, want)
	}
	rc, err := s.Read(ctx, key, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got, _ := io.ReadAll(rc); !bytes.Equal(got, whole) {
		t.Fatalf("read back %d bytes that differ from the %d sent", len(got), len(whole))
	}
}

func TestErrorAnswers(t *testing.T) {
	// Ensures refused requests answer {code, message} JSON with the status the one code table gives the code.
	ctx := context.Background()
	s, _ := serve(t, t.TempDir())
	key := blobtest.Key("a.txt")
	put, err := s.PresignPut(ctx, key, lot.PutOptions{SHA256: blobtest.SHA256([]byte("hello")), Expires: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	get, err := s.PresignGet(ctx, blobtest.Key("missing.txt"), lot.GetOptions{Expires: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	forged := get
	forged.URL += "0"
	for _, c := range []struct {
		name   string
		u      lot.SignedURL
		body   []byte
		status int
		code   string
	}{
		{"other bytes than signed", put, []byte("goodbye"), 400, lot.CodeInvalid},
		{"forged signature", forged, nil, 403, lot.CodeForbidden},
		{"no such blob", get, nil, 404, lot.CodeNotFound},
	} {
		status, b, h := blobtest.Do(t, c.u, c.body)
		var e struct{ Code, Message string }
		if err := json.Unmarshal(b, &e); err != nil {
			t.Errorf("%s: body is not JSON: %d %s", c.name, status, b)
			continue
		}
		if status != c.status {
			t.Errorf("%s: status %d, want %d", c.name, status, c.status)
		}
		if e.Code != c.code {
			t.Errorf("%s: code %q, want %q", c.name, e.Code, c.code)
		}
		if want := problem.Status(e.Code); status != want {
			t.Errorf("%s: status %d is not the status of %q, %d", c.name, status, e.Code, want)
		}
		if e.Message == "" {
			t.Errorf("%s: no message", c.name)
		}
		if ct := h.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", c.name, ct)
		}
	}
}
