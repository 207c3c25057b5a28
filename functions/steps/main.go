// Command steps is one step of a flow (inspection, QC outcome) as a Lambda
// function the state machine invokes directly: the state's input is the
// event, the step's result the answer, its named errors the errorType that
// Retry and Catch match. One binary serves every step; the stack deploys it
// once per step with OPENLOT_STEP naming it. Build it as `bootstrap` with
// -tags lambda.norpc.
package main

import (
	"os"

	"github.com/openlot/openlot/shared/app"
)

func main() {
	app.Start("steps", func(c *app.Cloud) (any, error) { return app.FlowStep(c, os.Getenv(app.EnvStep)) })
}
