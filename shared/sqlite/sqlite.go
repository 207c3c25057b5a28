// Package sqlite is the embedded lot.Store: one SQLite file (WAL) through the
// pure-Go modernc.org/sqlite driver. Writes go through a single connection, so
// writers queue instead of failing with SQLITE_BUSY; reads use a pool.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/record"
	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store implements lot.Store on SQLite.
type Store struct {
	record.Materials         // over the docs table (CreateDoc …)
	w                *sql.DB // one connection: all writes
	r                *sql.DB // pooled reads
	snap             snapshot
}

var _ lot.Store = (*Store)(nil)

// FileName is the database file inside the data folder.
const FileName = "openlot.db"

// Open opens (creating if needed) the database in folder dir and migrates it.
func Open(ctx context.Context, dir string) (*Store, error) {
	path := filepath.Join(dir, FileName)
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	s := &Store{w: w, r: r}
	s.Materials = record.Materials{Docs: s}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, openError(path, err)
	}
	return s, nil
}

// openError says why the database at path cannot be used, in words the
// person starting the server can act on, keeping the driver's error.
func openError(path string, err error) error {
	var se *sqlitedrv.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return fmt.Errorf("database %s cannot be opened for writing: check that its folder exists and that this user may write to it (%w)", path, err)
		case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("database %s is not an openlot database or is damaged: restore it from a backup or move it away to start afresh (%w)", path, err)
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
			return fmt.Errorf("database %s cannot be written: is the disk full? (%w)", path, err)
		}
	}
	return fmt.Errorf("database %s: %w", path, err)
}

// Close closes the database.
func (s *Store) Close() error { return errors.Join(s.r.Close(), s.w.Close()) }

var migrations = []string{
	`CREATE TABLE partners (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
	 CREATE TABLE titles (movie_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
	 CREATE TABLE packages (id INTEGER PRIMARY KEY, movie_id INTEGER NOT NULL, data TEXT NOT NULL);
	 CREATE TABLE requests (
	   id TEXT PRIMARY KEY, version INTEGER NOT NULL,
	   fp TEXT NOT NULL, sub TEXT NOT NULL, cp TEXT NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
	 CREATE INDEX requests_fp ON requests(fp, id);
	 CREATE INDEX requests_sub ON requests(sub, id);
	 CREATE INDEX requests_cp ON requests(cp, id);
	 CREATE TABLE history (
	   request_id TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
	   PRIMARY KEY (request_id, version, seq)) WITHOUT ROWID;
	 CREATE TABLE clients (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
	 CREATE TABLE idempotency (
	   key TEXT PRIMARY KEY, hash TEXT NOT NULL, done INTEGER NOT NULL, status INTEGER NOT NULL,
	   content_type TEXT NOT NULL, body BLOB, created_at INTEGER NOT NULL) WITHOUT ROWID;`,
	// Every write of requests takes the next revision, so the search snapshot
	// reads only what changed since it last looked (even from another process).
	`CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
	 INSERT INTO meta (k, v) VALUES ('rev', 1);
	 ALTER TABLE requests ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
	 CREATE INDEX requests_rev ON requests(rev);`,
	`CREATE TABLE templates (owner TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (owner, name)) WITHOUT ROWID;`,
	`CREATE TABLE transfers (id TEXT PRIMARY KEY, request_id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
	 CREATE INDEX transfers_request ON transfers(request_id, id);`,
	`CREATE TABLE docs (kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL,
	   PRIMARY KEY (kind, id)) WITHOUT ROWID;
	 CREATE INDEX docs_parent ON docs(kind, parent, id);`,
	// The queue a transfer waits in (lot.Transfer.Queue), written with it;
	// existing rows get theirs from backfills below.
	`ALTER TABLE transfers ADD COLUMN queue TEXT;
	 CREATE INDEX transfers_queue ON transfers(queue, id);`,
	// Idempotency keys: whose (lot.KeyOwner; HeldKeys counts them) and when
	// each expires (claims have their own TTLs), so expired ones are purged.
	// Keys stored before get the longest TTL any claim uses (30 days).
	`ALTER TABLE idempotency ADD COLUMN owner TEXT NOT NULL DEFAULT '';
	 ALTER TABLE idempotency ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
	 UPDATE idempotency SET expires_at = created_at + 2592000000;
	 CREATE INDEX idempotency_owner ON idempotency(owner, created_at);
	 CREATE INDEX idempotency_expires ON idempotency(expires_at);`,
}

// backfills run in the transaction of the migration of the same index,
// after its SQL, for what SQL alone cannot compute.
var backfills = map[int]func(ctx context.Context, tx *sql.Tx) error{5: backfillQueues}

// backfillQueues writes every transfer's queue.
func backfillQueues(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, version, data FROM transfers`)
	if err != nil {
		return err
	}
	queues := map[string]string{}
	for rows.Next() {
		var id, data string
		var version int64
		if err := rows.Scan(&id, &version, &data); err != nil {
			rows.Close()
			return err
		}
		t, err := record.DecodeTransfer([]byte(data), version)
		if err != nil {
			rows.Close()
			return err
		}
		queues[id] = string(t.Queue())
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, q := range queues {
		if _, err := tx.ExecContext(ctx, `UPDATE transfers SET queue = ? WHERE id = ?`, nullable(q), id); err != nil {
			return err
		}
	}
	return nil
}

// nullable is NULL for "": a transfer in no queue is not in the index's way.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("its schema version %d is newer than this openlot knows (%d): run the openlot that wrote it, or a newer one", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if fill := backfills[i]; fill != nil {
			if err := fill(ctx, tx); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations))); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return tx.Commit()
}

// translate turns driver errors into domain errors.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if lot.Passes(err) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return lot.Errorf(lot.CodeNotFound, "no such %s", what)
	}
	var se *sqlitedrv.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT:
			return lot.Errorf(lot.CodeConflict, "that %s already exists", what)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return &lot.Error{Code: lot.CodeUnavailable, Message: "the database is busy; try again"}
		case sqlite3.SQLITE_FULL:
			return &lot.Error{Code: lot.CodeInsufficientStorage, Message: "the server's disk is full: nothing was changed; try again once space is freed"}
		}
	}
	return fmt.Errorf("sqlite %s: %w", what, err)
}

func (s *Store) putJSON(ctx context.Context, query string, v any, args ...any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, query, append(args, string(b))...)
	return translate(err, "record")
}

func (s *Store) getJSON(ctx context.Context, what, query string, v any, args ...any) error {
	var data string
	if err := s.r.QueryRowContext(ctx, query, args...).Scan(&data); err != nil {
		return translate(err, what)
	}
	return json.Unmarshal([]byte(data), v)
}

// PutPartner creates or replaces a partner.
func (s *Store) PutPartner(ctx context.Context, p *lot.Partner) error {
	return s.putJSON(ctx, `INSERT OR REPLACE INTO partners (id, data) VALUES (?, ?)`, record.FromPartner(p), p.ID)
}

// GetPartner fails with not_found for an unknown ID.
func (s *Store) GetPartner(ctx context.Context, id string) (*lot.Partner, error) {
	var row record.Partner
	if err := s.getJSON(ctx, "partner", `SELECT data FROM partners WHERE id = ?`, &row, id); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// ListPartners returns every partner by ID.
func (s *Store) ListPartners(ctx context.Context) ([]*lot.Partner, error) {
	rows, err := queryJSON[record.Partner](ctx, s.r, "partner", `SELECT data FROM partners ORDER BY id`)
	out := make([]*lot.Partner, len(rows))
	for i, r := range rows {
		out[i] = r.Domain()
	}
	return out, err
}

// queryJSON decodes the single JSON column of every row the query returns.
func queryJSON[R any](ctx context.Context, db *sql.DB, what, query string, args ...any) ([]R, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err, what)
	}
	defer rows.Close()
	var out []R
	for rows.Next() {
		var data string
		var row R
		if err := rows.Scan(&data); err != nil {
			return nil, translate(err, what)
		}
		if err := json.Unmarshal([]byte(data), &row); err != nil {
			return nil, fmt.Errorf("decode %s: %w", what, err)
		}
		out = append(out, row)
	}
	return out, translate(rows.Err(), what)
}

// PutTitle creates or replaces a title.
func (s *Store) PutTitle(ctx context.Context, t *lot.Title) error {
	return s.putJSON(ctx, `INSERT OR REPLACE INTO titles (movie_id, data) VALUES (?, ?)`, record.FromTitle(t), t.MovieID)
}

// GetTitle fails with not_found for an unknown movie ID.
func (s *Store) GetTitle(ctx context.Context, movieID int64) (*lot.Title, error) {
	var row record.Title
	if err := s.getJSON(ctx, "title", `SELECT data FROM titles WHERE movie_id = ?`, &row, movieID); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// PutPackage creates or replaces a package.
func (s *Store) PutPackage(ctx context.Context, p *lot.Package) error {
	return s.putJSON(ctx, `INSERT OR REPLACE INTO packages (id, movie_id, data) VALUES (?, ?, ?)`, record.FromPackage(p), p.ID, p.MovieID)
}

// GetPackage fails with not_found for an unknown package ID.
func (s *Store) GetPackage(ctx context.Context, id int64) (*lot.Package, error) {
	var row record.Package
	if err := s.getJSON(ctx, "package", `SELECT data FROM packages WHERE id = ?`, &row, id); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// CreateRequests stores new requests at version 1 with their pending history,
// all in one transaction; a duplicate ID fails the whole batch with conflict.
func (s *Store) CreateRequests(ctx context.Context, rs ...*lot.Request) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		rev, err := nextRev(ctx, tx)
		if err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO requests (id, version, fp, sub, cp, data, rev) VALUES (?, 1, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for _, r := range rs {
			c := r.Clone()
			c.Version = 1
			entries := r.Committed(1)
			if _, err := ins.ExecContext(ctx, c.ID, c.FulfillmentPartner, c.SubAssignee, c.ContentPartner, mustJSON(record.FromRequest(c)), rev); err != nil {
				return translate(err, "request")
			}
			if err := insertHistory(ctx, tx, entries); err != nil {
				return err
			}
			r.Version = 1
		}
		return nil
	})
}

func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err, "transaction")
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return translate(tx.Commit(), "transaction")
}

func insertHistory(ctx context.Context, tx *sql.Tx, entries []lot.HistoryEntry) error {
	for _, e := range entries {
		if _, err := tx.ExecContext(ctx, `INSERT INTO history (request_id, version, seq, data) VALUES (?, ?, ?, ?)`,
			e.RequestID, e.Version, e.Seq, mustJSON(record.FromHistory(e))); err != nil {
			return translate(err, "history entry")
		}
	}
	return nil
}

func mustJSON(v any) string { return string(record.JSON(v)) }

// GetRequest fails with not_found for an unknown ID.
func (s *Store) GetRequest(ctx context.Context, id string) (*lot.Request, error) {
	return getRequest(ctx, s.r, id)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getRequest(ctx context.Context, q queryer, id string) (*lot.Request, error) {
	var data string
	var version int64
	if err := q.QueryRowContext(ctx, `SELECT version, data FROM requests WHERE id = ?`, id).Scan(&version, &data); err != nil {
		return nil, translate(err, "request")
	}
	return decodeRequest(data, version)
}

func decodeRequest(data string, version int64) (*lot.Request, error) {
	return record.DecodeRequest([]byte(data), version)
}

// ListRequests pages through the requests in scope by ID.
func (s *Store) ListRequests(ctx context.Context, scope lot.Scope, after string, limit int) ([]*lot.Request, string, error) {
	if limit <= 0 || limit > lot.MaxPage {
		limit = lot.MaxPage
	}
	var where string
	var args []any
	switch {
	case scope.All:
		where = `id > ?`
		args = []any{after}
	case scope.FulfillmentPartner != "":
		// Two index range scans merged, instead of one OR that defeats the indexes.
		where = `id IN (SELECT id FROM requests WHERE fp = ?1 AND id > ?2 UNION SELECT id FROM requests WHERE sub = ?1 AND id > ?2)`
		args = []any{scope.FulfillmentPartner, after}
	case scope.ContentPartner != "":
		where = `cp = ?1 AND id > ?2`
		args = []any{scope.ContentPartner, after}
	default:
		return nil, "", nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT version, data FROM requests WHERE `+where+` ORDER BY id LIMIT `+fmt.Sprint(limit+1), args...)
	if err != nil {
		return nil, "", translate(err, "request")
	}
	defer rows.Close()
	out := make([]*lot.Request, 0, min(limit, 64))
	for rows.Next() {
		var data string
		var version int64
		if err := rows.Scan(&version, &data); err != nil {
			return nil, "", translate(err, "request")
		}
		r, err := decodeRequest(data, version)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, "", translate(err, "request")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// UpdateRequest loads request id, runs fn, and writes the result with its new
// history entries in one transaction, only if the version is unchanged.
func (s *Store) UpdateRequest(ctx context.Context, id string, fn func(*lot.Request) error) (*lot.Request, error) {
	r, err := s.GetRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	old, entries, err := r.Apply(fn)
	if err != nil {
		return nil, err
	}
	if old == r.Version {
		return r, nil
	}
	next := r.Version
	err = s.tx(ctx, func(tx *sql.Tx) error {
		rev, err := nextRev(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE requests SET version = ?, fp = ?, sub = ?, cp = ?, data = ?, rev = ? WHERE id = ? AND version = ?`,
			next, r.FulfillmentPartner, r.SubAssignee, r.ContentPartner, mustJSON(record.FromRequest(r)), rev, id, old)
		if err != nil {
			return translate(err, "request")
		}
		if n, err := res.RowsAffected(); err != nil {
			return translate(err, "request")
		} else if n == 0 {
			return lot.Errorf(lot.CodeConflict, "the request changed while you were editing it; reload and try again")
		}
		return insertHistory(ctx, tx, entries)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// History returns the entries of a request, oldest first.
func (s *Store) History(ctx context.Context, id string) ([]lot.HistoryEntry, error) {
	rows, err := queryJSON[record.History](ctx, s.r, "history", `SELECT data FROM history WHERE request_id = ? ORDER BY version, seq`, id)
	out := make([]lot.HistoryEntry, len(rows))
	for i, r := range rows {
		out[i] = r.Domain()
	}
	return out, err
}

// PutClient creates or replaces an OAuth2 client.
func (s *Store) PutClient(ctx context.Context, c *lot.Client) error {
	return s.putJSON(ctx, `INSERT OR REPLACE INTO clients (id, data) VALUES (?, ?)`, record.FromClient(c), c.ID)
}

// GetClient fails with not_found for an unknown client.
func (s *Store) GetClient(ctx context.Context, id string) (*lot.Client, error) {
	var row record.Client
	if err := s.getJSON(ctx, "client", `SELECT data FROM clients WHERE id = ?`, &row, id); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// ClaimKey claims an idempotency key, or returns what it already holds.
func (s *Store) ClaimKey(ctx context.Context, key, hash string, now time.Time, ttl time.Duration) (*lot.Saved, error) {
	var saved *lot.Saved
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var sv lot.Saved
		var done int
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT hash, done, status, content_type, body, created_at FROM idempotency WHERE key = ?`, key).
			Scan(&sv.RequestHash, &done, &sv.Status, &sv.ContentType, &sv.Body, &created)
		switch {
		case err == nil && now.Sub(time.UnixMilli(created)) < ttl:
			sv.Key, sv.Done, sv.CreatedAt = key, done == 1, time.UnixMilli(created).UTC()
			saved = &sv
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return translate(err, "idempotency key")
		}
		// Purge a batch of expired keys with each claim: the table holds
		// what is live, whatever the traffic.
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE key IN (SELECT key FROM idempotency WHERE expires_at < ? LIMIT 100)`, now.UnixMilli()); err != nil {
			return translate(err, "idempotency key")
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO idempotency (key, hash, done, status, content_type, body, created_at, owner, expires_at) VALUES (?, ?, 0, 0, '', NULL, ?, ?, ?)`,
			key, hash, now.UnixMilli(), lot.KeyOwner(key), now.Add(ttl).UnixMilli())
		return translate(err, "idempotency key")
	})
	return saved, err
}

// HeldKeys counts owner's keys claimed at or after since.
func (s *Store) HeldKeys(ctx context.Context, owner string, since time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM idempotency WHERE owner = ? AND created_at >= ?`, owner, since.UnixMilli()).Scan(&n)
	return n, translate(err, "idempotency key")
}

// FinishKey stores the answer for a claimed key.
func (s *Store) FinishKey(ctx context.Context, key string, status int, contentType string, body []byte) error {
	_, err := s.w.ExecContext(ctx, `UPDATE idempotency SET done = 1, status = ?, content_type = ?, body = ? WHERE key = ?`, status, contentType, body, key)
	return translate(err, "idempotency key")
}

// ReleaseKey forgets a key.
func (s *Store) ReleaseKey(ctx context.Context, key string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM idempotency WHERE key = ?`, key)
	return translate(err, "idempotency key")
}

// PutTemplate creates or replaces a saved search.
func (s *Store) PutTemplate(ctx context.Context, t *lot.Template) error {
	return s.putJSON(ctx, `INSERT OR REPLACE INTO templates (owner, name, data) VALUES (?, ?, ?)`, record.FromTemplate(t), t.Owner, t.Name)
}

// GetTemplate fails with not_found for an unknown template.
func (s *Store) GetTemplate(ctx context.Context, owner, name string) (*lot.Template, error) {
	var row record.Template
	if err := s.getJSON(ctx, "template", `SELECT data FROM templates WHERE owner = ? AND name = ?`, &row, owner, name); err != nil {
		return nil, err
	}
	return row.Domain(), nil
}

// ListTemplates returns the owner's templates by name.
func (s *Store) ListTemplates(ctx context.Context, owner string) ([]*lot.Template, error) {
	rows, err := queryJSON[record.Template](ctx, s.r, "template", `SELECT data FROM templates WHERE owner = ? ORDER BY name`, owner)
	out := make([]*lot.Template, len(rows))
	for i, r := range rows {
		out[i] = r.Domain()
	}
	return out, err
}

// DeleteTemplate fails with not_found for an unknown template.
func (s *Store) DeleteTemplate(ctx context.Context, owner, name string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM templates WHERE owner = ? AND name = ?`, owner, name)
	if err != nil {
		return translate(err, "template")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return lot.Errorf(lot.CodeNotFound, "no such template")
	}
	return nil
}

// CreateTransfer stores a new transfer at version 1.
func (s *Store) CreateTransfer(ctx context.Context, t *lot.Transfer) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO transfers (id, request_id, version, data, queue) VALUES (?, ?, 1, ?, ?)`,
		t.ID, t.RequestID, mustJSON(record.FromTransfer(t)), nullable(string(t.Queue())))
	if err = translate(err, "transfer"); err == nil {
		t.Version = 1
	}
	return err
}

// GetTransfer fails with not_found for an unknown transfer.
func (s *Store) GetTransfer(ctx context.Context, id string) (*lot.Transfer, error) {
	var data string
	var version int64
	if err := s.r.QueryRowContext(ctx, `SELECT version, data FROM transfers WHERE id = ?`, id).Scan(&version, &data); err != nil {
		return nil, translate(err, "transfer")
	}
	return record.DecodeTransfer([]byte(data), version)
}

// UpdateTransfer writes fn's change at the next version, if none came first.
func (s *Store) UpdateTransfer(ctx context.Context, id string, fn func(*lot.Transfer) (bool, error)) (*lot.Transfer, error) {
	t, err := s.GetTransfer(ctx, id)
	if err != nil {
		return nil, err
	}
	changed, err := fn(t)
	if err != nil || !changed {
		return t, err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE transfers SET version = version + 1, data = ?, queue = ? WHERE id = ? AND version = ?`,
		mustJSON(record.FromTransfer(t)), nullable(string(t.Queue())), id, t.Version)
	if err != nil {
		return nil, translate(err, "transfer")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, lot.Errorf(lot.CodeConflict, "the transfer changed meanwhile; reload and try again")
	}
	t.Version++
	return t, nil
}

// ListTransfers returns a request's transfers, newest first.
func (s *Store) ListTransfers(ctx context.Context, requestID string) ([]*lot.Transfer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT version, data FROM transfers WHERE request_id = ? ORDER BY id DESC`, requestID)
	if err != nil {
		return nil, translate(err, "transfer")
	}
	defer rows.Close()
	out := []*lot.Transfer{}
	for rows.Next() {
		var data string
		var version int64
		if err := rows.Scan(&version, &data); err != nil {
			return nil, translate(err, "transfer")
		}
		t, err := record.DecodeTransfer([]byte(data), version)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, translate(rows.Err(), "transfer")
}

// ListQueue pages through the transfers waiting in f's queues, newest
// first, over the transfers_queue index.
func (s *Store) ListQueue(ctx context.Context, f lot.QueueFilter, after string, limit int) ([]*lot.Transfer, string, error) {
	if limit <= 0 || limit > lot.MaxPage {
		limit = lot.MaxPage
	}
	if len(f.Queues) == 0 {
		return []*lot.Transfer{}, "", nil
	}
	q := strings.Builder{}
	q.WriteString(`SELECT version, data FROM transfers WHERE queue IN (?` + strings.Repeat(`, ?`, len(f.Queues)-1) + `)`)
	var args []any
	for _, qu := range f.Queues {
		args = append(args, string(qu))
	}
	if after != "" {
		q.WriteString(` AND id < ?`)
		args = append(args, after)
	}
	partner := func(p string) {
		q.WriteString(` AND (json_extract(data, '$.fp') = ? OR json_extract(data, '$.sub') = ?)`)
		args = append(args, p, p)
	}
	switch sc := f.Scope; {
	case sc.All:
	case sc.FulfillmentPartner != "":
		partner(sc.FulfillmentPartner)
	case sc.ContentPartner != "":
		q.WriteString(` AND json_extract(data, '$.cp') = ?`)
		args = append(args, sc.ContentPartner)
	default:
		return []*lot.Transfer{}, "", nil
	}
	if f.FulfillmentPartner != "" {
		partner(f.FulfillmentPartner)
	}
	q.WriteString(` ORDER BY id DESC LIMIT ?`)
	args = append(args, limit+1)
	rows, err := s.r.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, "", translate(err, "transfer")
	}
	defer rows.Close()
	out := []*lot.Transfer{}
	for rows.Next() {
		var data string
		var version int64
		if err := rows.Scan(&version, &data); err != nil {
			return nil, "", translate(err, "transfer")
		}
		t, err := record.DecodeTransfer([]byte(data), version)
		if err != nil {
			return nil, "", err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, "", translate(err, "transfer")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// CreateDoc stores a document at version 1; conflict when it exists.
func (s *Store) CreateDoc(ctx context.Context, kind, id, parent string, data []byte) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO docs (kind, id, parent, version, data) VALUES (?, ?, ?, 1, ?)`, kind, id, parent, string(data))
	return translate(err, kind)
}

// GetDoc fails with not_found.
func (s *Store) GetDoc(ctx context.Context, kind, id string) ([]byte, int64, error) {
	var data string
	var version int64
	err := s.r.QueryRowContext(ctx, `SELECT version, data FROM docs WHERE kind = ? AND id = ?`, kind, id).Scan(&version, &data)
	if err != nil {
		return nil, 0, translate(err, kind)
	}
	return []byte(data), version, nil
}

// ReplaceDoc writes at version+1 only if the document is still at version.
func (s *Store) ReplaceDoc(ctx context.Context, kind, id, parent string, data []byte, version int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE docs SET version = version + 1, parent = ?, data = ? WHERE kind = ? AND id = ? AND version = ?`,
		parent, string(data), kind, id, version)
	if err != nil {
		return translate(err, kind)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return lot.Errorf(lot.CodeConflict, "the %s changed meanwhile; reload and try again", kind)
	}
	return nil
}

// ListDocs returns a parent's documents of a kind by ID.
func (s *Store) ListDocs(ctx context.Context, kind, parent string) ([][]byte, []int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT version, data FROM docs WHERE kind = ? AND parent = ? ORDER BY id`, kind, parent)
	if err != nil {
		return nil, nil, translate(err, kind)
	}
	defer rows.Close()
	var data [][]byte
	var versions []int64
	for rows.Next() {
		var d string
		var v int64
		if err := rows.Scan(&v, &d); err != nil {
			return nil, nil, translate(err, kind)
		}
		data, versions = append(data, []byte(d)), append(versions, v)
	}
	return data, versions, translate(rows.Err(), kind)
}
