package app_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"

	"golang.org/x/oauth2"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/oauth"
)

func TestAPersonSignsInAtTheLocalServerAndCallsTheAPI(t *testing.T) {
	// Ensures the local composition mounts the sign-in routes beside the API: a demo person signs in through the
	// real PKCE flow at <URL>/auth/callback, the API accepts the access token, and calling the API keeps the password.
	l := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Log: slog.New(slog.DiscardHandler), DigestEvery: -1})
	ctx := context.Background()
	if err := l.Open(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ana := demo.People[0]
	if err := l.Store.PutPartner(ctx, &lot.Partner{ID: ana.Partner, Name: "Juniper Post", Kind: lot.PartnerFulfillment}); err != nil {
		t.Fatal(err)
	}
	hash, err := oauth.HashPassword(ana.Password())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Store.AddUser(ctx, &lot.User{Subject: "0190f0f0-0000-7000-8000-0000000000a1", Name: ana.Name, Email: ana.Email,
		Role: ana.Role, Partner: ana.Partner, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(l.URL + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("discovery: status %d", resp.StatusCode)
	}

	cfg := &oauth2.Config{ClientID: oauth.WebAppID, RedirectURL: l.URL + "/auth/callback", Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: l.URL + oauth.PathAuthorize, TokenURL: l.URL + oauth.PathToken, AuthStyle: oauth2.AuthStyleInParams}}
	verifier := oauth2.GenerateVerifier()
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = b.Get(cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := url.Values{"email": {ana.Email}, "password": {ana.Password()}}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(string(page), -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	resp, err = b.PostForm(l.URL+oauth.PathAuthorize, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := cfg.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	req, _ := http.NewRequest("GET", l.URL+"/v1/requests?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the API answered the person's token with %d", resp.StatusCode)
	}
	u, err := l.Store.UserByEmail(ctx, ana.Email)
	if err != nil {
		t.Fatal(err)
	}
	if !u.SignsInHere() {
		t.Error("calling the API wiped the person's password")
	}
}
