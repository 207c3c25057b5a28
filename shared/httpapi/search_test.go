package httpapi_test

import (
	"fmt"
	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/search"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestSearchGroupsBucketsAndRows(t *testing.T) {
	// Ensures a partner's search answers totals, buckets, nested groups and an
	// expanded bucket the way the Backlot screen shows them, through HTTP.
	w := mustWorld(t)
	res := w.do("juniper", "GET", "/v1/requests?group=sourceType,language", nil).json(t)
	// juniper: jSub, jForced (open), jDone (processed), lToJ (subassigned to it); all due in 5 days.
	if res["total"].(float64) != 4 {
		t.Fatalf("total %v, want 4", res["total"])
	}
	b := res["buckets"].(map[string]any)
	want := map[string]float64{"requests": 3, "critical": 0, "atRisk": 3, "onTrack": 0, "awaitingMaterials": 3, "materialsAvailable": 0, "overdueUndelivered": 0}
	for k, v := range want {
		if b[k].(float64) != v {
			t.Errorf("bucket %s = %v, want %v", k, b[k], v)
		}
	}
	var groups []string
	for _, g := range res["groups"].([]any) {
		g := g.(map[string]any)
		key := g["key"].(map[string]any)
		groups = append(groups, fmt.Sprintf("%s/%s=%v:%v", key["sourceType"], key["language"], g["total"], g["buckets"].(map[string]any)["requests"]))
	}
	sort.Strings(groups)
	if !slices.Equal(groups, []string{"FORCED_SUB/es=1:1", "SECONDARY_AUDIO/es=1:1", "SUBTITLE/es=2:1"}) {
		t.Errorf("groups %v", groups)
	}
	if rows := res["rows"].([]any); len(rows) != 0 {
		t.Errorf("a grouped search without a bucket returned %d rows", len(rows))
	}

	// Expand the at-risk bucket of one group: rows say why.
	res = w.do("juniper", "GET", "/v1/requests?group=sourceType,language&bucket=atRisk&groupKey=SUBTITLE|es", nil).json(t)
	rows := res["rows"].([]any)
	if len(rows) != 1 {
		t.Fatalf("expanded rows %v", rows)
	}
	row := rows[0].(map[string]any)
	wantFields(t, "expanded row", row, map[string]any{"id": w.ids["jSub"], "insight": "atRisk", "why": "due " + today.AddDate(0, 0, 5).Format(time.DateOnly) + ", in 5 days"})

	// Four days on, the same requests are critical.
	w.clock.Add(4 * 24 * time.Hour)
	w.signIn()
	b = w.do("juniper", "GET", "/v1/requests", nil).json(t)["buckets"].(map[string]any)
	wantFields(t, "after four days: bucket", b, map[string]any{"critical": 3.0, "atRisk": 0.0})

	// A change shows in the very next search (the cached index is rebuilt).
	if r := w.do("juniper", "POST", "/v1/requests/"+w.ids["jSub"]+"/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "in"}); r.Status != 200 {
		t.Fatalf("material status: %d %s", r.Status, r.Body)
	}
	b = w.do("juniper", "GET", "/v1/requests", nil).json(t)["buckets"].(map[string]any)
	wantFields(t, "after receiving materials: bucket", b, map[string]any{"materialsAvailable": 1.0, "awaitingMaterials": 2.0})

	// Columns pick the row fields.
	rows = w.do("juniper", "GET", "/v1/requests?columns=contentPartner,countries&requestId="+w.ids["jSub"], nil).json(t)["rows"].([]any)
	if len(rows) != 1 {
		t.Fatalf("columns: %d rows, want 1: %v", len(rows), rows)
	}
	row = rows[0].(map[string]any)
	if len(row) != 3 {
		t.Errorf("columns: a row with %d fields, want 3 (id and the two asked for): %v", len(row), row)
	}
	if row["contentPartner"] != "northstar" {
		t.Errorf("columns: contentPartner = %v, want northstar", row["contentPartner"])
	}
	if got := fmt.Sprint(row["countries"]); got != "[ES MX]" {
		t.Errorf("columns: countries = %s, want [ES MX]", got)
	}
	// Fuzzy title, country by name, language by name.
	for q, n := range map[string]float64{"title=HOUSE%20of": 3, "title=glass-harbor": 1, "country=Mexico": 3, "language=Spanish&status=Open": 3, "issues=none&movieType=Episode": 3} {
		if got := w.do("juniper", "GET", "/v1/requests?"+q, nil).json(t)["total"].(float64); got != n {
			t.Errorf("%s: total %v, want %v", q, got, n)
		}
	}
}

func TestSearchNeverWidensAPartnersScope(t *testing.T) {
	// Ensures a fulfillment partner naming another partner's requests gets
	// nothing back, not even counts, and that bad parameters are refused.
	w := mustWorld(t)
	for _, q := range []string{"fulfillmentPartner=harbor", "fulfillmentPartner=harbor&status=All&group=fulfillmentPartner",
		"requestId=" + w.ids["hAV"], "contentPartner=aurora&fulfillmentPartner=lumen,harbor&bucket=requests"} {
		res := w.do("juniper", "GET", "/v1/requests?"+q, nil).json(t)
		for _, g := range res["groups"].([]any) {
			if k := g.(map[string]any)["key"].(map[string]any)["fulfillmentPartner"]; k == "harbor" {
				t.Errorf("%s: a harbor group leaked", q)
			}
		}
		if q == "fulfillmentPartner=harbor" {
			if n := res["total"].(float64); n != 0 {
				t.Errorf("%s: total %v, want 0", q, n)
			}
			if n := res["buckets"].(map[string]any)["requests"].(float64); n != 0 {
				t.Errorf("%s: requests bucket %v, want 0", q, n)
			}
		}
		for _, r := range res["rows"].([]any) {
			if id := r.(map[string]any)["id"]; id == w.ids["hAV"] || id == w.ids["lSub"] {
				t.Errorf("%s: row %v leaked", q, id)
			}
		}
	}
	for _, q := range []string{"colour=red", "group=colour", "dueDate=soon", "bucket=urgent", "limit=0", "sort=size", "groupKey=X"} {
		r := w.do("juniper", "GET", "/v1/requests?"+q, nil)
		if r.Status != 400 {
			t.Errorf("%s: status %d, want 400: %s", q, r.Status, r.Body)
		}
		if r.code() != "invalid" {
			t.Errorf("%s: code %q, want invalid", q, r.code())
		}
	}
}

func TestTemplatesAreSavedPerUserAndApplied(t *testing.T) {
	// Ensures a user saves modifiers and groupings under a name, applies them
	// with template=, and no other user can read, apply or delete them.
	w := mustWorld(t)
	r := w.do("juniper", "PUT", "/v1/templates/Forced%20subs", map[string]any{"query": "sourceType=FORCED_SUB&group=language&limit=7&bucket=critical"})
	if r.Status != 200 {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	if q := r.json(t)["query"]; q != "bucket=critical&group=language&sourceType=FORCED_SUB" {
		t.Errorf("saved query %v (paging must not be kept, the bucket must)", q)
	}
	applied := w.do("juniper", "GET", "/v1/requests?template=Forced%20subs", nil).json(t)
	direct := w.do("juniper", "GET", "/v1/requests?sourceType=FORCED_SUB&group=language&bucket=critical", nil).json(t)
	if fmt.Sprint(applied) != fmt.Sprint(direct) {
		t.Errorf("applied %v, want the direct search's %v", applied, direct)
	}
	if n := applied["total"].(float64); n != 1 {
		t.Errorf("applied total %v, want 1", n)
	}
	// An explicit modifier's values join the saved ones.
	if n := w.do("juniper", "GET", "/v1/requests?template=Forced%20subs&sourceType=SUBTITLE", nil).json(t)["total"].(float64); n != 3 {
		t.Errorf("added total %v, want 3", n)
	}
	list := w.do("juniper", "GET", "/v1/templates", nil).json(t)["templates"].([]any)
	if len(list) != 1 {
		t.Fatalf("juniper lists %d templates, want 1: %v", len(list), list)
	}
	if name := list[0].(map[string]any)["name"]; name != "Forced subs" {
		t.Errorf("template name = %v, want Forced subs", name)
	}
	for _, c := range []struct{ method, path string }{{"GET", "/v1/templates/Forced%20subs"}, {"DELETE", "/v1/templates/Forced%20subs"}} {
		if r := w.do("lumen", c.method, c.path, nil); r.Status != 404 {
			t.Errorf("lumen %s %s: %d", c.method, c.path, r.Status)
		}
	}
	if r := w.do("lumen", "GET", "/v1/requests?template=Forced%20subs", nil); r.Status != 400 {
		t.Errorf("lumen applying juniper's template: %d %s", r.Status, r.Body)
	}
	if n := len(w.do("lumen", "GET", "/v1/templates", nil).json(t)["templates"].([]any)); n != 0 {
		t.Errorf("lumen sees %d templates", n)
	}
	for _, bad := range []map[string]any{{"query": "colour=red"}, {"query": "template=x"}, {"query": "dueDate=soon"}} {
		if r := w.do("juniper", "PUT", "/v1/templates/bad", bad); r.Status != 400 {
			t.Errorf("save %v: %d", bad, r.Status)
		}
	}
	if r := w.do("juniper", "DELETE", "/v1/templates/Forced%20subs", nil); r.Status != 204 {
		t.Errorf("delete: %d", r.Status)
	}
	if r := w.do("juniper", "GET", "/v1/templates/Forced%20subs", nil); r.Status != 404 {
		t.Errorf("after delete: %d", r.Status)
	}
}

func TestBucketThresholdsAreConfigurable(t *testing.T) {
	// Ensures a server started with other thresholds files requests by them:
	// due in 5 days is critical when critical means within 6 days.
	w := mustWorld(t, func(c *app.LocalConfig) { c.Rules = search.Rules{CriticalDays: 6, AtRiskDays: 10, MaterialsDays: 12} })
	b := w.do("juniper", "GET", "/v1/requests", nil).json(t)["buckets"].(map[string]any)
	wantFields(t, "bucket", b, map[string]any{"critical": 3.0, "atRisk": 0.0})
}

func TestSearchRefusesUnknownLanguagesWithTheValidOnes(t *testing.T) {
	// Ensures a language that is neither a BCP 47 tag nor a known name answers 400 naming what is valid,
	// as unknown countries and statuses do, instead of an empty result.
	w := mustWorld(t)
	for _, bad := range []string{"Klingon", "Elvish", "spanish-ish"} {
		r := w.do("studio", "GET", "/v1/requests?language="+bad, nil)
		if r.Status != 400 || r.code() != "invalid" {
			t.Errorf("language=%s: %d %s, want 400 invalid", bad, r.Status, r.Body)
			continue
		}
		if msg := r.json(t)["message"].(string); !strings.Contains(msg, "Spanish") || !strings.Contains(msg, "pt-BR") {
			t.Errorf("language=%s: the message does not name the valid values: %s", bad, msg)
		}
	}
	for _, good := range []string{"es", "Spanish", "latin%20american%20spanish", "es-419", "tlh", "zh-Hant"} {
		if r := w.do("studio", "GET", "/v1/requests?language="+good, nil); r.Status != 200 {
			t.Errorf("language=%s: %d %s, want 200", good, r.Status, r.Body)
		}
	}
	if n := w.do("studio", "GET", "/v1/requests?language=Spanish", nil).json(t)["total"]; n == float64(0) {
		t.Errorf("language=Spanish found nothing")
	}
}
