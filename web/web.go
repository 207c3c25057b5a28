// Package web serves openlot's portal: the React app in web/src, which Vite
// builds into web/build/portal and this package embeds, so the one binary
// (and the API's Lambda function) carries it. The handler answers what the
// API does not own:
//
//   - /assets/…: Vite's content-hashed files, cached for a year (immutable);
//   - /config.json: where people sign in (Config), never cached;
//   - other files of the build (the icon): revalidated on every use;
//   - every other path without a file extension (/, /requests/{id},
//     /auth/callback …): index.html, never cached, so the app's router shows
//     the page (or its own "not found"); /.well-known/… is never the app.
//
// Without a build (a fresh clone that ran no `make web`) the same paths
// answer a page that says how to build the portal, never a 404.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// build holds build/README.md (committed, so the pattern always matches) and,
// after `make web`, build/portal (ignored by git).
//
//go:embed build
var build embed.FS

// Config is the portal's runtime configuration, served as GET /config.json:
// one build runs against the local server and against AWS.
type Config struct {
	// Issuer is the OAuth2 authorization server; the app reads its metadata
	// from Issuer + /.well-known/… (RFC 8414, OpenID Connect Discovery).
	Issuer string `json:"issuer"`
	// ClientID is the app's public client (authorization code + PKCE).
	ClientID string `json:"clientId"`
	// Scope is what the app asks for when people sign in.
	Scope string `json:"scope"`
	// Bearer names the token the app sends to the API: BearerAccessToken or
	// BearerIDToken.
	Bearer string `json:"bearer"`
	// API is the API's base URL; empty means the portal's own origin.
	API string `json:"api"`
}

// Which token the portal sends as its bearer token.
const (
	BearerAccessToken = "access_token" // openlot's own issuer puts the caller's claims in access tokens
	BearerIDToken     = "id_token"     // Cognito puts custom:partner only in ID tokens
)

// CallbackPath is where the authorization server sends people back with a
// code; every deployment registers origin + CallbackPath as a redirect URI.
const CallbackPath = "/auth/callback"

// Portal returns the embedded build of the portal, or nil when this binary
// was built without one.
func Portal() fs.FS {
	sub, err := fs.Sub(build, "build/portal")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}

// Handler serves the embedded portal (or the page that says how to build
// it) with c as /config.json.
func Handler(c Config) http.Handler { return Serve(Portal(), c) }

// Serve serves the portal's files from files (Vite's output: index.html,
// assets/…); nil files serves the page that says how to build the portal.
func Serve(files fs.FS, c Config) http.Handler {
	cfg, _ := json.Marshal(c) // strings only: cannot fail
	s := &server{files: files, config: cfg, cache: map[string]*file{}}
	if b, err := readIndex(files); err == nil {
		s.index, s.policy = newFile("index.html", b), policy(c)
		// The preview player plays from storage: the local blob server (this
		// origin) or S3's signed HTTPS URLs.
		s.policy += "; media-src 'self' https:"
	} else {
		s.index = newFile("index.html", []byte(notBuiltPage))
	}
	return s
}

func readIndex(files fs.FS) ([]byte, error) {
	if files == nil {
		return nil, fs.ErrNotExist
	}
	return fs.ReadFile(files, "index.html")
}

// policy is the app's Content-Security-Policy: its own scripts and styles
// only (and WebAssembly they compile: the delivery page hashes files with
// it), never framed, and requests to its own origin, the issuer's (the
// local issuer may be named by another host name than the page) and any
// HTTPS origin (Cognito's discovery and token endpoints are on two hosts
// that the issuer alone does not name).
func policy(c Config) string {
	connect := "'self'"
	if u, err := url.Parse(c.Issuer); err == nil && u.Scheme != "" && u.Host != "" && !strings.ContainsAny(u.Host, " ;,'") {
		connect += " " + u.Scheme + "://" + u.Host
	}
	if u, err := url.Parse(c.API); err == nil && u.Scheme != "" && u.Host != "" && !strings.ContainsAny(u.Host, " ;,'") {
		connect += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"connect-src " + connect + " https:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

type server struct {
	files  fs.FS
	config []byte
	index  *file
	policy string // Content-Security-Policy of the app's page; empty for the page without a build

	mu    sync.Mutex
	cache map[string]*file // files read from the build, by path
}

// Cache-Control values.
const (
	cacheImmutable  = "public, max-age=31536000, immutable" // content-hashed: a new build has new names
	cacheRevalidate = "no-cache"                            // may be stored, but asked about (ETag) before each use
)

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		problem.Write(w, problem.CodeMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/config.json":
		w.Header().Set("Cache-Control", cacheRevalidate)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(s.config)
		return
	case p == "/index.html":
		http.Redirect(w, r, "/", http.StatusMovedPermanently)
		return
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if f := s.file(name); f != nil {
		cache := cacheRevalidate
		if strings.HasPrefix(name, "assets/") {
			cache = cacheImmutable
		}
		f.serve(w, r, cache)
		return
	}
	// A missing asset is an error, never the app: a page asking for a script
	// of an older build must not get HTML back, nor a client asking for
	// metadata under /.well-known.
	if name == "assets" || strings.HasPrefix(name, "assets/") || strings.HasPrefix(name, ".") ||
		strings.Contains(path.Base("/"+name), ".") {
		problem.Write(w, lot.CodeNotFound, "no such file: "+p)
		return
	}
	if s.policy != "" {
		w.Header().Set("Content-Security-Policy", s.policy)
	}
	w.Header().Set("Referrer-Policy", "same-origin") // sign-in codes in /auth/callback URLs go nowhere else
	s.index.serve(w, r, cacheRevalidate)
}

// file returns the build's file name (never index.html, served as the app),
// or nil when there is none.
func (s *server) file(name string) *file {
	if s.files == nil || name == "" || name == "." || name == "index.html" || !fs.ValidPath(name) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.cache[name]; ok {
		return f
	}
	b, err := fs.ReadFile(s.files, name)
	if err != nil {
		return nil // a folder or a missing file; not remembered, so the map holds only real files
	}
	f := newFile(name, b)
	s.cache[name] = f
	return f
}

// file is one file of the build in memory, with its gzip form made on first
// request.
type file struct {
	name  string
	body  []byte
	ctype string
	etag  string

	once sync.Once
	gz   []byte // nil when gzip would not help
}

func newFile(name string, body []byte) *file {
	sum := sha256.Sum256(body)
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(body)
	}
	return &file{name: name, body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
}

// compressible reports whether gzip is worth trying on a file of this type.
func (f *file) compressible() bool {
	if len(f.body) < 1024 {
		return false
	}
	t, _, _ := strings.Cut(f.ctype, ";")
	return strings.HasPrefix(t, "text/") || t == "application/javascript" || t == "application/json" ||
		t == "image/svg+xml" || t == "application/manifest+json" || strings.HasSuffix(t, "+xml")
}

func (f *file) gzipped() []byte {
	f.once.Do(func() {
		if !f.compressible() {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(f.body)
		_ = zw.Close()
		if buf.Len() < len(f.body) {
			f.gz = buf.Bytes()
		}
	})
	return f.gz
}

func (f *file) serve(w http.ResponseWriter, r *http.Request, cache string) {
	h := w.Header()
	h.Set("Cache-Control", cache)
	h.Set("Content-Type", f.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if f.compressible() {
		h.Add("Vary", "Accept-Encoding")
	}
	body, etag := f.body, f.etag
	if acceptsGzip(r) {
		if gz := f.gzipped(); gz != nil {
			body, etag = gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	// ServeContent answers conditional and range requests; the zero time
	// leaves Last-Modified out (the ETag is the validator).
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// notBuiltPage is served for the portal's pages when this binary has no build.
const notBuiltPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>openlot: the portal is not built</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; margin: 0; }
main { max-width: 44rem; margin: 4rem auto; padding: 2rem; background: #fff; border: 1px solid #d0d5dd; border-radius: 8px; }
code, pre { font-family: ui-monospace, monospace; background: #eef1f4; border-radius: 4px; }
pre { padding: .75rem 1rem; overflow-x: auto; }
</style>
</head>
<body>
<main>
<h1>The portal is not built into this binary</h1>
<p>openlot's API is running (<a href="/openapi.json">API document</a>), but this program was built
without the web portal, whose files are made from <code>web/</code> by Vite.</p>
<p>From the repository, either run everything at once:</p>
<pre>make run</pre>
<p>or build the portal, then start the server again:</p>
<pre>make web
go run ./cmd/openlot serve --demo</pre>
<p><code>make web</code> installs the pinned npm packages into a cache outside the repository
(<code>~/.cache/openlot</code>) and writes <code>web/build/portal</code>, which the Go build embeds.
It needs Node.js 20.19 or later and npm.</p>
</main>
</body>
</html>
`
