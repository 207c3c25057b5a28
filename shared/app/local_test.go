package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/lot"
)

func TestLocalServerServesSignedBlobURLs(t *testing.T) {
	// Ensures the all-in-one server answers the disk store's signed URLs on
	// its own port, and refuses unsigned ones with a JSON error.
	l := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Log: slog.New(slog.DiscardHandler)})
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	key := "requests/0190f0f0-0000-7000-8000-000000000001/materials/script.pdf"
	body := []byte("%PDF-1.7 a script")
	u, err := l.Blobs.PresignPut(ctx, key, lot.PutOptions{ContentType: "application/pdf", SHA256: blobtest.SHA256(body)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.URL, l.URL+"/blobs/") {
		t.Fatalf("URL %s is not on the local server %s", u.URL, l.URL)
	}
	if code, b, _ := blobtest.Do(t, u, body); code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, b)
	}
	g, err := l.Blobs.PresignGet(ctx, key, lot.GetOptions{Filename: "script.pdf"})
	if err != nil {
		t.Fatal(err)
	}
	code, got, h := blobtest.Do(t, g, nil)
	if code != http.StatusOK {
		t.Fatalf("download: status %d, want 200: %q", code, got)
	}
	if string(got) != string(body) {
		t.Errorf("download: body %q, want %q", got, body)
	}
	if ct := h.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("download: Content-Type %q, want application/pdf", ct)
	}
	resp, err := http.Get(l.URL + "/blobs/" + key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned GET: status %d, want 403: %s", resp.StatusCode, b)
	}
	if !strings.Contains(string(b), `"code":"forbidden"`) {
		t.Errorf("unsigned GET: body %s, want code forbidden", b)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("unsigned GET: no X-Request-Id header")
	}
}
