package diskblob_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/lot"
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
	if err != nil || len(parts) != 2 {
		t.Fatalf("parts after restart: %+v %v", parts, err)
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
