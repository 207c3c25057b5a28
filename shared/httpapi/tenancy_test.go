package httpapi_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/search"
)

type route struct {
	method, path string
	body         any
}

func routes() []route {
	return []route{
		{"GET", "/v1/requests/{id}", nil},
		{"POST", "/v1/requests/{id}/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "proxy downloaded"}},
		{"POST", "/v1/requests/{id}/cancel", map[string]any{"reason": "not needed"}},
		{"POST", "/v1/requests/{id}/uncancel", map[string]any{"reason": "needed again"}},
		{"POST", "/v1/requests/{id}/subassign", map[string]any{"partner": "lumen"}},
		{"GET", "/v1/requests/{id}/subassignees", nil},
		{"POST", "/v1/requests/{id}/estimated-delivery-date", map[string]any{"date": "2026-12-01", "time": "17:00", "timeZone": "Europe/Madrid", "reason": "CAPACITY"}},
		{"POST", "/v1/requests/{id}/service-type", map[string]any{"serviceType": "CONFORM"}},
		{"GET", "/v1/requests/{id}/comments", nil},
		{"POST", "/v1/requests/{id}/comments", map[string]any{"text": "hello"}},
		{"GET", "/v1/requests/{id}/history", nil},
		{"POST", "/v1/requests/{id}/redelivery", map[string]any{"reason": "QC failed"}},
		{"POST", "/v1/requests/{id}/upgrade", map[string]any{"reason": "HD to UHD"}},
		{"GET", "/v1/materials?requests={id}", nil},
		{"GET", "/v1/materials?requests={id}&group=downloaded&assetType=Script", nil},
	}
}

const missingID = "01a00000-0000-7000-8000-000000000000"

// scopes are the requests each role sees: assigned and subassigned for
// FPs, its titles' for CPs, all for studio and QC.
var scopes = map[string][]string{
	"juniper":   {"jSub", "jForced", "jDone", "lToJ"},
	"lumen":     {"lSub", "lToJ"},
	"northstar": {"jSub", "jForced", "jDone"},
	"studio":    {"jSub", "jForced", "jDone", "lSub", "lToJ", "hAV"},
	"qc":        {"jSub", "jForced", "jDone", "lSub", "lToJ", "hAV"},
}

// checkValues compares the search values role is offered with those of
// the requests it sees (read as studio), modifier by modifier, and
// returns how many values leak beyond them (or are missing).
func checkValues(t *testing.T, w *world, role string) (leaks int) {
	t.Helper()
	got := w.do(role, "GET", "/v1/search/values", nil).json(t)
	if keys := slices.Sorted(maps.Keys(got)); !slices.Equal(keys, slices.Sorted(slices.Values(search.ValueModifiers))) {
		t.Errorf("%s: values name modifiers %v, want %v", role, keys, search.ValueModifiers)
	}
	want := map[string]map[string]bool{}
	add := func(m string, codes ...string) {
		if want[m] == nil {
			want[m] = map[string]bool{}
		}
		for _, c := range codes {
			if c != "" {
				want[m][c] = true
			}
		}
	}
	partnerNames := map[string]string{}
	for _, name := range scopes[role] {
		d := w.do("studio", "GET", "/v1/requests/"+w.ids[name], nil).json(t)
		r := d["request"].(map[string]any)
		str := func(k string) string { s, _ := r[k].(string); return s }
		add("fulfillmentPartner", str("fulfillmentPartner"), str("subAssignee"))
		add("contentPartner", str("contentPartner"))
		add("language", str("language"))
		add("sourceType", str("sourceType"))
		add("serviceType", str("serviceType"))
		add("status", str("status"))
		add("materialStatus", str("materialStatus"))
		add("movieType", d["title"].(map[string]any)["movieType"].(string))
		for _, c := range d["package"].(map[string]any)["countries"].([]any) {
			add("country", c.(string))
		}
	}
	for _, p := range []struct{ id, name string }{{"juniper", "Juniper Post"}, {"lumen", "Lumen"}, {"harbor", "Harbor"}, {"northstar", "Northstar"}, {"aurora", "Aurora"}} {
		partnerNames[p.id] = p.name
	}
	for m, codes := range want {
		var have []string
		for _, v := range got[m].([]any) {
			val := v.(map[string]any)
			have = append(have, val["code"].(string))
			if (m == "fulfillmentPartner" || m == "contentPartner") && val["name"] != partnerNames[val["code"].(string)] {
				t.Errorf("%s: %s %v is named %v, want %s", role, m, val["code"], val["name"], partnerNames[val["code"].(string)])
			}
		}
		slices.Sort(have)
		if wantCodes := slices.Sorted(maps.Keys(codes)); !slices.Equal(have, wantCodes) {
			leaks++
			t.Errorf("LEAK %s: %s values %v, want those of its requests %v", role, m, have, wantCodes)
		}
	}
	return leaks
}

func TestTenancyMatrix(t *testing.T) {
	// Ensures every route × every role × own / foreign / missing ID: foreign IDs answer exactly like missing ones (404), never change anything, and are never listed or counted.
	cases := []struct {
		role    string
		own     string
		foreign []string
	}{
		{"juniper", "jSub", []string{"lSub", "hAV"}},
		{"lumen", "lSub", []string{"jSub", "jForced", "hAV"}},
		{"northstar", "jSub", []string{"lSub", "lToJ", "hAV"}},
		{"studio", "jSub", nil},
		{"qc", "jSub", nil},
	}
	leaks := 0
	for _, c := range cases {
		t.Run(c.role, func(t *testing.T) {
			w := mustWorld(t)
			before := map[string]string{}
			for _, name := range c.foreign {
				before[name] = string(w.do("studio", "GET", "/v1/requests/"+w.ids[name]+"/history", nil).Body)
			}
			for _, rt := range routes() {
				missing := w.do(c.role, rt.method, strings.Replace(rt.path, "{id}", missingID, 1), rt.body)
				if missing.Status != 404 {
					t.Errorf("%s %s missing: status %d, want 404: %s", rt.method, rt.path, missing.Status, missing.Body)
				}
				if missing.code() != "not_found" {
					t.Errorf("%s %s missing: code %q, want not_found", rt.method, rt.path, missing.code())
				}
				for _, name := range c.foreign {
					got := w.do(c.role, rt.method, strings.Replace(rt.path, "{id}", w.ids[name], 1), rt.body)
					leaked := false
					if got.Status != 404 {
						leaked = true
						t.Errorf("LEAK %s %s on %s's %s: status %d, want 404", rt.method, rt.path, c.role, name, got.Status)
					}
					if string(got.Body) != string(missing.Body) {
						leaked = true
						t.Errorf("LEAK %s %s on %s's %s: body %s, want the missing ID's %s", rt.method, rt.path, c.role, name, got.Body, missing.Body)
					}
					if leaked {
						leaks++
					}
				}
				own := w.do(c.role, rt.method, strings.Replace(rt.path, "{id}", w.ids[c.own], 1), rt.body)
				if own.Status == 404 {
					t.Errorf("%s %s on own %s: 404 %s", rt.method, rt.path, c.own, own.Body)
				}
			}
			// Bulk: a foreign ID fails alone, exactly like a missing one.
			if len(c.foreign) > 0 {
				ids := []string{w.ids[c.foreign[0]], missingID}
				res := w.do(c.role, "POST", "/v1/requests/material-status", map[string]any{"ids": ids, "materialStatus": "RECEIVED", "reason": "bulk"}).json(t)
				rs := res["results"].([]any)
				a, b := rs[0].(map[string]any), rs[1].(map[string]any)
				if !wantFields(t, "LEAK bulk: the foreign ID's result", a, map[string]any{"ok": false, "code": "not_found", "message": b["message"], "request": nil}) {
					leaks++
				}
			}
			// Listing never shows a foreign request, even when asked by partner or status.
			for _, q := range []string{"", "?status=ALL", "?fulfillmentPartner=lumen,harbor,juniper", "?movieId=81000002", "?limit=1"} {
				rows := w.do(c.role, "GET", "/v1/requests"+q, nil).json(t)["rows"].([]any)
				for _, r := range rows {
					id := r.(map[string]any)["id"].(string)
					for _, name := range c.foreign {
						if id == w.ids[name] {
							leaks++
							t.Errorf("LEAK list %q shows %s", q, name)
						}
					}
				}
			}
			// The values a modifier offers are those of the caller's requests: no foreign partner, title or country.
			leaks += checkValues(t, w, c.role)
			for _, name := range c.foreign {
				if after := string(w.do("studio", "GET", "/v1/requests/"+w.ids[name]+"/history", nil).Body); after != before[name] {
					leaks++
					t.Errorf("LEAK: %s's %s changed: %s", c.role, name, after)
				}
			}
		})
	}
	t.Logf("tenancy matrix: %d routes × %d roles × own/foreign/missing, %d leaks", len(routes())+3, len(cases), leaks)
}

func TestListShowsExactlyTheCallersRequests(t *testing.T) {
	// Ensures each role's list holds exactly its scope: assigned + subassigned for FPs, its titles for CPs, all for studio and QC.
	w := mustWorld(t)
	for role, names := range scopes {
		got := map[string]bool{}
		cursor := ""
		for {
			res := w.do(role, "GET", "/v1/requests?limit=2&status=all"+cursor, nil).json(t)
			for _, r := range res["rows"].([]any) {
				got[r.(map[string]any)["id"].(string)] = true
			}
			if res["next"] == "" {
				break
			}
			cursor = "&cursor=" + res["next"].(string)
		}
		if len(got) != len(names) {
			t.Errorf("%s sees %d requests, want %d", role, len(got), len(names))
		}
		for _, n := range names {
			if !got[w.ids[n]] {
				t.Errorf("%s does not see %s", role, n)
			}
		}
	}
	// Default excludes Cancelled; a filter narrows; FP asking for another partner gets nothing.
	w.do("studio", "POST", "/v1/requests/"+w.ids["jForced"]+"/cancel", map[string]any{"reason": "not needed"})
	if rows := w.do("juniper", "GET", "/v1/requests", nil).json(t)["rows"].([]any); len(rows) != 3 {
		t.Errorf("default list shows %d, want 3 (cancelled hidden)", len(rows))
	}
	if rows := w.do("juniper", "GET", "/v1/requests?status=Cancelled", nil).json(t)["rows"].([]any); len(rows) != 1 {
		t.Errorf("cancelled list shows %d, want 1", len(rows))
	}
	if rows := w.do("juniper", "GET", "/v1/requests?fulfillmentPartner=harbor", nil).json(t)["rows"].([]any); len(rows) != 0 {
		t.Errorf("juniper asking for harbor sees %d", len(rows))
	}
	if rows := w.do("juniper", "GET", "/v1/requests?sourceType=secondary%20audio", nil).json(t)["rows"].([]any); len(rows) != 1 {
		t.Errorf("display-name filter shows %d, want 1", len(rows))
	}
}
