package oauth

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// serveRevoke is token revocation (RFC 7009) for the apps people sign in
// at. A refresh token ends its session; so does an access token (its sid):
// the access token itself stays valid until it expires (PersonTokenTTL),
// as nothing is looked up when the API verifies one. A token that is not
// valid, or already revoked, is answered 200 like a revoked one (§2.2).
func (i *Issuer) serveRevoke(w http.ResponseWriter, r *http.Request) {
	i.cors(w, r)
	w.Header().Set("Cache-Control", "no-store")
	if i.people == nil {
		http.NotFound(w, r)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		tokenFail(w, problem.CodeInvalidRequest, "send the form as application/x-www-form-urlencoded")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		tokenFail(w, problem.CodeInvalidRequest, "the form could not be read")
		return
	}
	if !i.guards.allowCheap(r) {
		tokenThrottled(w, lot.CodeRateLimited, msgTooMany)
		return
	}
	id := r.PostForm.Get("client_id")
	if bid, secret, basic := r.BasicAuth(); basic && secret == "" {
		id, _ = url.QueryUnescape(bid)
	}
	app, ok := i.apps[id]
	if !ok {
		tokenFail(w, problem.CodeInvalidClient, "unknown client: revocation is for openlot's registered apps (machine clients' tokens simply expire)")
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		tokenFail(w, problem.CodeInvalidRequest, "token is required")
		return
	}
	subject, sid := "", ""
	if s, id, _, ok := i.parseRefresh(tok); ok {
		subject, sid = s, id
	} else if claims, err := i.Verify(tok); err == nil {
		subject, sid = str(claims["sub"]), str(claims["sid"])
		if str(claims["client_id"]) != app.ID {
			tokenFail(w, problem.CodeUnauthorizedClient, "the token was not issued to this client")
			return
		}
	}
	if subject != "" && sid != "" {
		if u, err := i.people.GetUser(r.Context(), subject); err == nil {
			if k := slices.IndexFunc(u.Sessions, func(s lot.Session) bool { return s.ID == sid }); k >= 0 && u.Sessions[k].Client != app.ID {
				tokenFail(w, problem.CodeUnauthorizedClient, "the token was not issued to this client")
				return
			}
		}
		i.endSession(r.Context(), subject, sid, "revoked")
	}
	w.WriteHeader(http.StatusOK)
}

// serveLogout is sign-out (OpenID Connect RP-Initiated Logout): it ends the
// session named by id_token_hint, then sends the browser to
// post_logout_redirect_uri when that is registered for the app (with
// state), or shows that the person is signed out. Apps also revoke their
// refresh token (serveRevoke), which ends the same session.
func (i *Issuer) serveLogout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if i.people == nil {
		http.NotFound(w, r)
		return
	}
	if !i.guards.allowCheap(r) {
		i.renderPage(w, http.StatusTooManyRequests, page{Title: "Sign out", Error: msgPageTooMany})
		return
	}
	clientID := q.Get("client_id")
	if hint := q.Get("id_token_hint"); hint != "" {
		// The hint may have expired: only its signature and issuer matter.
		tok, err := jwt.ParseString(hint, jwt.WithKeySet(i.public), jwt.WithValidate(false))
		if err == nil && tok != nil {
			iss, _ := tok.Issuer()
			sub, _ := tok.Subject()
			aud, _ := tok.Audience()
			var sid string
			_ = tok.Get("sid", &sid)
			if iss == i.url && len(aud) == 1 && (clientID == "" || clientID == aud[0]) {
				clientID = aud[0]
				if sub != "" && sid != "" {
					i.endSession(r.Context(), sub, sid, "signed out")
				}
			}
		}
	}
	back := q.Get("post_logout_redirect_uri")
	if back == "" {
		i.renderPage(w, http.StatusOK, page{Title: "You are signed out", Error: ""})
		return
	}
	app, ok := i.apps[clientID]
	if !ok || !slices.Contains(app.PostLogoutRedirectURIs, back) {
		i.renderPage(w, http.StatusBadRequest, page{Title: "You are signed out",
			Error: "The app asked to send you back to an address it has not registered, so openlot does not."})
		return
	}
	u, _ := url.Parse(back)
	if state := q.Get("state"); state != "" {
		v := u.Query()
		v.Set("state", state)
		u.RawQuery = v.Encode()
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// Metadata is the authorization server's metadata (RFC 8414), which is also
// its OpenID Provider metadata (OpenID Connect Discovery 1.0).
type Metadata struct {
	Issuer                                     string   `json:"issuer"`
	AuthorizationEndpoint                      string   `json:"authorization_endpoint"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	JWKSURI                                    string   `json:"jwks_uri"`
	RevocationEndpoint                         string   `json:"revocation_endpoint"`
	EndSessionEndpoint                         string   `json:"end_session_endpoint"`
	ScopesSupported                            []string `json:"scopes_supported"`
	ResponseTypesSupported                     []string `json:"response_types_supported"`
	ResponseModesSupported                     []string `json:"response_modes_supported"`
	GrantTypesSupported                        []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported"`
	RevocationEndpointAuthMethodsSupported     []string `json:"revocation_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported              []string `json:"code_challenge_methods_supported"`
	SubjectTypesSupported                      []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported           []string `json:"id_token_signing_alg_values_supported"`
	ClaimsSupported                            []string `json:"claims_supported"`
	AuthorizationResponseIssParameterSupported bool     `json:"authorization_response_iss_parameter_supported"`
}

// Metadata returns the issuer's metadata document.
func (i *Issuer) Metadata() Metadata {
	return Metadata{
		Issuer: i.url, AuthorizationEndpoint: i.url + PathAuthorize, TokenEndpoint: i.url + PathToken, JWKSURI: i.url + PathJWKS,
		RevocationEndpoint: i.url + PathRevoke, EndSessionEndpoint: i.url + PathLogout,
		ScopesSupported:        Scopes,
		ResponseTypesSupported: []string{"code"}, ResponseModesSupported: []string{"query"},
		GrantTypesSupported:                    []string{"authorization_code", "refresh_token", "client_credentials"},
		TokenEndpointAuthMethodsSupported:      []string{"client_secret_basic", "client_secret_post", "none"},
		RevocationEndpointAuthMethodsSupported: []string{"none"},
		CodeChallengeMethodsSupported:          []string{"S256"},
		SubjectTypesSupported:                  []string{"public"},
		IDTokenSigningAlgValuesSupported:       []string{"ES256"},
		ClaimsSupported: []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "name", "email",
			"cognito:groups", "custom:partner"},
		AuthorizationResponseIssParameterSupported: true,
	}
}

func (i *Issuer) serveMetadata(w http.ResponseWriter, r *http.Request) {
	i.cors(w, r)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_ = json.NewEncoder(w).Encode(i.Metadata())
}

// cors lets the registered apps' origins read the answers of the endpoints
// a browser app calls (metadata, keys, token, revocation): all are simple
// requests (GET, or a POSTed form without credentials), so no preflight.
func (i *Issuer) cors(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	w.Header().Add("Vary", "Origin")
	for _, a := range i.apps {
		for _, ru := range a.RedirectURIs {
			if u, err := url.Parse(ru); err == nil && strings.EqualFold(u.Scheme+"://"+u.Host, origin) {
				w.Header().Set("Access-Control-Allow-Origin", origin)
				return
			}
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
