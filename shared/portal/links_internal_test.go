package portal

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/lot"
)

const publicURL = "https://openlot.example"

var (
	hrefs    = regexp.MustCompile(`href="([^"]*)"`)
	textURLs = regexp.MustCompile(`https?://[^\s)<>"]+`)
)

// mailLinks renders n and returns every link in it: the HTML part's
// hrefs and the text part's URLs.
func mailLinks(t *testing.T, n Notice) (links []string, text, htmlPart string) {
	t.Helper()
	subject, text, htmlPart, err := Render(n.Template, n.Data)
	if err != nil {
		t.Fatalf("%s: %v", n.Template, err)
	}
	if subject == "" {
		t.Errorf("%s: no subject", n.Template)
	}
	for _, m := range hrefs.FindAllStringSubmatch(htmlPart, -1) {
		links = append(links, html.UnescapeString(m[1]))
	}
	links = append(links, textURLs.FindAllString(text, -1)...)
	return links, text, htmlPart
}

func TestMailLinksOpenPortalPages(t *testing.T) {
	// Ensures every mail links to the portal page it is about (request
	// details, the delivery's or QC's card, an error code's help, the
	// dashboard), under the public URL, and never to a raw API URL, which
	// answers 401 to a person.
	s := &Notifications{Deps: &Deps{PublicURL: publicURL}}
	u := &lot.User{Subject: "fp-ana", Name: "Ana", Email: "ana@juniper.example", Role: lot.RoleFP, Partner: "juniper"}
	r := &lot.Request{ID: "0190f0f0-0000-7000-8000-000000000001", MovieID: 81000001, TitleName: "House of Tides",
		SourceType: lot.SourceSubtitle, Language: "es", Status: lot.StatusRedeliveryRequested, DueDate: lot.Date{Year: 2026, Month: 12, Day: 1}}
	tr := &lot.Transfer{ID: "0190f0f0-0000-7000-8000-000000000002", RequestID: r.ID, DeliveredBy: u.Subject,
		Files:      []lot.TransferFile{{Name: "House of Tides_es.ttml"}},
		Inspection: &lot.Inspection{Attempt: 1, Findings: []lot.Finding{{Code: "SUBTITLE_TIMING", Message: "cue 3 overlaps cue 4", Overridable: true}}},
		QC:         &lot.QC{Status: lot.QCFailed, Events: []lot.QCEvent{{Severity: lot.SeverityBlocker}}}}
	m := &lot.Material{ID: "81000001-PROXY_VIDEO-main-v2", MovieID: 81000001, AssetType: lot.AssetProxyVideo, Version: 2}
	px := &lot.Proxy{ID: "px1", Code: "K7Q2M9XD", User: u.Subject, UserName: u.Name, Email: u.Email}
	details := publicURL + "/requests/" + r.ID
	digest := Notice{Template: "digest", Data: s.digestData(u, &lot.Partner{Name: "Juniper Post"}, "2026-11-23",
		[]DigestRow{s.digestRow(r, "due in 1 day")}, []DigestRow{s.digestRow(r, "due in 5 days")})}
	cases := []struct {
		n    Notice
		want []string // links the mail must hold
	}{
		{s.transferFailedNotice(u, tr, r, r.TitleName), []string{details + "?tab=deliveries&transfer=" + tr.ID, publicURL + "/help/error-codes#SUBTITLE_TIMING"}},
		{s.qcNotice(u, tr, r, r.TitleName), []string{details, details + "?tab=qc&transfer=" + tr.ID}},
		{s.redeliveryNotice(u, r, r.TitleName, "QC failed", "qc/x"), []string{details + "?tab=deliveries"}},
		{digest, []string{details, publicURL + "/?bucket=critical", publicURL + "/?bucket=atRisk"}},
		{s.proxyReadyNotice(px, m, r.TitleName), []string{publicURL + "/?movieId=81000001"}},
	}
	for _, c := range cases {
		links, text, htmlPart := mailLinks(t, c.n)
		if strings.Contains(text, "/v1/") {
			t.Errorf("%s: the text names an API path: %s", c.n.Template, text)
		}
		if strings.Contains(htmlPart, "/v1/") {
			t.Errorf("%s: the HTML names an API path: %s", c.n.Template, htmlPart)
		}
		for _, l := range links {
			if !strings.HasPrefix(l, publicURL+"/") {
				t.Errorf("%s: link %q is not a portal page under %s", c.n.Template, l, publicURL)
			}
			if u, err := url.Parse(l); err != nil || strings.HasPrefix(u.Path, "/v1") {
				t.Errorf("%s: link %q is an API URL", c.n.Template, l)
			}
		}
		for _, w := range c.want {
			found := false
			for _, l := range links {
				found = found || l == w
			}
			if !found {
				t.Errorf("%s: no link to %s among %q", c.n.Template, w, links)
			}
		}
	}
}
