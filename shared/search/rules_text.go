package search

import (
	"fmt"
	"strings"
)

// ParseRules reads bucket thresholds as "critical,atRisk,materials" days,
// e.g. "2,7,10" (`openlot serve --bucket-rules`, OPENLOT_BUCKET_RULES on
// AWS). It fails unless 0 ≤ critical ≤ atRisk ≤ 365 and 0 ≤ materials ≤ 365.
func ParseRules(s string) (Rules, error) {
	var r Rules
	if _, err := fmt.Sscanf(strings.ReplaceAll(s, " ", ""), "%d,%d,%d", &r.CriticalDays, &r.AtRiskDays, &r.MaterialsDays); err != nil ||
		r.CriticalDays < 0 || r.AtRiskDays < r.CriticalDays || r.MaterialsDays < 0 || r.MaterialsDays > 365 || r.AtRiskDays > 365 {
		return r, fmt.Errorf("bucket rules %q: want critical,atRisk,materials days, e.g. 2,7,10 (0 ≤ critical ≤ atRisk ≤ 365)", s)
	}
	return r, nil
}
