package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/qcreport"
)

// QCJSON is a delivery's QC card.
type QCJSON struct {
	TransferID string         `json:"transferId"`
	RequestID  string         `json:"requestId"`
	Files      []string       `json:"files"`
	QC         *lot.QC        `json:"qc"`
	Counts     map[string]int `json:"counts" doc:"Events by severity."`
}

func qcJSON(t *lot.Transfer) QCJSON {
	out := QCJSON{TransferID: t.ID, RequestID: t.RequestID, QC: t.QC, Counts: map[string]int{}}
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

func (a *api) qcRoutes(api huma.API) {
	tags := []string{"Quality control"}
	errs := []int{400, 401, 403, 404, 422, 429}
	huma.Register(api, huma.Operation{OperationID: "requestQC", Method: http.MethodGet, Path: "/v1/requests/{id}/qc",
		Summary: "The QC cards of a request's deliveries, newest first", Tags: tags, Errors: []int{400, 401, 404, 429}},
		func(ctx context.Context, in *idPath) (*qcListOutput, error) {
			ts, err := a.svc.RequestQC(ctx, who(ctx), in.ID)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			out := &qcListOutput{}
			out.Body.QC = []QCJSON{}
			for _, t := range ts {
				out.Body.QC = append(out.Body.QC, qcJSON(t))
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "qcGlossary", Method: http.MethodGet, Path: "/v1/qc/glossary",
		Summary: "The numbered categories QC events are filed under", Tags: tags, Errors: []int{401, 429}},
		func(ctx context.Context, _ *struct{}) (*glossaryOutput, error) {
			out := &glossaryOutput{}
			out.Body.Categories = lot.QCGlossary
			return out, nil
		})
	for _, action := range []lot.QCAction{lot.QCStart, lot.QCHold, lot.QCFixNotes, lot.QCResume, lot.QCFinish, lot.QCCancel} {
		huma.Register(api, huma.Operation{OperationID: "qc-" + string(action), Method: http.MethodPost, Path: "/v1/transfers/{id}/qc/" + string(action),
			Summary: "QC: " + string(action), Tags: tags, Errors: errs,
			Description: "QC and studio operators. finish takes the outcome the events give: Passed (none), Passed With Issues " +
				"(only FYIs, or Issues signed off) or Failed (a Blocker or an open Issue; the request then asks for a redelivery). " +
				"fix-notes and cancel need a note."},
			func(ctx context.Context, in *struct {
				ID   string `path:"id" maxLength:"64"`
				Body *struct {
					Note string `json:"note,omitempty" maxLength:"2000"`
				} // optional: only fix-notes and cancel need a note
			}) (*qcOutput, error) {
				var note string
				if in.Body != nil {
					note = in.Body.Note
				}
				t, err := a.svc.QCAct(ctx, who(ctx), in.ID, action, note)
				if err != nil {
					return nil, a.fail(ctx, err)
				}
				return &qcOutput{Body: qcJSON(t)}, nil
			})
	}
	huma.Register(api, huma.Operation{OperationID: "addQCEvent", Method: http.MethodPost, Path: "/v1/transfers/{id}/qc/events",
		Summary: "Add a QC event", Tags: tags, Errors: errs,
		Description: "Timecodes are SMPTE HH:MM:SS:FF (;FF drop-frame) at the delivery's frame rate."},
		func(ctx context.Context, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body struct {
				In       string `json:"in" maxLength:"11"`
				Out      string `json:"out" maxLength:"11"`
				Severity string `json:"severity" enum:"FYI,ISSUE,BLOCKER"`
				Category string `json:"category" maxLength:"8" doc:"A glossary code (GET /v1/qc/glossary), e.g. 2.2."`
				Note     string `json:"note" maxLength:"2000"`
			}
		}) (*struct{ Body lot.QCEvent }, error) {
			e, err := a.svc.AddQCEvent(ctx, who(ctx), in.ID, lot.QCEvent{In: in.Body.In, Out: in.Body.Out,
				Severity: lot.Severity(in.Body.Severity), Category: in.Body.Category, Note: in.Body.Note})
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return &struct{ Body lot.QCEvent }{Body: e}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "signOffQCEvent", Method: http.MethodPost, Path: "/v1/transfers/{id}/qc/events/{n}/sign-off",
		Summary: "Sign off an Issue: accepted as it is, it no longer fails QC", Tags: tags, Errors: errs},
		func(ctx context.Context, in *struct {
			ID string `path:"id" maxLength:"64"`
			N  int    `path:"n" minimum:"1"`
		}) (*qcOutput, error) {
			t, err := a.svc.SignOffQCEvent(ctx, who(ctx), in.ID, in.N)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return &qcOutput{Body: qcJSON(t)}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "qcReport", Method: http.MethodGet, Path: "/v1/transfers/{id}/qc/report",
		Summary: "A delivery's QC report as PDF or CSV", Tags: tags, Errors: []int{400, 401, 404, 429},
		Responses: map[string]*huma.Response{"200": {Description: "The report", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}},
			"text/csv":        {Schema: &huma.Schema{Type: "string"}},
		}}}},
		func(ctx context.Context, in *struct {
			ID     string `path:"id" maxLength:"64"`
			Format string `query:"format" enum:"pdf,csv" default:"pdf"`
		}) (*exportOutput, error) {
			r, err := a.svc.QCReport(ctx, who(ctx), in.ID)
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
		})
}
