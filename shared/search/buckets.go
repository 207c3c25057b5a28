package search

import (
	"fmt"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// Bucket names an Insights or Asset States bucket.
type Bucket string

// The buckets, in the order the API lists them.
const (
	BucketRequests           Bucket = "requests"
	BucketCritical           Bucket = "critical"
	BucketAtRisk             Bucket = "atRisk"
	BucketOnTrack            Bucket = "onTrack"
	BucketAwaitingMaterials  Bucket = "awaitingMaterials"
	BucketMaterialsAvailable Bucket = "materialsAvailable"
	BucketOverdueUndelivered Bucket = "overdueUndelivered"
)

// Buckets lists every bucket.
var Buckets = []Bucket{BucketRequests, BucketCritical, BucketAtRisk, BucketOnTrack,
	BucketAwaitingMaterials, BucketMaterialsAvailable, BucketOverdueUndelivered}

// Counts holds one count per bucket.
type Counts struct {
	Requests, Critical, AtRisk, OnTrack, AwaitingMaterials, MaterialsAvailable, OverdueUndelivered int
}

// Get returns the count of bucket b.
func (c Counts) Get(b Bucket) int {
	switch b {
	case BucketRequests:
		return c.Requests
	case BucketCritical:
		return c.Critical
	case BucketAtRisk:
		return c.AtRisk
	case BucketOnTrack:
		return c.OnTrack
	case BucketAwaitingMaterials:
		return c.AwaitingMaterials
	case BucketMaterialsAvailable:
		return c.MaterialsAvailable
	case BucketOverdueUndelivered:
		return c.OverdueUndelivered
	}
	return 0
}

// Rules are the bucket thresholds, in days from today.
type Rules struct {
	CriticalDays  int // due within this many days: critical (default 2)
	AtRiskDays    int // due within this many days: at risk (default 7)
	MaterialsDays int // materials missing and due within this many days: at risk (default 10)
}

// DefaultRules are the thresholds the product ships with.
var DefaultRules = Rules{CriticalDays: 2, AtRiskDays: 7, MaterialsDays: 10}

// Insight is where one request stands: its Insights bucket (critical, atRisk
// or onTrack; none for requests that are not open), its Asset State, whether
// it is overdue, and why it is in its Insights bucket.
type Insight struct {
	Open      bool
	Bucket    Bucket // critical, atRisk, onTrack, or "" when not open
	Materials bool   // materials available (open requests only)
	Overdue   bool
	Delivered bool // its delivery is in inspection: on track, not overdue undelivered
	Why       string
}

// clock is the "now" of one search: the instant, today's UTC date, and the
// threshold days as dates.
type clock struct {
	now                     time.Time
	today                   lot.Date
	critical, risk, missing lot.Date
}

func newClock(now time.Time, r Rules) clock {
	today := lot.DateOf(now.UTC())
	return clock{now: now, today: today, critical: today.AddDays(r.CriticalDays),
		risk: today.AddDays(r.AtRiskDays), missing: today.AddDays(r.MaterialsDays)}
}

// place decides a request's buckets (without the why, which costs a
// string), by the one rule the index uses (docClock.place).
func (c *clock) place(r *lot.Request) Insight {
	var o doc
	o.setBucketFields(r)
	dc := c.forDocs()
	return dc.place(&o)
}

// eddLate: the estimated delivery falls on a day after the due date (in the
// zone the partner gave).
func eddLate(r *lot.Request) bool {
	return !r.EstimatedDelivery.IsZero() && r.DueDate.Before(lot.DateOf(r.EstimatedDelivery.Local()))
}

// explain returns the insight of r with the reason for it, as seen from
// the bucket asked for: in Insights (and with no bucket) why the request is
// critical, at risk or on track, e.g. "due 2026-11-23, in 1 day"; in the
// Asset States why its materials are (not) available, or why it is
// overdue and undelivered.
func (c *clock) explain(r *lot.Request, asked Bucket) Insight {
	in := c.place(r)
	if !in.Open {
		in.Why = "not open: " + r.Status.Name()
		return in
	}
	due := "due " + r.DueDate.String() + ", " + relDays(c.today, r.DueDate)
	switch asked {
	case BucketMaterialsAvailable, BucketAwaitingMaterials:
		in.Why = materialsWhy(r, due)
		return in
	case BucketOverdueUndelivered:
		in.Why = due + ", not delivered"
		if r.DeliveryStatus != "" {
			in.Why += "; its last delivery is " + r.DeliveryStatus.Name()
		}
		return in
	}
	if in.Delivered {
		in.Why = deliveredWhy(r.DeliveryStatus) + "; " + due
		return in
	}
	eddPassed := !r.EstimatedDelivery.IsZero() && r.EstimatedDelivery.At.Before(c.now)
	switch in.Bucket {
	case BucketCritical:
		if !c.critical.Before(r.DueDate) {
			in.Why = due
		} else if eddPassed {
			in.Why = "estimated delivery " + r.EstimatedDelivery.Local().Format("2006-01-02 15:04 MST") + " has passed"
		}
	case BucketAtRisk:
		switch {
		case !c.risk.Before(r.DueDate):
			in.Why = due
		case eddLate(r):
			in.Why = "estimated delivery " + lot.DateOf(r.EstimatedDelivery.Local()).String() + " is after the due date " + r.DueDate.String()
		default:
			in.Why = "materials not available, " + due
		}
	default:
		in.Why = due
	}
	return in
}

// deliveredWhy says where a delivery in inspection stands.
func deliveredWhy(s lot.TransferStatus) string {
	switch s {
	case lot.TransferWaitingForPrimary:
		return "delivered, waiting for the title's primary video to be processed"
	case lot.TransferInternalError:
		return "delivered; inspection hit a fault on openlot's side and will be run again"
	}
	return "delivered, pending inspection"
}

// materialsWhy says why the materials of an open request are, or are not,
// available: the partner's material status, or the mark that the
// materials are there (by the studio, or by openlot when the title got
// them).
func materialsWhy(r *lot.Request, due string) string {
	switch {
	case r.MaterialStatus.Usable() && r.MaterialsAvailable:
		return "material status " + r.MaterialStatus.Name() + "; materials marked available"
	case r.MaterialStatus.Usable():
		return "material status " + r.MaterialStatus.Name()
	case r.MaterialsAvailable:
		return "materials marked available; material status still " + r.MaterialStatus.Name()
	}
	return "material status " + r.MaterialStatus.Name() + ", materials not marked available; " + due
}

// relDays says how far day is from today: "in 3 days", "today", "2 days ago".
func relDays(today, day lot.Date) string {
	n := int(day.Time().Sub(today.Time()).Hours() / 24)
	switch {
	case n == 0:
		return "today"
	case n == 1:
		return "in 1 day"
	case n > 1:
		return fmt.Sprintf("in %d days", n)
	case n == -1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", -n)
}

func (c *Counts) merge(o Counts) {
	c.Requests += o.Requests
	c.Critical += o.Critical
	c.AtRisk += o.AtRisk
	c.OnTrack += o.OnTrack
	c.AwaitingMaterials += o.AwaitingMaterials
	c.MaterialsAvailable += o.MaterialsAvailable
	c.OverdueUndelivered += o.OverdueUndelivered
}

func (c *Counts) add(in Insight) {
	if !in.Open {
		return
	}
	c.Requests++
	switch in.Bucket {
	case BucketCritical:
		c.Critical++
	case BucketAtRisk:
		c.AtRisk++
	default:
		c.OnTrack++
	}
	if in.Materials {
		c.MaterialsAvailable++
	} else {
		c.AwaitingMaterials++
	}
	if in.Overdue {
		c.OverdueUndelivered++
	}
}

// in reports whether a request with insight in belongs to bucket b.
func (in Insight) in(b Bucket) bool {
	switch b {
	case BucketRequests:
		return in.Open
	case BucketCritical, BucketAtRisk, BucketOnTrack:
		return in.Open && in.Bucket == b
	case BucketMaterialsAvailable:
		return in.Open && in.Materials
	case BucketAwaitingMaterials:
		return in.Open && !in.Materials
	case BucketOverdueUndelivered:
		return in.Open && in.Overdue
	}
	return true
}

// docClock is a clock in the index's numbers.
type docClock struct {
	now                            int64 // Unix nanoseconds
	today, critical, risk, missing int32 // lot.Date.Ord
}

func (c *clock) forDocs() docClock {
	return docClock{now: c.now.UnixNano(), today: int32(c.today.Ord()), critical: int32(c.critical.Ord()),
		risk: int32(c.risk.Ord()), missing: int32(c.missing.Ord())}
}

// The statuses the buckets test, as sets of the index's enum numbers, built
// from lot's own rules: a request is open (lot.RequestStatus.IsOpen) and its
// materials usable (lot.MaterialStatus.Usable) as lot says.
var (
	openStatuses    = enumSet(lot.RequestStatuses, lot.RequestStatus.IsOpen)
	usableMaterials = enumSet(lot.MaterialStatuses, lot.MaterialStatus.Usable)
	inspecting      = enumSet(lot.TransferStatuses, lot.TransferStatus.Inspecting)
)

// place decides the buckets of an indexed request: the bucket rules of
// openlot, in one place.
func (c *docClock) place(o *doc) Insight {
	if !openStatuses.has(o.status) {
		return Insight{}
	}
	in := Insight{Open: true, Materials: o.studioMaterials || usableMaterials.has(o.material)}
	if inspecting.has(o.delivery) {
		// The partner has delivered; what is left is inspection's (and, for
		// waiting for primary, another delivery's). The request goes back
		// to where its dates put it if its delivery fails.
		in.Delivered, in.Bucket = true, BucketOnTrack
		return in
	}
	in.Overdue = o.due < c.today
	switch {
	case o.due <= c.critical || o.eddAt != 0 && o.eddAt < c.now:
		in.Bucket = BucketCritical
	case o.due <= c.risk || o.eddAt != 0 && o.eddDay > o.due || !in.Materials && o.due <= c.missing:
		in.Bucket = BucketAtRisk
	default:
		in.Bucket = BucketOnTrack
	}
	return in
}

// Explain says where one request stands at instant now, and why.
func Explain(r *lot.Request, now time.Time, rules Rules) Insight {
	c := newClock(now, rules)
	return c.explain(r, "")
}
