package oauth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// Lifetimes of what people are given.
const (
	// CodeTTL is how long an authorization code may be exchanged (RFC 6819
	// §5.1.5.3: short-lived).
	CodeTTL = time.Minute
	// PersonTokenTTL is how long a person's access token is valid; the
	// portal refreshes it silently.
	PersonTokenTTL = 15 * time.Minute
	// SessionTTL is how long a sign-in's refresh tokens last at most,
	// however often they are rotated.
	SessionTTL = 14 * 24 * time.Hour
	// MaxSessions is how many sign-ins a person keeps at once; a new one
	// ends the oldest beyond it.
	MaxSessions = 20
)

// codeGrant is what an authorization code stands for. Codes live in memory
// only: they are exchanged within seconds, so a restart in between costs
// the person one more sign-in, and nothing reusable is ever written down.
type codeGrant struct {
	client        string
	redirectURI   string
	redirectGiven bool // the authorization request named redirect_uri, so the token request must too
	challenge     string
	subject       string
	scope, nonce  string
	authTime      time.Time
	expires       time.Time
	used          bool
	session       string // the session its tokens started, ended if the code comes again
}

// codes holds the authorization codes issued, by the SHA-256 of the code.
type codes struct {
	mu sync.Mutex
	m  map[string]*codeGrant
}

func newCodes() *codes { return &codes{m: map[string]*codeGrant{}} }

func codeKey(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// put remembers g under code, forgetting codes long expired.
func (c *codes) put(code string, g *codeGrant, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 1000 {
		for k, v := range c.m {
			if now.After(v.expires.Add(10 * time.Minute)) {
				delete(c.m, k)
			}
		}
	}
	c.m[codeKey(code)] = g
}

// take returns a copy of the grant of code and whether this is its first
// use, marking it used; nil when the code is unknown or expired. A used
// code is kept until ten minutes after it expired, so a replay is seen.
func (c *codes) take(code string, now time.Time) (*codeGrant, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g, ok := c.m[codeKey(code)]
	if !ok {
		return nil, false
	}
	if g.used {
		cp := *g
		return &cp, false
	}
	if !now.Before(g.expires) {
		delete(c.m, codeKey(code))
		return nil, false
	}
	g.used = true
	cp := *g
	return &cp, true
}

// started records the session the code's tokens began.
func (c *codes) started(code, session string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g, ok := c.m[codeKey(code)]; ok {
		g.session = session
	}
}

// mac signs s for one purpose with the issuer's derived key.
func (i *Issuer) mac(purpose, s string) string {
	h := hmac.New(sha256.New, i.macKey)
	h.Write([]byte(purpose + "\x00" + s))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// refreshToken is "<subject>.<session>.<generation>.<mac>": the server
// stores no token, only each session's newest generation, and the MAC makes
// a generation unforgeable.
func (i *Issuer) refreshToken(subject, session string, gen int) string {
	payload := subject + "." + session + "." + strconv.Itoa(gen)
	return payload + "." + i.mac("refresh", payload)
}

// parseRefresh returns the parts of a refresh token this issuer signed.
func (i *Issuer) parseRefresh(tok string) (subject, session string, gen int, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 4 {
		return "", "", 0, false
	}
	payload := strings.Join(parts[:3], ".")
	if !hmac.Equal([]byte(parts[3]), []byte(i.mac("refresh", payload))) {
		return "", "", 0, false
	}
	gen, err := strconv.Atoi(parts[2])
	if err != nil || gen < 1 {
		return "", "", 0, false
	}
	return parts[0], parts[1], gen, true
}

// personGrant serves the authorization code and refresh token grants of a
// registered public app.
func (i *Issuer) personGrant(w http.ResponseWriter, r *http.Request, grant string) {
	form := r.PostForm
	for k, v := range form {
		if len(v) > 1 {
			tokenFail(w, problem.CodeInvalidRequest, k+" is sent more than once")
			return
		}
	}
	id := form.Get("client_id")
	if bid, secret, basic := r.BasicAuth(); basic {
		if bid, _ = url.QueryUnescape(bid); secret != "" || (id != "" && id != bid) {
			tokenFail(w, problem.CodeInvalidClient, "this app is a public client: send its client_id alone, with no secret")
			return
		}
		id = bid
	}
	app, ok := i.apps[id]
	if !ok {
		tokenFail(w, problem.CodeInvalidClient, "unknown client: the authorization_code and refresh_token grants are for openlot's registered apps")
		return
	}
	if !i.guards.allowCheap(r) {
		tokenThrottled(w, lot.CodeRateLimited, msgTooMany)
		return
	}
	if grant == "authorization_code" {
		i.codeGrant(w, r, app)
	} else {
		i.refreshGrant(w, r, app)
	}
}

// codeGrant exchanges an authorization code, once, for the tokens of a new
// session: the code must be this app's, unexpired, come with the same
// redirect_uri, and with the verifier of its PKCE challenge. A code that
// comes a second time is refused and the session it started is ended
// (RFC 6749 §4.1.2).
func (i *Issuer) codeGrant(w http.ResponseWriter, r *http.Request, app App) {
	form, ctx, now := r.PostForm, r.Context(), i.clock.Now()
	code := form.Get("code")
	if code == "" {
		tokenFail(w, problem.CodeInvalidRequest, "code is required")
		return
	}
	g, first := i.codes.take(code, now)
	switch {
	case g == nil:
		tokenFail(w, problem.CodeInvalidGrant, "the authorization code is not valid or has expired; sign in again")
		return
	case !first:
		if g.session != "" {
			i.endSession(ctx, g.subject, g.session, "authorization code used again")
		}
		tokenFail(w, problem.CodeInvalidGrant, "the authorization code was already used; the tokens it gave are revoked; sign in again")
		return
	case g.client != app.ID:
		tokenFail(w, problem.CodeInvalidGrant, "the authorization code was issued to another client")
		return
	}
	if ru := form.Get("redirect_uri"); (g.redirectGiven || ru != "") && ru != g.redirectURI {
		tokenFail(w, problem.CodeInvalidGrant, "redirect_uri is not the one of the authorization request")
		return
	}
	if !verifierMatches(form.Get("code_verifier"), g.challenge) {
		tokenFail(w, problem.CodeInvalidGrant, "code_verifier does not match the code_challenge of the authorization request")
		return
	}
	s := lot.Session{ID: i.ids.NewID(), Client: app.ID, Generation: 1, Scope: g.scope, Started: g.authTime, Refreshed: now,
		Expires: now.Add(SessionTTL)}
	var refused error
	u, err := i.updateUser(ctx, g.subject, func(u *lot.User) (bool, error) {
		refused = nil
		if u.Disabled {
			refused = errors.New("this account is disabled")
			return false, nil
		}
		u.Sessions = startSession(u.Sessions, s, now)
		return true, nil
	})
	if err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		i.log.ErrorContext(ctx, "token: start session", "err", err)
		tokenFail(w, problem.CodeServerError, "Internal error.")
		return
	}
	if err != nil || refused != nil {
		tokenFail(w, problem.CodeInvalidGrant, "this account can no longer sign in")
		return
	}
	i.codes.started(code, s.ID)
	i.log.InfoContext(ctx, "signed in", "user", u.Subject, "role", u.Role, "partner", u.Partner, "client", app.ID, "session", s.ID)
	i.respondSession(w, r, u, app, s, g.scope, g.nonce, true)
}

// refreshGrant rotates a refresh token: the newest token of a live session
// of this app gives new tokens and is spent; a spent one coming again ends
// the whole session (OAuth 2.1 §4.3.1), since it has been copied.
func (i *Issuer) refreshGrant(w http.ResponseWriter, r *http.Request, app App) {
	form, ctx, now := r.PostForm, r.Context(), i.clock.Now()
	tok := form.Get("refresh_token")
	if tok == "" {
		tokenFail(w, problem.CodeInvalidRequest, "refresh_token is required")
		return
	}
	subject, sid, gen, ok := i.parseRefresh(tok)
	if !ok {
		tokenFail(w, problem.CodeInvalidGrant, "the refresh token is not valid")
		return
	}
	var refused, reused string
	var s lot.Session
	u, err := i.updateUser(ctx, subject, func(u *lot.User) (bool, error) {
		refused, reused = "", ""
		k := slices.IndexFunc(u.Sessions, func(s lot.Session) bool { return s.ID == sid })
		if k < 0 {
			refused = "the session has ended; sign in again"
			return false, nil
		}
		cur := &u.Sessions[k]
		switch {
		case cur.Client != app.ID:
			refused = "the refresh token was issued to another client"
		case !cur.Ended.IsZero():
			refused = "the session has ended (signed out or revoked); sign in again"
		case !now.Before(cur.Expires):
			refused = "the session has expired; sign in again"
		case u.Disabled:
			cur.Ended, refused = now, "this account can no longer sign in"
			return true, nil
		case gen < cur.Generation:
			cur.Ended, refused, reused = now, "the refresh token was already used, so the session is ended for safety; sign in again", "reused"
			return true, nil
		case gen > cur.Generation:
			refused = "the refresh token is not valid"
		default:
			cur.Generation++
			cur.Refreshed = now
			s = *cur
			return true, nil
		}
		return false, nil
	})
	if lot.IsCode(err, lot.CodeNotFound) {
		tokenFail(w, problem.CodeInvalidGrant, "the refresh token is not valid")
		return
	}
	if err != nil {
		i.log.ErrorContext(ctx, "token: refresh", "err", err)
		tokenFail(w, problem.CodeServerError, "Internal error.")
		return
	}
	if reused != "" {
		i.log.WarnContext(ctx, "refresh token reused: session ended", "user", subject, "session", sid, "client", app.ID, "addr", remoteAddr(r))
	}
	if refused != "" {
		tokenFail(w, problem.CodeInvalidGrant, refused)
		return
	}
	scope := s.Scope
	if want := strings.Fields(form.Get("scope")); len(want) > 0 {
		for _, sc := range want {
			if !slices.Contains(strings.Fields(s.Scope), sc) {
				tokenFail(w, problem.CodeInvalidScope, "scope "+strconv.Quote(sc)+" was not granted at sign-in")
				return
			}
		}
		scope = strings.Join(want, " ")
	}
	i.respondSession(w, r, u, app, s, scope, "", false)
}

// respondSession answers a person's tokens: an access token with the claims
// shared/auth reads (taken from the user's record now, so a change of role
// or rights shows at the next refresh), the session's newest refresh token,
// and, at sign-in with the openid scope, an ID token.
func (i *Issuer) respondSession(w http.ResponseWriter, r *http.Request, u *lot.User, app App, s lot.Session, scope, nonce string, withID bool) {
	claims := auth.Claims(principalOf(u))
	claims["client_id"] = app.ID // RFC 9068: the client the token was issued to
	claims["sid"] = s.ID
	access, exp, err := i.sign(claims, []string{Audience}, PersonTokenTTL)
	if err != nil {
		i.log.ErrorContext(r.Context(), "token: sign", "err", err)
		tokenFail(w, problem.CodeServerError, "Internal error.")
		return
	}
	resp := TokenResponse{AccessToken: access, RefreshToken: i.refreshToken(u.Subject, s.ID, s.Generation), Scope: scope}
	if withID && slices.Contains(strings.Fields(scope), "openid") {
		if resp.IDToken, err = i.idToken(u, app, s, scope, nonce); err != nil {
			i.log.ErrorContext(r.Context(), "token: sign id token", "err", err)
			tokenFail(w, problem.CodeServerError, "Internal error.")
			return
		}
	}
	i.writeTokens(w, resp, exp)
}

// idToken is OpenID Connect's statement of who signed in, for the app
// (aud), signed like the access token.
func (i *Issuer) idToken(u *lot.User, app App, s lot.Session, scope, nonce string) (string, error) {
	c := map[string]any{"sub": u.Subject, "sid": s.ID, "auth_time": s.Started.Unix(), "azp": app.ID}
	if nonce != "" {
		c["nonce"] = nonce
	}
	scopes := strings.Fields(scope)
	if slices.Contains(scopes, "profile") {
		c["name"] = u.Name
		c[auth.ClaimGroups] = []string{strings.ToLower(string(u.Role))}
		if u.Partner != "" {
			c[auth.ClaimPartner] = u.Partner
		}
	}
	if slices.Contains(scopes, "email") && u.Email != "" {
		c["email"] = u.Email
	}
	tok, _, err := i.sign(c, []string{app.ID}, PersonTokenTTL)
	return tok, err
}

// principalOf is the principal a person's record describes.
func principalOf(u *lot.User) lot.Principal {
	return lot.Principal{Subject: u.Subject, Name: u.Name, Email: u.Email, Role: u.Role, Partner: u.Partner, Permissions: u.Permissions}
}

// startSession adds s to a person's sessions, forgetting ended and expired
// ones and ending the oldest beyond MaxSessions.
func startSession(have []lot.Session, s lot.Session, now time.Time) []lot.Session {
	out := make([]lot.Session, 0, len(have)+1)
	for _, h := range have {
		if h.Ended.IsZero() && now.Before(h.Expires) {
			out = append(out, h)
		}
	}
	out = append(out, s)
	if len(out) > MaxSessions {
		out = out[len(out)-MaxSessions:]
	}
	return out
}

// endSession ends one session of a person (sign-out, revocation, a
// replayed code); its refresh tokens are refused from then on.
func (i *Issuer) endSession(ctx context.Context, subject, sid, why string) {
	now := i.clock.Now()
	_, err := i.updateUser(ctx, subject, func(u *lot.User) (bool, error) {
		k := slices.IndexFunc(u.Sessions, func(s lot.Session) bool { return s.ID == sid })
		if k < 0 || !u.Sessions[k].Ended.IsZero() {
			return false, nil
		}
		u.Sessions[k].Ended = now
		return true, nil
	})
	if err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		i.log.ErrorContext(ctx, "end session", "user", subject, "session", sid, "err", err)
		return
	}
	i.log.InfoContext(ctx, "session ended", "user", subject, "session", sid, "why", why)
}

// updateUser is Users.UpdateUser, tried again when another write came
// first (a failed sign-in counted, another refresh).
func (i *Issuer) updateUser(ctx context.Context, subject string, fn func(*lot.User) (bool, error)) (*lot.User, error) {
	for attempt := 0; ; attempt++ {
		u, err := i.people.UpdateUser(ctx, subject, fn)
		if lot.IsCode(err, lot.CodeConflict) && attempt < 4 {
			continue
		}
		return u, err
	}
}

// verifierMatches reports whether verifier is a valid PKCE code verifier
// (RFC 7636 §4.1: 43–128 unreserved characters) whose S256 transform is
// challenge.
func verifierMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 || !unreserved(verifier) {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(challenge)) == 1
}

func unreserved(s string) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}
