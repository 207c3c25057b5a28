package lot

import (
	"slices"
	"strings"
)

// This file holds the request-status rules in one table: for every
// operation on a request (or on one of its deliveries) that needs or
// changes the request's status, the statuses it may be done from, the
// status it leads to and who may do it. The domain methods (rules.go,
// transfer.go, inspection.go, qc.go, follow.go) ask the table; search
// buckets and the portal's digest use OpenStatuses.

// OpenStatuses are the statuses of a request that awaits a delivery: Open
// and Redelivery Requested. Only an open request may be delivered to or
// worked on (material status, subassignment, estimated delivery, service
// type), and only open requests count in the Insights and Asset States
// buckets.
var OpenStatuses = []RequestStatus{StatusOpen, StatusRedeliveryRequested}

// IsOpen reports whether a request in status s waits for a delivery (s is
// one of OpenStatuses).
func (s RequestStatus) IsOpen() bool { return slices.Contains(OpenStatuses, s) }

// Op names an operation the request-status rules govern.
type Op string

// Operations on a request.
const (
	OpCreate               Op = "create" // Create, UpgradeTo: a new request
	OpSetMaterialStatus    Op = "set-material-status"
	OpCancel               Op = "cancel"
	OpUncancel             Op = "uncancel"
	OpSubassign            Op = "subassign"
	OpTakeBack             Op = "take-back" // the subassignment ends: the partner of record has the work again
	OpSetEstimatedDelivery Op = "set-estimated-delivery"
	OpSetServiceType       Op = "set-service-type"
	OpMarkMaterials        Op = "mark-materials-available" // the studio (or openlot, when the title has them) says the materials are there
	OpComment              Op = "comment"
	OpRequestRedelivery    Op = "request-redelivery"
	OpUpgrade              Op = "upgrade"
	OpDeliver              Op = "deliver" // NewTransfer; RecordDelivery when the upload completes
)

// Operations on a delivery that its request follows (Follow).
const (
	OpInspectionPassed Op = "inspection-passed" // the transfer is Processed by inspection
	OpInspectionFailed Op = "inspection-failed" // the transfer failed inspection
	OpOverride         Op = "override"          // the partner overrides a failed inspection
	OpVerifyOverride   Op = "verify-override"   // the studio accepts the override: Processed
	OpRejectOverride   Op = "reject-override"   // the studio refuses it: the transfer is Failed again
	OpIgnoreDelivery   Op = "ignore-delivery"   // the studio sets the delivery aside
	OpQCFailed         Op = "qc-failed"         // QC of the delivery finished Failed
	OpQCPassed         Op = "qc-passed"         // QC finished otherwise: Passed, Passed With Issues or Canceled
)

// Party is how a principal stands to a request, as the status rules see
// it. Parties combine into sets with |.
type Party uint8

// The parties.
const (
	PartyFP       Party = 1 << iota // a user of the request's fulfillment partner of record
	PartySubFP                      // a user of the partner the request is subassigned to
	PartyOtherFP                    // a user of any other fulfillment partner
	PartyCP                         // a content partner user
	PartyStudio                     // a studio operator
	PartyQC                         // a QC operator
	PartyPlatform                   // openlot itself: a principal without a role

	// Anyone is every party.
	Anyone = PartyFP | PartySubFP | PartyOtherFP | PartyCP | PartyStudio | PartyQC | PartyPlatform
)

// Parties lists every party, one at a time.
var Parties = []Party{PartyFP, PartySubFP, PartyOtherFP, PartyCP, PartyStudio, PartyQC, PartyPlatform}

var partyNames = map[Party]string{PartyFP: "fulfillment partner of record", PartySubFP: "subassigned fulfillment partner",
	PartyOtherFP: "other fulfillment partner", PartyCP: "content partner", PartyStudio: "studio operator",
	PartyQC: "QC operator", PartyPlatform: "openlot"}

// Has reports whether the set s holds every party of p.
func (s Party) Has(p Party) bool { return p != 0 && s&p == p }

// String names the parties of s, joined with "|".
func (s Party) String() string {
	var names []string
	for _, p := range Parties {
		if s.Has(p) {
			names = append(names, partyNames[p])
		}
	}
	return strings.Join(names, "|")
}

// PartyOf says how p stands to r.
func (r *Request) PartyOf(p Principal) Party { return partyOf(p, r.FulfillmentPartner, r.SubAssignee) }

// partyOf says how p stands to the work of fulfillment partner fp,
// subassigned to sub. Partners compare as given, empty ones included, as
// they always have.
func partyOf(p Principal, fp, sub string) Party {
	switch p.Role {
	case RoleStudio:
		return PartyStudio
	case RoleQC:
		return PartyQC
	case RoleCP:
		return PartyCP
	case RoleFP:
		switch p.Partner {
		case fp:
			return PartyFP
		case sub:
			return PartySubFP
		}
		return PartyOtherFP
	}
	return PartyPlatform
}

// StatusRule is the request-status rule of one operation. A domain method
// asks who first (a party not in By is refused with forbidden), then the
// request's status (a status not in From is refused with Code); most check
// their own inputs in between. The operations that follow a delivery
// (Follows) are never refused for the request's status: the
// delivery's change happened, the request moves if From holds its status
// and keeps it otherwise, and its history records what happened either way.
type StatusRule struct {
	Op Op
	// From lists the statuses the operation may be done from. It is empty
	// for OpCreate, which makes a request from nothing.
	From []RequestStatus
	// To is the status the request takes; "" keeps its status.
	To RequestStatus
	// By is who may do it. For the operations that follow a delivery, it is
	// who may make the delivery's change (the Transfer or QC method checks).
	By Party
	// Follows marks the moves a request makes when its delivery changes.
	Follows bool
	// Code is the error code when the request's status does not allow the
	// operation (not_allowed, or not_deliverable for deliveries).
	Code string
	// Action is what the request's history records.
	Action Action

	doing   string // what a refused party cannot do: "only studio operators can <doing>"
	denied  string // the whole forbidden message, where the generic ones do not fit
	refusal string // the status refusal: %[1]s the statuses of From, %[2]s the request's
}

// statusRules is the table. Every Op has one row.
var statusRules = []StatusRule{
	{Op: OpCreate, To: StatusOpen, By: PartyStudio, Action: ActionCreated, doing: "create requests"},
	{Op: OpSetMaterialStatus, From: OpenStatuses, By: PartyFP | PartyStudio, Code: CodeNotAllowed, Action: ActionMaterialStatus,
		doing: "change the material status", refusal: "changing the material status needs the request to be %[1]s; it is %[2]s"},
	// Fulfillment partners also need the cancel permission and a Forced Sub
	// or Dub Card Image request (SourceType.PartnerCancellable).
	{Op: OpCancel, From: []RequestStatus{StatusOpen}, To: StatusCancelled, By: PartyFP | PartyStudio, Code: CodeNotAllowed,
		Action: ActionCancelled, doing: "cancel", refusal: "only %[1]s requests can be cancelled; this one is %[2]s"},
	{Op: OpUncancel, From: []RequestStatus{StatusCancelled}, To: StatusOpen, By: PartyFP | PartyStudio, Code: CodeNotAllowed,
		Action: ActionUncancelled, doing: "uncancel", refusal: "only %[1]s requests can be uncancelled; this one is %[2]s"},
	// Fulfillment partners also need the subassign permission and an approved target.
	{Op: OpSubassign, From: OpenStatuses, By: PartyFP | PartyStudio, Code: CodeNotAllowed, Action: ActionSubassigned,
		doing: "subassign", refusal: "subassigning needs the request to be %[1]s; it is %[2]s"},
	{Op: OpTakeBack, From: OpenStatuses, By: PartyFP | PartyStudio, Code: CodeNotAllowed, Action: ActionSubassigned,
		doing: "take a subassignment back", refusal: "taking a subassignment back needs the request to be %[1]s; it is %[2]s"},
	{Op: OpSetEstimatedDelivery, From: OpenStatuses, By: PartyFP | PartyStudio, Code: CodeNotAllowed, Action: ActionEDDChanged,
		doing: "edit the estimated delivery date", refusal: "editing the estimated delivery date needs the request to be %[1]s; it is %[2]s"},
	{Op: OpSetServiceType, From: OpenStatuses, By: PartyFP | PartyStudio, Code: CodeNotAllowed, Action: ActionServiceType,
		doing: "edit the service type", refusal: "editing the service type needs the request to be %[1]s; it is %[2]s"},
	{Op: OpMarkMaterials, From: OpenStatuses, By: PartyStudio | PartyPlatform, Code: CodeNotAllowed, Action: ActionMaterialsAvailable,
		doing:   "mark the materials available",
		refusal: "marking the materials available needs the request to be %[1]s; it is %[2]s"},
	// Everyone who sees a request may comment on it (who sees it is the caller's check).
	{Op: OpComment, From: RequestStatuses, By: Anyone, Action: ActionCommented, doing: "comment"},
	{Op: OpRequestRedelivery, From: []RequestStatus{StatusDelivered, StatusProcessed}, To: StatusRedeliveryRequested, By: PartyStudio,
		Code: CodeNotAllowed, Action: ActionRedeliveryRequested, doing: "request a redelivery",
		refusal: "a redelivery can be requested only for %[1]s requests; this one is %[2]s"},
	{Op: OpUpgrade, From: []RequestStatus{StatusDelivered, StatusProcessed}, To: StatusUpgraded, By: PartyStudio,
		Code: CodeNotAllowed, Action: ActionUpgraded, doing: "upgrade a request",
		refusal: "only %[1]s requests can be upgraded; this one is %[2]s"},
	// A delivery leaves the request as it is until inspection decides; its
	// materials must be usable too (Deliverable).
	{Op: OpDeliver, From: OpenStatuses, By: PartyFP | PartySubFP | PartyStudio, Code: CodeNotDeliverable, Action: ActionDelivered,
		doing: "deliver files to this request", refusal: "deliveries need the request to be %[1]s; it is %[2]s"},

	// Inspection is openlot's own; the domain records its verdict from anyone.
	{Op: OpInspectionPassed, From: []RequestStatus{StatusOpen, StatusRedeliveryRequested, StatusDelivered}, To: StatusProcessed,
		By: Anyone, Follows: true, Action: ActionProcessed},
	{Op: OpInspectionFailed, From: RequestStatuses, By: Anyone, Follows: true, Action: ActionInspectionFailed},
	{Op: OpOverride, From: OpenStatuses, To: StatusDelivered, By: PartyFP | PartySubFP | PartyOtherFP, Follows: true,
		Action: ActionOverridden, denied: "only the delivering partner overrides an inspection"},
	{Op: OpVerifyOverride, From: []RequestStatus{StatusOpen, StatusRedeliveryRequested, StatusDelivered, StatusProcessed},
		To: StatusProcessed, By: PartyStudio, Follows: true, Action: ActionOverrideVerified, doing: "verify an override"},
	{Op: OpRejectOverride, From: []RequestStatus{StatusDelivered, StatusProcessed}, To: StatusRedeliveryRequested, By: PartyStudio,
		Follows: true, Action: ActionRedeliveryRequested, doing: "reject an override"},
	{Op: OpIgnoreDelivery, From: RequestStatuses, By: PartyStudio, Follows: true, Action: ActionTransferIgnored, doing: "ignore a delivery"},
	// Who finishes QC is who works on QC at all (every QC action).
	{Op: OpQCFailed, From: []RequestStatus{StatusDelivered, StatusProcessed}, To: StatusRedeliveryRequested, By: PartyQC | PartyStudio,
		Follows: true, Action: ActionQCFailed, denied: "only QC and studio operators work on QC"},
	{Op: OpQCPassed, From: RequestStatuses, By: PartyQC | PartyStudio, Follows: true, Action: ActionQCPassed,
		denied: "only QC and studio operators work on QC"},
}

// ruleOf finds an operation's row; nil for an unknown operation.
var ruleOf = func() map[Op]*StatusRule {
	m := make(map[Op]*StatusRule, len(statusRules))
	for i := range statusRules {
		m[statusRules[i].Op] = &statusRules[i]
	}
	return m
}()

// Rules returns a copy of the status table, one rule per operation.
func Rules() []StatusRule {
	out := slices.Clone(statusRules)
	for i := range out {
		out[i].From = slices.Clone(out[i].From)
	}
	return out
}

// Rule returns the status rule of op; its Op is "" when there is no such
// operation.
func Rule(op Op) StatusRule {
	r, ok := ruleOf[op]
	if !ok {
		return StatusRule{}
	}
	c := *r
	c.From = slices.Clone(r.From)
	return c
}

// AllowsFrom reports whether the operation may be done on a request in
// status s (for one that follows a delivery: whether the request moves).
func (rule StatusRule) AllowsFrom(s RequestStatus) bool { return slices.Contains(rule.From, s) }

// AllowsRole reports whether some principal of role may do the operation
// on some request (an FP: as the partner of record, the subassignee, or
// any partner, as By says). It answers who may try before a request is at
// hand.
func (rule StatusRule) AllowsRole(role Role) bool {
	switch role {
	case RoleFP:
		return rule.By&(PartyFP|PartySubFP|PartyOtherFP) != 0
	case RoleCP:
		return rule.By.Has(PartyCP)
	case RoleStudio:
		return rule.By.Has(PartyStudio)
	case RoleQC:
		return rule.By.Has(PartyQC)
	}
	return rule.By.Has(PartyPlatform)
}

// Next returns the status a request in status s takes by the operation: To
// when the rule moves requests from s, s otherwise.
func (rule StatusRule) Next(s RequestStatus) RequestStatus {
	if rule.To != "" && rule.AllowsFrom(s) {
		return rule.To
	}
	return s
}

// allow returns nil when party (principal p) may do the operation, and a
// forbidden error otherwise. fp is the partner of record, named to a
// subassignee who may not act.
func (rule *StatusRule) allow(party Party, p Principal, fp string) error {
	switch {
	case rule.By.Has(party):
		return nil
	case rule.denied != "":
		return &Error{Code: CodeForbidden, Message: rule.denied}
	case party == PartySubFP && rule.By.Has(PartyFP):
		return Errorf(CodeForbidden, "this request is subassigned to your facility; only %s, the fulfillment partner of record, can %s", fp, rule.doing)
	case rule.By == PartyStudio:
		return Errorf(CodeForbidden, "only studio operators can %s", rule.doing)
	}
	return Errorf(CodeForbidden, "a %s cannot %s", strings.ToLower(p.Role.Name()), rule.doing)
}

// from returns nil when the operation may be done on a request in status
// s, and an error with the rule's code naming the statuses it needs
// otherwise.
func (rule *StatusRule) from(s RequestStatus) error {
	if rule.Follows || rule.AllowsFrom(s) {
		return nil
	}
	return Errorf(rule.Code, rule.refusal, statusList(rule.From), s.Name())
}

// statusList names statuses for people: "Open", "Open or Redelivery
// Requested", "Open, Delivered or Processed".
func statusList(ss []RequestStatus) string {
	names := make([]string, len(ss))
	for i, s := range ss {
		names[i] = s.Name()
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// may returns a forbidden error unless p may do op on r.
func (r *Request) may(op Op, p Principal) error {
	return ruleOf[op].allow(r.PartyOf(p), p, r.FulfillmentPartner)
}

// mayFrom returns the rule's refusal unless op may be done on r in its
// status now.
func (r *Request) mayFrom(op Op) error { return ruleOf[op].from(r.Status) }

// may returns a forbidden error unless p may do op on t's request (t
// carries its request's partners).
func (t *Transfer) may(op Op, p Principal) error {
	return ruleOf[op].allow(partyOf(p, t.FulfillmentPartner, t.SubAssignee), p, t.FulfillmentPartner)
}
