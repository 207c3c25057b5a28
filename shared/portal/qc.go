package portal

import (
	"context"
	"fmt"
	"strings"

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal/steps"
)

// FlowQCOutcome applies a finished QC to its request; the API starts it
// when a QC operator finishes (no task tokens: a human decision starts the
// next flow).
const FlowQCOutcome = "qc-outcome"

// QC are the use cases of quality control: a processed delivery whose
// source type's policy asks for QC gets one; QC operators record events and
// finish it, and the outcome (through the QC outcome flow) goes into the
// request's history and, when it failed, asks for a redelivery.
type QC struct {
	*Deps
	deliveries *Deliveries    // the transfers QC is about
	requests   *Requests      // the request a report shows
	notes      *Notifications // the outcome's mail
}

// NewQC returns the QC use cases over d, for the transfers of deliveries.
func NewQC(d *Deps, deliveries *Deliveries, requests *Requests, notes *Notifications) *QC {
	return &QC{Deps: d, deliveries: deliveries, requests: requests, notes: notes}
}

// QCOutcomeFlow is the QC outcome, written once for both runners.
func QCOutcomeFlow() flow.Definition {
	return flow.Definition{
		Comment: "openlot QC outcome: a failed QC asks for a redelivery; every outcome goes into the request's history",
		StartAt: "Apply",
		States: []flow.State{
			{Name: "Apply", Kind: flow.Task, Step: steps.QCApplyOutcome, End: true, Retry: retryInternal},
		},
	}
}

// QCSteps binds the QC outcome flow's steps to these use cases.
func (s *QC) QCSteps() flow.Steps {
	return flow.Steps{steps.QCApplyOutcome: flow.Typed(s.qcApplyOutcome)}
}

// openQC starts QC on a delivery that is now Processed, when its source
// type's policy asks for QC, why saying how it became Processed
// (lot.QCReadyInspected or lot.QCReadyVerified). Timecodes count the
// delivered video's frames.
func openQC(a lot.Act, t *lot.Transfer, st lot.SourceType, why string) {
	if t.Status != lot.TransferProcessed || t.QC != nil || !inspect.PolicyFor(st).QC {
		return
	}
	rate, drop := 0.0, false
	if t.Inspection != nil {
		for _, f := range t.Inspection.Files {
			if f.Media != nil && len(f.Media.Video) > 0 {
				rate = f.Media.Video[0].FrameRate
				drop = strings.Contains(f.Media.Timecode, ";")
				break
			}
		}
	}
	if rate == 0 && len(t.Files) > 0 {
		rate, _ = inspect.DeclaredRate(t.Files[0].Metadata)
		drop = strings.Contains(t.Files[0].Metadata["startTimecode"], ";")
	}
	t.QC = lot.NewQC(a, rate, why)
	t.QC.DropFrame = drop
}

// qcTransfer loads a transfer with QC that p may see.
func (s *QC) qcTransfer(ctx context.Context, p lot.Principal, id string) (*lot.Transfer, error) {
	t, err := s.deliveries.Transfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if t.QC == nil {
		return nil, lot.Errorf(lot.CodeNotFound, "this delivery has no QC")
	}
	return t, nil
}

// updateQC applies fn to a transfer's QC in one conditional write.
func (s *QC) updateQC(ctx context.Context, p lot.Principal, id string, fn func(q *lot.QC, a lot.Act) error) (*lot.Transfer, error) {
	if _, err := s.qcTransfer(ctx, p, id); err != nil {
		return nil, err
	}
	a := lot.Act{By: p, At: s.Clock.Now().UTC()}
	var before lot.QCStatus
	t, err := s.Store.UpdateTransfer(ctx, id, func(x *lot.Transfer) (bool, error) {
		before = x.QC.Status
		return true, fn(x.QC, a)
	})
	if err == nil && t.QC.Status != before {
		s.trackDelivery(ctx, t)
	}
	return t, err
}

// QCAct changes a QC's status: start, hold, fix-notes, resume, cancel, or
// finish (which takes the outcome its events give and starts the QC
// outcome flow).
func (s *QC) QCAct(ctx context.Context, p lot.Principal, id string, action lot.QCAction, note string) (*lot.Transfer, error) {
	t, err := s.updateQC(ctx, p, id, func(q *lot.QC, a lot.Act) error {
		if action == lot.QCFinish {
			_, err := q.Finish(a, note)
			return err
		}
		return q.Act(a, action, note)
	})
	if err != nil || !t.QC.Status.Finished() || t.QC.Status == lot.QCCanceled {
		return t, err
	}
	in := QCOutcomeInput{TransferID: t.ID, Round: len(t.QC.Timeline)}
	if s.Flows == nil { // as with inspections: without a runner the outcome is not applied
		s.Log.ErrorContext(ctx, "QC outcome not applied: no flow runner", "transfer", t.ID)
		return t, nil
	}
	if err := s.Flows.Start(ctx, FlowQCOutcome, fmt.Sprintf("%s-qc-%d", t.ID, in.Round), in); err != nil {
		s.Log.ErrorContext(ctx, "QC outcome flow not started", "transfer", t.ID, "err", err)
	}
	return t, nil
}

// AddQCEvent records a QC event.
func (s *QC) AddQCEvent(ctx context.Context, p lot.Principal, id string, e lot.QCEvent) (lot.QCEvent, error) {
	var added lot.QCEvent
	_, err := s.updateQC(ctx, p, id, func(q *lot.QC, a lot.Act) error {
		var err error
		added, err = q.AddEvent(a, e)
		return err
	})
	return added, err
}

// SignOffQCEvent accepts an Issue as it is.
func (s *QC) SignOffQCEvent(ctx context.Context, p lot.Principal, id string, n int) (*lot.Transfer, error) {
	return s.updateQC(ctx, p, id, func(q *lot.QC, a lot.Act) error { return q.SignOff(a, n) })
}

// RequestQC lists the QC of a request's deliveries, newest first.
func (s *QC) RequestQC(ctx context.Context, p lot.Principal, requestID string) ([]*lot.Transfer, error) {
	all, err := s.deliveries.Transfers(ctx, p, requestID)
	if err != nil {
		return nil, err
	}
	var out []*lot.Transfer
	for _, t := range all {
		if t.QC != nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// QCQueueItem is a delivery waiting in a queue (QC, or the studio's
// verification of an override) with its request.
type QCQueueItem struct {
	Transfer *lot.Transfer
	Request  *lot.Request
}

// Queue lists the QC cards p may see (QC and studio operators: all;
// partners: their facility's) in one of statuses (none: every status),
// of partner's deliveries when partner is set, newest first, a page of up
// to limit after the cursor after. next is the cursor of the next page, ""
// at the end.
func (s *QC) Queue(ctx context.Context, p lot.Principal, statuses []lot.QCStatus, partner, after string, limit int) ([]QCQueueItem, string, error) {
	if len(statuses) == 0 {
		statuses = lot.QCStatuses
	}
	queues := make([]lot.Queue, len(statuses))
	for i, st := range statuses {
		queues[i] = lot.QueueQC(st)
	}
	return queued(ctx, s.Deps, p, lot.QueueFilter{Scope: lot.ScopeOf(p), Queues: queues, FulfillmentPartner: partner}, after, limit)
}

// queued lists the transfers of a queue filter p may see, each with its
// request.
func queued(ctx context.Context, d *Deps, p lot.Principal, f lot.QueueFilter, after string, limit int) ([]QCQueueItem, string, error) {
	ts, next, err := d.Store.ListQueue(ctx, f, after, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]QCQueueItem, 0, len(ts))
	for _, t := range ts {
		if !t.VisibleTo(p) { // a store bug must not leak another tenant's card
			continue
		}
		r, err := d.Store.GetRequest(ctx, t.RequestID)
		if err != nil {
			return nil, "", err
		}
		out = append(out, QCQueueItem{Transfer: t, Request: r})
	}
	return out, next, nil
}

// Overrides lists the overridden deliveries p may see that wait for the
// studio to verify or reject the override, of partner's deliveries when
// partner is set, newest first, a page of up to limit after the cursor
// after; next is the cursor of the next page, "" at the end.
func (s *QC) Overrides(ctx context.Context, p lot.Principal, partner, after string, limit int) ([]QCQueueItem, string, error) {
	return queued(ctx, s.Deps, p, lot.QueueFilter{Scope: lot.ScopeOf(p), Queues: []lot.Queue{lot.QueueVerify}, FulfillmentPartner: partner}, after, limit)
}

// Card answers one delivery's QC with its request, for the QC page.
func (s *QC) Card(ctx context.Context, p lot.Principal, id string) (QCQueueItem, error) {
	t, err := s.qcTransfer(ctx, p, id)
	if err != nil {
		return QCQueueItem{}, err
	}
	r, err := s.Store.GetRequest(ctx, t.RequestID)
	if err != nil {
		return QCQueueItem{}, err
	}
	return QCQueueItem{Transfer: t, Request: r}, nil
}

// QCReportOf is a QC with what its report shows besides.
type QCReportOf struct {
	Transfer *lot.Transfer
	Request  *lot.Request
	Title    string
}

// QCReport gathers a QC report's content.
func (s *QC) QCReport(ctx context.Context, p lot.Principal, id string) (QCReportOf, error) {
	t, err := s.qcTransfer(ctx, p, id)
	if err != nil {
		return QCReportOf{}, err
	}
	v, err := s.requests.Request(ctx, p, t.RequestID)
	if err != nil {
		return QCReportOf{}, err
	}
	out := QCReportOf{Transfer: t, Request: v.Request}
	if v.Title != nil {
		out.Title = v.Title.Name
	}
	return out, nil
}

// QCOutcomeInput names a finished QC.
type QCOutcomeInput struct {
	TransferID string `json:"transferId"`
	Round      int    `json:"round"` // the QC timeline's length when it finished
}

// qcApplyOutcome writes a finished QC into its request's history; a
// failed one asks for a redelivery. Running it twice writes it once.
func (s *QC) qcApplyOutcome(ctx context.Context, in QCOutcomeInput) (struct{}, error) {
	t, err := s.Store.GetTransfer(ctx, in.TransferID)
	if err != nil {
		return struct{}{}, internal(ctx, s.Log, steps.QCApplyOutcome, InspectionInput{TransferID: in.TransferID}, err)
	}
	if t.QC == nil || !t.QC.Status.Finished() || t.QC.Applied {
		return struct{}{}, nil // nothing to apply, or applied by an earlier run
	}
	last := t.QC.Timeline[len(t.QC.Timeline)-1]
	// Only QC operators finish QC (lot.QC.Finish); "openlot" is openlot itself.
	a := lot.Act{By: lot.Principal{Subject: last.By, Name: last.ByName, Role: lot.RoleQC}, At: last.At}
	if last.By == lot.System.Subject {
		a.By = lot.System
	}
	marker := fmt.Sprintf("QC of transfer %s: %s", t.ID, t.QC.Status.Name())
	r, err := s.Store.UpdateRequest(ctx, t.RequestID, func(r *lot.Request) error {
		r.RecordQC(a, t, marker)
		return nil
	})
	if lot.IsCode(err, lot.CodeConflict) {
		return struct{}{}, &flow.Error{Name: errInternal, Cause: "the request changed meanwhile; tried again"}
	}
	if err != nil {
		return struct{}{}, internal(ctx, s.Log, steps.QCApplyOutcome, InspectionInput{TransferID: in.TransferID}, err)
	}
	// Marked after the history is written: a crash between the two writes
	// the history twice, never loses it.
	if _, err := s.Store.UpdateTransfer(ctx, t.ID, func(x *lot.Transfer) (bool, error) {
		if x.QC == nil || x.QC.Applied {
			return false, nil
		}
		x.QC.Applied = true
		return true, nil
	}); err != nil {
		return struct{}{}, internal(ctx, s.Log, steps.QCApplyOutcome, InspectionInput{TransferID: in.TransferID}, err)
	}
	s.notes.notifyQC(ctx, t, r) // keyed by transfer: a rerun of this step mails nobody twice
	if t.QC.Status == lot.QCFailed {
		s.notes.send(ctx, s.notes.redelivery(ctx, r, "QC of the delivery failed", "qc/"+t.ID)...)
	}
	return struct{}{}, nil
}

// Flows are every flow the product runs, by name.
func Flows() map[string]flow.Definition {
	return map[string]flow.Definition{FlowInspection: InspectionFlow(), FlowQCOutcome: QCOutcomeFlow(), WatermarkFlow: ProxyFlow(),
		FlowNotify: NotifyFlow()}
}
