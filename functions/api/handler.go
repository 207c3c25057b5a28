package main

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
	"github.com/openlot/openlot/shared/httpapi"
	"github.com/openlot/openlot/shared/lot"
)

// handler is the API as API Gateway (HTTP API, payload 2.0) calls it: the
// one HTTP handler (shared/httpapi) over the AWS adapters, its callers
// authenticated by the claims the JWT authorizer verified.
func handler(c *awsapp.Cloud) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	h := httpapi.New(httpapi.Config{
		Service: c.Service, Auth: gatewayClaims{}, Keys: c.Store, Clock: lot.SystemClock, Log: c.Log,
		TokenURL: c.Env(awsenv.TokenURL),
	})
	return httpadapter.NewV2(h).ProxyWithContext
}

// gatewayClaims authenticates with the claims API Gateway's JWT authorizer
// verified (Cognito users and machine clients); the token itself is not
// checked again.
type gatewayClaims struct{}

// Authenticate maps the authorizer's claims through auth.FromClaims; a
// request without verified claims is unauthorized.
func (gatewayClaims) Authenticate(_ context.Context, r *http.Request) (lot.Principal, error) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil || len(rc.Authorizer.JWT.Claims) == 0 {
		return lot.Principal{}, lot.Errorf(lot.CodeUnauthorized, "sign in: the request carries no verified token")
	}
	claims := make(map[string]any, len(rc.Authorizer.JWT.Claims)+1)
	for k, v := range rc.Authorizer.JWT.Claims {
		claims[k] = v
	}
	if _, has := claims[auth.ClaimScope]; !has && len(rc.Authorizer.JWT.Scopes) > 0 {
		claims[auth.ClaimScope] = strings.Join(rc.Authorizer.JWT.Scopes, " ")
	}
	return auth.FromClaims(claims)
}
