package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

// kind is a request of one sort the walk makes in every status: who
// delivers it, its source type (partners cancel Forced Sub only; AV Muxed
// has no service type to edit), its materials (deliveries need them) and
// a file fit to deliver to it.
type kind struct {
	name    string
	movie   int64
	pkg     int64
	fp, sub string
	source  lot.SourceType
	ms      lot.MaterialStatus
	file    map[string]any
}

var walkKinds = []kind{
	{"juniper's forced sub", 81000001, 700001, "juniper", "", lot.SourceForcedSub, lot.MaterialReceived,
		map[string]any{"name": "House of Tides_es_forced.ttml", "size": 100, "metadata": map[string]string{"subtitleFormat": "TTML", "frameRate": "24"}}},
	{"juniper's AV muxed without materials", 81000001, 700001, "juniper", "", lot.SourceAVMuxed, lot.MaterialNotReceived,
		map[string]any{"name": "House of Tides_es.mov", "size": 100, "metadata": map[string]string{"frameRate": "24", "videoResolution": "HD"}}},
	{"lumen's subtitle subassigned to juniper", 81000002, 700002, "lumen", "juniper", lot.SourceSubtitle, lot.MaterialReceived,
		map[string]any{"name": "Glass Harbor_es.ttml", "size": 100, "metadata": map[string]string{"subtitleFormat": "TTML", "frameRate": "24"}}},
}

// unlimited lifts the rate limit for tests that make many calls.
func unlimited(c *app.LocalConfig) { c.RatePerSecond, c.Burst = 1e6, 1e6 }

var walkRoles = []string{"juniper", "lumen", "northstar", "studio", "qc"}

// mustRequestIn stores a new request of kind k in status st and returns it.
func (w *world) mustRequestIn(gen *ids.Seeded, k kind, st lot.RequestStatus) *lot.Request {
	w.t.Helper()
	ctx := w.t.Context()
	title, err := w.srv.Store.GetTitle(ctx, k.movie)
	must(w.t, err)
	pkg, err := w.srv.Store.GetPackage(ctx, k.pkg)
	must(w.t, err)
	r, err := lot.Create(lot.Act{By: principals["studio"], At: today.Add(-48 * time.Hour)}, gen.NewID(), lot.NewRequest{
		Title: title, Package: pkg, FulfillmentPartner: &lot.Partner{ID: k.fp, Kind: lot.PartnerFulfillment},
		SourceType: k.source, Language: "es", DueDate: lot.DateOf(today).AddDays(5), MaterialStatus: k.ms})
	must(w.t, err)
	r.Status, r.SubAssignee = st, k.sub
	must(w.t, w.srv.Store.CreateRequests(ctx, r))
	return r
}

// outcome is what taking an action answered: success, or a code and message.
type outcome struct {
	ok            bool
	code, message string
	detail        string
}

func outcomeOf(r resp) outcome {
	if r.Status < 300 {
		return outcome{ok: true}
	}
	var e struct{ Code, Message string }
	_ = json.Unmarshal(r.Body, &e)
	return outcome{code: e.Code, message: e.Message, detail: fmt.Sprintf("%d %s", r.Status, r.Body)}
}

// takeRequestAction takes a request action through the API as who, with
// valid input, and says what it answered.
func (w *world) takeRequestAction(who, action string, r *lot.Request, k kind) outcome {
	w.t.Helper()
	path := "/v1/requests/" + r.ID
	post := func(p string, body any) outcome { return outcomeOf(w.do(who, "POST", path+p, body)) }
	reason := map[string]any{"reason": "the walk takes it"}
	switch action {
	case portal.ActSetMaterialStatus:
		return post("/material-status", map[string]any{"materialStatus": "ACCEPTED", "reason": "checked"})
	case portal.ActCancel:
		return post("/cancel", reason)
	case portal.ActUncancel:
		return post("/uncancel", reason)
	case portal.ActSubassign:
		// The first partner offered, or one the rules would otherwise take.
		to := "harbor"
		if who == "juniper" && r.FulfillmentPartner == "juniper" {
			to = "lumen"
		}
		if list := w.do(who, "GET", path+"/subassignees", nil).json(w.t)["partners"].([]any); len(list) > 0 {
			to = list[0].(map[string]any)["id"].(string)
		}
		return post("/subassign", map[string]any{"partner": to})
	case portal.ActTakeBack:
		return post("/take-back", map[string]any{})
	case portal.ActSetEstimatedDelivery:
		return post("/estimated-delivery-date", map[string]any{"date": lot.DateOf(today).AddDays(10).String(), "time": "17:00", "timeZone": "UTC", "reason": "CAPACITY"})
	case portal.ActSetServiceType:
		return post("/service-type", map[string]any{"serviceType": "CONFORM"})
	case portal.ActMarkMaterials:
		return post("/materials-available", map[string]any{"available": !r.MaterialsAvailable})
	case portal.ActComment:
		return post("/comments", map[string]any{"text": "the walk comments"})
	case portal.ActRequestRedelivery:
		return post("/redelivery", reason)
	case portal.ActUpgrade:
		return post("/upgrade", reason)
	case portal.ActDeliver:
		res := w.do(who, "POST", "/v1/transfers", map[string]any{"method": "UI", "transfers": []map[string]any{{"requestId": r.ID, "files": []any{k.file}}}})
		if res.Status != 200 {
			return outcomeOf(res)
		}
		one := res.json(w.t)["results"].([]any)[0].(map[string]any)
		if one["ok"] == true {
			return outcome{ok: true}
		}
		return outcome{code: one["code"].(string), message: one["message"].(string), detail: string(res.Body)}
	case portal.ActDownloadMaterials:
		return outcomeOf(w.do(who, "GET", "/v1/materials?requests="+r.ID, nil))
	}
	w.t.Fatalf("the walk cannot take %s", action)
	return outcome{}
}

// checkAllowance reports where what an action's allowance said differs
// from what taking it answered.
func checkAllowance(t *testing.T, where string, said map[string]any, got outcome) {
	t.Helper()
	if said == nil {
		t.Errorf("%s: no allowance reported", where)
		return
	}
	switch allowed := said["allowed"] == true; {
	case allowed && !got.ok:
		t.Errorf("%s: reported allowed, yet taking it answered %s", where, got.detail)
	case !allowed && got.ok:
		t.Errorf("%s: reported refused (%v: %v), yet taking it succeeded", where, said["code"], said["reason"])
	case !allowed && (said["code"] != got.code || said["reason"] != got.message):
		t.Errorf("%s: reported %v: %v; taking it answered %s: %s", where, said["code"], said["reason"], got.code, got.message)
	}
}

func TestRequestActionsSayWhatTakingThemAnswers(t *testing.T) {
	// Ensures the actions a request's details report, for every kind of
	// request in every status and every role that sees it, are what taking
	// each action through the API answers: one reported allowed succeeds
	// with valid input, one reported refused fails with the code and reason
	// reported. Search rows asked for actions report the same.
	w := mustWorld(t, unlimited)
	gen := ids.NewSeeded(7, today.Add(-24*time.Hour))
	allowed, refused := 0, 0
	for _, k := range walkKinds {
		for _, st := range lot.RequestStatuses {
			probe := w.mustRequestIn(gen, k, st)
			for _, who := range walkRoles {
				d := w.do(who, "GET", "/v1/requests/"+probe.ID, nil)
				if d.Status == 404 {
					continue // not in this role's scope
				}
				actions := d.json(t)["actions"].(map[string]any)
				rows := w.do(who, "GET", "/v1/requests?status=all&columns=title,actions&requestId="+probe.ID, nil).json(t)["rows"].([]any)
				if len(rows) != 1 {
					t.Fatalf("%s searching for %s: %d rows", who, probe.ID, len(rows))
				}
				if got, want := fmt.Sprint(rows[0].(map[string]any)["actions"]), fmt.Sprint(actions); got != want {
					t.Errorf("%s, %s %s: the search row's actions %s differ from the details' %s", who, st, k.name, got, want)
				}
				for _, action := range portal.RequestActions {
					said, _ := actions[action].(map[string]any)
					got := w.takeRequestAction(who, action, w.mustRequestIn(gen, k, st), k)
					checkAllowance(t, fmt.Sprintf("%s by %s on %s, %s", action, who, k.name, st), said, got)
					if got.ok {
						allowed++
					} else {
						refused++
					}
				}
			}
		}
	}
	t.Logf("request actions: %d taken as allowed, %d refused as reported", allowed, refused)
	if allowed == 0 || refused == 0 {
		t.Errorf("the walk took %d allowed and %d refused actions; it should meet both", allowed, refused)
	}
}

// mustTransferIn stores a delivery to r in status st: an inspection with
// findings when given, QC when given.
func (w *world) mustTransferIn(gen *ids.Seeded, r *lot.Request, st lot.TransferStatus, findings []lot.Finding, qc *lot.QC) *lot.Transfer {
	w.t.Helper()
	id := gen.NewID()
	t := &lot.Transfer{ID: id, RequestID: r.ID, FulfillmentPartner: r.FulfillmentPartner, SubAssignee: r.SubAssignee,
		ContentPartner: r.ContentPartner, Method: lot.MethodAPI, DeliveredBy: "fp-juniper", Status: st, CreatedAt: today,
		Files: []lot.TransferFile{{Name: "House of Tides_es_forced.ttml", Size: 100, SHA256: hexSum([]byte("x")), ContentType: "application/ttml+xml",
			Metadata: map[string]string{}, Key: "deliveries/" + r.ID + "/" + id + "/file-01", UploadID: "walk", PartSize: lot.MinTransferPart}},
		Timeline: []lot.TransferEvent{{Status: st, At: today, By: "openlot"}}, QC: qc}
	if findings != nil {
		t.Inspection = &lot.Inspection{Attempt: 1, PolicyVersion: "walk", Files: []lot.InspectedFile{}, Findings: findings, At: today}
		if len(findings) > 0 {
			t.ErrorCode, t.ErrorMessage = findings[0].Code, findings[0].Message
		}
	}
	must(w.t, w.srv.Store.CreateTransfer(w.t.Context(), t))
	return t
}

// cardActions returns the actions of delivery id on its request's cards
// as who sees them (nil when who does not see the request), with the card.
func (w *world) cardActions(who, requestID, id, list, key string) map[string]any {
	w.t.Helper()
	r := w.do(who, "GET", "/v1/requests/"+requestID+"/"+list, nil)
	if r.Status == 404 {
		return nil
	}
	for _, c := range r.json(w.t)[key].([]any) {
		card := c.(map[string]any)
		if card["id"] == id || card["transferId"] == id {
			return card["actions"].(map[string]any)
		}
	}
	w.t.Fatalf("%s of %s as %s: no card of %s", list, requestID, who, id)
	return nil
}

func TestDeliveryActionsSayWhatTakingThemAnswers(t *testing.T) {
	// Ensures the actions a delivery card reports, in every transfer status,
	// with findings that may or may not be overridden, to every role that
	// sees it (the partner of record, the subassignee, the content partner,
	// studio and QC operators), are what taking each action through the API
	// answers; GET /v1/transfers/{id} reports the same as the request's cards.
	w := mustWorld(t, unlimited)
	gen := ids.NewSeeded(8, today.Add(-24*time.Hour))
	loud := []lot.Finding{{Code: "LOUDNESS", Message: "too loud", Overridable: true}}
	fixed := []lot.Finding{{Code: "LOUDNESS", Message: "too loud", Overridable: true}, {Code: "CUT_SHORT", Message: "cut short"}}
	allowed, refused := 0, 0
	for _, k := range []kind{walkKinds[0], walkKinds[2]} {
		r := w.mustRequestIn(gen, k, lot.StatusOpen)
		for _, st := range lot.TransferStatuses {
			for fname, findings := range map[string][]lot.Finding{"overridable": loud, "fixed": fixed} {
				if st != lot.TransferFailed && fname == "fixed" {
					continue
				}
				probe := w.mustTransferIn(gen, r, st, findings, nil)
				for _, who := range walkRoles {
					actions := w.cardActions(who, r.ID, probe.ID, "transfers", "transfers")
					if actions == nil {
						continue
					}
					if st == lot.TransferProcessed { // not uploading: GET /v1/transfers/{id} reads no storage
						one := w.do(who, "GET", "/v1/transfers/"+probe.ID, nil).json(t)["actions"]
						if fmt.Sprint(one) != fmt.Sprint(actions) {
							t.Errorf("%s: GET /v1/transfers/{id} says %v, the request's cards %v", who, one, actions)
						}
					}
					for _, action := range portal.TransferActions {
						said, _ := actions[action].(map[string]any)
						tr := w.mustTransferIn(gen, r, st, findings, nil)
						got := outcomeOf(w.do(who, "POST", "/v1/transfers/"+tr.ID+"/"+action, map[string]any{"reason": "the walk decides"}))
						where := fmt.Sprintf("%s by %s of a %s delivery (%s findings) to %s", action, who, st, fname, k.name)
						if action == "abort" && st == lot.TransferAborted && got.ok {
							// Aborting again succeeds, changing nothing; the card says it is no action to offer.
							if said["allowed"] != false {
								t.Errorf("%s: an aborted delivery offers abort", where)
							}
							continue
						}
						checkAllowance(t, where, said, got)
						if got.ok {
							allowed++
						} else {
							refused++
						}
					}
				}
			}
		}
	}
	t.Logf("delivery actions: %d taken as allowed, %d refused as reported", allowed, refused)
	if allowed == 0 || refused == 0 {
		t.Errorf("the walk took %d allowed and %d refused actions; it should meet both", allowed, refused)
	}
}

func TestQCActionsSayWhatTakingThemAnswers(t *testing.T) {
	// Ensures the actions a QC card reports, in every QC status, to every
	// role that sees it, are what taking each action through the API
	// answers (with a note, a valid event, and an Issue to sign off).
	w := mustWorld(t, unlimited)
	gen := ids.NewSeeded(9, today.Add(-24*time.Hour))
	r := w.mustRequestIn(gen, walkKinds[0], lot.StatusProcessed)
	qcIn := func(st lot.QCStatus) *lot.QC {
		return &lot.QC{Status: st, FrameRate: 24, Timeline: []lot.QCChange{{Status: st, At: today, By: "qc-ops"}},
			Events: []lot.QCEvent{{N: 1, In: "00:00:01:00", Out: "00:00:02:00", Severity: lot.SeverityIssue, Category: "2.2", Note: "a dropout", By: "qc-ops", At: today}}}
	}
	paths := map[string]string{"fixNotes": "qc/fix-notes", "addEvent": "qc/events", "signOff": "qc/events/1/sign-off"}
	allowed, refused := 0, 0
	for _, st := range lot.QCStatuses {
		probe := w.mustTransferIn(gen, r, lot.TransferProcessed, []lot.Finding{}, qcIn(st))
		for _, who := range walkRoles {
			actions := w.cardActions(who, r.ID, probe.ID, "qc", "qc")
			if actions == nil {
				continue
			}
			for _, action := range portal.QCActions {
				said, _ := actions[action].(map[string]any)
				tr := w.mustTransferIn(gen, r, lot.TransferProcessed, []lot.Finding{}, qcIn(st))
				path, body := "qc/"+action, any(map[string]any{"note": "the walk notes"})
				if p, ok := paths[action]; ok {
					path = p
				}
				switch action {
				case "addEvent":
					body = map[string]any{"in": "00:00:03:00", "out": "00:00:04:00", "severity": "FYI", "category": "1.1", "note": "a black frame"}
				case "signOff":
					body = nil
				}
				got := outcomeOf(w.do(who, "POST", "/v1/transfers/"+tr.ID+"/"+path, body))
				checkAllowance(t, fmt.Sprintf("QC %s by %s when %s", action, who, st), said, got)
				if got.ok {
					allowed++
				} else {
					refused++
				}
			}
		}
	}
	t.Logf("QC actions: %d taken as allowed, %d refused as reported", allowed, refused)
	if allowed == 0 || refused == 0 {
		t.Errorf("the walk took %d allowed and %d refused actions; it should meet both", allowed, refused)
	}
}

func TestSubassigneesAreTheTargetsSubassignTakes(t *testing.T) {
	// Ensures the subassign targets listed are the facility's approved
	// partners for its fulfillment partner, every other fulfillment partner
	// for studio operators, and none (with the reason) for a caller who may
	// not subassign the request; the current subassignee is marked.
	w := mustWorld(t)
	list := func(who, name string) (ids string, current []string, subassign map[string]any) {
		t.Helper()
		r := w.do(who, "GET", "/v1/requests/"+w.ids[name]+"/subassignees", nil)
		if r.Status != 200 {
			t.Fatalf("%s on %s: %d %s", who, name, r.Status, r.Body)
		}
		body := r.json(t)
		var got []string
		for _, p := range body["partners"].([]any) {
			m := p.(map[string]any)
			got = append(got, m["id"].(string))
			if m["current"] == true {
				current = append(current, m["id"].(string))
			}
		}
		return fmt.Sprint(got), current, body["subassign"].(map[string]any)
	}
	cases := []struct {
		who, name, want, code string
	}{
		{"juniper", "jSub", "[lumen]", ""},             // juniper's facility approves lumen only
		{"studio", "jSub", "[harbor lumen]", ""},       // every fulfillment partner but juniper, by name
		{"studio", "lToJ", "[harbor juniper]", ""},     // juniper, the current subassignee, stays a target
		{"lumen", "lSub", "[]", lot.CodeForbidden},     // lumen's facility may not subassign
		{"juniper", "lToJ", "[]", lot.CodeForbidden},   // the subassignee may not pass it on
		{"northstar", "jSub", "[]", lot.CodeForbidden}, // content partners never subassign
		{"studio", "jDone", "[]", lot.CodeNotAllowed},  // processed: nothing to subassign
	}
	for _, c := range cases {
		got, _, subassign := list(c.who, c.name)
		if got != c.want {
			t.Errorf("%s on %s: targets %s, want %s", c.who, c.name, got, c.want)
		}
		if allowed := subassign["allowed"] == true; allowed != (c.code == "") {
			t.Errorf("%s on %s: subassign allowed %v, want %v", c.who, c.name, allowed, c.code == "")
		}
		if c.code != "" && subassign["code"] != c.code {
			t.Errorf("%s on %s: subassign refused with %v, want %s", c.who, c.name, subassign["code"], c.code)
		}
	}
	if _, current, _ := list("studio", "lToJ"); fmt.Sprint(current) != "[juniper]" {
		t.Errorf("studio on lToJ: current %v, want [juniper]", current)
	}
}

func TestTakeBackEndsASubassignment(t *testing.T) {
	// Ensures the fulfillment partner of record takes a subassigned request
	// back (the subassignee then no longer sees it), the subassignee may
	// not, a request that is not subassigned answers not_allowed, and the
	// request's actions say so beforehand.
	w := mustWorld(t)
	id := w.ids["jSub"]
	if r := w.do("juniper", "POST", "/v1/requests/"+id+"/subassign", map[string]any{"partner": "lumen"}); r.Status != 200 {
		t.Fatalf("subassign to lumen: %d %s", r.Status, r.Body)
	}
	takeBack := func(who string) map[string]any {
		return w.do(who, "GET", "/v1/requests/"+id, nil).json(t)["actions"].(map[string]any)["takeBack"].(map[string]any)
	}
	if a := takeBack("juniper"); a["allowed"] != true {
		t.Errorf("juniper's takeBack before: %v, want allowed", a)
	}
	if a := takeBack("lumen"); a["allowed"] != false || a["code"] != "forbidden" {
		t.Errorf("lumen's takeBack: %v, want forbidden", a)
	}
	if r := w.do("lumen", "POST", "/v1/requests/"+id+"/take-back", map[string]any{}); r.Status != 403 {
		t.Errorf("the subassignee takes it back: %d %s, want 403", r.Status, r.Body)
	}
	r := w.do("juniper", "POST", "/v1/requests/"+id+"/take-back", map[string]any{"comment": "we have capacity again"})
	if r.Status != 200 {
		t.Fatalf("take back: %d %s", r.Status, r.Body)
	}
	if sub := r.json(t)["subAssignee"]; sub != nil && sub != "" {
		t.Errorf("after taking it back the subassignee is %v", sub)
	}
	if r := w.do("lumen", "GET", "/v1/requests/"+id, nil); r.Status != 404 {
		t.Errorf("lumen still sees the request taken back: %d", r.Status)
	}
	if a := takeBack("juniper"); a["allowed"] != false || a["code"] != "not_allowed" {
		t.Errorf("juniper's takeBack after: %v, want not_allowed", a)
	}
	if r := w.do("juniper", "POST", "/v1/requests/"+id+"/take-back", map[string]any{}); r.Status != 422 || !strings.Contains(string(r.Body), "not_allowed") {
		t.Errorf("taking back a request not subassigned: %d %s, want 422 not_allowed", r.Status, r.Body)
	}
	if r := w.do("studio", "POST", "/v1/requests/"+w.ids["lToJ"]+"/take-back", map[string]any{}); r.Status != 200 {
		t.Errorf("the studio takes lToJ back: %d %s", r.Status, r.Body)
	}
}
