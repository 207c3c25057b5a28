package portal_test

import (
	"testing"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

func TestServiceSharesItsDeps(t *testing.T) {
	// Ensures a dependency set on svc.Deps after New is the one every
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
