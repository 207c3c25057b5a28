package search_test

import (
	"math/rand/v2"
	"net/url"
	"testing"

	"github.com/openlot/openlot/shared/search"
)

// BenchmarkRun times the engine alone over an index of 100,000 requests for the searches
// of the openlot bench mix (go test -bench Run ./shared/search).
func BenchmarkRun(b *testing.B) {
	reqs := randomRequests(rand.New(rand.NewPCG(1, 2)), 100000)
	for _, c := range []struct{ name, query string }{
		{"default", ""},
		{"modifiers", "status=Open,Redelivery%20Requested&sourceType=SUBTITLE,AUDIO_ME,SDH_CC&language=es,fr,ko"},
		{"group2", "group=sourceType,language"},
		{"bucket", "group=sourceType&bucket=critical&groupKey=SUBTITLE"},
		{"title", "title=house&group=status"},
	} {
		v, _ := url.ParseQuery(c.query)
		q, err := search.Parse(v)
		if err != nil {
			b.Fatal(err)
		}
		x := search.Build(reqs)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := x.Run(q, now, search.DefaultRules); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuild times indexing 100,000 requests (paid again after a change).
func BenchmarkBuild(b *testing.B) {
	reqs := randomRequests(rand.New(rand.NewPCG(1, 2)), 100000)
	for b.Loop() {
		search.Build(reqs)
	}
}
