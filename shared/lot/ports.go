package lot

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Clock tells the time; tests inject a fixed one.
type Clock interface{ Now() time.Time }

// IDs makes new, sortable IDs in the shape ValidID accepts.
type IDs interface{ NewID() string }

// Scope says which requests a caller may see. The zero Scope sees nothing.
type Scope struct {
	All                bool   // studio and QC operators
	FulfillmentPartner string // requests assigned or subassigned to this facility
	ContentPartner     string // requests of this partner's titles
}

// ScopeOf returns the scope of principal p.
func ScopeOf(p Principal) Scope {
	switch p.Role {
	case RoleStudio, RoleQC:
		return Scope{All: true}
	case RoleFP:
		return Scope{FulfillmentPartner: p.Partner}
	case RoleCP:
		return Scope{ContentPartner: p.Partner}
	}
	return Scope{}
}

// Contains reports whether r is in scope s.
func (s Scope) Contains(r *Request) bool {
	switch {
	case s.All:
		return true
	case s.FulfillmentPartner != "":
		return r.FulfillmentPartner == s.FulfillmentPartner || r.SubAssignee == s.FulfillmentPartner
	case s.ContentPartner != "":
		return r.ContentPartner == s.ContentPartner
	}
	return false
}

// MaxPage is the largest page a store returns at once.
const MaxPage = 500

// Client is an OAuth2 machine client (client credentials grant).
type Client struct {
	ID          string
	SecretHash  []byte // bcrypt
	Name        string
	Role        Role
	Partner     string
	Permissions []Permission
	CreatedAt   time.Time
	Email       string // where its notifications go
}

// Saved is what an Idempotency-Key remembers: the hash of the request it came
// with and, once done, the answer given.
type Saved struct {
	Key         string
	RequestHash string
	Done        bool
	Status      int
	ContentType string
	Body        []byte
	CreatedAt   time.Time
}

// Catalog holds partners, titles and packages.
type Catalog interface {
	// PutPartner creates or replaces a partner.
	PutPartner(ctx context.Context, p *Partner) error
	// GetPartner fails with not_found when there is no such partner.
	GetPartner(ctx context.Context, id string) (*Partner, error)
	ListPartners(ctx context.Context) ([]*Partner, error)
	PutTitle(ctx context.Context, t *Title) error
	// GetTitle fails with not_found when there is no such title.
	GetTitle(ctx context.Context, movieID int64) (*Title, error)
	PutPackage(ctx context.Context, p *Package) error
	// GetPackage fails with not_found when there is no such package.
	GetPackage(ctx context.Context, id int64) (*Package, error)
}

// Requests holds source requests and their history.
type Requests interface {
	// CreateRequests stores new requests with their pending history entries,
	// each at version 1. It fails with conflict (and stores none of them in
	// SQLite; in DynamoDB the ones before the clash) when an ID exists.
	CreateRequests(ctx context.Context, rs ...*Request) error
	// GetRequest fails with not_found when there is no such request.
	GetRequest(ctx context.Context, id string) (*Request, error)
	// ListRequests returns up to limit (≤ MaxPage) requests in scope, in ID
	// order, starting after the ID after; next is the last ID returned when
	// more may follow, and "" at the end.
	ListRequests(ctx context.Context, scope Scope, after string, limit int) (rs []*Request, next string, err error)
	// UpdateRequest loads request id, calls fn on it and, if fn succeeded and
	// recorded history, writes the request and its new history entries in one
	// conditional write at the next version. It returns fn's error unchanged,
	// not_found for a missing request, and conflict when another change was
	// committed since the load. The returned request is the stored state.
	UpdateRequest(ctx context.Context, id string, fn func(*Request) error) (*Request, error)
	// ScopeRequests returns every request in scope, in no particular order:
	// the candidates a search runs over. The requests may be shared
	// snapshots; callers must not change them.
	ScopeRequests(ctx context.Context, scope Scope) ([]*Request, error)
	// History returns the entries of request id, oldest first (by version, then seq).
	History(ctx context.Context, id string) ([]HistoryEntry, error)
}

// Clients holds OAuth2 machine clients.
type Clients interface {
	PutClient(ctx context.Context, c *Client) error
	// GetClient fails with not_found when there is no such client.
	GetClient(ctx context.Context, id string) (*Client, error)
}

// Idempotency remembers answers to retried POSTs.
type Idempotency interface {
	// ClaimKey records key with requestHash as in progress and returns nil, or,
	// when key is already known and younger than ttl, returns what was saved
	// (in progress or done). An older record is replaced.
	ClaimKey(ctx context.Context, key, requestHash string, now time.Time, ttl time.Duration) (*Saved, error)
	// FinishKey stores the answer for a claimed key.
	FinishKey(ctx context.Context, key string, status int, contentType string, body []byte) error
	// ReleaseKey forgets a claimed key, so that a retry runs again.
	ReleaseKey(ctx context.Context, key string) error
	// HeldKeys counts the keys of owner (keys named KeyOf(owner, …))
	// claimed at or after since and not released. Index reads may lag a
	// moment behind claims (DynamoDB).
	HeldKeys(ctx context.Context, owner string, since time.Time) (int, error)
}

// KeyOf is the idempotency key k of caller owner, as HeldKeys counts it.
func KeyOf(owner, k string) string { return owner + "\x00" + k }

// KeyOwner is the owner KeyOf put in key; "" for a key of no caller.
func KeyOwner(key string) string {
	owner, _, ok := strings.Cut(key, "\x00")
	if !ok {
		return ""
	}
	return owner
}

// Template is a saved search of one user: its modifiers and groupings as a
// query string (what search.Query.Encode gives).
type Template struct {
	Owner     string // the principal's subject
	Name      string
	Query     string
	UpdatedAt time.Time
}

// Templates holds saved searches, per user.
type Templates interface {
	// PutTemplate creates or replaces the template (Owner, Name).
	PutTemplate(ctx context.Context, t *Template) error
	// GetTemplate fails with not_found when the owner has no such template.
	GetTemplate(ctx context.Context, owner, name string) (*Template, error)
	// ListTemplates returns the owner's templates by name.
	ListTemplates(ctx context.Context, owner string) ([]*Template, error)
	// DeleteTemplate fails with not_found when there is no such template.
	DeleteTemplate(ctx context.Context, owner, name string) error
}

// Transfers holds deliveries.
type Transfers interface {
	// CreateTransfer stores a new transfer at version 1; conflict when the ID exists.
	CreateTransfer(ctx context.Context, t *Transfer) error
	// GetTransfer fails with not_found when there is no such transfer.
	GetTransfer(ctx context.Context, id string) (*Transfer, error)
	// UpdateTransfer loads transfer id, calls fn, and when fn reports a change
	// writes it at the next version, only if no other change came first
	// (conflict). It returns fn's error unchanged and the stored transfer.
	UpdateTransfer(ctx context.Context, id string, fn func(*Transfer) (changed bool, err error)) (*Transfer, error)
	// ListTransfers returns the transfers of a request, newest first.
	ListTransfers(ctx context.Context, requestID string) ([]*Transfer, error)
	// ListQueue returns up to limit (≤ MaxPage) transfers waiting in one of
	// the queues f names (Transfer.Queue), in f's scope, newest first (by
	// ID, descending), starting with the one older than the ID after ("":
	// the newest); next is the last ID returned when more may follow, and
	// "" at the end.
	ListQueue(ctx context.Context, f QueueFilter, after string, limit int) (ts []*Transfer, next string, err error)
}

// QueueFilter says which transfers ListQueue returns.
type QueueFilter struct {
	Scope              Scope   // whose deliveries (the transfer's partners, as VisibleTo)
	Queues             []Queue // waiting in one of these; none: nothing
	FulfillmentPartner string  // only this facility's deliveries (assigned or subassigned); "": any
}

// Matches reports whether f lists t.
func (f QueueFilter) Matches(t *Transfer) bool {
	if q := t.Queue(); q == "" || !slices.Contains(f.Queues, q) {
		return false
	}
	if !f.Scope.Contains(&Request{FulfillmentPartner: t.FulfillmentPartner, SubAssignee: t.SubAssignee, ContentPartner: t.ContentPartner}) {
		return false
	}
	p := f.FulfillmentPartner
	return p == "" || t.FulfillmentPartner == p || t.SubAssignee == p
}

// Store is everything openlot keeps.
type Store interface {
	Catalog
	Requests
	Clients
	Idempotency
	Templates
	Transfers
	Materials
	Users
	Close() error
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the real time.
var SystemClock Clock = ClockFunc(time.Now)

// Flows starts executions of the product's flows (inspection, QC outcome):
// the local runner in process, Step Functions on AWS. Name identifies an
// execution; starting a name again is a no-op, as in Step Functions, so a
// start may be retried freely (names are, e.g., transfer ID + attempt).
type Flows interface {
	Start(ctx context.Context, flow, name string, input any) error
}
