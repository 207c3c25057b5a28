// Package portal holds openlot's use cases: who may do what to which request.
// Tenancy is enforced here: a request the caller may not see answers
// not_found, exactly like a missing one.
//
// The use cases come in one type per aggregate, each built from one Deps
// and given the other aggregates it needs by name:
//
//	Tenancy        what a principal may see (visibility, the search index of each scope)
//	Notifications  mail: notices, daily digests, the users mail reaches
//	Requests       requests: details, changes, bulk actions, search, saved templates
//	Library        materials, downloads and watermarked proxies
//	Deliveries     transfers (file deliveries) and their inspection
//	QC             quality control of processed deliveries
package portal

import (
	"context"
	"log/slog"
	"maps"
	"time"

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// MaxBulk is the most requests one bulk action takes.
const MaxBulk = 500

// Deps are what every aggregate is built from. The aggregates of one
// portal share one *Deps, so an optional field set after they are built
// (before they are used) is seen by all of them.
type Deps struct {
	Store lot.Store
	Clock lot.Clock
	IDs   lot.IDs
	Log   *slog.Logger
	// Rules are the bucket thresholds searches use.
	Rules search.Rules
	// Blobs stores delivered files (nil: deliveries answer unavailable).
	Blobs lot.Blobs
	// Flows runs inspection (nil: completed transfers wait in Pending Inspection).
	Flows lot.Flows
	// Media reads delivered media for inspection (ffprobe, ffmpeg) and,
	// when it is also a lot.ProxyMaker, makes watermarked proxies.
	Media lot.Media
	// Mailer sends notifications (nil: none are sent).
	Mailer lot.Mailer
	// PoolSize is how many proxies are made in advance per proxy video (default 2).
	PoolSize int
	// ProxySegmentSeconds is about how long each segment of a proxy made in
	// parallel is (default 300).
	ProxySegmentSeconds float64
	// PublicURL is the base URL of the portal and its API (one handler
	// serves both), for links in mail to portal pages (links.go).
	PublicURL string
	// PoolFlow is the flow name pool proxies are made under (default
	// WatermarkFlow). The local runner registers the same flow under a
	// second name with its own small limit, so a partner's proxy made on
	// demand never waits behind a pool being filled.
	PoolFlow string
}

// Once runs fn unless key ran before (within ttl): the key is claimed in the
// store first, released if fn fails (so a retry runs it again), and marked
// done after. It reports whether fn ran. For work an event or a flow step
// may bring twice: a mail, an access log counted. It fails with the
// store's error when the key cannot be claimed or marked, or with fn's.
func (d *Deps) Once(ctx context.Context, key string, ttl time.Duration, fn func() error) (bool, error) {
	saved, err := d.Store.ClaimKey(ctx, key, "once", d.Clock.Now(), ttl)
	if err != nil {
		return false, err
	}
	if saved != nil {
		return false, nil // done before (or under way)
	}
	if err := fn(); err != nil {
		d.Store.ReleaseKey(context.WithoutCancel(ctx), key)
		return false, err
	}
	return true, d.Store.FinishKey(ctx, key, 200, "", nil)
}

// Service is one portal: its aggregates over one Deps. Callers name the
// aggregate they use (svc.Requests.SetMaterialStatus,
// svc.Deliveries.CompleteTransfer); the optional Deps fields (Blobs,
// Flows, Mailer ...) are set on svc.Deps before use.
type Service struct {
	Deps          *Deps
	Requests      *Requests
	Deliveries    *Deliveries
	QC            *QC
	Library       *Library
	Notifications *Notifications
}

// New returns a portal over store with the default bucket rules.
func New(store lot.Store, clock lot.Clock, ids lot.IDs, log *slog.Logger) *Service {
	d := &Deps{Store: store, Clock: clock, IDs: ids, Log: log, Rules: search.DefaultRules}
	tenancy := NewTenancy(d)
	notes := NewNotifications(d, tenancy)
	requests := NewRequests(d, tenancy, notes)
	library := NewLibrary(d, tenancy, notes)
	deliveries := NewDeliveries(d, requests, library, notes)
	return &Service{Deps: d, Requests: requests, Deliveries: deliveries, QC: NewQC(d, deliveries, requests, notes),
		Library: library, Notifications: notes}
}

// Steps are every flow step, bound to this portal's aggregates.
func (s *Service) Steps() flow.Steps {
	return Steps(s.Deliveries, s.QC, s.Library, s.Notifications)
}

// Steps are every flow step of Flows: inspection's bound to d, the QC
// outcome's to q, the watermark flow's to l, the notify flow's to n.
func Steps(d *Deliveries, q *QC, l *Library, n *Notifications) flow.Steps {
	out := d.InspectionSteps()
	for _, more := range []flow.Steps{q.QCSteps(), l.ProxySteps(), n.NotifySteps()} {
		maps.Copy(out, more)
	}
	return out
}

var errNotFound = &lot.Error{Code: lot.CodeNotFound, Message: "no such request"}

func checkID(id string) error {
	if !lot.ValidID(id) {
		return lot.Errorf(lot.CodeInvalid, "request ID %.40q is not an openlot ID (a lower-case UUID)", id)
	}
	return nil
}

// checkBulk checks the size of a bulk action's list of IDs: it fails with
// invalid for an empty list and too_large for more than MaxBulk.
func checkBulk(ids []string) error {
	if len(ids) == 0 {
		return lot.Errorf(lot.CodeInvalid, "name at least one request ID")
	}
	if len(ids) > MaxBulk {
		return lot.Errorf(lot.CodeTooLarge, "a bulk action takes at most %d requests; got %d", MaxBulk, len(ids))
	}
	return nil
}

// notFoundAsInvalid turns a missing referenced record (a title, a package,
// a partner named in the input) into invalid input.
func notFoundAsInvalid(err error, format string, args ...any) error {
	if lot.IsCode(err, lot.CodeNotFound) {
		return lot.Errorf(lot.CodeInvalid, "there is no "+format, args...)
	}
	return err
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
