package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/oauth"
)

func (w *world) history(name string) []any {
	w.t.Helper()
	return w.do("studio", "GET", "/v1/requests/"+w.ids[name]+"/history", nil).json(w.t)["entries"].([]any)
}

func (w *world) request(name string) map[string]any {
	w.t.Helper()
	return w.do("studio", "GET", "/v1/requests/"+w.ids[name], nil).json(w.t)["request"].(map[string]any)
}

func TestDetailsShowRequestPackageAndTitle(t *testing.T) {
	// Ensures the details page carries header fields, package countries and title details (DAB).
	w := mustWorld(t)
	d := w.do("juniper", "GET", "/v1/requests/"+w.ids["jSub"], nil).json(t)
	r, p, ti := d["request"].(map[string]any), d["package"].(map[string]any), d["title"].(map[string]any)
	if r["status"] != "OPEN" || r["sourceType"] != "SUBTITLE" || r["language"] != "es" || r["dueDate"] != "2026-11-27" || r["fulfillmentPartner"] != "juniper" {
		t.Errorf("request %v", r)
	}
	if fmt.Sprint(p["countries"]) != "[ES MX]" || ti["name"] != "House of Tides" || ti["dayAfterBroadcast"] != true || ti["movieType"] != "EPISODE" {
		t.Errorf("package %v title %v", p, ti)
	}
}

func TestMaterialStatusSingleAndBulk(t *testing.T) {
	// Ensures single and bulk material status changes apply, answer per ID and land in history with reason and comment.
	w := mustWorld(t)
	r := w.do("juniper", "POST", "/v1/requests/"+w.ids["jSub"]+"/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "proxy downloaded", "comment": "starting"})
	if r.Status != 200 || r.json(t)["materialStatus"] != "RECEIVED" || r.json(t)["version"] != 2.0 {
		t.Fatalf("single: %d %s", r.Status, r.Body)
	}
	h := w.history("jSub")
	last := h[len(h)-1].(map[string]any)
	if last["action"] != "MATERIAL_STATUS_CHANGED" || last["before"] != "NOT_RECEIVED" || last["after"] != "RECEIVED" || last["reason"] != "proxy downloaded" || last["comment"] != "starting" || last["actor"] != "fp-juniper" || last["role"] != "FP" {
		t.Fatalf("history entry %v", last)
	}
	ids := []string{w.ids["jSub"], w.ids["jForced"], w.ids["jDone"], "not-an-id", w.ids["lToJ"], w.ids["lSub"]}
	res := w.do("juniper", "POST", "/v1/requests/material-status", map[string]any{"ids": ids, "materialStatus": "ACCEPTED", "reason": "reviewed"}).json(t)["results"].([]any)
	want := []string{"", "", "not_allowed", "invalid", "forbidden", "not_found"}
	for i, x := range res {
		m := x.(map[string]any)
		if m["id"] != ids[i] || (want[i] == "") != (m["ok"] == true) || want[i] != "" && m["code"] != want[i] {
			t.Errorf("result %d: %v, want %q", i, m, want[i])
		}
	}
	if w.request("jForced")["materialStatus"] != "ACCEPTED" || w.request("jDone")["materialStatus"] != "NOT_RECEIVED" {
		t.Error("bulk did not apply exactly the successful IDs")
	}
	big := make([]string, 501)
	for i := range big {
		big[i] = missingID
	}
	if r := w.do("juniper", "POST", "/v1/requests/material-status", map[string]any{"ids": big, "materialStatus": "ACCEPTED", "reason": "x"}); r.Status != 413 || r.code() != "too_large" {
		t.Errorf("501 IDs: %d %s", r.Status, r.Body)
	}
}

func TestActionsFollowTheRules(t *testing.T) {
	// Ensures cancel, uncancel, subassign, EDD, service type, redelivery and upgrade work through the API with the right codes.
	w := mustWorld(t)
	post := func(who, name, action string, body any) resp {
		return w.do(who, "POST", "/v1/requests/"+w.ids[name]+"/"+action, body)
	}
	steps := []struct {
		who, name, action string
		body              any
		status            int
		code              string
	}{
		{"juniper", "jSub", "cancel", map[string]any{"reason": "x"}, 403, "forbidden"}, // FP may cancel only Forced Sub / Dub Card Image
		{"juniper", "jForced", "cancel", map[string]any{"reason": "no forced narrative"}, 200, ""},
		{"juniper", "jForced", "cancel", map[string]any{"reason": "again"}, 422, "not_allowed"},
		{"juniper", "jForced", "uncancel", map[string]any{"reason": "forced narrative found"}, 200, ""},
		{"lumen", "lSub", "cancel", map[string]any{"reason": "x"}, 403, "forbidden"},
		{"juniper", "jSub", "subassign", map[string]any{"partner": "harbor"}, 422, "not_subassignable"},
		{"juniper", "jSub", "subassign", map[string]any{"partner": "nobody"}, 422, "not_subassignable"},
		{"juniper", "jSub", "subassign", map[string]any{"partner": "lumen", "comment": "overflow"}, 200, ""},
		{"lumen", "jSub", "material-status", map[string]any{"materialStatus": "ACCEPTED", "reason": "x"}, 403, "forbidden"}, // sub-assignee sees, cannot act
		{"lumen", "jSub", "comments", map[string]any{"text": "on it"}, 201, ""},
		{"juniper", "jSub", "estimated-delivery-date", map[string]any{"date": "2026-12-01", "time": "17:30", "timeZone": "America/Los_Angeles", "reason": "CAPACITY"}, 200, ""},
		{"juniper", "jSub", "estimated-delivery-date", map[string]any{"date": "2026-12-01", "time": "17:30", "timeZone": "Mars/Base", "reason": "CAPACITY"}, 400, "invalid"},
		{"juniper", "jSub", "estimated-delivery-date", map[string]any{"date": "2026-02-30", "time": "17:30", "timeZone": "UTC", "reason": "CAPACITY"}, 400, "invalid"},
		{"juniper", "jSub", "estimated-delivery-date", map[string]any{"date": "2026-12-01", "time": "17:30", "timeZone": "UTC", "reason": "OTHER"}, 400, "invalid"},
		{"juniper", "jSub", "service-type", map[string]any{"serviceType": "CONFORM"}, 200, ""},
		{"juniper", "jDone", "service-type", map[string]any{"serviceType": "CONFORM"}, 422, "not_allowed"},
		{"studio", "hAV", "service-type", map[string]any{"serviceType": "CONFORM"}, 422, "not_allowed"},
		{"northstar", "jSub", "comments", map[string]any{"text": "Thanks!"}, 201, ""},
		{"northstar", "jSub", "service-type", map[string]any{"serviceType": "CREATE"}, 403, "forbidden"},
		{"qc", "jSub", "cancel", map[string]any{"reason": "x"}, 403, "forbidden"},
		{"juniper", "jDone", "redelivery", map[string]any{"reason": "x"}, 403, "forbidden"},
		{"studio", "jDone", "redelivery", map[string]any{"reason": "QC failed: sync drift"}, 200, ""},
		{"studio", "jDone", "redelivery", map[string]any{"reason": "again"}, 422, "not_allowed"},
		{"studio", "jSub", "upgrade", map[string]any{"reason": "x"}, 422, "not_allowed"},
	}
	for _, s := range steps {
		r := post(s.who, s.name, s.action, s.body)
		if r.Status != s.status || s.code != "" && r.code() != s.code {
			t.Errorf("%s %s %s: %d %s; want %d %s", s.who, s.action, s.name, r.Status, r.Body, s.status, s.code)
		}
	}
	got := w.request("jSub")
	if got["subAssignee"] != "lumen" || got["serviceType"] != "CONFORM" || got["estimatedDeliveryDate"] != "2026-12-01T17:30:00-08:00" || got["estimatedDeliveryTimeZone"] != "America/Los_Angeles" {
		t.Errorf("jSub after actions: %v", got)
	}
	comments := w.do("juniper", "GET", "/v1/requests/"+w.ids["jSub"]+"/comments", nil).json(t)["comments"].([]any)
	if len(comments) != 2 || comments[0].(map[string]any)["partner"] != "lumen" || comments[1].(map[string]any)["role"] != "CP" {
		t.Errorf("comments %v", comments)
	}
	up := w.do("studio", "POST", "/v1/requests/"+w.ids["jForced"]+"/upgrade", map[string]any{"reason": "STL to TTML"})
	if up.Status != 422 {
		t.Errorf("upgrade of an open request: %d", up.Status)
	}
}

func TestStudioCreatesAndUpgrades(t *testing.T) {
	// Ensures studio operators create requests (others cannot), and an upgrade links the old and new requests.
	w := mustWorld(t)
	body := map[string]any{"movieId": 81000001, "packageId": 700001, "fulfillmentPartner": "lumen", "sourceType": "SDH_CC", "language": "en-us", "dueDate": "2027-01-15"}
	if r := w.do("juniper", "POST", "/v1/requests", body); r.Status != 403 {
		t.Errorf("FP create: %d", r.Status)
	}
	r := w.do("studio", "POST", "/v1/requests", body)
	if r.Status != 201 || r.Header.Get("Location") != "/v1/requests/"+r.json(t)["id"].(string) || r.json(t)["language"] != "en-US" || r.json(t)["contentPartner"] != "northstar" {
		t.Fatalf("create: %d %s %v", r.Status, r.Body, r.Header)
	}
	if got := w.do("lumen", "GET", "/v1/requests/"+r.json(t)["id"].(string), nil); got.Status != 200 {
		t.Errorf("lumen cannot see its new request: %d", got.Status)
	}
	for _, bad := range []map[string]any{
		{"movieId": 1, "packageId": 700001, "fulfillmentPartner": "lumen", "sourceType": "SUBTITLE", "language": "es", "dueDate": "2027-01-15"},
		{"movieId": 81000001, "packageId": 700002, "fulfillmentPartner": "lumen", "sourceType": "SUBTITLE", "language": "es", "dueDate": "2027-01-15"},
		{"movieId": 81000001, "packageId": 700001, "fulfillmentPartner": "northstar", "sourceType": "SUBTITLE", "language": "es", "dueDate": "2027-01-15"},
		{"movieId": 81000001, "packageId": 700001, "fulfillmentPartner": "lumen", "sourceType": "SUBTITLE", "dueDate": "2027-01-15"},
		{"movieId": 81000001, "packageId": 700001, "fulfillmentPartner": "lumen", "sourceType": "SUBTITLE", "language": "klingon language", "dueDate": "2027-01-15"},
	} {
		if r := w.do("studio", "POST", "/v1/requests", bad); r.Status != 400 {
			t.Errorf("create %v: %d %s", bad, r.Status, r.Body)
		}
	}
	up := w.do("studio", "POST", "/v1/requests/"+w.ids["jDone"]+"/upgrade", map[string]any{"reason": "HD to UHD", "dueDate": "2027-02-01"}).json(t)
	old, nw := up["upgraded"].(map[string]any), up["created"].(map[string]any)
	if old["status"] != "UPGRADED" || old["upgradedTo"] != nw["id"] || nw["upgradedFrom"] != old["id"] || nw["status"] != "OPEN" || nw["dueDate"] != "2027-02-01" {
		t.Fatalf("upgrade: %v", up)
	}
	if got := w.do("juniper", "GET", "/v1/requests/"+nw["id"].(string), nil); got.Status != 200 {
		t.Errorf("juniper cannot see the upgrade: %d", got.Status)
	}
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	// Ensures malformed input of every kind answers 4xx with a code, never 500, and leaves the request and its history as they were.
	w := mustWorld(t)
	path := "/v1/requests/" + w.ids["jSub"] + "/material-status"
	before, hBefore := w.request("jSub"), len(w.history("jSub"))
	cases := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"malformed JSON", "POST", path, `{"materialStatus": "RECEIVED",`, 400, "invalid"},
		{"not an object", "POST", path, `[1,2]`, 400, "invalid"},
		{"unknown field", "POST", path, map[string]any{"materialStatus": "RECEIVED", "reason": "x", "sneaky": true}, 400, "invalid"},
		{"wrong enum", "POST", path, map[string]any{"materialStatus": "DONE", "reason": "x"}, 400, "invalid"},
		{"display name in body", "POST", path, map[string]any{"materialStatus": "Received", "reason": "x"}, 400, "invalid"},
		{"wrong type", "POST", path, map[string]any{"materialStatus": 3, "reason": "x"}, 400, "invalid"},
		{"missing reason", "POST", path, map[string]any{"materialStatus": "RECEIVED"}, 400, "invalid"},
		{"empty reason", "POST", path, map[string]any{"materialStatus": "RECEIVED", "reason": ""}, 400, "invalid"},
		{"blank reason", "POST", path, map[string]any{"materialStatus": "RECEIVED", "reason": "   "}, 400, "invalid"},
		{"10 KB reason", "POST", path, map[string]any{"materialStatus": "RECEIVED", "reason": strings.Repeat("r", 10240)}, 400, "invalid"},
		{"2 MB body", "POST", path, `{"materialStatus":"RECEIVED","reason":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "too_large"},
		{"empty body", "POST", path, "", 400, "invalid"},
		{"bad date", "POST", "/v1/requests/" + w.ids["jSub"] + "/estimated-delivery-date", map[string]any{"date": "01/12/2026", "time": "17:00", "timeZone": "UTC", "reason": "CAPACITY"}, 400, "invalid"},
		{"bad time", "POST", "/v1/requests/" + w.ids["jSub"] + "/estimated-delivery-date", map[string]any{"date": "2026-12-01", "time": "5pm", "timeZone": "UTC", "reason": "CAPACITY"}, 400, "invalid"},
		{"bad zone", "POST", "/v1/requests/" + w.ids["jSub"] + "/estimated-delivery-date", map[string]any{"date": "2026-12-01", "time": "17:00", "timeZone": "PST8", "reason": "CAPACITY"}, 400, "invalid"},
		{"past EDD", "POST", "/v1/requests/" + w.ids["jSub"] + "/estimated-delivery-date", map[string]any{"date": "2026-01-01", "time": "17:00", "timeZone": "UTC", "reason": "CAPACITY"}, 400, "invalid"},
		{"bad reason code", "POST", "/v1/requests/" + w.ids["jSub"] + "/estimated-delivery-date", map[string]any{"date": "2026-12-01", "time": "17:00", "timeZone": "UTC", "reason": "LAZY"}, 400, "invalid"},
		{"short ID", "POST", "/v1/requests/12/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "x"}, 400, "invalid"},
		{"upper-case ID", "GET", "/v1/requests/" + strings.ToUpper(w.ids["jSub"]), nil, 400, "invalid"},
		{"injection ID", "GET", "/v1/requests/" + url.PathEscape("1' OR '1'='1"), nil, 400, "invalid"},
		{"long ID", "GET", "/v1/requests/" + strings.Repeat("a", 500), nil, 400, "invalid"},
		{"bad list filter", "GET", "/v1/requests?status=Done", nil, 400, "invalid"},
		{"bad language filter", "GET", "/v1/requests?language=not%20a%20language", nil, 400, "invalid"},
		{"bad limit", "GET", "/v1/requests?limit=100000", nil, 400, "invalid"},
		{"bad cursor", "GET", "/v1/requests?cursor=zzz", nil, 400, "invalid"},
		{"bad bulk IDs type", "POST", "/v1/requests/material-status", map[string]any{"ids": "all", "materialStatus": "RECEIVED", "reason": "x"}, 400, "invalid"},
		{"empty bulk", "POST", "/v1/requests/material-status", map[string]any{"ids": []string{}, "materialStatus": "RECEIVED", "reason": "x"}, 400, "invalid"},
		{"wrong method", "PUT", path, map[string]any{}, 405, "method_not_allowed"},
		{"unknown route", "GET", "/v1/requestz", nil, 404, "not_found"},
	}
	for _, c := range cases {
		r := w.do("juniper", c.method, c.path, c.body)
		if r.Status != c.status {
			t.Errorf("%s: status %d, want %d: %.300s", c.name, r.Status, c.status, r.Body)
		}
		if r.code() != c.code {
			t.Errorf("%s: code %q, want %q: %.300s", c.name, r.code(), c.code, r.Body)
		}
	}
	after, hAfter := w.request("jSub"), len(w.history("jSub"))
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("bad input changed the request:\n%v\n%v", before, after)
	}
	if hAfter != hBefore {
		t.Errorf("bad input added history: %d → %d entries", hBefore, hAfter)
	}
}

func TestAuthFailures(t *testing.T) {
	// Ensures missing, malformed, tampered, expired and foreign-partner tokens get 401 with a code and a WWW-Authenticate header.
	w := mustWorld(t)
	ghost, _, _ := w.srv.Issuer.Issue(lot.Principal{Subject: "fp-ghost", Role: lot.RoleFP, Partner: "ghost"})
	cpAsFP, _, _ := w.srv.Issuer.Issue(lot.Principal{Subject: "x", Role: lot.RoleFP, Partner: "northstar"})
	good := w.tok["juniper"]
	parts := strings.Split(good, ".")
	forged := parts[0] + "." + strings.TrimRight(parts[1], "=") + "A." + parts[2]
	w.tok["ghost"], w.tok["cpAsFP"], w.tok["forged"], w.tok["junk"] = ghost, cpAsFP, forged, "not.a.jwt"
	for _, who := range []string{"", "junk", "forged", "ghost", "cpAsFP"} {
		r := w.do(who, "GET", "/v1/requests", nil)
		if r.Status != 401 || r.code() != "unauthorized" || r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("token %q: %d %s", who, r.Status, r.Body)
		}
	}
	w.clock.Add(oauth.TokenTTL + time.Minute)
	r := w.do("juniper", "GET", "/v1/requests", nil)
	if r.Status != 401 || !strings.Contains(string(r.Body), "expired") {
		t.Errorf("expired token: %d %s", r.Status, r.Body)
	}
}

func TestTokenEndpoint(t *testing.T) {
	// Ensures the client credentials grant works by Basic auth and by form, refuses bad clients per RFC 6749, and its tokens open the API.
	w := mustWorld(t, func(c *app.LocalConfig) { c.Demo = true })
	form := func(v url.Values, user, pass string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("POST", w.srv.URL+"/oauth2/token", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		res, err := http.DefaultClient.Do(req)
		must(t, err)
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		return res, m
	}
	cc := url.Values{"grant_type": {"client_credentials"}}
	res, m := form(cc, "fp-juniper", "fp-juniper-secret")
	if res.StatusCode != 200 || m["token_type"] != "Bearer" || m["expires_in"] != 3600.0 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("basic: %d %v", res.StatusCode, m)
	}
	w.tok["viaBasic"] = m["access_token"].(string)
	if r := w.do("viaBasic", "GET", "/v1/requests?limit=1", nil); r.Status != 200 {
		t.Errorf("token from the endpoint refused: %d", r.Status)
	}
	res, m = form(url.Values{"grant_type": {"client_credentials"}, "client_id": {"cp-northstar"}, "client_secret": {"cp-northstar-secret"}}, "", "")
	if res.StatusCode != 200 || !strings.Contains(m["scope"].(string), "openlot/partner.northstar") {
		t.Errorf("form: %d %v", res.StatusCode, m)
	}
	for _, c := range []struct {
		v          url.Values
		user, pass string
		status     int
		err        string
	}{
		{cc, "fp-juniper", "wrong", 401, "invalid_client"},
		{cc, "nobody", "x", 401, "invalid_client"},
		{url.Values{"grant_type": {"password"}}, "fp-juniper", "fp-juniper-secret", 400, "unsupported_grant_type"},
		{url.Values{}, "fp-juniper", "fp-juniper-secret", 400, "invalid_request"},
		{url.Values{"grant_type": {"client_credentials"}, "scope": {"openlot/cancel"}}, "fp-lumen", "fp-lumen-secret", 400, "invalid_scope"},
	} {
		res, m := form(c.v, c.user, c.pass)
		if res.StatusCode != c.status || m["error"] != c.err || m["code"] != c.err {
			t.Errorf("%v %s: %d %v", c.v, c.user, res.StatusCode, m)
		}
	}
	jwks, err := http.Get(w.srv.URL + "/.well-known/jwks.json")
	must(t, err)
	var set struct{ Keys []map[string]any }
	must(t, json.NewDecoder(jwks.Body).Decode(&set))
	jwks.Body.Close()
	if len(set.Keys) != 1 || set.Keys[0]["kty"] != "EC" || set.Keys[0]["d"] != nil || set.Keys[0]["kid"] == nil {
		t.Errorf("jwks %v", set)
	}
}

func TestIdempotencyKey(t *testing.T) {
	// Ensures a retried POST with the same Idempotency-Key and body gets the first answer and makes no second change.
	w := mustWorld(t)
	path := "/v1/requests/" + w.ids["jSub"] + "/comments"
	first := w.do("juniper", "POST", path, map[string]any{"text": "once"}, "Idempotency-Key", "k-123")
	again := w.do("juniper", "POST", path, map[string]any{"text": "once"}, "Idempotency-Key", "k-123")
	if first.Status != 201 || again.Status != 201 || string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
	}
	if n := len(w.do("juniper", "GET", path, nil).json(t)["comments"].([]any)); n != 1 {
		t.Fatalf("%d comments after a retried POST, want 1", n)
	}
	if r := w.do("juniper", "POST", path, map[string]any{"text": "different"}, "Idempotency-Key", "k-123"); r.Status != 422 || r.code() != "idempotency_key_reused" {
		t.Errorf("reused key: %d %s", r.Status, r.Body)
	}
	// Keys belong to their caller: another partner's same key is a new request.
	if r := w.do("studio", "POST", path, map[string]any{"text": "once"}, "Idempotency-Key", "k-123"); r.Status != 201 || r.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("other caller's key: %d %v", r.Status, r.Header)
	}
	// Failed requests are remembered too: the retry gets the same 4xx.
	bad := w.do("juniper", "POST", "/v1/requests/"+w.ids["jSub"]+"/cancel", map[string]any{"reason": "x"}, "Idempotency-Key", "k-9")
	badAgain := w.do("juniper", "POST", "/v1/requests/"+w.ids["jSub"]+"/cancel", map[string]any{"reason": "x"}, "Idempotency-Key", "k-9")
	if bad.Status != 403 || badAgain.Status != 403 || badAgain.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("4xx replay: %d %d", bad.Status, badAgain.Status)
	}
	if r := w.do("juniper", "POST", path, map[string]any{"text": "x"}, "Idempotency-Key", strings.Repeat("k", 300)); r.Status != 400 {
		t.Errorf("oversized key: %d", r.Status)
	}
}

func TestRateLimit(t *testing.T) {
	// Ensures a caller over its rate gets 429 rate_limited with Retry-After, while other callers go on.
	w := mustWorld(t, func(c *app.LocalConfig) { c.RatePerSecond, c.Burst = 0.001, 3 })
	codes := []int{}
	for range 5 {
		codes = append(codes, w.do("juniper", "GET", "/v1/requests?limit=1", nil).Status)
	}
	if fmt.Sprint(codes) != "[200 200 200 429 429]" {
		t.Errorf("codes %v", codes)
	}
	r := w.do("juniper", "GET", "/v1/requests?limit=1", nil)
	if r.code() != "rate_limited" || r.Header.Get("Retry-After") == "" {
		t.Errorf("429: %s %v", r.Body, r.Header)
	}
	if r := w.do("lumen", "GET", "/v1/requests?limit=1", nil); r.Status != 200 {
		t.Errorf("another caller: %d", r.Status)
	}
}

func TestHTTPErrorsHaveTheirOwnCodes(t *testing.T) {
	// Ensures answers the router and the body reader give (wrong method, unknown route, a body that is not JSON) carry a code of their own, with its status.
	w := mustWorld(t)
	path := "/v1/requests/" + w.ids["jSub"] + "/comments"
	for _, c := range []struct {
		name, method, path string
		status             int
		code, allow        string
	}{
		{"wrong method", "DELETE", path, 405, "method_not_allowed", "GET, POST"},
		{"unknown route", "GET", "/v1/nothing-here", 404, "not_found", ""},
	} {
		r := w.do("juniper", c.method, c.path, nil)
		if r.Status != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, r.Status, c.status, r.Body)
		}
		if r.code() != c.code {
			t.Errorf("%s: code %q, want %q", c.name, r.code(), c.code)
		}
		if got := strings.Join(r.Header.Values("Allow"), ", "); got != c.allow {
			t.Errorf("%s: Allow %q, want %q", c.name, got, c.allow)
		}
	}
	// Not through w.do: the document lists no 415 for the route.
	req, _ := http.NewRequest("POST", w.srv.URL+path, strings.NewReader("text=hello"))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Authorization", "Bearer "+w.tok["juniper"])
	res, err := http.DefaultClient.Do(req)
	must(t, err)
	defer res.Body.Close()
	var e struct{ Code, Message string }
	must(t, json.NewDecoder(res.Body).Decode(&e))
	if res.StatusCode != 415 {
		t.Errorf("body not JSON: status %d, want 415", res.StatusCode)
	}
	if e.Code != "unsupported_media_type" {
		t.Errorf("body not JSON: code %q, want unsupported_media_type", e.Code)
	}
}
