package portal_test

import (
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/portal"
)

func TestEveryMailTemplateRendersAndEscapes(t *testing.T) {
	// Ensures each mail has a subject, a text and an HTML part, and that what users typed is escaped in HTML.
	evil := `<script>alert(1)</script>`
	data := map[string]any{"Name": evil, "Title": "Orbital", "SourceType": "Subtitle", "Language": "es", "Request": "r1",
		"Transfer": "t1", "Files": "a.srt", "Findings": []map[string]any{{"Code": "SUBTITLE_TIMING", "Message": evil, "Help": "h", "Link": "l"}},
		"AllOverridable": false, "Status": "Failed", "Failed": true, "Counts": "1 event", "ReportURL": "u", "ReportCSV": "c",
		"Due": "2026-12-01", "Why": evil, "AssetType": "Proxy Video", "Version": 2, "Code": "K7Q2M9XD", "Material": "m",
		"Partner": "Juniper Post", "Day": "2026-11-23", "Critical": []portal.DigestRow{{ID: "r1", Title: "Orbital", Why: evil}},
		"AtRisk": []portal.DigestRow{}}
	for _, name := range []string{"proxy-ready", "transfer-failed", "qc-result", "redelivery", "digest"} {
		subject, text, html, err := portal.Render(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if subject == "" || strings.Contains(subject, "\n") || !strings.Contains(text, "openlot") || !strings.Contains(html, "</html>") {
			t.Errorf("%s: subject %q, text %q, html %q", name, subject, text, html)
		}
		if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
			t.Errorf("%s: user text is not escaped in HTML", name)
		}
	}
	if _, _, _, err := portal.Render("nope", data); err == nil {
		t.Error("an unknown template rendered")
	}
}
