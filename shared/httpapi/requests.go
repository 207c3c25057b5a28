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
		Request RequestJSON  `json:"request"`
		Title   *TitleJSON   `json:"title,omitempty"`
		Package *PackageJSON `json:"package,omitempty"`
	}
}

type materialStatusInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		MaterialStatus MaterialStatus `json:"materialStatus"`
		Reason         string         `json:"reason" maxLength:"500" doc:"Why the status changes (required)."`
		Comment        string         `json:"comment,omitempty" maxLength:"4000"`
	}
}

type bulkMaterialStatusInput struct {
	Body struct {
		IDs            []string       `json:"ids" doc:"Up to 500 request IDs."`
		MaterialStatus MaterialStatus `json:"materialStatus"`
		Reason         string         `json:"reason" maxLength:"500"`
		Comment        string         `json:"comment,omitempty" maxLength:"4000"`
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
		Date     string    `json:"date" format:"date" doc:"Day, YYYY-MM-DD."`
		Time     string    `json:"time" pattern:"^[0-9]{2}:[0-9]{2}$" doc:"Time of day, HH:MM (24 h)."`
		TimeZone string    `json:"timeZone" maxLength:"64" doc:"IANA time zone, e.g. America/Los_Angeles."`
		Reason   EDDReason `json:"reason"`
		Comment  string    `json:"comment,omitempty" maxLength:"4000" doc:"Required with reason OTHER."`
	}
}

type serviceTypeInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		ServiceType ServiceType `json:"serviceType"`
		Comment     string      `json:"comment,omitempty" maxLength:"4000"`
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
		MovieID            int64          `json:"movieId"`
		PackageID          int64          `json:"packageId"`
		FulfillmentPartner string         `json:"fulfillmentPartner" maxLength:"40"`
		SourceType         SourceType     `json:"sourceType"`
		Language           string         `json:"language,omitempty" maxLength:"35"`
		ServiceType        ServiceType    `json:"serviceType,omitempty"`
		DueDate            string         `json:"dueDate" format:"date"`
		MaterialStatus     MaterialStatus `json:"materialStatus,omitempty"`
		Issues             []string       `json:"issues,omitempty" maxItems:"20"`
		Comment            string         `json:"comment,omitempty" maxLength:"4000"`
	}
}

type createOutput struct {
	Location string `header:"Location"`
	Body     RequestJSON
}

type upgradeInput struct {
	ID   string `path:"id" doc:"Request ID (a lower-case UUID)." maxLength:"64"`
	Body struct {
		Reason     string     `json:"reason" maxLength:"500"`
		SourceType SourceType `json:"sourceType,omitempty" doc:"Source type of the new request; the old one's by default."`
		DueDate    string     `json:"dueDate,omitempty" format:"date" doc:"Due date of the new request; the old one's by default."`
	}
}

type upgradeOutput struct {
	Body struct {
		Upgraded RequestJSON `json:"upgraded" doc:"The old request, now UPGRADED."`
		Created  RequestJSON `json:"created" doc:"The new, OPEN request."`
	}
}

func out(r *lot.Request) *requestBody { return &requestBody{Body: requestJSON(r)} }

func (a *api) routes(api huma.API) {
	tags := []string{"Source requests"}
	actions := []string{"Actions"}
	studio := []string{"Studio"}
	errs := []int{400, 401, 404, 429}
	actErrs := []int{400, 401, 403, 404, 409, 413, 422, 429}

	a.searchRoute(api)
	a.templateRoutes(api)
	a.bulkRoutes(api)
	a.transferRoutes(api)
	a.inspectionRoutes(api)
	a.qcRoutes(api)
	a.materialRoutes(api)
	a.planRoute(api)

	huma.Register(api, huma.Operation{OperationID: "getRequest", Method: http.MethodGet, Path: "/v1/requests/{id}",
		Summary: "Get a source request with its title and package", Tags: tags, Errors: errs},
		func(ctx context.Context, in *idPath) (*detailsOutput, error) {
			v, err := a.svc.Request(ctx, who(ctx), in.ID)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			o := &detailsOutput{}
			o.Body.Request = requestJSON(v.Request)
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
		})

	huma.Register(api, huma.Operation{OperationID: "setMaterialStatus", Method: http.MethodPost, Path: "/v1/requests/{id}/material-status",
		Summary: "Set the material status of a request", Tags: actions, Errors: actErrs},
		func(ctx context.Context, in *materialStatusInput) (*requestBody, error) {
			r, err := a.svc.SetMaterialStatus(ctx, who(ctx), in.ID, lot.MaterialStatus(in.Body.MaterialStatus), in.Body.Reason, in.Body.Comment)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return out(r), nil
		})

	huma.Register(api, huma.Operation{OperationID: "bulkSetMaterialStatus", Method: http.MethodPost, Path: "/v1/requests/material-status",
		Summary: "Set the material status of up to 500 requests", Tags: actions, Errors: []int{400, 401, 413, 429},
		Description: "Every ID gets its own result; a bad or foreign ID fails alone (not_found) and never stops the others."},
		func(ctx context.Context, in *bulkMaterialStatusInput) (*bulkOutput, error) {
			res, err := a.svc.BulkMaterialStatus(ctx, who(ctx), in.Body.IDs, lot.MaterialStatus(in.Body.MaterialStatus), in.Body.Reason, in.Body.Comment)
			return a.bulkAnswer(ctx, res, err)
		})

	for _, c := range []struct {
		id, path, summary string
		do                func(context.Context, lot.Principal, string, string, string) (*lot.Request, error)
	}{
		{"cancelRequest", "cancel", "Cancel an Open request", a.svc.Cancel},
		{"uncancelRequest", "uncancel", "Reopen a Cancelled request", a.svc.Uncancel},
	} {
		huma.Register(api, huma.Operation{OperationID: c.id, Method: http.MethodPost, Path: "/v1/requests/{id}/" + c.path,
			Summary: c.summary, Tags: actions, Errors: actErrs,
			Description: "Studio operators on any request; fulfillment partners with the cancel permission on their Forced Sub and Dub Card Image requests."},
			func(ctx context.Context, in *reasonInput) (*requestBody, error) {
				r, err := c.do(ctx, who(ctx), in.ID, in.Body.Reason, in.Body.Comment)
				if err != nil {
					return nil, a.fail(ctx, err)
				}
				return out(r), nil
			})
	}

	huma.Register(api, huma.Operation{OperationID: "subassignRequest", Method: http.MethodPost, Path: "/v1/requests/{id}/subassign",
		Summary: "Subassign a request to an approved partner", Tags: actions, Errors: actErrs},
		func(ctx context.Context, in *subassignInput) (*requestBody, error) {
			r, err := a.svc.Subassign(ctx, who(ctx), in.ID, in.Body.Partner, in.Body.Comment)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return out(r), nil
		})

	huma.Register(api, huma.Operation{OperationID: "setEstimatedDeliveryDate", Method: http.MethodPost, Path: "/v1/requests/{id}/estimated-delivery-date",
		Summary: "Edit the estimated delivery date", Tags: actions, Errors: actErrs},
		func(ctx context.Context, in *eddInput) (*requestBody, error) {
			day, err := lot.ParseDate(in.Body.Date)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			r, err := a.svc.SetEstimatedDelivery(ctx, who(ctx), in.ID, day, in.Body.Time, in.Body.TimeZone, lot.EDDReason(in.Body.Reason), in.Body.Comment)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return out(r), nil
		})

	huma.Register(api, huma.Operation{OperationID: "setServiceType", Method: http.MethodPost, Path: "/v1/requests/{id}/service-type",
		Summary: "Edit the service type (Subtitle, SDH/CC, Forced Sub, Secondary Audio, Audio Description)", Tags: actions, Errors: actErrs},
		func(ctx context.Context, in *serviceTypeInput) (*requestBody, error) {
			r, err := a.svc.SetServiceType(ctx, who(ctx), in.ID, lot.ServiceType(in.Body.ServiceType), in.Body.Comment)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return out(r), nil
		})

	huma.Register(api, huma.Operation{OperationID: "listComments", Method: http.MethodGet, Path: "/v1/requests/{id}/comments",
		Summary: "List the comments on a request", Tags: tags, Errors: errs},
		func(ctx context.Context, in *idPath) (*commentsOutput, error) {
			h, err := a.svc.Comments(ctx, who(ctx), in.ID)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			o := &commentsOutput{}
			o.Body.Comments = make([]CommentJSON, len(h))
			for i, e := range h {
				o.Body.Comments[i] = commentJSON(e)
			}
			return o, nil
		})

	huma.Register(api, huma.Operation{OperationID: "addComment", Method: http.MethodPost, Path: "/v1/requests/{id}/comments",
		Summary: "Comment on a request", Tags: tags, DefaultStatus: http.StatusCreated, Errors: actErrs},
		func(ctx context.Context, in *commentInput) (*commentOutput, error) {
			e, err := a.svc.Comment(ctx, who(ctx), in.ID, in.Body.Text)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return &commentOutput{Body: commentJSON(e)}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "getHistory", Method: http.MethodGet, Path: "/v1/requests/{id}/history",
		Summary: "Every action, comment and status change on a request, oldest first", Tags: tags, Errors: errs},
		func(ctx context.Context, in *idPath) (*historyOutput, error) {
			h, err := a.svc.History(ctx, who(ctx), in.ID)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			o := &historyOutput{}
			o.Body.Entries = make([]HistoryJSON, len(h))
			for i, e := range h {
				o.Body.Entries[i] = historyJSON(e)
			}
			return o, nil
		})

	huma.Register(api, huma.Operation{OperationID: "createRequest", Method: http.MethodPost, Path: "/v1/requests",
		Summary: "Create a source request (studio operators)", Tags: studio, DefaultStatus: http.StatusCreated, Errors: actErrs},
		func(ctx context.Context, in *createInput) (*createOutput, error) {
			b := in.Body
			due, err := lot.ParseDate(b.DueDate)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			r, err := a.svc.Create(ctx, who(ctx), portal.CreateSpec{MovieID: b.MovieID, PackageID: b.PackageID,
				FulfillmentPartner: b.FulfillmentPartner, SourceType: lot.SourceType(b.SourceType), Language: b.Language,
				ServiceType: lot.ServiceType(b.ServiceType), DueDate: due, MaterialStatus: lot.MaterialStatus(b.MaterialStatus),
				Issues: b.Issues, Comment: b.Comment})
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return &createOutput{Location: "/v1/requests/" + r.ID, Body: requestJSON(r)}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "requestRedelivery", Method: http.MethodPost, Path: "/v1/requests/{id}/redelivery",
		Summary: "Reject the delivered asset and request a redelivery (studio operators)", Tags: studio, Errors: actErrs},
		func(ctx context.Context, in *reasonInput) (*requestBody, error) {
			r, err := a.svc.RequestRedelivery(ctx, who(ctx), in.ID, in.Body.Reason, in.Body.Comment)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return out(r), nil
		})

	huma.Register(api, huma.Operation{OperationID: "upgradeRequest", Method: http.MethodPost, Path: "/v1/requests/{id}/upgrade",
		Summary: "Mark a request Upgraded and create the request for the better version (studio operators)", Tags: studio, Errors: actErrs},
		func(ctx context.Context, in *upgradeInput) (*upgradeOutput, error) {
			var due lot.Date
			if in.Body.DueDate != "" {
				var err error
				if due, err = lot.ParseDate(in.Body.DueDate); err != nil {
					return nil, a.fail(ctx, err)
				}
			}
			old, n, err := a.svc.Upgrade(ctx, who(ctx), in.ID, lot.SourceType(in.Body.SourceType), due, in.Body.Reason)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			o := &upgradeOutput{}
			o.Body.Upgraded, o.Body.Created = requestJSON(old), requestJSON(n)
			return o, nil
		})
}

func (a *api) bulkResult(ctx context.Context, r portal.Result) BulkResult {
	if r.Err != nil {
		code, msg := a.failure(ctx, r.Err)
		return BulkResult{ID: r.ID, Code: code, Message: msg}
	}
	rj := requestJSON(r.Request)
	return BulkResult{ID: r.ID, OK: true, Request: &rj}
}
