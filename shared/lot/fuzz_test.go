package lot_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// FuzzTimecode feeds QC events' timecodes, at any frame rate and either
// timecode kind, through ParseTimecode, FormatTimecode and QC.AddEvent:
// nothing panics, a timecode read counts frames from zero, and the one
// written back reads as the same frame. A longer run:
// go test -run '^$' -fuzz '^FuzzTimecode$' -fuzztime 5m ./shared/lot
func FuzzTimecode(f *testing.F) {
	for _, s := range []struct {
		tc   string
		rate float64
		drop bool
	}{
		{"00:00:01:00", 24, false}, {"01:00:00:00", 23.976, false}, {"00:01:00;02", 29.97, true}, {"00:10:00;00", 29.97, true},
		{"00:00:59;29", 29.97, true}, {"23:59:59;59", 59.94, true}, {"99:59:59:24", 25, false}, {"00:01:00;00", 29.97, true},
		{"00:00:00;00", 24, false}, {" 10:00:00:00 ", 0, false}, {"00:00:00:00", -1, false}, {"00:00:00:00", math.NaN(), false},
		{"00:00:00:01", math.Inf(1), false}, {"00:00:00:00", 1e300, true}, {"00:00:00:00", 0.4, false}, {"", 24, false},
	} {
		f.Add(s.tc, s.rate, s.drop)
	}
	qcer := lot.Act{By: lot.Principal{Subject: "qc-1", Role: lot.RoleQC}, At: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, tc string, rate float64, drop bool) {
		frames, err := lot.ParseTimecode(tc, rate)
		if err == nil {
			label := strings.TrimSpace(tc)
			if frames < 0 {
				t.Fatalf("%q at %g: %d frames", tc, rate, frames)
			}
			if back := lot.FormatTimecode(frames, rate, label[8] == ';'); back != label {
				t.Fatalf("%q at %g is frame %d, written back as %q", tc, rate, frames, back)
			}
		}
		q := lot.NewQC(qcer, rate, lot.QCReadyInspected)
		q.DropFrame = drop
		if err := q.Act(qcer, lot.QCStart, ""); err != nil {
			t.Fatal(err)
		}
		e, err := q.AddEvent(qcer, lot.QCEvent{In: tc, Out: tc, Severity: lot.SeverityFYI, Category: lot.QCGlossary[0].Code, Note: "n"})
		if err != nil {
			if lot.ErrorCode(err) != lot.CodeInvalid {
				t.Fatalf("event at %q, %g fps: %v, want invalid", tc, rate, err)
			}
			return
		}
		want, err := lot.ReadTimecode(tc, q.FrameRate, drop)
		if err != nil {
			t.Fatalf("event at %q, %g fps accepted, but the timecode does not read: %v", tc, rate, err)
		}
		in, err := lot.ParseTimecode(e.In, q.FrameRate)
		if err != nil || e.In != e.Out || in != want {
			t.Fatalf("event at %q (frame %d), %g fps, drop %v, recorded as %q–%q (frame %d): %v", tc, want, rate, drop, e.In, e.Out, in, err)
		}
		if label := strings.TrimSpace(tc); e.In[:8] != label[:8] || e.In[9:] != label[9:] {
			t.Fatalf("event at %q, %g fps, drop %v, recorded under another label %q", tc, rate, drop, e.In)
		}
	})
}
