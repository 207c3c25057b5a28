package lot

import (
	"slices"
	"sync"
	"time"
)

// Partner is a facility on either side: a fulfillment partner (vendor) or a
// content partner (studio that licensed the title).
type Partner struct {
	ID   string
	Name string
	Kind PartnerKind
	// Subassignees lists the fulfillment partners this facility may subassign
	// requests to. An empty list means the facility may not subassign.
	Subassignees []string
}

// MaySubassignTo reports whether p may subassign requests to partner id.
func (p *Partner) MaySubassignTo(id string) bool { return slices.Contains(p.Subassignees, id) }

// Title is a movie, episode or supplemental.
type Title struct {
	MovieID           int64
	Name              string
	ReleaseYear       int
	MovieType         MovieType
	IsOriginal        bool
	ContentPartner    string
	DayOfBroadcast    bool // DOB
	DayAfterBroadcast bool // DAB
}

// Package groups the sources of a title for a launch.
type Package struct {
	ID        int64
	MovieID   int64
	Countries []string // ISO 3166-1 alpha-2, upper case
}

// Principal is who acts: a user or a machine client, with its role, its
// partner (for FP and CP) and extra permissions.
type Principal struct {
	Subject     string // user or client ID
	Name        string
	Role        Role
	Partner     string // partner ID for FP and CP; empty for studio and QC
	Permissions []Permission
	Email       string // where notifications go; empty: none
	// ReadOnly is set when the caller's token was granted reading only (the
	// openlot/read scope without openlot/write): it may change nothing.
	ReadOnly bool
}

// Has reports whether p holds permission perm.
func (p Principal) Has(perm Permission) bool { return slices.Contains(p.Permissions, perm) }

// System is openlot acting by itself (inspection, flows): what history
// names for a change no person made.
var System = Principal{Subject: "openlot", Name: "openlot (automatic)", Role: RoleSystem}

// Actor is who history names for a change made as p: p, or System when p
// is nobody (no subject and no role).
func (p Principal) Actor() Principal {
	if p.Subject == "" && p.Role == "" {
		return System
	}
	return p
}

// Internal reports whether p is platform staff (studio or QC operator), who see everything.
func (p Principal) Internal() bool { return p.Role == RoleStudio || p.Role == RoleQC }

// EDD is an estimated delivery date: an instant and the IANA zone it was given in.
type EDD struct {
	At   time.Time
	Zone string
}

// IsZero reports whether no estimated delivery date is set.
func (e EDD) IsZero() bool { return e.At.IsZero() }

// Local returns the instant in its own zone (UTC if the zone is unknown).
func (e EDD) Local() time.Time {
	if loc := Zone(e.Zone); loc != nil {
		return e.At.In(loc)
	}
	return e.At.UTC()
}

var zones sync.Map // zone name → *time.Location, or nil for an unknown zone

// Zone returns the IANA time zone name, loaded once per process (loading
// reads the zone database); nil when there is no such zone.
func Zone(name string) *time.Location {
	if v, ok := zones.Load(name); ok {
		loc, _ := v.(*time.Location)
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		zones.Store(name, (*time.Location)(nil))
		return nil
	}
	zones.Store(name, loc)
	return loc
}

// Request is a source request: one asset wanted from one fulfillment partner.
type Request struct {
	ID                 string
	MovieID            int64
	TitleName          string    // copied from the title, for lists
	MovieType          MovieType // copied from the title, for search
	IsOriginal         bool      // copied from the title, for search
	PackageID          int64
	Countries          []string // copied from the package, for search
	SourceType         SourceType
	Language           string // BCP 47, empty where the source type has none
	ServiceType        ServiceType
	DueDate            Date
	EstimatedDelivery  EDD
	Status             RequestStatus
	MaterialStatus     MaterialStatus
	MaterialsAvailable bool // the studio marked the materials available
	Issues             []string
	FulfillmentPartner string
	SubAssignee        string
	ContentPartner     string
	UpgradedFrom       string
	UpgradedTo         string
	// The request's delivery: the newest transfer whose upload finished
	// (TrackDelivery), its status and the status of its QC ("" for none),
	// kept with the request so searches and insights can read them.
	DeliveryID     string
	DeliveryStatus TransferStatus
	QCStatus       QCStatus
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// Version counts committed changes; stores use it for the version check.
	Version int64

	pending []HistoryEntry
	tracked bool // TrackDelivery changed the delivery fields
}

// HistoryEntry records one action on a request: who, when, what changed from
// what to what, and why.
type HistoryEntry struct {
	RequestID string
	Version   int64 // the request version this entry committed
	Seq       int   // position within that version's entries
	At        time.Time
	Actor     string
	ActorName string
	Role      Role
	Partner   string
	Action    Action
	Field     string
	Before    string
	After     string
	Reason    string
	Comment   string
}

// Pending returns the history entries recorded since the request was loaded;
// a store commits them with the change.
func (r *Request) Pending() []HistoryEntry { return r.pending }

// Apply runs fn on r. When fn succeeds and recorded history or followed
// its delivery (TrackDelivery), r moves to the next version and Apply
// returns the version it was loaded at and the entries to store with the
// change (none for a delivery followed without history). When there is
// nothing to write, loaded is r.Version. Stores call it inside
// UpdateRequest.
func (r *Request) Apply(fn func(*Request) error) (loaded int64, entries []HistoryEntry, err error) {
	if err := fn(r); err != nil {
		return 0, nil, err
	}
	if len(r.pending) == 0 && !r.tracked {
		return r.Version, nil, nil
	}
	r.tracked = false
	loaded = r.Version
	r.Version++
	return loaded, r.Committed(r.Version), nil
}

// Committed stamps the pending entries with version v and returns them,
// leaving none pending. Stores call it while writing version v.
func (r *Request) Committed(v int64) []HistoryEntry {
	out := r.pending
	for i := range out {
		out[i].RequestID = r.ID
		out[i].Version = v
		out[i].Seq = i
	}
	r.pending = nil
	return out
}

// Clone returns a deep copy of r without pending entries.
func (r *Request) Clone() *Request {
	c := *r
	c.Issues = slices.Clone(r.Issues)
	c.Countries = slices.Clone(r.Countries)
	c.pending = nil
	c.tracked = false
	return &c
}

// Act is the who and when of a change.
type Act struct {
	By Principal
	At time.Time
}

func (r *Request) record(a Act, action Action, field, before, after, reason, comment string) {
	by := a.By.Actor()
	r.pending = append(r.pending, HistoryEntry{
		RequestID: r.ID, At: a.At, Actor: by.Subject, ActorName: by.Name, Role: by.Role,
		Partner: by.Partner, Action: action, Field: field, Before: before, After: after,
		Reason: reason, Comment: comment,
	})
	r.UpdatedAt = a.At
}
