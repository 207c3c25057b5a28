package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

func TestTemplatesKeepTheViewAndExplicitParametersAddToThem(t *testing.T) {
	// Ensures a template keeps its columns, sort and bucket, that explicit
	// modifiers and groupings add to it as the API document says (a
	// modifier's values join the saved ones), that an explicit sort, columns
	// or bucket replaces the saved one, and that what a template cannot keep
	// is refused with a message.
	w := mustWorld(t)
	saved := "sourceType=SUBTITLE&columns=title,status&sort=-dueDate,title&bucket=atRisk"
	r := w.do("juniper", "PUT", "/v1/templates/Subs", map[string]any{"query": saved + "&limit=7"})
	if r.Status != 200 {
		t.Fatalf("save: %d %s", r.Status, r.Body)
	}
	q, _ := r.json(t)["query"].(string)
	for _, kept := range []string{"columns=title%2Cstatus", "sort=-dueDate%2Ctitle", "bucket=atRisk", "sourceType=SUBTITLE"} {
		if !strings.Contains(q, kept) {
			t.Errorf("saved query %q does not keep %s", q, kept)
		}
	}
	if strings.Contains(q, "limit") {
		t.Errorf("saved query %q keeps paging", q)
	}
	same := func(what, withTemplate, direct string) {
		t.Helper()
		got := w.do("juniper", "GET", "/v1/requests?template=Subs"+withTemplate, nil).json(t)
		want := w.do("juniper", "GET", "/v1/requests?"+direct, nil).json(t)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: the template answered %v, want the direct search's %v", what, got, want)
		}
	}
	same("the template alone", "", saved)
	same("an explicit modifier adds its values", "&sourceType=FORCED_SUB", "sourceType=SUBTITLE,FORCED_SUB&columns=title,status&sort=-dueDate,title&bucket=atRisk")
	same("an explicit other modifier narrows", "&status=Processed", saved+"&status=Processed")
	same("an explicit grouping nests under the saved ones", "&group=language", saved+"&group=language")
	same("an explicit sort, columns and bucket replace the saved ones", "&sort=title&columns=language&bucket=requests",
		"sourceType=SUBTITLE&columns=language&sort=title&bucket=requests")
	if n := w.do("juniper", "GET", "/v1/requests?template=Subs&sourceType=FORCED_SUB", nil).json(t)["total"].(float64); n != 3 {
		t.Errorf("template (Subtitle) and sourceType=FORCED_SUB: total %v, want 3 (two subtitles and one forced sub)", n)
	}
	r = w.do("juniper", "PUT", "/v1/templates/One%20group", map[string]any{"query": "group=language&bucket=critical&groupKey=es"})
	if r.Status != 400 || !strings.Contains(string(r.Body), "groupKey") {
		t.Errorf("save with groupKey: %d %s, want 400 saying groupKey is not kept", r.Status, r.Body)
	}
}
