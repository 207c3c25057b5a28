package inspect

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// TTML timing, after the W3C TTML1 (Second Edition) and TTML2 timing model
// that IMSC1 inherits:
//
//   - every timed element (body, div, p, span, set, …) has begin, end and
//     dur, all optional; begin and end count from a reference: the begin
//     of the parent when the parent is a par container (the default), or
//     the active end of the previous timed sibling in a seq container;
//     dur counts from the element's own begin; with both end and dur the
//     earlier wins;
//   - without end and dur an element lasts its implicit duration: a par
//     container until all its children end, a seq container until its
//     last child ends; text (an anonymous span) lasts indefinitely in a
//     par container and nothing in a seq one;
//   - a child is cut at its parent's end, and one that begins after it is
//     never shown.
//
// Time expressions are clock times (HH:MM:SS, .fraction, or :frames with
// .sub-frames) and offsets (12.5s, 100ms, 2m, 1h, 48f, 1000t) read with
// the document's ttp:frameRate, ttp:frameRateMultiplier, ttp:subFrameRate,
// ttp:tickRate, ttp:timeBase and ttp:dropMode.

// TTMLTiming is what a TTML document says of its times.
type TTMLTiming struct {
	Lang     string // xml:lang of the tt element ("" when empty or absent)
	TimeBase string // media, smpte or clock
	// Cues are the timed elements: every p, and every other element with
	// times of its own, in document order. A cue's End is +Inf when it
	// runs to the end of the programme.
	Cues []Cue
}

// maxTTMLDepth bounds the nesting a document may have.
const maxTTMLDepth = 1000

type ttmlParams struct {
	frameRate  int     // ttp:frameRate: frames counted per second in clock times
	effective  float64 // frames per second of real time (frameRate × multiplier)
	subFrames  int     // ttp:subFrameRate
	tickRate   float64 // ttp:tickRate
	timeBase   string  // media, smpte, clock
	dropMode   string  // nonDrop, dropNTSC, dropPAL
	explicitFR bool
	// markers: smpte time base in discontinuous marker mode (its default):
	// begin and end are time code labels of the media, not offsets from a
	// parent or sibling.
	markers bool
}

// ttmlNode is one element of the body, with what timing needs of it.
type ttmlNode struct {
	name             string
	line             int
	begin, end, dur  string
	hasBegin         bool
	hasEnd, hasDur   bool
	seq              bool // timeContainer="seq"
	text             bool // holds text: an anonymous span
	children         []*ttmlNode
	b, e             float64 // resolved active interval, seconds; e may be +Inf
	n                int     // p number, from 1
	expE             float64 // the end its own end and dur give
	inverted, active bool
}

var ttmlContent = map[string]bool{"body": true, "div": true, "p": true, "span": true, "br": true, "set": true,
	"animate": true, "audio": true, "image": true, "region": true}

// ParseTTML reads a TTML/DFXP document's timing. It fails, naming the
// place, on a document that is not well-formed XML, has no tt root, has
// timing parameters or time expressions TTML does not allow, or nests
// deeper than openlot reads.
func ParseTTML(text []byte) (TTMLTiming, error) {
	var out TTMLTiming
	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = true
	var params ttmlParams
	var stack []*ttmlNode
	var root *ttmlNode
	var regions []*ttmlNode
	depth, bodyDepth, headDepth := 0, 0, 0
	sawTT := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxTTMLDepth {
				return out, fmt.Errorf("line %d: elements nest deeper than %d", line(d), maxTTMLDepth)
			}
			if depth == 1 {
				if el.Name.Local != "tt" {
					return out, fmt.Errorf("the root element is <%s>, not <tt>: not TTML", el.Name.Local)
				}
				sawTT = true
				if params, err = ttmlParamsOf(el); err != nil {
					return out, err
				}
				out.TimeBase = params.timeBase
				for _, a := range el.Attr {
					if a.Name.Local == "lang" && (a.Name.Space == "http://www.w3.org/XML/1998/namespace" || a.Name.Space == "xml") {
						out.Lang = strings.TrimSpace(a.Value)
					}
				}
				continue
			}
			if el.Name.Local == "head" && depth == 2 {
				headDepth = depth
			}
			inBody := bodyDepth > 0 || (el.Name.Local == "body" && depth == 2)
			if !inBody && !(headDepth > 0 && el.Name.Local == "region") {
				continue
			}
			n := &ttmlNode{name: el.Name.Local, line: line(d)}
			for _, a := range el.Attr {
				if a.Name.Space != "" {
					continue
				}
				switch a.Name.Local {
				case "begin":
					n.begin, n.hasBegin = a.Value, true
				case "end":
					n.end, n.hasEnd = a.Value, true
				case "dur":
					n.dur, n.hasDur = a.Value, true
				case "timeContainer":
					switch strings.TrimSpace(a.Value) {
					case "seq":
						n.seq = true
					case "par":
					default:
						return out, fmt.Errorf("line %d: timeContainer %q is neither par nor seq", n.line, truncate(a.Value, 20))
					}
				}
			}
			if bodyDepth == 0 && el.Name.Local == "region" {
				regions = append(regions, n) // times from the document's start
				continue
			}
			if bodyDepth == 0 {
				bodyDepth = depth
				root = n
			} else if parent := stack[len(stack)-1]; parent != nil && ttmlContent[n.name] {
				parent.children = append(parent.children, n)
			} else {
				n = nil // metadata and foreign elements, and what they hold: untimed
			}
			stack = append(stack, n)
		case xml.EndElement:
			if bodyDepth > 0 && depth >= bodyDepth {
				stack = stack[:len(stack)-1]
				if depth == bodyDepth {
					bodyDepth = 0
				}
			}
			if depth == headDepth {
				headDepth = 0
			}
			depth--
		case xml.CharData:
			if len(stack) > 0 {
				if n := stack[len(stack)-1]; n != nil && (n.name == "p" || n.name == "span") {
					n.text = true
				}
			}
		}
	}
	if !sawTT {
		return out, errors.New("no <tt> root element: not TTML")
	}
	for _, r := range regions {
		if err := r.resolve(params, 0, math.Inf(1), 0); err != nil {
			return out, err
		}
		if r.hasBegin || r.hasEnd || r.hasDur {
			out.Cues = append(out.Cues, r.cue())
		}
	}
	if root == nil {
		return out, nil // no body: nothing is ever shown
	}
	p := 0
	if err := root.resolve(params, 0, math.Inf(1), 0); err != nil {
		return out, err
	}
	root.collect(&out.Cues, &p, true)
	return out, nil
}

func line(d *xml.Decoder) int {
	l, _ := d.InputPos()
	return l
}

// resolve works out the element's active interval from reference ref
// (the parent's begin, or the previous sibling's end in a seq container),
// cut at the parent's end parentEnd, then its children's. depth guards
// the recursion.
func (n *ttmlNode) resolve(p ttmlParams, ref, parentEnd float64, depth int) error {
	if depth > maxTTMLDepth {
		return fmt.Errorf("line %d: elements nest deeper than %d", n.line, maxTTMLDepth)
	}
	at := func(attr, v string) (float64, error) {
		t, err := p.time(v)
		if err != nil {
			return 0, fmt.Errorf("line %d: <%s %s=%q>: %v", n.line, n.name, attr, truncate(v, 40), err)
		}
		return t, nil
	}
	var begin, end, dur float64
	var err error
	if n.hasBegin {
		if begin, err = at("begin", n.begin); err != nil {
			return err
		}
	}
	if n.hasEnd {
		if end, err = at("end", n.end); err != nil {
			return err
		}
	}
	if n.hasDur {
		if dur, err = at("dur", n.dur); err != nil {
			return err
		}
	}
	base := ref // begin and end count from the reference …
	if p.markers {
		base = 0 // … or are time code labels
		if !n.hasBegin {
			begin = ref
		}
	}
	n.b = base + begin
	explicit := math.Inf(1)
	if n.hasEnd {
		explicit = base + end
	}
	if n.hasDur {
		explicit = math.Min(explicit, n.b+dur)
	}
	n.expE = explicit
	if n.hasEnd || n.hasDur {
		n.inverted = explicit < n.b || (explicit == n.b && (n.name == "p" || n.name == "span"))
	}
	n.active = n.b < parentEnd
	// The children count from this element's begin; its own end, when
	// not given, is theirs.
	e := explicit
	limit := math.Min(explicit, parentEnd)
	if n.inverted {
		limit = n.b
	}
	implicit := n.b
	if n.text && !n.seq {
		implicit = math.Inf(1)
	}
	childRef := n.b
	for _, c := range n.children {
		if err := c.resolve(p, childRef, limit, depth+1); err != nil {
			return err
		}
		ce := c.e
		if n.seq {
			childRef = ce
			implicit = ce
		} else {
			implicit = math.Max(implicit, ce)
		}
	}
	if !n.hasEnd && !n.hasDur {
		e = implicit
	}
	n.e = math.Min(e, parentEnd)
	if n.e < n.b {
		n.e = n.b
	}
	if n.inverted {
		n.e = n.b
	}
	return nil
}

func (n *ttmlNode) cue() Cue {
	what := fmt.Sprintf("<%s> on line %d", n.name, n.line)
	if n.name == "p" {
		what = fmt.Sprintf("paragraph %d (line %d)", n.n, n.line)
	}
	// Open: no end of its own; it runs as long as its content or parent.
	c := Cue{N: n.n, Begin: n.b, End: n.e, What: what, Inverted: n.inverted, Open: !n.hasEnd && !n.hasDur}
	if n.inverted {
		c.End = n.expE
	}
	return c
}

// collect lists the paragraphs and the elements with times of their own,
// skipping those never shown (begun after their parent ended).
func (n *ttmlNode) collect(out *[]Cue, p *int, shown bool) {
	shown = shown && n.active
	if n.name == "p" {
		*p++
		n.n = *p
	}
	if shown && (n.name == "p" || n.hasBegin || n.hasEnd || n.hasDur) {
		*out = append(*out, n.cue())
	}
	for _, c := range n.children {
		c.collect(out, p, shown)
	}
}

// ttmlParamsOf reads the timing parameters on the tt element.
func ttmlParamsOf(tt xml.StartElement) (ttmlParams, error) {
	p := ttmlParams{frameRate: 30, subFrames: 1, timeBase: "media", dropMode: "nonDrop"}
	num, den := 1, 1
	tick := 0.0
	marker := "discontinuous"
	for _, a := range tt.Attr {
		v := strings.TrimSpace(a.Value)
		bad := func(what string) error {
			return fmt.Errorf("<tt ttp:%s=%q>: %s", a.Name.Local, truncate(a.Value, 30), what)
		}
		if a.Name.Space == "" {
			continue // TTML parameters live in the ttp namespace
		}
		switch a.Name.Local {
		case "frameRate":
			n, err := positive(v)
			if err != nil {
				return p, bad("a frame rate is a positive whole number")
			}
			p.frameRate, p.explicitFR = n, true
		case "frameRateMultiplier":
			f := strings.Fields(v)
			if len(f) != 2 {
				return p, bad("a multiplier is two positive whole numbers")
			}
			var err1, err2 error
			num, err1 = positive(f[0])
			den, err2 = positive(f[1])
			if err1 != nil || err2 != nil {
				return p, bad("a multiplier is two positive whole numbers")
			}
		case "subFrameRate":
			n, err := positive(v)
			if err != nil {
				return p, bad("a sub-frame rate is a positive whole number")
			}
			p.subFrames = n
		case "tickRate":
			n, err := positive(v)
			if err != nil {
				return p, bad("a tick rate is a positive whole number")
			}
			tick = float64(n)
		case "timeBase":
			if v != "media" && v != "smpte" && v != "clock" {
				return p, bad("the time base is media, smpte or clock")
			}
			p.timeBase = v
		case "markerMode":
			if v != "continuous" && v != "discontinuous" {
				return p, bad("the marker mode is continuous or discontinuous")
			}
			marker = v
		case "dropMode":
			if v != "nonDrop" && v != "dropNTSC" && v != "dropPAL" {
				return p, bad("the drop mode is nonDrop, dropNTSC or dropPAL")
			}
			p.dropMode = v
		}
	}
	p.markers = p.timeBase == "smpte" && marker == "discontinuous"
	p.effective = float64(p.frameRate) * float64(num) / float64(den)
	switch {
	case tick > 0:
		p.tickRate = tick
	case p.explicitFR:
		p.tickRate = p.effective * float64(p.subFrames)
	default:
		p.tickRate = 1
	}
	return p, nil
}

func positive(s string) (int, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errors.New("not a whole number")
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > math.MaxInt32 {
		return 0, errors.New("out of range")
	}
	return n, nil
}

// time reads a TTML time expression as seconds.
func (p ttmlParams) time(s string) (float64, error) {
	s = strings.Trim(s, " \t\r\n")
	if s == "" {
		return 0, errors.New("empty: a time expression is a clock time (00:00:01.000) or an offset (1s)")
	}
	if inner, ok := strings.CutPrefix(s, "wallclock("); ok && strings.HasSuffix(inner, ")") {
		return p.wallclock(strings.Trim(strings.TrimSuffix(inner, ")"), " \t\r\n"))
	}
	if strings.Contains(s, ":") {
		return p.clockTime(s)
	}
	return p.offsetTime(s)
}

func digits(s string) bool { return s != "" && strings.TrimLeft(s, "0123456789") == "" }

// offsetTime reads time-count fraction? metric.
func (p ttmlParams) offsetTime(s string) (float64, error) {
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		return 0, errors.New("not a TTML time expression")
	}
	num, metric := s[:i], s[i:]
	whole, frac, hasFrac := strings.Cut(num, ".")
	if !digits(whole) || (hasFrac && !digits(frac)) {
		return 0, errors.New("not a TTML time expression")
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, errors.New("a number out of range")
	}
	var t float64
	switch metric {
	case "h":
		t = v * 3600
	case "m":
		t = v * 60
	case "s":
		t = v
	case "ms":
		t = v / 1000
	case "f":
		t = v / p.effective
	case "t":
		t = v / p.tickRate
	default:
		return 0, fmt.Errorf("unit %q: TTML offsets are in h, m, s, ms, f (frames) or t (ticks)", truncate(metric, 10))
	}
	if math.IsInf(t, 0) || math.IsNaN(t) {
		return 0, errors.New("a number out of range")
	}
	return t, nil
}

// clockTime reads hours ":" minutes ":" seconds (fraction | ":" frames ("." sub-frames)?)?
func (p ttmlParams) clockTime(s string) (float64, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 && len(parts) != 4 {
		return 0, errors.New("a clock time is HH:MM:SS, HH:MM:SS.fraction or HH:MM:SS:FF")
	}
	h, m := parts[0], parts[1]
	sec, frac, hasFrac := strings.Cut(parts[2], ".")
	if len(h) < 2 || !digits(h) || len(m) != 2 || !digits(m) || len(sec) != 2 || !digits(sec) || (hasFrac && !digits(frac)) ||
		(hasFrac && len(parts) == 4) {
		return 0, errors.New("a clock time is HH:MM:SS, HH:MM:SS.fraction or HH:MM:SS:FF")
	}
	if len(h) > 9 {
		return 0, errors.New("hours out of range")
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	ss, _ := strconv.Atoi(sec)
	if mm > 59 {
		return 0, errors.New("minutes go to 59")
	}
	if ss > 59 && !(ss == 60 && p.timeBase == "clock") {
		return 0, errors.New("seconds go to 59")
	}
	hms := float64(hh*3600 + mm*60 + ss)
	if hasFrac {
		f, _ := strconv.ParseFloat("0."+frac, 64)
		return hms + f, nil
	}
	if len(parts) == 3 {
		return hms, nil
	}
	fr, sub, hasSub := strings.Cut(parts[3], ".")
	if len(fr) < 2 || !digits(fr) || (hasSub && !digits(sub)) || len(fr) > 9 || len(sub) > 9 {
		return 0, errors.New("frames are two or more digits, then optionally . and sub-frames")
	}
	ff, _ := strconv.Atoi(fr)
	if ff >= p.frameRate {
		return 0, fmt.Errorf("frame %d: the document runs at %d frames a second (ttp:frameRate)", ff, p.frameRate)
	}
	sf := 0
	if hasSub {
		sf, _ = strconv.Atoi(sub)
		if sf >= p.subFrames {
			return 0, fmt.Errorf("sub-frame %d: the document has %d sub-frames a frame (ttp:subFrameRate)", sf, p.subFrames)
		}
	}
	frames := float64(ff) + float64(sf)/float64(p.subFrames)
	if p.timeBase == "smpte" {
		// A SMPTE time code: count the frames, dropped labels left out.
		count := float64((hh*3600+mm*60+ss)*p.frameRate) + frames
		mins := hh*60 + mm
		switch p.dropMode {
		case "dropNTSC":
			if ss == 0 && ff < 2 && mm%10 != 0 {
				return 0, fmt.Errorf("%s does not exist in drop-frame time code (frames 00 and 01 are dropped at each minute but every tenth)", s)
			}
			count -= float64(2 * (mins - mins/10))
		case "dropPAL":
			if ss == 0 && ff < 4 && mm%2 == 0 && mm%20 != 0 {
				return 0, fmt.Errorf("%s does not exist in dropPAL time code (frames 00 to 03 are dropped at each even minute but every twentieth)", s)
			}
			count -= float64(4 * (mins/2 - mins/20))
		}
		return count / p.effective, nil
	}
	return hms + frames/p.effective, nil
}

// wallclock reads a TTML2 wallclock-time (a date-time, a date, or a time
// of day), which only the clock time base allows, as seconds: from the
// Unix epoch for a date, from midnight for a time of day.
func (p ttmlParams) wallclock(v string) (float64, error) {
	if p.timeBase != "clock" {
		return 0, errors.New("wallclock times need ttp:timeBase=\"clock\"")
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return float64(t.UnixNano()) / 1e9, nil
		}
	}
	for _, layout := range []string{"15:04:05.999999999", "15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return float64(t.Hour()*3600+t.Minute()*60+t.Second()) + float64(t.Nanosecond())/1e9, nil
		}
	}
	return 0, fmt.Errorf("wallclock(%s) is not a date, a date and time, or a time of day", truncate(v, 30))
}
