package oauth

import (
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// TokenResponse is the successful answer of the token endpoint (RFC 6749
// §5.1), with OpenID Connect's id_token when the openid scope was granted.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
}

// tokenError is the error answer (RFC 6749 §5.2), with openlot's code/message too.
type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Code        string `json:"code"`
	Message     string `json:"message"`
}

// Token serves the token endpoint: the client credentials grant and, once
// EnableSignIn was called, the authorization code and refresh token grants.
func (i *Issuer) Token() http.Handler { return http.HandlerFunc(i.serveToken) }

// tokenFail answers an error of the token endpoint: RFC 6749's error and
// error_description, openlot's code and message beside them, and the
// code's status from the one table (RFC 6749's: 400; 401 for
// invalid_client; 500 for server_error).
func tokenFail(w http.ResponseWriter, code, msg string) {
	if code == problem.CodeInvalidClient {
		w.Header().Set("WWW-Authenticate", `Basic realm="openlot"`)
	}
	problem.WriteBody(w, code, tokenError{code, msg, code, msg})
}

// tokenThrottled answers a caller over its rate or waiting too long for a
// password check: RFC 6749 has no error for either, so the error is
// openlot's code (429 rate_limited, 503 unavailable), with Retry-After.
func tokenThrottled(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Retry-After", map[string]string{lot.CodeRateLimited: "1", lot.CodeUnavailable: "3"}[code])
	problem.WriteBody(w, code, tokenError{code, msg, code, msg})
}

const (
	msgTooMany = "too many attempts from this address or for this client; slow down and retry in a second"
	msgBusy    = "the server is busy checking other credentials; retry in a few seconds"
)

// serveToken checks what every grant shares (POST, a form) and hands the
// request to its grant.
func (i *Issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	i.cors(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if r.Method != http.MethodPost {
		// RFC 6749 has no error for a wrong method: its error is
		// invalid_request, openlot's code method_not_allowed (405).
		w.Header().Set("Allow", http.MethodPost)
		problem.WriteBody(w, problem.CodeMethodNotAllowed, tokenError{problem.CodeInvalidRequest, "use POST", problem.CodeMethodNotAllowed, "use POST"})
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
	switch gt := r.PostForm.Get("grant_type"); {
	case gt == "":
		tokenFail(w, problem.CodeInvalidRequest, "grant_type is required")
	case gt == "client_credentials":
		i.clientCredentials(w, r)
	case (gt == "authorization_code" || gt == "refresh_token") && i.people != nil:
		i.personGrant(w, r, gt)
	case i.people != nil:
		tokenFail(w, problem.CodeUnsupportedGrantType, "the grants supported are client_credentials, authorization_code and refresh_token")
	default:
		tokenFail(w, problem.CodeUnsupportedGrantType, "only the client_credentials grant is supported")
	}
}

// clientCredentials issues an access token to a client that proves its ID
// and secret, by Basic auth or in the form, with the scopes its principal
// has. A caller over its rate, or a client locked after
// lot.MaxFailedSignIns wrong secrets, is refused before any secret is hashed.
func (i *Issuer) clientCredentials(w http.ResponseWriter, r *http.Request) {
	form := r.PostForm
	id, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 §2.3.1: Basic credentials are form-urlencoded first.
		var err1, err2 error
		id, err1 = url.QueryUnescape(id)
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil || form.Has("client_secret") {
			tokenFail(w, problem.CodeInvalidRequest, "send client credentials once, by Basic auth or in the form")
			return
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
	}
	if id == "" || secret == "" {
		tokenFail(w, problem.CodeInvalidClient, "client_id and client_secret are required")
		return
	}
	if !i.guards.allow(r, id) {
		tokenThrottled(w, lot.CodeRateLimited, msgTooMany)
		return
	}
	now := i.clock.Now()
	if i.guards.lockedOut(clientKey(id), now) {
		tokenFail(w, problem.CodeInvalidClient, fmt.Sprintf("too many wrong secrets for this client: it is locked for %d minutes after the last one; try again later", lockoutMinutes))
		return
	}
	c, err := i.clients.GetClient(r.Context(), id)
	if err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		i.log.ErrorContext(r.Context(), "token: client lookup", "err", err)
		tokenFail(w, problem.CodeServerError, "Internal error.")
		return
	}
	hash := i.dummy // unknown clients cost the same, so timing does not tell
	if err == nil {
		hash = c.SecretHash
	}
	var match bool
	if !i.guards.hash(r.Context(), func() { match = bcrypt.CompareHashAndPassword(hash, []byte(secret)) == nil }) {
		tokenThrottled(w, lot.CodeUnavailable, msgBusy)
		return
	}
	if err != nil || !match {
		locked := i.guards.failed(clientKey(id), now)
		i.log.WarnContext(r.Context(), "token: wrong client credentials", "client", id, "addr", remoteAddr(r), "locked", locked)
		tokenFail(w, problem.CodeInvalidClient, "unknown client or wrong secret")
		return
	}
	i.guards.succeeded(clientKey(id))
	p := lot.Principal{Subject: c.ID, Name: c.Name, Role: c.Role, Partner: c.Partner, Permissions: c.Permissions, Email: c.Email}
	granted, msg := grantScope(p, strings.Fields(form.Get("scope")))
	if msg != "" {
		tokenFail(w, problem.CodeInvalidScope, msg)
		return
	}
	// The token carries exactly the scope granted: FromClaims takes the
	// permissions and the read-only limit from it, as it does for Cognito's.
	claims := auth.Claims(p)
	claims[auth.ClaimScope] = strings.Join(granted, " ")
	tok, exp, err := i.sign(claims, []string{Audience}, TokenTTL)
	if err != nil {
		i.log.ErrorContext(r.Context(), "token: sign", "err", err)
		tokenFail(w, problem.CodeServerError, "Internal error.")
		return
	}
	i.log.InfoContext(r.Context(), "token issued", "client", c.ID, "role", c.Role, "partner", c.Partner, "scope", claims[auth.ClaimScope])
	i.writeTokens(w, TokenResponse{AccessToken: tok, Scope: strings.Join(granted, " ")}, exp)
}

// grantScope returns the scope a client acting as p is granted when it asks
// for want (RFC 6749 §3.3): everything it may have when it asks for nothing,
// else exactly what it asked for, never more. It refuses (a message for
// invalid_scope) a scope the client may not have, and a scope that does not
// name the role and, for FP and CP clients, the partner the token acts for:
// a Cognito token without them would name no one.
func grantScope(p lot.Principal, want []string) ([]string, string) {
	may := auth.ScopesOf(p)
	if len(want) == 0 {
		return may, ""
	}
	var granted []string
	for _, s := range want {
		if !slices.Contains(may, s) {
			return nil, fmt.Sprintf("scope %q is not granted to this client; it may ask for %s", s, strings.Join(may, " "))
		}
		if !slices.Contains(granted, s) {
			granted = append(granted, s)
		}
	}
	need := []string{auth.RoleScope(p.Role)}
	if p.Partner != "" {
		need = append(need, auth.PartnerScope(p.Partner))
	}
	for _, s := range need {
		if !slices.Contains(granted, s) {
			return nil, fmt.Sprintf("the scope must name whom the token acts for: add %s", s)
		}
	}
	return granted, ""
}

// writeTokens answers a successful grant.
func (i *Issuer) writeTokens(w http.ResponseWriter, t TokenResponse, exp time.Time) {
	t.TokenType = "Bearer"
	t.ExpiresIn = int(math.Ceil(exp.Sub(i.clock.Now()).Seconds()))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(t)
}
