package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/sqlite"
)

func TestSeedIsDeterministicAndCoversTheDomain(t *testing.T) {
	// Ensures the demo has 2,000+ requests over every status, material status and source type, with due dates around today.
	ctx := context.Background()
	today := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var first []string
	for run := 0; run < 2; run++ {
		s, err := sqlite.Open(ctx, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		st, err := demo.Seed(ctx, s, today)
		if err != nil {
			t.Fatal(err)
		}
		if st.Requests < 2000 {
			t.Fatalf("%d requests, want at least 2000", st.Requests)
		}
		if st.Titles != 60 {
			t.Errorf("%d titles, want 60", st.Titles)
		}
		if st.Partners < 5 {
			t.Errorf("%d partners, want at least 5", st.Partners)
		}
		if ok, err := demo.Seeded(ctx, s); err != nil {
			t.Errorf("seeded: %v", err)
		} else if !ok {
			t.Error("Seeded = false after Seed, want true")
		}
		statuses, materials, types := map[lot.RequestStatus]int{}, map[lot.MaterialStatus]int{}, map[lot.SourceType]int{}
		overdue, soon, far, subassigned, commented := 0, 0, 0, 0, 0
		var all []string
		after := ""
		for {
			rs, next, err := s.ListRequests(ctx, lot.Scope{All: true}, after, 500)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				all = append(all, r.ID)
				statuses[r.Status]++
				materials[r.MaterialStatus]++
				types[r.SourceType]++
				switch d := r.DueDate.Time().Sub(lot.DateOf(today).Time()).Hours() / 24; {
				case d < 0:
					overdue++
				case d <= 7:
					soon++
				case d > 30:
					far++
				}
				if r.SubAssignee != "" {
					subassigned++
				}
			}
			if next == "" {
				break
			}
			after = next
		}
		for _, id := range all[:200] {
			h, _ := s.History(ctx, id)
			for _, e := range h {
				if e.Action == lot.ActionCommented {
					commented++
				}
			}
		}
		if len(statuses) != len(lot.RequestStatuses) {
			t.Errorf("coverage: %d of %d request statuses: %v", len(statuses), len(lot.RequestStatuses), statuses)
		}
		if len(materials) != len(lot.MaterialStatuses) {
			t.Errorf("coverage: %d of %d material statuses: %v", len(materials), len(lot.MaterialStatuses), materials)
		}
		if len(types) != len(lot.SourceTypes) {
			t.Errorf("coverage: %d of %d source types: %v", len(types), len(lot.SourceTypes), types)
		}
		for _, c := range []struct {
			what string
			n    int
		}{{"overdue", overdue}, {"due soon", soon}, {"due in over 30 days", far}, {"subassigned", subassigned}, {"with comments", commented}} {
			if c.n == 0 {
				t.Errorf("no request %s, want some", c.what)
			}
		}
		if run == 0 {
			first = all
			continue
		}
		if len(all) != len(first) {
			t.Fatalf("two seeds of the same day differ: %d requests, then %d", len(first), len(all))
		}
		if all[0] != first[0] {
			t.Errorf("two seeds of the same day differ: first ID %s, then %s", first[0], all[0])
		}
		if all[len(all)-1] != first[len(first)-1] {
			t.Errorf("two seeds of the same day differ: last ID %s, then %s", first[len(first)-1], all[len(all)-1])
		}
	}
}
