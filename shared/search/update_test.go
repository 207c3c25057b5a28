package search_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// TestUpdateAgreesWithBuild ensures an index brought up to date with Update
// (requests changed, added with new titles and languages, dropped) answers
// every search as an index built afresh from the same requests.
func TestUpdateAgreesWithBuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 1))
	reqs := randomRequests(rng, 2000)
	x := search.Build(reqs)
	byID := map[string]*lot.Request{}
	for _, r := range reqs {
		byID[r.ID] = r
	}
	fresh := randomRequests(rand.New(rand.NewPCG(19, 2)), 600)
	for round := range 30 {
		var put []*lot.Request
		var drop []string
		for range rng.IntN(40) {
			r := reqs[rng.IntN(len(reqs))].Clone()
			if cur := byID[r.ID]; cur != nil {
				r = cur.Clone()
			}
			r.Version++
			r.Status = pick(rng, lot.RequestStatuses)
			r.MaterialStatus = pick(rng, lot.MaterialStatuses)
			r.DueDate = today.AddDays(rng.IntN(60) - 20)
			if rng.IntN(4) == 0 {
				r.TitleName = fmt.Sprintf("House of Round %d", round) // a title the index has not seen
				r.Language = fmt.Sprintf("x-%d", round)
				r.Countries = append(r.Countries, fmt.Sprintf("Z%d", round))
				r.Issues = append(r.Issues, fmt.Sprintf("issue %d", round))
			}
			put = append(put, r)
		}
		for range rng.IntN(10) { // new requests
			r := fresh[rng.IntN(len(fresh))].Clone()
			r.ID = fmt.Sprintf("0190f0f0-0000-7000-9000-%012d", rng.IntN(1_000_000))
			put = append(put, r)
		}
		for range rng.IntN(10) {
			drop = append(drop, reqs[rng.IntN(len(reqs))].ID)
		}
		x.Update(put, drop)
		staged := map[string]*lot.Request{}
		for _, r := range put {
			if cur, ok := staged[r.ID]; !ok || r.Version >= cur.Version {
				staged[r.ID] = r
			}
		}
		for _, id := range drop {
			if staged[id] == nil {
				delete(byID, id)
			}
		}
		maps.Copy(byID, staged)
		all := slices.Clone(x.Requests())
		if len(all) != len(byID) {
			t.Fatalf("round %d: index holds %d requests, want %d", round, len(all), len(byID))
		}
		for _, r := range all {
			if byID[r.ID] != r {
				t.Fatalf("round %d: index holds request %s at version %d, not the one put last", round, r.ID, r.Version)
			}
		}
		y := search.Build(all)
		for i := range 12 {
			v := randomParams(rng)
			v.Set("group", pick(rng, []string{"", "sourceType,language", "country", "title", "status,dueMonth"}))
			q := mustParse(t, v)
			got, err1 := x.Run(q, now, search.DefaultRules)
			want, err2 := y.Run(q, now, search.DefaultRules)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d search %d %v: Update answers differently from Build", round, i, v)
			}
		}
		if !reflect.DeepEqual(x.Values(), y.Values()) {
			t.Fatalf("round %d: values differ", round)
		}
	}
}

// BenchmarkUpdate times bringing an index of 100,000 requests up to date with
// ten changed requests (paid per search that sees changes).
func BenchmarkUpdate(b *testing.B) {
	reqs := randomRequests(rand.New(rand.NewPCG(1, 2)), 100000)
	x := search.Build(reqs)
	put := make([]*lot.Request, 10)
	for i := range put {
		put[i] = reqs[i*997].Clone()
		put[i].Version++
	}
	for b.Loop() {
		x.Update(put, nil)
	}
}
