package storetest

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// following is a store whose request changes can be followed (portal.Following).
type following interface {
	RequestChanges(ctx context.Context, scope lot.Scope, since time.Time, have func(id string) (int64, bool)) (changed []*lot.Request, gone []string, latest time.Time, err error)
}

// testFollow checks, for a store that can be followed, that an index built
// once per scope and brought up to date only with RequestChanges answers
// every search as one built afresh from ScopeRequests, through changes,
// subassignments, reassignments and new requests.
func testFollow(t *testing.T, s lot.Store) {
	f, ok := s.(following)
	if !ok {
		t.Skip("the store's changes cannot be followed; its searches read the scope")
	}
	ctx := context.Background()
	fps := []string{"juniper", "lumen", "harbor"}
	var all []*lot.Request
	for n := 1; n <= 40; n++ {
		all = append(all, mustRequest(t, n, fps[n%3], []string{"northstar", "aurora"}[n%2]))
	}
	must(t, s.CreateRequests(ctx, all...))
	scopes := []lot.Scope{{All: true}, {FulfillmentPartner: "juniper"}, {FulfillmentPartner: "lumen"}, {ContentPartner: "aurora"}}
	type kept struct {
		x    *search.Index
		vers map[string]int64
		seen time.Time
	}
	idx := map[lot.Scope]*kept{}
	for _, sc := range scopes {
		start := time.Now()
		rs, err := s.ScopeRequests(ctx, sc)
		must(t, err)
		k := &kept{x: search.Build(rs), vers: map[string]int64{}, seen: start}
		for _, r := range rs {
			k.vers[r.ID] = r.Version
		}
		idx[sc] = k
	}
	act := lot.Act{By: studio, At: t0}
	for round := range 4 {
		for i := range 6 { // changes of every kind
			id := ID(1 + (round*7+i*5)%40)
			_, err := s.UpdateRequest(ctx, id, func(r *lot.Request) error {
				switch i % 3 {
				case 0:
					return r.SetMaterialStatus(act, []lot.MaterialStatus{lot.MaterialReceived, lot.MaterialAccepted}[round%2], "checked", "")
				case 1: // reassigned: leaves one partner's scope, enters another's
					r.FulfillmentPartner = fps[(round+i)%3]
					return r.AddComment(act, "reassigned")
				}
				r.SubAssignee = fps[(round+i+1)%3]
				return r.AddComment(act, "subassigned")
			})
			must(t, err)
		}
		must(t, s.CreateRequests(ctx, mustRequest(t, 100+round, fps[round%3], "aurora")))
		for _, sc := range scopes {
			k := idx[sc]
			changed, gone, latest, err := f.RequestChanges(ctx, sc, k.seen.Add(-2*time.Second), func(id string) (int64, bool) {
				v, ok := k.vers[id]
				return v, ok
			})
			must(t, err)
			var put []*lot.Request
			for _, r := range changed {
				switch {
				case k.vers[r.ID] >= r.Version && k.vers[r.ID] > 0:
				case sc.Contains(r):
					put = append(put, r)
				case k.vers[r.ID] > 0:
					gone = append(gone, r.ID)
				}
			}
			k.x.Update(put, gone)
			for _, id := range gone {
				delete(k.vers, id)
			}
			for _, r := range put {
				k.vers[r.ID] = r.Version
			}
			if latest.After(k.seen) {
				k.seen = latest
			}
			fresh, err := s.ScopeRequests(ctx, sc)
			must(t, err)
			if k.x.Len() != len(fresh) {
				t.Fatalf("round %d, scope %+v: the followed index holds %d requests, the scope %d", round, sc, k.x.Len(), len(fresh))
			}
			for _, raw := range []string{"", "status=All&group=fulfillmentPartner,materialStatus", "bucket=critical&sort=-dueDate&limit=7",
				"status=All&group=materialStatus", "title=title%203&isOriginal=no&bucket=requests"} {
				v, _ := url.ParseQuery(raw)
				q, err := search.Parse(v)
				must(t, err)
				now := t0.Add(48 * time.Hour)
				got, err := k.x.Run(q, now, search.DefaultRules)
				must(t, err)
				want, err := search.Run(fresh, q, now, search.DefaultRules)
				must(t, err)
				if fmt.Sprint(summary(got)) != fmt.Sprint(summary(want)) {
					t.Fatalf("round %d, search %q in scope %+v:\n followed %v\n    fresh %v", round, raw, sc, summary(got), summary(want))
				}
			}
		}
	}
}
