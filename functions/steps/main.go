// Command steps is one step of a flow (inspection, QC outcome) as a Lambda
// function the state machine invokes directly: the state's input is the
// event, the step's result the answer, its named errors the errorType that
// Retry and Catch match. One binary serves every step; the stack deploys it
// once per step with OPENLOT_STEP naming it. Build it as `bootstrap` with
// -tags lambda.norpc.
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
		slog.Error("openlot step cannot start", "err", err)
		os.Exit(1)
	}
	h, err := app.FlowStep(cloud, os.Getenv(app.EnvStep))
	if err != nil {
		slog.Error("openlot step cannot start", "err", err)
		os.Exit(1)
	}
	lambda.Start(h)
}
