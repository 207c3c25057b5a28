// Package localflow runs flows in the local server's process, durably: each
// execution's position is stored in SQLite after every state, so a server
// stopped or killed mid-flow goes on from the last finished state when it
// starts again. Executions are named, and starting a name twice starts it
// once, as in Step Functions. It implements lot.Flows.
package localflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/lot"
)

// FileName is the runner's database inside the data folder.
const FileName = "flows.db"

// Status of an execution.
const (
	Running   = "RUNNING"
	Succeeded = "SUCCEEDED"
	Failed    = "FAILED"
)

// Config is what a Runner runs.
type Config struct {
	Flows map[string]flow.Definition
	Steps flow.Steps
	Limit int // executions advancing at once; 0 is 4
	// FlowLimits caps executions of one flow at once, below Limit, so a
	// flow with much background work (filling proxy pools) leaves room for
	// the others (inspections); absent flows share Limit.
	FlowLimits map[string]int
	Log        *slog.Logger
	Clock      lot.Clock // stamps executions; nil is the system clock
}

// Runner stores and runs executions.
type Runner struct {
	db    *sql.DB
	cfg   Config
	wake  chan struct{}
	mu    sync.Mutex
	busy  map[string]string // executions advancing now → their flow
	delay func(time.Duration) time.Duration
}

var _ lot.Flows = (*Runner)(nil)

// Open opens (creating) the runner's database in folder dir. Every flow
// must be valid against the steps.
func Open(ctx context.Context, dir string, cfg Config) (*Runner, error) {
	for name, d := range cfg.Flows {
		if err := d.Validate(cfg.Steps.Names()); err != nil {
			return nil, fmt.Errorf("flow %s: %w", name, err)
		}
	}
	if cfg.Limit <= 0 {
		cfg.Limit = 4
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = lot.ClockFunc(time.Now)
	}
	path := filepath.Join(dir, FileName)
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return &Runner{db: db, cfg: cfg, wake: make(chan struct{}, 1), busy: map[string]string{},
		delay: func(d time.Duration) time.Duration { return d }}, nil
}

const schema = `
CREATE TABLE IF NOT EXISTS executions (
	name     TEXT PRIMARY KEY,
	flow     TEXT NOT NULL,
	status   TEXT NOT NULL,
	position TEXT,              -- flow.Position, while running
	due      INTEGER NOT NULL,  -- Unix ms after which it goes on
	input    TEXT NOT NULL,
	output   TEXT,
	error    TEXT,
	cause    TEXT,
	started  TEXT NOT NULL,
	stopped  TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS executions_due ON executions (status, due);
CREATE TABLE IF NOT EXISTS events (
	name  TEXT NOT NULL,
	seq   INTEGER NOT NULL,
	at    TEXT NOT NULL,
	state TEXT NOT NULL,
	what  TEXT NOT NULL,  -- done, retry, caught, failed, succeeded
	note  TEXT NOT NULL,
	PRIMARY KEY (name, seq)
) WITHOUT ROWID;`

// Close closes the database; Run must have returned.
func (r *Runner) Close() error { return r.db.Close() }

// WithoutDelays makes Wait states and retry intervals take a thousandth
// of their time (a 5 s retry 5 ms, a 300 s wait 0.3 s): tests.
func (r *Runner) WithoutDelays() { r.delay = func(d time.Duration) time.Duration { return d / 1000 } }

// Start records a new execution of flow named name; a name already
// started is left alone (nil), whatever its state.
func (r *Runner) Start(ctx context.Context, flowName, name string, input any) error {
	if _, ok := r.cfg.Flows[flowName]; !ok {
		return fmt.Errorf("no flow %q", flowName)
	}
	if name == "" || len(name) > 80 {
		return fmt.Errorf("an execution name is 1 to 80 characters")
	}
	in, err := json.Marshal(input)
	if err != nil {
		return err
	}
	pos, _ := json.Marshal(r.cfg.Flows[flowName].Start(in))
	now := r.cfg.Clock.Now().UTC()
	res, err := r.db.ExecContext(ctx, `INSERT INTO executions (name, flow, status, position, due, input, started)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		name, flowName, Running, string(pos), 0, string(in), now.Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		r.cfg.Log.InfoContext(ctx, "flow started", "flow", flowName, "execution", name)
		r.poke()
	}
	return nil
}

func (r *Runner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Execution is an execution as stored.
type Execution struct {
	Name, Flow, Status string
	State              string          // where it stands while running
	Input, Output      json.RawMessage // Output once succeeded
	Error, Cause       string          // once failed
	Events             []Event
}

// Event is one thing an execution did.
type Event struct {
	State, What, Note string
	At                time.Time
}

// Get reads an execution and its events.
func (r *Runner) Get(ctx context.Context, name string) (Execution, error) {
	var e Execution
	var pos, out, errName, cause sql.NullString
	var in string
	err := r.db.QueryRowContext(ctx, `SELECT name, flow, status, position, input, output, error, cause FROM executions WHERE name = ?`, name).
		Scan(&e.Name, &e.Flow, &e.Status, &pos, &in, &out, &errName, &cause)
	if errors.Is(err, sql.ErrNoRows) {
		return e, lot.Errorf(lot.CodeNotFound, "no execution %q", name)
	}
	if err != nil {
		return e, err
	}
	e.Input, e.Error, e.Cause = json.RawMessage(in), errName.String, cause.String
	if out.Valid {
		e.Output = json.RawMessage(out.String)
	}
	if pos.Valid {
		var p flow.Position
		json.Unmarshal([]byte(pos.String), &p)
		e.State = p.State
	}
	rows, err := r.db.QueryContext(ctx, `SELECT state, what, note, at FROM events WHERE name = ? ORDER BY seq`, name)
	if err != nil {
		return e, err
	}
	defer rows.Close()
	for rows.Next() {
		var ev Event
		var at string
		if err := rows.Scan(&ev.State, &ev.What, &ev.Note, &at); err != nil {
			return e, err
		}
		ev.At, _ = time.Parse(time.RFC3339Nano, at)
		e.Events = append(e.Events, ev)
	}
	return e, rows.Err()
}

// Run advances executions until ctx ends: those left running by an earlier
// process first, then each as it is started or its wait ends, at most
// Limit at once. When ctx ends, executions stop between states (a state
// under way is run again on the next start: steps are idempotent).
func (r *Runner) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		next, err := r.dispatch(ctx, &wg)
		if err != nil && ctx.Err() == nil {
			r.cfg.Log.ErrorContext(ctx, "flow runner: reading executions failed", "err", err)
			next = time.Second
		}
		timer.Reset(next)
		select {
		case <-ctx.Done():
			return nil
		case <-r.wake:
		case <-timer.C:
		}
	}
}

// dispatch starts goroutines for due executions while slots are free and
// returns how long until the next one is due (at most a minute).
func (r *Runner) dispatch(ctx context.Context, wg *sync.WaitGroup) (time.Duration, error) {
	now := time.Now().UnixMilli()
	r.mu.Lock()
	free := r.cfg.Limit - len(r.busy)
	r.mu.Unlock()
	if free > 0 {
		// Every due execution is read (not only the first few), so one
		// flow's backlog at its own limit cannot hide another flow's.
		rows, err := r.db.QueryContext(ctx, `SELECT name, flow FROM executions WHERE status = ? AND due <= ? ORDER BY due, name`,
			Running, now)
		if err != nil {
			return 0, err
		}
		type due struct{ name, flow string }
		var list []due
		for rows.Next() {
			var d due
			rows.Scan(&d.name, &d.flow)
			list = append(list, d)
		}
		rows.Close()
		for _, d := range list {
			n := d.name
			r.mu.Lock()
			if _, busy := r.busy[n]; busy || len(r.busy) >= r.cfg.Limit || !r.flowHasRoom(d.flow) {
				r.mu.Unlock()
				continue
			}
			r.busy[n] = d.flow
			r.mu.Unlock()
			wg.Go(func() {
				defer func() {
					r.mu.Lock()
					delete(r.busy, n)
					r.mu.Unlock()
					r.poke()
				}()
				r.advance(ctx, n)
			})
		}
	}
	var due sql.NullInt64
	if err := r.db.QueryRowContext(ctx, `SELECT MIN(due) FROM executions WHERE status = ? AND due > ?`, Running, now).Scan(&due); err != nil {
		return 0, err
	}
	if !due.Valid {
		return time.Minute, nil
	}
	return min(time.Duration(due.Int64-now)*time.Millisecond, time.Minute), nil
}

// flowHasRoom reports whether flow is below its own limit (r.mu held).
func (r *Runner) flowHasRoom(flow string) bool {
	limit, ok := r.cfg.FlowLimits[flow]
	if !ok {
		return true
	}
	n := 0
	for _, f := range r.busy {
		if f == flow {
			n++
		}
	}
	return n < limit
}

// advance runs one execution state by state until it ends, has to wait,
// or ctx ends.
func (r *Runner) advance(ctx context.Context, name string) {
	var flowName, posJSON string
	if err := r.db.QueryRowContext(ctx, `SELECT flow, position FROM executions WHERE name = ? AND status = ?`, name, Running).
		Scan(&flowName, &posJSON); err != nil {
		return
	}
	def, ok := r.cfg.Flows[flowName]
	if !ok {
		r.finish(ctx, name, "", flow.Outcome{Err: &flow.Error{Name: "States.Runtime", Cause: "this server has no flow " + flowName}})
		return
	}
	var pos flow.Position
	if err := json.Unmarshal([]byte(posJSON), &pos); err != nil {
		r.finish(ctx, name, "", flow.Outcome{Err: &flow.Error{Name: "States.Runtime", Cause: "unreadable position"}})
		return
	}
	ctx = flow.WithDelays(ctx, r.delay) // branches of Parallel and Map keep the runner's pace
	for ctx.Err() == nil {
		o := def.Advance(ctx, pos, r.invoke)
		if ctx.Err() != nil {
			return // stopping: the state runs again next time
		}
		if o.Next == nil {
			r.finish(ctx, name, pos.State, o)
			return
		}
		what, note := "done", "→ "+o.Next.State
		if o.Next.State == pos.State && len(o.Next.Retries) > 0 {
			what, note = "retry", fmt.Sprintf("attempt %d in %v", sum(o.Next.Retries)+1, o.Delay)
		}
		wait := r.delay(o.Delay)
		b, _ := json.Marshal(o.Next)
		if err := r.record(ctx, name, pos.State, what, note, `UPDATE executions SET position = ?, due = ? WHERE name = ?`,
			string(b), time.Now().Add(wait).UnixMilli(), name); err != nil {
			r.cfg.Log.ErrorContext(ctx, "flow runner: storing a position failed", "execution", name, "err", err)
			return
		}
		pos = *o.Next
		if wait > 0 {
			return // dispatch picks it up when due
		}
	}
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// invoke runs a step; a panic is an internal error (retried where the flow
// retries openlot.Internal), not a crash of the server.
func (r *Runner) invoke(ctx context.Context, step string, in json.RawMessage) (out json.RawMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.cfg.Log.ErrorContext(ctx, "flow step panicked", "step", step, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = &flow.Error{Name: ErrInternal, Cause: "the step " + step + " failed unexpectedly"}
		}
	}()
	return r.cfg.Steps.Invoke(ctx, step, in)
}

// ErrInternal names a platform fault: flows retry it; it is never the
// partner's doing.
const ErrInternal = "openlot.Internal"

func (r *Runner) finish(ctx context.Context, name, state string, o flow.Outcome) {
	now := r.cfg.Clock.Now().UTC().Format(time.RFC3339Nano)
	var err error
	if o.Err != nil {
		err = r.record(ctx, name, state, "failed", o.Err.Name+": "+o.Err.Cause,
			`UPDATE executions SET status = ?, position = NULL, error = ?, cause = ?, stopped = ? WHERE name = ?`,
			Failed, o.Err.Name, o.Err.Cause, now, name)
		r.cfg.Log.WarnContext(ctx, "flow failed", "execution", name, "error", o.Err.Name, "cause", o.Err.Cause)
	} else {
		err = r.record(ctx, name, state, "succeeded", "",
			`UPDATE executions SET status = ?, position = NULL, output = ?, stopped = ? WHERE name = ?`,
			Succeeded, string(o.Output), now, name)
		r.cfg.Log.InfoContext(ctx, "flow succeeded", "execution", name)
	}
	if err != nil {
		r.cfg.Log.ErrorContext(ctx, "flow runner: storing an end failed", "execution", name, "err", err)
	}
}

// record applies an update to an execution and appends its event, in one
// transaction.
func (r *Runner) record(ctx context.Context, name, state, what, note, update string, args ...any) error {
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, update, args...); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO events (name, seq, at, state, what, note)
		VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE name = ?), ?, ?, ?, ?)`,
		name, name, r.cfg.Clock.Now().UTC().Format(time.RFC3339Nano), state, what, note); err != nil {
		return err
	}
	return tx.Commit()
}
