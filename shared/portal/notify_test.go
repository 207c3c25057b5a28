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
		if subject == "" {
			t.Errorf("%s: empty subject", name)
		}
		if strings.Contains(subject, "\n") {
			t.Errorf("%s: subject %q has a line break", name, subject)
		}
		if !strings.Contains(text, "openlot") {
			t.Errorf("%s: text %q does not contain openlot", name, text)
		}
		if !strings.Contains(html, "</html>") {
			t.Errorf("%s: html %q lacks </html>", name, html)
		}
		if strings.Contains(html, "<script>") {
			t.Errorf("%s: user text is not escaped in HTML: it contains <script>", name)
		}
		if !strings.Contains(html, "&lt;script&gt;") {
			t.Errorf("%s: HTML lacks the escaped user text &lt;script&gt;", name)
		}
	}
	if _, _, _, err := portal.Render("nope", data); err == nil {
		t.Error("an unknown template rendered")
	}
}
