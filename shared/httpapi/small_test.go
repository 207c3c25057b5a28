package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
)

func TestQCNoteIsCalledANote(t *testing.T) {
	// Ensures fix-notes and cancel without a note say a note is required, naming the field the body has.
	w := mustWorld(t, unlimited)
	gen := ids.NewSeeded(11, today.Add(-24*time.Hour))
	r := w.mustRequestIn(gen, walkKinds[0], lot.StatusProcessed)
	for _, action := range []string{"fix-notes", "cancel"} {
		qc := &lot.QC{Status: lot.QCInProgress, FrameRate: 24, Events: []lot.QCEvent{},
			Timeline: []lot.QCChange{{Status: lot.QCInProgress, At: today, By: "qc-ops"}}}
		tr := w.mustTransferIn(gen, r, lot.TransferProcessed, []lot.Finding{}, qc)
		res := w.do("qc", "POST", "/v1/transfers/"+tr.ID+"/qc/"+action, map[string]any{"note": "  "})
		msg, _ := res.json(t)["message"].(string)
		if res.Status != 400 || !strings.Contains(msg, "note") || strings.Contains(msg, "comment") {
			t.Errorf("%s without a note: %d %q, want 400 saying a note is required", action, res.Status, msg)
		}
	}
}

func TestServiceTypeCannotBeSetToUnknown(t *testing.T) {
	// Ensures a partner cannot set a request's service type back to Unknown (one by one or in bulk), by code or name.
	w := mustWorld(t)
	id := w.ids["jSub"]
	if r := w.do("juniper", "POST", "/v1/requests/"+id+"/service-type", map[string]any{"serviceType": "CONFORM"}); r.Status != 200 {
		t.Fatalf("set CONFORM: %d %s", r.Status, r.Body)
	}
	for _, v := range []string{"UNKNOWN", "Unknown"} {
		if r := w.do("juniper", "POST", "/v1/requests/"+id+"/service-type", map[string]any{"serviceType": v}); r.Status != 400 || r.code() != "invalid" {
			t.Errorf("set %s: %d %s, want 400 invalid", v, r.Status, r.Body)
		}
		if r := w.do("juniper", "POST", "/v1/requests/service-type", map[string]any{"ids": []string{id}, "serviceType": v}); r.Status != 400 || r.code() != "invalid" {
			t.Errorf("bulk set %s: %d %s, want 400 invalid", v, r.Status, r.Body)
		}
	}
	if got := w.do("juniper", "GET", "/v1/requests/"+id, nil).json(t)["request"].(map[string]any)["serviceType"]; got != "CONFORM" {
		t.Errorf("the service type became %v, want CONFORM kept", got)
	}
}

func TestTextRefusesControlCharactersButKeepsNewlinesAndTabs(t *testing.T) {
	// Ensures comments, reasons and notes with NUL or another control character answer 400 invalid and
	// change nothing, while newlines and tabs are kept.
	w := mustWorld(t)
	id := w.ids["jSub"]
	for _, bad := range []string{"a\x00b", "red \x1b[31malert", "bell\a", "del\x7f", "c1\u0085", "lone\rcarriage"} {
		r := w.do("juniper", "POST", "/v1/requests/"+id+"/comments", map[string]any{"text": bad})
		if r.Status != 400 || r.code() != "invalid" {
			t.Errorf("comment %q: %d %s, want 400 invalid", bad, r.Status, r.Body)
		}
	}
	if r := w.do("juniper", "POST", "/v1/requests/"+id+"/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "ok\x00"}); r.Status != 400 {
		t.Errorf("reason with NUL: %d %s, want 400", r.Status, r.Body)
	}
	if n := len(w.do("juniper", "GET", "/v1/requests/"+id+"/comments", nil).json(t)["comments"].([]any)); n != 0 {
		t.Errorf("%d comments stored, want none", n)
	}
	good := "line one\nline two\r\n\tindented"
	if r := w.do("juniper", "POST", "/v1/requests/"+id+"/comments", map[string]any{"text": good}); r.Status != 201 {
		t.Fatalf("comment with newlines and a tab: %d %s", r.Status, r.Body)
	}
	got := w.do("juniper", "GET", "/v1/requests/"+id+"/comments", nil).json(t)["comments"].([]any)[0].(map[string]any)["text"]
	if got != "line one\nline two\n\tindented" {
		t.Errorf("stored %q, want the newlines (CRLF as LF) and the tab kept", got)
	}
}
