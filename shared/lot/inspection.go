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

// RecordInspection notes an inspection's verdict on the request: a passed
// one processes the request; a failed one leaves it deliverable.
func (r *Request) RecordInspection(a Act, t *Transfer) {
	if t.Status == TransferProcessed {
		before := r.Status
		if r.Status == StatusOpen || r.Status == StatusRedeliveryRequested || r.Status == StatusDelivered {
			r.Status = StatusProcessed
		}
		r.record(a, ActionProcessed, "status", string(before), string(r.Status), "", "transfer "+t.ID+" passed inspection")
		return
	}
	r.record(a, ActionInspectionFailed, "transfer", "", t.ID, "", t.ErrorCode+": "+t.ErrorMessage)
}
