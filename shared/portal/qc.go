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

// QCSteps binds the QC outcome flow's steps to this service.
func (s *Service) QCSteps() flow.Steps {
	return flow.Steps{steps.QCApplyOutcome: flow.Typed(s.qcApplyOutcome)}
}

// openQC starts QC on a delivery that is now Processed, when its source
// type's policy asks for QC. Timecodes count the delivered video's frames.
func openQC(a lot.Act, t *lot.Transfer, st lot.SourceType) {
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
	t.QC = lot.NewQC(a, rate)
	t.QC.DropFrame = drop
}

// qcTransfer loads a transfer with QC that p may see.
func (s *Service) qcTransfer(ctx context.Context, p lot.Principal, id string) (*lot.Transfer, error) {
	t, err := s.Transfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if t.QC == nil {
		return nil, lot.Errorf(lot.CodeNotFound, "this delivery has no QC")
	}
	return t, nil
}

// updateQC applies fn to a transfer's QC in one conditional write.
func (s *Service) updateQC(ctx context.Context, p lot.Principal, id string, fn func(q *lot.QC, a lot.Act) error) (*lot.Transfer, error) {
	if _, err := s.qcTransfer(ctx, p, id); err != nil {
		return nil, err
	}
	a := lot.Act{By: p, At: s.clock.Now().UTC()}
	return s.store.UpdateTransfer(ctx, id, func(x *lot.Transfer) (bool, error) {
		return true, fn(x.QC, a)
	})
}

// QCAct changes a QC's status: start, hold, fix-notes, resume, cancel, or
// finish (which takes the outcome its events give and starts the QC
// outcome flow).
func (s *Service) QCAct(ctx context.Context, p lot.Principal, id string, action lot.QCAction, note string) (*lot.Transfer, error) {
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
	if s.Flows == nil {
		_, err := s.qcApplyOutcome(ctx, in)
		return t, err
	}
	if err := s.Flows.Start(ctx, FlowQCOutcome, fmt.Sprintf("%s-qc-%d", t.ID, in.Round), in); err != nil {
		s.log.ErrorContext(ctx, "QC outcome flow not started", "transfer", t.ID, "err", err)
	}
	return t, nil
}

// AddQCEvent records a QC event.
func (s *Service) AddQCEvent(ctx context.Context, p lot.Principal, id string, e lot.QCEvent) (lot.QCEvent, error) {
	var added lot.QCEvent
	_, err := s.updateQC(ctx, p, id, func(q *lot.QC, a lot.Act) error {
		var err error
		added, err = q.AddEvent(a, e)
		return err
	})
	return added, err
}

// SignOffQCEvent accepts an Issue as it is.
func (s *Service) SignOffQCEvent(ctx context.Context, p lot.Principal, id string, n int) (*lot.Transfer, error) {
	return s.updateQC(ctx, p, id, func(q *lot.QC, a lot.Act) error { return q.SignOff(a, n) })
}

// RequestQC lists the QC of a request's deliveries, newest first.
func (s *Service) RequestQC(ctx context.Context, p lot.Principal, requestID string) ([]*lot.Transfer, error) {
	all, err := s.Transfers(ctx, p, requestID)
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

// QCReportOf is a QC with what its report shows besides.
type QCReportOf struct {
	Transfer *lot.Transfer
	Request  *lot.Request
	Title    string
}

// QCReport gathers a QC report's content.
func (s *Service) QCReport(ctx context.Context, p lot.Principal, id string) (QCReportOf, error) {
	t, err := s.qcTransfer(ctx, p, id)
	if err != nil {
		return QCReportOf{}, err
	}
	v, err := s.Request(ctx, p, t.RequestID)
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
func (s *Service) qcApplyOutcome(ctx context.Context, in QCOutcomeInput) (struct{}, error) {
	t, err := s.store.GetTransfer(ctx, in.TransferID)
	if err != nil {
		return struct{}{}, s.internal(ctx, "QCApplyOutcome", InspectionInput{TransferID: in.TransferID}, err)
	}
	if t.QC == nil || !t.QC.Status.Finished() || t.QC.Applied {
		return struct{}{}, nil // nothing to apply, or applied by an earlier run
	}
	last := t.QC.Timeline[len(t.QC.Timeline)-1]
	a := lot.Act{By: lot.Principal{Subject: last.By}, At: last.At}
	marker := fmt.Sprintf("QC of transfer %s: %s", t.ID, t.QC.Status.Name())
	r, err := s.store.UpdateRequest(ctx, t.RequestID, func(r *lot.Request) error {
		r.RecordQC(a, t, marker)
		return nil
	})
	if lot.IsCode(err, lot.CodeConflict) {
		return struct{}{}, &flow.Error{Name: errInternal, Cause: "the request changed meanwhile; tried again"}
	}
	if err != nil {
		return struct{}{}, s.internal(ctx, "QCApplyOutcome", InspectionInput{TransferID: in.TransferID}, err)
	}
	// Marked after the history is written: a crash between the two writes
	// the history twice, never loses it.
	if _, err := s.store.UpdateTransfer(ctx, t.ID, func(x *lot.Transfer) (bool, error) {
		if x.QC == nil || x.QC.Applied {
			return false, nil
		}
		x.QC.Applied = true
		return true, nil
	}); err != nil {
		return struct{}{}, s.internal(ctx, "QCApplyOutcome", InspectionInput{TransferID: in.TransferID}, err)
	}
	s.notifyQC(ctx, t, r) // keyed by transfer: a rerun of this step mails nobody twice
	if t.QC.Status == lot.QCFailed {
		s.notifyRedelivery(ctx, r, "QC of the delivery failed", "qc/"+t.ID)
	}
	return struct{}{}, nil
}

// Flows are every flow the product runs, by name.
func Flows() map[string]flow.Definition {
	return map[string]flow.Definition{FlowInspection: InspectionFlow(), FlowQCOutcome: QCOutcomeFlow(), WatermarkFlow: ProxyFlow()}
}

// Steps are every flow step, bound to this service.
func (s *Service) Steps() flow.Steps {
	out := s.InspectionSteps()
	for k, v := range s.QCSteps() {
		out[k] = v
	}
	for k, v := range s.ProxySteps() {
		out[k] = v
	}
	return out
}
