package httpapi_test

import (
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/lot"
)

func TestLocalMailboxShowsEachCallerOnlyTheirOwnMail(t *testing.T) {
	// Ensures /mail answers 401 without a token, shows a partner only the mail addressed to it
	// (list and message), and shows studio operators everything.
	w := mustWorld(t)
	for _, to := range []string{"ops@juniper.example", "ops@lumen.example"} {
		must(t, w.srv.Mailbox.Send(t.Context(), lot.Mail{To: to, Subject: "for " + to, Text: "hello"}))
	}
	list, err := w.srv.Mailbox.List()
	must(t, err)
	file := map[string]string{}
	for _, m := range list {
		file[strings.TrimPrefix(m.Subject, "for ")] = m.File
	}
	if r := w.do("", "GET", "/mail", nil); r.Status != 401 || r.code() != "unauthorized" {
		t.Errorf("/mail without a token: %d %s, want 401 unauthorized", r.Status, r.Body)
	}
	if r := w.do("", "GET", "/mail/"+file["ops@juniper.example"], nil); r.Status != 401 {
		t.Errorf("a message without a token: %d, want 401", r.Status)
	}
	page := string(w.do("juniper", "GET", "/mail", nil).Body)
	if !strings.Contains(page, "for ops@juniper.example") || strings.Contains(page, "for ops@lumen.example") {
		t.Errorf("juniper's /mail does not show exactly juniper's mail: %s", page)
	}
	if r := w.do("juniper", "GET", "/mail/"+file["ops@juniper.example"], nil); r.Status != 200 {
		t.Errorf("juniper's own message: %d", r.Status)
	}
	if r := w.do("juniper", "GET", "/mail/"+file["ops@lumen.example"], nil); r.Status != 404 {
		t.Errorf("lumen's message read by juniper: %d, want 404", r.Status)
	}
	page = string(w.do("studio", "GET", "/mail", nil).Body)
	if !strings.Contains(page, "for ops@juniper.example") || !strings.Contains(page, "for ops@lumen.example") {
		t.Errorf("the studio's /mail does not show all mail: %s", page)
	}
}
