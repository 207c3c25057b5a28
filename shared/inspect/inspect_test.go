package inspect_test

import (
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

func codes(fs []inspect.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return strings.Join(out, " ")
}

// good is a clean 1080p 23.976 fps Spanish AV file of 10 minutes.
func good() lot.MediaInfo {
	return lot.MediaInfo{Container: "mov,mp4", Duration: 600,
		Video: []lot.VideoStream{{Codec: "h264", Width: 1920, Height: 1080, FrameRate: 24000.0 / 1001, Duration: 600}},
		Audio: []lot.AudioStream{{Codec: "pcm_s24le", Channels: 6, Layout: "5.1", SampleRate: 48000, Language: "spa", Duration: 600.2}}}
}

func TestMediaChecksFindWhatIsWrong(t *testing.T) {
	// Ensures each media check fires on its fault, and only then, with the
	// overridable flag and times the catalogue gives.
	p := inspect.PolicyFor(lot.SourceAVMuxed)
	base := inspect.Subject{SourceType: lot.SourceAVMuxed, Language: "es-419", PrimaryFrameRate: 23.976,
		Declared: map[string]string{"frameRate": "23.976", "audioConfiguration": "5.1"}}
	cases := []struct {
		name string
		mod  func(*inspect.Subject, *lot.MediaInfo, *lot.Detection)
		want string
	}{
		{"clean", func(*inspect.Subject, *lot.MediaInfo, *lot.Detection) {}, ""},
		{"no video", func(_ *inspect.Subject, m *lot.MediaInfo, _ *lot.Detection) { m.Video = nil }, "MISSING_VIDEO"},
		{"uhd wanted", func(s *inspect.Subject, _ *lot.MediaInfo, _ *lot.Detection) { s.UHD = true }, "RESOLUTION_TOO_LOW"},
		{"english audio", func(_ *inspect.Subject, m *lot.MediaInfo, _ *lot.Detection) { m.Audio[0].Language = "eng" }, "LANGUAGE_MISMATCH"},
		{"25 fps", func(_ *inspect.Subject, m *lot.MediaInfo, _ *lot.Detection) { m.Video[0].FrameRate = 25 },
			"FRAME_RATE_NOT_PRIMARY FRAME_RATE_NOT_AS_DECLARED"},
		{"stereo declared", func(s *inspect.Subject, _ *lot.MediaInfo, _ *lot.Detection) { s.Declared["audioConfiguration"] = "2.0" },
			"AUDIO_CONFIGURATION_NOT_AS_DECLARED"},
		{"short audio", func(_ *inspect.Subject, m *lot.MediaInfo, _ *lot.Detection) { m.Audio[0].Duration = 598 }, "AV_RUNTIME_MISMATCH"},
		{"recut", func(s *inspect.Subject, _ *lot.MediaInfo, _ *lot.Detection) { s.PreviousDuration = 612 }, "DURATION_CHANGED"},
		{"3 s black", func(_ *inspect.Subject, _ *lot.MediaInfo, d *lot.Detection) {
			d.Black = []lot.Span{{Start: 10, End: 11.5}, {Start: 100, End: 103}}
		}, "BLACK_SEGMENT"},
		{"silence", func(_ *inspect.Subject, _ *lot.MediaInfo, d *lot.Detection) {
			d.Silence = []lot.Span{{Start: 0, End: 30}}
		}, "SILENCE"},
		{"damaged", func(_ *inspect.Subject, _ *lot.MediaInfo, d *lot.Detection) { d.Undecodable = 3 }, "UNDECODABLE_FRAMES"},
	}
	for _, c := range cases {
		s := base
		s.Declared = map[string]string{"frameRate": "23.976", "audioConfiguration": "5.1"}
		m, d := good(), lot.Detection{}
		c.mod(&s, &m, &d)
		got := inspect.CheckMedia(p, s, m, &d)
		if codes(got) != c.want {
			t.Errorf("%s: found %q, want %q (%+v)", c.name, codes(got), c.want, got)
		}
		for _, f := range got {
			code, _ := inspect.Lookup(f.Code)
			if f.Overridable != code.Overridable {
				t.Errorf("%s: %s Overridable = %v, the catalogue says %v", c.name, f.Code, f.Overridable, code.Overridable)
			}
			if f.Message == "" {
				t.Errorf("%s: %s has no message: %+v", c.name, f.Code, f)
			}
		}
	}
	black := inspect.CheckMedia(p, base, good(), &lot.Detection{Black: []lot.Span{{Start: 100, End: 103}}})
	if len(black) != 1 {
		t.Fatalf("%d black findings, want 1: %+v", len(black), black)
	}
	if !black[0].Overridable {
		t.Errorf("black finding not overridable: %+v", black[0])
	}
	if len(black[0].Spans) != 1 {
		t.Errorf("black finding has %d spans, want 1: %+v", len(black[0].Spans), black[0].Spans)
	}
	if want := "0:01:40.000–0:01:43.000"; !strings.Contains(black[0].Message, want) {
		t.Errorf("black finding message %q, want it to contain %q", black[0].Message, want)
	}
}

func TestSubtitleChecks(t *testing.T) {
	// Ensures subtitle files are read as the partner wrote them (TTML clock
	// and offset times, frames, SRT) and each fault is named.
	p := inspect.PolicyFor(lot.SourceSubtitle)
	s := inspect.Subject{SourceType: lot.SourceSubtitle, Runtime: 600, Declared: map[string]string{"subtitleFormat": "TTML", "frameRate": "24"}}
	ttml := func(ps string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="24"><body><div>` + ps + `</div></body></tt>`
	}
	srt := "1\n00:00:01,000 --> 00:00:02,500\nHola\n\n2\n00:00:03,000 --> 00:00:04,000\nAdiós\n"
	cases := []struct {
		name, text, format, want string
	}{
		{"good ttml", ttml(`<p begin="00:00:01.000" end="00:00:02:12">a</p><p begin="3s" dur="48f">b</p>`), "TTML", ""},
		{"good srt", srt, "SRT", ""},
		{"dfxp is ttml", ttml(`<p begin="1s" end="2s">a</p>`), "DFXP", ""},
		{"declared srt", ttml(`<p begin="1s" end="2s">a</p>`), "SRT", "SUBTITLE_FORMAT_NOT_AS_DECLARED"},
		{"not xml", `<tt><p begin="1s" end="2s">a</tt>`, "TTML", "SUBTITLE_MALFORMED"},
		{"latin-1", "1\n00:00:01,000 --> 00:00:02,000\nAdi\xf3s\n", "SRT", "SUBTITLE_NOT_UTF8"},
		{"end before begin", ttml(`<p begin="5s" end="4s">a</p>`), "TTML", "SUBTITLE_TIMING"},
		{"par in any order", ttml(`<p begin="5s" end="6s">a</p><p begin="2s" end="3s">b</p>`), "TTML", ""},
		{"srt out of order", "1\n00:00:05,000 --> 00:00:06,000\na\n\n2\n00:00:02,000 --> 00:00:03,000\nb\n", "SRT", "SUBTITLE_ORDER"},
		{"past the end", ttml(`<p begin="00:10:30.000" end="00:10:32.000">a</p>`), "TTML", "SUBTITLE_OUTSIDE_RUNTIME"},
		{"bad frame", ttml(`<p begin="00:00:01:30" end="00:00:02:00">a</p>`), "TTML", "SUBTITLE_MALFORMED"},
		{"srt broken timing", "1\n00:00:01 --> 00:00:02\nx\n", "SRT", "SUBTITLE_MALFORMED"},
	}
	for _, c := range cases {
		s.Declared["subtitleFormat"] = c.format
		if got := codes(inspect.CheckSubtitle(p, s, []byte(c.text))); got != c.want {
			t.Errorf("%s: found %q, want %q", c.name, got, c.want)
		}
	}
	// Cues written in programme timecode count from the start timecode.
	s.Declared = map[string]string{"subtitleFormat": "SRT", "frameRate": "24", "startTimecode": "01:00:00:00"}
	if got := inspect.CheckSubtitle(p, s, []byte("1\n01:00:01,000 --> 01:00:02,000\nx\n")); len(got) != 0 {
		t.Errorf("timecode-based cues: %+v", got)
	}
}

func TestEveryPolicyAndCode(t *testing.T) {
	// Ensures every source type has a versioned policy whose checks exist,
	// and every code has help text.
	known := map[string]bool{"streams": true, "resolution": true, "language": true, "frameRate": true, "declared": true,
		"avRuntime": true, "duration": true, "black": true, "silence": true, "decode": true, "subtitle": true, "format": true, "package": true}
	for _, st := range lot.SourceTypes {
		p := inspect.PolicyFor(st)
		if p.Version == "" {
			t.Errorf("%s: policy has no version: %+v", st, p)
		}
		if p.Media == "" {
			t.Errorf("%s: policy has no media: %+v", st, p)
		}
		if p.MaxBlackS <= 0 {
			t.Errorf("%s: policy MaxBlackS = %v, want > 0", st, p.MaxBlackS)
		}
		for _, c := range p.Checks {
			if !known[c] {
				t.Errorf("%s: unknown check %q", st, c)
			}
		}
	}
	for _, c := range inspect.Catalogue {
		if c.Help == "" {
			t.Errorf("%s has no help", c.Code)
		}
		if c.Title == "" {
			t.Errorf("%s has no title", c.Code)
		}
	}
	p := inspect.PolicyFor(lot.SourceAudioDescription)
	if p.MaxSilenceS != 120 {
		t.Errorf("a type's own threshold over the defaults: MaxSilenceS = %v, want 120", p.MaxSilenceS)
	}
	if p.MaxBlackS != 2 {
		t.Errorf("a type's own threshold over the defaults: MaxBlackS = %v, want 2", p.MaxBlackS)
	}
}
