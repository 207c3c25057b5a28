package oauth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/oauth"
	"github.com/openlot/openlot/shared/problem"
)

type clock struct{ t time.Time }

func (c clock) Now() time.Time { return c.t }

// clients holds clients in memory; a client named "broken" fails to load.
type clients map[string]*lot.Client

func (c clients) PutClient(_ context.Context, cl *lot.Client) error { c[cl.ID] = cl; return nil }

func (c clients) GetClient(_ context.Context, id string) (*lot.Client, error) {
	if id == "broken" {
		return nil, context.DeadlineExceeded
	}
	if cl, ok := c[id]; ok {
		return cl, nil
	}
	return nil, lot.Errorf(lot.CodeNotFound, "no such client")
}

func mustIssuer(t *testing.T) *oauth.Issuer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := oauth.HashSecret("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	cs := clients{"fp-juniper": {ID: "fp-juniper", SecretHash: hash, Role: lot.RoleFP, Partner: "juniper"}}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	i, err := oauth.New("http://openlot.test", key, cs, clock{now}, ids.NewSeeded(1, now), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestTokenErrors(t *testing.T) {
	// Ensures each refusal of the token endpoint answers RFC 6749's error with openlot's code beside it and the code's status from the one table.
	h := mustIssuer(t).Token()
	form := "application/x-www-form-urlencoded"
	cc := url.Values{"grant_type": {"client_credentials"}}
	for _, c := range []struct {
		name, method, contentType string
		form                      url.Values
		user, pass                string
		status                    int
		rfcError, code            string
	}{
		{"wrong method", "GET", "", nil, "", "", 405, "invalid_request", "method_not_allowed"},
		{"not a form", "POST", "application/json", cc, "fp-juniper", "s3cret", 400, "invalid_request", "invalid_request"},
		{"no grant type", "POST", form, url.Values{}, "fp-juniper", "s3cret", 400, "invalid_request", "invalid_request"},
		{"other grant", "POST", form, url.Values{"grant_type": {"password"}}, "fp-juniper", "s3cret", 400, "unsupported_grant_type", "unsupported_grant_type"},
		{"no credentials", "POST", form, cc, "", "", 401, "invalid_client", "invalid_client"},
		{"wrong secret", "POST", form, cc, "fp-juniper", "wrong", 401, "invalid_client", "invalid_client"},
		{"scope not granted", "POST", form, url.Values{"grant_type": {"client_credentials"}, "scope": {"openlot/cancel"}}, "fp-juniper", "s3cret", 400, "invalid_scope", "invalid_scope"},
		{"store fails", "POST", form, cc, "broken", "x", 500, "server_error", "server_error"},
	} {
		req := httptest.NewRequest(c.method, "/oauth2/token", strings.NewReader(c.form.Encode()))
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		if c.user != "" {
			req.SetBasicAuth(c.user, c.pass)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var got struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
			Code        string `json:"code"`
			Message     string `json:"message"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Errorf("%s: body is not JSON: %s", c.name, rec.Body)
			continue
		}
		if rec.Code != c.status {
			t.Errorf("%s: status %d, want %d", c.name, rec.Code, c.status)
		}
		if got.Error != c.rfcError {
			t.Errorf("%s: error %q, want %q", c.name, got.Error, c.rfcError)
		}
		if got.Code != c.code {
			t.Errorf("%s: code %q, want %q", c.name, got.Code, c.code)
		}
		if want := problem.Status(got.Code); rec.Code != want {
			t.Errorf("%s: status %d is not the status of %q, %d", c.name, rec.Code, got.Code, want)
		}
		if got.Description == "" {
			t.Errorf("%s: no error_description", c.name)
		}
		if got.Message != got.Description {
			t.Errorf("%s: message %q differs from error_description %q", c.name, got.Message, got.Description)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", c.name, cc)
		}
	}
}

func TestTokenIssued(t *testing.T) {
	// Ensures a client with the right secret gets a bearer token the issuer verifies.
	i := mustIssuer(t)
	req := httptest.NewRequest("POST", "/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("fp-juniper", "s3cret")
	rec := httptest.NewRecorder()
	i.Token().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var tok oauth.TokenResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" {
		t.Errorf("token type %q", tok.TokenType)
	}
	if _, err := i.Verify(tok.AccessToken); err != nil {
		t.Errorf("the token does not verify: %v", err)
	}
}
