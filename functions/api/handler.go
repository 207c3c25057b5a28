package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/gateway"
)

// handler is the API as API Gateway (HTTP API, payload 2.0) calls it
// (shared/gateway), without the Excel workbook writer: the stack routes
// POST /v1/requests/export to functions/export, so this function links no
// excelize, and an XLSX export that reaches it anyway answers unavailable.
func handler(c *awsapp.Cloud) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return gateway.Handler(c, nil)
}
