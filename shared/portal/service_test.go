package portal_test

import (
	"reflect"
	"testing"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

func TestServiceBundlesEveryAggregate(t *testing.T) {
	// Ensures every exported method of every aggregate, and every field of
	// Deps, is reachable on Service by one unambiguous name, so callers
	// written against the one service keep building while they move to the
	// aggregates.
	svc := reflect.TypeFor[*portal.Service]()
	for _, agg := range []reflect.Type{
		reflect.TypeFor[*portal.Deps](), reflect.TypeFor[*portal.Requests](), reflect.TypeFor[*portal.Deliveries](),
		reflect.TypeFor[*portal.QC](), reflect.TypeFor[*portal.Library](), reflect.TypeFor[*portal.Notifications](),
	} {
		for m := range agg.Methods() {
			got, ok := svc.MethodByName(m.Name)
			if !ok {
				t.Errorf("%s.%s is not promoted to Service: another aggregate has a method or field of that name", agg.Elem().Name(), m.Name)
				continue
			}
			if got.Type.NumIn() != m.Type.NumIn() {
				t.Errorf("Service.%s is not %s.%s", m.Name, agg.Elem().Name(), m.Name)
			}
		}
	}
	for f := range reflect.TypeFor[portal.Deps]().Fields() {
		if _, ok := svc.Elem().FieldByName(f.Name); !ok {
			t.Errorf("Deps.%s is not promoted to Service", f.Name)
		}
	}
}

func TestServiceSharesItsDeps(t *testing.T) {
	// Ensures a dependency set on the bundle after New is the one every
	// aggregate sees: they share one Deps.
	svc := portal.New(nil, lot.SystemClock, nil, nil)
	for name, d := range map[string]*portal.Deps{
		"Requests": svc.Requests.Deps, "Deliveries": svc.Deliveries.Deps, "QC": svc.QC.Deps,
		"Library": svc.Library.Deps, "Notifications": svc.Notifications.Deps,
	} {
		if d != svc.Deps {
			t.Errorf("%s has its own Deps", name)
		}
	}
}
