package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// searchInput documents the query parameters; the handler reads the raw
// query so that repeated and unknown parameters are handled by the engine.
type searchInput struct {
	ContentPartner        string `query:"contentPartner" doc:"Content partner IDs, comma-separated."`
	FulfillmentPartner    string `query:"fulfillmentPartner" doc:"Fulfillment partner IDs (assigned or subassigned). A fulfillment partner never sees beyond its own requests."`
	EstimatedDeliveryDate string `query:"estimatedDeliveryDate" doc:"Years (2026), months (2026-04), days (2026-04-12) or ranges (2026-04..2026-06), comma-separated."`
	DueDate               string `query:"dueDate" doc:"As estimatedDeliveryDate."`
	Status                string `query:"status" doc:"Request statuses (codes or names); default all but CANCELLED; All for every status."`
	MaterialStatus        string `query:"materialStatus" doc:"Material statuses."`
	Language              string `query:"language" doc:"BCP 47 tags (es matches es-419 and es-ES) or English names (Korean)."`
	IsOriginal            string `query:"isOriginal" doc:"yes or no."`
	MovieType             string `query:"movieType" doc:"Standalone, Episode, Supplemental."`
	Issues                string `query:"issues" doc:"has, none, or issue names."`
	SourceType            string `query:"sourceType" doc:"Source types (codes or names)."`
	ServiceType           string `query:"serviceType" doc:"Create, Conform, Unknown."`
	Country               string `query:"country" doc:"ISO 3166 codes (KR) or names (Korea)."`
	Title                 string `query:"title" doc:"Fuzzy: case-, accent- and punctuation-insensitive substring. Not split on commas; repeat the parameter for several."`
	RequestID             string `query:"requestId" doc:"Request IDs."`
	PackageID             string `query:"packageId" doc:"Package IDs."`
	MovieID               string `query:"movieId" doc:"Movie IDs."`
	DeliveryStatus        string `query:"deliveryStatus" doc:"Status of the request's delivery (its newest transfer whose upload finished), codes or names, e.g. PENDING_INSPECTION, Waiting for Primary; none: requests without one."`
	QCStatus              string `query:"qcStatus" doc:"QC status of the request's delivery, codes or names, e.g. PASSED,Passed With Issues; none: no QC."`
	Group                 string `query:"group" doc:"Nested groupings in order: sourceType, language, status, materialStatus, serviceType, contentPartner, fulfillmentPartner, movieType, title, packageId, country, dueMonth."`
	Bucket                string `query:"bucket" enum:"requests,critical,atRisk,onTrack,awaitingMaterials,materialsAvailable,overdueUndelivered" doc:"Expand this bucket into rows."`
	GroupKey              string `query:"groupKey" doc:"With group: the group to expand, its values in group order separated by |."`
	Columns               string `query:"columns" doc:"Row fields, comma-separated (id is always included); actions adds what the caller may do to each row's request."`
	Sort                  string `query:"sort" doc:"Sort fields, comma-separated; prefix - for descending. Default dueDate."`
	Cursor                string `query:"cursor" doc:"The next value of the previous page." maxLength:"2048"`
	Limit                 int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Template              string `query:"template" doc:"Apply a saved template; explicit parameters add to it: a modifier's values join the saved ones, groupings nest under the saved ones, and columns, sort or bucket replace the saved one."`
}

// BucketsJSON counts the Insights and Asset States buckets.
type BucketsJSON struct {
	Requests           int `json:"requests" doc:"Open requests (Open or Redelivery Requested)."`
	Critical           int `json:"critical" doc:"Open, and due within 2 days or past its estimated delivery date."`
	AtRisk             int `json:"atRisk" doc:"Open, not critical, and due within 7 days, estimated after the due date, or without materials and due within 10 days."`
	OnTrack            int `json:"onTrack" doc:"Open and neither critical nor at risk, or delivered and in inspection (Pending Inspection, Waiting for Primary, Internal Error) whatever its dates."`
	AwaitingMaterials  int `json:"awaitingMaterials"`
	MaterialsAvailable int `json:"materialsAvailable" doc:"Open, and materials Received or Accepted, or marked available by the studio."`
	OverdueUndelivered int `json:"overdueUndelivered" doc:"Open, past the due date, and no delivery in inspection."`
}

func bucketsJSON(c search.Counts) BucketsJSON {
	return BucketsJSON{c.Requests, c.Critical, c.AtRisk, c.OnTrack, c.AwaitingMaterials, c.MaterialsAvailable, c.OverdueUndelivered}
}

// GroupJSON is one leaf of the nested groupings.
type GroupJSON struct {
	Key     map[string]string `json:"key" doc:"The group's value of each group field."`
	Total   int               `json:"total"`
	Buckets BucketsJSON       `json:"buckets"`
}

// RowJSON is one request with the columns asked for; absent columns are left out.
type RowJSON struct {
	ID                    string             `json:"id"`
	Title                 *string            `json:"title,omitempty"`
	MovieID               *int64             `json:"movieId,omitempty"`
	MovieType             *MovieType         `json:"movieType,omitempty"`
	IsOriginal            *bool              `json:"isOriginal,omitempty"`
	PackageID             *int64             `json:"packageId,omitempty"`
	Countries             *[]string          `json:"countries,omitempty"`
	SourceType            *SourceType        `json:"sourceType,omitempty"`
	Language              *string            `json:"language,omitempty"`
	ServiceType           *ServiceType       `json:"serviceType,omitempty"`
	Status                *RequestStatus     `json:"status,omitempty"`
	MaterialStatus        *MaterialStatus    `json:"materialStatus,omitempty"`
	MaterialsAvailable    *bool              `json:"materialsAvailable,omitempty"`
	DueDate               *string            `json:"dueDate,omitempty" format:"date"`
	EstimatedDeliveryDate *string            `json:"estimatedDeliveryDate,omitempty" doc:"RFC 3339 with the offset of its time zone; empty when none."`
	FulfillmentPartner    *string            `json:"fulfillmentPartner,omitempty"`
	SubAssignee           *string            `json:"subAssignee,omitempty"`
	ContentPartner        *string            `json:"contentPartner,omitempty"`
	Issues                *[]string          `json:"issues,omitempty"`
	DeliveryStatus        *TransferStatus    `json:"deliveryStatus,omitempty" doc:"Status of the request's delivery; absent when it has none."`
	QCStatus              *QCStatus          `json:"qcStatus,omitempty" doc:"QC status of the request's delivery; absent when it has none."`
	Insight               *string            `json:"insight,omitempty" doc:"The Insights bucket; empty for requests that are not open."`
	Why                   *string            `json:"why,omitempty" doc:"Why the request is where it is: in its Insights bucket, or, when an Asset States bucket is expanded, in that one (its materials, or why it is overdue)."`
	CreatedAt             *time.Time         `json:"createdAt,omitempty"`
	UpdatedAt             *time.Time         `json:"updatedAt,omitempty"`
	Actions               RequestActionsJSON `json:"actions,omitempty" doc:"What the caller may do to the request now (columns=...,actions), as on its details."`
}

func ptr[T any](v T) *T { return &v }

func rowJSON(row search.Row, columns []string) RowJSON {
	r := row.Request
	out := RowJSON{ID: r.ID}
	for _, c := range columns {
		switch c {
		case "title":
			out.Title = ptr(r.TitleName)
		case "movieId":
			out.MovieID = ptr(r.MovieID)
		case "movieType":
			out.MovieType = ptr(MovieType(r.MovieType))
		case "isOriginal":
			out.IsOriginal = ptr(r.IsOriginal)
		case "packageId":
			out.PackageID = ptr(r.PackageID)
		case "countries":
			out.Countries = ptr(append([]string{}, r.Countries...))
		case "sourceType":
			out.SourceType = ptr(SourceType(r.SourceType))
		case "language":
			out.Language = ptr(r.Language)
		case "serviceType":
			out.ServiceType = ptr(ServiceType(r.ServiceType))
		case "status":
			out.Status = ptr(RequestStatus(r.Status))
		case "materialStatus":
			out.MaterialStatus = ptr(MaterialStatus(r.MaterialStatus))
		case "materialsAvailable":
			out.MaterialsAvailable = ptr(r.MaterialsAvailable)
		case "dueDate":
			out.DueDate = ptr(r.DueDate.String())
		case "estimatedDeliveryDate":
			out.EstimatedDeliveryDate = ptr("")
			if !r.EstimatedDelivery.IsZero() {
				out.EstimatedDeliveryDate = ptr(r.EstimatedDelivery.Local().Format(time.RFC3339))
			}
		case "fulfillmentPartner":
			out.FulfillmentPartner = ptr(r.FulfillmentPartner)
		case "subAssignee":
			out.SubAssignee = ptr(r.SubAssignee)
		case "contentPartner":
			out.ContentPartner = ptr(r.ContentPartner)
		case "issues":
			out.Issues = ptr(append([]string{}, r.Issues...))
		case "deliveryStatus":
			if r.DeliveryStatus != "" {
				out.DeliveryStatus = ptr(TransferStatus(r.DeliveryStatus))
			}
		case "qcStatus":
			if r.QCStatus != "" {
				out.QCStatus = ptr(QCStatus(r.QCStatus))
			}
		case "insight":
			out.Insight = ptr(string(row.Insight.Bucket))
		case "why":
			out.Why = ptr(row.Insight.Why)
		case "createdAt":
			out.CreatedAt = ptr(r.CreatedAt.UTC())
		case "updatedAt":
			out.UpdatedAt = ptr(r.UpdatedAt.UTC())
		}
	}
	return out
}

// SearchOutputBody is a search's answer: counts, buckets, groups and a page of rows.
type SearchOutputBody struct {
	Total   int         `json:"total" doc:"Requests matching the modifiers."`
	Buckets BucketsJSON `json:"buckets"`
	Groups  []GroupJSON `json:"groups" doc:"One per combination of group values; empty without group."`
	Rows    []RowJSON   `json:"rows" doc:"The page of rows: of the bucket (and group) expanded, or of every match when there is no grouping."`
	Next    string      `json:"next" doc:"Cursor of the next page, or empty at the end."`
}

type searchOutput struct{ Body SearchOutputBody }

// ValueJSON is one value a search modifier takes, present in the caller's scope.
type ValueJSON struct {
	Code  string `json:"code" doc:"What the modifier takes."`
	Name  string `json:"name" doc:"What people read: a partner's, language's or country's name, a status as the portal shows it."`
	Count int    `json:"count" doc:"Requests in the caller's scope this value finds, of any status."`
}

// SearchValuesJSON is, by modifier, the values present in the caller's scope.
type SearchValuesJSON struct {
	FulfillmentPartner []ValueJSON `json:"fulfillmentPartner" doc:"Partners of record and subassignees."`
	ContentPartner     []ValueJSON `json:"contentPartner"`
	Language           []ValueJSON `json:"language" doc:"BCP 47 tags with English names; a tag without a region finds its regional ones too."`
	Country            []ValueJSON `json:"country" doc:"ISO 3166-1 alpha-2 codes with English names."`
	SourceType         []ValueJSON `json:"sourceType"`
	ServiceType        []ValueJSON `json:"serviceType"`
	Status             []ValueJSON `json:"status"`
	MaterialStatus     []ValueJSON `json:"materialStatus"`
	MovieType          []ValueJSON `json:"movieType"`
	IsOriginal         []ValueJSON `json:"isOriginal"`
	Issues             []ValueJSON `json:"issues" doc:"has and none (requests with any issue, without), then issue names."`
}

type searchValuesOutput struct{ Body SearchValuesJSON }

func (a *api) searchRoutes() []route {
	return []route{
		serve(huma.Operation{OperationID: "searchValues", Method: http.MethodGet, Path: "/v1/search/values", Tags: []string{"Search"}, Errors: []int{401, 429},
			Summary: "The values each search modifier may take, as present in the caller's scope",
			Description: "One list per modifier, named as its query parameter of GET /v1/requests: each value's code (what the modifier takes), " +
				"its display name and how many of the caller's requests it finds. Free-text modifiers (title, dates) and IDs have none. " +
				"A fulfillment partner sees only values of its own requests."}, a.searchValues),
		serve(huma.Operation{OperationID: "searchRequests", Method: http.MethodGet, Path: "/v1/requests", Tags: []string{"Search"}, Errors: []int{400, 401, 429},
			Summary: "Search source requests: modifiers, buckets, nested groupings, rows",
			Description: "Every modifier is its own query parameter; values of one modifier are comma-separated and OR-ed; " +
				"different modifiers are AND-ed. The URL is bookmarkable."}, a.searchRequests),
	}
}

// searchRequests answers the requests the raw query's modifiers match:
// counts, buckets, groups and a page of rows. A malformed query string
// answers invalid.
func (a *api) searchRequests(ctx context.Context, _ *searchInput) (*searchOutput, error) {
	raw, _ := ctx.Value(keyQuery).(string)
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, a.fail(ctx, lot.Errorf(lot.CodeInvalid, "the query string is malformed"))
	}
	res, q, err := a.svc.Requests.Search(ctx, who(ctx), v)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	o := &searchOutput{}
	o.Body.Total, o.Body.Buckets, o.Body.Next = res.Total, bucketsJSON(res.Buckets), res.Next
	o.Body.Groups = make([]GroupJSON, len(res.Groups))
	for i, g := range res.Groups {
		key := make(map[string]string, len(g.Key))
		for j, f := range q.Group {
			key[string(f)] = g.Key[j]
		}
		o.Body.Groups[i] = GroupJSON{Key: key, Total: g.Total, Buckets: bucketsJSON(g.Buckets)}
	}
	o.Body.Rows = make([]RowJSON, len(res.Rows))
	for i, row := range res.Rows {
		o.Body.Rows[i] = rowJSON(row, q.Columns)
	}
	if q.Actions {
		reqs := make([]*lot.Request, len(res.Rows))
		for i, row := range res.Rows {
			reqs[i] = row.Request
		}
		actions, err := a.requestActions(ctx, reqs...)
		if err != nil {
			return nil, a.fail(ctx, err)
		}
		for i := range o.Body.Rows {
			o.Body.Rows[i].Actions = actions[i]
		}
	}
	return o, nil
}

// searchValues answers, by modifier, the values present in the caller's scope.
func (a *api) searchValues(ctx context.Context, _ *struct{}) (*searchValuesOutput, error) {
	vals, err := a.svc.Requests.SearchValues(ctx, who(ctx))
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	list := func(m string) []ValueJSON {
		out := make([]ValueJSON, len(vals[m]))
		for i, v := range vals[m] {
			out[i] = ValueJSON{Code: v.Code, Name: v.Name, Count: v.Count}
		}
		return out
	}
	return &searchValuesOutput{Body: SearchValuesJSON{
		FulfillmentPartner: list("fulfillmentPartner"), ContentPartner: list("contentPartner"), Language: list("language"),
		Country: list("country"), SourceType: list("sourceType"), ServiceType: list("serviceType"), Status: list("status"),
		MaterialStatus: list("materialStatus"), MovieType: list("movieType"), IsOriginal: list("isOriginal"), Issues: list("issues"),
	}}, nil
}
