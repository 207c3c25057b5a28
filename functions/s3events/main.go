// Command s3events receives the file bucket's object-created events and
// completes a delivery whose client uploaded every part but died before
// calling complete. Build it as `bootstrap` with -tags lambda.norpc.
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
		slog.Error("openlot s3events cannot start", "err", err)
		os.Exit(1)
	}
	lambda.Start(app.S3Events(cloud))
}
