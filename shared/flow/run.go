package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// Error is a failure as flows see it: Name is what Retry and Catch match
// (on AWS, the Lambda function's errorType), Cause a message for people.
type Error struct {
	Name  string `json:"Error"`
	Cause string `json:"Cause"`
}

func (e *Error) Error() string { return e.Name + ": " + e.Cause }

// AsError gives any error a name: a flow Error keeps its own, anything
// else is a task failure.
func AsError(err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return &Error{Name: "Error", Cause: err.Error()}
}

// Invoke runs a Task's step with the state's input and returns its result.
type Invoke func(ctx context.Context, step string, input json.RawMessage) (json.RawMessage, error)

// Position is where an execution stands between two states: everything a
// durable runner keeps to go on after a restart.
type Position struct {
	State   string          `json:"state"`
	Input   json.RawMessage `json:"input"`             // the state's raw input
	Retries []int           `json:"retries,omitempty"` // attempts used, per retrier of the state
}

// Outcome is what one state did: the execution goes on at Next (after
// Delay), or ended with Output, or failed with Err.
type Outcome struct {
	Next   *Position
	Delay  time.Duration
	Output json.RawMessage
	Err    *Error
}

// Start is the position of a new execution with input.
func (d Definition) Start(input json.RawMessage) Position {
	return Position{State: d.StartAt, Input: input}
}

// Advance runs the state at pos once. Steps are idempotent, so running a
// state again after a crash (pos not yet moved on) is safe.
func (d Definition) Advance(ctx context.Context, pos Position, invoke Invoke) Outcome {
	s, ok := d.state(pos.State)
	if !ok {
		return Outcome{Err: &Error{Name: "States.Runtime", Cause: fmt.Sprintf("no state %q", pos.State)}}
	}
	var raw any
	if len(pos.Input) > 0 {
		if err := json.Unmarshal(pos.Input, &raw); err != nil {
			return Outcome{Err: &Error{Name: "States.Runtime", Cause: "the state's input is not JSON"}}
		}
	}
	in, err := get(raw, s.InputPath)
	if err != nil {
		return Outcome{Err: AsError(err)}
	}
	var result any
	next := s.Next
	switch s.Kind {
	case Succeed:
		return finish(in, s.OutputPath)
	case Fail:
		return Outcome{Err: &Error{Name: s.Error, Cause: s.Cause}}
	case Pass:
		result = in
		if s.Result != nil {
			result = s.Result
		}
	case Choice:
		next = s.Default
		for _, r := range s.Choices {
			match, err := r.matches(in)
			if err != nil {
				return Outcome{Err: AsError(err)}
			}
			if match {
				next = r.Next
				break
			}
		}
		if next == "" {
			return Outcome{Err: &Error{Name: "States.NoChoiceMatched", Cause: fmt.Sprintf("no rule of %q matched and it has no Default", s.Name)}}
		}
		out, err := get(in, s.OutputPath)
		if err != nil {
			return Outcome{Err: AsError(err)}
		}
		return goOn(next, out, 0)
	case Wait:
		secs := float64(s.Seconds)
		if s.SecondsPath != "" {
			v, err := get(in, s.SecondsPath)
			n, isNum := v.(float64)
			if err != nil || !isNum || n < 0 {
				return Outcome{Err: &Error{Name: "States.Runtime", Cause: fmt.Sprintf("%s is not a number of seconds", s.SecondsPath)}}
			}
			secs = n
		}
		out, err := get(in, s.OutputPath)
		if err != nil {
			return Outcome{Err: AsError(err)}
		}
		return goOn(next, out, time.Duration(secs*float64(time.Second)))
	case Task, Parallel, Map:
		result, err = d.work(ctx, s, in, invoke)
		if err != nil {
			return d.failed(s, pos, raw, AsError(err))
		}
	}
	combined, err := put(raw, s.ResultPath, result)
	if err != nil {
		return Outcome{Err: AsError(err)}
	}
	out, err := get(combined, s.OutputPath)
	if err != nil {
		return Outcome{Err: AsError(err)}
	}
	if s.End {
		return finish(out, "")
	}
	return goOn(next, out, 0)
}

func finish(v any, outputPath string) Outcome {
	out, err := get(v, outputPath)
	if err != nil {
		return Outcome{Err: AsError(err)}
	}
	b, _ := json.Marshal(out)
	return Outcome{Output: b}
}

func goOn(state string, v any, delay time.Duration) Outcome {
	b, _ := json.Marshal(v)
	return Outcome{Next: &Position{State: state, Input: b}, Delay: delay}
}

// work runs a Task, Parallel or Map state's work and returns its result.
func (d Definition) work(ctx context.Context, s State, in any, invoke Invoke) (any, error) {
	switch s.Kind {
	case Task:
		b, _ := json.Marshal(in)
		if s.TimeoutSeconds > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, time.Duration(s.TimeoutSeconds)*time.Second)
			defer cancel()
		}
		out, err := invoke(ctx, s.Step, b)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return nil, &Error{Name: ErrTimeout, Cause: fmt.Sprintf("step %s ran out of time", s.Step)}
		}
		if err != nil {
			return nil, err
		}
		var v any
		if len(out) > 0 {
			if err := json.Unmarshal(out, &v); err != nil {
				return nil, &Error{Name: "States.Runtime", Cause: fmt.Sprintf("step %s answered something that is not JSON", s.Step)}
			}
		}
		return v, nil
	case Parallel:
		return runAll(ctx, len(s.Branches), 0, func(ctx context.Context, i int) (any, error) {
			return s.Branches[i].Run(ctx, in, invoke)
		})
	default: // Map
		items, err := get(in, s.ItemsPath)
		if err != nil {
			return nil, err
		}
		list, ok := items.([]any)
		if !ok {
			return nil, &Error{Name: "States.Runtime", Cause: fmt.Sprintf("Map %q: the items are not an array", s.Name)}
		}
		return runAll(ctx, len(list), s.MaxConcurrency, func(ctx context.Context, i int) (any, error) {
			return s.Iterator.Run(ctx, list[i], invoke)
		})
	}
}

// runAll runs n branches, at most limit at once (0: all), and returns their
// results in order, or the first error in order.
func runAll(ctx context.Context, n, limit int, fn func(context.Context, int) (any, error)) (any, error) {
	if limit <= 0 {
		limit = max(n, 1)
	}
	results := make([]any, n)
	errs := make([]error, n)
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i], errs[i] = fn(ctx, i)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// failed applies the state's Retry, then its Catch, to an error.
func (d Definition) failed(s State, pos Position, raw any, e *Error) Outcome {
	matches := func(names []string) bool {
		for _, n := range names {
			if n == e.Name || n == ErrAll || n == ErrTaskFailed && s.Kind == Task && e.Name != ErrTimeout {
				return true
			}
		}
		return false
	}
	for i, r := range s.Retry {
		if !matches(r.ErrorEquals) {
			continue
		}
		r = r.withDefaults()
		retries := make([]int, len(s.Retry))
		copy(retries, pos.Retries)
		if retries[i] >= r.MaxAttempts {
			break // the first matching retrier decides; it is spent
		}
		delay := time.Duration(float64(r.IntervalSeconds) * math.Pow(r.BackoffRate, float64(retries[i])) * float64(time.Second))
		retries[i]++
		return Outcome{Next: &Position{State: s.Name, Input: pos.Input, Retries: retries}, Delay: delay}
	}
	for _, c := range s.Catch {
		if !matches(c.ErrorEquals) {
			continue
		}
		out, err := put(raw, c.ResultPath, map[string]any{"Error": e.Name, "Cause": e.Cause})
		if err != nil {
			return Outcome{Err: AsError(err)}
		}
		return goOn(c.Next, out, 0)
	}
	return Outcome{Err: e}
}

type delaysKey struct{}

// WithDelays makes Run (the branches of Parallel and Map states) wait
// scale(d) where a Wait state or a retry asks for d: runners pass their
// own pace down to the branches they run.
func WithDelays(ctx context.Context, scale func(time.Duration) time.Duration) context.Context {
	return context.WithValue(ctx, delaysKey{}, scale)
}

// WithoutDelays makes Run go through Wait states and retry intervals at
// once: for tests.
func WithoutDelays(ctx context.Context) context.Context {
	return WithDelays(ctx, func(time.Duration) time.Duration { return 0 })
}

func delay(ctx context.Context, d time.Duration) time.Duration {
	if scale, ok := ctx.Value(delaysKey{}).(func(time.Duration) time.Duration); ok {
		return scale(d)
	}
	return d
}

// Run runs a whole definition in memory (Parallel branches, Map
// iterations, tests): no durability, delays slept through.
func (d Definition) Run(ctx context.Context, input any, invoke Invoke) (any, error) {
	b, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	pos := d.Start(b)
	for {
		o := d.Advance(ctx, pos, invoke)
		if d := delay(ctx, o.Delay); d > 0 {
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		switch {
		case o.Err != nil:
			return nil, o.Err
		case o.Next == nil:
			var v any
			err := json.Unmarshal(o.Output, &v)
			return v, err
		}
		pos = *o.Next
	}
}

func (r Rule) matches(in any) (bool, error) {
	switch {
	case len(r.And) > 0:
		for _, x := range r.And {
			if ok, err := x.matches(in); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case len(r.Or) > 0:
		for _, x := range r.Or {
			if ok, err := x.matches(in); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case r.Not != nil:
		ok, err := r.Not.matches(in)
		return !ok, err
	}
	v, err := get(in, r.Variable)
	if r.IsPresent != nil {
		return (err == nil) == *r.IsPresent, nil
	}
	if err != nil {
		return false, err
	}
	switch {
	case r.StringEquals != nil:
		s, ok := v.(string)
		return ok && s == *r.StringEquals, nil
	case r.BooleanEquals != nil:
		b, ok := v.(bool)
		return ok && b == *r.BooleanEquals, nil
	}
	n, ok := v.(float64)
	switch {
	case !ok:
		return false, nil
	case r.NumericEquals != nil:
		return n == *r.NumericEquals, nil
	case r.NumericGreaterThan != nil:
		return n > *r.NumericGreaterThan, nil
	default:
		return n < *r.NumericLessThan, nil
	}
}
