package portal

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/gob"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// Following is a store whose request changes can be followed (shared/dynamo:
// the byChange index). Searches over it keep their index per scope and
// bring it up to date by reading only what changed, instead of every
// request in scope.
type Following interface {
	// RequestChanges returns the requests written after since that the
	// holder of scope's index lacks (have tells the version it has), the IDs
	// of requests it has that left scope, and the newest change stamp seen.
	RequestChanges(ctx context.Context, scope lot.Scope, since time.Time, have func(id string) (int64, bool)) (changed []*lot.Request, gone []string, latest time.Time, err error)
	// OnRequestChange calls fn with every request this store writes, once
	// written.
	OnRequestChange(fn func(*lot.Request))
}

// How a followed index keeps up (DESIGN.md in shared/dynamo explains the
// costs): it reads changes at most every FollowPoll, back from
// FollowOverlap before the newest stamp it saw (stamps come from the
// writers' clocks, and the change index is eventually consistent). A search
// waits for that read only when the last one started more than FollowWait
// ago (a quiet instance); otherwise the read runs beside it and the next
// search sees its result. The index is written as a snapshot when the one
// it started from is older than SnapshotEvery and changes were applied
// since.
var (
	FollowPoll    = 250 * time.Millisecond
	FollowWait    = time.Second
	FollowOverlap = 2 * time.Second
	SnapshotEvery = 10 * time.Minute
)

// followedIndex is one scope's index over a Following store.
type followedIndex struct {
	scope  lot.Scope
	loadMu sync.Mutex   // one load at a time; searches of a cold scope wait for it
	pollMu sync.Mutex   // one read of the change index at a time
	rw     sync.RWMutex // searches share x; Update holds it alone
	x      *search.Index

	mu          sync.Mutex       // guards what follows, and changes to x
	vers        map[string]int64 // version of each indexed request
	seen        time.Time        // newest change stamp read
	polled      time.Time        // when the last completed read of changes started (this instance's clock)
	snapAt      time.Time        // when the snapshot it started from or wrote was made
	snapChanges int              // changes applied since
	snapping    atomic.Bool

	pendMu  sync.Mutex
	pending []*lot.Request // this instance's own writes, not yet applied
}

// followedIndex returns scope's index brought up to date: this instance's
// own changes at once, everyone's within FollowWait plus the change index's
// lag. A cold index starts from the scope's snapshot when there is one.
func (s *Tenancy) followedIndex(ctx context.Context, scope lot.Scope, f Following) (*followedIndex, error) {
	s.listen.Do(func() { f.OnRequestChange(s.noteChange) })
	s.indexMu.Lock()
	if s.followed == nil || len(s.followed) >= 64 && s.followed[scope] == nil {
		s.followed = map[lot.Scope]*followedIndex{} // an instance serves a few scopes; one that served many starts over
	}
	c := s.followed[scope]
	if c == nil {
		c = &followedIndex{scope: scope}
		s.followed[scope] = c
	}
	s.indexMu.Unlock()

	c.loadMu.Lock()
	if c.x == nil {
		if err := s.load(ctx, c); err != nil {
			c.loadMu.Unlock()
			return nil, err
		}
	}
	c.loadMu.Unlock()
	c.pendMu.Lock()
	mine := c.pending
	c.pending = nil
	c.pendMu.Unlock()
	c.mu.Lock()
	c.apply(mine, nil)
	age := time.Since(c.polled)
	c.mu.Unlock()
	switch {
	case age > FollowWait: // quiet for a while: this search waits for the changes
		c.pollMu.Lock()
		err := s.poll(ctx, c, f, FollowWait)
		c.pollMu.Unlock()
		if err != nil {
			return nil, err
		}
	case age >= FollowPoll && c.pollMu.TryLock():
		go func() {
			defer c.pollMu.Unlock()
			if err := s.poll(context.WithoutCancel(ctx), c, f, FollowPoll); err != nil {
				s.Log.WarnContext(ctx, "search changes not read", "err", err)
			}
		}()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.snapChanges > 0 && time.Since(c.snapAt) > SnapshotEvery && c.snapping.CompareAndSwap(false, true) {
		reqs, stamp := c.requests(), c.seen
		c.snapAt, c.snapChanges = time.Now(), 0
		go func() { // from a copy: searches go on meanwhile
			defer c.snapping.Store(false)
			s.writeSnapshot(context.WithoutCancel(ctx), scope, stamp, reqs)
		}()
	}
	return c, nil
}

// poll reads the changes since the newest stamp seen (less the overlap)
// and applies them, unless another read that started less than fresh ago
// completed meanwhile. The caller holds c.pollMu.
func (s *Tenancy) poll(ctx context.Context, c *followedIndex, f Following, fresh time.Duration) error {
	start := time.Now()
	c.mu.Lock()
	since, done := c.seen.Add(-FollowOverlap), start.Sub(c.polled) < fresh
	c.mu.Unlock()
	if done {
		return nil
	}
	changed, gone, latest, err := f.RequestChanges(ctx, c.scope, since, c.have)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.polled, c.seen = start, maxTime(c.seen, latest)
	c.apply(changed, gone)
	return nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// have is the version of request id in the index.
func (c *followedIndex) have(id string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.vers[id]
	return v, ok
}

// apply puts the changed requests that are newer than the index's and in
// scope into it, and drops those that left the scope. The caller holds c.mu.
func (c *followedIndex) apply(changed []*lot.Request, gone []string) {
	var put []*lot.Request
	drop := gone
	for _, r := range changed {
		v, ok := c.vers[r.ID]
		switch {
		case ok && v >= r.Version:
		case !c.scope.Contains(r): // checked here too: a store bug must not leak another tenant's request
			if ok {
				drop = append(drop, r.ID)
			}
		default:
			put = append(put, r)
		}
	}
	if len(put) == 0 && len(drop) == 0 {
		return
	}
	c.rw.Lock()
	c.x.Update(put, drop)
	c.rw.Unlock()
	for _, id := range drop {
		delete(c.vers, id)
	}
	for _, r := range put {
		c.vers[r.ID] = max(c.vers[r.ID], r.Version)
	}
	c.snapChanges += len(put) + len(drop)
}

// requests copies the indexed requests.
func (c *followedIndex) requests() []*lot.Request {
	c.rw.RLock()
	defer c.rw.RUnlock()
	return append([]*lot.Request(nil), c.x.Requests()...)
}

const maxPending = 10000

// noteChange hears a request this instance wrote and queues it for every
// index it belongs in, or left.
func (s *Tenancy) noteChange(r *lot.Request) {
	s.indexMu.Lock()
	cs := make([]*followedIndex, 0, len(s.followed))
	for _, c := range s.followed {
		cs = append(cs, c)
	}
	s.indexMu.Unlock()
	for _, c := range cs {
		// A request that left c's scope is queued too: apply drops it if held.
		c.pendMu.Lock()
		if len(c.pending) < maxPending { // past it (an index no one searches) the change index has them
			c.pending = append(c.pending, r)
		}
		c.pendMu.Unlock()
	}
}

// load fills a cold index: from the scope's snapshot when there is one (the
// catch-up that follows reads what changed since it was made), else from
// every request in scope, and then writes the snapshot.
func (s *Tenancy) load(ctx context.Context, c *followedIndex) error {
	if snap, ok := s.readSnapshot(ctx, c.scope); ok {
		c.x, c.seen, c.snapAt = search.Build(snap.Requests), snap.Stamp, snap.Made
	} else {
		start := time.Now()
		reqs, err := s.Store.ScopeRequests(ctx, c.scope)
		if err != nil {
			return err
		}
		visible := make([]*lot.Request, 0, len(reqs))
		for _, r := range reqs {
			if c.scope.Contains(r) {
				visible = append(visible, r)
			}
		}
		c.x, c.seen, c.snapAt = search.Build(visible), start, start
		s.writeSnapshot(ctx, c.scope, start, visible)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.vers = make(map[string]int64, c.x.Len())
	for _, r := range c.x.Requests() {
		c.vers[r.ID] = r.Version
	}
	c.polled = time.Time{} // catch up at once
	return nil
}

// snapshot is what a scope's search snapshot holds: the requests in scope
// as of Stamp (every change stamped before it is in), gob-encoded and
// gzipped (fastest level): about 53 bytes a request where gob alone takes
// 250 and JSON 700, and no slower to decode, so a cold instance reads a
// fifth of the bytes.
type snapshot struct {
	Scope    lot.Scope
	Stamp    time.Time
	Made     time.Time
	Requests []*lot.Request
}

// SnapshotKey is the blob key of scope's search snapshot.
func SnapshotKey(scope lot.Scope) string {
	switch {
	case scope.All:
		return "search/all.gob.gz"
	case scope.FulfillmentPartner != "":
		return "search/fp/" + keySegment(scope.FulfillmentPartner) + ".gob.gz"
	case scope.ContentPartner != "":
		return "search/cp/" + keySegment(scope.ContentPartner) + ".gob.gz"
	}
	return "search/none.gob.gz"
}

// keySegment is id when it is safe in a blob key, else its hex.
func keySegment(id string) string {
	if lot.CheckBlobKey(id) == nil && id != "" && !bytes.ContainsAny([]byte(id), "/.") {
		return id
	}
	return fmt.Sprintf("x%x", id)
}

// encodeSnapshot is the bytes of a snapshot of scope's requests as of stamp.
func encodeSnapshot(scope lot.Scope, stamp time.Time, reqs []*lot.Request) ([]byte, error) {
	var b bytes.Buffer
	z, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed) // the level is valid
	if err := gob.NewEncoder(z).Encode(snapshot{Scope: scope, Stamp: stamp, Made: time.Now(), Requests: reqs}); err != nil {
		return nil, err
	}
	err := z.Close()
	return b.Bytes(), err
}

// writeSnapshot stores scope's snapshot when the blob store can write; a
// failure is logged, not returned: the next cold start reads the scope.
func (s *Tenancy) writeSnapshot(ctx context.Context, scope lot.Scope, stamp time.Time, reqs []*lot.Request) {
	w, ok := s.Blobs.(lot.BlobWriter)
	if !ok {
		return
	}
	b, err := encodeSnapshot(scope, stamp, reqs)
	if err == nil {
		err = w.WriteBlob(ctx, SnapshotKey(scope), "application/gzip", b)
	}
	if err != nil {
		s.Log.WarnContext(ctx, "search snapshot not written", "key", SnapshotKey(scope), "err", err)
	}
}

// readSnapshot reads scope's snapshot; false when there is none or it
// cannot be read (logged).
func (s *Tenancy) readSnapshot(ctx context.Context, scope lot.Scope) (snapshot, bool) {
	var snap snapshot
	if s.Blobs == nil {
		return snap, false
	}
	key := SnapshotKey(scope)
	rc, err := s.Blobs.Read(ctx, key, 0, -1)
	if lot.IsCode(err, lot.CodeNotFound) {
		return snap, false
	}
	if err == nil {
		defer rc.Close()
		var z *gzip.Reader
		if z, err = gzip.NewReader(rc); err == nil {
			err = gob.NewDecoder(z).Decode(&snap)
		}
	}
	if err == nil && snap.Scope != scope {
		err = fmt.Errorf("snapshot of scope %+v under the key of %+v", snap.Scope, scope)
	}
	if err != nil {
		s.Log.WarnContext(ctx, "search snapshot not read", "key", key, "err", err)
		return snapshot{}, false
	}
	kept := snap.Requests[:0] // checked again: a misplaced snapshot must not leak another tenant's request
	for _, r := range snap.Requests {
		if scope.Contains(r) {
			kept = append(kept, r)
		}
	}
	snap.Requests = kept
	return snap, true
}
