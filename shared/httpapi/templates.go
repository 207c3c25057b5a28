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

func (a *api) templateRoutes(api huma.API) {
	tags := []string{"Saved templates"}
	huma.Register(api, huma.Operation{OperationID: "listTemplates", Method: http.MethodGet, Path: "/v1/templates",
		Summary: "List your saved templates", Tags: tags, Errors: []int{401, 429}},
		func(ctx context.Context, _ *struct{}) (*struct {
			Body struct {
				Templates []TemplateJSON `json:"templates"`
			}
		}, error) {
			list, err := a.svc.Templates(ctx, who(ctx))
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			out := &struct {
				Body struct {
					Templates []TemplateJSON `json:"templates"`
				}
			}{}
			out.Body.Templates = make([]TemplateJSON, len(list))
			for i, t := range list {
				out.Body.Templates[i] = templateJSON(t)
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "getTemplate", Method: http.MethodGet, Path: "/v1/templates/{name}",
		Summary: "Get one of your saved templates", Tags: tags, Errors: []int{400, 401, 404, 429}},
		func(ctx context.Context, in *templateName) (*templateOutput, error) {
			t, err := a.svc.Template(ctx, who(ctx), in.Name)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return &templateOutput{Body: templateJSON(t)}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "putTemplate", Method: http.MethodPut, Path: "/v1/templates/{name}",
		Summary: "Save modifiers and groupings as a template (creates or replaces)", Tags: tags, Errors: []int{400, 401, 422, 429}},
		func(ctx context.Context, in *struct {
			Name string `path:"name" maxLength:"64" doc:"Template name."`
			Body struct {
				Query string `json:"query" maxLength:"4000" doc:"Search query string, e.g. status=Open&sourceType=SUBTITLE&group=language. Paging, bucket and columns are not kept."`
			}
		}) (*templateOutput, error) {
			t, err := a.svc.SaveTemplate(ctx, who(ctx), in.Name, in.Body.Query)
			if err != nil {
				return nil, a.fail(ctx, err)
			}
			return &templateOutput{Body: templateJSON(t)}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "deleteTemplate", Method: http.MethodDelete, Path: "/v1/templates/{name}",
		Summary: "Delete one of your saved templates", Tags: tags, DefaultStatus: http.StatusNoContent, Errors: []int{400, 401, 404, 429}},
		func(ctx context.Context, in *templateName) (*struct{}, error) {
			if err := a.svc.DeleteTemplate(ctx, who(ctx), in.Name); err != nil {
				return nil, a.fail(ctx, err)
			}
			return nil, nil
		})
}
