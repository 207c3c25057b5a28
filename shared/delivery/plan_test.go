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
