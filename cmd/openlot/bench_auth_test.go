package main

import (
	"encoding/json"
	"testing"
)

func TestBenchAuthRefusesGuessesOverTheRate(t *testing.T) {
	// Ensures `openlot bench auth` runs briefly, times the callers, and that with the guards on most guesses are refused with 429.
	out, err := run(t, "", "bench", "auth", "--guessers=4", "--callers=1", "--quiet=200ms", "--loaded=700ms")
	if err != nil {
		t.Fatal(err)
	}
	var res benchAuthResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("not one JSON line: %q", out)
	}
	if res.Calls == 0 {
		t.Error("no API call was timed under load")
	}
	if res.LoadedP50 <= 0 {
		t.Errorf("loaded p50 %v", res.LoadedP50)
	}
	if res.Refused429 <= res.Checked401 {
		t.Errorf("%d guesses refused with 429, %d checked: the rate limit does not hold", res.Refused429, res.Checked401)
	}
}
