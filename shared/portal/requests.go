package portal

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// Requests are the use cases of requests: details, history and comments,
// status changes one by one or in bulk, creation, upgrades, search and
// saved search templates. A change is one conditional write as the caller.
type Requests struct {
	*Deps
	tenancy *Tenancy
	notes   *Notifications // redelivery notices; who signed in
	// commenting queues this instance's comments on one request (striped
	// by request ID): they commute, so waiting beats losing a conditional
	// write and retrying — 100 at once would otherwise spend most of their
	// writes on conflicts. Other instances still meet as conflicts, retried.
	commenting [64]sync.Mutex
}

// NewRequests returns the request use cases over d, seeing what tenancy
// lets each caller see and mailing through notes.
func NewRequests(d *Deps, tenancy *Tenancy, notes *Notifications) *Requests {
	return &Requests{Deps: d, tenancy: tenancy, notes: notes}
}

// Authorize checks that principal p may use openlot: an FP or CP must belong
// to a known partner of its kind. It fails with unauthorized.
func (s *Requests) Authorize(ctx context.Context, p lot.Principal) error {
	if !p.Internal() {
		want := map[lot.Role]lot.PartnerKind{lot.RoleFP: lot.PartnerFulfillment, lot.RoleCP: lot.PartnerContent}[p.Role]
		part, err := s.Store.GetPartner(ctx, p.Partner)
		if lot.IsCode(err, lot.CodeNotFound) || err == nil && part.Kind != want {
			return lot.Errorf(lot.CodeUnauthorized, "the token names partner %q, which openlot does not know as a %s", p.Partner, strings.ToLower(p.Role.Name()))
		}
		if err != nil {
			return err
		}
	}
	s.notes.noteUser(ctx, p) // where their mail goes
	return nil
}

// RequestView is a request with its title and package, as the details page shows it.
type RequestView struct {
	Request *lot.Request
	Title   *lot.Title
	Package *lot.Package
}

// Request returns request id with its title and package. It fails with
// not_found when the request is missing or not visible to p.
func (s *Requests) Request(ctx context.Context, p lot.Principal, id string) (*RequestView, error) {
	r, err := s.tenancy.visible(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, r)
}

func (s *Requests) view(ctx context.Context, r *lot.Request) (*RequestView, error) {
	v := &RequestView{Request: r}
	var err error
	if v.Title, err = s.Store.GetTitle(ctx, r.MovieID); err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		return nil, err
	}
	if v.Package, err = s.Store.GetPackage(ctx, r.PackageID); err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		return nil, err
	}
	return v, nil
}

// Search runs a search (query parameters as search.Parse reads them) over
// the requests p may see. Visibility is checked again on every candidate: a
// store bug must not leak another tenant's request into a count.
func (s *Requests) Search(ctx context.Context, p lot.Principal, v url.Values) (search.Result, search.Query, error) {
	v, err := s.withTemplate(ctx, p, v)
	if err != nil {
		return search.Result{}, search.Query{}, err
	}
	return s.tenancy.search(ctx, p, v)
}

// update applies fn to request id as principal p in one conditional write.
// Requests p may not see answer not_found.
func (s *Requests) update(ctx context.Context, p lot.Principal, id string, fn func(r *lot.Request, a lot.Act) error) (*lot.Request, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	a := lot.Act{By: p, At: s.Clock.Now().UTC()}
	return s.Store.UpdateRequest(ctx, id, func(r *lot.Request) error {
		if !r.VisibleTo(p) {
			return errNotFound
		}
		return fn(r, a)
	})
}

// SetMaterialStatus changes the material status of one request.
func (s *Requests) SetMaterialStatus(ctx context.Context, p lot.Principal, id string, to lot.MaterialStatus, reason, comment string) (*lot.Request, error) {
	return s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error { return r.SetMaterialStatus(a, to, reason, comment) })
}

// Result is the outcome of a bulk action for one request.
type Result struct {
	ID      string
	Request *lot.Request // set on success
	Err     error        // set on failure
}

// BulkMaterialStatus changes the material status of up to MaxBulk requests.
// Each ID gets its own result; a bad ID never stops the others. It fails as a
// whole only for an empty or oversized list, a bad status or a bad reason.
func (s *Requests) BulkMaterialStatus(ctx context.Context, p lot.Principal, ids []string, to lot.MaterialStatus, reason, comment string) ([]Result, error) {
	if err := checkBulk(ids); err != nil {
		return nil, err
	}
	if _, err := lot.ParseMaterialStatus(string(to)); err != nil {
		return nil, err
	}
	if _, err := lot.CheckReason(reason, true); err != nil {
		return nil, err
	}
	if _, err := lot.CheckComment(comment, false); err != nil {
		return nil, err
	}
	return s.bulk(ctx, ids, "material status", func(id string) (*lot.Request, error) {
		return s.SetMaterialStatus(ctx, p, id, to, reason, comment)
	})
}

// bulk runs one action per ID (each its own result; a repeated ID gets the
// first answer again, without a second change).
func (s *Requests) bulk(ctx context.Context, ids []string, what string, one func(id string) (*lot.Request, error)) ([]Result, error) {
	if err := checkBulk(ids); err != nil {
		return nil, err
	}
	out := make([]Result, len(ids))
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		if j, dup := seen[id]; dup {
			out[i] = out[j]
			continue
		}
		seen[id] = i
		r, err := one(id)
		out[i] = Result{ID: id, Request: r, Err: err}
		if err != nil && lot.ErrorCode(err) == lot.CodeInternal {
			s.Log.ErrorContext(ctx, "bulk "+what, "request", id, "err", err)
		}
	}
	return out, nil
}

// BulkComment adds the same comment to up to MaxBulk requests.
func (s *Requests) BulkComment(ctx context.Context, p lot.Principal, ids []string, text string) ([]Result, error) {
	if _, err := lot.CheckComment(text, true); err != nil {
		return nil, err
	}
	return s.bulk(ctx, ids, "comment", func(id string) (*lot.Request, error) {
		if _, err := s.Comment(ctx, p, id, text); err != nil {
			return nil, err
		}
		v, err := s.Request(ctx, p, id)
		if err != nil {
			return nil, err
		}
		return v.Request, nil
	})
}

// BulkServiceType sets the service type of up to MaxBulk requests.
func (s *Requests) BulkServiceType(ctx context.Context, p lot.Principal, ids []string, to lot.ServiceType, comment string) ([]Result, error) {
	if _, err := lot.ParseServiceTypeChange(string(to)); err != nil {
		return nil, err
	}
	return s.bulk(ctx, ids, "service type", func(id string) (*lot.Request, error) {
		return s.SetServiceType(ctx, p, id, to, comment)
	})
}

// BulkMaterialsAvailable marks (or unmarks) the materials of up to MaxBulk requests available.
func (s *Requests) BulkMaterialsAvailable(ctx context.Context, p lot.Principal, ids []string, available bool, comment string) ([]Result, error) {
	if _, err := lot.CheckComment(comment, false); err != nil {
		return nil, err
	}
	return s.bulk(ctx, ids, "materials available", func(id string) (*lot.Request, error) {
		return s.SetMaterialsAvailable(ctx, p, id, available, comment)
	})
}

// BulkEstimatedDelivery sets the same estimated delivery date on up to MaxBulk requests.
func (s *Requests) BulkEstimatedDelivery(ctx context.Context, p lot.Principal, ids []string, day lot.Date, clock, zone string, reason lot.EDDReason, comment string) ([]Result, error) {
	if err := checkBulk(ids); err != nil {
		return nil, err
	}
	// The first request tells input errors (zone, time, reason) before any change; they fail every ID alike.
	if err := (&lot.Request{Status: lot.StatusOpen, DueDate: day}).SetEstimatedDelivery(lot.Act{By: lot.Principal{Role: lot.RoleStudio}, At: s.Clock.Now()}, day, clock, zone, reason, comment); err != nil && lot.ErrorCode(err) == lot.CodeInvalid {
		return nil, err
	}
	return s.bulk(ctx, ids, "estimated delivery", func(id string) (*lot.Request, error) {
		return s.SetEstimatedDelivery(ctx, p, id, day, clock, zone, reason, comment)
	})
}

// BulkCancel cancels up to MaxBulk requests with one reason, each with its
// own result; a missing reason fails the whole call (invalid).
func (s *Requests) BulkCancel(ctx context.Context, p lot.Principal, ids []string, reason, comment string) ([]Result, error) {
	if _, err := lot.CheckReason(reason, true); err != nil {
		return nil, err
	}
	return s.bulk(ctx, ids, "cancel", func(id string) (*lot.Request, error) { return s.Cancel(ctx, p, id, reason, comment) })
}

// BulkUncancel reopens up to MaxBulk Cancelled requests, as BulkCancel.
func (s *Requests) BulkUncancel(ctx context.Context, p lot.Principal, ids []string, reason, comment string) ([]Result, error) {
	if _, err := lot.CheckReason(reason, true); err != nil {
		return nil, err
	}
	return s.bulk(ctx, ids, "uncancel", func(id string) (*lot.Request, error) { return s.Uncancel(ctx, p, id, reason, comment) })
}

// Cancel cancels an Open request.
func (s *Requests) Cancel(ctx context.Context, p lot.Principal, id, reason, comment string) (*lot.Request, error) {
	return s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error { return r.Cancel(a, reason, comment) })
}

// Uncancel reopens a Cancelled request.
func (s *Requests) Uncancel(ctx context.Context, p lot.Principal, id, reason, comment string) (*lot.Request, error) {
	return s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error { return r.Uncancel(a, reason, comment) })
}

// Subassign hands request id to partner to.
func (s *Requests) Subassign(ctx context.Context, p lot.Principal, id, to, comment string) (*lot.Request, error) {
	if !lot.ValidPartnerID(to) {
		return nil, lot.Errorf(lot.CodeInvalid, "partner %.40q is not a partner ID", to)
	}
	target, err := s.partnerOrNil(ctx, to)
	if err != nil {
		return nil, err
	}
	facility, err := s.facilityOf(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error {
		if target == nil {
			return lot.Errorf(lot.CodeNotSubassignable, "there is no partner %q", to)
		}
		return r.Subassign(a, facility, target, comment)
	})
}

// TakeBack ends request id's subassignment: the partner of record has the
// work again.
func (s *Requests) TakeBack(ctx context.Context, p lot.Principal, id, comment string) (*lot.Request, error) {
	facility, err := s.facilityOf(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error { return r.TakeBack(a, facility, comment) })
}

// facilityOf returns the partner of a fulfillment partner's user, nil for
// other roles or a partner openlot does not know. An FP may subassign only
// as the facility of record (the rule checks), so its facility is its own
// partner.
func (s *Requests) facilityOf(ctx context.Context, p lot.Principal) (*lot.Partner, error) {
	if p.Role != lot.RoleFP {
		return nil, nil
	}
	return s.partnerOrNil(ctx, p.Partner)
}

// partnerOrNil returns partner id, or nil when there is none.
func (s *Requests) partnerOrNil(ctx context.Context, id string) (*lot.Partner, error) {
	pt, err := s.Store.GetPartner(ctx, id)
	if lot.IsCode(err, lot.CodeNotFound) {
		return nil, nil
	}
	return pt, err
}

// SetEstimatedDelivery edits the estimated delivery date.
func (s *Requests) SetEstimatedDelivery(ctx context.Context, p lot.Principal, id string, day lot.Date, clock, zone string, reason lot.EDDReason, comment string) (*lot.Request, error) {
	return s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error {
		return r.SetEstimatedDelivery(a, day, clock, zone, reason, comment)
	})
}

// SetServiceType edits the service type.
func (s *Requests) SetServiceType(ctx context.Context, p lot.Principal, id string, to lot.ServiceType, comment string) (*lot.Request, error) {
	return s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error { return r.SetServiceType(a, to, comment) })
}

// SetMaterialsAvailable marks (or unmarks) the materials of a request as
// available, which puts it in the Materials Available asset state whatever
// its material status (studio operators).
func (s *Requests) SetMaterialsAvailable(ctx context.Context, p lot.Principal, id string, available bool, comment string) (*lot.Request, error) {
	return s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error { return r.SetMaterialsAvailable(a, available, comment) })
}

// Comment adds a comment. Comments commute, so a conflict with another change
// is retried (after a short, random pause that grows) until the comment lands
// or commentRetry has passed: a hundred people commenting at once all land.
// It fails with conflict only when the request kept changing for that long.
func (s *Requests) Comment(ctx context.Context, p lot.Principal, id, text string) (lot.HistoryEntry, error) {
	var entry lot.HistoryEntry
	var r *lot.Request
	var err error
	h := fnv.New32a()
	h.Write([]byte(id))
	mu := &s.commenting[h.Sum32()%uint32(len(s.commenting))]
	mu.Lock()
	defer mu.Unlock()
	give := time.Now().Add(commentRetry)
	for pause := time.Millisecond; ; pause = min(2*pause, 50*time.Millisecond) {
		r, err = s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error {
			if err := r.AddComment(a, text); err != nil {
				return err
			}
			pending := r.Pending()
			entry = pending[len(pending)-1]
			return nil
		})
		if !lot.IsCode(err, lot.CodeConflict) || time.Now().After(give) {
			break
		}
		select {
		case <-ctx.Done():
			return lot.HistoryEntry{}, err
		case <-time.After(rand.N(pause) + time.Millisecond):
		}
	}
	if err != nil {
		return lot.HistoryEntry{}, err
	}
	entry.RequestID, entry.Version = id, r.Version
	return entry, nil
}

// commentRetry bounds how long a comment retries conflicting writes.
const commentRetry = 10 * time.Second

// History returns every entry of a visible request, oldest first.
func (s *Requests) History(ctx context.Context, p lot.Principal, id string) ([]lot.HistoryEntry, error) {
	if _, err := s.tenancy.visible(ctx, p, id); err != nil {
		return nil, err
	}
	return s.Store.History(ctx, id)
}

// Comments returns the comments of a visible request, oldest first.
func (s *Requests) Comments(ctx context.Context, p lot.Principal, id string) ([]lot.HistoryEntry, error) {
	h, err := s.History(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(h, func(e lot.HistoryEntry) bool { return e.Action != lot.ActionCommented }), nil
}

// CreateSpec is what a studio operator sends to create a request.
type CreateSpec struct {
	MovieID            int64
	PackageID          int64
	FulfillmentPartner string
	SourceType         lot.SourceType
	Language           string
	ServiceType        lot.ServiceType
	DueDate            lot.Date
	MaterialStatus     lot.MaterialStatus
	Issues             []string
	Comment            string
}

// Create makes a new Open request (studio operators only).
func (s *Requests) Create(ctx context.Context, p lot.Principal, c CreateSpec) (*lot.Request, error) {
	if !lot.Rule(lot.OpCreate).AllowsRole(p.Role) {
		return nil, lot.Errorf(lot.CodeForbidden, "only studio operators can create requests")
	}
	t, err := s.Store.GetTitle(ctx, c.MovieID)
	if err != nil {
		return nil, notFoundAsInvalid(err, "title %d", c.MovieID)
	}
	pk, err := s.Store.GetPackage(ctx, c.PackageID)
	if err != nil {
		return nil, notFoundAsInvalid(err, "package %d", c.PackageID)
	}
	fp, err := s.Store.GetPartner(ctx, c.FulfillmentPartner)
	if err != nil {
		return nil, notFoundAsInvalid(err, "fulfillment partner %q", c.FulfillmentPartner)
	}
	r, err := lot.Create(lot.Act{By: p, At: s.Clock.Now().UTC()}, s.IDs.NewID(), lot.NewRequest{
		Title: t, Package: pk, FulfillmentPartner: fp, SourceType: c.SourceType, Language: c.Language,
		ServiceType: c.ServiceType, DueDate: c.DueDate, MaterialStatus: c.MaterialStatus, Issues: c.Issues, Comment: c.Comment,
	})
	if err != nil {
		return nil, err
	}
	if err := s.Store.CreateRequests(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// RequestRedelivery reopens a Delivered or Processed request (studio only).
func (s *Requests) RequestRedelivery(ctx context.Context, p lot.Principal, id, reason, comment string) (*lot.Request, error) {
	r, err := s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error { return r.RequestRedelivery(a, reason, comment) })
	if err == nil {
		s.notes.post(ctx, s.notes.redelivery(ctx, r, reason, fmt.Sprint("v", r.Version))...)
	}
	return r, err
}

// Upgrade marks request id Upgraded and creates its replacement (studio
// only). The old request is changed first, in its conditional write, so two
// upgrades cannot both win; the new request is created right after.
func (s *Requests) Upgrade(ctx context.Context, p lot.Principal, id string, sourceType lot.SourceType, due lot.Date, reason string) (old, created *lot.Request, err error) {
	newID := s.IDs.NewID()
	old, err = s.update(ctx, p, id, func(r *lot.Request, a lot.Act) error {
		n, err := lot.UpgradeTo(a, r, newID, sourceType, due, reason)
		if err != nil {
			return err
		}
		created = n
		return r.Upgrade(a, newID, reason)
	})
	if err != nil {
		return nil, nil, err
	}
	if err := s.Store.CreateRequests(ctx, created); err != nil {
		s.Log.ErrorContext(ctx, "upgrade: old request marked but new request not created", "old", id, "new", newID, "err", err)
		return nil, nil, err
	}
	return old, created, nil
}

// Selected returns the requests among ids that p may see, in the order
// given (repeats once), each with where it stands; IDs that are malformed,
// unknown or another tenant's are skipped alike and counted.
func (s *Requests) Selected(ctx context.Context, p lot.Principal, ids []string) ([]search.Row, int, error) {
	if err := checkBulk(ids); err != nil {
		return nil, 0, err
	}
	now := s.Clock.Now()
	var rows []search.Row
	skipped := 0
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		v, err := s.Request(ctx, p, id)
		switch {
		case lot.IsCode(err, lot.CodeNotFound) || lot.IsCode(err, lot.CodeInvalid):
			skipped++
		case err != nil:
			return nil, 0, err
		default:
			rows = append(rows, search.Row{Request: v.Request, Insight: search.Explain(v.Request, now, s.Rules)})
		}
	}
	return rows, skipped, nil
}

// SearchValues returns, by search modifier, the values the requests p may
// see have (search.Values), with partners' display names: only partners
// of those requests are named, so another tenant's partner never shows.
func (s *Requests) SearchValues(ctx context.Context, p lot.Principal) (search.Values, error) {
	var vals search.Values
	if err := s.tenancy.withIndex(ctx, p, func(x *search.Index) error {
		vals = x.Values()
		return nil
	}); err != nil {
		return nil, err
	}
	partners, err := s.Store.ListPartners(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(partners))
	for _, pt := range partners {
		names[pt.ID] = pt.Name
	}
	for _, m := range []string{"fulfillmentPartner", "contentPartner"} {
		list := vals[m]
		for i := range list {
			list[i].Name = firstNonEmpty(names[list[i].Code], list[i].Code)
		}
		slices.SortFunc(list, func(a, b search.Value) int {
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		})
	}
	return vals, nil
}
