package httpapi_test

import (
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/mailbox"
)

// inbox returns the mail to one address, newest first, with each file's text.
func (w *world) inbox(addr string) (list []mailbox.Message, bodies []string) {
	all, err := w.srv.Mailbox.List()
	must(w.t, err)
	for _, m := range all {
		if strings.Contains(m.To, addr) {
			b, err := os.ReadFile(filepath.Join(w.srv.Mailbox.Dir, m.File))
			must(w.t, err)
			list, bodies = append(list, m), append(bodies, string(b))
		}
	}
	return list, bodies
}

// awaitMail waits up to 10 s for n mails to addr (mail posted to the
// notify flow goes out on its own) and returns what is there then.
func (w *world) awaitMail(addr string, n int) (list []mailbox.Message, bodies []string) {
	w.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		list, bodies = w.inbox(addr)
		if len(list) >= n || time.Now().After(deadline) {
			return list, bodies
		}
	}
}

func TestRedeliveryMailGoesToThePartnersUsers(t *testing.T) {
	// Ensures a redelivery request mails the fulfillment partner's users openlot has seen sign in, and nobody else.
	w := mustWorld(t)
	w.do("juniper", "GET", "/v1/requests/"+w.ids["jSub"], nil) // juniper signs in: openlot now knows where its mail goes
	w.do("lumen", "GET", "/v1/requests/"+w.ids["lSub"], nil)
	if r := w.do("studio", "POST", "/v1/requests/"+w.ids["jDone"]+"/redelivery", map[string]any{"reason": "wrong cut"}); r.Status != 200 {
		t.Fatalf("redelivery: %d %s", r.Status, r.Body)
	}
	// The API posts the notice to the notify flow, which sends it on its own.
	mails, bodies := w.awaitMail("ops@juniper.example", 1)
	if len(mails) != 1 {
		t.Fatalf("juniper got %d mails, want 1: %+v", len(mails), mails)
	}
	if !strings.Contains(mails[0].Subject, "Redelivery requested: House of Tides") {
		t.Errorf("subject %q", mails[0].Subject)
	}
	if !strings.Contains(bodies[0], "wrong cut") {
		t.Error("the mail does not give the studio's reason")
	}
	if !strings.Contains(bodies[0], w.ids["jDone"]) {
		t.Error("the mail does not name the request")
	}
	if other, _ := w.inbox("ops@lumen.example"); len(other) != 0 {
		t.Fatalf("lumen was told about juniper's request: %+v", other)
	}
}

func TestDailyDigestIsOneMailPerUserPerDay(t *testing.T) {
	// Ensures the daily digest lists, once a day per partner user, only requests that turned At Risk or Critical since the last one, and nothing when nothing turned.
	w := mustWorld(t, func(c *app.LocalConfig) { c.DigestEvery = -1 })
	w.do("juniper", "GET", "/v1/requests/"+w.ids["jSub"], nil)
	w.do("lumen", "GET", "/v1/requests/"+w.ids["lSub"], nil)
	ctx := t.Context()
	n, err := w.srv.Service.Notifications.SendDigests(ctx)
	must(t, err)
	mails, bodies := w.inbox("ops@juniper.example")
	if n != 2 {
		t.Errorf("the first digests: %d sent, want 2", n)
	}
	if len(mails) != 1 {
		t.Fatalf("the first digests: juniper got %d mails, want 1: %+v", len(mails), mails)
	}
	// The first digest has nothing to compare with: it says what is, not what turned.
	if !strings.Contains(mails[0].Subject, "0 requests critical, 3 at risk") || !strings.Contains(bodies[0], "first digest") {
		t.Errorf("the first digest's subject %q, want it to say 0 requests critical, 3 at risk, and its text to say it is the first", mails[0].Subject)
	}
	for _, name := range []string{"jSub", "jForced", "lToJ"} { // due in 5 days: at risk; jDone is processed
		if !strings.Contains(bodies[0], w.ids[name]) {
			t.Errorf("the digest misses %s", name)
		}
	}
	for _, name := range []string{"lSub", "jDone"} { // lumen's; processed
		if strings.Contains(bodies[0], w.ids[name]) {
			t.Errorf("the digest lists %s, which is not juniper's open request", name)
		}
	}
	if n, _ := w.srv.Service.Notifications.SendDigests(ctx); n != 0 {
		t.Fatalf("a second digest the same day: %d", n)
	}
	w.clock.Add(24 * time.Hour) // nothing turned: no mail
	if n, _ := w.srv.Service.Notifications.SendDigests(ctx); n != 0 {
		t.Fatalf("a digest with nothing new: %d", n)
	}
	w.clock.Add(3 * 24 * time.Hour) // due tomorrow now: critical
	if n, _ := w.srv.Service.Notifications.SendDigests(ctx); n != 2 {
		t.Fatalf("digests when requests turned critical: %d", n)
	}
	mails, bodies = w.inbox("ops@juniper.example")
	if len(mails) != 2 {
		t.Fatalf("juniper has %d digests after the critical day, want 2: %+v", len(mails), mails)
	}
	if !strings.Contains(mails[0].Subject, "3 requests turned critical, 0 at risk") {
		t.Errorf("the digest of the critical day: subject %q, want it to say 3 requests turned critical, 0 at risk", mails[0].Subject)
	}
	if !strings.Contains(bodies[0], "since your last digest") {
		t.Errorf("a later digest's text does not say it compares with the last one:\n%s", bodies[0])
	}
}

// decoded returns the text and HTML parts of a mail file's content.
func decoded(t *testing.T, eml string) (text, html string) {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(eml))
	must(t, err)
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	must(t, err)
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			return text, html
		}
		must(t, err)
		b, _ := io.ReadAll(p)
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
			html = string(b)
		} else {
			text = string(b)
		}
	}
}

func TestMailLinksPointAtPortalPages(t *testing.T) {
	// Ensures the mail a partner gets (a redelivery asked for, QC finished,
	// the daily digest) links to portal pages under the server's URL (the
	// request's details, its QC card) and never to a /v1/ API URL.
	w := mustWorld(t, func(c *app.LocalConfig) { c.DigestEvery = -1 })
	w.do("juniper", "GET", "/v1/requests/"+w.ids["jSub"], nil) // juniper signs in: openlot knows where its mail goes
	gen := ids.NewSeeded(11, today.Add(-24*time.Hour))
	r := w.mustRequestIn(gen, walkKinds[0], lot.StatusProcessed)
	qc := &lot.QC{Status: lot.QCInProgress, FrameRate: 24, Events: []lot.QCEvent{}, Timeline: []lot.QCChange{{Status: lot.QCInProgress, At: today, By: "qc-ops"}}}
	tr := w.mustTransferIn(gen, r, lot.TransferProcessed, []lot.Finding{}, qc)
	if res := w.do("qc", "POST", "/v1/transfers/"+tr.ID+"/qc/finish", nil); res.Status != 200 {
		t.Fatalf("QC finish: %d %s", res.Status, res.Body)
	}
	if res := w.do("studio", "POST", "/v1/requests/"+w.ids["jDone"]+"/redelivery", map[string]any{"reason": "wrong cut"}); res.Status != 200 {
		t.Fatalf("redelivery: %d %s", res.Status, res.Body)
	}
	_, err := w.srv.Service.Notifications.SendDigests(t.Context())
	must(t, err)
	mails, bodies := w.awaitMail("ops@juniper.example", 3)
	if len(mails) != 3 {
		t.Fatalf("juniper got %d mails, want 3 (QC, redelivery, digest): %+v", len(mails), mails)
	}
	want := map[string]string{ // a link each mail holds, by its subject's start
		"QC":                     w.srv.URL + "/requests/" + r.ID + "?tab=qc&transfer=" + tr.ID,
		"Redelivery requested":   w.srv.URL + "/requests/" + w.ids["jDone"] + "?tab=deliveries",
		"2026-11-22: 0 requests": w.srv.URL + "/requests/" + w.ids["jSub"],
	}
	for i, m := range mails {
		text, html := decoded(t, bodies[i])
		if strings.Contains(text, "/v1/") {
			t.Errorf("%q: the text names an API URL: %s", m.Subject, text)
		}
		if strings.Contains(html, "/v1/") {
			t.Errorf("%q: the HTML names an API URL: %s", m.Subject, html)
		}
		for prefix, link := range want {
			if !strings.HasPrefix(m.Subject, prefix) {
				continue
			}
			if !strings.Contains(text, link) {
				t.Errorf("%q: the text does not link to %s: %s", m.Subject, link, text)
			}
			if !strings.Contains(html, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
				t.Errorf("%q: the HTML does not link to %s: %s", m.Subject, link, html)
			}
			delete(want, prefix)
		}
	}
	for prefix := range want {
		t.Errorf("no mail whose subject starts %q", prefix)
	}
}
