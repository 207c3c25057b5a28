package inspect_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// ffmpegSCC has ffmpeg read an SCC file (its own demuxer) and write it
// again (its own muxer), and returns what it wrote.
func ffmpegSCC(t *testing.T, scc string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.scc"), filepath.Join(dir, "out.scc")
	if err := os.WriteFile(in, []byte(scc), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("ffmpeg", "-v", "error", "-y", "-i", in, "-map", "0", "-c", "copy", out).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// ffmpegSubtitle converts srt into ext with ffmpeg's own muxer, the
// subtitle stream tagged lang (ISO 639-2), and returns the file's bytes.
func ffmpegSubtitle(t *testing.T, srt, ext, lang string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.srt"), filepath.Join(dir, "out."+ext)
	if err := os.WriteFile(in, []byte(srt), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-i", in, "-metadata:s:s:0", "language="+lang, out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSubtitlesWrittenByFFmpeg(t *testing.T) {
	// Ensures files another tool wrote are read as their format says:
	// ffmpeg's TTML (xml:lang in ISO 639-2, spans and br in paragraphs)
	// passes when right and fails on language and runtime, and ffmpeg's
	// WebVTT declared as SRT is named FORMAT_NOT_AS_DECLARED; an SCC file
	// ffmpeg rewrote (non-drop time codes) passes, and fails past the
	// programme.
	fftest.Need(t)
	srt := "1\n00:00:01,000 --> 00:00:02,500\nHola <i>mundo</i>\n\n2\n00:00:03,000 --> 00:00:04,000\nAdiós\nsegunda línea\n\n" +
		"3\n00:09:58,000 --> 00:10:30,000\nAl final\n"
	p := inspect.PolicyFor(lot.SourceSubtitle)
	ttml := ffmpegSubtitle(t, srt, "ttml", "spa")
	scc := ffmpegSCC(t, "Scenarist_SCC V1.0\r\n\r\n"+
		"01:00:01;00\t9420 9420 94ae 94ae 9452 9452 97a1 97a1 c8e5 ecec ef80 942f 942f\r\n\r\n01:00:04;00\t942c 942c\r\n\r\n"+
		"01:09:50;00\t9420 9420 94ae 94ae 9452 9452 c8e5 ecec ef80 942f 942f\r\n\r\n01:09:52;15\t942c 942c\r\n")
	vtt := ffmpegSubtitle(t, srt, "vtt", "spa")
	cases := []struct {
		name    string
		data    []byte
		format  string
		lang    string
		runtime float64
		want    string
	}{
		{"TTML, spanish as requested", ttml, "TTML", "es-419", 900, ""},
		{"TTML, request hindi", ttml, "TTML", "hi", 900, "LANGUAGE_MISMATCH"},
		{"TTML, a 10-minute programme", ttml, "TTML", "es-419", 600, "SUBTITLE_OUTSIDE_RUNTIME"},
		{"WebVTT declared SRT", vtt, "SRT", "es-419", 900, "FORMAT_NOT_AS_DECLARED"},
		{"the SRT itself", []byte(srt), "SRT", "es-419", 900, ""},
		{"SCC as ffmpeg writes it", scc, "SCC", "es-419", 600, ""},
		{"SCC as ffmpeg writes it, a 5-minute programme", scc, "SCC", "es-419", 300, "SUBTITLE_OUTSIDE_RUNTIME"},
	}
	for _, c := range cases {
		s := inspect.Subject{SourceType: lot.SourceSubtitle, Language: c.lang, Runtime: c.runtime,
			Declared: map[string]string{"subtitleFormat": c.format, "frameRate": "25", "language": c.lang}}
		if c.format == "SCC" {
			s.Declared["frameRate"], s.Declared["startTimecode"] = "29.97", "01:00:00:00"
		}
		if got := inspect.CheckSubtitle(p, s, c.data); codes(got) != c.want {
			t.Errorf("%s: found %q, want %q: %+v", c.name, codes(got), c.want, got)
		}
	}
}
