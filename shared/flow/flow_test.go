package flow_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/flowtest"
)

type num struct {
	ID  string  `json:"id"`
	N   float64 `json:"n"`
	Bad bool    `json:"bad,omitempty"`
}

// testSteps are small real steps: a computation, one that fails twice per
// call sequence before it works (for Retry), one that refuses (for Catch).
func testSteps() flow.Steps {
	var mu sync.Mutex
	calls := map[string]int{}
	return flow.Steps{
		"Double": flow.Typed(func(_ context.Context, in num) (num, error) {
			in.N *= 2
			return in, nil
		}),
		"Flaky": flow.Typed(func(_ context.Context, in num) (map[string]any, error) {
			mu.Lock()
			calls[in.ID]++
			c := calls[in.ID]
			mu.Unlock()
			if c%3 != 0 {
				return nil, &flow.Error{Name: "openlot.Internal", Cause: "storage did not answer"}
			}
			return map[string]any{"steady": true}, nil
		}),
		"Down": flow.Typed(func(_ context.Context, in num) (num, error) {
			return in, &flow.Error{Name: "openlot.Internal", Cause: "storage did not answer"}
		}),
		"Check": flow.Typed(func(_ context.Context, in num) (map[string]any, error) {
			if in.Bad {
				return nil, &flow.Error{Name: "openlot.Rejected", Cause: "item " + in.ID + " is bad"}
			}
			return map[string]any{"ok": in.N}, nil
		}),
	}
}

// everything uses each kind of state, Retry and Catch.
var everything = flow.Definition{
	Comment: "every construct openlot's flows use",
	StartAt: "Double",
	States: []flow.State{
		{Name: "Double", Kind: flow.Task, Step: "Double", Next: "Size"},
		{Name: "Size", Kind: flow.Choice, Choices: []flow.Rule{
			{Variable: "$.n", NumericGreaterThan: flow.N(100), Next: "TooBig"},
			{And: []flow.Rule{{Variable: "$.id", StringEquals: flow.S("wait")}, {Not: &flow.Rule{Variable: "$.bad", IsPresent: flow.B(true)}}}, Next: "Pause"},
		}, Default: "Steady"},
		{Name: "Pause", Kind: flow.Wait, Seconds: 30, Next: "Steady"},
		{Name: "Steady", Kind: flow.Task, Step: "Flaky", ResultPath: "$.flaky", Next: "Both",
			Retry: []flow.Retry{{ErrorEquals: []string{"openlot.Internal"}, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2}}},
		{Name: "Both", Kind: flow.Parallel, ResultPath: "$.both", Next: "Items", Branches: []flow.Definition{
			{StartAt: "Label", States: []flow.State{{Name: "Label", Kind: flow.Pass, Result: map[string]any{"label": "fixed"}, End: true}}},
			{StartAt: "CheckOne", States: []flow.State{{Name: "CheckOne", Kind: flow.Task, Step: "Check", End: true}}},
		}, Catch: []flow.Catch{{ErrorEquals: []string{"openlot.Rejected"}, ResultPath: "$.rejected", Next: "Refused"}}},
		{Name: "Items", Kind: flow.Pass, Result: []any{map[string]any{"id": "a", "n": 1}, map[string]any{"id": "b", "n": 2}}, ResultPath: "$.items", Next: "Each"},
		{Name: "Each", Kind: flow.Map, ItemsPath: "$.items", MaxConcurrency: 2, ResultPath: "$.each", OutputPath: "$.each", End: true,
			Iterator: &flow.Definition{StartAt: "DoubleItem", States: []flow.State{{Name: "DoubleItem", Kind: flow.Task, Step: "Double", End: true}}}},
		{Name: "Refused", Kind: flow.Pass, InputPath: "$.rejected", End: true},
		{Name: "TooBig", Kind: flow.Fail, Error: "openlot.TooBig", Cause: "n over 100"},
	},
}

func TestRunnerAndASLInterpreterAgree(t *testing.T) {
	// Ensures every construct ends the same in openlot's runner and in
	// aws-local-stepfunctions over the rendered ASL, with real steps: a
	// success through Wait, Retry, Parallel and Map; a caught refusal; a Fail
	// state; and a retrier that runs out.
	fixtures := []any{
		map[string]any{"id": "plain", "n": 3},
		map[string]any{"id": "wait", "n": 4},
		map[string]any{"id": "refused", "n": 5, "bad": true},
		map[string]any{"id": "big", "n": 60},
	}
	ends := flowtest.Agree(t, everything, testSteps(), fixtures)
	want := []string{
		`succeeded with [{"id":"a","n":2},{"id":"b","n":4}]`,
		`succeeded with [{"id":"a","n":2},{"id":"b","n":4}]`,
		`succeeded with {"Cause":"item refused is bad","Error":"openlot.Rejected"}`,
		`failed openlot.TooBig: n over 100`,
	}
	for i, w := range want {
		if got := ends[i].String(); got != w {
			t.Errorf("fixture %d %s, want %s", i, got, w)
		}
	}

	spent := everything
	spent.States = append([]flow.State(nil), everything.States...)
	spent.States[3].Step = "Down"
	spent.States[3].Retry = []flow.Retry{{ErrorEquals: []string{flow.ErrTaskFailed}, MaxAttempts: 1}}
	ends = flowtest.Agree(t, spent, testSteps(), []any{map[string]any{"id": "spent", "n": 1}})
	if got := ends[0].String(); got != "failed openlot.Internal: storage did not answer" {
		t.Errorf("a spent retrier: %s", got)
	}
}

func TestAdvanceStopsBetweenStates(t *testing.T) {
	// Ensures a runner can keep an execution between any two states: each
	// Advance returns the next position (with the retry count and the delay
	// to honour), and going on from a stored position ends the same.
	steps := testSteps()
	pos := everything.Start(json.RawMessage(`{"id":"steps","n":3}`))
	var visited []string
	for range 20 {
		visited = append(visited, pos.State)
		o := everything.Advance(context.Background(), pos, steps.Invoke)
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if o.Next == nil {
			if string(o.Output) != `[{"id":"a","n":2},{"id":"b","n":4}]` {
				t.Fatalf("output %s", o.Output)
			}
			break
		}
		b, _ := json.Marshal(o.Next) // as a runner stores it
		pos = flow.Position{}
		json.Unmarshal(b, &pos)
		if pos.State == "Steady" && len(pos.Retries) > 0 && o.Delay.Seconds() != float64(int(1)<<(pos.Retries[0]-1)) {
			t.Fatalf("retry %d waits %v", pos.Retries[0], o.Delay)
		}
	}
	if got := strings.Join(visited, " "); got != "Double Size Steady Steady Steady Both Items Each" {
		t.Fatalf("visited %s", got)
	}
}

func TestValidateRefusesBrokenDefinitions(t *testing.T) {
	// Ensures definitions Step Functions would refuse are refused here first.
	steps := testSteps().Names()
	cases := map[string]flow.Definition{
		"unknown next":   {StartAt: "A", States: []flow.State{{Name: "A", Kind: flow.Pass, Next: "B"}}},
		"unreachable":    {StartAt: "A", States: []flow.State{{Name: "A", Kind: flow.Succeed}, {Name: "B", Kind: flow.Succeed}}},
		"unknown step":   {StartAt: "A", States: []flow.State{{Name: "A", Kind: flow.Task, Step: "Nope", End: true}}},
		"next and end":   {StartAt: "A", States: []flow.State{{Name: "A", Kind: flow.Pass, End: true, Next: "A"}}},
		"bad path":       {StartAt: "A", States: []flow.State{{Name: "A", Kind: flow.Pass, InputPath: "$..x", End: true}}},
		"choice no rule": {StartAt: "A", States: []flow.State{{Name: "A", Kind: flow.Choice, Default: "A"}}},
		"retry on pass":  {StartAt: "A", States: []flow.State{{Name: "A", Kind: flow.Pass, End: true, Retry: []flow.Retry{{ErrorEquals: []string{flow.ErrAll}}}}}},
	}
	for name, d := range cases {
		if err := d.Validate(steps); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := everything.Validate(steps); err != nil {
		t.Fatalf("the full example: %v", err)
	}
}
