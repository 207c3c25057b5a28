package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
	"time"
)

// putTo sends body to a signed upload URL and returns the status.
func putTo(t *testing.T, u map[string]any, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(u["method"].(string), u["url"].(string), bytes.NewReader(body))
	for k, v := range u["header"].(map[string]any) {
		req.Header.Set(k, v.(string))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestMaterialUploadURLIsBoundToTheFileAndWritesOnce(t *testing.T) {
	// Ensures a studio material-upload URL is short-lived, takes only the file it was asked for
	// (length and SHA-256), and cannot overwrite the bytes once the version is registered.
	w := mustWorld(t)
	body := []byte("the final mix stems, version 2")
	sum := sha256.Sum256(body)
	hexSum := hex.EncodeToString(sum[:])
	for _, bad := range []map[string]any{
		{"fileName": "stems.wav"}, // neither size nor checksum
		{"fileName": "stems.wav", "size": len(body)},
		{"fileName": "stems.wav", "size": len(body), "sha256": "not-hex"},
		{"fileName": "stems.wav", "size": 0, "sha256": hexSum},
	} {
		if r := w.do("studio", "POST", "/v1/materials/uploads", bad); r.Status != 400 || r.code() != "invalid" {
			t.Errorf("upload URL for %v: %d %s, want 400 invalid", bad, r.Status, r.Body)
		}
	}
	r := w.do("studio", "POST", "/v1/materials/uploads", map[string]any{"fileName": "stems.wav", "contentType": "audio/wav", "size": len(body), "sha256": hexSum})
	if r.Status != 200 {
		t.Fatalf("upload URL: %d %s", r.Status, r.Body)
	}
	u := r.json(t)
	if exp, _ := time.Parse(time.RFC3339, u["expires"].(string)); exp.After(w.clock.Now().Add(time.Hour)) {
		t.Errorf("the upload URL expires %s, more than an hour after now (%s)", exp, w.clock.Now())
	}
	other := bytes.Repeat([]byte("x"), len(body))
	if code := putTo(t, u, other); code < 400 || code >= 500 {
		t.Errorf("other bytes of the same length: %d, want a 4xx", code)
	}
	if code := putTo(t, u, append(bytes.Clone(body), '!')); code < 400 || code >= 500 {
		t.Errorf("a longer body: %d, want a 4xx", code)
	}
	if code := putTo(t, u, body); code != 200 {
		t.Fatalf("the file: %d", code)
	}
	m := w.do("studio", "POST", "/v1/materials", map[string]any{"movieId": 81000001, "assetType": "AUDIO_STEMS",
		"fileName": "stems.wav", "sha256": hexSum, "upload": u["upload"]})
	if m.Status != 201 {
		t.Fatalf("add material: %d %s", m.Status, m.Body)
	}
	if code := putTo(t, u, body); code < 400 || code >= 500 {
		t.Errorf("the URL replayed after the version was registered: %d, want a 4xx", code)
	}
	rc, err := w.srv.Blobs.Read(t.Context(), u["upload"].(string), 0, -1)
	must(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, body) {
		t.Errorf("the registered bytes changed: %q", got)
	}
}
