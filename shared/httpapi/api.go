// Package httpapi is openlot's one HTTP API (/v1, JSON, OpenAPI 3.1 at
// /openapi.json). The same http.Handler serves the local server and, through
// an adapter, API Gateway in Lambda.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"golang.org/x/time/rate"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/export"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/problem"
)

// oauth2Scheme is the name of the API's one security scheme.
const oauth2Scheme = "oauth2"

// Version is the API version in the OpenAPI document.
const Version = "1.0.0"

// Config holds what the handler needs.
type Config struct {
	Service *portal.Service
	Auth    Authenticator
	Keys    lot.Idempotency
	Clock   lot.Clock
	Log     *slog.Logger
	// Token and JWKS serve /oauth2/token and /.well-known/jwks.json when set
	// (the local issuer); on AWS, Cognito serves them.
	Token, JWKS http.Handler
	// TokenURL is documented as the OAuth2 token endpoint.
	TokenURL string
	// PublicURL is the API's base URL, the document's server ("/", the
	// document's own host, when empty).
	PublicURL string
	// Mounts are handlers served beside the API under their own path
	// prefixes (e.g. the local blob store's signed URLs): they get request
	// IDs, access logs and panic recovery, but no bearer-token check.
	Mounts map[string]http.Handler
	// Web answers the paths no route or mount owns outside /v1 (the portal:
	// /, /requests/…, /assets/…, /config.json); nil answers them not_found.
	// /v1 paths keep the API's not_found and method_not_allowed answers.
	Web http.Handler
	// Started is when this process began serving. An Idempotency-Key
	// claimed before it and never answered was in flight in a process that
	// ended (the local server is one process): a retry runs again. Zero
	// (AWS, many processes): only MaxRequestTime frees such a key.
	Started time.Time
	// MaxKeys caps the Idempotency-Keys one caller holds (claimed in the
	// last 24 h); zero means DefaultMaxKeys.
	MaxKeys int
	// RatePerSecond and Burst bound each caller; zero means 50/s with bursts of 100.
	RatePerSecond float64
	Burst         int
	// Workbook writes an export as an Excel workbook (xlsx.Write). Nil means
	// this handler writes no workbooks: an XLSX export answers unavailable
	// (503) and CSV still works. The api Lambda function leaves it nil so it
	// does not link excelize; API Gateway sends the export route to
	// functions/export, which sets it.
	Workbook func(rows []export.Row, columns []string) ([]byte, error)
}

type api struct {
	svc      *portal.Service
	auth     Authenticator
	keys     lot.Idempotency
	clock    lot.Clock
	log      *slog.Logger
	limiter  *limiter
	workbook func(rows []export.Row, columns []string) ([]byte, error)
	mux      *http.ServeMux // for noRoute to ask which methods a path has
	started  time.Time
	maxKeys  int
	web      http.Handler
}

// New returns the API handler.
func New(c Config) http.Handler {
	h, _ := build(c)
	return h
}

// OpenAPI returns the API's OpenAPI document (for tests and tools).
func OpenAPI(c Config) *huma.OpenAPI {
	_, o := build(c)
	return o
}

func build(c Config) (http.Handler, *huma.OpenAPI) {
	if c.RatePerSecond == 0 {
		c.RatePerSecond, c.Burst = 50, 100
	}
	if c.MaxKeys == 0 {
		c.MaxKeys = DefaultMaxKeys
	}
	a := &api{svc: c.Service, auth: c.Auth, keys: c.Keys, clock: c.Clock, log: c.Log, workbook: c.Workbook, web: c.Web, started: c.Started, maxKeys: c.MaxKeys,
		limiter: &limiter{rps: rate.Limit(c.RatePerSecond), burst: c.Burst, per: map[string]*rate.Limiter{}}}
	mux := http.NewServeMux()
	a.mux = mux
	cfg := huma.DefaultConfig("openlot API", Version)
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.DocsPath = ""     // the docs renderer loads scripts from a CDN; serve the document only
	cfg.SchemasPath = ""
	cfg.Info.Description = "Source requests for the media supply chain: find requests, set material status, act on them, comment, read history. " +
		"Errors are {\"code\", \"message\"}. Enumerations travel as UPPER_SNAKE_CASE codes; query parameters also accept display names, case-insensitively. " +
		"Every POST honours an Idempotency-Key header: the same key and body get the same answer without a second change."
	tokenURL := c.TokenURL
	if tokenURL == "" {
		tokenURL = "/oauth2/token"
	}
	server := c.PublicURL
	if server == "" {
		server = "/" // the document's own host
	}
	cfg.Servers = []*huma.Server{{URL: server}}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		oauth2Scheme: {Type: "oauth2", Description: "OAuth2 client credentials; send the access token as a Bearer token. " +
			"A token carries the scope it was granted: ask for fewer scopes to get a narrower token. " +
			"An FP or CP client's token names its partner (openlot/partner.<partner ID>, listed for every partner there is); a client that asks for a scope must name its role and partner in it. " +
			"Operations that change things need openlot/write; a token granted openlot/read without it may only read.",
			Flows: &huma.OAuthFlows{ClientCredentials: &huma.OAuthFlow{TokenURL: tokenURL, Scopes: auth.Scopes()}}},
	}
	cfg.Security = []map[string][]string{{oauth2Scheme: {}}}
	hapi := humago.New(mux, cfg)
	hapi.UseMiddleware(readOnly(hapi))
	a.routes(hapi)
	if c.Token != nil {
		mux.Handle("POST /oauth2/token", c.Token)
		mux.Handle("GET /.well-known/jwks.json", c.JWKS)
	}
	for prefix, h := range c.Mounts {
		mux.Handle(prefix, h)
	}
	mux.HandleFunc("/", a.noRoute)
	doc := &document{api: hapi}
	if c.Service != nil && c.Service.Deps != nil {
		doc.store = c.Service.Deps.Store
	}
	var h http.Handler = doc.handler(a, mux) // huma's document, with the partners' scopes
	h = a.idempotent(h)
	h = a.authenticate(h)
	h = a.observe(h)
	return h, hapi.OpenAPI()
}

// noRoute answers what no route matched: method_not_allowed (with Allow)
// when the path exists for other methods, the portal (Config.Web) outside
// /v1, and not_found otherwise.
func (a *api) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pattern := a.mux.Handler(r2); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		for _, m := range allow {
			w.Header().Add("Allow", m)
		}
		problem.Write(w, problem.CodeMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
		return
	}
	if a.web != nil && r.URL.Path != "/v1" && !strings.HasPrefix(r.URL.Path, "/v1/") {
		a.web.ServeHTTP(w, r)
		return
	}
	problem.Write(w, lot.CodeNotFound, "no such route: "+r.URL.Path)
}

// who returns the caller; authenticate put it there for every /v1 route.
func who(ctx context.Context) lot.Principal {
	p, _ := PrincipalOf(ctx)
	return p
}
