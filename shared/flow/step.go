package flow

import (
	"context"
	"encoding/json"
	"fmt"
)

// StepFunc is a step's code as flows call it: the state's input in, its
// result out, both JSON.
type StepFunc func(ctx context.Context, input json.RawMessage) (json.RawMessage, error)

// Steps binds step names to their code.
type Steps map[string]StepFunc

// Names is the set of step names, for Validate.
func (s Steps) Names() map[string]bool {
	out := map[string]bool{}
	for n := range s {
		out[n] = true
	}
	return out
}

// Invoke runs the step named by a Task; an unknown name fails the task.
func (s Steps) Invoke(ctx context.Context, step string, input json.RawMessage) (json.RawMessage, error) {
	fn, ok := s[step]
	if !ok {
		return nil, &Error{Name: "States.Runtime", Cause: fmt.Sprintf("no step %q", step)}
	}
	return fn(ctx, input)
}

// ErrBadInput names a step's refusal of input it cannot read.
const ErrBadInput = "openlot.BadInput"

// Typed writes a step once as func(ctx, In) (Out, error): its input is the
// state's input decoded into In, its result Out encoded.
func Typed[In, Out any](fn func(context.Context, In) (Out, error)) StepFunc {
	return func(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
		var in In
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &in); err != nil {
				return nil, &Error{Name: ErrBadInput, Cause: err.Error()}
			}
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		return json.Marshal(out)
	}
}
