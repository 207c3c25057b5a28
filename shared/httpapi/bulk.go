package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/export"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/search"
)

func (a *api) bulkAnswer(ctx context.Context, res []portal.Result, err error) (*bulkOutput, error) {
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	o := &bulkOutput{}
	o.Body.Results = make([]BulkResult, len(res))
	for i, r := range res {
		o.Body.Results[i] = a.bulkResult(ctx, r)
	}
	return o, nil
}

const bulkDoc = "Every ID gets its own result; a bad or foreign ID fails alone (not_found) and never stops the others."

type exportOutput struct {
	ContentType string `header:"Content-Type"`
	Disposition string `header:"Content-Disposition"`
	Skipped     int    `header:"X-Openlot-Skipped" doc:"How many IDs were skipped: malformed, unknown, or not yours."`
	Body        []byte
}

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	csvType  = "text/csv; charset=utf-8"
)

func (a *api) bulkRoutes() []route {
	tags := []string{"Bulk actions"}
	errs := []int{400, 401, 413, 429}
	return []route{
		serve(huma.Operation{OperationID: "bulkComment", Method: http.MethodPost, Path: "/v1/requests/comments", Tags: tags, Errors: errs,
			Summary: "Comment on up to 500 requests", Description: bulkDoc}, a.bulkComment),
		serve(huma.Operation{OperationID: "bulkServiceType", Method: http.MethodPost, Path: "/v1/requests/service-type", Tags: tags, Errors: errs,
			Summary: "Set the service type of up to 500 requests", Description: bulkDoc}, a.bulkServiceType),
		serve(huma.Operation{OperationID: "bulkMaterialsAvailable", Method: http.MethodPost, Path: "/v1/requests/materials-available", Tags: tags, Errors: errs,
			Summary: "Mark the materials of up to 500 requests available, or take the mark back (studio operators)", Description: bulkDoc}, a.bulkMaterialsAvailable),
		serve(huma.Operation{OperationID: "bulkCancel", Method: http.MethodPost, Path: "/v1/requests/cancel", Tags: tags, Errors: errs,
			Summary: "Cancel up to 500 Open requests", Description: bulkDoc + " " + cancelWho + " A reason is required."}, a.bulkCancel),
		serve(huma.Operation{OperationID: "bulkUncancel", Method: http.MethodPost, Path: "/v1/requests/uncancel", Tags: tags, Errors: errs,
			Summary: "Reopen up to 500 Cancelled requests", Description: bulkDoc + " " + cancelWho + " A reason is required."}, a.bulkUncancel),
		serve(huma.Operation{OperationID: "bulkEstimatedDeliveryDate", Method: http.MethodPost, Path: "/v1/requests/estimated-delivery-date", Tags: tags, Errors: errs,
			Summary: "Set the estimated delivery date of up to 500 requests", Description: bulkDoc}, a.bulkEstimatedDeliveryDate),
		serve(huma.Operation{OperationID: "exportRequests", Method: http.MethodPost, Path: "/v1/requests/export", Tags: tags, Errors: errs,
			Summary:     "Export up to 500 selected requests to Excel (XLSX) or CSV",
			Description: "Only your requests are exported; other IDs are skipped and counted in X-Openlot-Skipped.",
			Responses: map[string]*huma.Response{"200": {Description: "The file", Content: map[string]*huma.MediaType{
				xlsxType:   {Schema: &huma.Schema{Type: "string", Format: "binary"}},
				"text/csv": {Schema: &huma.Schema{Type: "string"}},
			}}}}, a.exportRequests),
	}
}

type bulkCommentRequest struct {
	IDs  []string `json:"ids" doc:"Up to 500 request IDs."`
	Text string   `json:"text" maxLength:"4000"`
}

type bulkCommentInput struct{ Body bulkCommentRequest }

// bulkComment comments on up to 500 requests, each with its own result.
func (a *api) bulkComment(ctx context.Context, in *bulkCommentInput) (*bulkOutput, error) {
	res, err := a.svc.Requests.BulkComment(ctx, who(ctx), in.Body.IDs, in.Body.Text)
	return a.bulkAnswer(ctx, res, err)
}

type bulkReasonRequest struct {
	IDs     []string `json:"ids" doc:"Up to 500 request IDs."`
	Reason  string   `json:"reason" maxLength:"500"`
	Comment string   `json:"comment,omitempty" maxLength:"4000"`
}

type bulkReasonInput struct{ Body bulkReasonRequest }

// bulkCancel cancels up to 500 requests, each with its own result.
func (a *api) bulkCancel(ctx context.Context, in *bulkReasonInput) (*bulkOutput, error) {
	res, err := a.svc.Requests.BulkCancel(ctx, who(ctx), in.Body.IDs, in.Body.Reason, in.Body.Comment)
	return a.bulkAnswer(ctx, res, err)
}

// bulkUncancel reopens up to 500 requests, each with its own result.
func (a *api) bulkUncancel(ctx context.Context, in *bulkReasonInput) (*bulkOutput, error) {
	res, err := a.svc.Requests.BulkUncancel(ctx, who(ctx), in.Body.IDs, in.Body.Reason, in.Body.Comment)
	return a.bulkAnswer(ctx, res, err)
}

type bulkServiceTypeRequest struct {
	IDs         []string            `json:"ids" doc:"Up to 500 request IDs."`
	ServiceType ServiceTypeChangeIn `json:"serviceType"`
	Comment     string              `json:"comment,omitempty" maxLength:"4000"`
}

type bulkServiceTypeInput struct{ Body bulkServiceTypeRequest }

// bulkServiceType sets the service type of up to 500 requests, each with its own result.
func (a *api) bulkServiceType(ctx context.Context, in *bulkServiceTypeInput) (*bulkOutput, error) {
	res, err := a.svc.Requests.BulkServiceType(ctx, who(ctx), in.Body.IDs, in.Body.ServiceType.code(), in.Body.Comment)
	return a.bulkAnswer(ctx, res, err)
}

type bulkMaterialsAvailableRequest struct {
	IDs       []string `json:"ids" doc:"Up to 500 request IDs."`
	Available bool     `json:"available" doc:"true: the materials the requests need are there to download; false: take the mark back."`
	Comment   string   `json:"comment,omitempty" maxLength:"4000"`
}

type bulkMaterialsAvailableInput struct{ Body bulkMaterialsAvailableRequest }

// bulkMaterialsAvailable marks the materials of up to 500 requests, each with its own result.
func (a *api) bulkMaterialsAvailable(ctx context.Context, in *bulkMaterialsAvailableInput) (*bulkOutput, error) {
	res, err := a.svc.Requests.BulkMaterialsAvailable(ctx, who(ctx), in.Body.IDs, in.Body.Available, in.Body.Comment)
	return a.bulkAnswer(ctx, res, err)
}

type bulkEstimatedDeliveryDateRequest struct {
	IDs      []string    `json:"ids" doc:"Up to 500 request IDs."`
	Date     string      `json:"date" format:"date" doc:"Day, YYYY-MM-DD."`
	Time     string      `json:"time" pattern:"^[0-9]{2}:[0-9]{2}$" doc:"Time of day, HH:MM (24 h)."`
	TimeZone string      `json:"timeZone" maxLength:"64" doc:"IANA time zone, e.g. America/Los_Angeles."`
	Reason   EDDReasonIn `json:"reason"`
	Comment  string      `json:"comment,omitempty" maxLength:"4000" doc:"Required with reason OTHER."`
}

type bulkEstimatedDeliveryDateInput struct {
	Body bulkEstimatedDeliveryDateRequest
}

// bulkEstimatedDeliveryDate sets the estimated delivery date of up to 500
// requests, each with its own result; a malformed day answers invalid.
func (a *api) bulkEstimatedDeliveryDate(ctx context.Context, in *bulkEstimatedDeliveryDateInput) (*bulkOutput, error) {
	day, err := lot.ParseDate(in.Body.Date)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	res, err := a.svc.Requests.BulkEstimatedDelivery(ctx, who(ctx), in.Body.IDs, day, in.Body.Time, in.Body.TimeZone, in.Body.Reason.code(), in.Body.Comment)
	return a.bulkAnswer(ctx, res, err)
}

// ExportRequestsRequest selects requests and columns to export.
type ExportRequestsRequest struct {
	IDs     []string `json:"ids" doc:"Up to 500 request IDs."`
	Columns []string `json:"columns,omitempty" doc:"Columns in order (default: the search's default columns)."`
	Format  string   `json:"format,omitempty" enum:"xlsx,csv" default:"xlsx"`
}

type exportRequestsInput struct{ Body ExportRequestsRequest }

// exportRequests answers the caller's requests among those selected as an
// XLSX or CSV file, counting the IDs skipped; an unknown column answers
// invalid, and XLSX from a handler without a workbook writer unavailable.
func (a *api) exportRequests(ctx context.Context, in *exportRequestsInput) (*exportOutput, error) {
	cols := search.DefaultColumns
	if len(in.Body.Columns) > 0 {
		cols = nil
		for _, c := range in.Body.Columns {
			i := slices.IndexFunc(search.Columns, func(x string) bool { return strings.EqualFold(x, c) })
			if i < 0 {
				return nil, a.fail(ctx, lot.Errorf(lot.CodeInvalid, "column %.40q is not one of %s", c, strings.Join(search.Columns, ", ")))
			}
			cols = append(cols, search.Columns[i])
		}
	}
	asCSV := in.Body.Format == "csv"
	if !asCSV && a.workbook == nil {
		return nil, a.fail(ctx, lot.Errorf(lot.CodeUnavailable, `this server does not write Excel (XLSX) files; ask for format "csv"`))
	}
	rows, skipped, err := a.svc.Requests.Selected(ctx, who(ctx), in.Body.IDs)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := make([]export.Row, len(rows))
	for i, r := range rows {
		out[i] = export.Row{Request: r.Request, Insight: r.Insight}
	}
	o := &exportOutput{Skipped: skipped}
	stamp := a.clock.Now().UTC().Format("20060102-1504")
	if asCSV {
		o.ContentType, o.Disposition = csvType, fmt.Sprintf(`attachment; filename="openlot-requests-%s.csv"`, stamp)
		o.Body, err = export.CSV(out, cols)
	} else {
		o.ContentType, o.Disposition = xlsxType, fmt.Sprintf(`attachment; filename="openlot-requests-%s.xlsx"`, stamp)
		o.Body, err = a.workbook(out, cols)
	}
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return o, nil
}
