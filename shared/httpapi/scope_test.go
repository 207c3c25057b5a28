package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/oauth"
)

// mustClientToken asks the token endpoint for a client credentials token of
// fp-juniper (cancel and subassign) with scope (none: the default), and
// returns the answer's status and body.
func (w *world) clientToken(scope string) (int, map[string]any) {
	w.t.Helper()
	ctx := context.Background()
	if _, err := w.srv.Store.GetClient(ctx, "fp-juniper"); err != nil {
		hash, err := oauth.HashSecret("juniper-secret")
		must(w.t, err)
		must(w.t, w.srv.Store.PutClient(ctx, &lot.Client{ID: "fp-juniper", SecretHash: hash, Name: "Juniper robot", Role: lot.RoleFP,
			Partner: "juniper", Permissions: []lot.Permission{lot.PermCancel, lot.PermSubassign}, CreatedAt: today}))
	}
	v := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		v.Set("scope", scope)
	}
	req, _ := http.NewRequest("POST", w.srv.URL+"/oauth2/token", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("fp-juniper", "juniper-secret")
	res, err := http.DefaultClient.Do(req)
	must(w.t, err)
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

func TestClientCredentialsScope(t *testing.T) {
	// Ensures a client gets exactly the scope it asks for (RFC 6749 §3.3), that the scope limits what its token may do, and that a missing scope answers 403 with Bearer error="insufficient_scope".
	w := mustWorld(t)
	const who = "openlot/role.fp openlot/partner.juniper"

	status, m := w.clientToken(who + " openlot/read")
	if status != 200 || m["scope"] != who+" openlot/read" {
		t.Fatalf("narrower scope: %d, scope %q, want 200 and exactly the scope asked for: %v", status, m["scope"], m)
	}
	w.tok["reader"] = m["access_token"].(string)
	if r := w.do("reader", "GET", "/v1/requests/"+w.ids["jSub"], nil); r.Status != 200 {
		t.Errorf("read token reading: %d %s", r.Status, r.Body)
	}
	actions := w.do("reader", "GET", "/v1/requests/"+w.ids["jSub"], nil).json(t)["actions"].(map[string]any)
	if c := actions["comment"].(map[string]any); c["allowed"] != false || c["code"] != "forbidden" {
		t.Errorf("read token: the request's comment action %v, want refused as forbidden", c)
	}
	r := w.do("reader", "POST", "/v1/requests/"+w.ids["jSub"]+"/comments", map[string]any{"text": "hello"})
	if r.Status != 403 {
		t.Errorf("read token writing: %d, want 403: %s", r.Status, r.Body)
	}
	if h := r.Header.Get("WWW-Authenticate"); !strings.Contains(h, `error="insufficient_scope"`) || !strings.Contains(h, `scope="openlot/write"`) {
		t.Errorf("read token writing: WWW-Authenticate %q, want insufficient_scope naming openlot/write", h)
	}
	if n := len(w.do("studio", "GET", "/v1/requests/"+w.ids["jSub"]+"/comments", nil).json(t)["comments"].([]any)); n != 0 {
		t.Errorf("a read token's comment was stored (%d comments)", n)
	}

	status, m = w.clientToken(who + " openlot/read openlot/write")
	if status != 200 || m["scope"] != who+" openlot/read openlot/write" {
		t.Fatalf("without cancel: %d, scope %q: %v", status, m["scope"], m)
	}
	w.tok["writer"] = m["access_token"].(string)
	if r := w.do("writer", "POST", "/v1/requests/"+w.ids["jSub"]+"/comments", map[string]any{"text": "hello"}); r.Status != 201 {
		t.Errorf("write token commenting: %d %s", r.Status, r.Body)
	}
	r = w.do("writer", "POST", "/v1/requests/"+w.ids["jForced"]+"/cancel", map[string]any{"reason": "not needed"})
	if r.Status != 403 {
		t.Errorf("token without openlot/cancel cancelling: %d, want 403: %s", r.Status, r.Body)
	}
	if h := r.Header.Get("WWW-Authenticate"); !strings.Contains(h, `error="insufficient_scope"`) || !strings.Contains(h, `scope="openlot/cancel"`) {
		t.Errorf("cancel without the scope: WWW-Authenticate %q, want insufficient_scope naming openlot/cancel", h)
	}

	status, m = w.clientToken("")
	scope, _ := m["scope"].(string)
	for _, s := range []string{"openlot/read", "openlot/write", "openlot/cancel", "openlot/subassign", "openlot/role.fp", "openlot/partner.juniper"} {
		if status != 200 || !slices.Contains(strings.Fields(scope), s) {
			t.Errorf("default scope: %d %q, want it to hold %s", status, scope, s)
		}
	}
	w.tok["all"] = m["access_token"].(string)
	if r := w.do("all", "POST", "/v1/requests/"+w.ids["jForced"]+"/cancel", map[string]any{"reason": "not needed"}); r.Status != 200 {
		t.Errorf("default token cancelling: %d %s", r.Status, r.Body)
	}

	for _, bad := range []string{"openlot/read", "openlot/role.fp openlot/read", who + " openlot/admin", "openlot/role.studio openlot/read"} {
		if status, m := w.clientToken(bad); status != 400 || m["error"] != "invalid_scope" {
			t.Errorf("scope %q: %d %v, want 400 invalid_scope", bad, status, m)
		}
	}
}

func TestBearerChallenge(t *testing.T) {
	// Ensures a request without credentials gets a Bearer challenge without an error code (RFC 6750 §3.1), and a bad token one with invalid_token.
	w := mustWorld(t)
	r := w.do("", "GET", "/v1/requests", nil)
	if h := r.Header.Get("WWW-Authenticate"); r.Status != 401 || !strings.HasPrefix(h, "Bearer ") || strings.Contains(h, "error=") {
		t.Errorf("no token: %d, WWW-Authenticate %q, want 401 and a Bearer challenge without error", r.Status, h)
	}
	w.tok["junk"] = "not.a.jwt"
	r = w.do("junk", "GET", "/v1/requests", nil)
	if h := r.Header.Get("WWW-Authenticate"); r.Status != 401 || !strings.Contains(h, `error="invalid_token"`) {
		t.Errorf("bad token: %d, WWW-Authenticate %q, want 401 and invalid_token", r.Status, h)
	}
}

func TestOpenAPISecurity(t *testing.T) {
	// Ensures the document names its server, declares every scope tokens carry (a partner's too, as soon as it exists), and says which operations need openlot/write.
	w := mustWorld(t)
	d := w.spec.doc
	servers, _ := d["servers"].([]any)
	if len(servers) == 0 || servers[0].(map[string]any)["url"] != w.srv.URL {
		t.Errorf("servers %v, want the server's URL %s", d["servers"], w.srv.URL)
	}
	flows := d["components"].(map[string]any)["securitySchemes"].(map[string]any)["oauth2"].(map[string]any)["flows"].(map[string]any)
	scopes := flows["clientCredentials"].(map[string]any)["scopes"].(map[string]any)
	for _, s := range []string{"openlot/read", "openlot/write", "openlot/cancel", "openlot/subassign", "openlot/role.fp", "openlot/role.cp",
		"openlot/role.studio", "openlot/role.qc", "openlot/partner.juniper", "openlot/partner.northstar"} {
		if _, ok := scopes[s]; !ok {
			t.Errorf("scope %s is not declared: %v", s, scopes)
		}
	}
	must(t, w.srv.Store.PutPartner(context.Background(), &lot.Partner{ID: "zephyr", Name: "Zephyr Dubbing", Kind: lot.PartnerFulfillment}))
	again := mustSpec(t, w).doc
	flows = again["components"].(map[string]any)["securitySchemes"].(map[string]any)["oauth2"].(map[string]any)["flows"].(map[string]any)
	if _, ok := flows["clientCredentials"].(map[string]any)["scopes"].(map[string]any)["openlot/partner.zephyr"]; !ok {
		t.Errorf("a partner added later is not declared: %v", flows)
	}
	needs := func(path, method string) string {
		op := d["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
		b, _ := json.Marshal(op["security"])
		return string(b)
	}
	if got := needs("/v1/requests/{id}/comments", "post"); got != `[{"oauth2":["openlot/write"]}]` {
		t.Errorf("POST comments security %s, want openlot/write", got)
	}
	if got := needs("/v1/requests/{id}", "get"); !strings.Contains(got, `"openlot/read"`) {
		t.Errorf("GET request security %s, want openlot/read", got)
	}
	if got := needs("/v1/requests/export", "post"); !strings.Contains(got, `"openlot/read"`) {
		t.Errorf("export security %s, want openlot/read (it changes nothing)", got)
	}
}
