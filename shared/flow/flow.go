// Package flow describes a flow once, as data, for both places it runs:
// the local runner (shared/localflow) walks the description state by state,
// and ASL renders it as an Amazon States Language definition that the CDK
// app deploys to Step Functions. Steps are Go functions written once
// (Step); a Task names its step, and each side binds the name to the code:
// in process locally, to the step's Lambda function on AWS.
//
// The description covers only what both sides run the same way: JSONPath
// (InputPath, ResultPath, OutputPath as $ or $.field.field), Task, Choice,
// Pass, Wait, Succeed, Fail, Parallel and inline Map, with Retry and Catch.
// No task tokens, no .sync integrations, no JSONata.
package flow

import (
	"fmt"
	"slices"
)

// Kind is a state's type.
type Kind string

const (
	Task     Kind = "Task"
	Choice   Kind = "Choice"
	Pass     Kind = "Pass"
	Wait     Kind = "Wait"
	Succeed  Kind = "Succeed"
	Fail     Kind = "Fail"
	Parallel Kind = "Parallel"
	Map      Kind = "Map"
)

// Discard as a ResultPath drops the state's result: its input goes on.
const Discard = "null"

// Definition is a flow, or a branch of a Parallel or Map state.
type Definition struct {
	Comment string
	StartAt string
	States  []State
}

// State is one state. Which fields count depends on Kind, as in ASL.
type State struct {
	Name    string
	Kind    Kind
	Comment string

	InputPath  string // "" is $
	ResultPath string // "" is $ (the result replaces the input); Discard keeps the input
	OutputPath string // "" is $

	Next string
	End  bool

	Step           string // Task: the step's name
	TimeoutSeconds int    // Task: 0 is the step's own limit
	Retry          []Retry
	Catch          []Catch

	Choices []Rule // Choice
	Default string // Choice

	Seconds     int    // Wait
	SecondsPath string // Wait

	Result any // Pass: the result (nil passes the input)

	Error, Cause string // Fail

	Branches []Definition // Parallel

	ItemsPath      string      // Map: "" is $
	Iterator       *Definition // Map
	MaxConcurrency int         // Map: 0 is unlimited
}

// Retry retries a failed Task whose error name is in ErrorEquals
// (States.ALL: any) after IntervalSeconds, growing by BackoffRate.
type Retry struct {
	ErrorEquals     []string
	IntervalSeconds int     // 0 is 1
	MaxAttempts     int     // 0 is 3
	BackoffRate     float64 // 0 is 2
}

// Catch sends a Task, Parallel or Map state that failed with one of
// ErrorEquals on to Next, with {"Error","Cause"} at ResultPath.
type Catch struct {
	ErrorEquals []string
	ResultPath  string
	Next        string
}

// Rule is a Choice rule: a comparison of the value at Variable, or a
// combination of rules. A top-level rule has Next.
type Rule struct {
	Variable           string
	StringEquals       *string
	BooleanEquals      *bool
	NumericEquals      *float64
	NumericGreaterThan *float64
	NumericLessThan    *float64
	IsPresent          *bool
	And, Or            []Rule
	Not                *Rule
	Next               string
}

// Error names the flows use. States.ALL and States.TaskFailed are Step
// Functions' own; States.Timeout is a Task that ran out of time.
const (
	ErrAll        = "States.ALL"
	ErrTaskFailed = "States.TaskFailed"
	ErrTimeout    = "States.Timeout"
)

// Validate checks the definition the way Step Functions would reject it:
// unknown or unreachable states, missing transitions, steps not known.
func (d Definition) Validate(steps map[string]bool) error {
	names := map[string]State{}
	for _, s := range d.States {
		if s.Name == "" || len(s.Name) > 80 {
			return fmt.Errorf("a state name must be 1 to 80 characters: %q", s.Name)
		}
		if _, dup := names[s.Name]; dup {
			return fmt.Errorf("state %q is defined twice", s.Name)
		}
		names[s.Name] = s
	}
	if _, ok := names[d.StartAt]; !ok {
		return fmt.Errorf("StartAt %q is not a state", d.StartAt)
	}
	for _, s := range d.States {
		if err := s.validate(names, steps); err != nil {
			return fmt.Errorf("state %q: %w", s.Name, err)
		}
	}
	// Every state is reachable from StartAt.
	seen := map[string]bool{}
	queue := []string{d.StartAt}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n] {
			continue
		}
		seen[n] = true
		queue = append(queue, names[n].targets()...)
	}
	for _, s := range d.States {
		if !seen[s.Name] {
			return fmt.Errorf("state %q cannot be reached from %q", s.Name, d.StartAt)
		}
	}
	return nil
}

func (s State) targets() []string {
	var out []string
	if s.Next != "" {
		out = append(out, s.Next)
	}
	if s.Default != "" {
		out = append(out, s.Default)
	}
	for _, r := range s.Choices {
		out = append(out, r.Next)
	}
	for _, c := range s.Catch {
		out = append(out, c.Next)
	}
	return out
}

func (s State) validate(names map[string]State, steps map[string]bool) error {
	for _, t := range s.targets() {
		if _, ok := names[t]; !ok {
			return fmt.Errorf("goes to %q, which is not a state", t)
		}
	}
	for _, p := range []string{s.InputPath, s.OutputPath, s.ItemsPath, s.SecondsPath} {
		if p != "" {
			if _, err := parsePath(p); err != nil {
				return err
			}
		}
	}
	if s.ResultPath != "" && s.ResultPath != Discard {
		if _, err := parsePath(s.ResultPath); err != nil {
			return err
		}
	}
	terminal := s.Kind == Succeed || s.Kind == Fail || s.Kind == Choice
	switch {
	case terminal && (s.Next != "" || s.End):
		return fmt.Errorf("a %s state has neither Next nor End", s.Kind)
	case !terminal && (s.Next == "") == !s.End:
		return fmt.Errorf("give exactly one of Next and End")
	}
	if len(s.Retry) > 0 && s.Kind != Task && s.Kind != Parallel && s.Kind != Map {
		return fmt.Errorf("only Task, Parallel and Map states retry")
	}
	if len(s.Catch) > 0 && s.Kind != Task && s.Kind != Parallel && s.Kind != Map {
		return fmt.Errorf("only Task, Parallel and Map states catch")
	}
	switch s.Kind {
	case Task:
		if !steps[s.Step] {
			return fmt.Errorf("step %q is not known", s.Step)
		}
	case Choice:
		if len(s.Choices) == 0 {
			return fmt.Errorf("a Choice state needs rules")
		}
		for _, r := range s.Choices {
			if err := r.validate(true); err != nil {
				return err
			}
		}
	case Wait:
		if (s.Seconds > 0) == (s.SecondsPath != "") {
			return fmt.Errorf("a Wait state needs exactly one of Seconds and SecondsPath")
		}
		if s.End {
			return fmt.Errorf("a Wait state goes on to a Next state here (a runner resumes waits, not ends)")
		}
	case Parallel:
		if len(s.Branches) == 0 {
			return fmt.Errorf("a Parallel state needs branches")
		}
		for i, b := range s.Branches {
			if err := b.Validate(steps); err != nil {
				return fmt.Errorf("branch %d: %w", i, err)
			}
		}
	case Map:
		if s.Iterator == nil {
			return fmt.Errorf("a Map state needs an iterator")
		}
		if err := s.Iterator.Validate(steps); err != nil {
			return fmt.Errorf("iterator: %w", err)
		}
	case Pass, Succeed, Fail:
	default:
		return fmt.Errorf("kind %q is not supported", s.Kind)
	}
	return nil
}

func (r Rule) validate(top bool) error {
	if top && r.Next == "" {
		return fmt.Errorf("a Choice rule needs Next")
	}
	if !top && r.Next != "" {
		return fmt.Errorf("a nested rule has no Next")
	}
	n := 0
	for _, set := range []bool{r.StringEquals != nil, r.BooleanEquals != nil, r.NumericEquals != nil,
		r.NumericGreaterThan != nil, r.NumericLessThan != nil, r.IsPresent != nil, len(r.And) > 0, len(r.Or) > 0, r.Not != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("a Choice rule holds exactly one comparison or combination")
	}
	combined := len(r.And) > 0 || len(r.Or) > 0 || r.Not != nil
	if combined != (r.Variable == "") {
		return fmt.Errorf("a comparison names its Variable; a combination does not")
	}
	if r.Variable != "" {
		if _, err := parsePath(r.Variable); err != nil {
			return err
		}
	}
	for _, sub := range slices.Concat(r.And, r.Or) {
		if err := sub.validate(false); err != nil {
			return err
		}
	}
	if r.Not != nil {
		return r.Not.validate(false)
	}
	return nil
}

// Steps lists the step names a definition's Tasks use, branches included.
func (d Definition) Steps() []string {
	var out []string
	for _, s := range d.States {
		if s.Kind == Task && !slices.Contains(out, s.Step) {
			out = append(out, s.Step)
		}
		var subs []Definition
		subs = append(subs, s.Branches...)
		if s.Iterator != nil {
			subs = append(subs, *s.Iterator)
		}
		for _, b := range subs {
			for _, n := range b.Steps() {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

func (d Definition) state(name string) (State, bool) {
	for _, s := range d.States {
		if s.Name == name {
			return s, true
		}
	}
	return State{}, false
}

// S is a string pointer, for Rule fields.
func S(v string) *string { return &v }

// B is a bool pointer, for Rule fields.
func B(v bool) *bool { return &v }

// N is a number pointer, for Rule fields.
func N(v float64) *float64 { return &v }
