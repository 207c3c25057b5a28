package ids_test

import (
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
)

func TestIDsHaveTheDomainShapeAndSort(t *testing.T) {
	// Ensures generated IDs pass lot.ValidID, seeded ones repeat per seed and sort by creation.
	a, b := ids.NewSeeded(7, time.Unix(1_700_000_000, 0)), ids.NewSeeded(7, time.Unix(1_700_000_000, 0))
	prev := ""
	for range 1000 {
		x, y := a.NewID(), b.NewID()
		if x != y {
			t.Fatalf("the same seed gave %q and %q", x, y)
		}
		if !lot.ValidID(x) {
			t.Fatalf("seeded %q is not a valid ID", x)
		}
		if x <= prev {
			t.Fatalf("seeded %q does not sort after the one before, %q", x, prev)
		}
		prev = x
	}
	if v := (ids.V7{}).NewID(); !lot.ValidID(v) {
		t.Fatalf("v7 %q", v)
	}
}
