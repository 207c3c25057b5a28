package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
)

func TestAnIdempotencyKeyInFlightAtACrashGetsItsTrueAnswerOnRetry(t *testing.T) {
	// Ensures a key claimed by a request that never finished (the server crashed) does not answer
	// 409 "still being processed" for a day: a retry after the restart, or once the request could no
	// longer be running, runs and gets the true answer; a request really in flight still answers 409.
	w := mustWorld(t, func(c *app.LocalConfig) { c.RatePerSecond, c.Burst = 1000, 1000 })
	path := "/v1/requests/" + w.ids["jSub"] + "/comments"
	claim := func(key, text string, at time.Time) {
		t.Helper()
		sum := sha256.Sum256([]byte("POST " + path + "\n" + `{"text":"` + text + `"}`))
		saved, err := w.srv.Store.ClaimKey(t.Context(), "fp-juniper\x00"+key, hex.EncodeToString(sum[:]), at, 24*time.Hour)
		must(t, err)
		if saved != nil {
			t.Fatalf("key %s was claimed already", key)
		}
	}
	// Claimed before this server started: its request died with the old process.
	claim("crashed", "before the crash", w.clock.Now().Add(-time.Minute))
	if r := w.do("juniper", "POST", path, map[string]any{"text": "before the crash"}, "Idempotency-Key", "crashed"); r.Status != 201 {
		t.Errorf("retry after a restart: %d %s, want 201", r.Status, r.Body)
	}
	// Claimed by this server, just now: really in flight.
	claim("running", "in flight", w.clock.Now())
	if r := w.do("juniper", "POST", path, map[string]any{"text": "in flight"}, "Idempotency-Key", "running"); r.Status != 409 {
		t.Errorf("a request in flight: %d %s, want 409", r.Status, r.Body)
	}
	// Long after: no request runs that long (another process, e.g. a Lambda, crashed).
	w.clock.Add(20 * time.Minute)
	if r := w.do("juniper", "POST", path, map[string]any{"text": "in flight"}, "Idempotency-Key", "running"); r.Status != 201 {
		t.Errorf("retry once the claim outlived any request: %d %s, want 201", r.Status, r.Body)
	}
	if r := w.do("juniper", "POST", path, map[string]any{"text": "in flight"}, "Idempotency-Key", "running"); r.Status != 201 || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the retry's answer is not kept: %d replayed=%q", r.Status, r.Header.Get("Idempotent-Replayed"))
	}
}
