package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
)

// TemplateJSON is a saved search.
type TemplateJSON struct {
	Name      string    `json:"name"`
	Query     string    `json:"query" doc:"The modifiers and groupings, as a query string: GET /v1/requests?template=NAME applies them."`
	UpdatedAt time.Time `json:"updatedAt"`
}

func templateJSON(t *lot.Template) TemplateJSON {
	return TemplateJSON{Name: t.Name, Query: t.Query, UpdatedAt: t.UpdatedAt.UTC()}
}

type templateName struct {
	Name string `path:"name" maxLength:"64" doc:"Template name."`
}

type templateOutput struct{ Body TemplateJSON }

func (a *api) templateRoutes() []route {
	tags := []string{"Saved templates"}
	return []route{
		serve(huma.Operation{OperationID: "listTemplates", Method: http.MethodGet, Path: "/v1/templates", Tags: tags, Errors: []int{401, 429},
			Summary: "List your saved templates"}, a.listTemplates),
		serve(huma.Operation{OperationID: "getTemplate", Method: http.MethodGet, Path: "/v1/templates/{name}", Tags: tags, Errors: []int{400, 401, 404, 429},
			Summary: "Get one of your saved templates"}, a.getTemplate),
		serve(huma.Operation{OperationID: "putTemplate", Method: http.MethodPut, Path: "/v1/templates/{name}", Tags: tags, Errors: []int{400, 401, 422, 429},
			Summary: "Save modifiers and groupings as a template (creates or replaces)"}, a.putTemplate),
		serve(huma.Operation{OperationID: "deleteTemplate", Method: http.MethodDelete, Path: "/v1/templates/{name}", DefaultStatus: 204, Tags: tags,
			Errors: []int{400, 401, 404, 429}, Summary: "Delete one of your saved templates"}, a.deleteTemplate),
	}
}

type listTemplatesResponse struct {
	Templates []TemplateJSON `json:"templates"`
}

type templatesOutput struct{ Body listTemplatesResponse }

// listTemplates answers the caller's saved templates.
func (a *api) listTemplates(ctx context.Context, _ *struct{}) (*templatesOutput, error) {
	list, err := a.svc.Requests.Templates(ctx, who(ctx))
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &templatesOutput{}
	out.Body.Templates = make([]TemplateJSON, len(list))
	for i, t := range list {
		out.Body.Templates[i] = templateJSON(t)
	}
	return out, nil
}

// getTemplate answers one of the caller's saved templates.
func (a *api) getTemplate(ctx context.Context, in *templateName) (*templateOutput, error) {
	t, err := a.svc.Requests.Template(ctx, who(ctx), in.Name)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &templateOutput{Body: templateJSON(t)}, nil
}

type putTemplateRequest struct {
	Query string `json:"query" maxLength:"4000" doc:"Search query string, e.g. status=Open&sourceType=SUBTITLE&group=language&columns=title,status&sort=-dueDate&bucket=atRisk. Modifiers, groupings, columns, sort and bucket are kept; paging (limit, cursor) is not; groupKey is refused."`
}

type putTemplateInput struct {
	Name string `path:"name" maxLength:"64" doc:"Template name."`
	Body putTemplateRequest
}

// putTemplate saves a search's modifiers and groupings as a template of the
// caller, creating or replacing it.
func (a *api) putTemplate(ctx context.Context, in *putTemplateInput) (*templateOutput, error) {
	t, err := a.svc.Requests.SaveTemplate(ctx, who(ctx), in.Name, in.Body.Query)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &templateOutput{Body: templateJSON(t)}, nil
}

// deleteTemplate deletes one of the caller's saved templates.
func (a *api) deleteTemplate(ctx context.Context, in *templateName) (*struct{}, error) {
	if err := a.svc.Requests.DeleteTemplate(ctx, who(ctx), in.Name); err != nil {
		return nil, a.fail(ctx, err)
	}
	return nil, nil
}
