package fftest_test

import (
	"testing"

	"github.com/openlot/openlot/shared/ffmpeg/fftest"
)

func TestHasCodeForgivesOneMisreadCharacter(t *testing.T) {
	// Ensures a watermark code is found in OCR text read with one character
	// wrong, missing or extra, and not when two are wrong or it is another code.
	for _, c := range []struct {
		text string
		want bool
	}{
		{"2026-11-23 02:53 UTC · HB8Y1S2N\n", true},
		{"UTC · HB8YIS2N", true},   // I for 1
		{"UTC · HB&8Y1S2N", true},  // an extra mark (seen in CI)
		{"UTC · HB8Y1S2", true},    // the last character lost
		{"UTC · H B8Y1 S2N", true}, // blanks inside
		{"UTC · HB&8Y1S3N", false}, // two misreads
		{"UTC · 5VWH3BJR", false},  // another code
		{"", false},
	} {
		if got := fftest.HasCode(c.text, "HB8Y1S2N"); got != c.want {
			t.Errorf("HasCode(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
