package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/openlot/openlot/web"
)

var cfg = web.Config{Issuer: "http://127.0.0.1:8080", ClientID: "openlot-web", Scope: "openid", Bearer: web.BearerAccessToken}

// build is a small stand-in for Vite's output.
var build = fstest.MapFS{
	"index.html":            {Data: []byte(`<!doctype html><title>openlot</title><script type="module" src="/assets/index-Ab12.js"></script>`)},
	"assets/index-Ab12.js":  {Data: []byte(strings.Repeat("console.log('openlot');\n", 200))},
	"assets/index-Cd34.css": {Data: []byte("body{margin:0}")},
	"favicon.svg":           {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
}

func get(t *testing.T, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPortalPagesGetTheAppUncached(t *testing.T) {
	// Ensures every portal path answers index.html with no-cache, so a new build is picked up at once.
	h := web.Serve(build, cfg)
	for _, p := range []string{"/", "/requests/0190a1b2-c3d4", "/auth/callback?code=x&state=y", "/signed-out"} {
		w := get(t, h, http.MethodGet, p)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", p, w.Code)
		}
		if got := w.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", p, got)
		}
		if !strings.Contains(w.Body.String(), "/assets/index-Ab12.js") {
			t.Errorf("GET %s: body is not index.html: %.80q", p, w.Body.String())
		}
		if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want text/html", p, got)
		}
	}
}

func TestTheAppPageIsLockedDown(t *testing.T) {
	// Ensures the app's page allows only its own scripts and styles, is never framed, and may call the issuer.
	h := web.Serve(build, web.Config{Issuer: "http://127.0.0.1:8080", API: "https://api.example.com/base"})
	w := get(t, h, http.MethodGet, "/requests/1")
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "connect-src 'self' http://127.0.0.1:8080 https://api.example.com https:", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if got := w.Header().Get("Referrer-Policy"); got != "same-origin" {
		t.Errorf("Referrer-Policy %q, want same-origin", got)
	}
}

func TestIndexRevalidatesWithItsETag(t *testing.T) {
	// Ensures a browser holding the current index.html gets 304 Not Modified.
	h := web.Serve(build, cfg)
	etag := get(t, h, http.MethodGet, "/").Header().Get("ETag")
	if etag == "" {
		t.Fatal("index.html has no ETag")
	}
	if w := get(t, h, http.MethodGet, "/requests/1", "If-None-Match", etag); w.Code != http.StatusNotModified {
		t.Errorf("If-None-Match with the current ETag: status %d, want 304", w.Code)
	}
}

func TestHashedAssetsAreImmutable(t *testing.T) {
	// Ensures Vite's content-hashed files are cached for a year and typed by extension.
	h := web.Serve(build, cfg)
	for p, ctype := range map[string]string{"/assets/index-Ab12.js": "text/javascript", "/assets/index-Cd34.css": "text/css"} {
		w := get(t, h, http.MethodGet, p)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", p, w.Code)
		}
		if got := w.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q", p, got)
		}
		if got := w.Header().Get("Content-Type"); !strings.HasPrefix(got, ctype) {
			t.Errorf("GET %s: Content-Type %q, want %s", p, got, ctype)
		}
	}
}

func TestOtherBuildFilesRevalidate(t *testing.T) {
	// Ensures files Vite copies unhashed (the icon) are revalidated, not kept for a year.
	w := get(t, web.Serve(build, cfg), http.MethodGet, "/favicon.svg")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d, want 200", w.Code)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", got)
	}
	if got := w.Header().Get("Content-Type"); got != "image/svg+xml" {
		t.Errorf("Content-Type %q, want image/svg+xml", got)
	}
}

func TestGzipWhenAccepted(t *testing.T) {
	// Ensures a client that accepts gzip gets the same bytes compressed, and one that does not gets them plain.
	h := web.Serve(build, cfg)
	plain := get(t, h, http.MethodGet, "/assets/index-Ab12.js")
	if got := plain.Header().Get("Content-Encoding"); got != "" {
		t.Errorf("without Accept-Encoding: Content-Encoding %q", got)
	}
	w := get(t, h, http.MethodGet, "/assets/index-Ab12.js", "Accept-Encoding", "br, gzip")
	if got := w.Header().Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", got)
	}
	if got := w.Header().Get("Vary"); got != "Accept-Encoding" {
		t.Errorf("Vary %q, want Accept-Encoding", got)
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, plain.Body.Bytes()) {
		t.Error("the gzipped body does not decode to the file")
	}
	if w.Body.Len() >= plain.Body.Len() {
		t.Errorf("gzipped %d bytes, plain %d", w.Body.Len(), plain.Body.Len())
	}
	if refused := get(t, h, http.MethodGet, "/assets/index-Ab12.js", "Accept-Encoding", "gzip;q=0"); refused.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
}

func TestMissingFilesAreNotTheApp(t *testing.T) {
	// Ensures a missing asset or file answers not_found rather than index.html.
	h := web.Serve(build, cfg)
	for _, p := range []string{"/assets/index-Old1.js", "/assets/", "/robots.txt", "/requests/x/report.pdf", "/.well-known/openid-configuration"} {
		w := get(t, h, http.MethodGet, p)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, w.Code)
		}
		var body struct{ Code string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Code != "not_found" {
			t.Errorf("GET %s: body %q, want code not_found", p, w.Body.String())
		}
	}
}

func TestConfigJSON(t *testing.T) {
	// Ensures /config.json is the composition root's Config, never cached, with or without a build.
	for name, files := range map[string]*fstest.MapFS{"built": &build, "not built": nil} {
		var h http.Handler
		if files == nil {
			h = web.Serve(nil, cfg)
		} else {
			h = web.Serve(*files, cfg)
		}
		w := get(t, h, http.MethodGet, "/config.json")
		if w.Code != http.StatusOK {
			t.Errorf("%s: status %d", name, w.Code)
		}
		if got := w.Header().Get("Content-Type"); got != "application/json" {
			t.Errorf("%s: Content-Type %q", name, got)
		}
		if got := w.Header().Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s: Cache-Control %q", name, got)
		}
		var got web.Config
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != cfg {
			t.Errorf("%s: config %+v, want %+v", name, got, cfg)
		}
		if !strings.Contains(w.Body.String(), `"clientId":"openlot-web"`) {
			t.Errorf("%s: field names: %s", name, w.Body.String())
		}
	}
}

func TestWithoutABuildThePageSaysHowToBuild(t *testing.T) {
	// Ensures a binary built without the portal answers its pages with how to build it, not a 404.
	h := web.Serve(nil, cfg)
	for _, p := range []string{"/", "/requests/1"} {
		w := get(t, h, http.MethodGet, p)
		if w.Code != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", p, w.Code)
		}
		if !strings.Contains(w.Body.String(), "make web") {
			t.Errorf("GET %s: the page does not say how to build the portal", p)
		}
	}
}

func TestOnlyReads(t *testing.T) {
	// Ensures other methods answer method_not_allowed with Allow.
	w := get(t, web.Serve(build, cfg), http.MethodPost, "/")
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("status %d, want 405", w.Code)
	}
	if got := w.Header().Get("Allow"); got != "GET, HEAD" {
		t.Errorf("Allow %q", got)
	}
}

func TestEmbeddedHandlerNeverAnswers404AtRoot(t *testing.T) {
	// Ensures the embedded handler serves / with or without a build in this binary.
	w := get(t, web.Handler(cfg), http.MethodGet, "/")
	if w.Code != http.StatusOK {
		t.Errorf("GET /: status %d, want 200", w.Code)
	}
	if built := web.Portal() != nil; built == strings.Contains(w.Body.String(), "make web") {
		t.Errorf("built=%v but the page saying how to build is served=%v", built, !built)
	}
}

func TestTheAppPagePlaysVideoFromStorage(t *testing.T) {
	// Ensures the preview player may play signed storage URLs: this origin's blob server, or S3 over HTTPS.
	h := web.Serve(build, web.Config{Issuer: "http://127.0.0.1:8080"})
	if csp := get(t, h, http.MethodGet, "/materials").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self' https:") {
		t.Errorf("Content-Security-Policy %q lacks media-src 'self' https:", csp)
	}
}
