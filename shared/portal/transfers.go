package portal

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/delivery"
	"github.com/openlot/openlot/shared/lot"
)

// PartURLTTL is how long a part upload URL lives; resuming asks for new ones.
const PartURLTTL = time.Hour

// CodeChecksumMismatch (422): the whole file's SHA-256 is not the one declared.
const CodeChecksumMismatch = lot.CodeChecksumMismatch

// NewTransfer asks for one delivery to one request.
type NewTransfer struct {
	RequestID string
	Files     []lot.TransferFile // name, size, SHA-256, content type, metadata
}

// TransferResult is the answer for one request of StartTransfers.
type TransferResult struct {
	RequestID string
	Transfer  *lot.Transfer
	Err       error
}

// Deliveries are the use cases of transfers (a fulfillment partner's
// delivery of files to a request) and their inspection: start, upload
// parts, complete, abort, the inspection flow's steps, and the decisions
// people take on an inspected delivery.
type Deliveries struct {
	*Deps
	requests *Requests      // the request a transfer delivers to, as the caller sees it
	library  *Library       // a processed delivery's files become materials
	notes    *Notifications // failed inspections, redeliveries
}

// NewDeliveries returns the transfer and inspection use cases over d.
func NewDeliveries(d *Deps, requests *Requests, library *Library, notes *Notifications) *Deliveries {
	return &Deliveries{Deps: d, requests: requests, library: library, notes: notes}
}

var errNoTransfer = &lot.Error{Code: lot.CodeNotFound, Message: "no such transfer"}

// mayDeliver returns forbidden unless p's role delivers files at all, and
// unavailable when there is no file storage to deliver to. Who may deliver
// to which request is the domain's check (lot.NewTransfer).
func (s *Deps) mayDeliver(p lot.Principal) error {
	if !lot.Rule(lot.OpDeliver).AllowsRole(p.Role) {
		return lot.Errorf(lot.CodeForbidden, "only fulfillment partners (and studio operators) deliver files")
	}
	if s.Blobs == nil {
		return &lot.Error{Code: lot.CodeUnavailable, Message: "file storage is not configured"}
	}
	return nil
}

// StartTransfers starts one transfer per entry (each its own result): the
// files are checked, unfinished uploads to the same request are superseded,
// and a multipart upload is created per file.
func (s *Deliveries) StartTransfers(ctx context.Context, p lot.Principal, method lot.DeliveryMethod, list []NewTransfer) ([]TransferResult, error) {
	if err := s.mayDeliver(p); err != nil {
		return nil, err
	}
	if len(list) == 0 || len(list) > MaxBulk {
		return nil, lot.Errorf(lot.CodeInvalid, "name 1 to %d requests to deliver to", MaxBulk)
	}
	out := make([]TransferResult, len(list))
	for i, n := range list {
		t, err := s.startTransfer(ctx, p, method, n)
		out[i] = TransferResult{RequestID: n.RequestID, Transfer: t, Err: err}
		if err != nil && lot.ErrorCode(err) == lot.CodeInternal {
			s.Log.ErrorContext(ctx, "start transfer", "request", n.RequestID, "err", err)
		}
	}
	return out, nil
}

// CheckTransfers answers, per entry, what StartTransfers would answer now
// (the request visible and deliverable by p, the files' names, sizes and
// delivery metadata right), creating nothing: no transfer, no upload,
// nothing superseded. A result without an error holds the transfer as it
// would start (its files normalized), unsaved.
func (s *Deliveries) CheckTransfers(ctx context.Context, p lot.Principal, method lot.DeliveryMethod, list []NewTransfer) ([]TransferResult, error) {
	if err := s.mayDeliver(p); err != nil {
		return nil, err
	}
	if len(list) == 0 || len(list) > MaxBulk {
		return nil, lot.Errorf(lot.CodeInvalid, "name 1 to %d requests to deliver to", MaxBulk)
	}
	out := make([]TransferResult, len(list))
	for i, n := range list {
		_, t, err := s.prepareTransfer(ctx, p, method, n)
		out[i] = TransferResult{RequestID: n.RequestID, Transfer: t, Err: err}
	}
	return out, nil
}

// prepareTransfer runs every check of starting transfer n and returns the
// request and the transfer as it would start, without an ID yet; nothing
// is saved.
func (s *Deliveries) prepareTransfer(ctx context.Context, p lot.Principal, method lot.DeliveryMethod, n NewTransfer) (*lot.Request, *lot.Transfer, error) {
	v, err := s.requests.Request(ctx, p, n.RequestID)
	if err != nil {
		return nil, nil, err
	}
	r := v.Request
	if err := r.MayDeliver(p); err != nil {
		return nil, nil, err
	}
	files, err := delivery.CheckFiles(r, n.Files)
	if err != nil {
		return nil, nil, err
	}
	t, err := lot.NewTransfer(lot.Act{By: p, At: s.Clock.Now().UTC()}, "", r, method, files)
	if err != nil {
		return nil, nil, err
	}
	return r, t, nil
}

func (s *Deliveries) startTransfer(ctx context.Context, p lot.Principal, method lot.DeliveryMethod, n NewTransfer) (*lot.Transfer, error) {
	r, t, err := s.prepareTransfer(ctx, p, method, n)
	if err != nil {
		return nil, err
	}
	id := s.IDs.NewID()
	t.ID = id
	a := lot.Act{By: p, At: t.CreatedAt}
	// A newer delivery supersedes uploads to the same request that have not finished.
	earlier, err := s.Store.ListTransfers(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	for _, old := range earlier {
		if !old.Status.Uploading() {
			continue
		}
		if _, err := s.Store.UpdateTransfer(ctx, old.ID, func(x *lot.Transfer) (bool, error) { return x.Supersede(a, id), nil }); err != nil {
			return nil, err
		}
		s.abortUploads(ctx, old)
	}
	for i := range t.Files {
		f := &t.Files[i]
		f.Key = fmt.Sprintf("deliveries/%s/%s/file-%02d", r.ID, id, i+1)
		if f.UploadID, err = s.Blobs.CreateUpload(ctx, f.Key, f.ContentType); err != nil {
			return nil, err
		}
	}
	if err := s.Store.CreateTransfer(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

func (s *Deliveries) abortUploads(ctx context.Context, t *lot.Transfer) {
	for _, f := range t.Files {
		if err := s.Blobs.AbortUpload(ctx, f.Key, f.UploadID); err != nil && !lot.IsCode(err, lot.CodeNotFound) {
			s.Log.WarnContext(ctx, "abort upload", "transfer", t.ID, "key", f.Key, "err", err)
		}
	}
}

// Transfer returns a transfer p may see.
func (s *Deliveries) Transfer(ctx context.Context, p lot.Principal, id string) (*lot.Transfer, error) {
	if !lot.ValidID(id) {
		return nil, lot.Errorf(lot.CodeInvalid, "transfer ID %.40q is not an openlot ID", id)
	}
	t, err := s.Store.GetTransfer(ctx, id)
	if err != nil {
		return nil, err
	}
	if !t.VisibleTo(p) {
		return nil, errNoTransfer
	}
	return t, nil
}

// FileProgress is what storage holds of one file of a transfer.
type FileProgress struct {
	Received []lot.Part // parts stored so far (all of them once assembled)
	Missing  []int      // part numbers still to send
	Complete bool       // the file is assembled
}

// Progress reads what storage holds of every file, and records the first
// part's arrival on the timeline (Waiting for Upload → Uploading).
func (s *Deliveries) Progress(ctx context.Context, p lot.Principal, id string) (*lot.Transfer, []FileProgress, error) {
	t, err := s.Transfer(ctx, p, id)
	if err != nil {
		return nil, nil, err
	}
	prog := make([]FileProgress, len(t.Files))
	started := false
	for i, f := range t.Files {
		if prog[i], err = s.fileProgress(ctx, t, f); err != nil {
			return nil, nil, err
		}
		started = started || len(prog[i].Received) > 0
	}
	if started && t.Status == lot.TransferWaitingForUpload {
		t, err = s.Store.UpdateTransfer(ctx, id, func(x *lot.Transfer) (bool, error) {
			return x.Started(lot.Act{By: p, At: s.Clock.Now().UTC()}), nil
		})
		if err != nil && !lot.IsCode(err, lot.CodeConflict) {
			return nil, nil, err
		}
		if err != nil {
			t, _ = s.Store.GetTransfer(ctx, id)
		}
	}
	return t, prog, nil
}

func (s *Deliveries) fileProgress(ctx context.Context, t *lot.Transfer, f lot.TransferFile) (FileProgress, error) {
	var fp FileProgress
	if !t.Status.Uploading() {
		fp.Complete = t.Status != lot.TransferSuperseded && t.Status != lot.TransferAborted
		return fp, nil
	}
	parts, err := s.Blobs.ListParts(ctx, f.Key, f.UploadID)
	if lot.IsCode(err, lot.CodeNotFound) {
		if info, herr := s.Blobs.Head(ctx, f.Key); herr == nil && info.Size == f.Size {
			return FileProgress{Complete: true}, nil // assembled by an earlier complete
		}
		return fp, &lot.Error{Code: lot.CodeConflict, Message: "the upload of " + f.Name + " is gone; start a new transfer"}
	}
	if err != nil {
		return fp, err
	}
	have := map[int]lot.Part{}
	for _, pt := range parts {
		if pt.Number <= f.Parts() && pt.Size == f.PartLen(pt.Number) {
			have[pt.Number] = pt
		}
	}
	for n := 1; n <= f.Parts(); n++ {
		if pt, ok := have[n]; ok {
			fp.Received = append(fp.Received, pt)
		} else {
			fp.Missing = append(fp.Missing, n)
		}
	}
	return fp, nil
}

// PartChecksums tells clients whether to bind each part to its SHA-256:
// "recommended" when storage cannot hash a file whole by itself (the part
// hashes are then what proves each part on arrival), "optional" when it does
// (the whole file's SHA-256, checked at completion, proves every byte).
func (s *Deliveries) PartChecksums() string {
	if w, ok := s.Blobs.(lot.WholeHashing); ok && w.HashesWhole() {
		return "optional"
	}
	return "recommended"
}

// PartRequest asks for the upload URL of one part, bound to its SHA-256 (base64 or hex) when given.
type PartRequest struct {
	File   int // index in the transfer's files
	Number int
	SHA256 string
}

// PartURLs returns upload URLs for parts of a transfer still uploading, each
// bound to the part's length and, when given, its SHA-256.
func (s *Deliveries) PartURLs(ctx context.Context, p lot.Principal, id string, reqs []PartRequest) ([]lot.SignedURL, error) {
	t, err := s.Transfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !t.Status.Uploading() {
		return nil, lot.Errorf(lot.CodeNotAllowed, "this transfer is %s; it takes no more parts", t.Status.Name())
	}
	if len(reqs) == 0 || len(reqs) > 1000 {
		return nil, lot.Errorf(lot.CodeInvalid, "ask for 1 to 1,000 part URLs at a time")
	}
	out := make([]lot.SignedURL, len(reqs))
	for i, pr := range reqs {
		if pr.File < 0 || pr.File >= len(t.Files) {
			return nil, lot.Errorf(lot.CodeInvalid, "file %d is not in this transfer (it has %d)", pr.File, len(t.Files))
		}
		f := t.Files[pr.File]
		if pr.Number < 1 || pr.Number > f.Parts() {
			return nil, lot.Errorf(lot.CodeInvalid, "part %d of %s is out of range 1…%d", pr.Number, f.Name, f.Parts())
		}
		sum, err := partSum(pr.SHA256)
		if err != nil {
			return nil, err
		}
		if out[i], err = s.Blobs.PresignPart(ctx, f.Key, f.UploadID, pr.Number,
			lot.PartOptions{SHA256: sum, Size: f.PartLen(pr.Number), Expires: PartURLTTL}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// partSum accepts a part SHA-256 as 64 hex digits or base64 and returns base64.
func partSum(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return base64.StdEncoding.EncodeToString(b), nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return s, nil
	}
	return "", lot.Errorf(lot.CodeInvalid, "a part SHA-256 is 64 hex digits or 44 base64 characters")
}

// CompleteTransfer checks that every part of every file is stored, joins
// them, checks each whole file's SHA-256 against the declared one, and moves
// the transfer to Pending Inspection. Missing parts fail with conflict (409)
// listing them; a checksum mismatch marks the transfer Error and fails with
// checksum_mismatch. Completing again answers the same transfer.
//
// sums, when given, holds each file's whole SHA-256 (hex) in order: a client
// that hashes while it uploads declares them here ("" keeps the one declared
// at the start). A file with no SHA-256 either way cannot complete.
func (s *Deliveries) CompleteTransfer(ctx context.Context, p lot.Principal, id string, sums []string) (*lot.Transfer, error) {
	t, err := s.Transfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	switch {
	case t.Status == lot.TransferPendingInspection:
		// Completing again answers the same transfer, and finishes what
		// an earlier complete could not (its delivery recorded, inspection).
		return s.delivered(ctx, lot.Act{By: p, At: t.DeliveredAt}, t)
	case !t.Status.Uploading():
		return nil, lot.Errorf(lot.CodeNotAllowed, "this transfer is %s; it cannot be completed", t.Status.Name())
	}
	if err := declareSums(t, sums); err != nil {
		return nil, err
	}
	progress, err := s.storedParts(ctx, t)
	if err != nil {
		return nil, err
	}
	a := lot.Act{By: p, At: s.Clock.Now().UTC()}
	// Once storage starts joining, finish even if the caller goes away:
	// a half-recorded completion would leave the transfer stranded.
	ctx = context.WithoutCancel(ctx)
	if err := s.joinFiles(ctx, a, t, progress); err != nil {
		return nil, err
	}
	done, err := s.markDelivered(ctx, a, t)
	if err != nil {
		return done, err
	}
	return s.delivered(ctx, a, done)
}

// delivered finishes the complete of t, now Pending Inspection: the
// request's history records the delivery (once, whichever complete gets
// there) and inspection starts (a started name is not started twice). It
// fails with the store's error when the delivery could not be recorded;
// completing again records it.
func (s *Deliveries) delivered(ctx context.Context, a lot.Act, t *lot.Transfer) (*lot.Transfer, error) {
	if err := s.recordDelivery(ctx, a, t); err != nil {
		return nil, err
	}
	s.StartInspection(ctx, t, 1)
	return t, nil
}

// declareSums settles the whole SHA-256 of each file of t: the one in sums
// (one per file, in order, or none at all) when given, else the one
// declared at the start, and sets it on t's files. It fails with invalid
// for a wrong number of sums, a malformed one, one that differs from the
// sum declared at the start, or a file left without any.
func declareSums(t *lot.Transfer, sums []string) error {
	if len(sums) > 0 && len(sums) != len(t.Files) {
		return lot.Errorf(lot.CodeInvalid, "give one sha256 per file (%d), in order", len(t.Files))
	}
	for i := range t.Files {
		declared := ""
		if len(sums) > 0 {
			var err error
			if declared, err = delivery.CheckSum(sums[i]); err != nil {
				return err
			}
		}
		switch f := &t.Files[i]; {
		case declared != "" && f.SHA256 != "" && declared != f.SHA256:
			return lot.Errorf(lot.CodeInvalid, "%s: the sha256 given now differs from the one declared at the start", f.Name)
		case declared != "":
			f.SHA256 = declared
		case f.SHA256 == "":
			return lot.Errorf(lot.CodeInvalid, "%s: declare the whole file's sha256 to complete", f.Name)
		}
	}
	return nil
}

// storedParts returns what storage holds of each file of t, once every
// part of every file is there. It fails with conflict listing the missing
// parts (file name and part ranges), with conflict when a file's upload is
// gone, or with the storage error.
func (s *Deliveries) storedParts(ctx context.Context, t *lot.Transfer) ([]FileProgress, error) {
	var missing []string
	progress := make([]FileProgress, len(t.Files))
	for i, f := range t.Files {
		var err error
		if progress[i], err = s.fileProgress(ctx, t, f); err != nil {
			return nil, err
		}
		if len(progress[i].Missing) > 0 {
			missing = append(missing, fmt.Sprintf("%s parts %s", f.Name, ranges(progress[i].Missing)))
		}
	}
	if len(missing) > 0 {
		return nil, &lot.Error{Code: lot.CodeConflict, Message: "parts are missing: " + strings.Join(missing, "; ") + "; upload them and complete again"}
	}
	return progress, nil
}

// joinFiles has storage join the parts of each file of t not assembled yet
// and checks each whole file's SHA-256 against the declared one, in file
// order. On the first mismatch it marks the transfer Error (as a) and fails
// with checksum_mismatch naming the file and both sums; it fails with
// conflict when a file's upload is gone, or with the storage or store error.
func (s *Deliveries) joinFiles(ctx context.Context, a lot.Act, t *lot.Transfer, progress []FileProgress) error {
	for i, f := range t.Files {
		sum, err := s.joinFile(ctx, f, progress[i])
		if err != nil {
			return err
		}
		if sum != f.SHA256 {
			return s.failChecksum(ctx, a, t.ID, i, f, sum)
		}
	}
	return nil
}

// joinFile has storage join the parts of file f, unless it is assembled
// already, and returns the whole file's hex SHA-256: the one storage
// reports (the disk store hashes while joining) or, when it reports none,
// the one of the file read back once. A join another complete did first
// counts as done when the stored size is f's. It fails with conflict when
// the upload is gone, or with the storage error.
func (s *Deliveries) joinFile(ctx context.Context, f lot.TransferFile, progress FileProgress) (string, error) {
	var sum string
	if !progress.Complete {
		info, err := s.Blobs.CompleteUpload(ctx, f.Key, f.UploadID, progress.Received)
		if lot.IsCode(err, lot.CodeNotFound) { // another complete joined it first
			info, err = s.Blobs.Head(ctx, f.Key)
			if err == nil && info.Size != f.Size {
				err = &lot.Error{Code: lot.CodeConflict, Message: "the upload of " + f.Name + " is gone; start a new transfer"}
			}
		}
		if err != nil {
			return "", err
		}
		sum = info.SHA256 // the disk store hashes while joining
	} else if info, err := s.Blobs.Head(ctx, f.Key); err == nil {
		sum = info.SHA256
	}
	if sum != "" {
		return sum, nil
	}
	return BlobSHA256(ctx, s.Blobs, f.Key)
}

// failChecksum marks transfer id Error (as a) because file i, f, arrived
// with SHA-256 sum instead of the declared one, keeping the declared sum on
// the file. It returns the checksum_mismatch error to answer, or the
// store's error when the mark could not be written.
func (s *Deliveries) failChecksum(ctx context.Context, a lot.Act, id string, i int, f lot.TransferFile, sum string) error {
	msg := fmt.Sprintf("%s: the file received has SHA-256 %s, not the %s declared; deliver it again", f.Name, sum, f.SHA256)
	if _, err := s.Store.UpdateTransfer(ctx, id, func(x *lot.Transfer) (bool, error) {
		x.Files[i].SHA256 = f.SHA256
		x.Fail(a, CodeChecksumMismatch, msg)
		return true, nil
	}); err != nil {
		return err
	}
	return &lot.Error{Code: CodeChecksumMismatch, Message: msg}
}

// markDelivered moves the transfer to Pending Inspection (as a) with the
// settled sums of t's files, in one conditional write (none when a
// concurrent complete moved it first). It fails with the store's error
// (conflict when the transfer changed meanwhile) or with the transfer's
// rule refusing the move, returning the transfer as the store left it.
func (s *Deliveries) markDelivered(ctx context.Context, a lot.Act, t *lot.Transfer) (*lot.Transfer, error) {
	return s.Store.UpdateTransfer(ctx, t.ID, func(x *lot.Transfer) (bool, error) {
		if x.Status == lot.TransferPendingInspection {
			return false, nil
		}
		for i := range x.Files {
			x.Files[i].SHA256 = t.Files[i].SHA256
		}
		x.Started(a)
		return true, x.Delivered(a)
	})
}

// errRequestMoved: the request changed between reading its history and
// writing to it.
var errRequestMoved = &lot.Error{Code: lot.CodeConflict, Message: "the request changed meanwhile; complete the transfer again"}

// recordDelivery has the request follow its transfer t, now delivered
// (Pending Inspection): the delivery goes into the request's history
// unless it is there already. The write is made only at the version whose
// history was read, so two completes at once record it once. It fails with
// the store's error, or conflict when the request kept changing.
func (s *Deliveries) recordDelivery(ctx context.Context, a lot.Act, t *lot.Transfer) error {
	var err error
	for range 3 {
		var h []lot.HistoryEntry
		if h, err = s.Store.History(ctx, t.RequestID); err != nil {
			return err
		}
		if lot.DeliveryRecorded(h, t) {
			return nil
		}
		var read int64
		for _, e := range h {
			read = max(read, e.Version)
		}
		_, err = s.Store.UpdateRequest(ctx, t.RequestID, func(r *lot.Request) error {
			if r.Version != read {
				return errRequestMoved
			}
			r.RecordDelivery(a, t)
			return nil
		})
		if !lot.IsCode(err, lot.CodeConflict) {
			return err
		}
	}
	return err
}

// BlobSHA256 is the hex SHA-256 of a stored blob, read once from storage
// (what inspection's integrity step does for every delivered file).
func BlobSHA256(ctx context.Context, blobs lot.Blobs, key string) (string, error) {
	rc, err := blobs.Read(ctx, key, 0, -1)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := sha256.New()
	buf := make([]byte, 1<<20)
	if _, err := io.CopyBuffer(h, struct{ io.Reader }{rc}, buf); err != nil {
		return "", fmt.Errorf("read %s: %w", key, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func ranges(ns []int) string {
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, fmt.Sprint(ns[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", ns[i], ns[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// AbortTransfer ends an unfinished upload and discards its parts.
func (s *Deliveries) AbortTransfer(ctx context.Context, p lot.Principal, id string) (*lot.Transfer, error) {
	t, err := s.Transfer(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := s.mayDeliver(p); err != nil {
		return nil, err
	}
	t, err = s.Store.UpdateTransfer(ctx, id, func(x *lot.Transfer) (bool, error) {
		was := x.Status
		err := x.Abort(lot.Act{By: p, At: s.Clock.Now().UTC()})
		return err == nil && was != lot.TransferAborted, err
	})
	if err != nil {
		return nil, err
	}
	s.abortUploads(ctx, t)
	return t, nil
}

// Transfers returns the transfers of a request p may see, newest first.
func (s *Deliveries) Transfers(ctx context.Context, p lot.Principal, requestID string) ([]*lot.Transfer, error) {
	if _, err := s.requests.Request(ctx, p, requestID); err != nil {
		return nil, err
	}
	list, err := s.Store.ListTransfers(ctx, requestID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(t *lot.Transfer) bool { return !t.VisibleTo(p) }), nil
}

// PlanResult recommends files for one request.
type PlanResult struct {
	RequestID  string
	Request    *lot.Request
	Candidates []delivery.Candidate
	Err        error
	// Refusal is why p may not deliver to the request now (nil when p
	// may): the request's own deliver action. No file is then recommended.
	Refusal error
}

// Plan scores the named files for each request p may see (the file bin):
// every recommendation says why, and nothing is delivered. A request p may
// not deliver to now (its deliver action refused) gets its scores but no
// recommendation, and the refusal says why.
func (s *Deliveries) Plan(ctx context.Context, p lot.Principal, names []string, ids []string) ([]PlanResult, error) {
	if len(names) == 0 || len(names) > 1000 {
		return nil, lot.Errorf(lot.CodeInvalid, "name 1 to 1,000 files")
	}
	for i, n := range names {
		clean, err := delivery.CheckName(n)
		if err != nil {
			return nil, err
		}
		names[i] = clean
	}
	if err := checkBulk(ids); err != nil {
		return nil, err
	}
	out := make([]PlanResult, len(ids))
	for i, id := range ids {
		out[i].RequestID = id
		v, err := s.requests.Request(ctx, p, id)
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Request = v.Request
		out[i].Candidates = delivery.Plan(v.Request, names)
		if out[i].Refusal = s.mayDeliver(p); out[i].Refusal == nil {
			out[i].Refusal = v.Request.Refusal(lot.OpDeliver, p, nil)
		}
		if out[i].Refusal != nil {
			for j := range out[i].Candidates {
				out[i].Candidates[j].Recommended = false
			}
		}
	}
	return out, nil
}

// platform is the principal of openlot's own steps (storage events, flows).
var platform = lot.Principal{Subject: "openlot", Name: "openlot", Role: lot.RoleStudio}

// TransferOfKey reads the transfer ID out of a delivered file's blob key
// (deliveries/<request>/<transfer>/file-NN); "" when the key is not one.
func TransferOfKey(key string) string {
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0] != "deliveries" || !lot.ValidID(parts[2]) || !strings.HasPrefix(parts[3], "file-") {
		return ""
	}
	return parts[2]
}

// CompleteFromStorage completes a transfer whose files storage has
// assembled, for a client that finished uploading but died before calling
// complete (S3's CompleteMultipartUpload event). It is idempotent: a
// transfer already completed, or not yet fully assembled, or whose
// whole-file SHA-256 was not declared up front, is left as it is (false).
func (s *Deliveries) CompleteFromStorage(ctx context.Context, key string) (bool, error) {
	id := TransferOfKey(key)
	if id == "" {
		return false, nil
	}
	t, err := s.Store.GetTransfer(ctx, id)
	if lot.IsCode(err, lot.CodeNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !t.Status.Uploading() {
		return false, nil
	}
	for _, f := range t.Files {
		if f.SHA256 == "" {
			return false, nil // declared at complete: only the client can finish
		}
		if info, err := s.Blobs.Head(ctx, f.Key); err != nil || info.Size != f.Size {
			return false, nil // another file is still uploading
		}
	}
	if _, err := s.CompleteTransfer(ctx, platform, id, nil); err != nil && !lot.IsCode(err, CodeChecksumMismatch) {
		return false, err
	}
	return true, nil
}
