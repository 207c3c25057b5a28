package faulttest

import (
	"context"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

// Store is a lot.Store whose calls get the faults of F. Close gets none.
type Store struct {
	S lot.Store
	F *Faults
}

// WrapStore returns s with faults from f, keeping the optional interfaces
// s implements (portal.Revisioned, portal.Following).
func WrapStore(s lot.Store, f *Faults) lot.Store {
	base := &Store{S: s, F: f}
	rev, revisioned := s.(portal.Revisioned)
	fol, following := s.(portal.Following)
	switch {
	case revisioned && following:
		return struct {
			*Store
			revisions
			changes
		}{base, revisions{base, rev}, changes{base, fol}}
	case revisioned:
		return struct {
			*Store
			revisions
		}{base, revisions{base, rev}}
	case following:
		return struct {
			*Store
			changes
		}{base, changes{base, fol}}
	}
	return base
}

type revisions struct {
	s *Store
	r portal.Revisioned
}

func (w revisions) RequestsRevision(ctx context.Context) (int64, error) {
	return call(w.s.F, "Store.RequestsRevision", func() (int64, error) { return w.r.RequestsRevision(ctx) })
}

type changes struct {
	s *Store
	f portal.Following
}

func (w changes) RequestChanges(ctx context.Context, scope lot.Scope, since time.Time, have func(id string) (int64, bool)) (changed []*lot.Request, gone []string, latest time.Time, err error) {
	type res struct {
		changed []*lot.Request
		gone    []string
		latest  time.Time
	}
	r, err := call(w.s.F, "Store.RequestChanges", func() (res, error) {
		c, g, l, err := w.f.RequestChanges(ctx, scope, since, have)
		return res{c, g, l}, err
	})
	return r.changed, r.gone, r.latest, err
}

// OnRequestChange registers fn with the wrapped store; it is not a call that fails.
func (w changes) OnRequestChange(fn func(*lot.Request)) { w.f.OnRequestChange(fn) }

// Close closes the wrapped store, without faults.
func (s *Store) Close() error { return s.S.Close() }

// Catalog

func (s *Store) PutPartner(ctx context.Context, p *lot.Partner) error {
	return run(s.F, "Store.PutPartner", func() error { return s.S.PutPartner(ctx, p) })
}

func (s *Store) GetPartner(ctx context.Context, id string) (*lot.Partner, error) {
	return call(s.F, "Store.GetPartner", func() (*lot.Partner, error) { return s.S.GetPartner(ctx, id) })
}

func (s *Store) ListPartners(ctx context.Context) ([]*lot.Partner, error) {
	return call(s.F, "Store.ListPartners", func() ([]*lot.Partner, error) { return s.S.ListPartners(ctx) })
}

func (s *Store) PutTitle(ctx context.Context, t *lot.Title) error {
	return run(s.F, "Store.PutTitle", func() error { return s.S.PutTitle(ctx, t) })
}

func (s *Store) GetTitle(ctx context.Context, movieID int64) (*lot.Title, error) {
	return call(s.F, "Store.GetTitle", func() (*lot.Title, error) { return s.S.GetTitle(ctx, movieID) })
}

func (s *Store) PutPackage(ctx context.Context, p *lot.Package) error {
	return run(s.F, "Store.PutPackage", func() error { return s.S.PutPackage(ctx, p) })
}

func (s *Store) GetPackage(ctx context.Context, id int64) (*lot.Package, error) {
	return call(s.F, "Store.GetPackage", func() (*lot.Package, error) { return s.S.GetPackage(ctx, id) })
}

// Requests

func (s *Store) CreateRequests(ctx context.Context, rs ...*lot.Request) error {
	return run(s.F, "Store.CreateRequests", func() error { return s.S.CreateRequests(ctx, rs...) })
}

func (s *Store) GetRequest(ctx context.Context, id string) (*lot.Request, error) {
	return call(s.F, "Store.GetRequest", func() (*lot.Request, error) { return s.S.GetRequest(ctx, id) })
}

func (s *Store) ListRequests(ctx context.Context, scope lot.Scope, after string, limit int) ([]*lot.Request, string, error) {
	type res struct {
		rs   []*lot.Request
		next string
	}
	r, err := call(s.F, "Store.ListRequests", func() (res, error) {
		rs, next, err := s.S.ListRequests(ctx, scope, after, limit)
		return res{rs, next}, err
	})
	return r.rs, r.next, err
}

func (s *Store) UpdateRequest(ctx context.Context, id string, fn func(*lot.Request) error) (*lot.Request, error) {
	return call(s.F, "Store.UpdateRequest", func() (*lot.Request, error) { return s.S.UpdateRequest(ctx, id, fn) })
}

func (s *Store) ScopeRequests(ctx context.Context, scope lot.Scope) ([]*lot.Request, error) {
	return call(s.F, "Store.ScopeRequests", func() ([]*lot.Request, error) { return s.S.ScopeRequests(ctx, scope) })
}

func (s *Store) History(ctx context.Context, id string) ([]lot.HistoryEntry, error) {
	return call(s.F, "Store.History", func() ([]lot.HistoryEntry, error) { return s.S.History(ctx, id) })
}

// Clients

func (s *Store) PutClient(ctx context.Context, c *lot.Client) error {
	return run(s.F, "Store.PutClient", func() error { return s.S.PutClient(ctx, c) })
}

func (s *Store) GetClient(ctx context.Context, id string) (*lot.Client, error) {
	return call(s.F, "Store.GetClient", func() (*lot.Client, error) { return s.S.GetClient(ctx, id) })
}

// Idempotency

func (s *Store) ClaimKey(ctx context.Context, key, requestHash string, now time.Time, ttl time.Duration) (*lot.Saved, error) {
	return call(s.F, "Store.ClaimKey", func() (*lot.Saved, error) { return s.S.ClaimKey(ctx, key, requestHash, now, ttl) })
}

func (s *Store) FinishKey(ctx context.Context, key string, status int, contentType string, body []byte) error {
	return run(s.F, "Store.FinishKey", func() error { return s.S.FinishKey(ctx, key, status, contentType, body) })
}

func (s *Store) ReleaseKey(ctx context.Context, key string) error {
	return run(s.F, "Store.ReleaseKey", func() error { return s.S.ReleaseKey(ctx, key) })
}

func (s *Store) HeldKeys(ctx context.Context, owner string, since time.Time) (int, error) {
	return call(s.F, "Store.HeldKeys", func() (int, error) { return s.S.HeldKeys(ctx, owner, since) })
}

// Templates

func (s *Store) PutTemplate(ctx context.Context, t *lot.Template) error {
	return run(s.F, "Store.PutTemplate", func() error { return s.S.PutTemplate(ctx, t) })
}

func (s *Store) GetTemplate(ctx context.Context, owner, name string) (*lot.Template, error) {
	return call(s.F, "Store.GetTemplate", func() (*lot.Template, error) { return s.S.GetTemplate(ctx, owner, name) })
}

func (s *Store) ListTemplates(ctx context.Context, owner string) ([]*lot.Template, error) {
	return call(s.F, "Store.ListTemplates", func() ([]*lot.Template, error) { return s.S.ListTemplates(ctx, owner) })
}

func (s *Store) DeleteTemplate(ctx context.Context, owner, name string) error {
	return run(s.F, "Store.DeleteTemplate", func() error { return s.S.DeleteTemplate(ctx, owner, name) })
}

// Transfers

func (s *Store) CreateTransfer(ctx context.Context, t *lot.Transfer) error {
	return run(s.F, "Store.CreateTransfer", func() error { return s.S.CreateTransfer(ctx, t) })
}

func (s *Store) GetTransfer(ctx context.Context, id string) (*lot.Transfer, error) {
	return call(s.F, "Store.GetTransfer", func() (*lot.Transfer, error) { return s.S.GetTransfer(ctx, id) })
}

func (s *Store) UpdateTransfer(ctx context.Context, id string, fn func(*lot.Transfer) (bool, error)) (*lot.Transfer, error) {
	return call(s.F, "Store.UpdateTransfer", func() (*lot.Transfer, error) { return s.S.UpdateTransfer(ctx, id, fn) })
}

func (s *Store) ListTransfers(ctx context.Context, requestID string) ([]*lot.Transfer, error) {
	return call(s.F, "Store.ListTransfers", func() ([]*lot.Transfer, error) { return s.S.ListTransfers(ctx, requestID) })
}

func (s *Store) ListQueue(ctx context.Context, f lot.QueueFilter, after string, limit int) ([]*lot.Transfer, string, error) {
	type res struct {
		ts   []*lot.Transfer
		next string
	}
	r, err := call(s.F, "Store.ListQueue", func() (res, error) {
		ts, next, err := s.S.ListQueue(ctx, f, after, limit)
		return res{ts, next}, err
	})
	return r.ts, r.next, err
}

// Materials

func (s *Store) CreateMaterial(ctx context.Context, m *lot.Material) error {
	return run(s.F, "Store.CreateMaterial", func() error { return s.S.CreateMaterial(ctx, m) })
}

func (s *Store) GetMaterial(ctx context.Context, id string) (*lot.Material, error) {
	return call(s.F, "Store.GetMaterial", func() (*lot.Material, error) { return s.S.GetMaterial(ctx, id) })
}

func (s *Store) UpdateMaterial(ctx context.Context, id string, fn func(*lot.Material) (bool, error)) (*lot.Material, error) {
	return call(s.F, "Store.UpdateMaterial", func() (*lot.Material, error) { return s.S.UpdateMaterial(ctx, id, fn) })
}

func (s *Store) ListMaterials(ctx context.Context, movieID int64) ([]*lot.Material, error) {
	return call(s.F, "Store.ListMaterials", func() ([]*lot.Material, error) { return s.S.ListMaterials(ctx, movieID) })
}

func (s *Store) CreateProxy(ctx context.Context, p *lot.Proxy) error {
	return run(s.F, "Store.CreateProxy", func() error { return s.S.CreateProxy(ctx, p) })
}

func (s *Store) GetProxy(ctx context.Context, id string) (*lot.Proxy, error) {
	return call(s.F, "Store.GetProxy", func() (*lot.Proxy, error) { return s.S.GetProxy(ctx, id) })
}

func (s *Store) UpdateProxy(ctx context.Context, id string, fn func(*lot.Proxy) (bool, error)) (*lot.Proxy, error) {
	return call(s.F, "Store.UpdateProxy", func() (*lot.Proxy, error) { return s.S.UpdateProxy(ctx, id, fn) })
}

func (s *Store) ListProxies(ctx context.Context, materialID string) ([]*lot.Proxy, error) {
	return call(s.F, "Store.ListProxies", func() ([]*lot.Proxy, error) { return s.S.ListProxies(ctx, materialID) })
}

func (s *Store) CreateDownload(ctx context.Context, d *lot.Download) error {
	return run(s.F, "Store.CreateDownload", func() error { return s.S.CreateDownload(ctx, d) })
}

func (s *Store) GetDownload(ctx context.Context, id string) (*lot.Download, error) {
	return call(s.F, "Store.GetDownload", func() (*lot.Download, error) { return s.S.GetDownload(ctx, id) })
}

func (s *Store) UpdateDownload(ctx context.Context, id string, fn func(*lot.Download) (bool, error)) (*lot.Download, error) {
	return call(s.F, "Store.UpdateDownload", func() (*lot.Download, error) { return s.S.UpdateDownload(ctx, id, fn) })
}

func (s *Store) ListDownloads(ctx context.Context, movieID int64, partner string) ([]*lot.Download, error) {
	return call(s.F, "Store.ListDownloads", func() ([]*lot.Download, error) { return s.S.ListDownloads(ctx, movieID, partner) })
}

// Users

func (s *Store) PutUser(ctx context.Context, u *lot.User) error {
	return run(s.F, "Store.PutUser", func() error { return s.S.PutUser(ctx, u) })
}

func (s *Store) GetUser(ctx context.Context, subject string) (*lot.User, error) {
	return call(s.F, "Store.GetUser", func() (*lot.User, error) { return s.S.GetUser(ctx, subject) })
}

func (s *Store) UpdateUser(ctx context.Context, subject string, fn func(*lot.User) (bool, error)) (*lot.User, error) {
	return call(s.F, "Store.UpdateUser", func() (*lot.User, error) { return s.S.UpdateUser(ctx, subject, fn) })
}

func (s *Store) ListUsers(ctx context.Context, partner string) ([]*lot.User, error) {
	return call(s.F, "Store.ListUsers", func() ([]*lot.User, error) { return s.S.ListUsers(ctx, partner) })
}

func (s *Store) AddUser(ctx context.Context, u *lot.User) error {
	return run(s.F, "Store.AddUser", func() error { return s.S.AddUser(ctx, u) })
}

func (s *Store) UserByEmail(ctx context.Context, email string) (*lot.User, error) {
	return call(s.F, "Store.UserByEmail", func() (*lot.User, error) { return s.S.UserByEmail(ctx, email) })
}

func (s *Store) ListPeople(ctx context.Context) ([]*lot.User, error) {
	return call(s.F, "Store.ListPeople", func() ([]*lot.User, error) { return s.S.ListPeople(ctx) })
}
