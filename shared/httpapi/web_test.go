package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestPortalServedBesideTheAPI(t *testing.T) {
	// Ensures the paths the API does not own reach the portal without a token, and /v1 keeps the API's own answers.
	w := mustWorld(t)
	for _, p := range []string{"/", "/requests/some-id", "/auth/callback?code=c&state=s"} {
		r := w.do("", http.MethodGet, p, nil)
		if r.Status != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200", p, r.Status)
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q, want text/html", p, ct)
		}
	}
	r := w.do("", http.MethodGet, "/config.json", nil)
	var cfg struct{ Issuer, ClientID, Bearer string }
	if err := json.Unmarshal(r.Body, &cfg); err != nil {
		t.Fatalf("/config.json: %v: %s", err, r.Body)
	}
	if cfg.Issuer != w.srv.URL {
		t.Errorf("/config.json issuer %q, want the server's URL %q", cfg.Issuer, w.srv.URL)
	}
	if cfg.ClientID != "openlot-web" {
		t.Errorf("/config.json clientId %q, want openlot-web", cfg.ClientID)
	}
	if cfg.Bearer != "access_token" {
		t.Errorf("/config.json bearer %q, want access_token", cfg.Bearer)
	}
	if r := w.do("juniper", http.MethodGet, "/v1/no-such-thing", nil); r.code() != "not_found" {
		t.Errorf("GET /v1/no-such-thing: code %q, want not_found", r.code())
	}
	if r := w.do("", http.MethodGet, "/v1", nil); r.code() != "not_found" {
		t.Errorf("GET /v1: code %q, want not_found", r.code())
	}
	if r := w.do("", http.MethodGet, "/oauth2/token", nil); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET /oauth2/token: status %d, want 405 (the path is POST's)", r.Status)
	}
	if r := w.do("", http.MethodGet, "/assets/index-Missing.js", nil); r.code() != "not_found" {
		t.Errorf("GET a missing asset: code %q, want not_found", r.code())
	}
}
