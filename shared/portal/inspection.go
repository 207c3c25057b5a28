package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal/steps"
)

// FlowInspection is the flow every completed transfer goes through.
const FlowInspection = "inspection"

// Flow error names: a platform fault (retried, never the partner's doing).
const errInternal = "openlot.Internal"

// InspectionInput is what every inspection step receives.
type InspectionInput struct {
	TransferID string `json:"transferId"`
	Attempt    int    `json:"attempt"`
}

// retryInternal retries platform faults: 5 s, 10 s, 20 s, 40 s.
var retryInternal = []flow.Retry{{ErrorEquals: []string{errInternal, flow.ErrTimeout}, IntervalSeconds: 5, MaxAttempts: 4, BackoffRate: 2}}

// catchAll sends any fault left to the Fault state, the error at $.fault.
var catchAll = []flow.Catch{{ErrorEquals: []string{flow.ErrAll}, ResultPath: "$.fault", Next: "Fault"}}

// InspectionFlow is the inspection of one transfer, written once for the
// local runner and Step Functions: read the stored files (integrity, then
// probe and decode as the policy says), decide, record.
func InspectionFlow() flow.Definition {
	return flow.Definition{
		Comment: "openlot inspection: integrity, probe and decoding checks per the source type's policy, then the verdict",
		StartAt: "Begin",
		States: []flow.State{
			{Name: "Begin", Kind: flow.Task, Step: steps.InspectBegin, ResultPath: "$.begin", Next: "Go",
				Retry: retryInternal, Catch: catchAll},
			{Name: "Go", Kind: flow.Choice, Default: "Read", Choices: []flow.Rule{
				{Variable: "$.begin.skip", BooleanEquals: flow.B(true), Next: "Done"},
				{Variable: "$.begin.waitForPrimary", BooleanEquals: flow.B(true), Next: "WaitForPrimary"},
			}},
			// A secondary asset (dub, subtitles) waits for its title's
			// primary video to be processed, then goes on by itself.
			{Name: "WaitForPrimary", Kind: flow.Wait, Seconds: PrimaryPollSeconds, Next: "Begin"},
			// Hashing the stored bytes and reading them as media are
			// independent: they run at once, and the slower sets the pace.
			{Name: "Read", Kind: flow.Parallel, ResultPath: "$.read", Next: "Decide", Catch: catchAll, Branches: []flow.Definition{
				{StartAt: "Integrity", States: []flow.State{{Name: "Integrity", Kind: flow.Task, Step: steps.InspectIntegrity, End: true,
					Retry: retryInternal, TimeoutSeconds: 900}}},
				{StartAt: "Examine", States: []flow.State{{Name: "Examine", Kind: flow.Task, Step: steps.InspectExamine, End: true,
					Retry: retryInternal, TimeoutSeconds: 900}}},
			}},
			{Name: "Decide", Kind: flow.Task, Step: steps.InspectDecide, ResultPath: "$.verdict", Next: "Done",
				Retry: retryInternal, Catch: catchAll},
			{Name: "Done", Kind: flow.Succeed},
			{Name: "Fault", Kind: flow.Task, Step: steps.InspectFault, ResultPath: flow.Discard, Next: "Failed",
				Retry: retryInternal},
			{Name: "Failed", Kind: flow.Fail, Error: "openlot.InspectionFault", Cause: "inspection could not finish; the transfer is in Internal Error"},
		},
	}
}

// InspectionSteps binds the inspection flow's steps to these use cases.
func (s *Deliveries) InspectionSteps() flow.Steps {
	return flow.Steps{
		steps.InspectBegin:     flow.Typed(s.inspectBegin),
		steps.InspectIntegrity: flow.Typed(s.inspectIntegrity),
		steps.InspectExamine:   flow.Typed(s.inspectExamine),
		steps.InspectDecide:    flow.Typed(s.inspectDecide),
		steps.InspectFault:     flow.Typed(s.inspectFault),
	}
}

// StartInspection starts the inspection of a transfer (named transfer ID
// and attempt, so a repeated start does nothing). Without a flow runner
// the transfer stays in Pending Inspection.
func (s *Deliveries) StartInspection(ctx context.Context, t *lot.Transfer, attempt int) {
	if s.Flows == nil {
		return
	}
	name := fmt.Sprintf("%s-%d", t.ID, attempt)
	if err := s.Flows.Start(ctx, FlowInspection, name, InspectionInput{TransferID: t.ID, Attempt: attempt}); err != nil {
		// The transfer is delivered either way; s3events or a retry starts it.
		s.Log.ErrorContext(ctx, "inspection not started", "transfer", t.ID, "err", err)
	}
}

// internal turns a platform failure of a step about transfer in.TransferID
// into the flow error the flow retries; the detail goes to log. A flow
// error passes as it is.
func internal(ctx context.Context, log *slog.Logger, step string, in InspectionInput, err error) error {
	var fe *flow.Error
	if errors.As(err, &fe) {
		return err
	}
	log.ErrorContext(ctx, "inspection step failed", "step", step, "transfer", in.TransferID, "err", err)
	return &flow.Error{Name: errInternal, Cause: step + " could not finish; it is tried again"}
}

// PrimaryPollSeconds is how often a secondary asset looks again whether
// its title's primary video is processed.
const PrimaryPollSeconds = 300

type beginOut struct {
	Skip           bool   `json:"skip"`
	WaitForPrimary bool   `json:"waitForPrimary"`
	Status         string `json:"status"`
}

// inspectBegin decides whether to inspect now: not a transfer no longer
// under inspection; not yet a secondary asset whose title's primary video
// is not processed (Waiting for Primary), which looks again later.
func (s *Deliveries) inspectBegin(ctx context.Context, in InspectionInput) (beginOut, error) {
	t, r, err := s.transferAndRequest(ctx, in)
	if lot.IsCode(err, lot.CodeNotFound) {
		return beginOut{Skip: true, Status: "gone"}, nil
	}
	if err != nil {
		return beginOut{}, internal(ctx, s.Log, steps.InspectBegin, in, err)
	}
	if !t.Status.Inspecting() {
		return beginOut{Skip: true, Status: string(t.Status)}, nil
	}
	wait := false
	if inspect.PolicyFor(r.SourceType).Secondary {
		p, err := s.primaryOf(ctx, r, false)
		if err != nil {
			return beginOut{}, internal(ctx, s.Log, steps.InspectBegin, in, err)
		}
		wait = p.exists && !p.processed
	}
	a := lot.Act{At: s.Clock.Now().UTC()}
	t, err = s.Store.UpdateTransfer(ctx, t.ID, func(x *lot.Transfer) (bool, error) {
		return x.AwaitPrimary(a, wait), nil
	})
	if err != nil {
		return beginOut{}, internal(ctx, s.Log, steps.InspectBegin, in, err)
	}
	if wait {
		s.trackDelivery(ctx, t)
	}
	return beginOut{WaitForPrimary: wait, Status: string(t.Status)}, nil
}

// primary is what inspection knows of a title's primary video.
type primary struct {
	exists, processed bool
	frameRate         float64 // of its processed delivery, 0 when unknown
	runtime           float64 // of its processed delivery's video, seconds; 0 when unknown
}

// primaryOf finds the title's primary video requests (AV, IMF or non-IMF
// video) and whether one of them is processed, and, when withRate, the
// frame rate and runtime of its processed delivery.
func (s *Deliveries) primaryOf(ctx context.Context, r *lot.Request, withRate bool) (primary, error) {
	var p primary
	all, err := s.Store.ScopeRequests(ctx, lot.Scope{ContentPartner: r.ContentPartner})
	if err != nil {
		return p, err
	}
	for _, o := range all {
		if o.MovieID != r.MovieID || o.ID == r.ID ||
			(o.SourceType != lot.SourceAVMuxed && o.SourceType != lot.SourceIMF && o.SourceType != lot.SourceNonIMFDelivery) ||
			o.Status == lot.StatusCancelled {
			continue
		}
		p.exists = true
		if o.Status != lot.StatusProcessed {
			continue
		}
		p.processed = true
		if !withRate || p.frameRate > 0 && p.runtime > 0 {
			continue
		}
		ts, err := s.Store.ListTransfers(ctx, o.ID)
		if err != nil {
			return p, err
		}
		for _, t := range ts {
			if t.Status == lot.TransferProcessed && t.Inspection != nil {
				for _, f := range t.Inspection.Files {
					if f.Media != nil && len(f.Media.Video) > 0 && p.frameRate == 0 {
						p.frameRate = f.Media.Video[0].FrameRate
					}
					if f.Media != nil && len(f.Media.Video) > 0 && p.runtime == 0 {
						p.runtime = f.Media.Video[0].Duration
						if p.runtime <= 0 {
							p.runtime = f.Media.Duration
						}
					}
				}
			}
		}
	}
	return p, nil
}

type integrityOut struct {
	Files []lot.InspectedFile `json:"files"`
}

// inspectIntegrity streams every stored file once and hashes it: SHA-256,
// and for an IMF package SHA-1 too (its packing list's hash), in the same read.
func (s *Deliveries) inspectIntegrity(ctx context.Context, in InspectionInput) (integrityOut, error) {
	t, r, err := s.transferAndRequest(ctx, in)
	if err != nil {
		return integrityOut{}, internal(ctx, s.Log, steps.InspectIntegrity, in, err)
	}
	withSHA1 := inspect.PolicyFor(r.SourceType).Package()
	var out integrityOut
	for _, f := range t.Files {
		sum, sum1, err := BlobHashes(ctx, s.Blobs, f.Key, withSHA1)
		if err != nil {
			return integrityOut{}, internal(ctx, s.Log, steps.InspectIntegrity, in, err)
		}
		out.Files = append(out.Files, lot.InspectedFile{Name: f.Name, SHA256: sum, SHA1: sum1})
	}
	return out, nil
}

type examineOut struct {
	Files   []examined   `json:"files"`
	Package *packageRead `json:"package,omitempty"` // an IMF package as a whole
}

type examined struct {
	Media      *lot.MediaInfo `json:"media,omitempty"`
	Detection  *lot.Detection `json:"detection,omitempty"`
	Unreadable string         `json:"unreadable,omitempty"`
	Subtitle   []lot.Finding  `json:"subtitle,omitempty"` // subtitle findings, read here (the text stays out of the flow)
	Format     string         `json:"format,omitempty"`   // what a script or dub card image is, in words
	Document   []lot.Finding  `json:"document,omitempty"` // script and dub card image findings, read here
	// A file of an IMF package: its asset ID and its packing list's SHA-1.
	AssetID string `json:"assetId,omitempty"`
	PKLHash string `json:"pklHash,omitempty"`
}

// inspectExamine reads each file as its source type's policy says: ffprobe
// and, when the policy decodes, one decoding pass; subtitle files are read
// and checked as text; scripts and dub card images are identified by
// their content (a few ranged reads).
func (s *Deliveries) inspectExamine(ctx context.Context, in InspectionInput) (examineOut, error) {
	t, r, err := s.transferAndRequest(ctx, in)
	if err != nil {
		return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, err)
	}
	p := inspect.PolicyFor(r.SourceType)
	if p.Package() {
		if s.Media == nil {
			return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, errors.New("no media reader (ffprobe) configured"))
		}
		out, err := s.examinePackage(ctx, t, r, p)
		if err != nil {
			return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, err)
		}
		return out, nil
	}
	runtime := 0.0
	if p.Media == "subtitle" {
		// The programme runs as long as the title's processed primary
		// video: cues past it are SUBTITLE_OUTSIDE_RUNTIME.
		pr, err := s.primaryOf(ctx, r, true)
		if err != nil {
			return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, err)
		}
		runtime = pr.runtime
	}
	var out examineOut
	for _, f := range t.Files {
		var e examined
		switch {
		case p.Media == "subtitle":
			text, err := s.readSmall(ctx, f.Key, inspect.MaxSubtitleBytes)
			if err != nil {
				return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, err)
			}
			sub := subject(r, f, nil, 0)
			sub.Runtime = runtime
			e.Subtitle = inspect.CheckSubtitle(p, sub, text)
		case p.Media == "document":
			e.Format, e.Document, err = s.examineDocument(ctx, p, subject(r, f, nil, 0), f.Key)
			if err != nil {
				return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, err)
			}
		case p.Probes():
			if s.Media == nil {
				return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, errors.New("no media reader (ffprobe) configured"))
			}
			u, err := s.Blobs.PresignGet(ctx, f.Key, lot.GetOptions{Expires: time.Hour})
			if err != nil {
				return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, err)
			}
			info, err := s.Media.Probe(ctx, u.URL)
			if errors.Is(err, lot.ErrUnreadableMedia) {
				e.Unreadable = err.Error()
				break
			}
			if err != nil {
				return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, err)
			}
			e.Media = &info
			if p.Decodes() {
				det, err := s.Media.Detect(ctx, u.URL, lot.DetectOptions{MinBlack: p.MaxBlackS / 2, MinSilence: p.MaxSilenceS / 2, NoiseDB: p.SilenceNoiseDB})
				if err != nil {
					return examineOut{}, internal(ctx, s.Log, steps.InspectExamine, in, err)
				}
				e.Detection = &det
			}
		}
		out.Files = append(out.Files, e)
	}
	return out, nil
}

func (s *Deliveries) readSmall(ctx context.Context, key string, limit int64) ([]byte, error) {
	rc, err := s.Blobs.Read(ctx, key, 0, -1)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}

func (s *Deliveries) transferAndRequest(ctx context.Context, in InspectionInput) (*lot.Transfer, *lot.Request, error) {
	t, err := s.Store.GetTransfer(ctx, in.TransferID)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.Store.GetRequest(ctx, t.RequestID)
	return t, r, err
}

// previousInspected is the newest other transfer to the request that was
// inspected (for durations and the diff of findings).
func (s *Deliveries) previousInspected(ctx context.Context, t *lot.Transfer) *lot.Transfer {
	all, err := s.Store.ListTransfers(ctx, t.RequestID)
	if err != nil {
		return nil
	}
	after := false // newest first: the ones after t came before it
	for _, o := range all {
		if after && o.Inspection != nil {
			return o
		}
		after = after || o.ID == t.ID
	}
	return nil
}

// subject is what inspection knows of a file besides its bytes: the
// request, the declared metadata, and what the previous inspected delivery
// to the request (prev) and the title's primary video tell.
func subject(r *lot.Request, f lot.TransferFile, prev *lot.Transfer, primaryRate float64) inspect.Subject {
	sub := inspect.Subject{SourceType: r.SourceType, Language: r.Language, Declared: f.Metadata,
		UHD: f.Metadata["videoResolution"] == "UHD", PrimaryFrameRate: primaryRate, File: f.Name}
	if prev != nil && prev.Inspection != nil {
		for _, pf := range prev.Inspection.Files {
			if pf.Name == f.Name && pf.Media != nil {
				sub.PreviousDuration = pf.Media.Duration
			}
		}
		if sub.PreviousDuration == 0 && len(prev.Inspection.Files) == 1 && prev.Inspection.Files[0].Media != nil {
			sub.PreviousDuration = prev.Inspection.Files[0].Media.Duration
		}
	}
	return sub
}

type decideIn struct {
	InspectionInput
	Read []json.RawMessage `json:"read"` // the Read state's branches: integrity, examine
}

type decideOut struct {
	Status   string   `json:"status"`
	Findings []string `json:"findings"`
}

// inspectDecide turns what was read into findings and records the verdict
// on the transfer and the request.
func (s *Deliveries) inspectDecide(ctx context.Context, in decideIn) (decideOut, error) {
	t, r, err := s.transferAndRequest(ctx, in.InspectionInput)
	if err != nil {
		return decideOut{}, internal(ctx, s.Log, steps.InspectDecide, in.InspectionInput, err)
	}
	var integrity integrityOut
	var examine examineOut
	if len(in.Read) != 2 || json.Unmarshal(in.Read[0], &integrity) != nil || json.Unmarshal(in.Read[1], &examine) != nil ||
		len(integrity.Files) != len(t.Files) || len(examine.Files) != len(t.Files) {
		return decideOut{}, &flow.Error{Name: flow.ErrBadInput, Cause: "the flow's results do not match the transfer's files"}
	}
	p := inspect.PolicyFor(r.SourceType)
	insp := lot.Inspection{Attempt: in.Attempt, PolicyVersion: p.Version, At: s.Clock.Now().UTC(), Findings: []lot.Finding{}}
	prev := s.previousInspected(ctx, t)
	primaryRate := 0.0
	if p.Runs("frameRate") && r.SourceType != lot.SourceAVMuxed && r.SourceType != lot.SourceIMF {
		if pr, err := s.primaryOf(ctx, r, true); err == nil {
			primaryRate = pr.frameRate
		}
	}
	for i, f := range t.Files {
		file := integrity.Files[i]
		e := examine.Files[i]
		file.Media, file.Detection, file.Format = e.Media, e.Detection, e.Format
		insp.Files = append(insp.Files, file)
		var found []lot.Finding
		switch {
		case file.SHA256 != f.SHA256:
			found = append(found, inspect.Found(inspect.ChecksumMismatch, "storage holds SHA-256 %s; %s was declared", file.SHA256, f.SHA256))
		case p.Package(): // the package's findings come whole, below
		case e.Unreadable != "":
			found = append(found, inspect.Found(inspect.UnreadableMedia, "%s", e.Unreadable))
		case e.Media != nil:
			found = inspect.CheckMedia(p, subject(r, f, prev, primaryRate), *e.Media, e.Detection)
		default:
			found = append(e.Subtitle, e.Document...)
		}
		for _, fd := range found {
			fd.File = f.Name
			insp.Findings = append(insp.Findings, fd)
		}
	}
	if p.Package() {
		decidePackage(&insp, t, integrity, examine)
	}
	if prev != nil {
		insp.Previous = prev.ID
		insp.New, insp.Resolved = diffCodes(prev.Inspection.Findings, insp.Findings)
	}
	a := lot.Act{At: insp.At}
	recorded := false
	done, err := s.Store.UpdateTransfer(ctx, t.ID, func(x *lot.Transfer) (bool, error) {
		if !x.Status.Inspecting() {
			return false, nil // decided before (this step ran again) or withdrawn
		}
		recorded = true
		if err := x.Inspected(a, insp); err != nil {
			return false, err
		}
		openQC(a, x, r.SourceType, lot.QCReadyInspected)
		return true, nil
	})
	if err != nil {
		return decideOut{}, internal(ctx, s.Log, steps.InspectDecide, in.InspectionInput, err)
	}
	if recorded {
		s.followTransfer(ctx, done.RequestID, func(r *lot.Request) { r.RecordInspection(a, done) })
		s.library.deliveryMaterials(ctx, done, r)
		if done.Status == lot.TransferFailed {
			s.notes.notifyTransferFailed(ctx, done, r)
		}
	}
	out := decideOut{Status: string(done.Status), Findings: []string{}}
	for _, f := range insp.Findings {
		out.Findings = append(out.Findings, f.Code)
	}
	return out, nil
}

func diffCodes(before, after []lot.Finding) (added, resolved []string) {
	codes := func(fs []lot.Finding) []string {
		var out []string
		for _, f := range fs {
			if !slices.Contains(out, f.Code) {
				out = append(out, f.Code)
			}
		}
		return out
	}
	b, a := codes(before), codes(after)
	for _, c := range a {
		if !slices.Contains(b, c) {
			added = append(added, c)
		}
	}
	for _, c := range b {
		if !slices.Contains(a, c) {
			resolved = append(resolved, c)
		}
	}
	return added, resolved
}

type faultIn struct {
	InspectionInput
	Fault flow.Error `json:"fault"`
}

// inspectFault records that inspection could not finish (Internal Error):
// a platform fault, never blamed on the partner.
func (s *Deliveries) inspectFault(ctx context.Context, in faultIn) (struct{}, error) {
	s.Log.ErrorContext(ctx, "inspection failed", "transfer", in.TransferID, "error", in.Fault.Name, "cause", in.Fault.Cause)
	a := lot.Act{At: s.Clock.Now().UTC()}
	faulted := false
	t, err := s.Store.UpdateTransfer(ctx, in.TransferID, func(x *lot.Transfer) (bool, error) {
		if !x.Status.Inspecting() || x.Status == lot.TransferInternalError {
			return false, nil
		}
		faulted = true
		return true, x.InspectionFault(a, "inspection could not finish; openlot will look into it")
	})
	if err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		return struct{}{}, internal(ctx, s.Log, steps.InspectFault, in.InspectionInput, err)
	}
	if err == nil && faulted {
		s.trackDelivery(ctx, t)
	}
	return struct{}{}, nil
}

// followTransfer is how a request follows its transfer: fn, one of the
// request's Record* rules (RecordDelivery, RecordInspection,
// RecordTransferDecision, RecordQC) or TrackDelivery, writes what happened
// to the transfer into the request (its history, its status, its delivery
// fields). The write is tried a few times against concurrent changes to
// the request; a failure is logged, not returned, since the transfer's own
// change stands either way.
func (d *Deps) followTransfer(ctx context.Context, requestID string, fn func(*lot.Request)) {
	for range 3 {
		_, err := d.Store.UpdateRequest(ctx, requestID, func(r *lot.Request) error {
			fn(r)
			return nil
		})
		if !lot.IsCode(err, lot.CodeConflict) {
			if err != nil {
				d.Log.WarnContext(ctx, "request not updated after its delivery changed", "request", requestID, "err", err)
			}
			return
		}
	}
}

// trackDelivery copies a change of t's status (or its QC's) that no
// Record* rule notes into its request: waiting for primary, an inspection
// fault, a reinspection, QC started or held.
func (d *Deps) trackDelivery(ctx context.Context, t *lot.Transfer) {
	d.followTransfer(ctx, t.RequestID, func(r *lot.Request) { r.TrackDelivery(t) })
}

// Decision is what a person decides about an inspected delivery.
type Decision string

// Decisions: the partner overrides; the studio verifies or rejects an
// override, or ignores a delivery (the previous one stands).
const (
	DecideOverride Decision = "override"
	DecideVerify   Decision = "verify"
	DecideReject   Decision = "reject"
	DecideIgnore   Decision = "ignore"
)

// DecideTransfer applies a decision to a delivery and moves its request
// along, with the reason in the request's history.
func (s *Deliveries) DecideTransfer(ctx context.Context, p lot.Principal, id string, d Decision, reason string) (*lot.Transfer, error) {
	if _, err := s.Transfer(ctx, p, id); err != nil {
		return nil, err
	}
	a := lot.Act{By: p, At: s.Clock.Now().UTC()}
	t, err := s.Store.UpdateTransfer(ctx, id, func(x *lot.Transfer) (bool, error) {
		switch d {
		case DecideOverride:
			return true, x.Override(a, reason)
		case DecideVerify:
			if err := x.VerifyOverride(a); err != nil {
				return false, err
			}
			if r, err := s.Store.GetRequest(ctx, x.RequestID); err == nil {
				openQC(a, x, r.SourceType, lot.QCReadyVerified)
			}
			return true, nil
		case DecideReject:
			return true, x.RejectOverride(a, reason)
		case DecideIgnore:
			return true, x.Ignore(a, reason)
		}
		return false, lot.Errorf(lot.CodeInvalid, "no decision %q", d)
	})
	if err != nil {
		return nil, err
	}
	s.followTransfer(ctx, t.RequestID, func(r *lot.Request) { r.RecordTransferDecision(a, t, reason) })
	if d == DecideVerify || d == DecideReject {
		if r, err := s.Store.GetRequest(ctx, t.RequestID); err == nil {
			s.library.deliveryMaterials(ctx, t, r)
			if d == DecideReject {
				s.notes.post(ctx, s.notes.redelivery(ctx, r, "the studio rejected the override: "+reason, "reject/"+t.ID)...)
			}
		}
	}
	return t, nil
}

// Reinspect inspects again a delivery whose inspection hit a platform
// fault (studio operators); the new execution is named for its attempt.
func (s *Deliveries) Reinspect(ctx context.Context, p lot.Principal, id string) (*lot.Transfer, error) {
	if _, err := s.Transfer(ctx, p, id); err != nil {
		return nil, err
	}
	a := lot.Act{By: p, At: s.Clock.Now().UTC()}
	attempt := 0
	t, err := s.Store.UpdateTransfer(ctx, id, func(x *lot.Transfer) (bool, error) {
		var err error
		attempt, err = x.Reinspect(a)
		return true, err
	})
	if err != nil {
		return nil, err
	}
	s.trackDelivery(ctx, t)
	s.StartInspection(ctx, t, attempt)
	return t, nil
}
