package oauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/oauth"
	"github.com/openlot/openlot/shared/sqlite"
)

// moving is a clock tests move forward.
type moving struct {
	mu sync.Mutex
	t  time.Time
}

func (c *moving) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *moving) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

const (
	callback = "http://app.test/auth/callback"
	goodbye  = "http://app.test/"
	anaEmail = "ana@juniper.example"
	anaPass  = "correct horse battery staple"
)

// authServer is a running authorization server with one person, Ana (FP juniper, may cancel).
type authServer struct {
	*httptest.Server
	issuer *oauth.Issuer
	people lot.Store
	clock  *moving
	ana    *lot.User
}

func mustAuthServer(t *testing.T, limits oauth.Limits) *authServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	hash, err := oauth.HashPassword(anaPass)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := oauth.HashSecret("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.PutClient(t.Context(), &lot.Client{ID: "fp-juniper", SecretHash: secret, Role: lot.RoleFP, Partner: "juniper"}); err != nil {
		t.Fatal(err)
	}
	ana := &lot.User{Subject: "0190f0f0-0000-7000-8000-0000000000a1", Name: "Ana Lima", Email: anaEmail, Role: lot.RoleFP,
		Partner: "juniper", Permissions: []lot.Permission{lot.PermCancel}, PasswordHash: hash}
	if err := db.AddUser(t.Context(), ana); err != nil {
		t.Fatal(err)
	}
	s := &authServer{people: db, clock: &moving{t: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}, ana: ana}
	var h http.Handler
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(s.Close)
	s.issuer, err = oauth.New(s.URL, key, db, s.clock, ids.NewSeeded(7, s.clock.t), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	s.issuer.SetLimits(limits)
	s.issuer.EnableSignIn(db, oauth.App{ID: oauth.WebAppID, Name: "openlot portal", RedirectURIs: []string{callback, "http://app.test/other"},
		PostLogoutRedirectURIs: []string{goodbye}})
	mux := http.NewServeMux()
	mux.Handle("POST "+oauth.PathToken, s.issuer.Token())
	mux.Handle("GET "+oauth.PathJWKS, s.issuer.JWKS())
	for p, hh := range s.issuer.Routes() {
		mux.Handle(p, hh)
	}
	h = mux
	return s
}

// config is a third-party OAuth2 client's view of the server.
func (s *authServer) config() *oauth2.Config {
	return &oauth2.Config{ClientID: oauth.WebAppID, RedirectURL: callback, Scopes: []string{"openid", "profile", "email"},
		Endpoint: oauth2.Endpoint{AuthURL: s.URL + oauth.PathAuthorize, TokenURL: s.URL + oauth.PathToken, AuthStyle: oauth2.AuthStyleInParams}}
}

// browser is a cookie-keeping client that does not follow redirects.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// mustPage GETs the sign-in page and returns its body and hidden fields.
func mustPage(t *testing.T, b *http.Client, authURL string) (string, url.Values) {
	t.Helper()
	resp, err := b.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("sign-in page: status %d: %s", resp.StatusCode, body)
	}
	form := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(string(body), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return string(body), form
}

// postSignIn submits the sign-in form with email and password.
func (s *authServer) postSignIn(t *testing.T, b *http.Client, form url.Values, email, password string) (*http.Response, string) {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("email", email)
	f.Set("password", password)
	resp, err := b.PostForm(s.URL+oauth.PathAuthorize, f)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// mustCode signs Ana in through authURL and returns the code sent back.
func (s *authServer) mustCode(t *testing.T, authURL, wantState string) string {
	t.Helper()
	b := browser(t)
	_, form := mustPage(t, b, authURL)
	resp, body := s.postSignIn(t, b, form, anaEmail, anaPass)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: status %d: %s", resp.StatusCode, body)
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Scheme + "://" + back.Host + back.Path; got != callback {
		t.Fatalf("sent back to %q, want %q", got, callback)
	}
	if got := back.Query().Get("state"); got != wantState {
		t.Errorf("state %q, want %q", got, wantState)
	}
	if got := back.Query().Get("iss"); got != s.URL {
		t.Errorf("iss %q, want %q (RFC 9207)", got, s.URL)
	}
	code := back.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", back)
	}
	return code
}

func rfcError(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

func TestAThirdPartyClientSignsInWithCodeAndPKCE(t *testing.T) {
	// Ensures golang.org/x/oauth2 runs the whole authorization code + PKCE flow over HTTP, gets tokens the API
	// authenticates as the person, rotates the refresh token, and that a spent refresh token coming again ends the session.
	s := mustAuthServer(t, oauth.DefaultLimits)
	cfg := s.config()
	ctx := context.Background()
	verifier := oauth2.GenerateVerifier()
	code := s.mustCode(t, cfg.AuthCodeURL("st-123", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", "n-1")), "st-123")
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if tok.TokenType != "Bearer" {
		t.Errorf("token type %q", tok.TokenType)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	if tok.ExpiresIn != int64(oauth.PersonTokenTTL/time.Second) {
		t.Errorf("expires_in %d, want %d", tok.ExpiresIn, int64(oauth.PersonTokenTTL/time.Second))
	}
	claims, err := s.issuer.Verify(tok.AccessToken)
	if err != nil {
		t.Fatalf("the access token does not verify: %v", err)
	}
	p, err := auth.FromClaims(claims)
	if err != nil {
		t.Fatalf("the API cannot read the access token: %v", err)
	}
	want := lot.Principal{Subject: s.ana.Subject, Name: "Ana Lima", Email: anaEmail, Role: lot.RoleFP, Partner: "juniper",
		Permissions: []lot.Permission{lot.PermCancel}}
	if p.Subject != want.Subject || p.Name != want.Name || p.Email != want.Email || p.Role != want.Role || p.Partner != want.Partner {
		t.Errorf("principal %+v, want %+v", p, want)
	}
	if !slices.Equal(p.Permissions, want.Permissions) {
		t.Errorf("permissions %v, want %v", p.Permissions, want.Permissions)
	}
	if claims["client_id"] != oauth.WebAppID {
		t.Errorf("client_id claim %v, want %s", claims["client_id"], oauth.WebAppID)
	}
	idTok, _ := tok.Extra("id_token").(string)
	if idTok == "" {
		t.Fatal("no id_token for the openid scope")
	}
	if _, err := s.issuer.Verify(idTok); err == nil {
		t.Error("the ID token is accepted as an access token")
	}

	// Rotation: each refresh gives a new refresh token.
	s.clock.Add(oauth.PersonTokenTTL + time.Minute)
	tok2, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if tok2.RefreshToken == "" {
		t.Fatal("the refresh gave no new refresh token")
	}
	if tok2.RefreshToken == tok.RefreshToken {
		t.Fatal("the refresh token did not rotate")
	}
	if _, err := s.issuer.Verify(tok2.AccessToken); err != nil {
		t.Errorf("the refreshed access token does not verify: %v", err)
	}
	tok3, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok2.RefreshToken}).Token()
	if err != nil {
		t.Fatalf("second refresh: %v", err)
	}
	// The first, spent token again: refused, and the whole family with it.
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if rfcError(err) != "invalid_grant" {
		t.Fatalf("a reused refresh token: %v, want invalid_grant", err)
	}
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok3.RefreshToken}).Token()
	if rfcError(err) != "invalid_grant" {
		t.Fatalf("the newest refresh token after a reuse: %v, want invalid_grant (the family is revoked)", err)
	}
}

func TestTheTokenEndpointRefusesBadExchanges(t *testing.T) {
	// Ensures a code is refused with invalid_grant for a wrong verifier, a second use (which also revokes its tokens),
	// a redirect_uri not the authorization request's, expiry, and another client.
	s := mustAuthServer(t, oauth.DefaultLimits)
	cfg := s.config()
	ctx := context.Background()
	fresh := func() (string, string) {
		v := oauth2.GenerateVerifier()
		return s.mustCode(t, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)), "st"), v
	}

	code, _ := fresh()
	_, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
	if rfcError(err) != "invalid_grant" {
		t.Errorf("wrong verifier: %v, want invalid_grant", err)
	}
	code, _ = fresh()
	_, err = cfg.Exchange(ctx, code)
	if rfcError(err) != "invalid_grant" {
		t.Errorf("no verifier: %v, want invalid_grant", err)
	}

	code, v := fresh()
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.Exchange(ctx, code, oauth2.VerifierOption(v))
	if rfcError(err) != "invalid_grant" {
		t.Errorf("reused code: %v, want invalid_grant", err)
	}
	_, err = cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if rfcError(err) != "invalid_grant" {
		t.Errorf("the refresh token of a reused code: %v, want invalid_grant (revoked)", err)
	}

	code, v = fresh()
	other := *cfg
	other.RedirectURL = "http://app.test/other"
	_, err = other.Exchange(ctx, code, oauth2.VerifierOption(v))
	if rfcError(err) != "invalid_grant" {
		t.Errorf("another redirect_uri: %v, want invalid_grant", err)
	}

	code, v = fresh()
	s.clock.Add(oauth.CodeTTL + time.Second)
	_, err = cfg.Exchange(ctx, code, oauth2.VerifierOption(v))
	if rfcError(err) != "invalid_grant" {
		t.Errorf("expired code: %v, want invalid_grant", err)
	}

	code, v = fresh()
	stranger := *cfg
	stranger.ClientID = "someone-else"
	_, err = stranger.Exchange(ctx, code, oauth2.VerifierOption(v))
	if rfcError(err) != "invalid_client" {
		t.Errorf("unknown client: %v, want invalid_client", err)
	}
}

func TestTheAuthorizationEndpointRefusesBadRequests(t *testing.T) {
	// Ensures an unknown client or unregistered redirect URI is said on the page, never redirected to, and that other
	// faults (plain PKCE, no challenge, no state, another response type, unknown scope) go back to the app by redirect.
	s := mustAuthServer(t, oauth.DefaultLimits)
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	base := url.Values{"client_id": {oauth.WebAppID}, "redirect_uri": {callback}, "response_type": {"code"}, "state": {"st"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range base {
			q[kk] = vv
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	b := browser(t)
	for _, c := range []struct {
		name  string
		q     url.Values
		shown bool   // said on the page, not redirected
		error string // the error sent back by redirect
	}{
		{"unknown client", with("client_id", "nope"), true, ""},
		{"unregistered redirect URI", with("redirect_uri", "http://evil.test/cb"), true, ""},
		{"redirect URI differing in a slash", with("redirect_uri", callback+"/"), true, ""},
		{"plain method", with("code_challenge_method", "plain"), false, "invalid_request"},
		{"no method (plain by default)", with("code_challenge_method", ""), false, "invalid_request"},
		{"no challenge", with("code_challenge", ""), false, "invalid_request"},
		{"no state", with("state", ""), false, "invalid_request"},
		{"implicit grant", with("response_type", "token"), false, "unsupported_response_type"},
		{"unknown scope", with("scope", "openid admin"), false, "invalid_scope"},
		{"prompt none", with("prompt", "none"), false, "login_required"},
	} {
		resp, err := b.Get(s.URL + oauth.PathAuthorize + "?" + c.q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if c.shown {
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", c.name, resp.StatusCode)
			}
			if loc != "" {
				t.Errorf("%s: redirected to %s", c.name, loc)
			}
			if !strings.Contains(string(body), `role="alert"`) {
				t.Errorf("%s: the page says no error: %s", c.name, body)
			}
			continue
		}
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: status %d, want 303", c.name, resp.StatusCode)
			continue
		}
		u, _ := url.Parse(loc)
		if got := u.Query().Get("error"); got != c.error {
			t.Errorf("%s: error %q, want %q", c.name, got, c.error)
		}
		if !strings.HasPrefix(loc, callback+"?") {
			t.Errorf("%s: sent to %s, want the registered callback", c.name, loc)
		}
	}
}

func TestTheSignInPageIsAccessible(t *testing.T) {
	// Ensures the page labels its fields, names its language and says errors in words tied to the fields.
	s := mustAuthServer(t, oauth.DefaultLimits)
	b := browser(t)
	authURL := s.config().AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	body, form := mustPage(t, b, authURL)
	for _, want := range []string{`<html lang="en">`, `<label for="email">Email</label>`, `id="email"`, `<label for="password">Password</label>`,
		`id="password"`, `autocomplete="current-password"`, `<button type="submit">Sign in</button>`, `<title>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	_, body = s.postSignIn(t, b, form, anaEmail, "wrong")
	if !strings.Contains(body, `role="alert"`) {
		t.Error("a wrong password is not announced (role=alert)")
	}
	if !strings.Contains(body, `aria-describedby="error"`) {
		t.Error("the fields do not point at the error")
	}
	if !strings.Contains(body, "The email or password is not right") {
		t.Errorf("the error is not said in words: %s", body)
	}
}

func TestFiveWrongPasswordsLockSignInWithoutTellingWhoExists(t *testing.T) {
	// Ensures 5 wrong passwords lock an account for 15 minutes (even the right password is refused then), that an email
	// no one has gets the very same answers, and that the right password works once the lockout is over.
	s := mustAuthServer(t, oauth.DefaultLimits)
	authURL := s.config().AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
	b := browser(t)
	_, form := mustPage(t, b, authURL)
	for _, email := range []string{anaEmail, "nobody@juniper.example"} {
		var bodies []string
		for range lot.MaxFailedSignIns - 1 {
			_, body := s.postSignIn(t, b, form, email, "wrong")
			bodies = append(bodies, body)
		}
		_, fifth := s.postSignIn(t, b, form, email, "wrong")
		if !strings.Contains(fifth, "locked for 15 minutes") {
			t.Errorf("%s: the fifth failure does not say the lockout: %s", email, fifth)
		}
		resp, body := s.postSignIn(t, b, form, email, anaPass)
		if resp.StatusCode == http.StatusSeeOther {
			t.Fatalf("%s: signed in while locked", email)
		}
		if !strings.Contains(body, "locked for 15 minutes") {
			t.Errorf("%s: a locked sign-in does not say so: %s", email, body)
		}
		if !strings.Contains(bodies[0], "The email or password is not right") {
			t.Errorf("%s: first failure: %s", email, bodies[0])
		}
	}
	u, err := s.people.GetUser(t.Context(), s.ana.Subject)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Locked(s.clock.Now()) {
		t.Error("Ana's record is not locked")
	}
	s.clock.Add(lot.LockoutFor + time.Second)
	resp, body := s.postSignIn(t, b, form, anaEmail, anaPass)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the lockout: status %d: %s", resp.StatusCode, body)
	}
}

func TestDisabledPeopleCannotSignIn(t *testing.T) {
	// Ensures a disabled account is refused at the page (said only after the right password) and at refresh.
	s := mustAuthServer(t, oauth.DefaultLimits)
	cfg := s.config()
	v := oauth2.GenerateVerifier()
	tok, err := cfg.Exchange(t.Context(), s.mustCode(t, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)), "st"), oauth2.VerifierOption(v))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.people.UpdateUser(t.Context(), s.ana.Subject, func(u *lot.User) (bool, error) { u.Disabled = true; return true, nil }); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	_, form := mustPage(t, b, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)))
	_, body := s.postSignIn(t, b, form, anaEmail, "wrong")
	if strings.Contains(body, "disabled") {
		t.Error("a wrong password tells the account is disabled")
	}
	resp, body := s.postSignIn(t, b, form, anaEmail, anaPass)
	if resp.StatusCode == http.StatusSeeOther {
		t.Fatal("a disabled account signed in")
	}
	if !strings.Contains(body, "disabled") {
		t.Errorf("the page does not say the account is disabled: %s", body)
	}
	_, err = cfg.TokenSource(t.Context(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if rfcError(err) != "invalid_grant" {
		t.Errorf("refresh of a disabled account: %v, want invalid_grant", err)
	}
}

func TestSignInFormNeedsItsCookie(t *testing.T) {
	// Ensures a sign-in posted without the page's cookie (from another site) is refused.
	s := mustAuthServer(t, oauth.DefaultLimits)
	_, form := mustPage(t, browser(t), s.config().AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	resp, body := s.postSignIn(t, browser(t), form, anaEmail, anaPass)
	if resp.StatusCode == http.StatusSeeOther {
		t.Fatal("signed in without the form's cookie")
	}
	if !strings.Contains(body, "cookie") {
		t.Errorf("the page does not say why: %s", body)
	}
}

func postForm(t *testing.T, u string, form url.Values, user, pass string) (*http.Response, map[string]string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]string
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &got)
	return resp, got
}

func TestWrongClientSecretsLockTheClient(t *testing.T) {
	// Ensures 5 wrong client secrets lock a machine client for 15 minutes (then even the right secret is refused), and
	// that it signs in again once the lockout is over.
	s := mustAuthServer(t, oauth.DefaultLimits)
	cc := url.Values{"grant_type": {"client_credentials"}}
	for range lot.MaxFailedSignIns {
		if resp, _ := postForm(t, s.URL+oauth.PathToken, cc, "fp-juniper", "wrong"); resp.StatusCode != 401 {
			t.Fatalf("wrong secret: status %d", resp.StatusCode)
		}
	}
	resp, got := postForm(t, s.URL+oauth.PathToken, cc, "fp-juniper", "s3cret")
	if resp.StatusCode != 401 {
		t.Fatalf("right secret while locked: status %d, want 401", resp.StatusCode)
	}
	if !strings.Contains(got["error_description"], "locked for 15 minutes") {
		t.Errorf("the refusal does not say the lockout: %q", got["error_description"])
	}
	s.clock.Add(lot.LockoutFor + time.Second)
	if resp, got := postForm(t, s.URL+oauth.PathToken, cc, "fp-juniper", "s3cret"); resp.StatusCode != 200 {
		t.Fatalf("after the lockout: status %d: %v", resp.StatusCode, got)
	}
}

func TestGuessesOverTheRateAreRefused(t *testing.T) {
	// Ensures callers over their rate get 429 with Retry-After at the token endpoint and at the sign-in form (while the
	// page itself, which checks no password, is still shown).
	s := mustAuthServer(t, oauth.Limits{PerAddress: 0.001, PerClient: 1000, Burst: 2, Hashes: 1, HashWait: time.Millisecond})
	cc := url.Values{"grant_type": {"client_credentials"}}
	for range 2 {
		postForm(t, s.URL+oauth.PathToken, cc, "fp-juniper", "wrong")
	}
	resp, got := postForm(t, s.URL+oauth.PathToken, cc, "fp-juniper", "wrong")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third guess: status %d (%v), want 429", resp.StatusCode, got)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	b := browser(t)
	_, form := mustPage(t, b, s.config().AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	resp, body := s.postSignIn(t, b, form, anaEmail, anaPass)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("sign-in over the rate: status %d, want 429", resp.StatusCode)
	}
	if !strings.Contains(body, "Too many sign-in attempts") {
		t.Errorf("the page does not say why: %s", body)
	}
}

func TestMetadataDocuments(t *testing.T) {
	// Ensures RFC 8414 and OpenID discovery documents are the same and name the endpoints, S256 only and the grants.
	s := mustAuthServer(t, oauth.DefaultLimits)
	var docs []oauth.Metadata
	for _, p := range []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"} {
		resp, err := http.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		var m oauth.Metadata
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		resp.Body.Close()
		docs = append(docs, m)
	}
	m := docs[0]
	if m.Issuer != s.URL {
		t.Errorf("issuer %q, want %q", m.Issuer, s.URL)
	}
	if m.TokenEndpoint != s.URL+oauth.PathToken {
		t.Errorf("token endpoint %q", m.TokenEndpoint)
	}
	if m.AuthorizationEndpoint != s.URL+oauth.PathAuthorize {
		t.Errorf("authorization endpoint %q", m.AuthorizationEndpoint)
	}
	if !slices.Equal(m.CodeChallengeMethodsSupported, []string{"S256"}) {
		t.Errorf("code challenge methods %v", m.CodeChallengeMethodsSupported)
	}
	for _, g := range []string{"authorization_code", "refresh_token", "client_credentials"} {
		if !slices.Contains(m.GrantTypesSupported, g) {
			t.Errorf("grant %s not listed", g)
		}
	}
	a, _ := json.Marshal(docs[0])
	b, _ := json.Marshal(docs[1])
	if string(a) != string(b) {
		t.Errorf("the two documents differ:\n%s\n%s", a, b)
	}
	for _, u := range []string{m.JWKSURI, m.RevocationEndpoint, m.EndSessionEndpoint} {
		if !strings.HasPrefix(u, s.URL+"/") {
			t.Errorf("endpoint %q is not on the issuer", u)
		}
	}
}

func TestRevocationAndSignOutEndTheSession(t *testing.T) {
	// Ensures RFC 7009 revocation of a refresh token, or of an access token, ends its session, and that sign-out
	// ends the session of its id_token_hint and goes back only to a registered address.
	s := mustAuthServer(t, oauth.DefaultLimits)
	cfg := s.config()
	signIn := func() *oauth2.Token {
		v := oauth2.GenerateVerifier()
		tok, err := cfg.Exchange(t.Context(), s.mustCode(t, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(v)), "st"), oauth2.VerifierOption(v))
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	refused := func(name string, tok *oauth2.Token) {
		t.Helper()
		_, err := cfg.TokenSource(t.Context(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		if rfcError(err) != "invalid_grant" {
			t.Errorf("%s: refresh gave %v, want invalid_grant", name, err)
		}
	}
	revoke := func(token string) int {
		resp, _ := postForm(t, s.URL+oauth.PathRevoke, url.Values{"client_id": {oauth.WebAppID}, "token": {token}}, "", "")
		return resp.StatusCode
	}

	tok := signIn()
	if st := revoke(tok.RefreshToken); st != 200 {
		t.Errorf("revoke refresh token: status %d", st)
	}
	refused("revoked refresh token", tok)
	tok = signIn()
	if st := revoke(tok.AccessToken); st != 200 {
		t.Errorf("revoke access token: status %d", st)
	}
	refused("session of a revoked access token", tok)
	if st := revoke("not-a-token"); st != 200 {
		t.Errorf("revoke garbage: status %d, want 200 (RFC 7009 §2.2)", st)
	}

	tok = signIn()
	idTok, _ := tok.Extra("id_token").(string)
	q := url.Values{"id_token_hint": {idTok}, "post_logout_redirect_uri": {goodbye}, "state": {"bye"}}
	resp, err := browser(t).Get(s.URL + oauth.PathLogout + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: status %d, want 303", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != goodbye+"?state=bye" {
		t.Errorf("sign-out sent to %q", loc)
	}
	refused("signed out", tok)

	q.Set("post_logout_redirect_uri", "http://evil.test/")
	resp, err = browser(t).Get(s.URL + oauth.PathLogout + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "" {
		t.Errorf("sign-out went to an unregistered address %q", loc)
	}
}
