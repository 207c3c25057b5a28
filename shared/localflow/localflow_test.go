package localflow_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/localflow"
)

type item struct {
	ID    string `json:"id"`
	Stage string `json:"stage,omitempty"`
}

var threeStates = flow.Definition{StartAt: "First", States: []flow.State{
	{Name: "First", Kind: flow.Task, Step: "First", Next: "Second"},
	{Name: "Second", Kind: flow.Task, Step: "Second", Next: "Third",
		Retry: []flow.Retry{{ErrorEquals: []string{localflow.ErrInternal}, IntervalSeconds: 1, MaxAttempts: 2}}},
	{Name: "Third", Kind: flow.Task, Step: "Third", End: true},
}}

type world struct {
	firsts   atomic.Int32
	second   func(ctx context.Context, in item) (item, error)
	running  atomic.Int32
	maxAtNow atomic.Int32
}

func (w *world) steps() flow.Steps {
	return flow.Steps{
		"First": flow.Typed(func(_ context.Context, in item) (item, error) {
			w.firsts.Add(1)
			in.Stage = "first"
			return in, nil
		}),
		"Second": flow.Typed(func(ctx context.Context, in item) (item, error) {
			n := w.running.Add(1)
			defer w.running.Add(-1)
			for m := w.maxAtNow.Load(); n > m && !w.maxAtNow.CompareAndSwap(m, n); m = w.maxAtNow.Load() {
			}
			if w.second != nil {
				return w.second(ctx, in)
			}
			in.Stage += ",second"
			return in, nil
		}),
		"Third": flow.Typed(func(_ context.Context, in item) (item, error) {
			in.Stage += ",third"
			return in, nil
		}),
	}
}

func open(t *testing.T, dir string, w *world, limit int) (*localflow.Runner, func()) {
	t.Helper()
	r, err := localflow.Open(context.Background(), dir, localflow.Config{
		Flows: map[string]flow.Definition{"three": threeStates}, Steps: w.steps(), Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	r.WithoutDelays()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	return r, func() { cancel(); <-done; r.Close() }
}

func waitFor(t *testing.T, r *localflow.Runner, name, status string) localflow.Execution {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		e, err := r.Get(context.Background(), name)
		if err == nil && e.Status == status {
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is %+v (%v), want %s", name, e, err, status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestAStartedNameRunsOnce(t *testing.T) {
	// Ensures an execution runs to its end, and a second start of the same
	// name (a retried start) neither runs it again nor fails.
	w := &world{}
	r, stop := open(t, t.TempDir(), w, 4)
	defer stop()
	ctx := context.Background()
	for range 3 {
		if err := r.Start(ctx, "three", "tr-1-1", item{ID: "tr-1"}); err != nil {
			t.Fatal(err)
		}
	}
	e := waitFor(t, r, "tr-1-1", localflow.Succeeded)
	if want := `{"id":"tr-1","stage":"first,second,third"}`; string(e.Output) != want {
		t.Errorf("output %s, want %s", e.Output, want)
	}
	if n := w.firsts.Load(); n != 1 {
		t.Errorf("the first step ran %d times, want 1", n)
	}
	if err := r.Start(ctx, "nope", "x", nil); err == nil {
		t.Fatal("a start of an unknown flow was accepted")
	}
}

func TestAtMostLimitExecutionsAtOnce(t *testing.T) {
	// Ensures no more than Limit executions advance at once, and all finish.
	w := &world{second: func(_ context.Context, in item) (item, error) {
		time.Sleep(30 * time.Millisecond)
		return in, nil
	}}
	r, stop := open(t, t.TempDir(), w, 2)
	defer stop()
	names := []string{"a", "b", "c", "d", "e", "f"}
	for _, n := range names {
		if err := r.Start(context.Background(), "three", n, item{ID: n}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range names {
		waitFor(t, r, n, localflow.Succeeded)
	}
	if m := w.maxAtNow.Load(); m != 2 {
		t.Fatalf("%d executions ran the step at once, want exactly the limit 2", m)
	}
}

func TestResumesAfterRestart(t *testing.T) {
	// Ensures a runner stopped while a step runs goes on after a restart
	// from the last finished state: the step under way runs again, the ones
	// before it do not.
	dir := t.TempDir()
	entered := make(chan struct{})
	var once sync.Once
	w := &world{second: func(ctx context.Context, in item) (item, error) {
		once.Do(func() { close(entered) })
		<-ctx.Done() // the server goes away mid-step
		return in, ctx.Err()
	}}
	r1, stop1 := open(t, dir, w, 4)
	if err := r1.Start(context.Background(), "three", "tr-2-1", item{ID: "tr-2"}); err != nil {
		t.Fatal(err)
	}
	<-entered
	stop1()

	w.second = nil // the restarted server's step works
	r2, stop2 := open(t, dir, w, 4)
	defer stop2()
	e := waitFor(t, r2, "tr-2-1", localflow.Succeeded)
	if want := `{"id":"tr-2","stage":"first,second,third"}`; string(e.Output) != want {
		t.Errorf("output %s, want %s", e.Output, want)
	}
	if n := w.firsts.Load(); n != 1 {
		t.Errorf("the first step ran %d times, want 1: it finished before the stop", n)
	}
}

func TestInternalErrorsAreRetriedThenFail(t *testing.T) {
	// Ensures a step's platform fault is retried as the flow says, a panic
	// counts as one, and the execution fails with the fault's name once the
	// retries are spent; every attempt is in the execution's events.
	var calls atomic.Int32
	w := &world{second: func(_ context.Context, in item) (item, error) {
		if calls.Add(1) == 1 {
			panic("a bug")
		}
		return in, &flow.Error{Name: localflow.ErrInternal, Cause: "storage did not answer"}
	}}
	r, stop := open(t, t.TempDir(), w, 4)
	defer stop()
	if err := r.Start(context.Background(), "three", "tr-3-1", item{ID: "tr-3"}); err != nil {
		t.Fatal(err)
	}
	e := waitFor(t, r, "tr-3-1", localflow.Failed)
	if e.Error != localflow.ErrInternal {
		t.Errorf("ended with %s %q, want %s", e.Error, e.Cause, localflow.ErrInternal)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("the step was called %d times, want 3", n)
	}
	var whats []string
	for _, ev := range e.Events {
		whats = append(whats, ev.State+":"+ev.What)
	}
	if got := strings.Join(whats, " "); got != "First:done Second:retry Second:retry Second:failed" {
		t.Fatalf("events %s", got)
	}
}

func TestAFlowAtItsLimitLeavesRoomForOthers(t *testing.T) {
	// Ensures a backlog of one flow held to its own limit (a proxy pool being
	// filled) does not keep another flow (an inspection) waiting.
	release := make(chan struct{})
	slow := flow.Definition{StartAt: "Hold", States: []flow.State{{Name: "Hold", Kind: flow.Task, Step: "Hold", End: true}}}
	steps := (&world{}).steps()
	var holding atomic.Int32
	steps["Hold"] = flow.Typed(func(ctx context.Context, in item) (item, error) {
		holding.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
		}
		return in, nil
	})
	r, err := localflow.Open(context.Background(), t.TempDir(), localflow.Config{
		Flows: map[string]flow.Definition{"three": threeStates, "slow": slow}, Steps: steps, Limit: 2,
		FlowLimits: map[string]int{"slow": 1}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { close(release); cancel(); <-done; r.Close() }()
	for i := range 10 {
		must(t, r.Start(context.Background(), "slow", "pool-"+string(rune('a'+i)), item{ID: "p"}))
	}
	must(t, r.Start(context.Background(), "three", "inspection-1", item{ID: "tr"}))
	waitFor(t, r, "inspection-1", localflow.Succeeded)
	// The inspection may finish before the first slow step is under way
	// (the runner starts both at once); give it a moment, then check that
	// no second one joined it.
	for deadline := time.Now().Add(5 * time.Second); holding.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := holding.Load(); n != 1 {
		t.Fatalf("%d slow executions ran at once, want its limit 1", n)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
