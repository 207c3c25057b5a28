package portal

import (
	"context"
	"slices"
	"strings"

	"github.com/openlot/openlot/shared/lot"
)

// Allowance says whether a caller may take one action now. Refusal is nil
// when it may; otherwise it is the error taking the action would fail
// with, whose code and message the API reports.
type Allowance struct {
	Action  string
	Refusal error
}

// Actions on a request, as the API names them.
const (
	ActSetMaterialStatus    = "setMaterialStatus"
	ActCancel               = "cancel"
	ActUncancel             = "uncancel"
	ActSubassign            = "subassign"
	ActTakeBack             = "takeBack"
	ActSetEstimatedDelivery = "setEstimatedDeliveryDate"
	ActSetServiceType       = "setServiceType"
	ActMarkMaterials        = "setMaterialsAvailable"
	ActComment              = "comment"
	ActDeliver              = "deliver"
	ActRequestRedelivery    = "requestRedelivery"
	ActUpgrade              = "upgrade"
	ActDownloadMaterials    = "downloadMaterials"
)

// requestActions maps each action on a request to the operation of the
// status table whose method takes it ("" for downloads, which change no
// request).
var requestActions = []struct {
	name string
	op   lot.Op
}{
	{ActSetMaterialStatus, lot.OpSetMaterialStatus}, {ActCancel, lot.OpCancel}, {ActUncancel, lot.OpUncancel},
	{ActSubassign, lot.OpSubassign}, {ActTakeBack, lot.OpTakeBack}, {ActSetEstimatedDelivery, lot.OpSetEstimatedDelivery},
	{ActSetServiceType, lot.OpSetServiceType}, {ActMarkMaterials, lot.OpMarkMaterials}, {ActComment, lot.OpComment}, {ActDeliver, lot.OpDeliver},
	{ActRequestRedelivery, lot.OpRequestRedelivery}, {ActUpgrade, lot.OpUpgrade}, {ActDownloadMaterials, ""},
}

// RequestActions names every action on a request, in the order the portal
// offers them.
var RequestActions = func() []string {
	out := make([]string, len(requestActions))
	for i, a := range requestActions {
		out[i] = a.name
	}
	return out
}()

// TransferActions names every action on a delivery (lot.DeliveryActions).
var TransferActions = func() []string {
	out := make([]string, len(lot.DeliveryActions))
	for i, a := range lot.DeliveryActions {
		out[i] = string(a)
	}
	return out
}()

// QCActions names every action on a delivery's QC: lot.QCActions in camel
// case (fix-notes is fixNotes, event addEvent, sign-off signOff).
var QCActions = func() []string {
	out := make([]string, len(lot.QCActions))
	for i, a := range lot.QCActions {
		out[i] = qcActionName(a)
	}
	return out
}()

func qcActionName(a lot.QCAction) string {
	if a == lot.QCAddEvent {
		return "addEvent"
	}
	name, rest, _ := strings.Cut(string(a), "-")
	if rest != "" {
		name += strings.ToUpper(rest[:1]) + rest[1:]
	}
	return name
}

// Actions says, for each of reqs (which p sees), what p may do to it now,
// one Allowance per RequestActions entry, in that order. It reads p's
// facility once (subassigning asks it) and fails only when that read
// does.
func (s *Requests) Actions(ctx context.Context, p lot.Principal, reqs ...*lot.Request) ([][]Allowance, error) {
	facility, err := s.facilityOf(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([][]Allowance, len(reqs))
	for i, r := range reqs {
		out[i] = s.requestActions(p, facility, r)
	}
	return out, nil
}

// requestActions asks, for each action, the checks its use case makes
// before the domain method (who delivers at all, whether there is
// storage), then the domain's Refusal.
func (s *Requests) requestActions(p lot.Principal, facility *lot.Partner, r *lot.Request) []Allowance {
	out := make([]Allowance, len(requestActions))
	for i, a := range requestActions {
		var err error
		switch a.name {
		case ActDownloadMaterials:
			err = s.mayDownload()
		case ActDeliver:
			if err = s.mayDeliver(p); err == nil {
				err = r.Refusal(a.op, p, facility)
			}
		default:
			err = r.Refusal(a.op, p, facility)
		}
		out[i] = Allowance{Action: a.name, Refusal: err}
	}
	return out
}

// Actions says what p may do to delivery t (which p sees) now, one
// Allowance per TransferActions entry, in that order. Aborting asks first
// whether p delivers at all, as AbortTransfer does.
func (s *Deliveries) Actions(p lot.Principal, t *lot.Transfer) []Allowance {
	out := make([]Allowance, len(lot.DeliveryActions))
	for i, a := range lot.DeliveryActions {
		var err error
		if a == lot.DeliveryAbort {
			err = s.mayDeliver(p)
		}
		if err == nil {
			err = t.Refusal(a, p)
		}
		out[i] = Allowance{Action: string(a), Refusal: err}
	}
	return out
}

// Actions says what p may do to the QC of delivery t (which p sees) now,
// one Allowance per QCActions entry, in that order; nil when t has no QC.
func (s *QC) Actions(p lot.Principal, t *lot.Transfer) []Allowance {
	if t.QC == nil {
		return nil
	}
	out := make([]Allowance, len(lot.QCActions))
	for i, a := range lot.QCActions {
		out[i] = Allowance{Action: qcActionName(a), Refusal: t.QC.Refusal(a, p)}
	}
	return out
}

// SubassignTargets is whom a caller may subassign a request to now.
type SubassignTargets struct {
	Request  *lot.Request
	Partners []*lot.Partner // by name; none when Allowed refuses
	Allowed  Allowance      // whether the caller may subassign the request at all
}

// Subassignees lists the partners p may subassign request id to now, and
// whether p may subassign it at all (and why not): none when p may not.
// Each partner is tried the way Subassign takes it (the domain's Subassign
// on a copy of the request), so the list holds exactly the targets
// Subassign accepts: for a fulfillment partner its facility's approved
// partners, for studio operators every other fulfillment partner. It
// fails with not_found when p may not see the request.
func (s *Requests) Subassignees(ctx context.Context, p lot.Principal, id string) (*SubassignTargets, error) {
	r, err := s.tenancy.visible(ctx, p, id)
	if err != nil {
		return nil, err
	}
	facility, err := s.facilityOf(ctx, p)
	if err != nil {
		return nil, err
	}
	out := &SubassignTargets{Request: r, Allowed: Allowance{Action: ActSubassign, Refusal: r.Refusal(lot.OpSubassign, p, facility)}}
	if out.Allowed.Refusal != nil {
		return out, nil
	}
	all, err := s.Store.ListPartners(ctx)
	if err != nil {
		return nil, err
	}
	a := lot.Act{By: p, At: s.Clock.Now().UTC()}
	for _, pt := range all {
		if r.Clone().Subassign(a, facility, pt, "") == nil {
			out.Partners = append(out.Partners, pt)
		}
	}
	slices.SortFunc(out.Partners, func(x, y *lot.Partner) int {
		return strings.Compare(strings.ToLower(firstNonEmpty(x.Name, x.ID)), strings.ToLower(firstNonEmpty(y.Name, y.ID)))
	})
	return out, nil
}
