package httpapi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
)

func TestQCQueueListsTheCardsEachRoleMaySee(t *testing.T) {
	// Ensures GET /v1/qc lists QC cards across requests, newest first, by
	// status, to operators all of them and to a partner only its own, with
	// the request each belongs to and what the caller may do, page by page.
	w := mustWorld(t, unlimited)
	gen := ids.NewSeeded(7, today)
	get := func(id string) *lot.Request {
		r, err := w.srv.Store.GetRequest(t.Context(), w.ids[id])
		must(t, err)
		return r
	}
	qcIn := func(st lot.QCStatus) *lot.QC {
		return &lot.QC{Status: st, FrameRate: 24, Events: []lot.QCEvent{}, Timeline: []lot.QCChange{{Status: st, At: today, By: "openlot"}}}
	}
	ready := w.mustTransferIn(gen, get("jDone"), lot.TransferProcessed, []lot.Finding{}, qcIn(lot.QCReady))
	failed := w.mustTransferIn(gen, get("lSub"), lot.TransferProcessed, []lot.Finding{}, qcIn(lot.QCFailed))
	sub := w.mustTransferIn(gen, get("lToJ"), lot.TransferProcessed, []lot.Finding{}, qcIn(lot.QCReady))
	w.mustTransferIn(gen, get("jSub"), lot.TransferFailed, []lot.Finding{}, nil) // no QC: never in the queue

	ids := func(who, query string) (list []string, next string) {
		t.Helper()
		res := w.do(who, "GET", "/v1/qc"+query, nil)
		if res.Status != 200 {
			t.Fatalf("%s GET /v1/qc%s: %d %s", who, query, res.Status, res.Body)
		}
		body := res.json(t)
		for _, c := range body["qc"].([]any) {
			list = append(list, c.(map[string]any)["transferId"].(string))
		}
		return list, body["next"].(string)
	}
	name := map[string]string{ready.ID: "ready", failed.ID: "failed", sub.ID: "sub"}
	names := func(l []string) string {
		var out []string
		for _, id := range l {
			out = append(out, name[id])
		}
		return fmt.Sprint(out)
	}
	for _, c := range []struct{ who, query, want string }{
		{"qc", "", "[sub failed ready]"},
		{"studio", "", "[sub failed ready]"},
		{"qc", "?status=ready", "[sub ready]"},
		{"qc", "?status=Failed,In%20Progress", "[failed]"},
		{"qc", "?partner=lumen", "[sub failed]"},
		{"juniper", "", "[sub ready]"},
		{"lumen", "?status=FAILED", "[failed]"},
		{"northstar", "", "[ready]"},
	} {
		got, _ := ids(c.who, c.query)
		if names(got) != c.want {
			t.Errorf("%s GET /v1/qc%s lists %s, want %s", c.who, c.query, names(got), c.want)
		}
	}

	first, next := ids("qc", "?limit=2")
	rest, last := ids("qc", "?limit=2&cursor="+next)
	if names(first) != "[sub failed]" || names(rest) != "[ready]" || last != "" {
		t.Errorf("pages of 2: %s then %s (next %q), want [sub failed] then [ready] and no next", names(first), names(rest), last)
	}

	cards := w.do("qc", "GET", "/v1/qc?status=READY&partner=juniper", nil).json(t)["qc"].([]any)
	card := cards[len(cards)-1].(map[string]any) // the oldest: jDone's
	req := card["request"].(map[string]any)
	if req["id"] != w.ids["jDone"] || req["title"] != "House of Tides" || req["sourceType"] != "SUBTITLE" {
		t.Errorf("the card's request is %v, want jDone, House of Tides, SUBTITLE", req)
	}
	if start := card["actions"].(map[string]any)["start"].(map[string]any); start["allowed"] != true {
		t.Errorf("a QC operator may not start a Ready QC from the queue: %v", start)
	}
	part := w.do("juniper", "GET", "/v1/qc?status=READY", nil).json(t)["qc"].([]any)[0].(map[string]any)
	if start := part["actions"].(map[string]any)["start"].(map[string]any); start["allowed"] != false {
		t.Errorf("a partner may start QC from the queue: %v", start)
	}

	one := w.do("juniper", "GET", "/v1/transfers/"+ready.ID+"/qc", nil).json(t)
	if one["transferId"] != ready.ID || one["request"].(map[string]any)["id"] != w.ids["jDone"] {
		t.Errorf("GET /v1/transfers/{id}/qc as its partner: %v", one)
	}
	for who, code := range map[string]int{"lumen": 404, "qc": 200} {
		if res := w.do(who, "GET", "/v1/transfers/"+ready.ID+"/qc", nil); res.Status != code {
			t.Errorf("%s GET /v1/transfers/{id}/qc of juniper's delivery: %d, want %d", who, res.Status, code)
		}
	}

	for _, q := range []string{"?status=bogus", "?cursor=nope", "?limit=0", "?limit=501"} {
		if res := w.do("qc", "GET", "/v1/qc"+q, nil); res.Status != 400 && res.Status != 422 {
			t.Errorf("GET /v1/qc%s: %d, want 400 or 422", q, res.Status)
		}
	}
	if res := w.do("", "GET", "/v1/qc", nil); res.Status != 401 {
		t.Errorf("GET /v1/qc without a token: %d, want 401", res.Status)
	}
}

func TestOverridesListTheDeliveriesWaitingForTheStudio(t *testing.T) {
	// Ensures GET /v1/overrides lists overridden deliveries until the studio
	// verifies or rejects them, newest first, each with its request and the
	// verify and reject actions, and to a partner only its own.
	w := mustWorld(t, unlimited)
	gen := ids.NewSeeded(8, today)
	get := func(id string) *lot.Request {
		r, err := w.srv.Store.GetRequest(t.Context(), w.ids[id])
		must(t, err)
		return r
	}
	black := []lot.Finding{{Code: "BLACK_SEGMENT", Message: "black from 0:00:03", Overridable: true}}
	j := w.mustTransferIn(gen, get("jSub"), lot.TransferOverridden, black, nil)
	l := w.mustTransferIn(gen, get("lSub"), lot.TransferOverridden, black, nil)
	w.mustTransferIn(gen, get("jForced"), lot.TransferFailed, black, nil) // failed, not overridden: not waiting

	list := func(who, query string) []string {
		t.Helper()
		res := w.do(who, "GET", "/v1/overrides"+query, nil)
		if res.Status != 200 {
			t.Fatalf("%s GET /v1/overrides%s: %d %s", who, query, res.Status, res.Body)
		}
		var out []string
		for _, c := range res.json(t)["transfers"].([]any) {
			out = append(out, c.(map[string]any)["id"].(string))
		}
		return out
	}
	for _, c := range []struct {
		who, query string
		want       []string
	}{
		{"studio", "", []string{l.ID, j.ID}},
		{"studio", "?partner=juniper", []string{j.ID}},
		{"juniper", "", []string{j.ID}},
		{"lumen", "", []string{l.ID}},
		{"northstar", "", []string{j.ID}},
	} {
		if got := list(c.who, c.query); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s GET /v1/overrides%s lists %v, want %v", c.who, c.query, got, c.want)
		}
	}
	card := w.do("studio", "GET", "/v1/overrides?limit=1", nil).json(t)
	first := card["transfers"].([]any)[0].(map[string]any)
	if first["request"].(map[string]any)["id"] != w.ids["lSub"] || card["next"] != l.ID {
		t.Errorf("the first page of 1: %v (next %v), want lSub's delivery and a next page", first["request"], card["next"])
	}
	if v := first["actions"].(map[string]any)["verify"].(map[string]any); v["allowed"] != true {
		t.Errorf("the studio may not verify from the queue: %v", v)
	}
	if c := w.do("lumen", "GET", "/v1/transfers/"+l.ID, nil).json(t); c["status"] != "OVERRIDDEN" || c["overrideVerified"] != false {
		t.Errorf("an override before the studio verified it: status %v, overrideVerified %v; want OVERRIDDEN (Override Pending), false", c["status"], c["overrideVerified"])
	}
	if res := w.do("studio", "POST", "/v1/transfers/"+l.ID+"/verify", map[string]any{}); res.Status != 200 {
		t.Fatalf("verify: %d %s", res.Status, res.Body)
	}
	// Verified, the delivery is Processed and says it is an override (Overridden), as the history does.
	if c := w.do("lumen", "GET", "/v1/transfers/"+l.ID, nil).json(t); c["status"] != "PROCESSED" || c["overrideVerified"] != true {
		t.Errorf("a verified override: status %v, overrideVerified %v; want PROCESSED, true", c["status"], c["overrideVerified"])
	}
	var actions []any
	for _, e := range w.do("lumen", "GET", "/v1/requests/"+w.ids["lSub"]+"/history", nil).json(t)["entries"].([]any) {
		actions = append(actions, e.(map[string]any)["action"])
	}
	if !slices.Contains(actions, any("OVERRIDE_VERIFIED")) || slices.Contains(actions, any("PROCESSED")) {
		t.Errorf("the request's history after the verification: %v, want OVERRIDE_VERIFIED and no PROCESSED (inspection never passed)", actions)
	}
	if got := list("studio", ""); fmt.Sprint(got) != fmt.Sprint([]string{j.ID}) {
		t.Errorf("after verifying lumen's override the queue lists %v, want only juniper's", got)
	}
	// QC opened on the verified delivery, and its timeline says why it is
	// Ready: the studio's verification, not a passed inspection (it failed).
	res := w.do("qc", "GET", "/v1/transfers/"+l.ID+"/qc", nil)
	if res.Status != 200 {
		t.Fatalf("the verified delivery's QC: %d %s", res.Status, res.Body)
	}
	var ready string
	for _, c := range res.json(t)["qc"].(map[string]any)["timeline"].([]any) {
		if c := c.(map[string]any); c["status"] == "READY" {
			ready, _ = c["note"].(string)
		}
	}
	if ready != lot.QCReadyVerified {
		t.Errorf("the verified delivery's QC turned Ready because %q, want %q", ready, lot.QCReadyVerified)
	}
}
