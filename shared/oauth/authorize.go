package oauth

import (
	"crypto/hmac"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/openlot/openlot/shared/lot"
)

// App is a public client (RFC 6749 §2.1) at which people sign in with the
// authorization code grant and PKCE: it holds no secret, so its redirect
// URIs, compared exactly, are what binds a code to it.
type App struct {
	ID   string
	Name string // shown on the sign-in page
	// RedirectURIs are where codes may be sent; PostLogoutRedirectURIs where
	// sign-out may send the browser back.
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
}

// WebAppID is the client ID of the portal in a browser.
const WebAppID = "openlot-web"

// Scopes people may ask for. The person's role, partner and rights come from
// their record, whatever is asked.
var Scopes = []string{"openid", "profile", "email", "offline_access"}

// EnableSignIn lets people (users AddUser made) sign in at apps with the
// authorization code grant. Call it before serving.
func (i *Issuer) EnableSignIn(people lot.Users, apps ...App) {
	i.people = people
	for _, a := range apps {
		i.apps[a.ID] = a
	}
}

// Routes are the authorization server's handlers besides Token and JWKS, by
// http.ServeMux pattern, to mount beside the API: the sign-in page,
// revocation, sign-out and the metadata documents.
func (i *Issuer) Routes() map[string]http.Handler {
	meta := http.HandlerFunc(i.serveMetadata)
	return map[string]http.Handler{
		"GET " + PathAuthorize:                        http.HandlerFunc(i.serveAuthorize),
		"POST " + PathAuthorize:                       http.HandlerFunc(i.serveSignIn),
		"POST " + PathRevoke:                          http.HandlerFunc(i.serveRevoke),
		"GET " + PathLogout:                           http.HandlerFunc(i.serveLogout),
		"GET /.well-known/oauth-authorization-server": meta,
		"GET /.well-known/openid-configuration":       meta,
	}
}

// Paths of the endpoints.
const (
	PathAuthorize = "/oauth2/authorize"
	PathToken     = "/oauth2/token"
	PathRevoke    = "/oauth2/revoke"
	PathLogout    = "/oauth2/logout"
	PathJWKS      = "/.well-known/jwks.json"
)

// authRequest is a valid authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3).
type authRequest struct {
	app           App
	redirectURI   string
	redirectGiven bool
	state         string
	challenge     string
	scope         string
	nonce         string
}

// authError is an error sent back to the app by redirect (RFC 6749 §4.1.2.1).
type authError struct{ code, desc string }

// parseAuthorize validates an authorization request. When the client or
// its redirect URI is not known, the error must not go to that URI: it
// returns the words to show the person instead (RFC 6749 §4.1.2.1, RFC 6819
// §4.2.4). Other errors go back to the app (a non-nil authError with req).
func (i *Issuer) parseAuthorize(q url.Values) (req *authRequest, shown string, back *authError) {
	for _, k := range []string{"client_id", "redirect_uri"} {
		if len(q[k]) > 1 {
			return nil, "The sign-in link is broken: it names " + k + " more than once.", nil
		}
	}
	app, ok := i.apps[q.Get("client_id")]
	if !ok {
		return nil, "The app that sent you here is not known to openlot, so you cannot sign in from it.", nil
	}
	req = &authRequest{app: app, redirectURI: q.Get("redirect_uri"), state: q.Get("state"), challenge: q.Get("code_challenge"),
		scope: q.Get("scope"), nonce: q.Get("nonce")}
	switch {
	case req.redirectURI != "":
		if !slices.Contains(app.RedirectURIs, req.redirectURI) {
			return nil, "The sign-in link is broken: it would send you back to an address " + app.Name + " has not registered.", nil
		}
		req.redirectGiven = true
	case len(app.RedirectURIs) == 1:
		req.redirectURI = app.RedirectURIs[0]
	default:
		return nil, "The sign-in link is broken: it does not say where to send you back.", nil
	}
	for _, k := range []string{"response_type", "state", "code_challenge", "code_challenge_method", "scope", "nonce", "prompt"} {
		if len(q[k]) > 1 {
			return req, "", &authError{"invalid_request", k + " is sent more than once"}
		}
	}
	switch {
	case q.Get("response_type") != "code":
		return req, "", &authError{"unsupported_response_type", "response_type must be code"}
	case req.state == "":
		return req, "", &authError{"invalid_request", "state is required"}
	case len(req.state) > 1024 || len(req.nonce) > 1024:
		return req, "", &authError{"invalid_request", "state and nonce must be at most 1024 characters"}
	case req.challenge == "":
		return req, "", &authError{"invalid_request", "code_challenge is required (PKCE, RFC 7636)"}
	case q.Get("code_challenge_method") != "S256":
		return req, "", &authError{"invalid_request", "code_challenge_method must be S256"}
	case len(req.challenge) != 43 || !unreserved(req.challenge) || strings.ContainsAny(req.challenge, ".~"):
		return req, "", &authError{"invalid_request", "code_challenge must be the base64url SHA-256 of the verifier (43 characters)"}
	case q.Get("request") != "" || q.Get("request_uri") != "":
		return req, "", &authError{"request_not_supported", "request objects are not supported"}
	case q.Get("response_mode") != "" && q.Get("response_mode") != "query":
		return req, "", &authError{"invalid_request", "response_mode must be query"}
	}
	if req.scope == "" {
		req.scope = "openid profile email"
	}
	for _, s := range strings.Fields(req.scope) {
		if !slices.Contains(Scopes, s) {
			return req, "", &authError{"invalid_scope", fmt.Sprintf("scope %q is not offered; ask for %s", s, strings.Join(Scopes, ", "))}
		}
	}
	if slices.Contains(strings.Fields(q.Get("prompt")), "none") {
		return req, "", &authError{"login_required", "the person must sign in"}
	}
	return req, "", nil
}

// redirectBack sends the browser to the app's redirect URI with params,
// keeping the URI's own query (RFC 6749 §3.1.2), the state and this
// issuer's name (RFC 9207).
func (i *Issuer) redirectBack(w http.ResponseWriter, r *http.Request, req *authRequest, params url.Values) {
	u, _ := url.Parse(req.redirectURI) // registered, so it parses
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	q.Set("state", req.state)
	q.Set("iss", i.url)
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// serveAuthorize shows the sign-in page for a valid request.
func (i *Issuer) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if i.people == nil {
		http.NotFound(w, r)
		return
	}
	if !i.guards.allowCheap(r) {
		i.renderPage(w, http.StatusTooManyRequests, page{Title: "Sign in", Error: msgPageTooMany})
		return
	}
	req, shown, back := i.parseAuthorize(r.URL.Query())
	if shown != "" {
		i.renderPage(w, http.StatusBadRequest, page{Title: "Cannot sign in", Error: shown})
		return
	}
	if back != nil {
		i.redirectBack(w, r, req, url.Values{"error": {back.code}, "error_description": {back.desc}})
		return
	}
	i.renderForm(w, r, http.StatusOK, req, "", "")
}

// Messages of the sign-in page. The ones about credentials never tell
// whether an account with that email exists: an unknown email is counted
// and locked out the same way.
var (
	msgWrong = fmt.Sprintf("The email or password is not right. After %d failed attempts in a row, sign-in is locked for %d minutes.",
		lot.MaxFailedSignIns, lockoutMinutes)
	msgLocked = fmt.Sprintf("Too many failed attempts: sign-in with this email is locked for %d minutes after the last one. "+
		"Try again later, or ask an openlot administrator.", lockoutMinutes)
	msgPageTooMany = "Too many sign-in attempts from your network or for this app. Wait a few seconds, then try again."
	msgPageBusy    = "openlot is busy checking other sign-ins. Wait a few seconds, then try again."
	msgDisabled    = "This account is disabled. Ask an openlot administrator to enable it."
	msgMissing     = "Enter your email and your password."
	msgCookie      = "Your browser did not keep the sign-in form's cookie, or the form is too old. Allow cookies for this site and try again."
)

// serveSignIn checks the sign-in form and, for the right password of an
// enabled, unlocked account, sends the browser back to the app with a
// one-time code. Guards run first; only then is the password hashed.
func (i *Issuer) serveSignIn(w http.ResponseWriter, r *http.Request) {
	if i.people == nil {
		http.NotFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		i.renderPage(w, http.StatusBadRequest, page{Title: "Cannot sign in", Error: "The form could not be read. Go back to the app and sign in again."})
		return
	}
	req, shown, back := i.parseAuthorize(r.PostForm)
	if shown != "" {
		i.renderPage(w, http.StatusBadRequest, page{Title: "Cannot sign in", Error: shown})
		return
	}
	if back != nil {
		i.redirectBack(w, r, req, url.Values{"error": {back.code}, "error_description": {back.desc}})
		return
	}
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	if !i.formTokenValid(r) {
		i.renderForm(w, r, http.StatusBadRequest, req, email, msgCookie)
		return
	}
	if !i.guards.allow(r, req.app.ID) {
		i.renderForm(w, r, http.StatusTooManyRequests, req, email, msgPageTooMany)
		return
	}
	if email == "" || password == "" {
		i.renderForm(w, r, http.StatusBadRequest, req, email, msgMissing)
		return
	}
	ctx, now := r.Context(), i.clock.Now()
	u, err := i.people.UserByEmail(ctx, email)
	if err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		i.log.ErrorContext(ctx, "sign-in: user lookup", "err", err)
		i.renderPage(w, http.StatusInternalServerError, page{Title: "Cannot sign in", Error: "openlot could not check your account. Try again in a minute."})
		return
	}
	if err != nil || !u.SignsInHere() {
		u = nil
	}
	lockout := !i.guards.limits.NoLockout
	if lockout && (u != nil && u.Locked(now) || u == nil && i.guards.lockedOut(emailKey(email), now)) {
		i.renderForm(w, r, http.StatusBadRequest, req, email, msgLocked)
		return
	}
	hash := i.dummy // an unknown email costs the same, so timing does not tell
	if u != nil {
		hash = u.PasswordHash
	}
	var match bool
	if !i.guards.hash(ctx, func() { match = bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil }) {
		i.renderForm(w, r, http.StatusServiceUnavailable, req, email, msgPageBusy)
		return
	}
	if u == nil || !match {
		locked := false
		if u == nil {
			locked = i.guards.failed(emailKey(email), now)
		} else if lockout {
			_, err := i.updateUser(ctx, u.Subject, func(u *lot.User) (bool, error) {
				locked = u.SignInFailed(now)
				return true, nil
			})
			if err != nil {
				i.log.ErrorContext(ctx, "sign-in: count failure", "user", u.Subject, "err", err)
			}
		}
		i.log.WarnContext(ctx, "sign-in failed", "known", u != nil, "addr", remoteAddr(r), "locked", locked)
		msg := msgWrong
		if locked {
			msg = msgLocked
		}
		i.renderForm(w, r, http.StatusBadRequest, req, email, msg)
		return
	}
	if u.Disabled {
		i.renderForm(w, r, http.StatusForbidden, req, email, msgDisabled)
		return
	}
	if u.FailedSignIns > 0 || !u.LockedUntil.IsZero() {
		if _, err := i.updateUser(ctx, u.Subject, func(u *lot.User) (bool, error) { u.SignedIn(); return true, nil }); err != nil {
			i.log.ErrorContext(ctx, "sign-in: reset failures", "user", u.Subject, "err", err)
		}
	}
	code := randomToken()
	i.codes.put(code, &codeGrant{client: req.app.ID, redirectURI: req.redirectURI, redirectGiven: req.redirectGiven,
		challenge: req.challenge, subject: u.Subject, scope: req.scope, nonce: req.nonce, authTime: now, expires: now.Add(CodeTTL)}, now)
	i.redirectBack(w, r, req, url.Values{"code": {code}})
}

// randomToken is 256 random bits, base64url.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// The sign-in form is bound to a cookie (SameSite=Strict, so a form posted
// from another site does not carry it): its hidden field is the MAC of the
// cookie's value.
const formCookie = "openlot_signin"

func (i *Issuer) formToken(w http.ResponseWriter, r *http.Request) string {
	v := ""
	if c, err := r.Cookie(formCookie); err == nil && len(c.Value) == 43 {
		v = c.Value
	} else {
		v = randomToken()
		http.SetCookie(w, &http.Cookie{Name: formCookie, Value: v, Path: PathAuthorize, HttpOnly: true,
			SameSite: http.SameSiteStrictMode, Secure: strings.HasPrefix(i.url, "https://"), MaxAge: 3600})
	}
	return i.mac("form", v)
}

func (i *Issuer) formTokenValid(r *http.Request) bool {
	c, err := r.Cookie(formCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(i.mac("form", c.Value)))
}

//go:embed signin.html
var pageHTML string

var pageTmpl = template.Must(template.New("page").Parse(pageHTML))

// page is what the sign-in page shows.
type page struct {
	Title, Error, Email string
	AppName             string
	Form                bool
	Action              string
	Hidden              map[string]string
	Link, LinkText      string
}

// renderForm shows the sign-in form for req, with an error when there is one.
func (i *Issuer) renderForm(w http.ResponseWriter, r *http.Request, status int, req *authRequest, email, errMsg string) {
	hidden := map[string]string{"client_id": req.app.ID, "response_type": "code", "state": req.state,
		"code_challenge": req.challenge, "code_challenge_method": "S256", "scope": req.scope, "csrf": i.formToken(w, r)}
	if req.redirectGiven {
		hidden["redirect_uri"] = req.redirectURI
	}
	if req.nonce != "" {
		hidden["nonce"] = req.nonce
	}
	// form-action covers the redirect after the post, to the app's origin.
	origin := ""
	if u, err := url.Parse(req.redirectURI); err == nil {
		origin = " " + u.Scheme + "://" + u.Host
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"+origin+
		"; frame-ancestors 'none'; base-uri 'none'")
	i.writePage(w, status, page{Title: "Sign in to openlot", AppName: req.app.Name, Form: true, Action: PathAuthorize,
		Hidden: hidden, Email: email, Error: errMsg})
}

// renderPage shows a page without the form (an error, or signed out).
func (i *Issuer) renderPage(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	i.writePage(w, status, p)
}

func (i *Issuer) writePage(w http.ResponseWriter, status int, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if err := pageTmpl.Execute(w, p); err != nil {
		i.log.Error("sign-in page", "err", err)
	}
}
