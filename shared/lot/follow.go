package lot

import "fmt"

// The request follows its transfer: when one of its deliveries passes or
// fails inspection, is overridden, verified, rejected or ignored, or its QC
// finishes, the request moves by the status rule of what happened, and its
// history says so. Follow is the one place that does it; RecordInspection,
// RecordTransferDecision and RecordQC are shorthands that name what
// happened from the delivery's own state.

// Follow moves r after what happened to its delivery t, op being one of
// the operations a request follows (OpInspectionPassed … OpQCPassed): r
// takes the status Rule(op).Next gives and records the rule's history
// action, naming t. note is the reason of a decision on t (override,
// verify, reject, ignore) or the comment on its QC outcome; inspection
// ignores it. A request in a status the rule does not move from keeps it;
// its history still records what happened to its delivery. Who may make
// the delivery's change is the Transfer's and QC's check, not Follow's.
// Follow fails with invalid when op is not an operation a request follows.
func (r *Request) Follow(a Act, t *Transfer, op Op, note string) error {
	rule, ok := ruleOf[op]
	if !ok || !rule.Follows {
		return Errorf(CodeInvalid, "a request does not follow its delivery in %q", truncate(string(op), 40))
	}
	r.follow(a, t, rule, note)
	return nil
}

func (r *Request) follow(a Act, t *Transfer, rule *StatusRule, note string) {
	r.TrackDelivery(t)
	before := r.Status
	r.Status = rule.Next(before)
	switch rule.Op {
	case OpInspectionPassed:
		r.record(a, rule.Action, "status", string(before), string(r.Status), "", "transfer "+t.ID+" passed inspection")
	case OpInspectionFailed:
		r.record(a, rule.Action, "transfer", "", t.ID, "", t.ErrorCode+": "+t.ErrorMessage)
	case OpQCPassed:
		r.record(a, rule.Action, "qc", "", string(t.QC.Status), "", note)
	case OpQCFailed:
		c := t.QC.Counts()
		r.record(a, rule.Action, "status", string(before), string(r.Status), "QC failed",
			fmt.Sprintf("%s (%d blockers, %d issues, %d FYIs)", note, c[SeverityBlocker], c[SeverityIssue], c[SeverityFYI]))
	default: // a decision on the delivery
		r.record(a, rule.Action, "status", string(before), string(r.Status), note, "transfer "+t.ID)
	}
}

// RecordInspection notes an inspection's verdict on the request: Follow
// with OpInspectionPassed when t is Processed (the request is processed),
// with OpInspectionFailed otherwise (it stays deliverable).
func (r *Request) RecordInspection(a Act, t *Transfer) {
	op := OpInspectionFailed
	if t.Status == TransferProcessed {
		op = OpInspectionPassed
	}
	r.follow(a, t, ruleOf[op], "")
}

// RecordTransferDecision notes a decision on one of the request's
// deliveries, with its reason, and moves the request along: Follow with
// the operation t's new status names — Overridden: OpOverride (the request
// is Delivered), Processed: OpVerifyOverride (Processed), Failed:
// OpRejectOverride (Redelivery Requested), anything else:
// OpIgnoreDelivery (only the history changes).
func (r *Request) RecordTransferDecision(a Act, t *Transfer, reason string) {
	op := OpIgnoreDelivery
	switch t.Status {
	case TransferOverridden:
		op = OpOverride
	case TransferProcessed:
		op = OpVerifyOverride
	case TransferFailed:
		op = OpRejectOverride
	}
	r.follow(a, t, ruleOf[op], reason)
}

// RecordQC writes t's finished QC into the request's history, with
// comment: Follow with OpQCFailed when QC failed (a Delivered or Processed
// request asks for a redelivery), with OpQCPassed otherwise.
func (r *Request) RecordQC(a Act, t *Transfer, comment string) {
	op := OpQCPassed
	if t.QC.Status == QCFailed {
		op = OpQCFailed
	}
	r.follow(a, t, ruleOf[op], comment)
}

// TrackDelivery keeps the request's delivery fields (DeliveryID,
// DeliveryStatus, QCStatus) in step with t. A transfer becomes the
// request's delivery when its upload finishes (RecordDelivery: it reaches
// Pending Inspection, also again when reinspected); after that, changes of
// the delivery's status or of its QC's are copied, and changes of older
// transfers are not (a request stored before openlot kept these fields
// takes the first transfer that changes). It records no history (the
// delivery's own timeline has it) but makes the request a change to
// store (Apply). It reports whether anything changed.
func (r *Request) TrackDelivery(t *Transfer) bool {
	if t.RequestID != r.ID || t.Status.Uploading() {
		return false
	}
	if t.ID != r.DeliveryID && t.Status != TransferPendingInspection && r.DeliveryID != "" {
		return false
	}
	qc := QCStatus("")
	if t.QC != nil {
		qc = t.QC.Status
	}
	if r.DeliveryID == t.ID && r.DeliveryStatus == t.Status && r.QCStatus == qc {
		return false
	}
	r.DeliveryID, r.DeliveryStatus, r.QCStatus = t.ID, t.Status, qc
	r.tracked = true
	return true
}
