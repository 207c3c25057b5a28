package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"github.com/openlot/openlot/shared/lot"
)

// snapshot keeps every request decoded in memory for search. It is brought
// up to date before each use by reading only the rows whose revision is newer
// than the one it has seen: one indexed query, usually returning nothing.
// Requests in it are never changed in place; a newer version replaces the
// pointer, so slices handed out stay as they were.
type snapshot struct {
	mu   sync.RWMutex
	rev  int64
	pos  map[string]int
	list []*lot.Request
}

// nextRev takes the next revision inside a write transaction.
func nextRev(ctx context.Context, tx *sql.Tx) (int64, error) {
	var rev int64
	err := tx.QueryRowContext(ctx, `UPDATE meta SET v = v + 1 WHERE k = 'rev' RETURNING v`).Scan(&rev)
	return rev, translate(err, "revision")
}

// refresh reads what changed since the snapshot's revision, in one read
// transaction so the revision and the rows agree.
func (s *Store) refresh(ctx context.Context) error {
	s.snap.mu.RLock()
	seen := s.snap.rev
	s.snap.mu.RUnlock()
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return translate(err, "request")
	}
	defer tx.Rollback()
	var rev int64
	if err := tx.QueryRowContext(ctx, `SELECT v FROM meta WHERE k = 'rev'`).Scan(&rev); err != nil {
		return translate(err, "revision")
	}
	if rev == seen {
		return nil
	}
	from := seen
	if seen == 0 {
		from = -1 // first load: every row
	}
	rows, err := tx.QueryContext(ctx, `SELECT version, data FROM requests WHERE rev > ?`, from)
	if err != nil {
		return translate(err, "request")
	}
	defer rows.Close()
	var changed []*lot.Request
	for rows.Next() {
		var data string
		var version int64
		if err := rows.Scan(&version, &data); err != nil {
			return translate(err, "request")
		}
		r, err := decodeRequest(data, version)
		if err != nil {
			return err
		}
		changed = append(changed, r)
	}
	if err := rows.Err(); err != nil {
		return translate(err, "request")
	}
	s.snap.mu.Lock()
	defer s.snap.mu.Unlock()
	if s.snap.rev != seen { // another refresh got here first; it read at least as far
		return nil
	}
	if s.snap.pos == nil {
		s.snap.pos = make(map[string]int, len(changed))
	}
	for _, r := range changed {
		if i, ok := s.snap.pos[r.ID]; ok {
			s.snap.list[i] = r
		} else {
			s.snap.pos[r.ID] = len(s.snap.list)
			s.snap.list = append(s.snap.list, r)
		}
	}
	s.snap.rev = rev
	return nil
}

// ScopeRequests returns the requests in scope from the in-memory snapshot.
func (s *Store) ScopeRequests(ctx context.Context, scope lot.Scope) ([]*lot.Request, error) {
	if err := s.refresh(ctx); err != nil {
		return nil, err
	}
	s.snap.mu.RLock()
	defer s.snap.mu.RUnlock()
	if scope.All {
		return append([]*lot.Request(nil), s.snap.list...), nil
	}
	out := make([]*lot.Request, 0, 256)
	for _, r := range s.snap.list {
		if scope.Contains(r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// RequestsRevision brings the snapshot up to date and returns its revision,
// which moves with every committed change (portal reuses search indexes
// while it stands still).
func (s *Store) RequestsRevision(ctx context.Context) (int64, error) {
	if err := s.refresh(ctx); err != nil {
		return 0, err
	}
	s.snap.mu.RLock()
	defer s.snap.mu.RUnlock()
	return s.snap.rev, nil
}
