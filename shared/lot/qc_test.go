package lot_test

import (
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

func TestTimecodes(t *testing.T) {
	// Ensures SMPTE timecodes count the frames of their rate, drop-frame
	// included, and are written back the same.
	cases := []struct {
		tc     string
		rate   float64
		frames int64
	}{
		{"00:00:01:00", 24, 24}, {"01:00:00:00", 23.976, 86400}, {"00:00:00:24", 25, 24},
		{"00:01:00;02", 29.97, 1800}, {"00:10:00;00", 29.97, 17982}, {"01:00:00;00", 29.97, 107892},
		{"00:00:59;29", 29.97, 1799},
	}
	for _, c := range cases {
		n, err := lot.ParseTimecode(c.tc, c.rate)
		if err != nil {
			t.Errorf("%s at %g: %v", c.tc, c.rate, err)
			continue
		}
		if n != c.frames {
			t.Errorf("%s at %g: %d frames, want %d", c.tc, c.rate, n, c.frames)
			continue
		}
		if back := lot.FormatTimecode(n, c.rate, c.tc[8] == ';'); back != c.tc {
			t.Errorf("%s written back as %s", c.tc, back)
		}
	}
	for _, bad := range []string{"00:00:01:24", "00:01:00;00", "1:00:00:00", "00:60:00:00", "00:00:00;00x"} {
		if _, err := lot.ParseTimecode(bad, 24); err == nil && bad != "00:01:00;00" {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := lot.ParseTimecode("00:01:00;00", 29.97); err == nil {
		t.Error("a dropped frame number was accepted")
	}
}

func TestQCOutcomeFollowsItsEvents(t *testing.T) {
	// Ensures QC moves only as allowed and finishes with the outcome its
	// events give.
	qcer := lot.Act{By: lot.Principal{Subject: "qc-1", Role: lot.RoleQC}, At: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	partner := lot.Act{By: lot.Principal{Subject: "fp", Role: lot.RoleFP}, At: qcer.At}
	run := func(events ...lot.QCEvent) (lot.QCStatus, *lot.QC) {
		q := lot.NewQC(qcer, 24, lot.QCReadyInspected)
		if err := q.Act(partner, lot.QCStart, ""); !lot.IsCode(err, lot.CodeForbidden) {
			t.Fatalf("a partner started QC: %v", err)
		}
		if _, err := q.AddEvent(qcer, lot.QCEvent{In: "00:00:01:00", Out: "00:00:02:00", Severity: lot.SeverityFYI, Category: "1.1", Note: "x"}); !lot.IsCode(err, lot.CodeNotAllowed) {
			t.Fatalf("an event before start: %v", err)
		}
		if err := q.Act(qcer, lot.QCStart, ""); err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if _, err := q.AddEvent(qcer, e); err != nil {
				t.Fatal(err)
			}
		}
		out, err := q.Finish(qcer, "")
		if err != nil {
			t.Fatal(err)
		}
		return out, q
	}
	fyi := lot.QCEvent{In: "00:00:10:00", Out: "00:00:12:12", Severity: lot.SeverityFYI, Category: "2.4", Note: "a bit loud"}
	issue := lot.QCEvent{In: "00:01:00:00", Out: "00:01:00:05", Severity: lot.SeverityIssue, Category: "1.2", Note: "frame repeat"}
	blocker := lot.QCEvent{In: "00:02:00:00", Out: "00:02:03:00", Severity: lot.SeverityBlocker, Category: "2.2", Note: "audio drops out"}
	if out, _ := run(); out != lot.QCPassed {
		t.Errorf("no events: %s", out)
	}
	if out, _ := run(fyi); out != lot.QCPassedWithIssues {
		t.Errorf("an FYI: %s", out)
	}
	if out, _ := run(fyi, issue); out != lot.QCFailed {
		t.Errorf("an open issue: %s", out)
	}
	if out, _ := run(blocker); out != lot.QCFailed {
		t.Errorf("a blocker: %s", out)
	}
	q := lot.NewQC(qcer, 24, lot.QCReadyInspected)
	q.Act(qcer, lot.QCStart, "")
	q.AddEvent(qcer, issue)
	if err := q.SignOff(qcer, 1); err != nil {
		t.Fatal(err)
	}
	if out, _ := q.Finish(qcer, ""); out != lot.QCPassedWithIssues {
		t.Errorf("a signed-off issue: %s", out)
	}
	bad := []lot.QCEvent{
		{In: "00:00:02:00", Out: "00:00:01:00", Severity: lot.SeverityFYI, Category: "1.1", Note: "x"},
		{In: "00:00:01:30", Out: "00:00:02:00", Severity: lot.SeverityFYI, Category: "1.1", Note: "x"},
		{In: "00:00:01:00", Out: "00:00:02:00", Severity: "MINOR", Category: "1.1", Note: "x"},
		{In: "00:00:01:00", Out: "00:00:02:00", Severity: lot.SeverityFYI, Category: "9.9", Note: "x"},
		{In: "00:00:01:00", Out: "00:00:02:00", Severity: lot.SeverityFYI, Category: "1.1"},
	}
	q = lot.NewQC(qcer, 24, lot.QCReadyInspected)
	q.Act(qcer, lot.QCStart, "")
	for i, e := range bad {
		if _, err := q.AddEvent(qcer, e); !lot.IsCode(err, lot.CodeInvalid) {
			t.Errorf("bad event %d: %v", i, err)
		}
	}
	if err := q.Act(qcer, lot.QCHold, ""); err != nil {
		t.Errorf("hold: %v", err)
	}
	if err := q.Act(qcer, lot.QCStart, ""); err == nil {
		t.Error("start after hold: err = nil, want an error (not allowed: resume)")
	}
}
