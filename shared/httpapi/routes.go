package httpapi

import (
	"context"
	"net/http"
	"reflect"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/auth"
)

// route is one row of a resource's route table: an OpenAPI operation and
// the named method that serves it.
type route interface {
	register(huma.API)
}

// operation is a route whose handler reads an I and answers an O. huma
// needs both types to build the operation's schemas, so a table of
// handlers with different types holds each row behind the route interface.
type operation[I, O any] struct {
	op     huma.Operation
	handle func(context.Context, *I) (*O, error)
}

func (o operation[I, O]) register(api huma.API) {
	if o.op.Security == nil {
		o.op.Security = securityOf(o.op)
	}
	if !accepts(o.op.Security, auth.ScopeRead) && !slices.Contains(o.op.Errors, http.StatusForbidden) {
		o.op.Errors = append(slices.Clone(o.op.Errors), http.StatusForbidden) // a read-only token's answer
	}
	huma.Register(api, o.op, o.handle)
}

// readingPosts are the POST operations a token granted reading only may
// call: they plan, export or download, and change no request.
var readingPosts = []string{"planDeliveries", "exportRequests", "startDownload", "completeDownload", "previewMaterial", "materialManifest"}

// securityOf is what op needs of a token: GETs and readingPosts accept
// openlot/read or openlot/write, the rest openlot/write (readOnly enforces it).
func securityOf(op huma.Operation) []map[string][]string {
	if op.Method == http.MethodGet || slices.Contains(readingPosts, op.OperationID) {
		return []map[string][]string{{oauth2Scheme: {auth.ScopeRead}}, {oauth2Scheme: {auth.ScopeWrite}}}
	}
	return []map[string][]string{{oauth2Scheme: {auth.ScopeWrite}}}
}

// serve makes the route table row of op, served by h.
func serve[I, O any](op huma.Operation, h func(context.Context, *I) (*O, error)) route {
	return operation[I, O]{op: op, handle: h}
}

// routes registers the route table of every resource.
func (a *api) routes(api huma.API) {
	tables := [][]route{
		a.searchRoutes(), a.templateRoutes(), a.bulkRoutes(), a.transferRoutes(), a.inspectionRoutes(),
		a.qcRoutes(), a.materialRoutes(), a.materialSearchRoutes(), a.planRoutes(), a.requestRoutes(), a.subassigneeRoutes(),
	}
	for _, table := range tables {
		for _, r := range table {
			r.register(api)
		}
	}
}

// schemaRef refers to the schema huma makes of T, for a response an
// operation documents beside its default one. T's schema must be made by
// some operation's input or output, as huma makes only those.
func schemaRef[T any]() *huma.Schema {
	return &huma.Schema{Ref: "#/components/schemas/" + huma.DefaultSchemaNamer(reflect.TypeFor[T](), "")}
}
