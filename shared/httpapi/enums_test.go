package httpapi_test

import "testing"

func TestActionsTakeCodesOrDisplayNames(t *testing.T) {
	// Ensures action bodies take an enum's display name as search does (README: codes or display names), and store the code.
	w := mustWorld(t)
	jSub, jForced := w.ids["jSub"], w.ids["jForced"]
	due := today.AddDate(0, 0, 10).Format("2006-01-02")
	cases := []struct {
		name, who, path string
		body            map[string]any
		field, want     string
	}{
		{"material status", "juniper", "/v1/requests/" + jSub + "/material-status",
			map[string]any{"materialStatus": "Accepted", "reason": "all there"}, "materialStatus", "ACCEPTED"},
		{"service type", "juniper", "/v1/requests/" + jSub + "/service-type",
			map[string]any{"serviceType": "Conform"}, "serviceType", "CONFORM"},
		{"estimated delivery date reason", "juniper", "/v1/requests/" + jForced + "/estimated-delivery-date",
			map[string]any{"date": due, "time": "10:00", "timeZone": "UTC", "reason": "Capacity"}, "", ""},
		{"bulk material status", "juniper", "/v1/requests/material-status",
			map[string]any{"ids": []string{jForced}, "materialStatus": "Not Received", "reason": "not yet"}, "", ""},
		{"bulk service type", "juniper", "/v1/requests/service-type",
			map[string]any{"ids": []string{jForced}, "serviceType": "Create"}, "", ""},
		{"bulk estimated delivery date", "juniper", "/v1/requests/estimated-delivery-date",
			map[string]any{"ids": []string{jForced}, "date": due, "time": "11:00", "timeZone": "UTC", "reason": "Materials late"}, "", ""},
		{"create", "studio", "/v1/requests",
			map[string]any{"movieId": 81000001, "packageId": 700001, "fulfillmentPartner": "juniper", "sourceType": "Forced Sub",
				"language": "fr", "serviceType": "Create", "dueDate": due, "materialStatus": "Received"}, "sourceType", "FORCED_SUB"},
	}
	for _, c := range cases {
		r := w.do(c.who, "POST", c.path, c.body)
		if r.Status >= 300 {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
			continue
		}
		m := r.json(t)
		if results, ok := m["results"].([]any); ok { // a bulk action: each result says ok
			for _, res := range results {
				if res.(map[string]any)["ok"] != true {
					t.Errorf("%s: %s", c.name, r.Body)
				}
			}
		}
		if c.field == "" {
			continue
		}
		if req, ok := m["request"].(map[string]any); ok {
			m = req
		}
		if m[c.field] != c.want {
			t.Errorf("%s: %s = %v, want %s", c.name, c.field, m[c.field], c.want)
		}
	}
}
