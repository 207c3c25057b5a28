package portal

import (
	"context"
	"net/url"
	"sync"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// Tenancy answers what a principal may see: one request, or the requests
// of its scope as a search index, kept per scope while the store stands
// still. Every aggregate that shows requests or their titles asks it.
type Tenancy struct {
	*Deps
	indexMu  sync.Mutex
	indexes  map[lot.Scope]*cachedIndex
	followed map[lot.Scope]*followedIndex // over a Following store (follow.go)
	listen   sync.Once
}

// NewTenancy returns the tenancy checks over d's store.
func NewTenancy(d *Deps) *Tenancy {
	return &Tenancy{Deps: d}
}

// Revisioned is a store that can say cheaply whether any request changed:
// the revision moves with every committed change. The embedded store is one;
// searches then reuse their index until something changes.
type Revisioned interface {
	RequestsRevision(ctx context.Context) (int64, error)
}

// cachedIndex is one scope's search index; its own lock lets one search
// rebuild it while searches of other scopes go on.
type cachedIndex struct {
	mu  sync.Mutex
	rev int64
	x   *search.Index
}

// visible returns request id when p may see it. It fails with invalid for
// a malformed ID and not_found for a missing request or one p may not see.
func (s *Tenancy) visible(ctx context.Context, p lot.Principal, id string) (*lot.Request, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	r, err := s.Store.GetRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	if !r.VisibleTo(p) {
		return nil, errNotFound
	}
	return r, nil
}

// search runs a search (query parameters as search.Parse reads them, no
// template) over the requests p may see. It fails with invalid for a bad
// query.
func (s *Tenancy) search(ctx context.Context, p lot.Principal, v url.Values) (search.Result, search.Query, error) {
	q, err := search.Parse(v)
	if err != nil {
		return search.Result{}, q, err
	}
	var res search.Result
	err = s.withIndex(ctx, p, func(x *search.Index) (err error) {
		res, err = x.Run(q, s.Clock.Now(), s.Rules)
		return err
	})
	return res, q, err
}

// withIndex calls fn with the search index of p's scope, which stays as it
// is until fn returns. It fails with the store's error.
func (s *Tenancy) withIndex(ctx context.Context, p lot.Principal, fn func(*search.Index) error) error {
	if f, ok := s.Store.(Following); ok {
		c, err := s.followedIndex(ctx, lot.ScopeOf(p), f)
		if err != nil {
			return err
		}
		c.rw.RLock()
		defer c.rw.RUnlock()
		return fn(c.x)
	}
	x, err := s.index(ctx, p)
	if err != nil {
		return err
	}
	return fn(x)
}

// index returns the search index of p's scope, reused while the store's
// revision stands still (stores without revisions build one per search).
func (s *Tenancy) index(ctx context.Context, p lot.Principal) (*search.Index, error) {
	scope := lot.ScopeOf(p)
	rs, cacheable := s.Store.(Revisioned)
	if !cacheable {
		return s.build(ctx, p, scope)
	}
	rev, err := rs.RequestsRevision(ctx)
	if err != nil {
		return nil, err
	}
	s.indexMu.Lock()
	if s.indexes == nil || len(s.indexes) >= 64 {
		s.indexes = map[lot.Scope]*cachedIndex{}
	}
	c := s.indexes[scope]
	if c == nil {
		c = &cachedIndex{}
		s.indexes[scope] = c
	}
	s.indexMu.Unlock()
	c.mu.Lock() // one build per scope at a time; its other searches wait for it
	defer c.mu.Unlock()
	if c.x != nil && c.rev == rev {
		return c.x, nil
	}
	x, err := s.build(ctx, p, scope)
	if err != nil {
		return nil, err
	}
	c.rev, c.x = rev, x
	return x, nil
}

// build indexes the requests in scope that p may see.
func (s *Tenancy) build(ctx context.Context, p lot.Principal, scope lot.Scope) (*search.Index, error) {
	reqs, err := s.Store.ScopeRequests(ctx, scope)
	if err != nil {
		return nil, err
	}
	visible := reqs[:0]
	for _, r := range reqs {
		if r.VisibleTo(p) { // checked again: a store bug must not leak another tenant's request
			visible = append(visible, r)
		}
	}
	return search.Build(visible), nil
}
