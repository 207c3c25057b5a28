// Package oauth makes openlot its own OAuth2 issuer for the local deployment:
// the client credentials grant (RFC 6749 §4.4) at /oauth2/token, the public
// keys at /.well-known/jwks.json, and verification of the ES256 tokens it
// signs. On AWS, Cognito and API Gateway take its place.
package oauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
	"golang.org/x/crypto/bcrypt"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// TokenTTL is how long an access token is valid.
const TokenTTL = time.Hour

// Audience is the aud claim of openlot tokens.
const Audience = "openlot"

// Issuer signs and verifies openlot's own access tokens.
type Issuer struct {
	url     string
	priv    jwk.Key
	public  jwk.Set
	clients lot.Clients
	clock   lot.Clock
	ids     lot.IDs
	log     *slog.Logger
	dummy   []byte // bcrypt hash compared against for unknown clients, so timing does not tell
}

// New returns an issuer named url (the iss claim) signing with key.
func New(url string, key *ecdsa.PrivateKey, clients lot.Clients, clock lot.Clock, ids lot.IDs, log *slog.Logger) (*Issuer, error) {
	priv, err := jwk.Import(key)
	if err != nil {
		return nil, fmt.Errorf("import signing key: %w", err)
	}
	if err := jwk.AssignKeyID(priv); err != nil {
		return nil, err
	}
	if err := priv.Set(jwk.AlgorithmKey, jwa.ES256()); err != nil {
		return nil, err
	}
	if err := priv.Set(jwk.KeyUsageKey, "sig"); err != nil {
		return nil, err
	}
	set := jwk.NewSet()
	if err := set.AddKey(priv); err != nil {
		return nil, err
	}
	public, err := jwk.PublicSetOf(set)
	if err != nil {
		return nil, err
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("not-a-secret"), bcrypt.DefaultCost)
	return &Issuer{url: url, priv: priv, public: public, clients: clients, clock: clock, ids: ids, log: log, dummy: dummy}, nil
}

// LoadOrCreateKey reads the ES256 signing key from path, creating it (0600)
// on first use, so tokens stay valid across restarts.
func LoadOrCreateKey(path string) (*ecdsa.PrivateKey, error) {
	if b, err := os.ReadFile(path); err == nil {
		block, _ := pem.Decode(b)
		if block == nil {
			return nil, fmt.Errorf("%s holds no PEM key", path)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", path, err)
		}
		ec, ok := k.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%s is not an ECDSA key", path)
		}
		return ec, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	return k, os.Rename(tmp, path)
}

// HashSecret hashes a client secret for storage.
func HashSecret(secret string) ([]byte, error) {
	return bcrypt.GenerateFromPassword([]byte(secret), bcrypt.DefaultCost)
}

// Issue signs an access token for principal p, valid for TokenTTL.
func (i *Issuer) Issue(p lot.Principal) (string, time.Time, error) {
	now := i.clock.Now().Truncate(time.Second)
	exp := now.Add(TokenTTL)
	b := jwt.NewBuilder().Issuer(i.url).Audience([]string{Audience}).IssuedAt(now).NotBefore(now).
		Expiration(exp).JwtID(i.ids.NewID())
	for k, v := range auth.Claims(p) {
		b = b.Claim(k, v)
	}
	tok, err := b.Build()
	if err != nil {
		return "", time.Time{}, err
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.ES256(), i.priv))
	if err != nil {
		return "", time.Time{}, err
	}
	return string(signed), exp, nil
}

// Verify checks the signature, issuer, audience and lifetime of a token and
// returns its claims. It fails with unauthorized, saying whether the token is
// expired or simply not valid.
func (i *Issuer) Verify(token string) (map[string]any, error) {
	tok, err := jwt.ParseString(token, jwt.WithKeySet(i.public), jwt.WithValidate(true),
		jwt.WithIssuer(i.url), jwt.WithAudience(Audience),
		jwt.WithClock(jwt.ClockFunc(i.clock.Now)), jwt.WithAcceptableSkew(30*time.Second))
	if err != nil {
		if errors.Is(err, jwt.TokenExpiredError()) {
			return nil, lot.Errorf(lot.CodeUnauthorized, "the access token has expired; get a new one at /oauth2/token")
		}
		return nil, lot.Errorf(lot.CodeUnauthorized, "the access token is not valid")
	}
	claims := make(map[string]any, len(tok.Keys()))
	for _, k := range tok.Keys() {
		var v any
		if err := tok.Get(k, &v); err == nil {
			claims[k] = v
		}
	}
	return claims, nil
}

// JWKS serves the public signing keys.
func (i *Issuer) JWKS() http.Handler { return http.HandlerFunc(i.serveJWKS) }

// serveJWKS answers the public signing keys as a JWK set.
func (i *Issuer) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_ = json.NewEncoder(w).Encode(i.public)
}

// TokenResponse is the successful answer of the token endpoint (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope,omitempty"`
}

// tokenError is the error answer (RFC 6749 §5.2), with openlot's code/message too.
type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Code        string `json:"code"`
	Message     string `json:"message"`
}

// Token serves the client credentials grant.
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

// serveToken issues an access token to a client that proves its ID and
// secret, by Basic auth or in the form, with the scopes its principal has.
func (i *Issuer) serveToken(w http.ResponseWriter, r *http.Request) {
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
	form := r.PostForm
	if gt := form.Get("grant_type"); gt != "client_credentials" {
		if gt == "" {
			tokenFail(w, problem.CodeInvalidRequest, "grant_type is required")
		} else {
			tokenFail(w, problem.CodeUnsupportedGrantType, "only the client_credentials grant is supported")
		}
		return
	}
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
	c, err := i.clients.GetClient(r.Context(), id)
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(i.dummy, []byte(secret))
		if !lot.IsCode(err, lot.CodeNotFound) {
			i.log.ErrorContext(r.Context(), "token: client lookup", "err", err)
			tokenFail(w, problem.CodeServerError, "Internal error.")
			return
		}
		tokenFail(w, problem.CodeInvalidClient, "unknown client or wrong secret")
		return
	}
	if bcrypt.CompareHashAndPassword(c.SecretHash, []byte(secret)) != nil {
		tokenFail(w, problem.CodeInvalidClient, "unknown client or wrong secret")
		return
	}
	p := lot.Principal{Subject: c.ID, Name: c.Name, Role: c.Role, Partner: c.Partner, Permissions: c.Permissions, Email: c.Email}
	granted := grantedScopes(p)
	if want := strings.Fields(form.Get("scope")); len(want) > 0 {
		for _, s := range want {
			if !slices.Contains(granted, s) {
				tokenFail(w, problem.CodeInvalidScope, fmt.Sprintf("scope %q is not granted to this client", s))
				return
			}
		}
	}
	tok, exp, err := i.Issue(p)
	if err != nil {
		i.log.ErrorContext(r.Context(), "token: sign", "err", err)
		tokenFail(w, problem.CodeServerError, "Internal error.")
		return
	}
	i.log.InfoContext(r.Context(), "token issued", "client", c.ID, "role", c.Role, "partner", c.Partner)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	_ = json.NewEncoder(w).Encode(TokenResponse{AccessToken: tok, TokenType: "Bearer",
		ExpiresIn: int(math.Ceil(exp.Sub(i.clock.Now()).Seconds())), Scope: strings.Join(granted, " ")})
}

func grantedScopes(p lot.Principal) []string {
	out := []string{auth.ScopePrefix + "role." + strings.ToLower(string(p.Role))}
	if p.Partner != "" {
		out = append(out, auth.ScopePrefix+"partner."+p.Partner)
	}
	for _, perm := range p.Permissions {
		out = append(out, auth.ScopePrefix+string(perm))
	}
	return out
}

// Bearer returns the token of an "Authorization: Bearer ..." header, or "".
func Bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Authenticator verifies bearer tokens of this issuer.
type Authenticator struct{ Issuer *Issuer }

// Authenticate returns the principal of the request's bearer token, or an
// unauthorized error.
func (a Authenticator) Authenticate(_ context.Context, r *http.Request) (lot.Principal, error) {
	tok := Bearer(r)
	if tok == "" {
		return lot.Principal{}, lot.Errorf(lot.CodeUnauthorized, "send an access token: Authorization: Bearer <token> (get one at /oauth2/token)")
	}
	claims, err := a.Issuer.Verify(tok)
	if err != nil {
		return lot.Principal{}, err
	}
	return auth.FromClaims(claims)
}
