package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/flow"
)

// handler is the Lambda handler of one flow step: the state's input in,
// its result out. A step's named error (flow.Error) reaches Step Functions
// as the function's errorType, which the state machine's Retry and Catch
// match, as the local runner does. It fails when no flow has the step.
func handler(c *awsapp.Cloud, step string) (func(context.Context, json.RawMessage) (json.RawMessage, error), error) {
	fn, ok := c.Service.Steps()[step]
	if !ok {
		return nil, fmt.Errorf("no flow step %q", step)
	}
	return func(ctx context.Context, in json.RawMessage) (json.RawMessage, error) {
		out, err := fn(ctx, in)
		if err != nil {
			fe := flow.AsError(err)
			c.Log.WarnContext(ctx, "flow step failed", "step", step, "error", fe.Name, "cause", fe.Cause)
			return nil, messages.InvokeResponse_Error{Type: fe.Name, Message: fe.Cause}
		}
		return out, nil
	}, nil
}
