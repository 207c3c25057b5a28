package inspect_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// Fuzz targets for every subtitle reader. Their seeds run in plain go
// test; a longer run: go test -run '^$' -fuzz '^FuzzSTL$' -fuzztime 5m ./shared/inspect

// checkAnything runs the whole subtitle check over data declared as
// format, with a known runtime: whatever the bytes, it returns findings
// from the catalogue, each with a message, and never panics.
func checkAnything(t *testing.T, format string, data []byte) {
	t.Helper()
	s := inspect.Subject{SourceType: lot.SourceSubtitle, Language: "es", Runtime: 600,
		Declared: map[string]string{"subtitleFormat": format, "frameRate": "25", "language": "es", "startTimecode": "10:00:00:00"}}
	for _, f := range inspect.CheckSubtitle(inspect.PolicyFor(lot.SourceSubtitle), s, data) {
		if _, ok := inspect.Lookup(f.Code); !ok {
			t.Fatalf("finding %s is not in the catalogue: %+v", f.Code, f)
		}
		if f.Message == "" {
			t.Fatalf("finding %s has no message", f.Code)
		}
	}
}

// saneCues checks the times read are numbers, and begin at or after zero
// unless negative may be (TTML wallclock dates before 1970).
func saneCues(t *testing.T, cues []inspect.Cue, negative bool) {
	t.Helper()
	for i, c := range cues {
		if math.IsNaN(c.Begin) || math.IsNaN(c.End) || math.IsInf(c.Begin, 0) || c.Begin < 0 && !negative {
			t.Fatalf("cue %d has times %v–%v", i+1, c.Begin, c.End)
		}
	}
}

func FuzzSTL(f *testing.F) {
	f.Add(mustSTL(f, "STL25.01", "0A", "10000000",
		cue(1, tc(10, 0, 1, 0), tc(10, 0, 3, 12), "\x80Se\xc4nor\x8a\x81"),
		tti{sn: 2, ebn: 0x00, in: tc(10, 0, 4, 0), out: tc(10, 0, 6, 24), text: []byte("a")},
		tti{sn: 2, ebn: 0xFF, in: tc(10, 0, 4, 0), out: tc(10, 0, 6, 24), text: []byte("b")},
		tti{sn: 3, ebn: 0xFE, text: []byte("user data")},
		tti{sn: 4, ebn: 0xFF, cf: 1, in: tc(9, 0, 0, 0), out: tc(9, 0, 0, 1), text: []byte("comment")}))
	f.Add(mustSTL(f, "STL30.01", "  ", "00000000", cue(1, tc(0, 0, 1, 29), tc(0, 0, 2, 0), "x")))
	f.Add(mustSTL(f, "STL25.01", "0F", "10000000", cue(1, tc(10, 0, 5, 0), tc(10, 0, 4, 0), "x")))
	f.Add(mustSTL(f, "STL25.01", "0A", "10000000")[:1024])
	f.Add([]byte("850STL25.01"))
	f.Add(mustSTL(f, "STL25.01", "0A", "10000000", cue(1, tc(10, 0, 1, 0), tc(10, 0, 3, 12), "x"), cue(2, tc(10, 0, 4, 0), tc(10, 0, 5, 0), "y"))[1024:])
	gsi := mustSTL(f, "STL25.01", "0A", "10000000")
	f.Fuzz(func(t *testing.T, data []byte) {
		// The bytes as a whole file, and as the TTI blocks after a valid
		// GSI block (whose block count they then match).
		blocks := append([]byte(nil), data[:len(data)/128*128]...)
		whole := append(append([]byte(nil), gsi...), blocks...)
		copy(whole[238:243], fmt.Sprintf("%05d", len(blocks)/128))
		for _, d := range [][]byte{data, whole} {
			stl, err := inspect.ParseSTL(d)
			if err == nil {
				saneCues(t, stl.Cues, false)
				if stl.FrameRate != 25 && stl.FrameRate != 30 {
					t.Fatalf("read a frame rate of %v", stl.FrameRate)
				}
				if len(d) != 1024+128*stl.Blocks {
					t.Fatalf("%d bytes read as %d blocks", len(d), stl.Blocks)
				}
			}
			checkAnything(t, "STL", d)
		}
	})
}

func FuzzSCC(f *testing.F) {
	f.Add("Scenarist_SCC V1.0\r\n\r\n01:00:01;00\t9420 9420 94ae 94ae 9452 9452 97a1 97a1 c8e5 ecec ef80 942f 942f\r\n\r\n01:00:04;00\t942c 942c\r\n")
	f.Add("Scenarist_SCC V1.0\n\n00:00:00:00\t9425 9425 94ad 94ad 9470 9470 c8e5 ecec ef80\n\n00:00:03:00\t942c 942c\n")
	f.Add("Scenarist_SCC V1.0\n\n00:01:00;00\t9429 9429 c8e5\n00:00:59;29\t942c\n")
	f.Add("Scenarist_SCC V1.0\n\n00:00:00;00 1420 zz\n")
	f.Fuzz(func(t *testing.T, text string) {
		cues, err := inspect.ParseSCC([]byte(text))
		if err == nil {
			saneCues(t, cues, false)
		}
		checkAnything(t, "SCC", []byte(text))
	})
}

func FuzzTTMLTiming(f *testing.F) {
	f.Add(`ttp:frameRate="24" ttp:frameRateMultiplier="1000 1001" ttp:subFrameRate="2"`, "00:00:01:12.1", "00:00:02:23", "", "par",
		`<body><div><p begin="1s">a</p></div></body>`)
	f.Add(`ttp:tickRate="10000000"`, "10000000t", "", "2.5s", "seq", `<body begin="1s"><div timeContainer="seq"><p dur="2s">a</p><p>b<span end="1s">c</span></p></div></body>`)
	f.Add(`ttp:timeBase="smpte" ttp:frameRate="30" ttp:dropMode="dropNTSC"`, "00:01:00:02", "00:10:00:00", "48f", "par", `<body><div end="5s"><p begin="8s" end="9s">a</p></div></body>`)
	f.Add(`ttp:frameRate="0"`, "1.5h", "100ms", "0.1m", "excl", `<body><div><p begin="5s" end="4s">a</p></div></body>`)
	f.Add(``, "00:60:00", ";", "-1s", "", `<body><div><div><div><p begin="00:00:01;12">a</p></div></div></div></body>`)
	f.Add(`ttp:timeBase="clock"`, "wallclock(2026-12-05T20:00:00)", "wallclock(20:00:01.5)", "", "par", `<body><div><p begin="wallclock(0001-01-01)">a</p></div></body>`)
	f.Fuzz(func(t *testing.T, params, begin, end, dur, container, body string) {
		esc := func(s string) string {
			return strings.NewReplacer(`&`, `&amp;`, `<`, `&lt;`, `"`, `&quot;`).Replace(s)
		}
		doc := `<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" xml:lang="es" ` + params + `>` +
			`<body><div timeContainer="` + esc(container) + `"><p begin="` + esc(begin) + `" end="` + esc(end) + `" dur="` + esc(dur) + `">a</p></div>` +
			`</body></tt>`
		for _, d := range []string{doc, body, `<tt xmlns="http://www.w3.org/ns/ttml" xml:lang="es">` + body + `</tt>`} {
			timing, err := inspect.ParseTTML([]byte(d))
			if err == nil {
				saneCues(t, timing.Cues, true)
			}
			checkAnything(t, "TTML", []byte(d))
		}
	})
}

func FuzzSRT(f *testing.F) {
	f.Add("1\n00:00:01,000 --> 00:00:02,500\nHola\n\n2\n00:00:03,000 --> 00:00:04,000\nAdiós\n")
	f.Add("1\r\n10:00:01,000 --> 10:00:02,000 X1:40 X2:600\r\n<i>Hola</i>\r\n\r\n")
	f.Add("WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHola\n")
	f.Add("1\n00:61:01,000 --> 00:00:02,500\nx\n\n2\n")
	f.Fuzz(func(t *testing.T, text string) {
		cues, err := inspect.ParseSRT([]byte(text))
		if err == nil {
			saneCues(t, cues, false)
			if len(cues) == 0 {
				t.Fatal("read with no cues and no error")
			}
		}
		checkAnything(t, "SRT", []byte(text))
	})
}
