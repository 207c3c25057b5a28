package lot

import (
	"strings"
	"testing"
)

func TestIMFTracksWaitForTheVideoTrack(t *testing.T) {
	// Ensures an IMF composition's audio and timed-text tracks show Waiting
	// for Primary while its video track is not processed (a finding about the
	// video file or the package's documents), and their own status once it is.
	comp := func() *Composition {
		return &Composition{Tracks: []CompositionTrack{
			{Kind: TrackVideo, Files: []string{"video.mxf"}},
			{Kind: "audio", Files: []string{"audio_en.mxf"}},
			{Kind: "timedText", Files: []string{"subs.mxf"}},
		}}
	}
	statuses := func(c *Composition) string {
		var out []string
		for _, t := range c.Tracks {
			out = append(out, string(t.Status))
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		findings []Finding
		want     string
	}{
		{nil, "PROCESSED PROCESSED PROCESSED"},
		{[]Finding{{Code: "IMF_PKL_HASH_MISMATCH", File: "video.mxf"}}, "FAILED WAITING_FOR_PRIMARY WAITING_FOR_PRIMARY"},
		{[]Finding{{Code: "IMF_TIMING", File: "CPL.xml"}}, "FAILED WAITING_FOR_PRIMARY WAITING_FOR_PRIMARY"},
		{[]Finding{{Code: "IMF_TRACK_DURATION", File: "audio_en.mxf"}}, "PROCESSED FAILED PROCESSED"},
	}
	for _, c := range cases {
		got := comp()
		got.SetTrackStatuses(c.findings)
		if s := statuses(got); s != c.want {
			t.Errorf("findings %v: %s, want %s", c.findings, s, c.want)
		}
	}
}
