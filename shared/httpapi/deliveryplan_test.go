package httpapi_test

import (
	"testing"
)

// plans posts the file bin's names for the requests and answers each
// request's plan by ID.
func plans(t *testing.T, w *world, who string, files []string, ids ...string) map[string]map[string]any {
	t.Helper()
	var fs []map[string]any
	for _, f := range files {
		fs = append(fs, map[string]any{"name": f})
	}
	r := w.do(who, "POST", "/v1/deliveries/plan", map[string]any{"files": fs, "requestIds": ids})
	if r.Status != 200 {
		t.Fatalf("plan: %d %s", r.Status, r.Body)
	}
	out := map[string]map[string]any{}
	for _, p := range r.json(t)["plans"].([]any) {
		pm := p.(map[string]any)
		out[pm["requestId"].(string)] = pm
	}
	return out
}

func recommended(p map[string]any) []string {
	var out []string
	for _, c := range p["candidates"].([]any) {
		if cm := c.(map[string]any); cm["recommended"] == true {
			out = append(out, cm["name"].(string))
		}
	}
	return out
}

func TestPlanRecommendsOnlyForRequestsThatTakeADelivery(t *testing.T) {
	// Ensures the file bin recommends no file for a request the caller may
	// not deliver to now (materials not received, already processed, or a
	// caller who does not deliver), says why with the request's own deliver
	// action, and recommends once the request can take the delivery.
	w := mustWorld(t)
	sub, done := w.ids["jSub"], w.ids["jDone"]
	files := []string{"House of Tides_Spanish_subs.ttml", "notes.txt"}
	p := plans(t, w, "juniper", files, sub, done)
	for name, id := range map[string]string{"materials not received": sub, "processed": done} {
		if got := recommended(p[id]); len(got) > 0 {
			t.Errorf("%s request: recommended %v", name, got)
		}
		d, _ := p[id]["deliver"].(map[string]any)
		if d == nil || d["allowed"] == true || d["code"] != "not_deliverable" || d["reason"] == "" {
			t.Errorf("%s request: deliver %v, want refused with not_deliverable and a reason", name, d)
		}
		if c := p[id]["candidates"].([]any); len(c) != 2 {
			t.Errorf("%s request: %d candidates, want both files scored", name, len(c))
		}
	}
	w.do("juniper", "POST", "/v1/requests/"+sub+"/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "in"})
	p = plans(t, w, "juniper", files, sub)
	if got := recommended(p[sub]); len(got) != 1 || got[0] != files[0] {
		t.Errorf("deliverable request: recommended %v, want %s", got, files[0])
	}
	if d := p[sub]["deliver"].(map[string]any); d["allowed"] != true {
		t.Errorf("deliverable request: deliver %v", d)
	}
	p = plans(t, w, "northstar", files, sub)
	if got := recommended(p[sub]); len(got) > 0 {
		t.Errorf("a content partner (who never delivers): recommended %v", got)
	}
	if d := p[sub]["deliver"].(map[string]any); d["allowed"] == true || d["code"] != "forbidden" {
		t.Errorf("a content partner: deliver %v, want forbidden", d)
	}
}

func TestDryRunSaysWhetherADeliveryWouldStartAndCreatesNothing(t *testing.T) {
	// Ensures POST /v1/transfers with dryRun answers per request whether the
	// files and metadata are complete and the request deliverable, with the
	// code and message a real start would fail with, normalizes the metadata
	// it would keep, and starts, supersedes and creates nothing.
	w := mustWorld(t)
	sub, done := w.ids["jSub"], w.ids["jDone"]
	w.do("juniper", "POST", "/v1/requests/"+sub+"/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "in"})
	file := func(meta map[string]string) []map[string]any {
		return []map[string]any{{"name": "House of Tides_es.ttml", "size": 1234, "metadata": meta}}
	}
	check := func(body map[string]any) []map[string]any {
		t.Helper()
		body["dryRun"] = true
		body["method"] = "UI"
		r := w.do("juniper", "POST", "/v1/transfers", body)
		if r.Status != 200 {
			t.Fatalf("dry run: %d %s", r.Status, r.Body)
		}
		var out []map[string]any
		for _, x := range r.json(t)["results"].([]any) {
			out = append(out, x.(map[string]any))
		}
		return out
	}
	res := check(map[string]any{"transfers": []map[string]any{
		{"requestId": sub, "files": file(map[string]string{"frameRate": "24"})},
		{"requestId": sub, "files": file(map[string]string{"subtitleFormat": "ttml", "frameRate": "24"})},
		{"requestId": done, "files": file(map[string]string{"subtitleFormat": "TTML", "frameRate": "24"})},
		{"requestId": sub, "files": append(file(map[string]string{"subtitleFormat": "TTML", "frameRate": "24"}), file(nil)[0])},
		{"requestId": done, "files": file(nil)},
	}})
	if res[0]["ok"] != false || res[0]["code"] != "invalid_metadata" || res[0]["message"] != "metadata subtitleFormat: required for Subtitle deliveries" {
		t.Errorf("metadata missing: %v", res[0])
	}
	if res[1]["ok"] != true || res[1]["transfer"] != nil {
		t.Errorf("complete metadata: %v, want ok and no transfer", res[1])
	} else if m := res[1]["files"].([]any)[0].(map[string]any)["metadata"].(map[string]any); m["subtitleFormat"] != "TTML" || m["language"] != "es" {
		t.Errorf("normalized metadata %v, want TTML and the request's language es", m)
	}
	if res[2]["ok"] != false || res[2]["code"] != "not_deliverable" {
		t.Errorf("processed request: %v", res[2])
	}
	if res[3]["ok"] != false || res[3]["code"] != "invalid" {
		t.Errorf("two files named alike: %v", res[3])
	}
	// A request that takes no delivery says so first, not what the metadata lacks.
	if res[4]["ok"] != false || res[4]["code"] != "not_deliverable" {
		t.Errorf("processed request, no metadata: %v, want not_deliverable", res[4])
	}
	if l := w.do("juniper", "GET", "/v1/requests/"+sub+"/transfers", nil).json(t)["transfers"].([]any); len(l) != 0 {
		t.Errorf("a dry run created %d transfers", len(l))
	}
	// A dry run leaves an upload under way alone (a real start would supersede it).
	u, r := start(t, w, "juniper", sub, []byte("<tt/>"), "")
	if u == nil {
		t.Fatalf("start: %s", r.Body)
	}
	check(map[string]any{"transfers": []map[string]any{{"requestId": sub, "files": file(map[string]string{"subtitleFormat": "TTML", "frameRate": "24"})}}})
	if st := w.do("juniper", "GET", "/v1/transfers/"+u.id, nil).json(t)["status"]; st != "WAITING_FOR_UPLOAD" {
		t.Errorf("the upload under way is %v after a dry run, want WAITING_FOR_UPLOAD", st)
	}
	if r := w.do("northstar", "POST", "/v1/transfers", map[string]any{"dryRun": true, "transfers": []map[string]any{{"requestId": sub, "files": file(nil)}}}); r.Status != 403 {
		t.Errorf("a content partner's dry run: %d, want 403", r.Status)
	}
}
