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
	wantFields(t, "request", r, map[string]any{"status": "OPEN", "sourceType": "SUBTITLE", "language": "es", "dueDate": "2026-11-27", "fulfillmentPartner": "juniper"})
	if got := fmt.Sprint(p["countries"]); got != "[ES MX]" {
		t.Errorf("package countries = %s, want [ES MX]", got)
	}
	wantFields(t, "title", ti, map[string]any{"name": "House of Tides", "dayAfterBroadcast": true, "movieType": "EPISODE"})
}

func TestMaterialStatusSingleAndBulk(t *testing.T) {
	// Ensures single and bulk material status changes apply, answer per ID and land in history with reason and comment.
	w := mustWorld(t)
	r := w.do("juniper", "POST", "/v1/requests/"+w.ids["jSub"]+"/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "proxy downloaded", "comment": "starting"})
	if r.Status != 200 {
		t.Fatalf("single: status %d, want 200: %s", r.Status, r.Body)
	}
	wantFields(t, "single:", r.json(t), map[string]any{"materialStatus": "RECEIVED", "version": 2.0})
	h := w.history("jSub")
	last := h[len(h)-1].(map[string]any)
	wantFields(t, "history entry", last, map[string]any{"action": "MATERIAL_STATUS_CHANGED", "before": "NOT_RECEIVED", "after": "RECEIVED",
		"reason": "proxy downloaded", "comment": "starting", "actor": "fp-juniper", "role": "FP"})
	ids := []string{w.ids["jSub"], w.ids["jForced"], w.ids["jDone"], "not-an-id", w.ids["lToJ"], w.ids["lSub"]}
	res := w.do("juniper", "POST", "/v1/requests/material-status", map[string]any{"ids": ids, "materialStatus": "ACCEPTED", "reason": "reviewed"}).json(t)["results"].([]any)
	want := []string{"", "", "not_allowed", "invalid", "forbidden", "not_found"}
	for i, x := range res {
		m := x.(map[string]any)
		if m["id"] != ids[i] {
			t.Errorf("result %d: id %v, want %s", i, m["id"], ids[i])
		}
		if (want[i] == "") != (m["ok"] == true) {
			t.Errorf("result %d: ok %v, want %v: %v", i, m["ok"], want[i] == "", m)
		}
		if want[i] != "" && m["code"] != want[i] {
			t.Errorf("result %d: code %v, want %s", i, m["code"], want[i])
		}
	}
	if got := w.request("jForced")["materialStatus"]; got != "ACCEPTED" {
		t.Errorf("bulk left jForced %v, want ACCEPTED", got)
	}
	if got := w.request("jDone")["materialStatus"]; got != "NOT_RECEIVED" {
		t.Errorf("bulk changed jDone, a failed ID, to %v, want NOT_RECEIVED", got)
	}
	big := make([]string, 501)
	for i := range big {
		big[i] = missingID
	}
	r = w.do("juniper", "POST", "/v1/requests/material-status", map[string]any{"ids": big, "materialStatus": "ACCEPTED", "reason": "x"})
	if r.Status != 413 {
		t.Errorf("501 IDs: status %d, want 413: %s", r.Status, r.Body)
	}
	if r.code() != "too_large" {
		t.Errorf("501 IDs: code %q, want too_large", r.code())
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
		if r.Status != s.status {
			t.Errorf("%s %s %s: status %d, want %d: %s", s.who, s.action, s.name, r.Status, s.status, r.Body)
		}
		if s.code != "" && r.code() != s.code {
			t.Errorf("%s %s %s: code %q, want %q", s.who, s.action, s.name, r.code(), s.code)
		}
	}
	got := w.request("jSub")
	wantFields(t, "jSub after actions:", got, map[string]any{"subAssignee": "lumen", "serviceType": "CONFORM",
		"estimatedDeliveryDate": "2026-12-01T17:30:00-08:00", "estimatedDeliveryTimeZone": "America/Los_Angeles"})
	comments := w.do("juniper", "GET", "/v1/requests/"+w.ids["jSub"]+"/comments", nil).json(t)["comments"].([]any)
	if len(comments) != 2 {
		t.Fatalf("%d comments, want 2: %v", len(comments), comments)
	}
	if got := comments[0].(map[string]any)["partner"]; got != "lumen" {
		t.Errorf("comment 0 partner = %v, want lumen", got)
	}
	if got := comments[1].(map[string]any)["role"]; got != "CP" {
		t.Errorf("comment 1 role = %v, want CP", got)
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
	if r.Status != 201 {
		t.Fatalf("create: status %d, want 201: %s", r.Status, r.Body)
	}
	if loc, want := r.Header.Get("Location"), "/v1/requests/"+r.json(t)["id"].(string); loc != want {
		t.Errorf("create: Location %q, want %q", loc, want)
	}
	wantFields(t, "created", r.json(t), map[string]any{"language": "en-US", "contentPartner": "northstar"})
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
	wantFields(t, "upgraded request", old, map[string]any{"status": "UPGRADED", "upgradedTo": nw["id"]})
	wantFields(t, "request created by the upgrade,", nw, map[string]any{"upgradedFrom": old["id"], "status": "OPEN", "dueDate": "2027-02-01"})
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
		{"unknown status in body", "POST", path, map[string]any{"materialStatus": "Recieved", "reason": "x"}, 400, "invalid"},
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
		if r.Status != 401 {
			t.Errorf("token %q: status %d, want 401: %s", who, r.Status, r.Body)
		}
		if r.code() != "unauthorized" {
			t.Errorf("token %q: code %q, want unauthorized", who, r.code())
		}
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("token %q: no WWW-Authenticate header", who)
		}
	}
	w.clock.Add(oauth.TokenTTL + time.Minute)
	r := w.do("juniper", "GET", "/v1/requests", nil)
	if r.Status != 401 {
		t.Errorf("expired token: status %d, want 401: %s", r.Status, r.Body)
	}
	if !strings.Contains(string(r.Body), "expired") {
		t.Errorf("expired token: body %s does not say expired", r.Body)
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
	if res.StatusCode != 200 {
		t.Fatalf("basic: status %d, want 200: %v", res.StatusCode, m)
	}
	wantFields(t, "basic:", m, map[string]any{"token_type": "Bearer", "expires_in": 3600.0})
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("basic: Cache-Control %q, want no-store", cc)
	}
	w.tok["viaBasic"] = m["access_token"].(string)
	if r := w.do("viaBasic", "GET", "/v1/requests?limit=1", nil); r.Status != 200 {
		t.Errorf("token from the endpoint refused: %d", r.Status)
	}
	res, m = form(url.Values{"grant_type": {"client_credentials"}, "client_id": {"cp-northstar"}, "client_secret": {"cp-northstar-secret"}}, "", "")
	if res.StatusCode != 200 {
		t.Errorf("form: status %d, want 200: %v", res.StatusCode, m)
	}
	if scope, _ := m["scope"].(string); !strings.Contains(scope, "openlot/partner.northstar") {
		t.Errorf("form: scope %q, want it to hold openlot/partner.northstar", scope)
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
		if res.StatusCode != c.status {
			t.Errorf("%v %s: status %d, want %d: %v", c.v, c.user, res.StatusCode, c.status, m)
		}
		wantFields(t, fmt.Sprintf("%v %s:", c.v, c.user), m, map[string]any{"error": c.err, "code": c.err})
	}
	jwks, err := http.Get(w.srv.URL + "/.well-known/jwks.json")
	must(t, err)
	var set struct{ Keys []map[string]any }
	must(t, json.NewDecoder(jwks.Body).Decode(&set))
	jwks.Body.Close()
	if len(set.Keys) != 1 {
		t.Fatalf("jwks has %d keys, want 1: %v", len(set.Keys), set)
	}
	wantFields(t, "jwks key", set.Keys[0], map[string]any{"kty": "EC", "d": nil})
	if set.Keys[0]["kid"] == nil {
		t.Errorf("jwks key has no kid: %v", set.Keys[0])
	}
}

func TestIdempotencyKey(t *testing.T) {
	// Ensures a retried POST with the same Idempotency-Key and body gets the first answer and makes no second change.
	w := mustWorld(t)
	path := "/v1/requests/" + w.ids["jSub"] + "/comments"
	first := w.do("juniper", "POST", path, map[string]any{"text": "once"}, "Idempotency-Key", "k-123")
	again := w.do("juniper", "POST", path, map[string]any{"text": "once"}, "Idempotency-Key", "k-123")
	if first.Status != 201 {
		t.Errorf("first: status %d, want 201: %s", first.Status, first.Body)
	}
	if again.Status != 201 {
		t.Errorf("replay: status %d, want 201: %s", again.Status, again.Body)
	}
	if string(first.Body) != string(again.Body) {
		t.Errorf("replay: body %s, want the first answer's %s", again.Body, first.Body)
	}
	if h := again.Header.Get("Idempotent-Replayed"); h != "true" {
		t.Errorf("replay: Idempotent-Replayed %q, want true", h)
	}
	if n := len(w.do("juniper", "GET", path, nil).json(t)["comments"].([]any)); n != 1 {
		t.Fatalf("%d comments after a retried POST, want 1", n)
	}
	reused := w.do("juniper", "POST", path, map[string]any{"text": "different"}, "Idempotency-Key", "k-123")
	if reused.Status != 422 {
		t.Errorf("reused key: status %d, want 422: %s", reused.Status, reused.Body)
	}
	if reused.code() != "idempotency_key_reused" {
		t.Errorf("reused key: code %q, want idempotency_key_reused", reused.code())
	}
	// Keys belong to their caller: another partner's same key is a new request.
	other := w.do("studio", "POST", path, map[string]any{"text": "once"}, "Idempotency-Key", "k-123")
	if other.Status != 201 {
		t.Errorf("other caller's key: status %d, want 201: %s", other.Status, other.Body)
	}
	if h := other.Header.Get("Idempotent-Replayed"); h != "" {
		t.Errorf("other caller's key: Idempotent-Replayed %q, want none", h)
	}
	// Failed requests are remembered too: the retry gets the same 4xx.
	bad := w.do("juniper", "POST", "/v1/requests/"+w.ids["jSub"]+"/cancel", map[string]any{"reason": "x"}, "Idempotency-Key", "k-9")
	badAgain := w.do("juniper", "POST", "/v1/requests/"+w.ids["jSub"]+"/cancel", map[string]any{"reason": "x"}, "Idempotency-Key", "k-9")
	if bad.Status != 403 {
		t.Errorf("4xx: status %d, want 403", bad.Status)
	}
	if badAgain.Status != 403 {
		t.Errorf("4xx replay: status %d, want 403", badAgain.Status)
	}
	if h := badAgain.Header.Get("Idempotent-Replayed"); h != "true" {
		t.Errorf("4xx replay: Idempotent-Replayed %q, want true", h)
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
	if r.code() != "rate_limited" {
		t.Errorf("429: code %q, want rate_limited: %s", r.code(), r.Body)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Errorf("429: no Retry-After header: %v", r.Header)
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
