package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/qcreport"
)

// QCJSON is a delivery's QC card.
type QCJSON struct {
	TransferID string         `json:"transferId"`
	RequestID  string         `json:"requestId"`
	Files      []string       `json:"files"`
	QC         *lot.QC        `json:"qc"`
	Counts     map[string]int `json:"counts" doc:"Events by severity."`
	Actions    QCActionsJSON  `json:"actions"`
}

// qcJSON is a QC card with what the caller may do to it.
func (a *api) qcJSON(ctx context.Context, t *lot.Transfer) QCJSON {
	out := QCJSON{TransferID: t.ID, RequestID: t.RequestID, QC: t.QC, Counts: map[string]int{},
		Actions: a.actionsJSON(ctx, a.svc.QC.Actions(who(ctx), t))}
	for _, f := range t.Files {
		out.Files = append(out.Files, f.Name)
	}
	for _, s := range lot.Severities {
		out.Counts[string(s)] = t.QC.Counts()[s]
	}
	return out
}

type qcOutput struct{ Body QCJSON }

type qcListOutput struct {
	Body struct {
		QC []QCJSON `json:"qc"`
	}
}

type glossaryOutput struct {
	Body struct {
		Categories []lot.QCCategory `json:"categories"`
	}
}

func (a *api) qcRoutes() []route {
	tags := []string{"Quality control"}
	errs := []int{400, 401, 403, 404, 422, 429}
	const acting = "QC and studio operators. finish takes the outcome the events give: Passed (none), Passed With Issues " +
		"(only FYIs, or Issues signed off) or Failed (a Blocker or an open Issue; the request then asks for a redelivery). " +
		"fix-notes and cancel need a note."
	act := func(action lot.QCAction) huma.Operation {
		return huma.Operation{OperationID: "qc-" + string(action), Method: http.MethodPost, Path: "/v1/transfers/{id}/qc/" + string(action),
			Tags: tags, Errors: errs, Summary: "QC: " + string(action), Description: acting}
	}
	return []route{
		serve(huma.Operation{OperationID: "requestQC", Method: http.MethodGet, Path: "/v1/requests/{id}/qc", Tags: tags, Errors: []int{400, 401, 404, 429},
			Summary: "The QC cards of a request's deliveries, newest first"}, a.requestQC),
		serve(huma.Operation{OperationID: "qcQueue", Method: http.MethodGet, Path: "/v1/qc", Tags: tags, Errors: []int{400, 401, 429},
			Summary: "The QC queue: QC cards across requests, newest first",
			Description: "QC and studio operators see every delivery's QC; partners their own facility's (a content partner: its titles'). " +
				"Filter by QC status (codes or names, comma-separated, OR-ed) and by fulfillment partner; page with limit and cursor."}, a.qcQueue),
		serve(huma.Operation{OperationID: "listOverrides", Method: http.MethodGet, Path: "/v1/overrides", Tags: []string{"Inspection"}, Errors: []int{400, 401, 429},
			Summary: "Overridden deliveries waiting for the studio to verify or reject the override, newest first",
			Description: "The studio's verification queue: each delivery card (with its findings, the partner's reason in its timeline and " +
				"what the caller may do: verify, reject) and its request. Studio and QC operators see all; partners their own facility's. " +
				"Filter by fulfillment partner; page with limit and cursor."}, a.listOverrides),
		serve(huma.Operation{OperationID: "transferQC", Method: http.MethodGet, Path: "/v1/transfers/{id}/qc", Tags: tags, Errors: []int{400, 401, 404, 429},
			Summary: "One delivery's QC card with its request (the QC page)"}, a.transferQC),
		serve(huma.Operation{OperationID: "qcGlossary", Method: http.MethodGet, Path: "/v1/qc/glossary", Tags: tags, Errors: []int{401, 429},
			Summary: "The numbered categories QC events are filed under"}, a.qcGlossary),
		serve(act(lot.QCStart), a.qcStart),
		serve(act(lot.QCHold), a.qcHold),
		serve(act(lot.QCFixNotes), a.qcFixNotes),
		serve(act(lot.QCResume), a.qcResume),
		serve(act(lot.QCFinish), a.qcFinish),
		serve(act(lot.QCCancel), a.qcCancel),
		serve(huma.Operation{OperationID: "addQCEvent", Method: http.MethodPost, Path: "/v1/transfers/{id}/qc/events", Tags: tags, Errors: errs,
			Summary:     "Add a QC event",
			Description: "Timecodes are SMPTE HH:MM:SS:FF (;FF drop-frame) at the delivery's frame rate."}, a.addQCEvent),
		serve(huma.Operation{OperationID: "signOffQCEvent", Method: http.MethodPost, Path: "/v1/transfers/{id}/qc/events/{n}/sign-off", Tags: tags, Errors: errs,
			Summary: "Sign off an Issue: accepted as it is, it no longer fails QC"}, a.signOffQCEvent),
		serve(huma.Operation{OperationID: "qcReport", Method: http.MethodGet, Path: "/v1/transfers/{id}/qc/report", Tags: tags, Errors: []int{400, 401, 404, 429},
			Summary: "A delivery's QC report as PDF or CSV",
			Responses: map[string]*huma.Response{"200": {Description: "The report", Content: map[string]*huma.MediaType{
				"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
				"text/csv":        {Schema: &huma.Schema{Type: "string"}},
			}}}}, a.qcReport),
	}
}

// requestQC answers the QC cards of a request's deliveries, newest first.
func (a *api) requestQC(ctx context.Context, in *idPath) (*qcListOutput, error) {
	ts, err := a.svc.QC.RequestQC(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &qcListOutput{}
	out.Body.QC = []QCJSON{}
	for _, t := range ts {
		out.Body.QC = append(out.Body.QC, a.qcJSON(ctx, t))
	}
	return out, nil
}

// QCQueueJSON is a card of the QC queue: the QC card and its request.
type QCQueueJSON struct {
	QCJSON
	Request QCRequestJSON `json:"request"`
}

// QCRequestJSON is what a queue (QC, overrides) shows of a card's request.
type QCRequestJSON struct {
	ID                 string `json:"id"`
	Title              string `json:"title"`
	SourceType         string `json:"sourceType"`
	Language           string `json:"language,omitempty"`
	Status             string `json:"status"`
	FulfillmentPartner string `json:"fulfillmentPartner"`
	DueDate            string `json:"dueDate"`
}

type qcQueueInput struct {
	Status  string `query:"status" maxLength:"400" doc:"QC statuses, comma-separated (codes or names, any case), e.g. READY,In Progress; empty: every status."`
	Partner string `query:"partner" maxLength:"64" doc:"Only the deliveries of this fulfillment partner (assigned or subassigned)."`
	Limit   int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor  string `query:"cursor" maxLength:"64" doc:"The next value of the previous page."`
}

type qcQueueOutput struct {
	Body struct {
		QC   []QCQueueJSON `json:"qc"`
		Next string        `json:"next" doc:"Cursor of the next page, or empty at the end."`
	}
}

// qcQueue answers the QC cards the caller may see in the statuses asked for.
func (a *api) qcQueue(ctx context.Context, in *qcQueueInput) (*qcQueueOutput, error) {
	var statuses []lot.QCStatus
	for _, s := range strings.Split(in.Status, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		st, err := lot.ParseQCStatus(s)
		if err != nil {
			return nil, a.fail(ctx, err)
		}
		statuses = append(statuses, st)
	}
	if in.Cursor != "" && !lot.ValidID(in.Cursor) {
		return nil, a.fail(ctx, lot.Errorf(lot.CodeInvalid, "cursor %q is not one this API gave", in.Cursor))
	}
	items, next, err := a.svc.QC.Queue(ctx, who(ctx), statuses, strings.TrimSpace(in.Partner), in.Cursor, in.Limit)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &qcQueueOutput{}
	out.Body.QC, out.Body.Next = []QCQueueJSON{}, next
	for _, it := range items {
		out.Body.QC = append(out.Body.QC, a.qcQueueJSON(ctx, it))
	}
	return out, nil
}

type qcCardOutput struct{ Body QCQueueJSON }

// transferQC answers one delivery's QC card with its request.
func (a *api) transferQC(ctx context.Context, in *idPath) (*qcCardOutput, error) {
	it, err := a.svc.QC.Card(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &qcCardOutput{Body: a.qcQueueJSON(ctx, it)}, nil
}

// qcQueueJSON is a QC card with its request.
func (a *api) qcQueueJSON(ctx context.Context, it portal.QCQueueItem) QCQueueJSON {
	return QCQueueJSON{QCJSON: a.qcJSON(ctx, it.Transfer), Request: requestSummary(it.Request)}
}

// OverrideJSON is a delivery waiting for the studio's verification, with its request.
type OverrideJSON struct {
	TransferJSON
	Request QCRequestJSON `json:"request"`
}

type overridesInput struct {
	Partner string `query:"partner" maxLength:"64" doc:"Only the deliveries of this fulfillment partner (assigned or subassigned)."`
	Limit   int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor  string `query:"cursor" maxLength:"64" doc:"The next value of the previous page."`
}

type overridesOutput struct {
	Body struct {
		Transfers []OverrideJSON `json:"transfers"`
		Next      string         `json:"next" doc:"Cursor of the next page, or empty at the end."`
	}
}

// listOverrides answers the overridden deliveries waiting for the studio.
func (a *api) listOverrides(ctx context.Context, in *overridesInput) (*overridesOutput, error) {
	if in.Cursor != "" && !lot.ValidID(in.Cursor) {
		return nil, a.fail(ctx, lot.Errorf(lot.CodeInvalid, "cursor %q is not one this API gave", in.Cursor))
	}
	items, next, err := a.svc.QC.Overrides(ctx, who(ctx), strings.TrimSpace(in.Partner), in.Cursor, in.Limit)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &overridesOutput{}
	out.Body.Transfers, out.Body.Next = []OverrideJSON{}, next
	for _, it := range items {
		out.Body.Transfers = append(out.Body.Transfers, OverrideJSON{TransferJSON: a.transferJSON(ctx, it.Transfer, nil), Request: requestSummary(it.Request)})
	}
	return out, nil
}

// requestSummary is what a queue shows of a request.
func requestSummary(r *lot.Request) QCRequestJSON {
	return QCRequestJSON{ID: r.ID, Title: r.TitleName, SourceType: string(r.SourceType), Language: r.Language, Status: string(r.Status),
		FulfillmentPartner: r.FulfillmentPartner, DueDate: r.DueDate.String()}
}

// qcGlossary answers the numbered categories QC events are filed under.
func (a *api) qcGlossary(ctx context.Context, _ *struct{}) (*glossaryOutput, error) {
	out := &glossaryOutput{}
	out.Body.Categories = lot.QCGlossary
	return out, nil
}

// qcNoteInput is the input of every QC action. It is an alias of an unnamed
// struct on purpose: huma names an unnamed body after its operation
// (Qc-startRequest ...), the names the published document has.
type qcNoteInput = struct {
	ID   string `path:"id" maxLength:"64"`
	Body *struct {
		Note string `json:"note,omitempty" maxLength:"2000"`
	} // optional: only fix-notes and cancel need a note
}

// qcStart starts QC of a delivery.
func (a *api) qcStart(ctx context.Context, in *qcNoteInput) (*qcOutput, error) {
	return a.qcAct(ctx, in, lot.QCStart)
}

// qcHold puts a delivery's QC on hold.
func (a *api) qcHold(ctx context.Context, in *qcNoteInput) (*qcOutput, error) {
	return a.qcAct(ctx, in, lot.QCHold)
}

// qcFixNotes sends a delivery's QC back with notes to fix; it needs a note.
func (a *api) qcFixNotes(ctx context.Context, in *qcNoteInput) (*qcOutput, error) {
	return a.qcAct(ctx, in, lot.QCFixNotes)
}

// qcResume resumes a delivery's QC.
func (a *api) qcResume(ctx context.Context, in *qcNoteInput) (*qcOutput, error) {
	return a.qcAct(ctx, in, lot.QCResume)
}

// qcFinish finishes a delivery's QC with the outcome its events give.
func (a *api) qcFinish(ctx context.Context, in *qcNoteInput) (*qcOutput, error) {
	return a.qcAct(ctx, in, lot.QCFinish)
}

// qcCancel cancels a delivery's QC; it needs a note.
func (a *api) qcCancel(ctx context.Context, in *qcNoteInput) (*qcOutput, error) {
	return a.qcAct(ctx, in, lot.QCCancel)
}

// qcAct takes a QC action on a delivery, with the note given, if any.
func (a *api) qcAct(ctx context.Context, in *qcNoteInput, action lot.QCAction) (*qcOutput, error) {
	var note string
	if in.Body != nil {
		note = in.Body.Note
	}
	t, err := a.svc.QC.QCAct(ctx, who(ctx), in.ID, action, note)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &qcOutput{Body: a.qcJSON(ctx, t)}, nil
}

type addQCEventRequest struct {
	In       string `json:"in" maxLength:"11"`
	Out      string `json:"out" maxLength:"11"`
	Severity string `json:"severity" enum:"FYI,ISSUE,BLOCKER"`
	Category string `json:"category" maxLength:"8" doc:"A glossary code (GET /v1/qc/glossary), e.g. 2.2."`
	Note     string `json:"note" maxLength:"2000"`
}

type addQCEventInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body addQCEventRequest
}

type qcEventOutput struct{ Body lot.QCEvent }

// addQCEvent adds a QC event to a delivery, with SMPTE timecodes.
func (a *api) addQCEvent(ctx context.Context, in *addQCEventInput) (*qcEventOutput, error) {
	e, err := a.svc.QC.AddQCEvent(ctx, who(ctx), in.ID, lot.QCEvent{In: in.Body.In, Out: in.Body.Out,
		Severity: lot.Severity(in.Body.Severity), Category: in.Body.Category, Note: in.Body.Note})
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &qcEventOutput{Body: e}, nil
}

type qcEventInput struct {
	ID string `path:"id" maxLength:"64"`
	N  int    `path:"n" minimum:"1"`
}

// signOffQCEvent signs off an Issue: accepted as it is, it no longer fails QC.
func (a *api) signOffQCEvent(ctx context.Context, in *qcEventInput) (*qcOutput, error) {
	t, err := a.svc.QC.SignOffQCEvent(ctx, who(ctx), in.ID, in.N)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &qcOutput{Body: a.qcJSON(ctx, t)}, nil
}

type qcReportInput struct {
	ID     string `path:"id" maxLength:"64"`
	Format string `query:"format" enum:"pdf,csv" default:"pdf"`
}

// qcReport answers a delivery's QC report as PDF (the default) or CSV.
func (a *api) qcReport(ctx context.Context, in *qcReportInput) (*exportOutput, error) {
	r, err := a.svc.QC.QCReport(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	rep := qcreport.Report{Title: r.Title, Request: r.Request, Transfer: r.Transfer, Made: a.clock.Now()}
	var b bytes.Buffer
	o := &exportOutput{}
	if in.Format == "csv" {
		o.ContentType, o.Disposition = csvType, fmt.Sprintf(`attachment; filename="qc-%s.csv"`, in.ID)
		err = qcreport.CSV(&b, rep)
	} else {
		o.ContentType, o.Disposition = "application/pdf", fmt.Sprintf(`attachment; filename="qc-%s.pdf"`, in.ID)
		err = qcreport.PDF(&b, rep)
	}
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	o.Body = b.Bytes()
	return o, nil
}
