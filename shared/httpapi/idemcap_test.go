package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/openlot/openlot/shared/app"
)

func TestACallerHoldsABoundedNumberOfIdempotencyKeys(t *testing.T) {
	// Ensures one caller cannot grow the idempotency table without limit: past its cap of keys
	// (in the last 24 h) a new key answers 429 and changes nothing, while its retries, other callers
	// and requests without a key go on.
	w := mustWorld(t, func(c *app.LocalConfig) { c.MaxIdempotencyKeys = 3 })
	path := "/v1/requests/" + w.ids["jSub"] + "/comments"
	for i := range 3 {
		if r := w.do("juniper", "POST", path, map[string]any{"text": fmt.Sprint("c", i)}, "Idempotency-Key", fmt.Sprint("k", i)); r.Status != 201 {
			t.Fatalf("key %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := w.do("juniper", "POST", path, map[string]any{"text": "one too many"}, "Idempotency-Key", "k3")
	if r.Status != 429 || r.code() != "rate_limited" {
		t.Errorf("a key past the cap: %d %s, want 429 rate_limited", r.Status, r.Body)
	}
	if r := w.do("juniper", "POST", path, map[string]any{"text": "c0"}, "Idempotency-Key", "k0"); r.Status != 201 || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("a retry of a held key: %d replayed=%q, want the first answer", r.Status, r.Header.Get("Idempotent-Replayed"))
	}
	if r := w.do("northstar", "POST", path, map[string]any{"text": "another caller"}, "Idempotency-Key", "k3"); r.Status != 201 {
		t.Errorf("another caller: %d %s", r.Status, r.Body)
	}
	if r := w.do("juniper", "POST", path, map[string]any{"text": "no key"}); r.Status != 201 {
		t.Errorf("without a key: %d %s", r.Status, r.Body)
	}
	if n := len(w.do("juniper", "GET", path, nil).json(t)["comments"].([]any)); n != 5 {
		t.Errorf("%d comments, want 5 (the refused one not among them)", n)
	}
}
