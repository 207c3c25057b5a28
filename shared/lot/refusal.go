package lot

// This file answers, before anyone acts, what the domain methods would
// answer: whether a principal may take an action now and, if not, why. Each
// answer asks the very checks the method makes (who may, the request's or
// delivery's kind and status), in the method's order, leaving out only the
// checks of the action's own input. So a caller told "allowed" succeeds
// with valid input, and one told why not meets that same error when it
// tries. The portal shows these answers; it never restates a rule.

// Refusal returns the error p would get doing op on r now with valid
// input, or nil when p may. facility is p's own partner; it matters only
// to OpSubassign and OpTakeBack by the fulfillment partner of record (nil
// otherwise).
// op must be an operation a person does to an existing request (not
// OpCreate, and none that follows a delivery): others answer invalid.
func (r *Request) Refusal(op Op, p Principal, facility *Partner) error {
	rule, ok := ruleOf[op]
	if !ok || rule.Follows || op == OpCreate {
		return Errorf(CodeInvalid, "%q is not an action people take on a request", truncate(string(op), 40))
	}
	who := r.may(op, p)
	if op == OpCancel || op == OpUncancel {
		who = r.mayCancel(p, op)
	}
	if who != nil {
		return who
	}
	switch op {
	case OpSubassign:
		if err := r.maySubassign(p, facility); err != nil {
			return err
		}
	case OpTakeBack:
		if err := r.maySubassign(p, facility); err != nil {
			return err
		}
		return first(r.mayFrom(op), r.subassigned)
	case OpSetServiceType:
		if err := r.serviceTypeEditable(); err != nil {
			return err
		}
	case OpDeliver:
		return r.Deliverable()
	}
	return r.mayFrom(op)
}

// DeliveryAction is what a person does to a delivery once it exists.
type DeliveryAction string

// Delivery actions.
const (
	DeliveryOverride  DeliveryAction = "override"  // Transfer.Override
	DeliveryVerify    DeliveryAction = "verify"    // Transfer.VerifyOverride
	DeliveryReject    DeliveryAction = "reject"    // Transfer.RejectOverride
	DeliveryIgnore    DeliveryAction = "ignore"    // Transfer.Ignore
	DeliveryReinspect DeliveryAction = "reinspect" // Transfer.Reinspect
	DeliveryAbort     DeliveryAction = "abort"     // Transfer.Abort
)

// DeliveryActions lists every delivery action, in the order a delivery
// card offers them.
var DeliveryActions = []DeliveryAction{DeliveryOverride, DeliveryVerify, DeliveryReject, DeliveryIgnore, DeliveryReinspect, DeliveryAbort}

// Refusal returns the error p would get taking action on t now with valid
// input, or nil when p may. Abort asks no principal (who may abort is who
// may deliver, the caller's check); an aborted transfer is refused here
// though aborting it again succeeds, changing nothing. An unknown action
// answers invalid.
func (t *Transfer) Refusal(action DeliveryAction, p Principal) error {
	switch action {
	case DeliveryOverride:
		return first(t.may(OpOverride, p), t.overridable)
	case DeliveryVerify:
		return first(t.may(OpVerifyOverride, p), func() error { return t.overridden("verified") })
	case DeliveryReject:
		return first(t.may(OpRejectOverride, p), func() error { return t.overridden("rejected") })
	case DeliveryIgnore:
		return first(t.may(OpIgnoreDelivery, p), t.ignorable)
	case DeliveryReinspect:
		return first(studioOnly(p, "inspect a delivery again"), t.reinspectable)
	case DeliveryAbort:
		return t.abortable()
	}
	return Errorf(CodeInvalid, "%q is not an action on a delivery", truncate(string(action), 40))
}

// first returns who when it refuses, else what the status check says.
func first(who error, what func() error) error {
	if who != nil {
		return who
	}
	return what()
}

// Refusal returns the error p would get taking action on this QC now with
// valid input, or nil when p may: only QC and studio operators work on QC,
// and each action needs QC in a status it is taken from. Signing off
// needs an Issue to sign off besides; which events are Issues the card
// shows. An unknown action answers invalid.
func (q *QC) Refusal(action QCAction, p Principal) error {
	if err := qcOnly(p); err != nil {
		return err
	}
	return q.ready(action)
}
