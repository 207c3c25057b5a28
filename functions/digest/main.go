// Command digest runs once a day (an EventBridge schedule) and mails each
// fulfillment-partner user the requests that turned Critical or At Risk.
// Build it as `bootstrap` with -tags lambda.norpc.
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
		slog.Error("openlot digest cannot start", "err", err)
		os.Exit(1)
	}
	lambda.Start(app.Digest(cloud))
}
