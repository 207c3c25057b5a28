package lot_test

import (
	"fmt"
	"testing"

	"github.com/openlot/openlot/shared/lot"
)

// sameAnswer reports, as a test error, where an answer given in advance
// (want, from Refusal) differs from what taking the action did (got).
func sameAnswer(t *testing.T, where string, want, got error) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s: Refusal says allowed; the method refused: %v", where, got)
	case want != nil && got == nil:
		t.Errorf("%s: Refusal says %v; the method succeeded", where, want)
	case want != nil && want.Error() != got.Error():
		t.Errorf("%s: Refusal says %v; the method says %v", where, want, got)
	}
}

// requestVariants are requests that differ in what the checks besides
// status ask: the source type (cancel, service type), the materials
// (deliveries) and the subassignee.
func requestVariants(tb testing.TB, st lot.RequestStatus) map[string]*lot.Request {
	subtitle := mustRequest(tb, lot.SourceSubtitle, st, lot.MaterialNotReceived)
	av := mustRequest(tb, lot.SourceAVMuxed, st, lot.MaterialReceived)
	imf := mustRequest(tb, lot.SourceIMF, st, lot.MaterialNotReceived)
	return map[string]*lot.Request{"forced sub, subassigned": matrixRequest(tb, st), "subtitle without materials": subtitle,
		"AV muxed": av, "IMF without materials": imf}
}

func TestRefusalIsWhatTheRequestMethodAnswers(t *testing.T) {
	// Ensures Refusal, asked before acting, answers exactly what every
	// request operation's method then answers with valid input: allowed
	// when it succeeds, else the same code and message, for every status,
	// party, permission set, facility and kind of request.
	closedShop := &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}
	principals := append([]party{}, matrixParties...)
	principals = append(principals, party{"FP without permissions", lot.PartyFP, plainFP})
	for _, rule := range lot.Rules() {
		if rule.Follows || rule.Op == lot.OpCreate {
			if err := matrixRequest(t, lot.StatusOpen).Refusal(rule.Op, studio, nil); !lot.IsCode(err, lot.CodeInvalid) {
				t.Errorf("%s is no action on a request, yet Refusal answers %v", rule.Op, err)
			}
			continue
		}
		for _, st := range lot.RequestStatuses {
			for kind, r := range requestVariants(t, st) {
				for _, pt := range principals {
					facilities := map[string]*lot.Partner{"": nil}
					if pt.p.Role == lot.RoleFP {
						facilities = map[string]*lot.Partner{"facility": facility, "closed shop": closedShop}
					}
					for fname, fac := range facilities {
						where := fmt.Sprintf("%s on a %s %s request by the %s (%s)", rule.Op, st, kind, pt.name, fname)
						want := r.Refusal(rule.Op, pt.p, fac)
						_, got := takeRequestAction(t, rule.Op, r.Clone(), pt.p, fac)
						sameAnswer(t, where, want, got)
					}
				}
			}
		}
	}
}

// takeRequestAction runs op through its method on r as p, with valid
// input: matrixOps, with the facility given for subassign and take-back.
func takeRequestAction(tb testing.TB, op lot.Op, r *lot.Request, p lot.Principal, fac *lot.Partner) (*lot.Request, error) {
	switch op {
	case lot.OpSubassign:
		return r, r.Subassign(act(p), fac, harbor, "")
	case lot.OpTakeBack:
		return r, r.TakeBack(act(p), fac, "")
	}
	return matrixOps[op](tb, r, p)
}

func TestRefusalIsWhatTheDeliveryMethodAnswers(t *testing.T) {
	// Ensures a delivery's Refusal answers what each decision on it then
	// answers with a reason, in every transfer status, for every party, with
	// findings that may and may not be overridden; an aborted transfer is
	// refused another abort, which changes nothing when taken.
	r := matrixRequest(t, lot.StatusOpen)
	take := map[lot.DeliveryAction]func(tr *lot.Transfer, p lot.Principal) error{
		lot.DeliveryOverride: func(tr *lot.Transfer, p lot.Principal) error { return tr.Override(act(p), "loud by design") },
		lot.DeliveryVerify:   func(tr *lot.Transfer, p lot.Principal) error { return tr.VerifyOverride(act(p)) },
		lot.DeliveryReject:   func(tr *lot.Transfer, p lot.Principal) error { return tr.RejectOverride(act(p), "too loud") },
		lot.DeliveryIgnore:   func(tr *lot.Transfer, p lot.Principal) error { return tr.Ignore(act(p), "the earlier one stands") },
		lot.DeliveryReinspect: func(tr *lot.Transfer, p lot.Principal) error {
			_, err := tr.Reinspect(act(p))
			return err
		},
		lot.DeliveryAbort: func(tr *lot.Transfer, p lot.Principal) error { return tr.Abort(act(p)) },
	}
	if len(take) != len(lot.DeliveryActions) {
		t.Fatalf("the test takes %d delivery actions; lot has %d", len(take), len(lot.DeliveryActions))
	}
	fixed := []lot.Finding{{Code: "LOUD", Message: "too loud", Overridable: true}, {Code: "CUT", Message: "cut short"}}
	for _, action := range lot.DeliveryActions {
		for _, st := range lot.TransferStatuses {
			for kind, findings := range map[string][]lot.Finding{"overridable": matrixTransfer(r, st).Inspection.Findings, "fixed": fixed} {
				for _, pt := range matrixParties {
					tr := matrixTransfer(r, st)
					tr.Inspection.Findings = findings
					where := fmt.Sprintf("%s on a %s transfer (%s findings) by the %s", action, st, kind, pt.name)
					want := tr.Refusal(action, pt.p)
					got := take[action](tr.Clone(), pt.p)
					if action == lot.DeliveryAbort && st == lot.TransferAborted {
						if want == nil {
							t.Errorf("%s: Refusal allows aborting again", where)
						}
						if got != nil {
							t.Errorf("%s: aborting again answered %v, want success without a change", where, got)
						}
						continue
					}
					sameAnswer(t, where, want, got)
				}
			}
		}
	}
	if err := matrixTransfer(r, lot.TransferFailed).Refusal("paint", studio); !lot.IsCode(err, lot.CodeInvalid) {
		t.Errorf("an unknown delivery action: %v, want invalid", err)
	}
}

func TestRefusalIsWhatTheQCMethodAnswers(t *testing.T) {
	// Ensures a QC's Refusal answers what each QC action then answers with
	// valid input (a note, an event, an Issue to sign off), in every QC
	// status, for every party.
	issue := lot.QCEvent{In: "00:00:01:00", Out: "00:00:02:00", Severity: lot.SeverityIssue, Category: "2.2", Note: "a dropout"}
	take := func(q *lot.QC, action lot.QCAction, p lot.Principal) error {
		switch action {
		case lot.QCFinish:
			_, err := q.Finish(act(p), "done")
			return err
		case lot.QCAddEvent:
			_, err := q.AddEvent(act(p), issue)
			return err
		case lot.QCSignOff:
			return q.SignOff(act(p), 1)
		}
		return q.Act(act(p), action, "a note")
	}
	for _, action := range lot.QCActions {
		for _, st := range lot.QCStatuses {
			for _, pt := range matrixParties {
				q := &lot.QC{Status: st, FrameRate: 24, Events: []lot.QCEvent{{N: 1, In: "00:00:01:00", Out: "00:00:01:12", Severity: lot.SeverityIssue, Category: "2.2", Note: "x"}}}
				where := fmt.Sprintf("QC %s when %s by the %s", action, st, pt.name)
				c := *q
				c.Events = append([]lot.QCEvent{}, q.Events...)
				sameAnswer(t, where, q.Refusal(action, pt.p), take(&c, action, pt.p))
			}
		}
	}
	if err := (&lot.QC{Status: lot.QCReady}).Refusal("paint", studio); !lot.IsCode(err, lot.CodeInvalid) {
		t.Errorf("an unknown QC action: %v, want invalid", err)
	}
}
