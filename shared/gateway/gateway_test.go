package gateway_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"io"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/gateway"
	"github.com/openlot/openlot/web"
)

func TestPortalConfigFromTheStack(t *testing.T) {
	// Ensures the portal signs in with the issuer and web client the stack sets, and sends ID tokens.
	env := map[string]string{awsenv.WebIssuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", awsenv.WebClientID: "5abc"}
	c := gateway.PortalConfig(func(k string) string { return env[k] })
	if c.Issuer != env[awsenv.WebIssuer] {
		t.Errorf("issuer %q", c.Issuer)
	}
	if c.ClientID != "5abc" {
		t.Errorf("client ID %q", c.ClientID)
	}
	if c.Bearer != web.BearerIDToken {
		t.Errorf("bearer %q, want id_token (Cognito puts custom:partner only there)", c.Bearer)
	}
	if !strings.Contains(" "+c.Scope+" ", " openid ") {
		t.Errorf("scope %q lacks openid", c.Scope)
	}
}

func TestPortalThroughTheLambdaAdapter(t *testing.T) {
	// Ensures a gzipped asset survives API Gateway's payload 2.0 (base64) and index.html arrives as text.
	js := strings.Repeat("export const a = 1;\n", 300)
	h := httpadapter.NewV2(web.Serve(fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>openlot</title>")},
		"assets/index-A1.js": {Data: []byte(js)},
	}, web.Config{}))
	res, err := h.ProxyWithContext(context.Background(), events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: "/assets/index-A1.js", Headers: map[string]string{"accept-encoding": "gzip, deflate, br"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/assets/index-A1.js"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	if got := res.Headers["Content-Encoding"]; got != "gzip" {
		t.Fatalf("Content-Encoding %q", got)
	}
	if !res.IsBase64Encoded {
		t.Fatal("a gzipped body is not base64-encoded for API Gateway")
	}
	raw, err := base64.StdEncoding.DecodeString(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != js {
		t.Error("the asset does not decode to its bytes")
	}
	res, err = h.ProxyWithContext(context.Background(), events.APIGatewayV2HTTPRequest{
		Version: "2.0", RawPath: "/requests/abc",
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/requests/abc"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.Contains(res.Body, "<title>openlot</title>") {
		t.Errorf("GET /requests/abc: %d %q", res.StatusCode, res.Body)
	}
}
