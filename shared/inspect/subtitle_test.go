package inspect_test

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// tti is one EBU STL Text and Timing Information block.
type tti struct {
	sn      int
	ebn     byte // 0xFF: the last (or only) block of a subtitle
	cf      byte // 1: a comment
	in, out [4]byte
	text    []byte
}

func cue(sn int, in, out [4]byte, text string) tti {
	return tti{sn: sn, ebn: 0xFF, in: in, out: out, text: []byte(text)}
}

// mustSTL builds an EBU STL file byte by byte after Tech 3264: the GSI
// block (fields at their offsets, space filled) and 128-byte TTI blocks.
func mustSTL(tb testing.TB, dfc, lc, tcp string, blocks ...tti) []byte {
	tb.Helper()
	gsi := bytes.Repeat([]byte{' '}, 1024)
	put := func(at int, s string) { copy(gsi[at:], s) }
	put(0, "850")      // CPN: multilingual
	put(3, dfc)        // DFC
	put(11, "0")       // DSC: open subtitling
	put(12, "00")      // CCT: Latin
	put(14, lc)        // LC
	put(16, "A Title") // OPT
	put(224, "261205") // CD
	put(230, "261205") // RD
	put(236, "00")     // RN
	put(238, fmt.Sprintf("%05d", len(blocks)))
	put(243, fmt.Sprintf("%05d", len(blocks)))
	put(248, "001") // TNG
	put(251, "40")  // MNC
	put(253, "23")  // MNR
	put(255, "1")   // TCS: time codes for use
	put(256, tcp)   // TCP
	put(264, tcp)   // TCF
	put(272, "1")   // TND
	put(273, "1")   // DSN
	put(274, "GBR") // CO
	out := gsi
	for _, b := range blocks {
		t := make([]byte, 128)
		t[0] = 0 // SGN
		t[1], t[2] = byte(b.sn), byte(b.sn>>8)
		t[3] = b.ebn
		t[4] = 0 // CS
		copy(t[5:9], b.in[:])
		copy(t[9:13], b.out[:])
		t[13] = 20 // VP
		t[14] = 2  // JC: centred
		t[15] = b.cf
		tf := t[16:]
		for i := range tf {
			tf[i] = 0x8F // unused space
		}
		copy(tf, b.text)
		out = append(out, t...)
	}
	if len(out) != 1024+128*len(blocks) {
		tb.Fatalf("STL of %d bytes", len(out))
	}
	return out
}

func tc(h, m, s, f byte) [4]byte { return [4]byte{h, m, s, f} }

func subtitleCodes(p inspect.Policy, s inspect.Subject, data []byte) string {
	return codes(inspect.CheckSubtitle(p, s, data))
}

func TestEBUSTL(t *testing.T) {
	// Ensures EBU STL files are read as the binary blocks they are: a valid
	// file passes (its text is not UTF-8, and must not need to be), and each
	// fault in the GSI or TTI blocks, the times, the runtime and the
	// language is named.
	p := inspect.PolicyFor(lot.SourceSubtitle)
	s := inspect.Subject{SourceType: lot.SourceSubtitle, Language: "es-419", Runtime: 600,
		Declared: map[string]string{"subtitleFormat": "STL", "frameRate": "25", "language": "es-419"}}
	// Italics on, ISO 6937 "¿Señor?" (0xC4 n: n with tilde), CR/LF, italics off.
	text := "\x80\xb9Se\xc4nor?\x8a\x8aHola\x81"
	good := []tti{
		cue(1, tc(10, 0, 1, 0), tc(10, 0, 3, 12), text),
		{sn: 2, ebn: 0x00, in: tc(10, 0, 4, 0), out: tc(10, 0, 6, 24), text: bytes.Repeat([]byte("a"), 112)},
		{sn: 2, ebn: 0xFF, in: tc(10, 0, 4, 0), out: tc(10, 0, 6, 24), text: []byte("and the rest")},
		{sn: 3, ebn: 0xFF, cf: 1, in: tc(9, 0, 0, 0), out: tc(9, 0, 0, 1), text: []byte("a comment, not shown")},
		cue(4, tc(10, 9, 50, 0), tc(10, 9, 59, 24), "Adiós"),
	}
	cases := []struct {
		name string
		data []byte
		mod  func(*inspect.Subject)
		want string
	}{
		{"valid, 25 fps, programme from 10:00:00:00", mustSTL(t, "STL25.01", "0A", "10000000", good...), nil, ""},
		{"valid, 30 fps", mustSTL(t, "STL30.01", "0A", "00000000", cue(1, tc(0, 0, 1, 29), tc(0, 0, 2, 0), "x")), nil, ""},
		{"no language code", mustSTL(t, "STL25.01", "  ", "10000000", good...), nil, ""},
		{"start timecode declared, TCP zero", mustSTL(t, "STL25.01", "0A", "00000000", good...),
			func(s *inspect.Subject) { s.Declared["startTimecode"] = "10:00:00:00" }, ""},
		{"time codes not for use (TCS 0): not checked", func() []byte {
			b := mustSTL(t, "STL25.01", "0A", "00000000", cue(1, tc(0, 0, 0, 0), tc(0, 0, 0, 0), "x"), cue(2, tc(0, 0, 0, 0), tc(0, 0, 0, 0), "y"))
			b[255] = '0'
			return b
		}(), nil, ""},
		{"out before in", mustSTL(t, "STL25.01", "0A", "10000000", cue(1, tc(10, 0, 5, 0), tc(10, 0, 4, 0), "x")), nil, "SUBTITLE_TIMING"},
		{"out of order", mustSTL(t, "STL25.01", "0A", "10000000",
			cue(1, tc(10, 0, 5, 0), tc(10, 0, 6, 0), "x"), cue(2, tc(10, 0, 1, 0), tc(10, 0, 2, 0), "y")), nil, "SUBTITLE_ORDER"},
		{"past the programme", mustSTL(t, "STL25.01", "0A", "10000000", cue(1, tc(10, 12, 0, 0), tc(10, 12, 2, 0), "x")), nil, "SUBTITLE_OUTSIDE_RUNTIME"},
		{"counted from the start of programme (TCP), not the hour", mustSTL(t, "STL25.01", "0A", "09595000", cue(1, tc(10, 9, 55, 0), tc(10, 9, 57, 0), "x")),
			nil, "SUBTITLE_OUTSIDE_RUNTIME"},
		{"frame 25 at 25 fps", mustSTL(t, "STL25.01", "0A", "10000000", cue(1, tc(10, 0, 1, 25), tc(10, 0, 2, 0), "x")), nil, "SUBTITLE_MALFORMED"},
		{"not a disk format code", mustSTL(t, "STL24.01", "0A", "10000000", good...), nil, "SUBTITLE_MALFORMED"},
		{"bad start of programme", mustSTL(t, "STL25.01", "0A", "10006000", good...), nil, "SUBTITLE_MALFORMED"},
		{"cut short", mustSTL(t, "STL25.01", "0A", "10000000", good...)[:1024+128*3+60], nil, "SUBTITLE_MALFORMED"},
		{"GSI block only, counting blocks", mustSTL(t, "STL25.01", "0A", "10000000", good...)[:1024], nil, "SUBTITLE_MALFORMED"},
		{"french, request hindi", mustSTL(t, "STL25.01", "0F", "10000000", good...),
			func(s *inspect.Subject) { s.Language, s.Declared["language"] = "hi", "hi" }, "LANGUAGE_MISMATCH"},
		{"declared french", mustSTL(t, "STL25.01", "0A", "10000000", good...),
			func(s *inspect.Subject) { s.Declared["language"] = "fr" }, "LANGUAGE_MISMATCH"},
		{"declared SRT", mustSTL(t, "STL25.01", "0A", "10000000", good...),
			func(s *inspect.Subject) { s.Declared["subtitleFormat"] = "SRT" }, "SUBTITLE_FORMAT_NOT_AS_DECLARED"},
		{"code page not one of Tech 3264's", func() []byte {
			b := mustSTL(t, "STL25.01", "0A", "10000000", good...)
			copy(b, "\x00\x00\x00")
			return b
		}(), nil, "SUBTITLE_MALFORMED"},
		{"binary, not STL", append([]byte("\x00\x01\x02garbage\xff\xfe"), make([]byte, 2000)...), nil, "SUBTITLE_MALFORMED"},
	}
	for _, c := range cases {
		sub := s
		sub.Declared = map[string]string{"subtitleFormat": "STL", "frameRate": "25", "language": "es-419"}
		if c.mod != nil {
			c.mod(&sub)
		}
		got := inspect.CheckSubtitle(p, sub, c.data)
		if codes(got) != c.want {
			t.Errorf("%s: found %q, want %q: %+v", c.name, codes(got), c.want, got)
		}
	}
	stl, err := inspect.ParseSTL(mustSTL(t, "STL25.01", "0A", "10000000", good...))
	if err != nil {
		t.Fatal(err)
	}
	if stl.FrameRate != 25 || stl.Start != 36000 || stl.Language != "es" || len(stl.Cues) != 3 {
		t.Errorf("read %+v; want 25 fps, start 36000 s, es, 3 subtitles (a comment and an extension block are not)", stl)
	}
	if c := stl.Cues[0]; c.Begin != 36001 || c.End != 36003.48 {
		t.Errorf("subtitle 1 runs %v–%v, want 36001–36003.48 (frame 12 at 25 fps)", c.Begin, c.End)
	}
}

func TestSCC(t *testing.T) {
	// Ensures SCC files are read as CEA-608 data in drop-frame (or
	// non-drop) time code lines: valid pop-on and roll-up files pass, and
	// parity errors, frames drop frame skips, a missing header, and
	// captions past the programme are named.
	p := inspect.PolicyFor(lot.SourceSDHCC)
	s := inspect.Subject{SourceType: lot.SourceSDHCC, Language: "en-US", Runtime: 600,
		Declared: map[string]string{"subtitleFormat": "SCC", "frameRate": "29.97", "startTimecode": "01:00:00;00"}}
	// RCL RCL ENM ENM PAC PAC "Hello" EOC EOC; later EDM EDM.
	popOn := "Scenarist_SCC V1.0\r\n\r\n" +
		"01:00:01;00\t9420 9420 94ae 94ae 9452 9452 97a1 97a1 c8e5 ecec ef80 942f 942f\r\n\r\n" +
		"01:00:04;00\t942c 942c\r\n\r\n" +
		"01:09:50;00\t9420 9420 94ae 94ae 9452 9452 c8e5 ecec ef80 942f 942f\r\n\r\n" +
		"01:09:52;15\t942c 942c\r\n"
	rollUp := "Scenarist_SCC V1.0\n\n" +
		"00:00:00:00\t9425 9425 94ad 94ad 9470 9470 c8e5 ecec ef80\n\n" +
		"00:00:03:00\t942c 942c\n"
	cases := []struct {
		name, text string
		mod        func(*inspect.Subject)
		want       string
	}{
		{"pop-on, drop frame, from 01:00:00;00", popOn, nil, ""},
		{"roll-up, non-drop, from zero", rollUp, func(s *inspect.Subject) { delete(s.Declared, "startTimecode") }, ""},
		{"start timecode given non-drop", popOn, func(s *inspect.Subject) { s.Declared["startTimecode"] = "01:00:00:00" }, ""},
		{"from the hour, no start timecode", popOn, func(s *inspect.Subject) { delete(s.Declared, "startTimecode") }, ""},
		{"no header", strings.TrimPrefix(popOn, "Scenarist_SCC V1.0"), nil, "SUBTITLE_MALFORMED"},
		{"even parity", strings.Replace(popOn, "c8e5", "48e5", 1), nil, "SUBTITLE_MALFORMED"},
		{"not hex", strings.Replace(popOn, "c8e5", "c8g5", 1), nil, "SUBTITLE_MALFORMED"},
		{"a frame drop frame skips", strings.Replace(popOn, "01:09:52;15", "01:11:00;01", 1), nil, "SUBTITLE_MALFORMED"},
		{"frame 30", strings.Replace(popOn, "01:09:52;15", "01:09:52;30", 1), nil, "SUBTITLE_MALFORMED"},
		{"past the programme", strings.Replace(popOn, "01:09:52;15", "01:10:30;00", 1), nil, "SUBTITLE_OUTSIDE_RUNTIME"},
		{"erased before shown", strings.Replace(popOn, "01:00:04;00", "01:00:00;10", 1), nil, "SUBTITLE_TIMING"},
		{"declared french", popOn, func(s *inspect.Subject) { s.Declared["language"] = "fr" }, "LANGUAGE_MISMATCH"},
		{"declared TTML", popOn, func(s *inspect.Subject) { s.Declared["subtitleFormat"] = "TTML" }, "SUBTITLE_FORMAT_NOT_AS_DECLARED"},
	}
	for _, c := range cases {
		sub := s
		sub.Declared = map[string]string{"subtitleFormat": "SCC", "frameRate": "29.97", "startTimecode": "01:00:00;00"}
		if c.mod != nil {
			c.mod(&sub)
		}
		got := inspect.CheckSubtitle(p, sub, []byte(c.text))
		if codes(got) != c.want {
			t.Errorf("%s: found %q, want %q: %+v", c.name, codes(got), c.want, got)
		}
	}
	// Without a start timecode, cues that fit the programme as they are
	// are named at the file's own times.
	long := inspect.Subject{SourceType: lot.SourceSDHCC, Language: "en-US", Runtime: 7200, Declared: map[string]string{"subtitleFormat": "SCC"}}
	got := inspect.CheckSubtitle(p, long, []byte(strings.Replace(popOn, "01:00:04;00", "01:00:00;10", 1)))
	if codes(got) != "SUBTITLE_TIMING" || !strings.Contains(got[0].Message, "(1:00:01.364–1:00:00.330)") {
		t.Errorf("a backwards caption in a 2-hour programme, no start timecode: %+v", got)
	}
	cues, err := inspect.ParseSCC([]byte(popOn))
	if err != nil {
		t.Fatal(err)
	}
	if len(cues) != 2 {
		t.Fatalf("%d captions, want 2: %+v", len(cues), cues)
	}
	// EOC is word 12 on its line: 01:00:01;00 + 11 frames; EDM at 01:00:04;00.
	frame := 1001.0 / 30000
	wantBegin := float64(107892+30+11) * frame
	wantEnd := float64(107892+120) * frame
	if math.Abs(cues[0].Begin-wantBegin) > 1e-9 || math.Abs(cues[0].End-wantEnd) > 1e-9 {
		t.Errorf("caption 1 shows %v–%v, want %v–%v", cues[0].Begin, cues[0].End, wantBegin, wantEnd)
	}
}

func ttmlDoc(params, body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xmlns:tts="http://www.w3.org/ns/ttml#styling"
    xml:lang="es" ` + params + `>
  <head><layout><region xml:id="r1" tts:origin="10% 80%" tts:extent="80% 20%"/></layout></head>
  ` + body + `
</tt>`
}

func TestTTMLTimingModel(t *testing.T) {
	// Ensures TTML times are read by the TTML timing model: inherited and
	// implicit times, par and seq containers, dur, clock times with frames
	// and sub-frames, offsets in every unit, times on body, div, p and
	// span; valid documents pass and a wrong time anywhere fails.
	p := inspect.PolicyFor(lot.SourceSubtitle)
	s := inspect.Subject{SourceType: lot.SourceSubtitle, Language: "es", Runtime: 600,
		Declared: map[string]string{"subtitleFormat": "TTML", "frameRate": "24"}}
	cases := []struct {
		name, doc, want string
	}{
		{"p with begin and no end", ttmlDoc(``, `<body><div><p begin="1s">a</p><p begin="00:00:05.000" end="00:00:06.000">b</p></div></body>`), ""},
		{"par not in document order", ttmlDoc(``, `<body><div><p begin="8s" end="9s">a</p><p begin="1s" end="2s">b</p></div></body>`), ""},
		{"sub-frames", ttmlDoc(`ttp:frameRate="24" ttp:frameRateMultiplier="1000 1001" ttp:subFrameRate="2"`,
			`<body><div><p begin="00:00:01:12.1" end="00:00:02:23.1">a</p></div></body>`), ""},
		{"seq with durations", ttmlDoc(``, `<body><div timeContainer="seq"><p dur="2s">a</p><p dur="3s">b</p><p dur="48f">c</p></div></body>`), ""},
		{"times on body, div and span", ttmlDoc(``, `<body begin="1s" end="500s"><div begin="00:00:02.5"><p begin="1s" end="10s">a <span begin="1s" end="2s">b</span></p></div></body>`), ""},
		{"ticks", ttmlDoc(`ttp:tickRate="10000000"`, `<body><div><p begin="10000000t" end="25000000t">a</p></div></body>`), ""},
		{"every offset unit", ttmlDoc(``, `<body><div><p begin="0.001h" end="0.1m">a</p><p begin="7000ms" end="8.5s">b</p></div></body>`), ""},
		{"smpte drop frame", ttmlDoc(`ttp:timeBase="smpte" ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" ttp:dropMode="dropNTSC"`,
			`<body><div><p begin="00:01:00:02" end="00:01:02:00">a</p></div></body>`), ""},
		{"clipped by its div: never shown", ttmlDoc(``, `<body><div end="5s"><p begin="8s" end="9s">a</p></div></body>`), ""},
		{"a set inside a p", ttmlDoc(``, `<body><div><p begin="1s" end="3s"><set begin="1s" dur="1s" tts:color="red"/>a</p></div></body>`), ""},
		{"wallclock times", ttmlDoc(`ttp:timeBase="clock" ttp:clockMode="utc"`,
			`<body><div><p begin="wallclock(2026-12-05T20:00:00)" end="wallclock( 2026-12-05T20:00:02.5 )">a</p><p begin="wallclock(20:00)" end="wallclock(20:01:00)">b</p></div></body>`), ""},
		{"wallclock in media time", ttmlDoc(``, `<body><div><p begin="wallclock(20:00)" end="wallclock(20:01)">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"untimed document", ttmlDoc(``, `<body><div><p>a</p></div></body>`), ""},
		{"no body", ttmlDoc(``, ``), ""},
		{"p ends before it begins", ttmlDoc(``, `<body><div><p begin="5s" end="4s">a</p></div></body>`), "SUBTITLE_TIMING"},
		{"span ends before it begins", ttmlDoc(``, `<body><div><p begin="1s" end="9s">a <span begin="3s" end="2s">b</span></p></div></body>`), "SUBTITLE_TIMING"},
		{"div ends before it begins", ttmlDoc(``, `<body><div begin="20s" end="10s"><p>a</p></div></body>`), "SUBTITLE_TIMING"},
		{"body ends before it begins", ttmlDoc(``, `<body begin="20s" end="10s"><div><p>a</p></div></body>`), "SUBTITLE_TIMING"},
		{"p past the runtime", ttmlDoc(``, `<body><div><p begin="00:10:30.000" end="00:10:32.000">a</p></div></body>`), "SUBTITLE_OUTSIDE_RUNTIME"},
		{"p with no end past the runtime", ttmlDoc(``, `<body><div><p begin="00:10:30.000">a</p></div></body>`), "SUBTITLE_OUTSIDE_RUNTIME"},
		{"div moves its p past the runtime", ttmlDoc(``, `<body><div begin="00:09:59.000"><p begin="5s" end="6s">a</p></div></body>`), "SUBTITLE_OUTSIDE_RUNTIME"},
		{"seq pushes a p past the runtime", ttmlDoc(``, `<body><div timeContainer="seq"><p dur="500s">a</p><p dur="200s">b</p></div></body>`), "SUBTITLE_OUTSIDE_RUNTIME"},
		{"span past the runtime", ttmlDoc(``, `<body><div><p begin="590s" end="700s">a <span begin="20s" end="30s">b</span></p></div></body>`), "SUBTITLE_OUTSIDE_RUNTIME"},
		{"frame past the frame rate", ttmlDoc(`ttp:frameRate="24"`, `<body><div><p begin="00:00:01:24" end="00:00:02:00">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"sub-frame past the sub-frame rate", ttmlDoc(`ttp:frameRate="24" ttp:subFrameRate="2"`, `<body><div><p begin="00:00:01:12.2" end="00:00:02:00">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"semicolon", ttmlDoc(``, `<body><div><p begin="00:00:01;12" end="00:00:02:00">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"one-digit hours", ttmlDoc(``, `<body><div><p begin="0:00:01.000" end="00:00:02.000">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"minute 60", ttmlDoc(``, `<body><div><p begin="00:60:01.000" end="01:00:02.000">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"no unit", ttmlDoc(``, `<body><div><p begin="1" end="2s">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"unknown unit", ttmlDoc(``, `<body><div><p begin="1s" end="2x">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"malformed dur on a span", ttmlDoc(``, `<body><div><p begin="1s" end="2s"><span dur="-1s">a</span></p></div></body>`), "SUBTITLE_MALFORMED"},
		{"malformed begin on body", ttmlDoc(``, `<body begin="soon"><div><p>a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"zero frame rate", ttmlDoc(`ttp:frameRate="0"`, `<body><div><p begin="1s" end="2s">a</p></div></body>`), "SUBTITLE_MALFORMED"},
		{"time container", ttmlDoc(``, `<body><div timeContainer="excl"><p begin="1s" end="2s">a</p></div></body>`), "SUBTITLE_MALFORMED"},
	}
	for _, c := range cases {
		if got := subtitleCodes(p, s, []byte(c.doc)); got != c.want {
			t.Errorf("%s: found %q, want %q: %+v", c.name, got, c.want, inspect.CheckSubtitle(p, s, []byte(c.doc)))
		}
	}
}

func TestTTMLLateParagraphWithoutEnd(t *testing.T) {
	// Ensures a paragraph with no end that begins past the programme is
	// named with the time it begins, not an end it does not have.
	s := inspect.Subject{SourceType: lot.SourceSubtitle, Language: "es", Runtime: 600, Declared: map[string]string{"subtitleFormat": "TTML"}}
	got := inspect.CheckSubtitle(inspect.PolicyFor(lot.SourceSubtitle), s,
		[]byte(ttmlDoc(``, `<body><div><p begin="00:10:30.000">a</p></div></body>`)))
	if codes(got) != "SUBTITLE_OUTSIDE_RUNTIME" || !strings.Contains(got[0].Message, "paragraph 1 (line 5) (from 0:10:30.000 on)") {
		t.Errorf("found %+v", got)
	}
}

func TestTTMLTimes(t *testing.T) {
	// Ensures the times TTML resolves are the ones the spec gives: what a
	// partner reads in a message is where the cue shows.
	frame := 1001.0 / 24000
	cases := []struct {
		name, doc  string
		begin, end float64
		nth        int // which paragraph
	}{
		{"frames and sub-frames at 23.976", ttmlDoc(`ttp:frameRate="24" ttp:frameRateMultiplier="1000 1001" ttp:subFrameRate="2"`,
			`<body><div><p begin="00:00:01:12.1" end="00:00:02:00">a</p></div></body>`), 1 + 12.5*frame, 2, 1},
		{"seq: the second p follows the first", ttmlDoc(``, `<body><div timeContainer="seq"><p dur="2s">a</p><p begin="1s" dur="3s">b</p></div></body>`), 3, 6, 2},
		{"end counts from the parent's begin", ttmlDoc(``, `<body begin="10s"><div begin="5s"><p begin="1s" end="2s">a</p></div></body>`), 16, 17, 1},
		{"dur and end: the earlier", ttmlDoc(``, `<body><div><p begin="1s" end="5s" dur="2s">a</p></div></body>`), 1, 3, 1},
		{"no end: to the parent's end", ttmlDoc(``, `<body><div begin="1s" end="9s"><p begin="2s">a</p></div></body>`), 3, 9, 1},
		{"cut at the parent's end", ttmlDoc(``, `<body><div end="4s"><p begin="2s" end="6s">a</p></div></body>`), 2, 4, 1},
		{"ticks from the frame rate", ttmlDoc(`ttp:frameRate="25" ttp:subFrameRate="4"`, `<body><div><p begin="100t" end="200t">a</p></div></body>`), 1, 2, 1},
		{"smpte drop frame", ttmlDoc(`ttp:timeBase="smpte" ttp:frameRate="30" ttp:frameRateMultiplier="1000 1001" ttp:dropMode="dropNTSC"`,
			`<body><div><p begin="00:01:00:02" end="00:10:00:00">a</p></div></body>`), 1800 * 1001.0 / 30000, 17982 * 1001.0 / 30000, 1},
		{"smpte markers are labels, not offsets", ttmlDoc(`ttp:timeBase="smpte" ttp:frameRate="25"`,
			`<body begin="00:00:10:00"><div begin="00:00:20:00"><p begin="00:00:21:00" end="00:00:22:12">a</p></div></body>`), 21, 22.48, 1},
		{"smpte continuous: offsets", ttmlDoc(`ttp:timeBase="smpte" ttp:markerMode="continuous" ttp:frameRate="25"`,
			`<body begin="00:00:10:00"><div><p begin="00:00:01:00" end="00:00:02:12">a</p></div></body>`), 11, 12.48, 1},
	}
	for _, c := range cases {
		doc, err := inspect.ParseTTML([]byte(c.doc))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var got *inspect.Cue
		for i := range doc.Cues {
			if doc.Cues[i].N == c.nth && strings.HasPrefix(doc.Cues[i].What, "paragraph") {
				got = &doc.Cues[i]
			}
		}
		if got == nil {
			t.Errorf("%s: no paragraph %d in %+v", c.name, c.nth, doc.Cues)
			continue
		}
		if math.Abs(got.Begin-c.begin) > 1e-9 || math.Abs(got.End-c.end) > 1e-9 {
			t.Errorf("%s: paragraph %d runs %v–%v, want %v–%v", c.name, c.nth, got.Begin, got.End, c.begin, c.end)
		}
	}
}

func TestSubtitleLanguageAndFormat(t *testing.T) {
	// Ensures a subtitle in another language than the request fails,
	// whether the document (TTML xml:lang) or the delivery metadata says
	// so, and that WebVTT declared as SRT is named for what it is.
	p := inspect.PolicyFor(lot.SourceSubtitle)
	srt := "1\n00:00:01,000 --> 00:00:02,500\nHola\n"
	cases := []struct {
		name, text, format, lang, declaredLang, want string
	}{
		{"spanish as requested", ttmlDoc(``, `<body><div><p begin="1s" end="2s">a</p></div></body>`), "TTML", "es-419", "es-419", ""},
		{"document spanish, request hindi, metadata french", ttmlDoc(``, `<body><div><p begin="1s" end="2s">a</p></div></body>`), "TTML", "hi", "fr",
			"LANGUAGE_MISMATCH LANGUAGE_MISMATCH"},
		{"document spanish, request hindi", ttmlDoc(``, `<body><div><p begin="1s" end="2s">a</p></div></body>`), "TTML", "hi", "hi", "LANGUAGE_MISMATCH"},
		{"empty xml:lang", strings.Replace(ttmlDoc(``, `<body><div><p begin="1s" end="2s">a</p></div></body>`), `xml:lang="es"`, `xml:lang=""`, 1), "TTML", "hi", "hi", ""},
		{"srt, metadata french", srt, "SRT", "hi", "fr", "LANGUAGE_MISMATCH"},
		{"srt, metadata as requested", srt, "SRT", "hi", "hi", ""},
		{"srt with a byte order mark", "\xef\xbb\xbf" + srt, "SRT", "hi", "hi", ""},
		{"webvtt declared srt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHola\n", "SRT", "es", "es", "FORMAT_NOT_AS_DECLARED"},
		{"webvtt with a BOM and a header", "\xef\xbb\xbfWEBVTT - a title\r\n\r\n1\r\n00:00:01.000 --> 00:00:02.500\r\nHola\r\n", "SRT", "es", "es", "FORMAT_NOT_AS_DECLARED"},
		{"srt minute 61", "1\n00:61:01,000 --> 00:61:02,500\nHola\n", "SRT", "es", "es", "SUBTITLE_MALFORMED"},
	}
	for _, c := range cases {
		s := inspect.Subject{SourceType: lot.SourceSubtitle, Language: c.lang,
			Declared: map[string]string{"subtitleFormat": c.format, "language": c.declaredLang}}
		got := inspect.CheckSubtitle(p, s, []byte(c.text))
		if codes(got) != c.want {
			t.Errorf("%s: found %q, want %q: %+v", c.name, codes(got), c.want, got)
		}
		for _, f := range got {
			if _, ok := inspect.Lookup(f.Code); !ok {
				t.Errorf("%s: %s is not in the catalogue", c.name, f.Code)
			}
		}
	}
}

func TestTTMLDocumentsAsTheSpecsWriteThem(t *testing.T) {
	// Ensures whole documents in the shape IMSC1 and TTML1/DFXP give them
	// (metadata, styling, layout, regions, br, spans, par and seq divs, a
	// p showing until its parent ends, the older DFXP namespaces with
	// SMPTE time codes) pass, and their paragraphs show when the spec says.
	imsc := `<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"
    xmlns:tts="http://www.w3.org/ns/ttml#styling" xmlns:ttm="http://www.w3.org/ns/ttml#metadata"
    xmlns:ittp="http://www.w3.org/ns/ttml/profile/imsc1#parameter"
    ttp:profile="http://www.w3.org/ns/ttml/profile/imsc1/text" ttp:frameRate="24" ttp:frameRateMultiplier="1000 1001"
    ttp:timeBase="media" ttp:cellResolution="50 30" ittp:aspectRatio="16 9" xml:lang="en">
  <head>
    <metadata><ttm:title>Timing</ttm:title></metadata>
    <styling><style xml:id="s1" tts:color="white" tts:fontSize="100%"/></styling>
    <layout><region xml:id="bottom" tts:origin="10% 70%" tts:extent="80% 20%" tts:displayAlign="after"/></layout>
  </head>
  <body region="bottom" style="s1">
    <div>
      <metadata><ttm:desc>first scene</ttm:desc></metadata>
      <p xml:id="c1" begin="00:00:01:00" end="00:00:03:12">Line one<br/>line two</p>
      <p xml:id="c2" begin="00:00:04.000" dur="2s"><span tts:fontStyle="italic">italic</span> plain</p>
    </div>
    <div begin="10s" timeContainer="seq">
      <p dur="1.5s">seq one</p>
      <p dur="36f">seq two</p>
    </div>
    <div begin="20s"><p begin="0s">shown until the body ends</p></div>
  </body>
</tt>`
	dfxp := `<?xml version="1.0" encoding="utf-8"?>
<tt xmlns="http://www.w3.org/2006/10/ttaf1" xmlns:ttp="http://www.w3.org/2006/10/ttaf1#parameter"
    xmlns:tts="http://www.w3.org/2006/10/ttaf1#style" ttp:timeBase="smpte" ttp:frameRate="25" xml:lang="en-GB">
  <head><layout><region xml:id="r" tts:origin="0px 0px"/></layout></head>
  <body><div>
    <p begin="10:00:01:00" end="10:00:03:00" region="r">One</p>
    <p begin="10:00:04:05" end="10:00:06:20" region="r">Two</p>
  </div></body>
</tt>`
	p := inspect.PolicyFor(lot.SourceSubtitle)
	for _, c := range []struct {
		name, doc, format, start string
	}{{"IMSC1 text", imsc, "TTML", ""}, {"DFXP, SMPTE time codes from 10:00:00:00", dfxp, "DFXP", "10:00:00:00"}} {
		s := inspect.Subject{SourceType: lot.SourceSubtitle, Language: "en-US", Runtime: 600,
			Declared: map[string]string{"subtitleFormat": c.format, "frameRate": "25", "language": "en-US", "startTimecode": c.start}}
		if got := inspect.CheckSubtitle(p, s, []byte(c.doc)); len(got) != 0 {
			t.Errorf("%s: %+v", c.name, got)
		}
	}
	doc, err := inspect.ParseTTML([]byte(imsc))
	if err != nil {
		t.Fatal(err)
	}
	frame := 1001.0 / 24000
	want := map[int][2]float64{1: {1, 3 + 12*frame}, 2: {4, 6}, 3: {10, 11.5}, 4: {11.5, 11.5 + 36*frame}, 5: {20, math.Inf(1)}}
	seen := 0
	for _, c := range doc.Cues {
		w, ok := want[c.N]
		if !ok || !strings.HasPrefix(c.What, "paragraph") {
			continue
		}
		seen++
		if math.Abs(c.Begin-w[0]) > 1e-9 || (c.End != w[1] && math.Abs(c.End-w[1]) > 1e-9) {
			t.Errorf("%s runs %v–%v, want %v–%v", c.What, c.Begin, c.End, w[0], w[1])
		}
	}
	if seen != len(want) {
		t.Errorf("%d paragraphs, want %d: %+v", seen, len(want), doc.Cues)
	}
}
