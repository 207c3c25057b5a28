package lot

import (
	"slices"
	"strings"
	"time"
)

// TransferStatus is where a delivery stands (the card header of Backlot's
// Deliveries tab).
type TransferStatus string

// Transfer statuses.
const (
	TransferWaitingForUpload  TransferStatus = "WAITING_FOR_UPLOAD"
	TransferUploading         TransferStatus = "UPLOADING"
	TransferSuperseded        TransferStatus = "SUPERSEDED"
	TransferAborted           TransferStatus = "ABORTED"
	TransferPendingInspection TransferStatus = "PENDING_INSPECTION"
	TransferWaitingForPrimary TransferStatus = "WAITING_FOR_PRIMARY"
	TransferFailed            TransferStatus = "FAILED"
	TransferOverridden        TransferStatus = "OVERRIDDEN"
	TransferIgnored           TransferStatus = "IGNORED"
	TransferInternalError     TransferStatus = "INTERNAL_ERROR"
	TransferError             TransferStatus = "ERROR"
	TransferProcessed         TransferStatus = "PROCESSED"
)

// TransferStatuses lists every transfer status.
var TransferStatuses = []TransferStatus{TransferWaitingForUpload, TransferUploading, TransferSuperseded, TransferAborted,
	TransferPendingInspection, TransferWaitingForPrimary, TransferFailed, TransferOverridden, TransferIgnored,
	TransferInternalError, TransferError, TransferProcessed}

var transferStatusNames = map[TransferStatus]string{
	TransferWaitingForUpload: "Waiting for Upload", TransferUploading: "Uploading", TransferSuperseded: "Superseded",
	TransferAborted: "Aborted", TransferPendingInspection: "Pending Inspection", TransferWaitingForPrimary: "Waiting for Primary",
	TransferFailed: "Failed", TransferOverridden: "Override Pending", TransferIgnored: "Ignored",
	TransferInternalError: "Internal Error", TransferError: "Error", TransferProcessed: "Processed",
}

// Name is the display name. OVERRIDDEN shows as Override Pending: the
// partner has overridden the findings and the studio has not verified it
// yet; "Overridden" is said only of a verified override (OverrideVerified).
func (s TransferStatus) Name() string { return transferStatusNames[s] }

// Uploading reports whether files may still arrive (the upload is not finished).
func (s TransferStatus) Uploading() bool {
	return s == TransferWaitingForUpload || s == TransferUploading
}

// ParseTransferStatus accepts a code or display name; it fails with CodeInvalid.
func ParseTransferStatus(s string) (TransferStatus, error) {
	return parseEnum("delivery status", s, TransferStatuses)
}

// DeliveryMethod says how a transfer was made.
type DeliveryMethod string

// Delivery methods.
const (
	MethodAPI DeliveryMethod = "API"
	MethodUI  DeliveryMethod = "UI"
	MethodCLI DeliveryMethod = "CLI"
)

// DeliveryMethods lists the methods.
var DeliveryMethods = []DeliveryMethod{MethodAPI, MethodUI, MethodCLI}

// Transfer limits: parts of 8 MiB to 512 MiB, at most MaxParts, so a file
// may hold up to 5,000 GiB (S3's object limit is 5 TiB).
const (
	MinTransferPart     = 8 << 20
	MaxTransferPart     = 512 << 20
	MaxFileSize         = MaxTransferPart * MaxParts
	MaxFilesPerTransfer = 64
)

// PartSize chooses the part size for a file of size bytes: the smallest
// whole number of MiB, at least 8 MiB, that keeps the parts within MaxParts.
func PartSize(size int64) int64 {
	ps := (size + MaxParts - 1) / MaxParts
	ps = (ps + 1<<20 - 1) &^ (1<<20 - 1)
	return min(max(ps, MinTransferPart), MaxTransferPart)
}

// TransferFile is one file of a transfer.
type TransferFile struct {
	Name        string
	Size        int64
	SHA256      string // hex, lower case: the whole file
	ContentType string
	Metadata    map[string]string // delivery metadata, per the source type's form
	Key         string            // blob key
	UploadID    string
	PartSize    int64
}

// Parts is the number of parts the file is uploaded in.
func (f TransferFile) Parts() int {
	if f.PartSize <= 0 {
		return 0
	}
	return int((f.Size + f.PartSize - 1) / f.PartSize)
}

// PartLen is the size of part n (1-based).
func (f TransferFile) PartLen(n int) int64 {
	if n < f.Parts() {
		return f.PartSize
	}
	return f.Size - int64(f.Parts()-1)*f.PartSize
}

// TransferEvent is one step of a transfer's timeline.
type TransferEvent struct {
	Status TransferStatus
	At     time.Time
	By     string // subject, or "openlot" for the platform
	Note   string
}

// Transfer is one delivery to one request: one or more files.
type Transfer struct {
	ID                 string
	RequestID          string
	FulfillmentPartner string // of the request, when the transfer began (tenancy)
	SubAssignee        string
	ContentPartner     string
	Method             DeliveryMethod
	DeliveredBy        string
	Files              []TransferFile
	Status             TransferStatus
	ErrorCode          string
	ErrorMessage       string
	Timeline           []TransferEvent
	CreatedAt          time.Time
	DeliveredAt        time.Time // upload completed
	ProcessedAt        time.Time
	Inspection         *Inspection // the latest inspection's result
	QC                 *QC         // quality control, once the delivery is processed and its type needs it
	Version            int64
}

// VisibleTo reports whether p may see the transfer (the same rule as its request).
func (t *Transfer) VisibleTo(p Principal) bool {
	return ScopeOf(p).Contains(&Request{FulfillmentPartner: t.FulfillmentPartner, SubAssignee: t.SubAssignee, ContentPartner: t.ContentPartner})
}

// OverrideVerified reports whether t is Processed because the studio
// verified the partner's override of its failed inspection (not because
// inspection passed): the step to Processed came from Override Pending.
func (t *Transfer) OverrideVerified() bool {
	if t.Status != TransferProcessed {
		return false
	}
	for i := len(t.Timeline) - 1; i > 0; i-- {
		if t.Timeline[i].Status == TransferProcessed {
			return t.Timeline[i-1].Status == TransferOverridden
		}
	}
	return false
}

// Clone returns a deep copy.
func (t *Transfer) Clone() *Transfer {
	c := *t
	c.Files = slices.Clone(t.Files)
	for i := range c.Files {
		m := make(map[string]string, len(t.Files[i].Metadata))
		for k, v := range t.Files[i].Metadata {
			m[k] = v
		}
		c.Files[i].Metadata = m
	}
	c.Timeline = slices.Clone(t.Timeline)
	if t.QC != nil {
		q := *t.QC
		q.Events, q.Timeline = slices.Clone(t.QC.Events), slices.Clone(t.QC.Timeline)
		c.QC = &q
	}
	return &c
}

// NewTransfer starts a transfer to r in Waiting for Upload. Its fulfillment
// partner of record, its subassignee and studio operators may deliver
// (others get forbidden), while r is Deliverable (not_deliverable).
func NewTransfer(a Act, id string, r *Request, method DeliveryMethod, files []TransferFile) (*Transfer, error) {
	if err := r.MayDeliver(a.By); err != nil {
		return nil, err
	}
	if !slices.Contains(DeliveryMethods, method) {
		return nil, Errorf(CodeInvalid, "delivery method %q is not one of API, UI, CLI", truncate(string(method), 20))
	}
	if len(files) == 0 {
		return nil, Errorf(CodeInvalid, "a transfer needs at least one file")
	}
	if len(files) > 1 && !r.SourceType.TakesSeveralFiles() {
		return nil, Errorf(CodeInvalid, "%s requests take exactly one file; this transfer has %d", r.SourceType.Name(), len(files))
	}
	if len(files) > MaxFilesPerTransfer {
		return nil, Errorf(CodeInvalid, "a transfer holds at most %d files", MaxFilesPerTransfer)
	}
	t := &Transfer{ID: id, RequestID: r.ID, FulfillmentPartner: r.FulfillmentPartner, SubAssignee: r.SubAssignee,
		ContentPartner: r.ContentPartner, Method: method, DeliveredBy: a.By.Subject, Files: files, CreatedAt: a.At}
	t.move(a, TransferWaitingForUpload, "")
	return t, nil
}

// MayDeliver answers whether p may deliver to r now, before any file is
// looked at: forbidden for whoever does not deliver to r, not_deliverable
// while r cannot take a delivery. A request that takes no delivery says
// so, not what its files' metadata lack.
func (r *Request) MayDeliver(p Principal) error {
	if err := r.may(OpDeliver, p); err != nil {
		return err
	}
	return r.Deliverable()
}

// TakesSeveralFiles reports whether a delivery of this source type may hold
// several files (audio stems, an IMF package, dub card images).
func (s SourceType) TakesSeveralFiles() bool {
	switch s {
	case SourceAudioME, SourceAudioPrintMaster, SourceAudioDescription, SourceSecondaryAudio, SourceIMF, SourceDubCardImage:
		return true
	}
	return false
}

func (t *Transfer) move(a Act, to TransferStatus, note string) {
	by := a.By.Subject
	if by == "" {
		by = "openlot"
	}
	t.Status = to
	t.Timeline = append(t.Timeline, TransferEvent{Status: to, At: a.At, By: by, Note: note})
}

// Started marks the first part received.
func (t *Transfer) Started(a Act) bool {
	if t.Status != TransferWaitingForUpload {
		return false
	}
	t.move(a, TransferUploading, "")
	return true
}

// Supersede ends an unfinished upload because a newer delivery began.
func (t *Transfer) Supersede(a Act, by string) bool {
	if !t.Status.Uploading() {
		return false
	}
	t.move(a, TransferSuperseded, "a newer delivery "+by+" started before this upload finished")
	return true
}

// Abort ends an unfinished upload at the deliverer's wish.
func (t *Transfer) Abort(a Act) error {
	if t.Status == TransferAborted {
		return nil // aborted again: the first abort stands
	}
	if err := t.abortable(); err != nil {
		return err
	}
	t.move(a, TransferAborted, "aborted by "+a.By.Subject)
	return nil
}

// abortable returns not_allowed unless t is still uploading.
func (t *Transfer) abortable() error {
	if !t.Status.Uploading() {
		return Errorf(CodeNotAllowed, "only an upload in progress can be aborted; this transfer is %s", t.Status.Name())
	}
	return nil
}

// Delivered moves a finished, verified upload to Pending Inspection.
func (t *Transfer) Delivered(a Act) error {
	if t.Status == TransferPendingInspection {
		return nil
	}
	if !t.Status.Uploading() {
		return Errorf(CodeNotAllowed, "this transfer is %s; it cannot be completed", t.Status.Name())
	}
	t.DeliveredAt = a.At
	t.move(a, TransferPendingInspection, "")
	return nil
}

// Fail records an unexpected failure (e.g. the whole-file checksum did not match).
func (t *Transfer) Fail(a Act, code, message string) {
	t.ErrorCode, t.ErrorMessage = code, message
	t.move(a, TransferError, message)
}

// CheckMetadataKey accepts the shape of a metadata field name.
func CheckMetadataKey(k string) bool {
	return k != "" && len(k) <= 40 && strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
}

// RecordDelivery notes on the request's history that transfer t reached
// Pending Inspection, naming its files.
func (r *Request) RecordDelivery(a Act, t *Transfer) {
	names := make([]string, len(t.Files))
	for i, f := range t.Files {
		names[i] = f.Name
	}
	r.TrackDelivery(t)
	r.record(a, ruleOf[OpDeliver].Action, "transfer", "", t.ID, "", "files: "+strings.Join(names, ", "))
}

// DeliveryRecorded reports whether h, a request's history, holds the entry
// RecordDelivery writes for transfer t.
func DeliveryRecorded(h []HistoryEntry, t *Transfer) bool {
	for _, e := range h {
		if e.Action == ruleOf[OpDeliver].Action && e.Field == "transfer" && e.After == t.ID {
			return true
		}
	}
	return false
}
