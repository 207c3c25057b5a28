// Package oauth makes openlot its own OAuth2 authorization server for the
// local deployment. Machine clients use the client credentials grant
// (RFC 6749 §4.4); people sign in at a registered public app (the portal,
// `openlot-web`) with the authorization code grant and PKCE S256 (RFC 7636)
// at /oauth2/authorize, and keep signed in with rotating refresh tokens
// (OAuth 2.1). Beside /oauth2/token and the public keys at
// /.well-known/jwks.json it serves the metadata of RFC 8414 and OpenID
// Connect Discovery, revocation (RFC 7009) and sign-out, and verifies the
// ES256 access tokens it signs. On AWS, Cognito and API Gateway take its place.
package oauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
	"golang.org/x/crypto/bcrypt"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/lot"
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

	macKey []byte // signs refresh tokens and sign-in forms; derived from the signing key
	guards *guards
	people lot.Users      // nil until EnableSignIn
	apps   map[string]App // public clients people sign in at
	codes  *codes
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
	d, err := key.Bytes()
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	mac := sha256.Sum256(append([]byte("openlot refresh tokens and sign-in forms\x00"), d...))
	return &Issuer{url: url, priv: priv, public: public, clients: clients, clock: clock, ids: ids, log: log, dummy: dummy,
		macKey: mac[:], guards: newGuards(DefaultLimits), apps: map[string]App{}, codes: newCodes()}, nil
}

// SetLimits replaces the guards against guessing (DefaultLimits until then).
// Call it before serving.
func (i *Issuer) SetLimits(l Limits) { i.guards = newGuards(l) }

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
	return i.sign(auth.Claims(p), []string{Audience}, TokenTTL)
}

// sign signs a JWT with claims for audience aud, valid for ttl from now.
func (i *Issuer) sign(claims map[string]any, aud []string, ttl time.Duration) (string, time.Time, error) {
	now := i.clock.Now().Truncate(time.Second)
	exp := now.Add(ttl)
	b := jwt.NewBuilder().Issuer(i.url).Audience(aud).IssuedAt(now).NotBefore(now).
		Expiration(exp).JwtID(i.ids.NewID())
	for k, v := range claims {
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
func (i *Issuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	i.cors(w, r)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_ = json.NewEncoder(w).Encode(i.public)
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

// HashPassword hashes a person's password for storage (bcrypt; at most 72 bytes).
func HashPassword(password string) ([]byte, error) {
	if len(password) > 72 {
		return nil, lot.Errorf(lot.CodeInvalid, "a password is at most 72 bytes long")
	}
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}
