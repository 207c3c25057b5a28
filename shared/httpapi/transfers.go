package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/delivery"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

// TransferStatus travels as its code.
type TransferStatus string

func (TransferStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema(lot.TransferStatuses, "Transfer status")
}

// QCStatus travels as its code.
type QCStatus string

func (QCStatus) Schema(huma.Registry) *huma.Schema { return enumSchema(lot.QCStatuses, "QC status") }

// FileJSON is one file of a transfer, with what storage holds of it.
type FileJSON struct {
	Name        string            `json:"name"`
	Size        int64             `json:"size"`
	SHA256      string            `json:"sha256" doc:"Hex SHA-256 of the whole file, as declared."`
	ContentType string            `json:"contentType"`
	Metadata    map[string]string `json:"metadata"`
	PartSize    int64             `json:"partSize"`
	Parts       int               `json:"parts"`
	Received    []int             `json:"received,omitempty" doc:"Part numbers stored so far (GET only)."`
	Missing     []int             `json:"missing,omitempty" doc:"Part numbers still to send (GET only)."`
	Complete    bool              `json:"complete,omitempty" doc:"The file is assembled."`
}

// EventJSON is one step of a transfer's timeline.
type EventJSON struct {
	Status TransferStatus `json:"status"`
	At     time.Time      `json:"at"`
	By     string         `json:"by"`
	Note   string         `json:"note,omitempty"`
}

// TransferJSON is a delivery card.
type TransferJSON struct {
	ID               string              `json:"id"`
	RequestID        string              `json:"requestId"`
	Method           string              `json:"method" enum:"API,UI,CLI"`
	DeliveredBy      string              `json:"deliveredBy"`
	Status           TransferStatus      `json:"status"`
	OverrideVerified bool                `json:"overrideVerified" doc:"Processed because the studio verified the partner's override of a failed inspection (shown as Overridden), not because inspection passed. Before the studio decides, the status is OVERRIDDEN, shown as Override Pending."`
	ErrorCode        string              `json:"errorCode,omitempty"`
	ErrorMessage     string              `json:"errorMessage,omitempty"`
	Files            []FileJSON          `json:"files"`
	PartChecksums    string              `json:"partChecksums" enum:"recommended,optional" doc:"Whether to send each part's SHA-256 when asking for its URL: recommended where storage proves parts only by their own hashes; optional where it hashes every file whole as parts arrive and checks that hash on completion (a part is then best sent unhashed: each byte is hashed once on each side)."`
	Timeline         []EventJSON         `json:"timeline"`
	CreatedAt        time.Time           `json:"createdAt"`
	DeliveredAt      *time.Time          `json:"deliveredAt,omitempty"`
	ProcessedAt      *time.Time          `json:"processedAt,omitempty"`
	Inspection       *lot.Inspection     `json:"inspection,omitempty" doc:"The latest inspection: policy version, what was read of each file (hash, probe, black and silence found) and the findings, each with its code, message, whether it may be overridden, and times."`
	Version          int64               `json:"version"`
	Actions          TransferActionsJSON `json:"actions"`
}

// transferJSON is a delivery card with what storage holds of each file
// (prog, when read) and what the caller may do to it.
func (a *api) transferJSON(ctx context.Context, t *lot.Transfer, prog []portal.FileProgress) TransferJSON {
	out := TransferJSON{Actions: a.actionsJSON(ctx, a.svc.Deliveries.Actions(who(ctx), t)), ID: t.ID, PartChecksums: a.svc.Deliveries.PartChecksums(), RequestID: t.RequestID, Method: string(t.Method), DeliveredBy: t.DeliveredBy,
		Status: TransferStatus(t.Status), OverrideVerified: t.OverrideVerified(), ErrorCode: t.ErrorCode, ErrorMessage: t.ErrorMessage,
		CreatedAt: t.CreatedAt.UTC(), Version: t.Version, Files: []FileJSON{}, Timeline: []EventJSON{}}
	if !t.DeliveredAt.IsZero() {
		out.DeliveredAt = ptr(t.DeliveredAt.UTC())
	}
	if !t.ProcessedAt.IsZero() {
		out.ProcessedAt = ptr(t.ProcessedAt.UTC())
	}
	out.Inspection = t.Inspection
	for i, f := range t.Files {
		fj := FileJSON{Name: f.Name, Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType, Metadata: f.Metadata,
			PartSize: f.PartSize, Parts: f.Parts()}
		if fj.Metadata == nil {
			fj.Metadata = map[string]string{}
		}
		if i < len(prog) {
			for _, p := range prog[i].Received {
				fj.Received = append(fj.Received, p.Number)
			}
			fj.Missing, fj.Complete = prog[i].Missing, prog[i].Complete
		}
		out.Files = append(out.Files, fj)
	}
	for _, e := range t.Timeline {
		out.Timeline = append(out.Timeline, EventJSON{Status: TransferStatus(e.Status), At: e.At.UTC(), By: e.By, Note: e.Note})
	}
	return out
}

type transferOutput struct{ Body TransferJSON }

type transferID struct {
	ID string `path:"id" maxLength:"64" doc:"Transfer ID."`
}

// NewFileJSON describes a file to deliver.
type NewFileJSON struct {
	Name        string            `json:"name" maxLength:"1024"`
	Size        int64             `json:"size" doc:"Bytes; 1 to 5,000 GiB."`
	SHA256      string            `json:"sha256,omitempty" maxLength:"64" doc:"Hex SHA-256 of the whole file; may instead be declared when completing."`
	ContentType string            `json:"contentType,omitempty" maxLength:"128"`
	Metadata    map[string]string `json:"metadata,omitempty" doc:"Delivery metadata, per GET /v1/source-types."`
}

// NewTransferJSON asks for one delivery to one request.
type NewTransferJSON struct {
	RequestID string        `json:"requestId"`
	Files     []NewFileJSON `json:"files" maxItems:"64"`
}

// PartAskJSON asks for the upload URL of one part.
type PartAskJSON struct {
	File   int    `json:"file" minimum:"0" doc:"Index of the file in the transfer."`
	Number int    `json:"number" minimum:"1" maximum:"10000"`
	SHA256 string `json:"sha256,omitempty" maxLength:"64" doc:"SHA-256 of the part (hex or base64); storage refuses other bytes."`
}

// CompleteFileJSON declares a file's whole SHA-256 when completing.
type CompleteFileJSON struct {
	SHA256 string `json:"sha256" maxLength:"64" doc:"Hex SHA-256 of the whole file; empty keeps the one given at the start."`
}

// URLJSON is a signed upload URL for one part.
type URLJSON struct {
	File    int               `json:"file"`
	Number  int               `json:"number"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Header  map[string]string `json:"header,omitempty" doc:"Headers to send as given."`
	Expires time.Time         `json:"expires"`
}

func (a *api) transferRoutes() []route {
	tags := []string{"Delivery"}
	return []route{
		serve(huma.Operation{OperationID: "listSourceTypes", Method: http.MethodGet, Path: "/v1/source-types", Tags: tags, Errors: []int{401, 429},
			Summary: "Source types and the delivery metadata each asks for"}, a.listSourceTypes),
		serve(huma.Operation{OperationID: "startTransfers", Method: http.MethodPost, Path: "/v1/transfers", Tags: tags, Errors: []int{400, 401, 403, 429},
			Summary: "Start deliveries: one transfer per request, each of one or more files",
			Description: "Every request gets its own result. Upload each part through POST /v1/transfers/{id}/parts, " +
				"then POST /v1/transfers/{id}/complete. Starting a delivery supersedes an unfinished one to the same request. " +
				"With dryRun true it only checks, per request, whether the delivery would start (files and metadata complete, the request deliverable now), and creates nothing."}, a.startTransfers),
		serve(huma.Operation{OperationID: "getTransfer", Method: http.MethodGet, Path: "/v1/transfers/{id}", Tags: tags, Errors: []int{400, 401, 404, 409, 429},
			Summary: "A transfer with the parts storage holds (to resume)"}, a.getTransfer),
		serve(huma.Operation{OperationID: "partURLs", Method: http.MethodPost, Path: "/v1/transfers/{id}/parts", Tags: tags, Errors: []int{400, 401, 404, 422, 429},
			Summary: "Upload URLs for parts, each bound to its length and SHA-256"}, a.partURLs),
		serve(huma.Operation{OperationID: "completeTransfer", Method: http.MethodPost, Path: "/v1/transfers/{id}/complete", Tags: tags,
			Errors:      []int{400, 401, 403, 404, 409, 422, 429},
			Summary:     "Finish an upload: every part present and the whole-file SHA-256 right; then Pending Inspection",
			Description: "Missing parts answer 409 naming them. A client that hashed while uploading declares each file's sha256 here."}, a.completeTransfer),
		serve(huma.Operation{OperationID: "abortTransfer", Method: http.MethodPost, Path: "/v1/transfers/{id}/abort", Tags: tags, Errors: []int{400, 401, 403, 404, 422, 429},
			Summary: "Abort an unfinished upload and discard its parts"}, a.abortTransfer),
		serve(huma.Operation{OperationID: "requestTransfers", Method: http.MethodGet, Path: "/v1/requests/{id}/transfers", Tags: tags, Errors: []int{400, 401, 404, 429},
			Summary: "The delivery cards of a request, newest first"}, a.requestTransfers),
	}
}

// ListSourceTypesResponse is the source types and the delivery metadata each asks for.
type ListSourceTypesResponse struct {
	SourceTypes []delivery.Form `json:"sourceTypes"`
}

type sourceTypesOutput struct{ Body ListSourceTypesResponse }

// listSourceTypes answers the source types and the delivery metadata each asks for.
func (a *api) listSourceTypes(ctx context.Context, _ *struct{}) (*sourceTypesOutput, error) {
	return &sourceTypesOutput{Body: ListSourceTypesResponse{SourceTypes: delivery.Forms()}}, nil
}

// StartResultJSON is one request's outcome in starting deliveries.
type StartResultJSON struct {
	RequestID string        `json:"requestId"`
	OK        bool          `json:"ok"`
	Code      string        `json:"code,omitempty"`
	Message   string        `json:"message,omitempty"`
	Transfer  *TransferJSON `json:"transfer,omitempty" doc:"The transfer started (absent in a dry run)."`
	Files     []FileJSON    `json:"files,omitempty" doc:"Dry run: the files as they would be delivered, metadata normalized (choices in their listed spelling, the request's language filled in)."`
}

// StartTransfersRequest starts deliveries: one transfer per request.
type StartTransfersRequest struct {
	Method    string            `json:"method,omitempty" enum:"API,UI,CLI" default:"API"`
	Transfers []NewTransferJSON `json:"transfers" maxItems:"500"`
	DryRun    bool              `json:"dryRun,omitempty" doc:"Only check: answer per request whether these files and their delivery metadata would start a delivery now (ok, or the code and message it would fail with), creating nothing. The portal's Ready to Deliver comes from this answer."`
}

type startTransfersInput struct{ Body StartTransfersRequest }

// StartTransfersResponse is every request's own result in starting deliveries.
type StartTransfersResponse struct {
	Results []StartResultJSON `json:"results"`
}

type startTransfersOutput struct{ Body StartTransfersResponse }

// startTransfers starts one transfer per request; every request gets its own
// result, and one request's failure never stops the others.
func (a *api) startTransfers(ctx context.Context, in *startTransfersInput) (*startTransfersOutput, error) {
	var list []portal.NewTransfer
	for _, t := range in.Body.Transfers {
		n := portal.NewTransfer{RequestID: t.RequestID}
		for _, f := range t.Files {
			n.Files = append(n.Files, lot.TransferFile{Name: f.Name, Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType, Metadata: f.Metadata})
		}
		list = append(list, n)
	}
	method := lot.DeliveryMethod(in.Body.Method)
	if method == "" {
		method = lot.MethodAPI
	}
	start := a.svc.Deliveries.StartTransfers
	if in.Body.DryRun {
		start = a.svc.Deliveries.CheckTransfers
	}
	res, err := start(ctx, who(ctx), method, list)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &startTransfersOutput{}
	for _, r := range res {
		sr := StartResultJSON{RequestID: r.RequestID, OK: r.Err == nil}
		if r.Err != nil {
			sr.Code, sr.Message = a.failure(ctx, r.Err)
		} else if in.Body.DryRun {
			sr.Files = a.transferJSON(ctx, r.Transfer, nil).Files
		} else {
			sr.Transfer = ptr(a.transferJSON(ctx, r.Transfer, nil))
		}
		out.Body.Results = append(out.Body.Results, sr)
	}
	return out, nil
}

// getTransfer answers a transfer with the parts storage holds of each file.
func (a *api) getTransfer(ctx context.Context, in *transferID) (*transferOutput, error) {
	t, prog, err := a.svc.Deliveries.Progress(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &transferOutput{Body: a.transferJSON(ctx, t, prog)}, nil
}

// PartURLsRequest asks for the upload URLs of parts.
type PartURLsRequest struct {
	Parts []PartAskJSON `json:"parts" maxItems:"1000"`
}

type partURLsInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body PartURLsRequest
}

// PartURLsResponse is a signed upload URL per part asked for.
type PartURLsResponse struct {
	URLs []URLJSON `json:"urls"`
}

type partURLsOutput struct{ Body PartURLsResponse }

// partURLs answers an upload URL for each part asked for, bound to its length
// and, when given, its SHA-256.
func (a *api) partURLs(ctx context.Context, in *partURLsInput) (*partURLsOutput, error) {
	var reqs []portal.PartRequest
	for _, p := range in.Body.Parts {
		reqs = append(reqs, portal.PartRequest{File: p.File, Number: p.Number, SHA256: p.SHA256})
	}
	urls, err := a.svc.Deliveries.PartURLs(ctx, who(ctx), in.ID, reqs)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &partURLsOutput{}
	for i, u := range urls {
		out.Body.URLs = append(out.Body.URLs, URLJSON{File: reqs[i].File, Number: reqs[i].Number, Method: u.Method,
			URL: u.URL, Header: u.Header, Expires: u.Expires})
	}
	return out, nil
}

// CompleteTransferRequest finishes an upload, declaring each file's SHA-256 where not given at the start.
type CompleteTransferRequest struct {
	Files []CompleteFileJSON `json:"files,omitempty" maxItems:"64"`
}

type completeTransferInput struct {
	ID   string                   `path:"id" maxLength:"64"`
	Body *CompleteTransferRequest `required:"false"`
}

// completeTransfer finishes an upload: every part present and each file's
// SHA-256 right, the transfer goes on to Pending Inspection. Missing parts
// answer conflict naming them.
func (a *api) completeTransfer(ctx context.Context, in *completeTransferInput) (*transferOutput, error) {
	var sums []string
	if in.Body != nil {
		for _, f := range in.Body.Files {
			sums = append(sums, f.SHA256)
		}
	}
	t, err := a.svc.Deliveries.CompleteTransfer(ctx, who(ctx), in.ID, sums)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &transferOutput{Body: a.transferJSON(ctx, t, nil)}, nil
}

// abortTransfer aborts an unfinished upload and discards its parts.
func (a *api) abortTransfer(ctx context.Context, in *transferID) (*transferOutput, error) {
	t, err := a.svc.Deliveries.AbortTransfer(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &transferOutput{Body: a.transferJSON(ctx, t, nil)}, nil
}

// RequestTransfersResponse is a request's delivery cards, newest first.
type RequestTransfersResponse struct {
	Transfers []TransferJSON `json:"transfers"`
}

type requestTransfersOutput struct{ Body RequestTransfersResponse }

// requestTransfers answers the delivery cards of a request, newest first.
func (a *api) requestTransfers(ctx context.Context, in *idPath) (*requestTransfersOutput, error) {
	list, err := a.svc.Deliveries.Transfers(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &requestTransfersOutput{}
	out.Body.Transfers = make([]TransferJSON, len(list))
	for i, t := range list {
		out.Body.Transfers[i] = a.transferJSON(ctx, t, nil)
	}
	return out, nil
}

// CandidateJSON is a file scored for a request.
type CandidateJSON struct {
	File        int      `json:"file" doc:"Index in the files given."`
	Name        string   `json:"name"`
	Score       int      `json:"score" minimum:"0" maximum:"100"`
	Reasons     []string `json:"reasons" doc:"What matched (or did not), in words."`
	Recommended bool     `json:"recommended"`
}

// PlanJSON is the file bin's advice for one request.
type PlanJSON struct {
	RequestID  string          `json:"requestId"`
	OK         bool            `json:"ok"`
	Code       string          `json:"code,omitempty"`
	Message    string          `json:"message,omitempty"`
	Title      string          `json:"title,omitempty"`
	SourceType SourceType      `json:"sourceType,omitempty"`
	Language   string          `json:"language,omitempty"`
	Candidates []CandidateJSON `json:"candidates"`
	Deliver    *ActionJSON     `json:"deliver,omitempty" doc:"Whether the caller may deliver to the request now, and if not why (the request's deliver action); no file is recommended for a request refused."`
}

// PlanFileJSON names a file in the bin.
type PlanFileJSON struct {
	Name string `json:"name" maxLength:"1024"`
	Size int64  `json:"size,omitempty"`
}

func (a *api) planRoutes() []route {
	return []route{
		serve(huma.Operation{OperationID: "planDeliveries", Method: http.MethodPost, Path: "/v1/deliveries/plan", Tags: []string{"Delivery"},
			Errors: []int{400, 401, 413, 429}, Summary: "File bin: which of these files fits which request, and why",
			Description: "Scores every file for every request by title words, episode, language, source-type keywords and extension. " +
				"It recommends and explains; it never delivers. Deliver the files you choose with one POST /v1/transfers."}, a.planDeliveries),
	}
}

// PlanDeliveriesRequest names the files of a bin and the requests to fit them to.
type PlanDeliveriesRequest struct {
	Files      []PlanFileJSON `json:"files" maxItems:"1000"`
	RequestIDs []string       `json:"requestIds" maxItems:"500"`
}

type planDeliveriesInput struct{ Body PlanDeliveriesRequest }

// PlanDeliveriesResponse is the bin's advice, one plan per request.
type PlanDeliveriesResponse struct {
	Plans []PlanJSON `json:"plans"`
}

type planDeliveriesOutput struct{ Body PlanDeliveriesResponse }

// planDeliveries scores every file for every request and recommends which
// fits which, with the reasons; it never delivers.
func (a *api) planDeliveries(ctx context.Context, in *planDeliveriesInput) (*planDeliveriesOutput, error) {
	names := make([]string, len(in.Body.Files))
	for i, f := range in.Body.Files {
		names[i] = f.Name
	}
	res, err := a.svc.Deliveries.Plan(ctx, who(ctx), names, in.Body.RequestIDs)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &planDeliveriesOutput{}
	for _, r := range res {
		pj := PlanJSON{RequestID: r.RequestID, OK: r.Err == nil, Candidates: []CandidateJSON{}}
		if r.Err != nil {
			pj.Code, pj.Message = a.failure(ctx, r.Err)
		} else {
			pj.Title, pj.SourceType, pj.Language = r.Request.TitleName, SourceType(r.Request.SourceType), r.Request.Language
			pj.Deliver = ptr(a.actionJSON(ctx, portal.Allowance{Action: portal.ActDeliver, Refusal: r.Refusal}))
			for _, c := range r.Candidates {
				pj.Candidates = append(pj.Candidates, CandidateJSON{File: c.File, Name: c.Name, Score: c.Score, Reasons: c.Reasons, Recommended: c.Recommended})
			}
		}
		out.Body.Plans = append(out.Body.Plans, pj)
	}
	return out, nil
}

type decisionInput struct {
	ID   string `path:"id" maxLength:"64" doc:"Transfer ID."`
	Body *struct {
		Reason string `json:"reason,omitempty" maxLength:"1000" doc:"Why; required to override, reject or ignore."`
	} // optional: verify needs no reason
}

type errorCodesOutput struct {
	Body struct {
		Codes []ErrorCodeJSON `json:"codes"`
	}
}

// ErrorCodeJSON is one inspection error code.
type ErrorCodeJSON struct {
	Code        string `json:"code"`
	Title       string `json:"title"`
	Help        string `json:"help"`
	Overridable bool   `json:"overridable"`
}

func (a *api) inspectionRoutes() []route {
	tags := []string{"Inspection"}
	errs := []int{400, 401, 403, 404, 409, 422, 429}
	return []route{
		serve(huma.Operation{OperationID: "overrideInspection", Method: http.MethodPost, Path: "/v1/transfers/{id}/override", Tags: tags, Errors: errs,
			Summary:     "Override a failed inspection whose findings are all overridable",
			Description: "The delivering partner, with a reason; the transfer is Overridden pending the studio's verification and the request Delivered."}, a.overrideInspection),
		serve(huma.Operation{OperationID: "verifyOverride", Method: http.MethodPost, Path: "/v1/transfers/{id}/verify", Tags: tags, Errors: errs,
			Summary: "Verify an override", Description: "Studio operators: the transfer and the request become Processed."}, a.verifyOverride),
		serve(huma.Operation{OperationID: "rejectOverride", Method: http.MethodPost, Path: "/v1/transfers/{id}/reject", Tags: tags, Errors: errs,
			Summary: "Reject an override", Description: "Studio operators, with a reason: the transfer is Failed again and the request Redelivery Requested."}, a.rejectOverride),
		serve(huma.Operation{OperationID: "ignoreTransfer", Method: http.MethodPost, Path: "/v1/transfers/{id}/ignore", Tags: tags, Errors: errs,
			Summary: "Ignore a delivery", Description: "Studio operators, with a reason: the delivery is set aside and the previous one stands."}, a.ignoreTransfer),
		serve(huma.Operation{OperationID: "reinspect", Method: http.MethodPost, Path: "/v1/transfers/{id}/reinspect", Tags: tags, Errors: errs,
			Summary:     "Inspect again a delivery whose inspection hit a platform fault (Internal Error)",
			Description: "Studio operators. The delivery returns to Pending Inspection and a new inspection attempt starts."}, a.reinspect),
		serve(huma.Operation{OperationID: "errorCodes", Method: http.MethodGet, Path: "/v1/error-codes", Tags: tags, Errors: []int{401, 429},
			Summary: "The inspection error codes, with help texts and whether each may be overridden"}, a.errorCodes),
	}
}

// overrideInspection overrides a failed inspection whose findings may all be
// overridden: the transfer awaits the studio's verification.
func (a *api) overrideInspection(ctx context.Context, in *decisionInput) (*transferOutput, error) {
	return a.decide(ctx, in, portal.DecideOverride)
}

// verifyOverride verifies an override: the transfer and the request become Processed.
func (a *api) verifyOverride(ctx context.Context, in *decisionInput) (*transferOutput, error) {
	return a.decide(ctx, in, portal.DecideVerify)
}

// rejectOverride rejects an override: the transfer fails again and the
// request asks for a redelivery.
func (a *api) rejectOverride(ctx context.Context, in *decisionInput) (*transferOutput, error) {
	return a.decide(ctx, in, portal.DecideReject)
}

// ignoreTransfer sets a delivery aside; the previous one stands.
func (a *api) ignoreTransfer(ctx context.Context, in *decisionInput) (*transferOutput, error) {
	return a.decide(ctx, in, portal.DecideIgnore)
}

// decide takes decision d on a transfer, with the reason given, if any.
func (a *api) decide(ctx context.Context, in *decisionInput, d portal.Decision) (*transferOutput, error) {
	var reason string
	if in.Body != nil {
		reason = in.Body.Reason
	}
	t, err := a.svc.Deliveries.DecideTransfer(ctx, who(ctx), in.ID, d, reason)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &transferOutput{Body: a.transferJSON(ctx, t, nil)}, nil
}

// reinspect starts a new inspection of a delivery whose inspection hit a platform fault.
func (a *api) reinspect(ctx context.Context, in *transferID) (*transferOutput, error) {
	t, err := a.svc.Deliveries.Reinspect(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &transferOutput{Body: a.transferJSON(ctx, t, nil)}, nil
}

// errorCodes answers the inspection error codes, with help texts and whether
// each may be overridden.
func (a *api) errorCodes(ctx context.Context, _ *struct{}) (*errorCodesOutput, error) {
	out := &errorCodesOutput{}
	for _, c := range inspect.Catalogue {
		out.Body.Codes = append(out.Body.Codes, ErrorCodeJSON(c))
	}
	return out, nil
}
