package httpapi

import (
	"context"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

// ActionJSON says whether the caller may take one action now and, if not,
// why: what taking it would answer.
type ActionJSON struct {
	Allowed bool   `json:"allowed"`
	Code    string `json:"code,omitempty" doc:"When not allowed: the error code taking the action answers. forbidden: this caller may not do it to this request, whatever its status (hide it); any other code (not_allowed, not_deliverable, unavailable ...): not now (show it greyed, with the reason)."`
	Reason  string `json:"reason,omitempty" doc:"When not allowed: why, in words the caller can act on (the error message taking the action answers)."`
}

// actionSchema documents an object of actions, one ActionJSON per name,
// as the named component name (huma makes refs only of structs).
func actionSchema(r huma.Registry, name, doc string, names []string) *huma.Schema {
	if _, ok := r.Map()[name]; !ok {
		obj := &huma.Schema{Type: huma.TypeObject, Description: doc, Properties: map[string]*huma.Schema{},
			Required: names, AdditionalProperties: false}
		for _, n := range names {
			obj.Properties[n] = r.Schema(reflect.TypeFor[ActionJSON](), true, "")
		}
		r.Map()[name] = obj
	}
	return &huma.Schema{Ref: "#/components/schemas/" + name}
}

// RequestActionsJSON is what the caller may do to a request now, by action.
type RequestActionsJSON map[string]ActionJSON

func (RequestActionsJSON) Schema(r huma.Registry) *huma.Schema {
	return actionSchema(r, "RequestActions", "What the caller may do to the request now, by action: "+
		"setMaterialStatus, cancel, uncancel, subassign (targets: GET /v1/requests/{id}/subassignees), takeBack (POST /v1/requests/{id}/take-back), setEstimatedDeliveryDate, "+
		"setServiceType, setMaterialsAvailable (studio operators), comment, deliver, requestRedelivery, upgrade, downloadMaterials. "+
		"Computed by the rules the actions themselves apply: one allowed succeeds with valid input; one refused answers its code and reason.",
		portal.RequestActions)
}

// TransferActionsJSON is what the caller may do to a delivery now, by action.
type TransferActionsJSON map[string]ActionJSON

func (TransferActionsJSON) Schema(r huma.Registry) *huma.Schema {
	return actionSchema(r, "TransferActions", "What the caller may do to the delivery now, by action: "+
		"override, verify, reject, ignore, reinspect (POST /v1/transfers/{id}/<action>) and abort.", portal.TransferActions)
}

// QCActionsJSON is what the caller may do to a delivery's QC now, by action.
type QCActionsJSON map[string]ActionJSON

func (QCActionsJSON) Schema(r huma.Registry) *huma.Schema {
	return actionSchema(r, "QCActions", "What the caller may do to the QC now, by action: start, hold, fixNotes (POST …/qc/fix-notes), "+
		"resume, finish, cancel, addEvent (POST …/qc/events) and signOff (POST …/qc/events/{n}/sign-off, on an Issue).", portal.QCActions)
}

// readingAction is the one action of the actions lists that a token granted
// reading only may take (its operation is among readingPosts).
const readingAction = portal.ActDownloadMaterials

// actionJSON is one allowance on the wire; an unexpected error reads as
// internal, its detail logged.
func (a *api) actionJSON(ctx context.Context, al portal.Allowance) ActionJSON {
	if who(ctx).ReadOnly && al.Action != readingAction {
		return ActionJSON{Code: lot.CodeForbidden, Reason: msgReadOnly} // as readOnly refuses the call
	}
	if al.Refusal == nil {
		return ActionJSON{Allowed: true}
	}
	code, msg := a.failure(ctx, al.Refusal)
	return ActionJSON{Code: code, Reason: msg}
}

func (a *api) actionsJSON(ctx context.Context, list []portal.Allowance) map[string]ActionJSON {
	out := make(map[string]ActionJSON, len(list))
	for _, al := range list {
		out[al.Action] = a.actionJSON(ctx, al)
	}
	return out
}

// requestActions answers what the caller may do to each of reqs.
func (a *api) requestActions(ctx context.Context, reqs ...*lot.Request) ([]RequestActionsJSON, error) {
	all, err := a.svc.Requests.Actions(ctx, who(ctx), reqs...)
	if err != nil {
		return nil, err
	}
	out := make([]RequestActionsJSON, len(all))
	for i, list := range all {
		out[i] = a.actionsJSON(ctx, list)
	}
	return out, nil
}

// SubassigneesJSON lists the partners the caller may subassign a request to.
type SubassigneesJSON struct {
	Partners []SubassigneeJSON `json:"partners" doc:"Empty when the caller may not subassign the request now (subassign says why)."`
	// Subassign is whether the caller may subassign the request at all now.
	Subassign ActionJSON `json:"subassign"`
}

// SubassigneeJSON is one partner a request may be subassigned to.
type SubassigneeJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Current bool   `json:"current,omitempty" doc:"The request is subassigned to this partner now."`
}

type subassigneesOutput struct{ Body SubassigneesJSON }

func (a *api) subassigneeRoutes() []route {
	return []route{
		serve(huma.Operation{OperationID: "listSubassignees", Method: http.MethodGet, Path: "/v1/requests/{id}/subassignees",
			Tags: []string{"Actions"}, Errors: []int{400, 401, 404, 429},
			Summary: "The partners the caller may subassign a request to",
			Description: "For a fulfillment partner with the subassign permission, its facility's approved partners; for studio operators " +
				"every other fulfillment partner. Each is one POST /v1/requests/{id}/subassign accepts now."}, a.listSubassignees),
	}
}

// listSubassignees answers the partners the caller may subassign a request
// to now, and whether it may subassign at all.
func (a *api) listSubassignees(ctx context.Context, in *idPath) (*subassigneesOutput, error) {
	got, err := a.svc.Requests.Subassignees(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	o := &subassigneesOutput{}
	o.Body.Partners = make([]SubassigneeJSON, len(got.Partners))
	for i, p := range got.Partners {
		o.Body.Partners[i] = SubassigneeJSON{ID: p.ID, Name: p.Name, Current: p.ID == got.Request.SubAssignee}
	}
	o.Body.Subassign = a.actionJSON(ctx, got.Allowed)
	return o, nil
}
