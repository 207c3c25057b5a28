package inspect

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Cue is one subtitle (or, in TTML, one timed element): its times in
// seconds from the start of the file's time code.
type Cue struct {
	N          int // position in the file, from 1
	Begin, End float64
	What       string // how a message names it; "cue N" when empty
	// Open: the cue has no end of its own (a TTML paragraph with a begin
	// and no end runs as long as its parent); End is where it stops, +Inf
	// when it runs to the end of the programme.
	Open bool
	// Inverted: its own end comes before (or, for a paragraph, at) its
	// begin. Set by the TTML reader, which resolves times; for the other
	// formats a cue is inverted when it does not begin before it ends.
	Inverted bool
}

func (c Cue) name() string {
	if c.What != "" {
		return c.What
	}
	return fmt.Sprintf("cue %d", c.N)
}

// MaxSubtitleBytes bounds what inspection reads of a subtitle file.
const MaxSubtitleBytes = 32 << 20

// Subtitle formats as sniff names them.
const (
	formatTTML   = "TTML"
	formatSRT    = "SRT"
	formatSTL    = "STL"
	formatSCC    = "SCC"
	formatWebVTT = "WebVTT"
)

// CheckSubtitle reads a subtitle file as the format it is (TTML/DFXP and
// SRT as UTF-8 text, EBU STL as binary blocks, SCC as CEA-608 codes in
// time code lines) and checks it: well-formed for its format, the format
// declared, the language requested, every cue begins before it ends, cues
// in order where the format orders them (SRT, STL, SCC; TTML orders by
// its timing model, not by document order), and inside the programme's
// runtime when known.
func CheckSubtitle(p Policy, s Subject, data []byte) []Finding {
	if !p.Runs("subtitle") {
		return nil
	}
	var out []Finding
	want := strings.ToUpper(strings.TrimSpace(s.Declared["subtitleFormat"]))
	if d := s.Declared["language"]; d != "" && s.Language != "" && !SameLanguage(s.Language, d) {
		out = append(out, Found(LanguageMismatch, "the delivery metadata says the subtitles are %s; the request is for %s", d, s.Language))
	}
	format := sniff(data)
	if format != formatSTL && !utf8.Valid(data) {
		if want == formatSTL {
			return append(out, Found(SubtitleMalformed, "not an EBU STL file: bytes 3–10 of the GSI block hold %q, not STL25.01 or STL30.01", printable(data[min(3, len(data)):min(11, len(data))])))
		}
		at := 0
		for at < len(data) {
			r, n := utf8.DecodeRune(data[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return append(out, Found(SubtitleNotUTF8, "byte %d is not UTF-8", at))
	}
	if format == formatWebVTT {
		said := want
		if said == "" {
			said = "no format"
		}
		return append(out, Found(FormatDeclared, "the file is WebVTT (it begins with WEBVTT); the metadata says %s", said))
	}
	if format == "" {
		if want == "" {
			want = "no format"
		}
		return append(out, Found(SubtitleMalformed, "the file is none of TTML/DFXP (XML), SRT, EBU STL or SCC (an SCC file begins with %q); the metadata says %s", sccHeader, want))
	}
	if want != "" && want != format && !(want == "DFXP" && format == formatTTML) {
		out = append(out, Found(SubtitleFormat, "the file is %s; the metadata says %s", format, want))
	}
	var cues []Cue
	var err error
	offset, hasOffset := 0.0, false
	tc := func(t string) (float64, bool) { return timecodeSeconds(t, s.Declared) }
	switch format {
	case formatTTML:
		var doc TTMLTiming
		doc, err = ParseTTML(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
		cues = doc.Cues
		if l := doc.Lang; err == nil && l != "" && !undetermined(l) && s.Language != "" && !SameLanguage(s.Language, l) {
			out = append(out, Found(LanguageMismatch, "the document's xml:lang is %q; the request is for %s", l, s.Language))
		}
		if doc.TimeBase == "clock" {
			s.Runtime = 0 // wall-clock times: not programme times
		}
	case formatSRT:
		cues, err = ParseSRT(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	case formatSTL:
		var stl STL
		stl, err = ParseSTL(data)
		cues = stl.Cues
		if lc, e := strconv.ParseUint(stl.LanguageCode, 16, 8); err == nil && e == nil && s.Language != "" && !stlLanguageIs(byte(lc), s.Language) {
			out = append(out, Found(LanguageMismatch, "the GSI block's language code (LC %s) is %s; the request is for %s", stl.LanguageCode, stl.Language, s.Language))
		}
		if err == nil && stl.Start > 0 {
			offset, hasOffset = stl.Start, true
		}
		tc = func(t string) (float64, bool) { return stlTimecode(t, stl.FrameRate) }
	case formatSCC:
		cues, err = ParseSCC(data)
		drop := bytes.Contains(data, []byte(";"))
		tc = func(t string) (float64, bool) {
			if t = strings.TrimSpace(t); drop && len(t) == 11 {
				t = t[:8] + ";" + t[9:] // the start counted as the file counts its frames
			}
			return sccTimecode(t)
		}
	}
	if err != nil {
		return append(out, Found(SubtitleMalformed, "%v", err))
	}
	first, last := math.Inf(1), 0.0
	for _, c := range cues {
		first = math.Min(first, c.Begin)
		if last = math.Max(last, c.Begin); !c.Open {
			last = math.Max(last, c.End)
		}
	}
	if hasOffset && first < offset {
		hasOffset = false // cues before the start of programme: not counted from it
	}
	if !hasOffset {
		if t, ok := tc(s.Declared["startTimecode"]); ok && first >= t {
			offset, hasOffset = t, true // cues are in the programme's timecode
		} else if s.Declared["startTimecode"] == "" && s.Runtime > 0 && first >= 3600 && !math.IsInf(first, 1) &&
			last > s.Runtime+p.RuntimeToleranceS {
			// No start timecode given, and the cues do not fit the
			// programme as they are: programmes start on the hour of
			// their first cue (01:00:00:00, 10:00:00:00 …) by convention.
			offset, hasOffset = math.Floor(first/3600)*3600, true
		}
	}
	ordered := format != formatTTML
	var bad, late []string
	order := ""
	tol := p.RuntimeToleranceS
	for i, c := range cues {
		c.Begin -= offset
		c.End -= offset
		if !ordered && c.Inverted || ordered && c.Begin >= c.End {
			bad = append(bad, fmt.Sprintf("%s (%s)", c.name(), span(c)))
			continue
		}
		if ordered && i > 0 && order == "" && c.Begin < cues[i-1].Begin-offset {
			order = fmt.Sprintf("%s begins at %s, before %s (%s)", c.name(), clock(c.Begin), cues[i-1].name(), clock(cues[i-1].Begin-offset))
		}
		if s.Runtime > 0 && (c.Begin > s.Runtime+tol || !c.Open && c.End > s.Runtime+tol || c.Begin < -tol) {
			late = append(late, fmt.Sprintf("%s (%s)", c.name(), span(c)))
		}
	}
	if len(bad) > 0 {
		out = append(out, Found(SubtitleTiming, "%s", listAtMost(bad, 5)))
	}
	if order != "" {
		out = append(out, Found(SubtitleOrder, "%s", order))
	}
	if len(late) > 0 {
		out = append(out, Found(SubtitleOutsideRuntme, "the programme runs %s; outside it: %s", clock(s.Runtime), listAtMost(late, 5)))
	}
	return out
}

// span writes when a cue shows: "0:00:01.000–0:00:02.500", or "from
// 0:00:01.000 on" when it shows until the programme ends.
func span(c Cue) string {
	if math.IsInf(c.End, 1) {
		return "from " + clock(c.Begin) + " on"
	}
	return clock(c.Begin) + "–" + clock(c.End)
}

// undetermined says whether a language tag names no one language.
func undetermined(tag string) bool {
	switch strings.ToLower(tag) {
	case "und", "mul", "zxx", "mis":
		return true
	}
	return false
}

func printable(b []byte) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '.'
		}
		return r
	}, string(b))
}

func listAtMost(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// sniff names the format of a subtitle file from its first bytes.
func sniff(data []byte) string {
	if len(data) >= 11 && string(data[3:6]) == "STL" { // the GSI block's disk format code
		return formatSTL
	}
	t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if rest, ok := bytes.CutPrefix(t, []byte("WEBVTT")); ok && (len(rest) == 0 || strings.ContainsRune(" \t\r\n", rune(rest[0]))) {
		return formatWebVTT
	}
	if bytes.HasPrefix(t, []byte("Scenarist_SCC")) {
		return formatSCC
	}
	if bytes.HasPrefix(t, []byte("<")) {
		return formatTTML
	}
	if bytes.Contains(t[:min(len(t), 4096)], []byte("-->")) {
		return formatSRT
	}
	return ""
}

var srtTiming = regexp.MustCompile(`^(\d{1,3}):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*(\d{1,3}):(\d{2}):(\d{2})[,.](\d{1,3})`)

// ParseSRT reads the cues of a SubRip file.
func ParseSRT(text []byte) ([]Cue, error) {
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var cues []Cue
	line, state := 0, 0 // 0: want an index, 1: want the timing, 2: text
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		switch {
		case l == "":
			if state == 1 {
				return nil, fmt.Errorf("line %d: a cue number without its timing", line)
			}
			state = 0
		case state == 0:
			if _, err := strconv.Atoi(l); err != nil {
				return nil, fmt.Errorf("line %d: want a cue number, found %q", line, truncate(l, 40))
			}
			state = 1
		case state == 1:
			m := srtTiming.FindStringSubmatch(l)
			if m == nil {
				return nil, fmt.Errorf("line %d: want HH:MM:SS,mmm --> HH:MM:SS,mmm, found %q", line, truncate(l, 60))
			}
			ok := true
			at := func(h, mi, s, ms string) float64 {
				hh, _ := strconv.Atoi(h)
				mm, _ := strconv.Atoi(mi)
				ss, _ := strconv.Atoi(s)
				f, _ := strconv.ParseFloat("0."+ms, 64)
				ok = ok && mm < 60 && ss < 60
				return float64(hh*3600+mm*60+ss) + f
			}
			c := Cue{N: len(cues) + 1, Begin: at(m[1], m[2], m[3], m[4]), End: at(m[5], m[6], m[7], m[8])}
			if !ok {
				return nil, fmt.Errorf("line %d: minutes and seconds go to 59: %q", line, truncate(l, 60))
			}
			cues = append(cues, c)
			state = 2
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(cues) == 0 {
		return nil, errors.New("no cues")
	}
	return cues, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

var timecodeRE = regexp.MustCompile(`^(\d{2}):(\d{2}):(\d{2})([:;])(\d{2})$`)

// timecodeSeconds reads a start timecode (HH:MM:SS:FF or ;FF) at the
// declared frame rate (24 when none).
func timecodeSeconds(tc string, declared map[string]string) (float64, bool) {
	r, ok := DeclaredRate(declared)
	if !ok {
		r = 24
	}
	h, m, s, f, _, ok := timecode(tc)
	if !ok || float64(f) >= math.Round(r) {
		return 0, false
	}
	return float64(h*3600+m*60+s) + float64(f)/r, true
}

// timecode splits HH:MM:SS:FF (or ;FF, drop frame).
func timecode(tc string) (h, m, s, f int, drop, ok bool) {
	x := timecodeRE.FindStringSubmatch(strings.TrimSpace(tc))
	if x == nil {
		return
	}
	h, _ = strconv.Atoi(x[1])
	m, _ = strconv.Atoi(x[2])
	s, _ = strconv.Atoi(x[3])
	f, _ = strconv.Atoi(x[5])
	return h, m, s, f, x[4] == ";", m < 60 && s < 60
}
