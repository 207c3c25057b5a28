package search_test

import (
	"testing"

	"github.com/openlot/openlot/shared/search"
)

func TestBucketRulesParse(t *testing.T) {
	// Ensures bucket thresholds read as days and nonsense is refused.
	r, err := search.ParseRules("3, 10, 14")
	if err != nil {
		t.Fatal(err)
	}
	if r.CriticalDays != 3 {
		t.Errorf("critical %d days, want 3", r.CriticalDays)
	}
	if r.AtRiskDays != 10 {
		t.Errorf("at risk %d days, want 10", r.AtRiskDays)
	}
	if r.MaterialsDays != 14 {
		t.Errorf("materials %d days, want 14", r.MaterialsDays)
	}
	for _, bad := range []string{"", "2,7", "7,2,10", "-1,7,10", "a,b,c", "2,7,1000"} {
		if _, err := search.ParseRules(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
