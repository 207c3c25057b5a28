package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

type idPath struct {
	ID string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
}

// Huma reads parameters only from an input's own fields, so inputs with a
// body repeat the path field instead of embedding idPath.

type requestBody struct {
	Body RequestJSON
}

type detailsOutput struct {
	Body struct {
		Request RequestJSON        `json:"request"`
		Title   *TitleJSON         `json:"title,omitempty"`
		Package *PackageJSON       `json:"package,omitempty"`
		Actions RequestActionsJSON `json:"actions"`
	}
}

type materialStatusInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		MaterialStatus MaterialStatusIn `json:"materialStatus"`
		Reason         string           `json:"reason" maxLength:"500" doc:"Why the status changes (required)."`
		Comment        string           `json:"comment,omitempty" maxLength:"4000"`
	}
}

type bulkMaterialStatusInput struct {
	Body struct {
		IDs            []string         `json:"ids" doc:"Up to 500 request IDs."`
		MaterialStatus MaterialStatusIn `json:"materialStatus"`
		Reason         string           `json:"reason" maxLength:"500"`
		Comment        string           `json:"comment,omitempty" maxLength:"4000"`
	}
}

// BulkResult is one request's outcome in a bulk action.
type BulkResult struct {
	ID      string       `json:"id"`
	OK      bool         `json:"ok"`
	Code    string       `json:"code,omitempty"`
	Message string       `json:"message,omitempty"`
	Request *RequestJSON `json:"request,omitempty"`
}

type bulkOutput struct {
	Body struct {
		Results []BulkResult `json:"results"`
	}
}

type reasonInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		Reason  string `json:"reason" maxLength:"500"`
		Comment string `json:"comment,omitempty" maxLength:"4000"`
	}
}

type subassignInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		Partner string `json:"partner" maxLength:"40" doc:"ID of the approved fulfillment partner taking the work."`
		Comment string `json:"comment,omitempty" maxLength:"4000"`
	}
}

type eddInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		Date     string      `json:"date" format:"date" doc:"Day, YYYY-MM-DD."`
		Time     string      `json:"time" pattern:"^[0-9]{2}:[0-9]{2}$" doc:"Time of day, HH:MM (24 h)."`
		TimeZone string      `json:"timeZone" maxLength:"64" doc:"IANA time zone, e.g. America/Los_Angeles."`
		Reason   EDDReasonIn `json:"reason"`
		Comment  string      `json:"comment,omitempty" maxLength:"4000" doc:"Required with reason OTHER."`
	}
}

type serviceTypeInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		ServiceType ServiceTypeChangeIn `json:"serviceType"`
		Comment     string              `json:"comment,omitempty" maxLength:"4000"`
	}
}

type materialsAvailableInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		Available bool   `json:"available" doc:"true: the materials the request needs are there to download; false: take the mark back."`
		Comment   string `json:"comment,omitempty" maxLength:"4000"`
	}
}

type commentInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		Text string `json:"text" maxLength:"4000"`
	}
}

type commentOutput struct {
	Body CommentJSON
}

type commentsOutput struct {
	Body struct {
		Comments []CommentJSON `json:"comments"`
	}
}

type historyOutput struct {
	Body struct {
		Entries []HistoryJSON `json:"entries"`
	}
}

type createInput struct {
	Body struct {
		MovieID            int64            `json:"movieId"`
		PackageID          int64            `json:"packageId"`
		FulfillmentPartner string           `json:"fulfillmentPartner" maxLength:"40"`
		SourceType         SourceTypeIn     `json:"sourceType"`
		Language           string           `json:"language,omitempty" maxLength:"35"`
		ServiceType        ServiceTypeIn    `json:"serviceType,omitempty"`
		DueDate            string           `json:"dueDate" format:"date"`
		MaterialStatus     MaterialStatusIn `json:"materialStatus,omitempty"`
		Issues             []string         `json:"issues,omitempty" maxItems:"20"`
		Comment            string           `json:"comment,omitempty" maxLength:"4000"`
	}
}

type createOutput struct {
	Location string `header:"Location"`
	Body     RequestJSON
}

type upgradeInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		Reason     string       `json:"reason" maxLength:"500"`
		SourceType SourceTypeIn `json:"sourceType,omitempty" doc:"Source type of the new request; the old one's by default."`
		DueDate    string       `json:"dueDate,omitempty" format:"date" doc:"Due date of the new request; the old one's by default."`
	}
}

type upgradeOutput struct {
	Body struct {
		Upgraded RequestJSON `json:"upgraded" doc:"The old request, now UPGRADED."`
		Created  RequestJSON `json:"created" doc:"The new, OPEN request."`
	}
}

// cancelWho says who may cancel and uncancel requests.
const cancelWho = "Studio operators on any request; fulfillment partners with the cancel permission on their Forced Sub and Dub Card Image requests."

func out(r *lot.Request) *requestBody { return &requestBody{Body: requestJSON(r)} }

func (a *api) requestRoutes() []route {
	tags := []string{"Source requests"}
	actions := []string{"Actions"}
	studio := []string{"Studio"}
	reads := []int{400, 401, 404, 429}
	acts := []int{400, 401, 403, 404, 409, 413, 422, 429}
	return []route{
		serve(huma.Operation{OperationID: "getRequest", Method: http.MethodGet, Path: "/v1/requests/{id}", Tags: tags, Errors: reads,
			Summary: "Get a source request with its title and package, and what the caller may do to it"}, a.getRequest),
		serve(huma.Operation{OperationID: "setMaterialStatus", Method: http.MethodPost, Path: "/v1/requests/{id}/material-status", Tags: actions, Errors: acts,
			Summary: "Set the material status of a request"}, a.setMaterialStatus),
		serve(huma.Operation{OperationID: "bulkSetMaterialStatus", Method: http.MethodPost, Path: "/v1/requests/material-status", Tags: actions,
			Errors: []int{400, 401, 413, 429}, Summary: "Set the material status of up to 500 requests", Description: bulkDoc}, a.bulkSetMaterialStatus),
		serve(huma.Operation{OperationID: "cancelRequest", Method: http.MethodPost, Path: "/v1/requests/{id}/cancel", Tags: actions, Errors: acts,
			Summary: "Cancel an Open request", Description: cancelWho}, a.cancelRequest),
		serve(huma.Operation{OperationID: "uncancelRequest", Method: http.MethodPost, Path: "/v1/requests/{id}/uncancel", Tags: actions, Errors: acts,
			Summary: "Reopen a Cancelled request", Description: cancelWho}, a.uncancelRequest),
		serve(huma.Operation{OperationID: "subassignRequest", Method: http.MethodPost, Path: "/v1/requests/{id}/subassign", Tags: actions, Errors: acts,
			Summary: "Subassign a request to an approved partner"}, a.subassignRequest),
		serve(huma.Operation{OperationID: "takeBackRequest", Method: http.MethodPost, Path: "/v1/requests/{id}/take-back", Tags: actions, Errors: acts,
			Summary:     "Take a subassigned request back from the subassignee",
			Description: "The fulfillment partner of record (with the subassign permission) or a studio operator; the request must be open and subassigned (else 422 not_allowed)."}, a.takeBackRequest),
		serve(huma.Operation{OperationID: "setEstimatedDeliveryDate", Method: http.MethodPost, Path: "/v1/requests/{id}/estimated-delivery-date", Tags: actions, Errors: acts,
			Summary: "Edit the estimated delivery date"}, a.setEstimatedDeliveryDate),
		serve(huma.Operation{OperationID: "setServiceType", Method: http.MethodPost, Path: "/v1/requests/{id}/service-type", Tags: actions, Errors: acts,
			Summary: "Edit the service type (Subtitle, SDH/CC, Forced Sub, Secondary Audio, Audio Description)"}, a.setServiceType),
		serve(huma.Operation{OperationID: "setMaterialsAvailable", Method: http.MethodPost, Path: "/v1/requests/{id}/materials-available", Tags: studio, Errors: acts,
			Summary: "Mark the materials of a request available, or take the mark back (studio operators)",
			Description: "Puts an open request in the Materials Available asset state whatever the partner's material status, as Backlot does when " +
				"the studio has determined the materials are there to download. openlot also sets it by itself when the title gets every material " +
				"the request's source type needs (e.g. a dub: Proxy Video and M&E). The change is in the request's history."}, a.setMaterialsAvailable),
		serve(huma.Operation{OperationID: "listComments", Method: http.MethodGet, Path: "/v1/requests/{id}/comments", Tags: tags, Errors: reads,
			Summary: "List the comments on a request"}, a.listComments),
		serve(huma.Operation{OperationID: "addComment", Method: http.MethodPost, Path: "/v1/requests/{id}/comments", DefaultStatus: 201, Tags: tags, Errors: acts,
			Summary: "Comment on a request"}, a.addComment),
		serve(huma.Operation{OperationID: "getHistory", Method: http.MethodGet, Path: "/v1/requests/{id}/history", Tags: tags, Errors: reads,
			Summary: "Every action, comment and status change on a request, oldest first"}, a.getHistory),
		serve(huma.Operation{OperationID: "createRequest", Method: http.MethodPost, Path: "/v1/requests", DefaultStatus: 201, Tags: studio, Errors: acts,
			Summary: "Create a source request (studio operators)"}, a.createRequest),
		serve(huma.Operation{OperationID: "requestRedelivery", Method: http.MethodPost, Path: "/v1/requests/{id}/redelivery", Tags: studio, Errors: acts,
			Summary: "Reject the delivered asset and request a redelivery (studio operators)"}, a.requestRedelivery),
		serve(huma.Operation{OperationID: "upgradeRequest", Method: http.MethodPost, Path: "/v1/requests/{id}/upgrade", Tags: studio, Errors: acts,
			Summary: "Mark a request Upgraded and create the request for the better version (studio operators)"}, a.upgradeRequest),
	}
}

// getRequest answers a source request with its title and package.
func (a *api) getRequest(ctx context.Context, in *idPath) (*detailsOutput, error) {
	v, err := a.svc.Requests.Request(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	actions, err := a.requestActions(ctx, v.Request)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	o := &detailsOutput{}
	o.Body.Request, o.Body.Actions = requestJSON(v.Request), actions[0]
	if t := v.Title; t != nil {
		o.Body.Title = &TitleJSON{MovieID: t.MovieID, Name: t.Name, ReleaseYear: t.ReleaseYear, MovieType: MovieType(t.MovieType),
			IsOriginal: t.IsOriginal, ContentPartner: t.ContentPartner, DayOfBroadcast: t.DayOfBroadcast, DayAfterBroadcast: t.DayAfterBroadcast}
	}
	if p := v.Package; p != nil {
		o.Body.Package = &PackageJSON{ID: p.ID, MovieID: p.MovieID, Countries: p.Countries}
		if o.Body.Package.Countries == nil {
			o.Body.Package.Countries = []string{}
		}
	}
	return o, nil
}

// setMaterialStatus sets the material status of a request, with a reason.
func (a *api) setMaterialStatus(ctx context.Context, in *materialStatusInput) (*requestBody, error) {
	r, err := a.svc.Requests.SetMaterialStatus(ctx, who(ctx), in.ID, in.Body.MaterialStatus.code(), in.Body.Reason, in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

// bulkSetMaterialStatus sets the material status of up to 500 requests, each
// with its own result.
func (a *api) bulkSetMaterialStatus(ctx context.Context, in *bulkMaterialStatusInput) (*bulkOutput, error) {
	res, err := a.svc.Requests.BulkMaterialStatus(ctx, who(ctx), in.Body.IDs, in.Body.MaterialStatus.code(), in.Body.Reason, in.Body.Comment)
	return a.bulkAnswer(ctx, res, err)
}

// cancelRequest cancels an Open request.
func (a *api) cancelRequest(ctx context.Context, in *reasonInput) (*requestBody, error) {
	r, err := a.svc.Requests.Cancel(ctx, who(ctx), in.ID, in.Body.Reason, in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

type commentOnlyInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		Comment string `json:"comment,omitempty" maxLength:"4000"`
	}
}

// takeBackRequest ends a request's subassignment.
func (a *api) takeBackRequest(ctx context.Context, in *commentOnlyInput) (*requestBody, error) {
	r, err := a.svc.Requests.TakeBack(ctx, who(ctx), in.ID, in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

// uncancelRequest reopens a Cancelled request.
func (a *api) uncancelRequest(ctx context.Context, in *reasonInput) (*requestBody, error) {
	r, err := a.svc.Requests.Uncancel(ctx, who(ctx), in.ID, in.Body.Reason, in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

// subassignRequest subassigns a request to an approved partner.
func (a *api) subassignRequest(ctx context.Context, in *subassignInput) (*requestBody, error) {
	r, err := a.svc.Requests.Subassign(ctx, who(ctx), in.ID, in.Body.Partner, in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

// setEstimatedDeliveryDate sets a request's estimated delivery date, given as
// a day, a time of day and a time zone; a malformed day answers invalid.
func (a *api) setEstimatedDeliveryDate(ctx context.Context, in *eddInput) (*requestBody, error) {
	day, err := lot.ParseDate(in.Body.Date)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	r, err := a.svc.Requests.SetEstimatedDelivery(ctx, who(ctx), in.ID, day, in.Body.Time, in.Body.TimeZone, in.Body.Reason.code(), in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

// setServiceType sets a request's service type.
func (a *api) setServiceType(ctx context.Context, in *serviceTypeInput) (*requestBody, error) {
	r, err := a.svc.Requests.SetServiceType(ctx, who(ctx), in.ID, in.Body.ServiceType.code(), in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

// setMaterialsAvailable marks a request's materials available or not.
func (a *api) setMaterialsAvailable(ctx context.Context, in *materialsAvailableInput) (*requestBody, error) {
	r, err := a.svc.Requests.SetMaterialsAvailable(ctx, who(ctx), in.ID, in.Body.Available, in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

// listComments answers the comments on a request, oldest first.
func (a *api) listComments(ctx context.Context, in *idPath) (*commentsOutput, error) {
	h, err := a.svc.Requests.Comments(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	o := &commentsOutput{}
	o.Body.Comments = make([]CommentJSON, len(h))
	for i, e := range h {
		o.Body.Comments[i] = commentJSON(e)
	}
	return o, nil
}

// addComment comments on a request.
func (a *api) addComment(ctx context.Context, in *commentInput) (*commentOutput, error) {
	e, err := a.svc.Requests.Comment(ctx, who(ctx), in.ID, in.Body.Text)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &commentOutput{Body: commentJSON(e)}, nil
}

// getHistory answers every action, comment and status change on a request, oldest first.
func (a *api) getHistory(ctx context.Context, in *idPath) (*historyOutput, error) {
	h, err := a.svc.Requests.History(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	o := &historyOutput{}
	o.Body.Entries = make([]HistoryJSON, len(h))
	for i, e := range h {
		o.Body.Entries[i] = historyJSON(e)
	}
	return o, nil
}

// createRequest creates a source request and answers it with its Location;
// a malformed due date answers invalid.
func (a *api) createRequest(ctx context.Context, in *createInput) (*createOutput, error) {
	b := in.Body
	due, err := lot.ParseDate(b.DueDate)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	r, err := a.svc.Requests.Create(ctx, who(ctx), portal.CreateSpec{MovieID: b.MovieID, PackageID: b.PackageID,
		FulfillmentPartner: b.FulfillmentPartner, SourceType: b.SourceType.code(), Language: b.Language,
		ServiceType: b.ServiceType.code(), DueDate: due, MaterialStatus: b.MaterialStatus.code(),
		Issues: b.Issues, Comment: b.Comment})
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &createOutput{Location: "/v1/requests/" + r.ID, Body: requestJSON(r)}, nil
}

// requestRedelivery rejects the delivered asset of a request and asks for a redelivery.
func (a *api) requestRedelivery(ctx context.Context, in *reasonInput) (*requestBody, error) {
	r, err := a.svc.Requests.RequestRedelivery(ctx, who(ctx), in.ID, in.Body.Reason, in.Body.Comment)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return out(r), nil
}

// upgradeRequest marks a request Upgraded and creates the request for the
// better version; it answers both. A malformed due date answers invalid.
func (a *api) upgradeRequest(ctx context.Context, in *upgradeInput) (*upgradeOutput, error) {
	var due lot.Date
	if in.Body.DueDate != "" {
		var err error
		if due, err = lot.ParseDate(in.Body.DueDate); err != nil {
			return nil, a.fail(ctx, err)
		}
	}
	old, n, err := a.svc.Requests.Upgrade(ctx, who(ctx), in.ID, in.Body.SourceType.code(), due, in.Body.Reason)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	o := &upgradeOutput{}
	o.Body.Upgraded, o.Body.Created = requestJSON(old), requestJSON(n)
	return o, nil
}

func (a *api) bulkResult(ctx context.Context, r portal.Result) BulkResult {
	if r.Err != nil {
		code, msg := a.failure(ctx, r.Err)
		return BulkResult{ID: r.ID, Code: code, Message: msg}
	}
	rj := requestJSON(r.Request)
	return BulkResult{ID: r.ID, OK: true, Request: &rj}
}
