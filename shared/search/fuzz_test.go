package search_test

import (
	"math/rand/v2"
	"net/url"
	"testing"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// FuzzParse feeds any query string to the search: Parse never panics and
// refuses bad input as invalid; what it accepts runs over requests without
// error or panic, and what a template keeps of it (Encode) parses again to
// the same. A longer run: go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 5m ./shared/search
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "status=Open,Redelivery%20Requested&materialStatus=NOT_RECEIVED&limit=5",
		"dueDate=2017&estimatedDeliveryDate=2017-04,2026-11-22&sort=-dueDate,title&columns=title,actions,status",
		"title=House,%20M.D.&title=house&group=sourceType,language&bucket=critical&groupKey=SUBTITLE|es",
		"issues=has&issues=Content%20Typos&isOriginal=yes&movieType=Episode&country=us,KR&language=es-419,pt",
		"requestId=0190F0F0-0000-7000-8000-000000000001&packageId=1001,x&movieId=-1&cursor=abc&limit=500",
		"status=all&serviceType=Create&contentPartner=Northstar&fulfillmentPartner=juniper&bucket=atRisk",
		"group=dueMonth&group=title&group=country&group=packageId&group=status", "colour=red", "limit=0", "dueDate=2026-02-30",
		"language=%ff%fe", "title=%00", "sort=-", "columns=", "groupKey=|||", "template=x", "dueDate=9999999999-99",
	} {
		f.Add(s)
	}
	reqs := randomRequests(rand.New(rand.NewPCG(1, 2)), 200)
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw) // what parses of a broken query string still reaches Parse
		q, err := search.Parse(v)
		if err != nil {
			if lot.ErrorCode(err) != lot.CodeInvalid {
				t.Fatalf("%q: %v, want invalid", raw, err)
			}
			return
		}
		if _, err := search.Run(reqs, q, now, search.DefaultRules); err != nil && lot.ErrorCode(err) != lot.CodeInvalid {
			t.Fatalf("%q: run: %v", raw, err)
		}
		kept := q.Encode()
		again, err := search.Parse(kept)
		if err != nil {
			t.Fatalf("%q kept as %q, which does not parse: %v", raw, kept.Encode(), err)
		}
		if a, b := kept.Encode(), again.Encode().Encode(); a != b {
			t.Fatalf("%q kept as %q, parsed again as %q", raw, a, b)
		}
	})
}
