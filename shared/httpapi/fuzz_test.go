package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// fuzzRoutes are the POST and PUT operations FuzzJSONBodies sends bodies
// to; {r} is a deliverable request of juniper's, {t} a transfer to it.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/v1/requests/{r}/comments"}, {"POST", "/v1/requests/{r}/material-status"},
	{"POST", "/v1/requests/{r}/estimated-delivery-date"}, {"POST", "/v1/requests/{r}/service-type"},
	{"POST", "/v1/requests/{r}/cancel"}, {"POST", "/v1/requests/{r}/subassign"}, {"POST", "/v1/requests/{r}/take-back"}, {"POST", "/v1/requests/{r}/redelivery"},
	{"POST", "/v1/requests/{r}/upgrade"}, {"POST", "/v1/requests"}, {"POST", "/v1/requests/comments"},
	{"POST", "/v1/requests/material-status"}, {"POST", "/v1/requests/estimated-delivery-date"},
	{"POST", "/v1/requests/service-type"}, {"POST", "/v1/requests/cancel"}, {"POST", "/v1/requests/uncancel"}, {"POST", "/v1/requests/export"}, {"POST", "/v1/transfers"},
	{"POST", "/v1/deliveries/plan"}, {"PUT", "/v1/templates/fuzz"}, {"POST", "/v1/transfers/{t}/parts"},
	{"POST", "/v1/transfers/{t}/complete"}, {"POST", "/v1/transfers/{t}/override"}, {"POST", "/v1/transfers/{t}/qc/events"},
	{"POST", "/v1/transfers/{t}/reject"}, {"POST", "/v1/materials"}, {"POST", "/v1/materials/uploads"},
}

// FuzzJSONBodies sends any body, as any principal, to the API's POST and
// PUT operations on an in-process handler: never a panic nor a 5xx, and
// every refusal is {code, message} with its code's status. A longer run:
// go test -run '^$' -fuzz '^FuzzJSONBodies$' -fuzztime 5m ./shared/httpapi
func FuzzJSONBodies(f *testing.F) {
	for i, body := range []string{
		`{"text":"hello"}`, `{"status":"RECEIVED","reason":"ok","comment":"c"}`, `{"status":"Received","reason":"\u0000"}`,
		`{"date":"2026-12-01T10:00:00","timeZone":"Europe/Madrid","reason":"r"}`, `{"serviceType":"CREATE"}`,
		`{"reason":"not needed"}`, `{"to":"lumen","comment":"x"}`, `{"ids":["x"],"text":"t"}`, `{"ids":[],"format":"CSV"}`,
		`{"transfers":[{"requestId":"x","files":[{"name":"a.ttml","size":10,"metadata":{"frameRate":"24"}}]}],"dryRun":true}`,
		`{"files":[{"name":"tides_es.ttml","size":1}],"requestIds":["x"]}`, `{"query":"status=Open&group=language"}`,
		`{"parts":[{"file":0,"number":1,"size":5}]}`, `{"files":[{"sha256":"00"}]}`, `{"reason":"ok"}`,
		`{"in":"00:00:01:00","out":"00:00:02:00","severity":"ISSUE","category":"1.1","note":"n"}`, `{}`, `[]`, `null`,
		`{"text":1e999}`, `{"ids":[` + strings.Repeat(`"x",`, 600) + `"x"]}`, `{"date":"9999-99-99"}`, "\xff\xfe", `{"a":`,
	} {
		f.Add(uint8(i), uint8(i), []byte(body))
	}
	h, tokens, ids := mustFuzzServer(f)
	names := []string{"juniper", "lumen", "northstar", "studio", "qc"}
	f.Fuzz(func(t *testing.T, route, who uint8, body []byte) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		path := strings.NewReplacer("{r}", ids["r"], "{t}", ids["t"]).Replace(rt.path)
		req := httptest.NewRequest(rt.method, path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokens[names[int(who)%len(names)]])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", rt.method, path, body, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e struct{ Code, Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Message == "" {
				t.Fatalf("%s %s %q: %d, not {code, message}: %s", rt.method, path, body, rec.Code, rec.Body)
			}
			if problem.Status(e.Code) != rec.Code {
				t.Fatalf("%s %s %q: %d for code %s, whose status is %d", rt.method, path, body, rec.Code, e.Code, problem.Status(e.Code))
			}
		}
	})
}

// mustFuzzServer opens a local server with two partners' requests, a
// transfer waiting for upload and a token per principal, and returns its
// in-process handler, the tokens and the IDs of the request (r) and the
// transfer (t).
func mustFuzzServer(tb testing.TB) (http.Handler, map[string]string, map[string]string) {
	tb.Helper()
	ctx := context.Background()
	now := today
	srv := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: tb.TempDir(), Clock: lot.ClockFunc(func() time.Time { return now }),
		IDs: ids.NewSeeded(1, today), Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), RatePerSecond: 1e9, Burst: 1 << 30})
	if err := srv.Open(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	s := srv.Store
	for _, p := range []*lot.Partner{
		{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment, Subassignees: []string{"lumen"}},
		{ID: "lumen", Name: "Lumen", Kind: lot.PartnerFulfillment},
		{ID: "northstar", Name: "Northstar", Kind: lot.PartnerContent},
	} {
		must(tb, s.PutPartner(ctx, p))
	}
	title := &lot.Title{MovieID: 81000001, Name: "House of Tides", ReleaseYear: 2026, MovieType: lot.MovieEpisode, ContentPartner: "northstar"}
	pkg := &lot.Package{ID: 700001, MovieID: title.MovieID, Countries: []string{"ES"}}
	must(tb, s.PutTitle(ctx, title))
	must(tb, s.PutPackage(ctx, pkg))
	gen := ids.NewSeeded(99, today.Add(-72*time.Hour))
	r, err := lot.Create(lot.Act{By: principals["studio"], At: today.Add(-48 * time.Hour)}, gen.NewID(), lot.NewRequest{
		Title: title, Package: pkg, FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment},
		SourceType: lot.SourceForcedSub, Language: "es", DueDate: lot.DateOf(today).AddDays(5)})
	must(tb, err)
	r.MaterialStatus = lot.MaterialReceived
	must(tb, s.CreateRequests(ctx, r))
	tokens := map[string]string{}
	for name, p := range principals {
		tok, _, err := srv.Issuer.Issue(p)
		must(tb, err)
		tokens[name] = tok
	}
	// A transfer to r, started through the API.
	body := `{"transfers":[{"requestId":"` + r.ID + `","files":[{"name":"tides_es.ttml","size":100,"metadata":{"subtitleFormat":"TTML","frameRate":"24"}}]}]}`
	req := httptest.NewRequest("POST", "/v1/transfers", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tokens["juniper"])
	rec := httptest.NewRecorder()
	srv.Handler.ServeHTTP(rec, req)
	var started struct {
		Results []struct {
			OK       bool
			Message  string
			Transfer struct{ ID string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &started); err != nil || len(started.Results) != 1 || !started.Results[0].OK {
		tb.Fatalf("starting a transfer: %d %s", rec.Code, rec.Body)
	}
	return srv.Handler, tokens, map[string]string{"r": r.ID, "t": started.Results[0].Transfer.ID}
}
