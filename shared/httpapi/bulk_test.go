package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/xuri/excelize/v2"
)

func results(t *testing.T, r resp) map[string]string {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("bulk: %d %s", r.Status, r.Body)
	}
	out := map[string]string{}
	for _, x := range r.json(t)["results"].([]any) {
		x := x.(map[string]any)
		code := "ok"
		if x["ok"] != true {
			code = x["code"].(string)
		}
		out[x["id"].(string)] = code
	}
	return out
}

func TestBulkActionsAnswerPerID(t *testing.T) {
	// Ensures bulk comment, service type and estimated delivery date change
	// the caller's requests, each ID with its own result, and never another
	// tenant's.
	w := mustWorld(t)
	ids := []string{w.ids["jSub"], w.ids["lToJ"], w.ids["hAV"], "nope"}
	want := map[string]string{w.ids["jSub"]: "ok", w.ids["lToJ"]: "ok", w.ids["hAV"]: "not_found", "nope": "invalid"}
	got := results(t, w.do("juniper", "POST", "/v1/requests/comments", map[string]any{"ids": ids, "text": "Starting Monday."}))
	for id, code := range want {
		if got[id] != code {
			t.Errorf("comment %s: %s, want %s", id, got[id], code)
		}
	}
	for _, name := range []string{"jSub", "lToJ"} {
		c := w.do("juniper", "GET", "/v1/requests/"+w.ids[name]+"/comments", nil).json(t)["comments"].([]any)
		if len(c) == 0 {
			t.Errorf("%s has no comments", name)
			continue
		}
		if got := c[len(c)-1].(map[string]any)["text"]; got != "Starting Monday." {
			t.Errorf("%s last comment text = %v, want Starting Monday.", name, got)
		}
	}
	if h := w.do("studio", "GET", "/v1/requests/"+w.ids["hAV"]+"/history", nil).json(t)["entries"].([]any); len(h) != 1 {
		t.Errorf("harbor's request got %d history entries", len(h))
	}
	got = results(t, w.do("juniper", "POST", "/v1/requests/estimated-delivery-date", map[string]any{
		"ids": ids[:3], "date": today.AddDate(0, 0, 4).Format("2006-01-02"), "time": "17:30", "timeZone": "Europe/Madrid", "reason": "MATERIALS_LATE"}))
	if got[w.ids["jSub"]] != "ok" {
		t.Errorf("EDD result for jSub %q, want ok", got[w.ids["jSub"]])
	}
	if got[w.ids["hAV"]] != "not_found" {
		t.Errorf("EDD result for hAV %q, want not_found", got[w.ids["hAV"]])
	}
	if r := w.do("juniper", "POST", "/v1/requests/estimated-delivery-date", map[string]any{
		"ids": ids[:1], "date": "2026-12-01", "time": "17:30", "timeZone": "Mars/Olympus", "reason": "MATERIALS_LATE"}); r.Status != 400 {
		t.Errorf("bad zone: %d %s", r.Status, r.Body)
	}
	got = results(t, w.do("juniper", "POST", "/v1/requests/service-type", map[string]any{"ids": ids[:1], "serviceType": "CONFORM"}))
	if got[w.ids["jSub"]] != "ok" {
		t.Errorf("service type %v", got)
	}
	if r := w.do("juniper", "POST", "/v1/requests/comments", map[string]any{"ids": []string{}, "text": "x"}); r.Status != 400 {
		t.Errorf("empty ids: %d", r.Status)
	}
}

func TestBulkCancelAndUncancel(t *testing.T) {
	// Ensures up to 500 requests are cancelled and reopened in one call,
	// each ID answered by the cancel rule (a partner only its Forced Sub
	// and Dub Card Image requests), and a missing reason refuses the call.
	w := mustWorld(t)
	ids := []string{w.ids["jForced"], w.ids["jSub"], w.ids["hAV"]}
	if r := w.do("juniper", "POST", "/v1/requests/cancel", map[string]any{"ids": ids}); r.Status != 400 {
		t.Errorf("bulk cancel without a reason: %d %s, want 400", r.Status, r.Body)
	}
	want := map[string]string{w.ids["jForced"]: "ok", w.ids["jSub"]: "forbidden", w.ids["hAV"]: "not_found"}
	got := results(t, w.do("juniper", "POST", "/v1/requests/cancel", map[string]any{"ids": ids, "reason": "no forced narrative"}))
	for id, code := range want {
		if got[id] != code {
			t.Errorf("cancel %s: %s, want %s", id, got[id], code)
		}
	}
	status := func(name string) any {
		return w.do("studio", "GET", "/v1/requests/"+w.ids[name], nil).json(t)["request"].(map[string]any)["status"]
	}
	if s := status("jForced"); s != "CANCELLED" {
		t.Errorf("jForced after bulk cancel: %v", s)
	}
	if s := status("jSub"); s == "CANCELLED" {
		t.Error("a request the partner may not cancel was cancelled")
	}
	got = results(t, w.do("studio", "POST", "/v1/requests/uncancel", map[string]any{"ids": ids[:2], "reason": "forced narrative found"}))
	if got[w.ids["jForced"]] != "ok" || got[w.ids["jSub"]] != "not_allowed" {
		t.Errorf("bulk uncancel: %v, want jForced ok and jSub not_allowed (it is not cancelled)", got)
	}
	if s := status("jForced"); s == "CANCELLED" {
		t.Errorf("jForced after bulk uncancel: %v", s)
	}
}

func TestExportXLSXAndCSV(t *testing.T) {
	// Ensures the selected requests export with the chosen columns, opened
	// with the spreadsheet library itself, and foreign IDs are skipped.
	w := mustWorld(t)
	ids := []string{w.ids["jSub"], w.ids["hAV"], w.ids["jForced"]}
	r := w.do("juniper", "POST", "/v1/requests/export", map[string]any{"ids": ids, "columns": []string{"id", "title", "sourceType", "dueDate", "insight", "why"}})
	if r.Status != 200 {
		t.Fatalf("export: status %d, want 200: %s", r.Status, r.Body[:min(len(r.Body), 200)])
	}
	if skipped := r.Header.Get("X-Openlot-Skipped"); skipped != "1" {
		t.Errorf("export: X-Openlot-Skipped %q, want 1", skipped)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Source requests")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want header + 2: %v", len(rows), rows)
	}
	if want := []string{"Request ID", "Title", "Source Type", "Due Date", "Insight", "Why"}; !equal(rows[0], want) {
		t.Errorf("header %v", rows[0])
	}
	for _, c := range []struct {
		row, col   int
		name, want string
	}{
		{1, 0, "id", w.ids["jSub"]}, {1, 1, "title", "House of Tides"}, {1, 2, "sourceType", "Subtitle"},
		{1, 3, "dueDate", today.AddDate(0, 0, 5).Format("2006-01-02")}, {1, 4, "insight", "atRisk"}, {2, 2, "sourceType", "Forced Sub"},
	} {
		if got := rows[c.row][c.col]; got != c.want {
			t.Errorf("row %d %s = %q, want %q", c.row, c.name, got, c.want)
		}
	}
	if v, _ := f.GetCellValue("Source requests", "D2", excelize.Options{RawCellValue: true}); v == "" || v[0] < '0' || v[0] > '9' || len(v) > 8 {
		t.Errorf("due date cell holds %q, want an Excel date serial", v)
	}

	r = w.do("juniper", "POST", "/v1/requests/export", map[string]any{"ids": ids, "format": "csv", "columns": []string{"id", "status", "fulfillmentPartner"}})
	if r.Status != 200 {
		t.Fatalf("csv: %d %s", r.Status, r.Body)
	}
	recs, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatalf("csv does not parse: %v", err)
	}
	if len(recs) != 3 {
		t.Fatalf("csv has %d records, want header + 2: %v", len(recs), recs)
	}
	if recs[1][1] != "Open" {
		t.Errorf("csv record 1 status = %q, want Open", recs[1][1])
	}
	if recs[2][2] != "juniper" {
		t.Errorf("csv record 2 fulfillmentPartner = %q, want juniper", recs[2][2])
	}
	if r := w.do("juniper", "POST", "/v1/requests/export", map[string]any{"ids": ids, "columns": []string{"secret"}}); r.Status != 400 {
		t.Errorf("bad column: %d", r.Status)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
