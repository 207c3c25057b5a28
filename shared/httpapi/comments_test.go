package httpapi_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/openlot/openlot/shared/app"
)

func TestConcurrentCommentsAllLand(t *testing.T) {
	// Ensures 100 comments posted at once on one request all land (comments commute): none answers 409.
	w := mustWorld(t, func(c *app.LocalConfig) { c.RatePerSecond, c.Burst = 1000, 1000 })
	id := w.ids["jSub"]
	who := []string{"juniper", "northstar", "studio"}
	const n = 100
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := w.do(who[i%len(who)], "POST", "/v1/requests/"+id+"/comments", map[string]any{"text": fmt.Sprintf("comment %d", i)})
			codes[i] = r.Status
		}()
	}
	wg.Wait()
	failed := 0
	for i, c := range codes {
		if c != 201 {
			failed++
			t.Logf("comment %d: %d", i, c)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d comments failed", failed, n)
	}
	got := w.do("studio", "GET", "/v1/requests/"+id+"/comments", nil).json(t)["comments"].([]any)
	if len(got) != n {
		t.Fatalf("%d comments listed, want %d", len(got), n)
	}
}
