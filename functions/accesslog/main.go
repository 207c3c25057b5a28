// Command accesslog receives the access-log bucket's object-created events
// and adds the bytes each tagged download URL sent (S3 server access logs)
// to its download, which completes when every byte reached the client.
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
		slog.Error("openlot accesslog cannot start", "err", err)
		os.Exit(1)
	}
	lambda.Start(app.AccessLogs(cloud))
}
