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
	if code, got, h := blobtest.Do(t, g, nil); code != http.StatusOK || string(got) != string(body) || h.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %q %v", code, got, h)
	}
	resp, err := http.Get(l.URL + "/blobs/" + key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), `"code":"forbidden"`) || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("unsigned GET: %d %s", resp.StatusCode, b)
	}
}
