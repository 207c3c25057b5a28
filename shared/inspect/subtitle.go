package inspect

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Cue is one subtitle: its times in seconds from the programme's start.
type Cue struct {
	N          int // position in the file, from 1
	Begin, End float64
}

// MaxSubtitleBytes bounds what inspection reads of a subtitle file.
const MaxSubtitleBytes = 32 << 20

// CheckSubtitle reads a subtitle file (TTML/DFXP or SRT) and checks it:
// UTF-8, well-formed, the format declared, every cue begins before it ends,
// cues in order, and inside the programme's runtime when known.
func CheckSubtitle(p Policy, s Subject, text []byte) []Finding {
	if !p.Runs("subtitle") {
		return nil
	}
	if !utf8.Valid(text) {
		at := 0
		for at < len(text) {
			r, n := utf8.DecodeRune(text[at:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			at += n
		}
		return []Finding{Found(SubtitleNotUTF8, "byte %d is not UTF-8", at)}
	}
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	format := sniff(text)
	var out []Finding
	if want := strings.ToUpper(s.Declared["subtitleFormat"]); want != "" && want != format && !(want == "DFXP" && format == "TTML") {
		out = append(out, Found(SubtitleFormat, "the file is %s; the metadata says %s", format, want))
	}
	var cues []Cue
	var err error
	switch format {
	case "TTML":
		cues, err = ParseTTML(text)
	case "SRT":
		cues, err = ParseSRT(text)
	default:
		return append(out, Found(SubtitleMalformed, "the file is neither TTML/DFXP (XML) nor SRT"))
	}
	if err != nil {
		return append(out, Found(SubtitleMalformed, "%v", err))
	}
	offset := 0.0
	if tc, ok := timecodeSeconds(s.Declared["startTimecode"], s.Declared); ok && len(cues) > 0 && cues[0].Begin >= tc {
		offset = tc // cues are in the programme's timecode
	}
	var bad, late []string
	order := ""
	for i, c := range cues {
		c.Begin -= offset
		c.End -= offset
		if c.Begin >= c.End {
			bad = append(bad, fmt.Sprintf("cue %d (%s–%s)", c.N, clock(c.Begin), clock(c.End)))
		}
		if i > 0 && order == "" && c.Begin < cues[i-1].Begin-offset {
			order = fmt.Sprintf("cue %d begins at %s, before cue %d (%s)", c.N, clock(c.Begin), cues[i-1].N, clock(cues[i-1].Begin-offset))
		}
		if s.Runtime > 0 && (c.End > s.Runtime+p.RuntimeToleranceS || c.Begin < 0) {
			late = append(late, fmt.Sprintf("cue %d (%s–%s)", c.N, clock(c.Begin), clock(c.End)))
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

func listAtMost(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

func sniff(text []byte) string {
	t := bytes.TrimSpace(text)
	if bytes.HasPrefix(t, []byte("<")) {
		return "TTML"
	}
	if bytes.Contains(t[:min(len(t), 4096)], []byte("-->")) {
		return "SRT"
	}
	return "unknown"
}

// ParseTTML reads the timed paragraphs of a TTML/DFXP document.
func ParseTTML(text []byte) ([]Cue, error) {
	d := xml.NewDecoder(bytes.NewReader(text))
	frameRate, tickRate := 30.0, 1.0
	var cues []Cue
	sawTT := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("XML: %v", err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		attr := func(name string) string {
			for _, a := range el.Attr {
				if a.Name.Local == name {
					return a.Value
				}
			}
			return ""
		}
		switch el.Name.Local {
		case "tt":
			sawTT = true
			if fr, err := strconv.ParseFloat(attr("frameRate"), 64); err == nil && fr > 0 {
				frameRate = fr
				if m := strings.Fields(attr("frameRateMultiplier")); len(m) == 2 {
					a, _ := strconv.ParseFloat(m[0], 64)
					b, _ := strconv.ParseFloat(m[1], 64)
					if a > 0 && b > 0 {
						frameRate = fr * a / b
					}
				}
			}
			if tr, err := strconv.ParseFloat(attr("tickRate"), 64); err == nil && tr > 0 {
				tickRate = tr
			}
		case "p":
			begin, end, dur := attr("begin"), attr("end"), attr("dur")
			if begin == "" {
				continue // untimed; timing may sit on its div or spans
			}
			c := Cue{N: len(cues) + 1}
			if c.Begin, err = ttmlTime(begin, frameRate, tickRate); err != nil {
				return nil, fmt.Errorf("paragraph %d: begin %q: %v", c.N, begin, err)
			}
			switch {
			case end != "":
				c.End, err = ttmlTime(end, frameRate, tickRate)
			case dur != "":
				var d float64
				d, err = ttmlTime(dur, frameRate, tickRate)
				c.End = c.Begin + d
			default:
				err = errors.New("neither end nor dur")
			}
			if err != nil {
				return nil, fmt.Errorf("paragraph %d: %v", c.N, err)
			}
			cues = append(cues, c)
		}
	}
	if !sawTT {
		return nil, errors.New("no <tt> root element: not TTML")
	}
	return cues, nil
}

var (
	clockTime  = regexp.MustCompile(`^(\d{1,3}):(\d{2}):(\d{2})(?:([.:;])(\d+))?$`)
	offsetTime = regexp.MustCompile(`^(\d+(?:\.\d+)?)(h|ms|m|s|f|t)$`)
)

// ttmlTime reads a TTML time expression: HH:MM:SS(.fraction | :frames) or
// an offset (12.5s, 100ms, 2m, 1h, 48f, 1000t).
func ttmlTime(s string, frameRate, tickRate float64) (float64, error) {
	s = strings.TrimSpace(s)
	if m := clockTime.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		se, _ := strconv.Atoi(m[3])
		if mi > 59 || se > 59 {
			return 0, errors.New("minutes and seconds go to 59")
		}
		t := float64(h*3600 + mi*60 + se)
		switch m[4] {
		case ".":
			f, _ := strconv.ParseFloat("0."+m[5], 64)
			t += f
		case ":", ";":
			fr, _ := strconv.Atoi(m[5])
			if float64(fr) >= frameRate+0.5 {
				return 0, fmt.Errorf("frame %d at %g fps", fr, frameRate)
			}
			t += float64(fr) / frameRate
		}
		return t, nil
	}
	if m := offsetTime.FindStringSubmatch(s); m != nil {
		v, _ := strconv.ParseFloat(m[1], 64)
		switch m[2] {
		case "h":
			return v * 3600, nil
		case "m":
			return v * 60, nil
		case "s":
			return v, nil
		case "ms":
			return v / 1000, nil
		case "f":
			return v / frameRate, nil
		default:
			return v / tickRate, nil
		}
	}
	return 0, errors.New("not a TTML time")
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
			at := func(h, mi, s, ms string) float64 {
				hh, _ := strconv.Atoi(h)
				mm, _ := strconv.Atoi(mi)
				ss, _ := strconv.Atoi(s)
				f, _ := strconv.ParseFloat("0."+ms, 64)
				return float64(hh*3600+mm*60+ss) + f
			}
			cues = append(cues, Cue{N: len(cues) + 1, Begin: at(m[1], m[2], m[3], m[4]), End: at(m[5], m[6], m[7], m[8])})
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

// timecodeSeconds reads a start timecode (HH:MM:SS:FF or ;FF) at the
// declared frame rate (24 when none).
func timecodeSeconds(tc string, declared map[string]string) (float64, bool) {
	if tc == "" {
		return 0, false
	}
	r, ok := DeclaredRate(declared)
	if !ok {
		r = 24
	}
	t, err := ttmlTime(tc, r, 1)
	return t, err == nil
}
