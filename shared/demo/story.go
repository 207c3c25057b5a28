package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/delivery"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// A story is what happened to one demo request after its partner had its
// materials: the deliveries it made, what inspection, the partner, the
// studio and QC made of them, and what people said, told through the
// domain's own methods in the order the product calls them (the API's
// use cases and the inspection and QC outcome flows), so that the
// request's history and its transfers say the same thing and the request
// ends in the status the story is about.
type story struct {
	rnd  *rand.Rand
	ids  lot.IDs
	r    *lot.Request
	prog programme
	look look // how the partner delivers
	pol  inspect.Policy
	at   time.Time // the story's clock
	end  time.Time // nothing happens after it (just before the demo's today)

	fp, studio, qc, cp lot.Principal
	primaries          primaries   // of the title, for a secondary asset's inspection
	files              *Deliveries // what the deliveries hold (nil: sizes and checksums made up)

	transfers []*lot.Transfer // oldest first
}

// tell plays the story of the request that ends in status want
// (Processed, Delivered or Redelivery Requested; upgrade tells the
// Upgraded one), from at (the partner has its materials) to before end;
// the transfers it made are in s.transfers, oldest first. A story that
// does not end in want is a bug in the demo and fails.
func (s *story) tell(want lot.RequestStatus) error {
	var err error
	switch want {
	case lot.StatusProcessed:
		err = s.processed(true)
	case lot.StatusDelivered:
		err = s.delivered()
	case lot.StatusRedeliveryRequested:
		err = s.redeliveryRequested()
	default:
		return fmt.Errorf("no story ends in %s", want)
	}
	if err != nil {
		return fmt.Errorf("demo request %s (%s): %w", s.r.ID, s.r.SourceType, err)
	}
	if s.r.Status != want {
		return fmt.Errorf("demo request %s (%s): the story ends in %s, not %s", s.r.ID, s.r.SourceType, s.r.Status, want)
	}
	return nil
}

// wait moves the clock on by lo to hi (never past the end).
func (s *story) wait(lo, hi time.Duration) {
	d := lo
	if hi > lo {
		d += time.Duration(s.rnd.Int64N(int64(hi - lo)))
	}
	s.at = s.at.Add(d)
	if s.at.After(s.end) {
		s.at = s.end
	}
}

func (s *story) as(p lot.Principal) lot.Act { return lot.Act{By: p, At: s.at} }

// platform is openlot's own act (the inspection flow's).
func (s *story) platform() lot.Act { return lot.Act{At: s.at} }

func (s *story) pick(list []string) string { return list[s.rnd.IntN(len(list))] }

func (s *story) chance(percent int) bool { return s.rnd.IntN(100) < percent }

// faults lists what inspection could find in a delivery to the request
// (faultsFor).
func (s *story) faults(overridable bool, prev *lot.Transfer) []string {
	return faultsFor(s.r, s.look, overridable, prev)
}

// kind names what the request asks for, for the words people use.
func (s *story) kind() string {
	if s.r.SourceType == lot.SourceDubCardImage {
		return "dubcard"
	}
	return s.pol.Media
}

func (s *story) last() *lot.Transfer { return s.transfers[len(s.transfers)-1] }

// previous is the newest delivery that was inspected (what the next
// inspection compares against).
func (s *story) previous() *lot.Transfer {
	for i := len(s.transfers) - 1; i >= 0; i-- {
		if s.transfers[i].Inspection != nil {
			return s.transfers[i]
		}
	}
	return nil
}

// comment has p comment on the request.
func (s *story) comment(p lot.Principal, text string) error {
	s.wait(10*time.Minute, 6*time.Hour)
	return s.r.AddComment(s.as(p), text)
}

// falseStart is an upload the partner began and did not finish: it aborts
// it, or the next delivery supersedes it. The request's history does not
// change (as in the product).
func (s *story) falseStart() error {
	tk, err := s.take("")
	if err != nil {
		return err
	}
	t, err := s.start(tk)
	if err != nil {
		return err
	}
	s.wait(2*time.Minute, 30*time.Minute)
	t.Started(s.as(s.fp))
	if s.chance(50) {
		s.wait(5*time.Minute, 2*time.Hour)
		if err := t.Abort(s.as(s.fp)); err != nil {
			return err
		}
	}
	s.transfers = append(s.transfers, t)
	return nil
}

// take makes the files of a delivery with fault ("" for none), with their
// content when the demo keeps it.
func (s *story) take(fault string) (take, error) {
	tk := makeTake(s.rnd, s.r, s.prog, s.look, fault)
	if s.files != nil {
		if err := s.files.declare(s.r, &tk, s.at); err != nil {
			return take{}, err
		}
	}
	return tk, nil
}

// start begins a transfer of tk's files (as StartTransfers does: the
// files checked, unfinished uploads superseded, a blob key per file).
func (s *story) start(tk take) (*lot.Transfer, error) {
	files, err := delivery.CheckFiles(s.r, tk.files())
	if err != nil {
		return nil, err
	}
	a := s.as(s.fp)
	id := s.ids.NewID()
	t, err := lot.NewTransfer(a, id, s.r, lot.DeliveryMethods[s.rnd.IntN(len(lot.DeliveryMethods))], files)
	if err != nil {
		return nil, err
	}
	for _, old := range s.transfers {
		old.Supersede(a, id)
	}
	for i := range t.Files {
		t.Files[i].Key = fmt.Sprintf("deliveries/%s/%s/file-%02d", s.r.ID, id, i+1)
		if k := tk.specs[i].key; k != "" { // files with the same content share it
			t.Files[i].Key = k
		}
	}
	return t, nil
}

// deliver has the partner deliver files with fault ("" for none) and
// inspection decide, and returns the transfer. It fails when the
// product's checks do not find what the fault should make them find.
func (s *story) deliver(fault string) (*lot.Transfer, error) {
	prev := s.previous()
	if fault == inspect.DurationChanged { // a recut: from now on the programme runs longer or shorter
		d := 5 + s.rnd.Float64()*85
		if s.chance(50) {
			d = -d
		}
		s.prog.seconds = ms(s.prog.seconds + d)
	}
	tk, err := s.take(fault)
	if err != nil {
		return nil, err
	}
	t, err := s.start(tk)
	if err != nil {
		return nil, err
	}
	var size int64
	for _, f := range t.Files {
		size += f.Size
	}
	s.wait(time.Minute, 6*time.Minute)
	t.Started(s.as(s.fp))
	rate := float64(40+s.rnd.IntN(210)) * 1e6 // bytes a second
	s.wait(time.Duration(float64(size)/rate*float64(time.Second)), 0)
	s.wait(10*time.Second, time.Minute)
	if err := t.Delivered(s.as(s.fp)); err != nil {
		return nil, err
	}
	s.r.RecordDelivery(s.as(s.fp), t)
	if s.pol.Secondary {
		s.awaitPrimary(t)
	}

	// The inspection flow: read (decoding takes a while), decide, record.
	decode := time.Duration(0)
	if s.pol.Decodes() {
		decode = time.Duration(s.prog.seconds / 8 * float64(time.Second))
	}
	s.wait(2*time.Minute+decode, 8*time.Minute+decode)
	in := inspection(s.r, tk, t, prev, s.at)
	if err := expect(fault, in.Findings); err != nil {
		return nil, err
	}
	a := s.platform()
	if err := t.Inspected(a, in); err != nil {
		return nil, err
	}
	s.openQC(a, t, lot.QCReadyInspected)
	s.r.RecordInspection(a, t)
	s.transfers = append(s.transfers, t)
	return t, nil
}

// awaitPrimary holds a secondary asset's delivery while its title's
// primary video is not processed, as the inspection flow does: Waiting for
// Primary, then Pending Inspection at the first look that finds a primary
// processed. When none is processed before the demo's today, the delivery
// is inspected at once: the demo draws every request's status before its
// story, and the title's primaries did not come out processed.
func (s *story) awaitPrimary(t *lot.Transfer) {
	if !s.primaries.waits(s.at) {
		return
	}
	until, ok := s.primaries.until(s.at, s.end)
	if !ok {
		return
	}
	t.AwaitPrimary(s.platform(), true)
	s.at = until
	t.AwaitPrimary(s.platform(), false)
}

// expect checks that inspection found what the fault makes it find:
// nothing without one; the fault's code with one, and nothing a partner
// may not override when the fault may be.
func expect(fault string, found []lot.Finding) error {
	codes := make([]string, len(found))
	for i, f := range found {
		codes[i] = f.Code
	}
	switch {
	case fault == "" && len(found) > 0:
		return fmt.Errorf("a clean delivery failed inspection: %s", strings.Join(codes, ", "))
	case fault != "" && !slices.Contains(codes, fault):
		return fmt.Errorf("a delivery with %s failed inspection with %q", fault, strings.Join(codes, ", "))
	case slices.Contains(overridableFaults, fault) && slices.ContainsFunc(found, func(f lot.Finding) bool { return !f.Overridable }):
		return fmt.Errorf("a delivery with %s cannot be overridden: %s", fault, strings.Join(codes, ", "))
	}
	return nil
}

// openQC opens QC on a delivery now Processed when its source type's
// policy asks for QC, as the product does (portal's openQC): timecodes
// count the delivered video's frames, or the declared frame rate's.
func (s *story) openQC(a lot.Act, t *lot.Transfer, why string) {
	if t.Status != lot.TransferProcessed || t.QC != nil || !s.pol.QC {
		return
	}
	rate, drop := 0.0, false
	if t.Inspection != nil {
		for _, f := range t.Inspection.Files {
			if f.Media != nil && len(f.Media.Video) > 0 {
				rate, drop = f.Media.Video[0].FrameRate, strings.Contains(f.Media.Timecode, ";")
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

// fixFailed has the partner deliver with a fault it may not override,
// say what it fixes, and deliver again (clean, or with fault next).
func (s *story) fixFailed(next string) (*lot.Transfer, error) {
	faults := s.faults(false, s.previous())
	if len(faults) == 0 { // nothing inspection could find: deliver once
		return s.deliver(next)
	}
	bad, err := s.deliver(s.pick(faults))
	if err != nil {
		return nil, err
	}
	if s.chance(70) {
		if err := s.comment(s.fp, fixNote(bad.ErrorCode)); err != nil {
			return nil, err
		}
	}
	s.wait(8*time.Hour, 50*time.Hour)
	return s.deliver(next)
}

// overridable says whether some delivery to the request could fail
// inspection only for what a partner may override (a changed duration
// needs an earlier probed delivery, which failInspection makes first).
func (s *story) overridable() bool {
	return len(s.faults(true, nil)) > 0 || s.pol.Runs("duration") && len(s.faults(false, nil)) > 0
}

// failOverridable delivers files that fail inspection only for what the
// partner may override: black, silence, or (after a failed delivery that
// inspection probed) a changed duration.
func (s *story) failOverridable() (*lot.Transfer, error) {
	faults := s.faults(true, nil) // black or silence
	if len(faults) == 0 || s.chance(10) && s.pol.Runs("duration") && len(s.faults(false, nil)) > 0 {
		if s.previous() != nil && s.pol.Runs("duration") { // the recut runs longer or shorter than the last delivery
			return s.deliver(inspect.DurationChanged)
		}
		// a first cut fails for good, and the recut runs longer or shorter
		return s.fixFailed(inspect.DurationChanged)
	}
	return s.deliver(s.pick(faults))
}

// override is the partner's override of its failed delivery, with a reason.
func (s *story) override() error {
	t := s.last()
	s.wait(40*time.Minute, 20*time.Hour)
	reason := s.pick(overrideReasons[t.ErrorCode])
	a := s.as(s.fp)
	if err := t.Override(a, reason); err != nil {
		return err
	}
	s.r.RecordTransferDecision(a, t, reason)
	return nil
}

// verify is the studio accepting the override: Processed, QC opens.
func (s *story) verify() error {
	t := s.last()
	s.wait(3*time.Hour, 40*time.Hour)
	note := ""
	if s.chance(40) {
		note = s.pick([]string{"Checked against the reference; intended.", "Matches the approved edit.", "Confirmed with post-production."})
	}
	a := s.as(s.studio)
	if err := t.VerifyOverride(a); err != nil {
		return err
	}
	s.openQC(a, t, lot.QCReadyVerified)
	s.r.RecordTransferDecision(a, t, note)
	return nil
}

// reject is the studio refusing the override: the delivery fails again
// and the request asks for a redelivery.
func (s *story) reject() error {
	t := s.last()
	s.wait(3*time.Hour, 40*time.Hour)
	reason := s.pick(rejectReasons[t.ErrorCode])
	a := s.as(s.studio)
	if err := t.RejectOverride(a, reason); err != nil {
		return err
	}
	s.r.RecordTransferDecision(a, t, reason)
	return nil
}

// QC outcomes a story may want.
type qcEnd int

const (
	qcReady qcEnd = iota // not started
	qcInProgress
	qcOnHold
	qcFixNotes
	qcPassed
	qcWithIssues
	qcFailed
)

// passingQC picks how QC of a delivery that stands ends (or where it is).
func (s *story) passingQC() qcEnd {
	return []qcEnd{qcReady, qcInProgress, qcOnHold, qcFixNotes, qcPassed, qcWithIssues}[weighted(s.rnd, 15, 15, 4, 3, 33, 30)]
}

// runQC plays QC of the last delivery to the outcome want, and applies a
// finished QC to the request as the QC outcome flow does.
func (s *story) runQC(want qcEnd) error {
	t := s.last()
	q := t.QC
	if q == nil || want == qcReady {
		return nil
	}
	s.wait(2*time.Hour, 40*time.Hour)
	if err := q.Act(s.as(s.qc), lot.QCStart, ""); err != nil {
		return err
	}
	var sev []lot.Severity
	switch want {
	case qcWithIssues:
		sev = []lot.Severity{lot.SeverityFYI}
		for range s.rnd.IntN(3) {
			sev = append(sev, []lot.Severity{lot.SeverityFYI, lot.SeverityIssue}[s.rnd.IntN(2)])
		}
	case qcFailed:
		for range s.rnd.IntN(3) {
			sev = append(sev, []lot.Severity{lot.SeverityFYI, lot.SeverityIssue}[s.rnd.IntN(2)])
		}
		sev = append(sev, lot.SeverityBlocker)
		if s.chance(30) {
			sev = append(sev, lot.SeverityBlocker)
		}
	case qcInProgress, qcOnHold, qcFixNotes:
		for range s.rnd.IntN(4) {
			sev = append(sev, lot.Severities[weighted(s.rnd, 5, 4, 1)])
		}
	}
	s.rnd.Shuffle(len(sev), func(i, j int) { sev[i], sev[j] = sev[j], sev[i] })
	for i, e := range s.qcEvents(sev) {
		s.wait(5*time.Minute, 50*time.Minute)
		if _, err := q.AddEvent(s.as(s.qc), e); err != nil {
			return fmt.Errorf("QC event %d: %w", i+1, err)
		}
	}
	if want == qcWithIssues { // an Issue QC accepts as it is does not fail QC
		for _, e := range q.Events {
			if e.Severity == lot.SeverityIssue {
				s.wait(time.Minute, 10*time.Minute)
				if err := q.SignOff(s.as(s.qc), e.N); err != nil {
					return err
				}
			}
		}
	}
	s.wait(10*time.Minute, 90*time.Minute)
	switch want {
	case qcInProgress:
		return nil
	case qcOnHold:
		return q.Act(s.as(s.qc), lot.QCHold, s.pick([]string{"Waiting for the reference from the studio.", "Paused: the screening room is booked today."}))
	case qcFixNotes:
		return q.Act(s.as(s.qc), lot.QCFixNotes, s.pick([]string{"Notes to be rewritten with exact timecodes.", "The notes need the reference version's timecodes."}))
	}
	out, err := q.Finish(s.as(s.qc), "")
	if err != nil {
		return err
	}
	if w := map[qcEnd]lot.QCStatus{qcPassed: lot.QCPassed, qcWithIssues: lot.QCPassedWithIssues, qcFailed: lot.QCFailed}[want]; out != w {
		return fmt.Errorf("QC finished %s, not %s", out, w)
	}
	// The QC outcome flow, as the QC operator's finish starts it.
	last := q.Timeline[len(q.Timeline)-1]
	s.r.RecordQC(lot.Act{By: lot.Principal{Subject: last.By}, At: last.At}, t, fmt.Sprintf("QC of transfer %s: %s", t.ID, q.Status.Name()))
	q.Applied = true
	return nil
}

// qcEvents writes QC notes of the severities asked, in timecode order
// through the programme, each about what the delivery's media can have.
func (s *story) qcEvents(sev []lot.Severity) []lot.QCEvent {
	if len(sev) == 0 {
		return nil
	}
	kinds := map[string][]string{"av": {"1", "2", "4"}, "audio": {"2"}, "subtitle": {"3"}}[s.pol.Media]
	nominal := math.Round(s.last().QC.FrameRate)
	starts := make([]float64, len(sev))
	for i := range starts {
		starts[i] = 30 + s.rnd.Float64()*(s.prog.seconds-60)
	}
	slices.Sort(starts)
	out := make([]lot.QCEvent, len(sev))
	for i, v := range sev {
		var fit []qcNote
		for _, n := range qcNotes {
			if slices.Contains(kinds, n.category[:1]) && slices.Contains(n.severities, v) {
				fit = append(fit, n)
			}
		}
		n := fit[s.rnd.IntN(len(fit))]
		in := int64((3600 + starts[i]) * nominal)
		if s.last().QC.DropFrame {
			in = int64((3600 + starts[i]) * s.last().QC.FrameRate)
		}
		length := int64((1 + s.rnd.Float64()*7) * nominal)
		drop := s.last().QC.DropFrame
		rate := s.last().QC.FrameRate
		out[i] = lot.QCEvent{In: lot.FormatTimecode(in, rate, drop), Out: lot.FormatTimecode(in+length, rate, drop),
			Severity: v, Category: n.category, Note: n.note}
	}
	return out
}

// requestRedelivery is the studio reopening a Delivered or Processed
// request, with a reason and a comment.
func (s *story) requestRedelivery() error {
	s.wait(20*time.Hour, 90*time.Hour)
	return s.r.RequestRedelivery(s.as(s.studio), s.pick(redeliveryReasons[s.kind()]), s.pick(redeliveryComments))
}

// processed is a story that ends with a delivery that stands: clean at
// once, fixed after a failure, overridden and verified, or redelivered
// after QC or the studio asked for it; then QC where the policy asks for it
// (when qc: the upgrade story finishes QC itself).
func (s *story) processed(qc bool) error {
	if s.chance(6) {
		if err := s.falseStart(); err != nil {
			return err
		}
		s.wait(30*time.Minute, 6*time.Hour)
	}
	var err error
	switch s.plot(map[string]int{"clean": 50, "fixed": 20, "verified": 15, "qc-failed": 10, "studio": 5}) {
	case "clean":
		_, err = s.deliver("")
	case "fixed":
		_, err = s.fixFailed("")
	case "verified":
		if _, err = s.failOverridable(); err == nil {
			if err = s.override(); err == nil {
				err = s.verify()
			}
		}
	case "qc-failed": // QC failed the first delivery; the redelivery stands
		if _, err = s.deliver(""); err == nil {
			if err = s.runQC(qcFailed); err == nil {
				err = s.redeliver()
			}
		}
	case "studio": // the studio asked for another version; the redelivery stands
		if _, err = s.deliver(""); err == nil {
			if err = s.runQC(qcPassed); err == nil {
				if err = s.requestRedelivery(); err == nil {
					err = s.redeliver()
				}
			}
		}
	}
	if err != nil || !qc {
		return err
	}
	if err := s.runQC(s.passingQC()); err != nil {
		return err
	}
	if s.chance(20) {
		return s.comment(s.cp, s.pick(cpPraise))
	}
	return nil
}

// redeliver is the partner's answer to a request for a redelivery.
func (s *story) redeliver() error {
	if s.chance(60) {
		if err := s.comment(s.fp, s.pick(redeliveryPromises)); err != nil {
			return err
		}
	}
	s.wait(10*time.Hour, 60*time.Hour)
	_, err := s.deliver("")
	return err
}

// plot picks one of the plots the request's source type allows, by weight.
func (s *story) plot(weights map[string]int) string {
	names := make([]string, 0, len(weights))
	for n := range weights {
		names = append(names, n)
	}
	slices.Sort(names)
	var ok []string
	var w []int
	for _, n := range names {
		switch {
		case (n == "verified" || n == "rejected") && !s.overridable():
		case strings.HasPrefix(n, "qc-") && !s.pol.QC:
		case n == "fixed" && len(s.faults(false, nil)) == 0:
		default:
			ok = append(ok, n)
			w = append(w, weights[n])
		}
	}
	return ok[weighted(s.rnd, w...)]
}

// delivered is a story that ends with an overridden delivery waiting for
// the studio: at once, after a failed one, or as the redelivery QC asked for.
func (s *story) delivered() error {
	if !s.overridable() {
		return fmt.Errorf("%s deliveries have nothing a partner may override", s.r.SourceType.Name())
	}
	if s.pol.QC && s.chance(15) {
		if _, err := s.deliver(""); err != nil {
			return err
		}
		if err := s.runQC(qcFailed); err != nil {
			return err
		}
		s.wait(10*time.Hour, 50*time.Hour)
	}
	if _, err := s.failOverridable(); err != nil {
		return err
	}
	if err := s.override(); err != nil {
		return err
	}
	if s.chance(20) {
		return s.comment(s.cp, s.pick(cpWaiting))
	}
	return nil
}

// redeliveryRequested is a story that ends with the request reopened: QC
// failed the delivery, the studio rejected an override, or the studio
// asked for another version; sometimes the partner's redelivery has failed
// inspection since.
func (s *story) redeliveryRequested() error {
	var err error
	switch s.plot(map[string]int{"qc-failed": 40, "rejected": 30, "studio": 30}) {
	case "qc-failed":
		if _, err = s.deliver(""); err == nil {
			err = s.runQC(qcFailed)
		}
	case "rejected":
		if _, err = s.failOverridable(); err == nil {
			if err = s.override(); err == nil {
				err = s.reject()
			}
		}
	case "studio":
		if _, err = s.deliver(""); err == nil {
			if err = s.runQC(qcPassed); err == nil {
				err = s.requestRedelivery()
			}
		}
	}
	if err != nil {
		return err
	}
	if s.chance(35) {
		if err := s.comment(s.studio, s.pick(studioNudges)); err != nil {
			return err
		}
	}
	if faults := s.faults(false, s.previous()); len(faults) > 0 && s.chance(30) {
		s.wait(10*time.Hour, 40*time.Hour)
		if _, err := s.deliver(s.pick(faults)); err != nil {
			return err
		}
		if s.chance(60) {
			return s.comment(s.fp, fixNote(s.last().ErrorCode))
		}
	}
	return nil
}

// upgrade is a story that ends Upgraded: a delivery that stands (QC
// passed where the policy asks for it), then the studio asks for a better
// version in a new request, which points back. It returns the new request.
func (s *story) upgrade(id string) (*lot.Request, error) {
	if err := s.processed(false); err != nil {
		return nil, err
	}
	if err := s.runQC([]qcEnd{qcPassed, qcWithIssues}[s.rnd.IntN(2)]); err != nil {
		return nil, err
	}
	s.wait(24*time.Hour, 96*time.Hour)
	to := map[lot.SourceType]lot.SourceType{lot.SourceNonIMFDelivery: lot.SourceIMF, lot.SourceProductionLockedProxy: lot.SourceAVMuxed}[s.r.SourceType]
	reason := s.pick(upgradeReasons[s.kind()])
	if to == lot.SourceIMF {
		reason = "The IMF master is available; it replaces the non-IMF delivery."
	}
	a := s.as(s.studio)
	n, err := lot.UpgradeTo(a, s.r, id, to, lot.DateOf(s.at).AddDays(21+s.rnd.IntN(40)), reason)
	if err != nil {
		return nil, err
	}
	if err := s.r.Upgrade(a, id, reason); err != nil {
		return nil, err
	}
	if s.r.Status != lot.StatusUpgraded {
		return nil, fmt.Errorf("the upgrade left the request %s", s.r.Status)
	}
	return n, nil
}

// fixNote is what a partner says after a failed inspection.
func fixNote(code string) string {
	if n, ok := fixNotes[code]; ok {
		return n
	}
	return "Fixing what inspection found; redelivery follows."
}

var fixNotes = map[string]string{
	inspect.LanguageMismatch:    "The export picked up the original-language track; redelivering with the right audio.",
	inspect.FrameRateDeclared:   "Our metadata template had the wrong frame rate; fixed for the redelivery.",
	inspect.AudioConfigDeclared: "Wrong channel layout in the render; redelivering with the declared configuration.",
	inspect.AVRuntimeMismatch:   "The audio was cut short in the render; re-rendering now.",
	inspect.ResolutionTooLow:    "We sent the HD deliverable by mistake; the UHD master follows.",
	inspect.UndecodableFrames:   "A render node damaged frames; re-rendering on another machine.",
	inspect.MissingAudio:        "Exported without audio by mistake; redelivering.",
	inspect.SubtitleTiming:      "Fixing the cues with swapped in and out times; redelivery today.",
	inspect.SubtitleOrder:       "A merge put one cue out of order; fixed.",
	inspect.SubtitleNotUTF8:     "Saved as Latin-1 by our tool; converting to UTF-8 and redelivering.",
	inspect.SubtitleFormat:      "Exported in the wrong format; redelivering in the one declared.",
	inspect.SubtitleMalformed:   "The file was truncated on export; redelivering the full file.",
}

var overrideReasons = map[string][]string{
	inspect.BlackSegment: {"The black is the intended fade before the end credits.", "Black slug between acts, as in the reference.",
		"The director's cut holds on black after the title card."},
	inspect.Silence: {"The silence is scripted: the scene plays without sound.", "Intended pause before the last act, as in the mix notes.",
		"The original mix has this silence; confirmed with the sound team."},
	inspect.DurationChanged: {"The studio approved a recut; the new runtime is correct.", "Updated studio logo at the head changes the runtime; expected.",
		"New version with the revised end credits; the runtime change is intended."},
}

var rejectReasons = map[string][]string{
	inspect.BlackSegment:    {"The black is not in the approved edit; please fix and redeliver.", "Reference has picture here; the black is an export error."},
	inspect.Silence:         {"The reference mix has dialogue here; please redeliver.", "The silence is not in the approved mix."},
	inspect.DurationChanged: {"No recut was approved for this title; deliver the locked version.", "The runtime must match the locked cut."},
}

var redeliveryReasons = map[string][]string{
	"av":       {"Wrong version delivered", "Content does not match the final edit", "Texted version needed instead of textless"},
	"audio":    {"Mix outdated", "Wrong version delivered", "Music cue replaced after licensing"},
	"subtitle": {"Translation does not match the final script", "Wrong version delivered", "Missing forced narratives"},
	"package":  {"Wrong version delivered", "Composition does not match the final edit"},
	"document": {"Wrong version delivered", "Outdated script revision"},
	"dubcard":  {"Wrong version delivered", "Voice cast changed"},
}

var redeliveryComments = []string{
	"The studio locked a new version; please deliver against it.",
	"Please check the reference in Download Materials before redelivering.",
	"",
	"Legal asked for a change after the first delivery; details in the materials.",
}

var redeliveryPromises = []string{
	"Understood; redelivery within two days.",
	"Working on it; we will redeliver this week.",
	"Fix is rendering now.",
}

var studioNudges = []string{
	"Please confirm the redelivery date.",
	"The launch is close; please prioritise this redelivery.",
	"Details of what to fix are in the history above.",
}

var cpPraise = []string{
	"Approved for the launch; thank you.",
	"Looks great; marketing will use it for the campaign.",
	"Checked on our side; all good.",
}

var cpWaiting = []string{
	"We are fine with the override; waiting for the studio to confirm.",
	"Please verify soon; the launch is close.",
}

var upgradeReasons = map[string][]string{
	"av":       {"A UHD master is available; it replaces the HD delivery.", "The director's cut replaces the theatrical version."},
	"audio":    {"A new mix with the updated music licence replaces this one.", "Atmos mix available; it replaces this one."},
	"subtitle": {"The translation was revised for the final cut.", "A new version follows the re-edit."},
	"package":  {"A new composition follows the re-edit."},
	"document": {"The script was revised for the final cut."},
	"dubcard":  {"The voice cast changed; new cards replace these."},
}

// qcNote is a note a QC operator may make, with the severities it fits.
type qcNote struct {
	category   string
	severities []lot.Severity
	note       string
}

var (
	fyi, issue, blocker = lot.SeverityFYI, lot.SeverityIssue, lot.SeverityBlocker
	qcNotes             = []qcNote{
		{"1.1", []lot.Severity{fyi, issue}, "Two black frames at the reel change."},
		{"1.2", []lot.Severity{issue, blocker}, "A frame repeats after the cut to the harbour."},
		{"1.3", []lot.Severity{fyi, issue}, "Banding in the night sky."},
		{"1.3", []lot.Severity{blocker}, "Heavy macroblocking through the fog sequence."},
		{"1.4", []lot.Severity{issue}, "The picture is pillarboxed in this scene only."},
		{"1.5", []lot.Severity{fyi}, "Skin tones lean green for one shot; matches the reference."},
		{"1.5", []lot.Severity{issue, blocker}, "Highlights clip in the exterior shots."},
		{"1.6", []lot.Severity{blocker}, "A burnt-in English caption is left in the picture."},
		{"2.1", []lot.Severity{issue, blocker}, "Dialogue leads the picture by about three frames."},
		{"2.2", []lot.Severity{blocker}, "The audio drops out for half a second."},
		{"2.3", []lot.Severity{fyi, issue}, "A click on the left surround."},
		{"2.3", []lot.Severity{issue}, "Distortion on the shouted line."},
		{"2.4", []lot.Severity{fyi}, "Dialogue sits a little low under the score."},
		{"2.4", []lot.Severity{issue, blocker}, "Integrated loudness is -19 LKFS; the spec asks for -24."},
		{"2.5", []lot.Severity{blocker}, "The surrounds are swapped."},
		{"2.6", []lot.Severity{blocker}, "Original-language dialogue left in the dub."},
		{"3.1", []lot.Severity{fyi, issue}, "The subtitle comes in ten frames late."},
		{"3.2", []lot.Severity{fyi, issue}, "Spelling: the name differs from episode 2."},
		{"3.2", []lot.Severity{blocker}, "The translation reverses the meaning of the line."},
		{"3.3", []lot.Severity{fyi, issue}, "A line of 48 characters; the limit is 42."},
		{"3.4", []lot.Severity{issue}, "The subtitle covers an on-screen caption."},
		{"3.5", []lot.Severity{issue, blocker}, "A sign in the picture has no forced narrative."},
		{"4.1", []lot.Severity{blocker}, "The scene is trimmed compared with the reference."},
		{"4.2", []lot.Severity{fyi, issue}, "The dub card is missing at the end credits."},
		{"4.3", []lot.Severity{fyi}, "A brand logo is visible; check clearance."},
	}
)
