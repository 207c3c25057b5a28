package delivery_test

import (
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/delivery"
	"github.com/openlot/openlot/shared/lot"
)

func TestPlanExplainsWhichFileFitsWhichRequest(t *testing.T) {
	// Ensures the file bin recommends the file whose title, episode,
	// language and extension fit each request, says why, and does not
	// recommend another episode's or another language's file.
	files := []string{
		"ORBITAL_S01E03_es-419_SUBS.ttml", "ORBITAL_S01E04_es-419_SUBS.ttml", "ORBITAL_S01E03_fr_SUBS.ttml",
		"Orbital_S01E03_ME_stems_L.wav", "Orbital_S01E03_ME_stems_R.wav", "notes.txt",
	}
	sub := &lot.Request{TitleName: "Orbital: Season 1: Episode 3", SourceType: lot.SourceSubtitle, Language: "es-419"}
	plan := delivery.Plan(sub, files)
	best := plan[0]
	if best.Name != files[0] {
		t.Errorf("best for the Spanish subtitle: %q, want %q", best.Name, files[0])
	}
	if !best.Recommended {
		t.Errorf("best for the Spanish subtitle: not recommended: %+v", best)
	}
	if best.Score < 90 {
		t.Errorf("best for the Spanish subtitle: score %d, want at least 90", best.Score)
	}
	why := strings.Join(best.Reasons, "; ")
	for _, want := range []string{"title words orbital", "episode S01E03", "language es-419", "extension .ttml fits Subtitle", "keyword subs"} {
		if !strings.Contains(why, want) {
			t.Errorf("reasons %q lack %q", why, want)
		}
	}
	for _, c := range plan[1:] {
		if c.Recommended {
			t.Errorf("%s also recommended (%d: %v)", c.Name, c.Score, c.Reasons)
		}
		if c.Name == files[1] && !strings.Contains(strings.Join(c.Reasons, ";"), "another episode") {
			t.Errorf("episode 4 not called out: %v", c.Reasons)
		}
	}
	me := &lot.Request{TitleName: "Orbital: Season 1: Episode 3", SourceType: lot.SourceAudioME}
	var stems []string
	for _, c := range delivery.Plan(me, files) {
		if c.Recommended {
			stems = append(stems, c.Name)
		}
	}
	if len(stems) != 2 {
		t.Fatalf("%d stems recommended for M&E, want 2: %v", len(stems), stems)
	}
	for _, s := range stems {
		if !strings.HasSuffix(s, ".wav") {
			t.Errorf("stem recommended for M&E: %q, want a .wav", s)
		}
	}
}

func TestPlanReadsLanguageNamesAsPeopleWriteThem(t *testing.T) {
	// Ensures a file whose name gives the request's language as a tag, an
	// English name with its region in words (either order, any separator,
	// camel case) or a one-word alias counts as the full language, and that
	// another region or another language counts against the file.
	cases := []struct {
		lang, name string
		want       int // the language's part of the score
		reason     string
	}{
		{"fr-CA", "Orbital_french canadian_subs.ttml", 20, `language fr-CA ("french canadian")`},
		{"fr-CA", "Orbital_french_canadian_subs.ttml", 20, "language fr-CA"},
		{"fr-CA", "Orbital.Canadian.French.ttml", 20, "language fr-CA"},
		{"fr-CA", "Orbital_FrenchCanadian.ttml", 20, "language fr-CA"},
		{"fr-CA", "Orbital_fr-CA.ttml", 20, "language fr-CA"},
		{"fr-CA", "Orbital_fr_CA.ttml", 20, "language fr-CA"},
		{"fr-CA", "Orbital_Quebecois.ttml", 20, "language fr-CA"},
		{"pt-BR", "Orbital Brazilian Portuguese.ttml", 20, `language pt-BR ("portuguese brazilian")`},
		{"pt-BR", "Orbital_PT-BR.ttml", 20, "language pt-BR"},
		{"es-419", "Orbital Latin American Spanish.ttml", 20, "language es-419"},
		{"es-419", "Orbital_LAS.ttml", 20, "language es-419"},
		{"zh-Hans", "Orbital Simplified Chinese.ttml", 20, "language zh-Hans"},
		{"es", "Orbital_Spanish.ttml", 20, `language es ("spanish")`},
		{"fr-CA", "Orbital_French.ttml", 10, "without the region"},
		{"fr-CA", "Orbital_fr.ttml", 10, "without the region"},
		{"fr-CA", "Orbital_French_Parisian.ttml", -20, "another region"},
		{"fr-CA", "Orbital_fr-FR.ttml", -20, "another region"},
		{"pt-BR", "Orbital European Portuguese Portugal.ttml", -20, "another region"},
		{"fr-CA", "Orbital_German.ttml", -30, `another language ("german")`},
		{"fr-CA", "Orbital_Brazilian.ttml", -30, "another language"},
		{"fr-CA", "Orbital.ttml", 0, ""},
	}
	for _, c := range cases {
		r := &lot.Request{TitleName: "Orbital", SourceType: lot.SourceSubtitle, Language: c.lang}
		base := delivery.Plan(&lot.Request{TitleName: "Orbital", SourceType: lot.SourceSubtitle}, []string{c.name})[0]
		got := delivery.Plan(r, []string{c.name})[0]
		why := strings.Join(got.Reasons, "; ")
		if d := got.Score - base.Score; d != c.want && !(c.want < 0 && got.Score == 0) {
			t.Errorf("%s for %s: language counts %+d, want %+d (%s)", c.name, c.lang, d, c.want, why)
		}
		if c.reason != "" && !strings.Contains(why, c.reason) {
			t.Errorf("%s for %s: reasons %q lack %q", c.name, c.lang, why, c.reason)
		}
		if c.reason == "" && strings.Contains(why, "language") {
			t.Errorf("%s for %s: a language read where none is said: %q", c.name, c.lang, why)
		}
	}
}
