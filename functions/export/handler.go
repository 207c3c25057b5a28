package main

import (
	"context"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/export/xlsx"
	"github.com/openlot/openlot/shared/gateway"
)

// handler is the API as API Gateway (HTTP API, payload 2.0) calls it
// (shared/gateway), with the Excel workbook writer. The stack sends it one
// route, POST /v1/requests/export.
func handler(c *awsapp.Cloud) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return gateway.Handler(c, xlsx.Write)
}
