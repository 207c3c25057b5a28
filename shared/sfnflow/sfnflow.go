// Package sfnflow implements lot.Flows with AWS Step Functions: a flow name
// maps to its state machine (deployed by the CDK app from the same
// description the local runner walks), and an execution name is passed as
// Step Functions' own, so a start repeated with the same input returns the
// running execution and a name reused with other input is left alone.
package sfnflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/openlot/openlot/shared/lot"
)

// Starter is the part of the Step Functions client this adapter uses.
type Starter interface {
	StartExecution(ctx context.Context, in *sfn.StartExecutionInput, opts ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
}

// Flows starts executions of the state machines it knows by flow name.
type Flows struct {
	Client   Starter
	Machines map[string]string // flow name → state machine ARN
}

var _ lot.Flows = Flows{}

// Start starts an execution named name of flow's state machine.
func (f Flows) Start(ctx context.Context, flow, name string, input any) error {
	arn, ok := f.Machines[flow]
	if !ok {
		return fmt.Errorf("no state machine for flow %q", flow)
	}
	b, err := json.Marshal(input)
	if err != nil {
		return err
	}
	_, err = f.Client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Name: aws.String(name), Input: aws.String(string(b))})
	var exists *types.ExecutionAlreadyExists
	if errors.As(err, &exists) {
		return nil // started before (with other input): one execution per name
	}
	if err != nil {
		return fmt.Errorf("start %s of %s: %w", name, flow, err)
	}
	return nil
}

// ParseMachines reads the stack's OPENLOT_STATE_MACHINES value: a JSON
// object of flow name → state machine ARN.
func ParseMachines(s string) (map[string]string, error) {
	out := map[string]string{}
	if s == "" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("state machines: want a JSON object of flow name to ARN: %w", err)
	}
	return out, nil
}
