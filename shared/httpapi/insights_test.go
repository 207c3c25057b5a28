package httpapi_test

import (
	"crypto/rand"
	"net/url"
	"strings"
	"testing"
	"time"
)

// searchRow answers the one row of request id a search with the extra
// query q finds as who, and the search's bucket counts; row is nil when
// the search does not find it.
func searchRow(t *testing.T, w *world, who, id, q string) (row map[string]any, buckets map[string]any) {
	t.Helper()
	r := w.do(who, "GET", "/v1/requests?requestId="+id+"&columns=insight,why,deliveryStatus,qcStatus,materialsAvailable&"+q, nil)
	if r.Status != 200 {
		t.Fatalf("search %s: %d %s", q, r.Status, r.Body)
	}
	body := r.json(t)
	for _, x := range body["rows"].([]any) {
		if m := x.(map[string]any); m["id"] == id {
			row = m
		}
	}
	return row, body["buckets"].(map[string]any)
}

func TestADeliveryInInspectionIsOnTrackAndFoundByItsStatus(t *testing.T) {
	// Ensures a request whose delivery waits for inspection counts as On
	// Track, not Critical nor Overdue Undelivered, and its row says why; the
	// request carries its delivery's status, and the deliveryStatus and
	// qcStatus modifiers find it (codes, names, or none).
	// (Lumen's subtitle request: its title's primary video, harbor's AV
	// request, is not processed, so the delivery waits for it.)
	w := mustWorld(t)
	id, fp := w.ids["lSub"], "lumen"
	w.clock.Add(7 * 24 * time.Hour) // due 5 days after the seed: now 2 days late
	w.signIn()

	row, b := searchRow(t, w, fp, id, "bucket=overdueUndelivered")
	if row == nil || row["insight"] != "critical" || b["overdueUndelivered"] != 1.0 {
		t.Fatalf("before any delivery the request should be critical and overdue: %v %v", row, b)
	}
	if why := row["why"].(string); why != "due 2026-11-27, 2 days ago, not delivered" {
		t.Errorf("overdue why = %q", why)
	}
	if row, _ := searchRow(t, w, fp, id, "deliveryStatus=none"); row == nil {
		t.Error("deliveryStatus=none does not find a request without deliveries")
	}

	w.do(fp, "POST", "/v1/requests/"+id+"/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "in"})
	data := make([]byte, 1000)
	rand.Read(data)
	u, r := start(t, w, fp, id, data, hexSum(data))
	if u == nil {
		t.Fatalf("start: %s", r.Body)
	}
	if code := u.send(t, 1, hexSum(data), data); code != 200 {
		t.Fatalf("part: %d", code)
	}
	if r := w.do(fp, "POST", "/v1/transfers/"+u.id+"/complete", nil); r.Status != 200 {
		t.Fatalf("complete: %d %s", r.Status, r.Body)
	}

	var req map[string]any
	waitFor(t, "the request to follow its delivery to Waiting for Primary", func() bool {
		req = w.do(fp, "GET", "/v1/requests/"+id, nil).json(t)["request"].(map[string]any)
		return req["deliveryStatus"] != "PENDING_INSPECTION"
	})
	wantFields(t, "request after delivery:", req, map[string]any{"deliveryId": u.id, "deliveryStatus": "WAITING_FOR_PRIMARY", "status": "OPEN"})
	if _, ok := req["qcStatus"]; ok {
		t.Errorf("a delivery without QC shows qcStatus %v", req["qcStatus"])
	}
	for _, q := range []string{"deliveryStatus=" + url.QueryEscape("Waiting for Primary"), "deliveryStatus=WAITING_FOR_PRIMARY,PROCESSED", "qcStatus=none"} {
		row, b := searchRow(t, w, fp, id, q)
		if row == nil {
			t.Errorf("%s does not find the delivered request", q)
			continue
		}
		wantFields(t, q+":", row, map[string]any{"insight": "onTrack", "deliveryStatus": "WAITING_FOR_PRIMARY"})
		if why := row["why"].(string); why != "delivered, waiting for the title's primary video to be processed; due 2026-11-27, 2 days ago" {
			t.Errorf("%s: why = %q", q, why)
		}
		if b["overdueUndelivered"] != 0.0 || b["critical"] != 0.0 || b["onTrack"] != 1.0 {
			t.Errorf("%s: buckets %v, want the request on track and not overdue undelivered", q, b)
		}
	}
	for _, q := range []string{"deliveryStatus=none", "deliveryStatus=Pending Inspection", "qcStatus=PASSED"} {
		if row, _ := searchRow(t, w, fp, id, url.PathEscape(q)); row != nil {
			t.Errorf("%s finds the request whose delivery waits for the primary", q)
		}
	}
	if r := w.do(fp, "GET", "/v1/requests?deliveryStatus=Delivered", nil); r.Status != 400 || !strings.Contains(string(r.Body), "PENDING_INSPECTION") {
		t.Errorf("an unknown delivery status: %d %s, want 400 naming the valid ones", r.Status, r.Body)
	}
}

func TestMaterialsAvailableByTheStudioAndWhenTheTitleHasThem(t *testing.T) {
	// Ensures studio operators mark a request's materials available (and
	// take it back), partners may not and are told why before they try, the
	// Asset States rows explain the materials, and openlot marks the
	// requests of a title by itself once the title has every material their
	// source type needs: a subtitle request with the proxy video, a dub
	// only once the M&E is there too.
	w := mustWorld(t)
	sub, dub := w.ids["lSub"], w.ids["lToJ"]

	row, _ := searchRow(t, w, "studio", sub, "bucket=awaitingMaterials")
	if row == nil || row["why"] != "material status Not Received, materials not marked available; due 2026-11-27, in 5 days" {
		t.Fatalf("awaiting materials row: %v", row)
	}
	acts := w.do("lumen", "GET", "/v1/requests/"+sub, nil).json(t)["actions"].(map[string]any)["setMaterialsAvailable"].(map[string]any)
	if acts["allowed"] != false || acts["code"] != "forbidden" || !strings.Contains(acts["reason"].(string), "cannot mark the materials available") {
		t.Errorf("a partner's setMaterialsAvailable action: %v", acts)
	}
	if r := w.do("lumen", "POST", "/v1/requests/"+sub+"/materials-available", map[string]any{"available": true}); r.Status != 403 {
		t.Errorf("a partner marks materials available: %d %s", r.Status, r.Body)
	}
	studioActs := w.do("studio", "GET", "/v1/requests/"+sub, nil).json(t)["actions"].(map[string]any)["setMaterialsAvailable"].(map[string]any)
	if studioActs["allowed"] != true {
		t.Errorf("the studio's setMaterialsAvailable action: %v", studioActs)
	}
	r := w.do("studio", "POST", "/v1/requests/"+sub+"/materials-available", map[string]any{"available": true, "comment": "proxy sent by courier"})
	if r.Status != 200 || r.json(t)["materialsAvailable"] != true {
		t.Fatalf("studio marks: %d %s", r.Status, r.Body)
	}
	row, _ = searchRow(t, w, "lumen", sub, "bucket=materialsAvailable")
	if row == nil || row["why"] != "materials marked available; material status still Not Received" {
		t.Errorf("materials available row: %v", row)
	}
	hist := w.do("lumen", "GET", "/v1/requests/"+sub+"/history", nil).json(t)["entries"].([]any)
	last := hist[len(hist)-1].(map[string]any)
	wantFields(t, "history:", last, map[string]any{"action": "MATERIALS_AVAILABILITY_CHANGED", "before": "false", "after": "true",
		"comment": "proxy sent by courier", "role": "STUDIO"})
	if r := w.do("studio", "POST", "/v1/requests/"+sub+"/materials-available", map[string]any{"available": false}); r.Status != 200 || r.json(t)["materialsAvailable"] != false {
		t.Fatalf("studio takes the mark back: %d %s", r.Status, r.Body)
	}
	if r := w.do("studio", "POST", "/v1/requests/"+w.ids["jDone"]+"/materials-available", map[string]any{"available": true}); r.Status != 422 || r.code() != "not_allowed" {
		t.Errorf("marking a processed request: %d %s, want 422 not_allowed", r.Status, r.Body)
	}

	// The title gets its proxy video: the subtitle request is marked, the dub is not yet.
	available := func(id string) bool {
		return w.do("studio", "GET", "/v1/requests/"+id, nil).json(t)["request"].(map[string]any)["materialsAvailable"] == true
	}
	w.addMaterial(81000002, "PROXY_VIDEO", "", []byte("not really a video, but a proxy video material all the same"))
	if !available(sub) {
		t.Error("the subtitle request is not marked once its title has a proxy video")
	}
	if available(dub) {
		t.Error("the dub is marked with the proxy video alone; it needs the M&E too")
	}
	if available(w.ids["hAV"]) {
		t.Error("an AV request, which needs no materials, was marked")
	}
	hist = w.do("studio", "GET", "/v1/requests/"+sub+"/history", nil).json(t)["entries"].([]any)
	last = hist[len(hist)-1].(map[string]any)
	wantFields(t, "automatic history:", last, map[string]any{"action": "MATERIALS_AVAILABILITY_CHANGED", "after": "true", "role": "SYSTEM"})
	if c, _ := last["comment"].(string); !strings.Contains(c, "Proxy Video") {
		t.Errorf("the automatic mark does not name the materials: %q", c)
	}
	w.addMaterial(81000002, "M_AND_E", "", []byte("the M&E stems"))
	if !available(dub) {
		t.Error("the dub is not marked once its title has the proxy video and the M&E")
	}
}
