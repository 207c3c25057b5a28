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
		if st.Requests < 2000 || st.Titles != 60 || st.Partners < 5 {
			t.Fatalf("stats %+v", st)
		}
		if ok, err := demo.Seeded(ctx, s); !ok || err != nil {
			t.Fatalf("seeded: %v %v", ok, err)
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
		if len(statuses) != len(lot.RequestStatuses) || len(materials) != len(lot.MaterialStatuses) || len(types) != len(lot.SourceTypes) {
			t.Fatalf("coverage: %v %v %d source types", statuses, materials, len(types))
		}
		if overdue == 0 || soon == 0 || far == 0 || subassigned == 0 || commented == 0 {
			t.Fatalf("overdue %d, due soon %d, far %d, subassigned %d, comments %d", overdue, soon, far, subassigned, commented)
		}
		if run == 0 {
			first = all
		} else if len(all) != len(first) || all[0] != first[0] || all[len(all)-1] != first[len(first)-1] {
			t.Fatal("two seeds of the same day differ")
		}
	}
}
