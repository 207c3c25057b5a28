package lot

import (
	"fmt"
	"strings"
	"time"
)

// Finding is one error an inspection found, as the partner reads it.
type Finding struct {
	Code        string `json:"code"`
	Message     string `json:"message"`
	Overridable bool   `json:"overridable"`
	Spans       []Span `json:"spans,omitempty"`
	File        string `json:"file,omitempty"`
}

// InspectedFile is what inspection read of one file.
type InspectedFile struct {
	Name      string     `json:"name"`
	SHA256    string     `json:"sha256"` // as hashed from storage
	Media     *MediaInfo `json:"media,omitempty"`
	Detection *Detection `json:"detection,omitempty"`
	Format    string     `json:"format,omitempty"` // a document's or image's format, read by its content (e.g. "a PNG image 1920×1080")
	// An IMF package's files: the SHA-1 (base64) read in the same pass as
	// the SHA-256, for the packing list; the asset ID the ASSETMAP gives.
	SHA1    string `json:"sha1,omitempty"`
	AssetID string `json:"assetId,omitempty"`
}

// Inspection is the result of inspecting a transfer.
type Inspection struct {
	Attempt       int             `json:"attempt"`
	PolicyVersion string          `json:"policyVersion"`
	Files         []InspectedFile `json:"files"`
	Findings      []Finding       `json:"findings"`
	// Against the previous inspected delivery to the same request (a
	// redelivery): codes found now and not then, and the reverse.
	Previous string    `json:"previousTransfer,omitempty"`
	New      []string  `json:"new,omitempty"`
	Resolved []string  `json:"resolved,omitempty"`
	At       time.Time `json:"at"`
	// Composition is an IMF package's technical metadata, from its CPL.
	Composition *Composition `json:"composition,omitempty"`
}

// Composition is what an IMF package's composition playlist (CPL) says of
// the title, with the inspection status of each of its tracks.
type Composition struct {
	CPLID     string             `json:"cplId"`
	Title     string             `json:"title"`
	EditRate  string             `json:"editRate"` // as the CPL writes it: "24000 1001"
	FrameRate float64            `json:"frameRate"`
	Runtime   float64            `json:"runtimeS"`
	Tracks    []CompositionTrack `json:"tracks"` // the video track first
	Languages []string           `json:"languages,omitempty"`
}

// CompositionTrack is one virtual track of an IMF composition.
type CompositionTrack struct {
	Kind      string   `json:"kind"` // video, audio, timedText, marker, other
	Sequence  string   `json:"sequence"`
	TrackID   string   `json:"trackId"`
	EditRate  string   `json:"editRate"`
	Duration  float64  `json:"durationS"`
	Languages []string `json:"languages,omitempty"`
	// Files are the delivered track files it plays (none: all delivered earlier).
	Files  []string       `json:"files,omitempty"`
	Status TransferStatus `json:"status"` // Processed, Failed or Waiting for Primary
}

// TrackVideo is the kind of an IMF composition's image track.
const TrackVideo = "video"

// SetTrackStatuses gives each track its status from the findings (each
// naming its file): the video track first, Failed by a finding about one
// of its files or about the package itself (a document, not a track
// file), else Processed; every other track waits for it (Waiting for
// Primary) until it is Processed, then is Failed by a finding about one
// of its own files, else Processed.
func (c *Composition) SetTrackStatuses(findings []Finding) {
	owner := map[string]int{} // track file → track
	for i, t := range c.Tracks {
		for _, f := range t.Files {
			owner[f] = i
		}
	}
	failed := map[int]bool{}
	videoFailed := false
	for _, f := range findings {
		i, ok := owner[f.File]
		if !ok || c.Tracks[i].Kind == TrackVideo {
			videoFailed = true
		}
		if ok {
			failed[i] = true
		}
	}
	for i := range c.Tracks {
		t := &c.Tracks[i]
		switch {
		case t.Kind == TrackVideo && videoFailed, t.Kind != TrackVideo && failed[i] && !videoFailed:
			t.Status = TransferFailed
		case t.Kind != TrackVideo && videoFailed:
			t.Status = TransferWaitingForPrimary
		default:
			t.Status = TransferProcessed
		}
	}
}

// Overridable says whether every finding may be overridden.
func (i *Inspection) Overridable() bool {
	for _, f := range i.Findings {
		if !f.Overridable {
			return false
		}
	}
	return len(i.Findings) > 0
}

// Inspecting reports whether inspection may still decide this transfer.
func (s TransferStatus) Inspecting() bool {
	return s == TransferPendingInspection || s == TransferWaitingForPrimary || s == TransferInternalError
}

// Inspected records an inspection's result: Processed when it found
// nothing, else Failed with the first finding's code.
func (t *Transfer) Inspected(a Act, in Inspection) error {
	if !t.Status.Inspecting() {
		return Errorf(CodeNotAllowed, "this transfer is %s; it is not being inspected", t.Status.Name())
	}
	t.Inspection = &in
	if len(in.Findings) == 0 {
		t.ErrorCode, t.ErrorMessage = "", ""
		t.ProcessedAt = a.At
		t.move(a, TransferProcessed, fmt.Sprintf("inspection passed (policy %s)", in.PolicyVersion))
		return nil
	}
	codes := make([]string, len(in.Findings))
	for i, f := range in.Findings {
		codes[i] = f.Code
	}
	t.ErrorCode, t.ErrorMessage = in.Findings[0].Code, in.Findings[0].Message
	t.move(a, TransferFailed, strings.Join(codes, ", "))
	return nil
}

// InspectionFault records a platform fault during inspection: never the
// partner's doing; inspection is tried again.
func (t *Transfer) InspectionFault(a Act, cause string) error {
	if !t.Status.Inspecting() {
		return Errorf(CodeNotAllowed, "this transfer is %s; it is not being inspected", t.Status.Name())
	}
	t.move(a, TransferInternalError, cause)
	return nil
}

// Override accepts a failed inspection whose findings may all be
// overridden, with the partner's reason: Overridden, pending the studio's
// verification.
func (t *Transfer) Override(a Act, reason string) error {
	if err := t.may(OpOverride, a.By); err != nil {
		return err
	}
	reason, err := CheckReason(reason, true)
	if err != nil {
		return err
	}
	if err := t.overridable(); err != nil {
		return err
	}
	t.move(a, TransferOverridden, reason)
	return nil
}

// overridable returns not_allowed unless t failed inspection with findings
// that may all be overridden.
func (t *Transfer) overridable() error {
	if t.Status != TransferFailed || t.Inspection == nil {
		return Errorf(CodeNotAllowed, "only a delivery that failed inspection can be overridden; this one is %s", t.Status.Name())
	}
	if !t.Inspection.Overridable() {
		var fixed []string
		for _, f := range t.Inspection.Findings {
			if !f.Overridable {
				fixed = append(fixed, f.Code)
			}
		}
		return Errorf(CodeNotAllowed, "these findings cannot be overridden: %s; deliver again", strings.Join(fixed, ", "))
	}
	return nil
}

// VerifyOverride is the studio accepting an override: Processed.
func (t *Transfer) VerifyOverride(a Act) error {
	if err := t.may(OpVerifyOverride, a.By); err != nil {
		return err
	}
	if err := t.overridden("verified"); err != nil {
		return err
	}
	t.ProcessedAt = a.At
	t.move(a, TransferProcessed, "override verified")
	return nil
}

// RejectOverride is the studio refusing an override: the delivery is
// Failed again and the request asks for a redelivery.
func (t *Transfer) RejectOverride(a Act, reason string) error {
	if err := t.may(OpRejectOverride, a.By); err != nil {
		return err
	}
	reason, err := CheckReason(reason, true)
	if err != nil {
		return err
	}
	if err := t.overridden("rejected"); err != nil {
		return err
	}
	t.move(a, TransferFailed, "override rejected: "+reason)
	return nil
}

// overridden returns not_allowed unless t is Overridden, awaiting the
// studio's decision (done: verified or rejected).
func (t *Transfer) overridden(done string) error {
	if t.Status != TransferOverridden {
		return Errorf(CodeNotAllowed, "only an overridden delivery can be %s; this one is %s", done, t.Status.Name())
	}
	return nil
}

// Ignore is the studio setting a delivery aside: the previous one stands.
func (t *Transfer) Ignore(a Act, reason string) error {
	if err := t.may(OpIgnoreDelivery, a.By); err != nil {
		return err
	}
	reason, err := CheckReason(reason, true)
	if err != nil {
		return err
	}
	if err := t.ignorable(); err != nil {
		return err
	}
	t.move(a, TransferIgnored, reason)
	return nil
}

// ignorable returns not_allowed unless t's inspection has decided, one way
// or the other (or could not finish).
func (t *Transfer) ignorable() error {
	switch t.Status {
	case TransferProcessed, TransferFailed, TransferOverridden, TransferError, TransferInternalError:
		return nil
	}
	return Errorf(CodeNotAllowed, "a delivery that is %s cannot be ignored", t.Status.Name())
}

// AwaitPrimary moves a transfer under inspection to Waiting for Primary
// (wait) or back to Pending Inspection when its primary is processed; it
// reports whether anything changed.
func (t *Transfer) AwaitPrimary(a Act, wait bool) bool {
	switch {
	case wait && t.Status == TransferPendingInspection:
		t.move(a, TransferWaitingForPrimary, "the title's primary video is not processed yet")
	case !wait && t.Status == TransferWaitingForPrimary:
		t.move(a, TransferPendingInspection, "the title's primary video is processed")
	default:
		return false
	}
	return true
}

// studioOnly returns a forbidden error unless p is a studio operator, for
// the transfer operations that leave the request alone.
func studioOnly(p Principal, what string) error {
	if p.Role != RoleStudio {
		return Errorf(CodeForbidden, "only studio operators can %s", what)
	}
	return nil
}

// Reinspect sends a delivery whose inspection could not finish (Internal
// Error) back to Pending Inspection (studio operators), and returns the
// attempt number the new inspection runs as.
func (t *Transfer) Reinspect(a Act) (int, error) {
	if err := studioOnly(a.By, "inspect a delivery again"); err != nil {
		return 0, err
	}
	if err := t.reinspectable(); err != nil {
		return 0, err
	}
	attempt := 1
	for _, e := range t.Timeline {
		if e.Status == TransferInternalError {
			attempt++
		}
	}
	t.move(a, TransferPendingInspection, fmt.Sprintf("inspection attempt %d", attempt))
	return attempt, nil
}

// reinspectable returns not_allowed unless t's inspection hit a platform
// fault (Internal Error).
func (t *Transfer) reinspectable() error {
	if t.Status != TransferInternalError {
		return Errorf(CodeNotAllowed, "only a delivery in Internal Error is inspected again; this one is %s", t.Status.Name())
	}
	return nil
}
