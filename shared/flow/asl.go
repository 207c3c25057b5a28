package flow

import (
	"encoding/json"
	"fmt"
)

// Placeholder is how ASL names a step's Lambda function until the CDK app
// substitutes its ARN (DefinitionSubstitutions): ${<step>}.
func Placeholder(step string) string { return fmt.Sprintf("${%s}", step) }

// ASL renders the definition in Amazon States Language. resource gives a
// Task's Resource from its step's name (nil: Placeholder). Tasks invoke
// their function directly (the function ARN as Resource), so a step gets
// the state's input as its event and its answer is the result, with no
// payload envelope: the same as the local runner does.
func (d Definition) ASL(resource func(step string) string) ([]byte, error) {
	if resource == nil {
		resource = Placeholder
	}
	return json.MarshalIndent(d.asl(resource), "", "  ")
}

func (d Definition) asl(resource func(string) string) map[string]any {
	states := map[string]any{}
	for _, s := range d.States {
		states[s.Name] = s.asl(resource)
	}
	out := map[string]any{"StartAt": d.StartAt, "States": states}
	if d.Comment != "" {
		out["Comment"] = d.Comment
	}
	return out
}

func (s State) asl(resource func(string) string) map[string]any {
	m := map[string]any{"Type": string(s.Kind)}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("Comment", s.Comment)
	if s.Kind != Fail {
		set("InputPath", s.InputPath)
		set("OutputPath", s.OutputPath)
	}
	switch s.ResultPath {
	case "":
	case Discard:
		m["ResultPath"] = nil
	default:
		m["ResultPath"] = s.ResultPath
	}
	set("Next", s.Next)
	if s.End {
		m["End"] = true
	}
	switch s.Kind {
	case Task:
		m["Resource"] = resource(s.Step)
		if s.TimeoutSeconds > 0 {
			m["TimeoutSeconds"] = s.TimeoutSeconds
		}
	case Choice:
		var rules []any
		for _, r := range s.Choices {
			rules = append(rules, r.asl())
		}
		m["Choices"] = rules
		set("Default", s.Default)
	case Wait:
		if s.Seconds > 0 {
			m["Seconds"] = s.Seconds
		}
		set("SecondsPath", s.SecondsPath)
	case Pass:
		if s.Result != nil {
			m["Result"] = s.Result
		}
	case Fail:
		set("Error", s.Error)
		set("Cause", s.Cause)
	case Parallel:
		var bs []any
		for _, b := range s.Branches {
			bs = append(bs, b.asl(resource))
		}
		m["Branches"] = bs
	case Map:
		set("ItemsPath", s.ItemsPath)
		m["Iterator"] = s.Iterator.asl(resource)
		if s.MaxConcurrency > 0 {
			m["MaxConcurrency"] = s.MaxConcurrency
		}
	}
	if len(s.Retry) > 0 {
		var rs []any
		for _, r := range s.Retry {
			r = r.withDefaults()
			rs = append(rs, map[string]any{"ErrorEquals": r.ErrorEquals, "IntervalSeconds": r.IntervalSeconds,
				"MaxAttempts": r.MaxAttempts, "BackoffRate": r.BackoffRate})
		}
		m["Retry"] = rs
	}
	if len(s.Catch) > 0 {
		var cs []any
		for _, c := range s.Catch {
			cm := map[string]any{"ErrorEquals": c.ErrorEquals, "Next": c.Next}
			if c.ResultPath != "" {
				cm["ResultPath"] = c.ResultPath
			}
			cs = append(cs, cm)
		}
		m["Catch"] = cs
	}
	return m
}

func (r Retry) withDefaults() Retry {
	if r.IntervalSeconds == 0 {
		r.IntervalSeconds = 1
	}
	if r.MaxAttempts == 0 {
		r.MaxAttempts = 3
	}
	if r.BackoffRate == 0 {
		r.BackoffRate = 2
	}
	return r
}

func (r Rule) asl() map[string]any {
	m := map[string]any{}
	if r.Variable != "" {
		m["Variable"] = r.Variable
	}
	if r.Next != "" {
		m["Next"] = r.Next
	}
	switch {
	case r.StringEquals != nil:
		m["StringEquals"] = *r.StringEquals
	case r.BooleanEquals != nil:
		m["BooleanEquals"] = *r.BooleanEquals
	case r.NumericEquals != nil:
		m["NumericEquals"] = *r.NumericEquals
	case r.NumericGreaterThan != nil:
		m["NumericGreaterThan"] = *r.NumericGreaterThan
	case r.NumericLessThan != nil:
		m["NumericLessThan"] = *r.NumericLessThan
	case r.IsPresent != nil:
		m["IsPresent"] = *r.IsPresent
	case len(r.And) > 0:
		var sub []any
		for _, x := range r.And {
			sub = append(sub, x.asl())
		}
		m["And"] = sub
	case len(r.Or) > 0:
		var sub []any
		for _, x := range r.Or {
			sub = append(sub, x.asl())
		}
		m["Or"] = sub
	case r.Not != nil:
		m["Not"] = r.Not.asl()
	}
	return m
}
