// Command api is the openlot HTTP API as a Lambda function behind API Gateway
// (HTTP API, payload 2.0, Cognito JWT authorizer). Build it as `bootstrap`
// with -tags lambda.norpc for the provided.al2023 runtime.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openlot/openlot/shared/app"
)

func main() {
	cloud, err := app.AWS(context.Background(), os.Getenv)
	if err != nil {
		slog.Error("openlot api cannot start", "err", err)
		os.Exit(1)
	}
	lambda.Start(app.APIGateway(cloud.Handler))
}
