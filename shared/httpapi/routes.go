package httpapi

import (
	"context"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
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

func (o operation[I, O]) register(api huma.API) { huma.Register(api, o.op, o.handle) }

// serve makes the route table row of op, served by h.
func serve[I, O any](op huma.Operation, h func(context.Context, *I) (*O, error)) route {
	return operation[I, O]{op: op, handle: h}
}

// routes registers the route table of every resource.
func (a *api) routes(api huma.API) {
	tables := [][]route{
		a.searchRoutes(), a.templateRoutes(), a.bulkRoutes(), a.transferRoutes(), a.inspectionRoutes(),
		a.qcRoutes(), a.materialRoutes(), a.planRoutes(), a.requestRoutes(), a.subassigneeRoutes(),
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
