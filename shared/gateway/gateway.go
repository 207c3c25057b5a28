// Package gateway serves openlot's one HTTP API (shared/httpapi) to API
// Gateway (HTTP API, payload format 2.0) in Lambda: the handler over the AWS
// composition (awsapp.Cloud), its callers authenticated by the claims the
// Cognito JWT authorizer verified. functions/api and functions/export are
// this handler, the second with the Excel workbook writer. The same handler
// serves the portal (package web) on the routes the stack sends without the
// authorizer: /, the portal's pages, its assets and /config.json.
package gateway

import (
	"context"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/export"
	"github.com/openlot/openlot/shared/httpapi"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/web"
)

// Handler returns the API as API Gateway calls it: the HTTP handler over c's
// adapters and use cases. workbook writes XLSX exports (xlsx.Write); nil
// answers them unavailable (httpapi.Config.Workbook), so that a function
// which never gets the export route does not link excelize.
func Handler(c *awsapp.Cloud, workbook func(rows []export.Row, columns []string) ([]byte, error)) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	h := httpapi.New(httpapi.Config{
		Service: c.Service, Auth: claims{}, Keys: c.Store, Clock: lot.SystemClock, Log: c.Log,
		TokenURL: c.Env(awsenv.TokenURL), PublicURL: c.Env(awsenv.PublicURL), Workbook: workbook, Web: web.Handler(PortalConfig(c.Env)),
	})
	return httpadapter.NewV2(h).ProxyWithContext
}

// PortalConfig is the portal's /config.json on AWS, from the environment the
// stack sets: people sign in with Cognito (awsenv.WebIssuer) through the web
// app client (awsenv.WebClientID), and the app sends the ID token, the one
// Cognito token that carries custom:partner.
func PortalConfig(env func(string) string) web.Config {
	return web.Config{Issuer: env(awsenv.WebIssuer), ClientID: env(awsenv.WebClientID),
		Scope: "openid email profile", Bearer: web.BearerIDToken}
}

// claims authenticates with the claims API Gateway's JWT authorizer
// verified (Cognito users and machine clients); the token itself is not
// checked again.
type claims struct{}

// Authenticate maps the authorizer's claims through auth.FromClaims; a
// request without verified claims is unauthorized.
func (claims) Authenticate(_ context.Context, r *http.Request) (lot.Principal, error) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil || len(rc.Authorizer.JWT.Claims) == 0 {
		return lot.Principal{}, lot.Errorf(lot.CodeUnauthorized, "sign in: the request carries no verified token")
	}
	verified := make(map[string]any, len(rc.Authorizer.JWT.Claims)+1)
	for k, v := range rc.Authorizer.JWT.Claims {
		verified[k] = v
	}
	if _, has := verified[auth.ClaimScope]; !has && len(rc.Authorizer.JWT.Scopes) > 0 {
		verified[auth.ClaimScope] = strings.Join(rc.Authorizer.JWT.Scopes, " ")
	}
	return auth.FromClaims(verified)
}
