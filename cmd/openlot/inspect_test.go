package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/lot"
)

type inspectedCard struct {
	ID         string
	Status     string
	ErrorCode  string
	Timeline   []struct{ Status string }
	Inspection *struct {
		PolicyVersion string
		Resolved      []string
		Findings      []struct {
			Code        string
			Message     string
			Overridable bool
			File        string
		}
		Files []struct {
			SHA256 string
			Media  *struct {
				Video []struct{ Width, Height int }
			}
		}
	}
}

// deliverAndWait delivers files to request id with the CLI and waits for
// the transfer to leave Pending Inspection.
func deliverAndWait(t *testing.T, cfg, id string, meta []string, files ...string) inspectedCard {
	t.Helper()
	args := []string{"deliver", cfg, "--request", id, "--quiet"}
	for _, m := range meta {
		args = append(args, "--meta", m)
	}
	out, err := run(t, "", append(args, files...)...)
	if err != nil {
		t.Fatalf("deliver: %v %s", err, out)
	}
	c, err := loadClient(strings.TrimPrefix(cfg, "--credentials="))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := c.do(context.Background(), http.MethodGet, "/v1/requests/"+id+"/transfers", nil)
		if err != nil {
			t.Fatal(err)
		}
		var cards struct{ Transfers []inspectedCard }
		json.NewDecoder(resp.Body).Decode(&cards)
		resp.Body.Close()
		if len(cards.Transfers) > 0 && cards.Transfers[0].Status != "PENDING_INSPECTION" {
			return cards.Transfers[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("still not inspected: %+v", cards.Transfers)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestInspectionDecidesDeliveries(t *testing.T) {
	// Ensures a completed delivery is inspected on its own: a clean AV file
	// is Processed (with its probe recorded); one with 3 s of black fails
	// with the overridable BLACK_SEGMENT; a subtitle cue that ends before it
	// begins fails with SUBTITLE_TIMING, which may not be overridden.
	fftest.Need(t)
	srv, cfg, av := requestWorld(t, nil, "AV_MUXED")
	dir := t.TempDir()
	meta := []string{"frameRate=24", "audioConfiguration=2.0", "language=en", "videoResolution=HD"}

	black := fftest.Make(t, dir, "feature_black", fftest.Spec{Seconds: 8, Black: [2]float64{2, 5}})
	card := deliverAndWait(t, cfg, av, meta, black)
	if card.Status != "FAILED" {
		t.Fatalf("3 s of black: status %s, want FAILED: %+v", card.Status, card)
	}
	if card.ErrorCode != "BLACK_SEGMENT" {
		t.Errorf("3 s of black: error code %s, want BLACK_SEGMENT", card.ErrorCode)
	}
	if n := len(card.Inspection.Findings); n != 1 {
		t.Fatalf("3 s of black: %d findings, want 1: %+v", n, card.Inspection.Findings)
	}
	if f := card.Inspection.Findings[0]; !f.Overridable {
		t.Errorf("3 s of black: the finding is not overridable: %+v", f)
	}
	if m := card.Inspection.Findings[0].Message; !strings.Contains(m, "0:00:02") {
		t.Errorf("3 s of black: message %q does not say where (0:00:02)", m)
	}
	// The partner who delivered is told why, with the code's help.
	mailTo := func(subject string) string {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			list, _ := srv.Mailbox.List()
			for _, m := range list {
				if strings.Contains(m.To, "ops@juniper.example") && strings.HasPrefix(m.Subject, subject) {
					b, _ := os.ReadFile(filepath.Join(srv.Mailbox.Dir, m.File))
					return string(b)
				}
			}
		}
		list, _ := srv.Mailbox.List()
		t.Fatalf("no mail %q to juniper in %+v", subject, list)
		return ""
	}
	m := mailTo("Delivery failed inspection")
	if !strings.Contains(m, "BLACK_SEGMENT") {
		t.Errorf("the failure mail does not name BLACK_SEGMENT: %s", m)
	}
	if !strings.Contains(m, "overridden") {
		t.Errorf("the failure mail does not say the finding may be overridden: %s", m)
	}

	// The request stays deliverable; the redelivery passes, and its result
	// says what it resolved against the failed one.
	good := fftest.Make(t, dir, "feature_good", fftest.Spec{Seconds: 8})
	card = deliverAndWait(t, cfg, av, meta, good)
	if card.Status != "PROCESSED" {
		b, _ := json.Marshal(card)
		t.Fatalf("a clean redelivery: status %s, want PROCESSED: %s", card.Status, b)
	}
	if card.Inspection == nil {
		t.Fatal("a clean redelivery: no inspection recorded")
	}
	if n := len(card.Inspection.Findings); n != 0 {
		t.Errorf("a clean redelivery: %d findings, want none: %+v", n, card.Inspection.Findings)
	}
	if card.Inspection.Files[0].Media == nil {
		t.Fatal("a clean redelivery: no probe recorded for the file")
	}
	if w := card.Inspection.Files[0].Media.Video[0].Width; w != 640 {
		t.Errorf("a clean redelivery: probed width %d, want 640", w)
	}
	if card.Inspection.PolicyVersion == "" {
		t.Error("a clean redelivery: no policy version recorded")
	}
	if got := strings.Join(card.Inspection.Resolved, ","); got != "BLACK_SEGMENT" {
		t.Errorf("a clean redelivery resolved %q, want BLACK_SEGMENT", got)
	}

	// The processed delivery becomes a material of its title (an earlier
	// delivery others may download), right after the verdict; the failed one did not.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		r := apiAs(t, cfg)(http.MethodGet, "/v1/materials?requests="+av+"&assetType=DELIVERY", "")
		if r.status == 200 && fmt.Sprint(r.body["total"]) == "1" && strings.Contains(fmt.Sprint(r.body["assetTypes"]), "feature_good.mp4") {
			// It carries the technical metadata inspection read.
			m := r.body["assetTypes"].([]any)[0].(map[string]any)["materials"].([]any)[0].(map[string]any)
			if media, _ := m["media"].(map[string]any); media == nil || media["width"] != 640.0 || media["videoCodec"] != "h264" {
				t.Errorf("the earlier delivery's technical metadata: %v, want 640 wide h264", m["media"])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the title's earlier deliveries: %d %v", r.status, r.body)
		}
	}

	// The processed delivery gets QC (AV Muxed's policy asks for it). A
	// QC operator files a Blocker and finishes: Failed, and the request
	// asks for a redelivery; the partner reads the card and the reports.
	qc := apiAs(t, login(t, cfgURL(t, cfg), "qc-ops"))
	// No body: every field of a QC action is optional.
	if r := qc(http.MethodPost, "/v1/transfers/"+card.ID+"/qc/start", ""); r.status != 200 {
		t.Fatalf("QC start: %d %v", r.status, r.body)
	}
	for _, e := range []string{
		`{"in":"00:00:01:00","out":"00:00:02:12","severity":"FYI","category":"2.4","note":"a little loud"}`,
		`{"in":"00:00:05:00","out":"00:00:06:00","severity":"BLOCKER","category":"2.2","note":"audio drops out"}`,
	} {
		if r := qc(http.MethodPost, "/v1/transfers/"+card.ID+"/qc/events", e); r.status != 200 {
			t.Fatalf("QC event: %d %v", r.status, r.body)
		}
	}
	if r := qc(http.MethodPost, "/v1/transfers/"+card.ID+"/qc/events", `{"in":"00:00:01:30","out":"00:00:02:00","severity":"FYI","category":"2.4","note":"x"}`); r.status != 400 {
		t.Fatalf("a frame past the rate: %d %v", r.status, r.body)
	}
	r := qc(http.MethodPost, "/v1/transfers/"+card.ID+"/qc/finish", "")
	if r.status != 200 {
		t.Fatalf("QC finish: status %d, want 200: %v", r.status, r.body)
	}
	if got := fmt.Sprint(r.body["qc"].(map[string]any)["status"]); got != "FAILED" {
		t.Fatalf("QC finish: QC status %s, want FAILED", got)
	}
	partnerAPI := apiAs(t, cfg)
	for deadline := time.Now().Add(20 * time.Second); requestStatus(partnerAPI(http.MethodGet, "/v1/requests/"+av, "")) != "REDELIVERY_REQUESTED"; {
		if time.Now().After(deadline) {
			t.Fatal("a failed QC did not ask for a redelivery")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if m := mailTo("QC Failed"); !strings.Contains(m, "report") {
		t.Fatalf("the QC mail: %s", m)
	}
	mailTo("Redelivery requested")
	r = partnerAPI(http.MethodGet, "/v1/requests/"+av+"/qc", "")
	if r.status != 200 {
		t.Errorf("the partner's QC cards: status %d, want 200: %v", r.status, r.body)
	}
	if !strings.Contains(fmt.Sprint(r.body["qc"]), "audio drops out") {
		t.Errorf("the partner's QC cards lack the note audio drops out: %v", r.body)
	}
	c, _ := loadClient(strings.TrimPrefix(cfg, "--credentials="))
	for format, magic := range map[string]string{"pdf": "%PDF-", "csv": "#,TC in,TC out"} {
		resp, err := c.do(context.Background(), http.MethodGet, "/v1/transfers/"+card.ID+"/qc/report?format="+format, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(b), magic) {
			t.Fatalf("the %s report begins %q", format, b[:min(len(b), 20)])
		}
	}

	// Another request: the partner overrides the black with a reason (the
	// request is then Delivered); the studio verifies (both Processed).
	out, err := run(t, "", "search", cfg, "--status", "Open", "--sourceType", "AV_MUXED", "--materialStatus", "Received,Accepted",
		"--limit", "2", "--json")
	var found struct{ Rows []struct{ ID string } }
	json.Unmarshal([]byte(out), &found)
	if err != nil {
		t.Fatalf("a second AV request: %v %s", err, out)
	}
	if len(found.Rows) < 2 {
		t.Fatalf("a second AV request: %d rows, want 2: %s", len(found.Rows), out)
	}
	other := found.Rows[0].ID
	if other == av {
		other = found.Rows[1].ID
	}
	card = deliverAndWait(t, cfg, other, meta, black)
	partner := apiAs(t, cfg)
	r = partner(http.MethodPost, "/v1/transfers/"+card.ID+"/override", `{}`)
	if r.status != 400 {
		t.Errorf("an override without a reason: status %d, want 400: %v", r.status, r.body)
	}
	if r.body["code"] != "invalid" {
		t.Errorf("an override without a reason: code %v, want invalid", r.body["code"])
	}
	r = partner(http.MethodPost, "/v1/transfers/"+card.ID+"/override", `{"reason":"fade to black in the director's cut"}`)
	if r.status != 200 {
		t.Fatalf("override: status %d, want 200: %v", r.status, r.body)
	}
	if r.body["status"] != "OVERRIDDEN" {
		t.Errorf("override: transfer status %v, want OVERRIDDEN", r.body["status"])
	}
	if r := partner(http.MethodGet, "/v1/requests/"+other, ""); requestStatus(r) != "DELIVERED" {
		t.Fatalf("the request after the override: %v", r.body)
	}
	if r := partner(http.MethodPost, "/v1/transfers/"+card.ID+"/verify", `{}`); r.status != 403 {
		t.Fatalf("a partner verifying its own override: %d %v", r.status, r.body)
	}
	studio := apiAs(t, login(t, cfgURL(t, cfg), "studio-ops"))
	r = studio(http.MethodPost, "/v1/transfers/"+card.ID+"/verify", "")
	if r.status != 200 {
		t.Fatalf("verify: status %d, want 200: %v", r.status, r.body)
	}
	if r.body["status"] != "PROCESSED" {
		t.Errorf("verify: transfer status %v, want PROCESSED", r.body["status"])
	}
	if r := studio(http.MethodGet, "/v1/requests/"+other, ""); requestStatus(r) != "PROCESSED" {
		t.Fatalf("the request after verification: %v", r.body)
	}
	r = studio(http.MethodGet, "/v1/error-codes", "")
	if r.status != 200 {
		t.Errorf("error codes: status %d, want 200: %v", r.status, r.body)
	}
	if !strings.Contains(fmt.Sprint(r.body["codes"]), "BLACK_SEGMENT") {
		t.Errorf("error codes lack BLACK_SEGMENT: %v", r.body)
	}

	_, cfg2, sub := requestWorld(t, nil, "SUBTITLE")
	srt := filepath.Join(dir, "tides_es.srt")
	os.WriteFile(srt, []byte("1\n00:00:05,000 --> 00:00:04,000\nHola\n"), 0o644)
	card = deliverAndWait(t, cfg2, sub, []string{"subtitleFormat=SRT", "frameRate=23.976"}, srt)
	if card.Status != "FAILED" {
		t.Fatalf("a backwards cue: status %s, want FAILED: %+v", card.Status, card)
	}
	if card.ErrorCode != "SUBTITLE_TIMING" {
		t.Errorf("a backwards cue: error code %s, want SUBTITLE_TIMING", card.ErrorCode)
	}
	if f := card.Inspection.Findings[0]; f.Overridable {
		t.Errorf("a backwards cue: the finding is overridable: %+v", f)
	}
	r = apiAs(t, cfg2)(http.MethodPost, "/v1/transfers/"+card.ID+"/override", `{"reason":"it is fine"}`)
	if r.status != 422 {
		t.Errorf("overriding what may not be: status %d, want 422: %v", r.status, r.body)
	}
	if r.body["code"] != "not_allowed" {
		t.Errorf("overriding what may not be: code %v, want not_allowed", r.body["code"])
	}
	if !strings.Contains(fmt.Sprint(r.body["message"]), "SUBTITLE_TIMING") {
		t.Errorf("overriding what may not be: message %v does not name SUBTITLE_TIMING", r.body["message"])
	}
}

func requestStatus(a answer) any {
	r, _ := a.body["request"].(map[string]any)
	return r["status"]
}

type answer struct {
	status int
	body   map[string]any
}

// apiAs calls the API with the token in the credentials flag's file.
func apiAs(t *testing.T, cfg string) func(method, path, body string) answer {
	c, err := loadClient(strings.TrimPrefix(cfg, "--credentials="))
	if err != nil {
		t.Fatal(err)
	}
	return func(method, path, body string) answer {
		var b any
		if body != "" {
			b = json.RawMessage(body)
		}
		resp, err := c.do(context.Background(), method, path, b)
		var ae *apiError
		if errors.As(err, &ae) {
			return answer{ae.Status, map[string]any{"code": ae.Code, "message": ae.Message}}
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a answer
		a.status = resp.StatusCode
		json.NewDecoder(resp.Body).Decode(&a.body)
		return a
	}
}

// cfgURL is the API URL the credentials in cfg were issued for.
func cfgURL(t *testing.T, cfg string) string {
	c, err := loadClient(strings.TrimPrefix(cfg, "--credentials="))
	if err != nil {
		t.Fatal(err)
	}
	return c.creds.URL
}

// login logs a demo client in and returns its credentials flag.
func login(t *testing.T, url, client string) string {
	cfg := "--credentials=" + filepath.Join(t.TempDir(), client+".json")
	if out, err := run(t, "", "login", cfg, "--url", url, "--client", client, "--secret", client+"-secret"); err != nil {
		t.Fatalf("login %s: %v %s", client, err, out)
	}
	return cfg
}

func TestSecondaryWaitsForItsPrimary(t *testing.T) {
	// Ensures subtitles of a title whose primary video is not processed
	// wait (Waiting for Primary) and are inspected by themselves once the
	// primary delivery is processed.
	fftest.Need(t)
	l, cfg, _ := requestWorld(t, nil, "SUBTITLE")
	// A new title with two open requests at juniper: its AV master and
	// Spanish subtitles.
	ops := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	title := &lot.Title{MovieID: 99000001, Name: "Harbour Lights", ContentPartner: "northstar", MovieType: lot.MovieStandalone}
	var ids []string
	for i, st := range []lot.SourceType{lot.SourceAVMuxed, lot.SourceSubtitle} {
		lang := ""
		if st == lot.SourceSubtitle {
			lang = "es-419"
		}
		id := fmt.Sprintf("01a0ffff-0000-7000-8000-00000000000%d", i)
		r, err := lot.Create(ops, id, lot.NewRequest{Title: title, Package: &lot.Package{ID: 99001, MovieID: title.MovieID},
			FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}, SourceType: st, Language: lang,
			DueDate: lot.DateOf(ops.At).AddDays(9), MaterialStatus: lot.MaterialAccepted})
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Store.CreateRequests(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	av, sub := ids[0], ids[1]
	dir := t.TempDir()
	srt := filepath.Join(dir, "tides_es.srt")
	os.WriteFile(srt, []byte("1\n00:00:01,000 --> 00:00:02,000\nHola\n"), 0o644)
	card := deliverAndWait(t, cfg, sub, []string{"subtitleFormat=SRT", "frameRate=24"}, srt)
	if card.Status != "WAITING_FOR_PRIMARY" {
		t.Fatalf("subtitles before their primary: %+v", card)
	}
	video := fftest.Make(t, dir, "feature", fftest.Spec{Seconds: 4})
	if primary := deliverAndWait(t, cfg, av, []string{"frameRate=24", "audioConfiguration=2.0", "language=en", "videoResolution=HD"}, video); primary.Status != "PROCESSED" {
		t.Fatalf("the primary: %+v", primary)
	}
	c, _ := loadClient(strings.TrimPrefix(cfg, "--credentials="))
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := c.do(context.Background(), http.MethodGet, "/v1/transfers/"+card.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		var now inspectedCard
		json.NewDecoder(resp.Body).Decode(&now)
		resp.Body.Close()
		if now.Status == "PROCESSED" {
			var steps []string
			for _, e := range now.Timeline {
				steps = append(steps, e.Status)
			}
			if got := strings.Join(steps, " "); !strings.Contains(got, "WAITING_FOR_PRIMARY PENDING_INSPECTION PROCESSED") {
				t.Fatalf("timeline %s", got)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the subtitles did not go on after their primary: %+v", now)
		}
	}
}
