package inspect

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// SCC (Scenarist Closed Caption): the header "Scenarist_SCC V1.0", then
// lines of a time code (HH:MM:SS;FF drop frame, HH:MM:SS:FF non-drop, at
// 29.97 frames a second) and the CEA-608 byte pairs sent from that frame
// on, one pair a frame, each as four hexadecimal digits; every byte has
// odd parity.

const sccHeader = "Scenarist_SCC V1.0"

// sccFrame is the length of one NTSC frame, in seconds.
const sccFrame = 1001.0 / 30000

// ParseSCC reads the captions of an SCC file: a caption shows from the
// frame its display command arrives (End Of Caption for pop-on captions,
// the first character for roll-up and paint-on) until it is erased or
// replaced. It fails, naming the line, on a missing header, a malformed
// time code, a frame drop-frame time code skips, or a word that is not
// four hexadecimal digits or whose bytes lack odd parity.
func ParseSCC(text []byte) ([]Cue, error) {
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	header := false
	var cues []Cue
	showing := -1   // the cue on screen, -1: none
	mode := ""      // pop, roll, paint
	var prev uint16 // the word before, to skip a repeated control code
	show := func(at float64, what string) {
		cues = append(cues, Cue{N: len(cues) + 1, Begin: at, End: at + sccFrame, Open: true, What: what})
		showing = len(cues) - 1
	}
	erase := func(at float64) {
		if showing >= 0 {
			cues[showing].End, cues[showing].Open = at, false
			showing = -1
		}
	}
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" {
			continue
		}
		if !header {
			if l != sccHeader {
				return nil, fmt.Errorf("line %d: an SCC file begins with %q, not %q", line, sccHeader, truncate(l, 40))
			}
			header = true
			continue
		}
		f := strings.Fields(l)
		tc := f[0]
		at, ok := sccTimecode(tc)
		if !ok {
			return nil, fmt.Errorf("line %d: %q is not a time code HH:MM:SS;FF (drop frame) or HH:MM:SS:FF at 29.97 frames a second", line, truncate(tc, 20))
		}
		if len(f) == 1 {
			return nil, fmt.Errorf("line %d: a time code with no caption data", line)
		}
		prev = 0
		for i, w := range f[1:] {
			if len(w) != 4 {
				return nil, fmt.Errorf("line %d: %q is not a four-digit hexadecimal word", line, truncate(w, 10))
			}
			v, err := strconv.ParseUint(w, 16, 16)
			if err != nil {
				return nil, fmt.Errorf("line %d: %q is not a four-digit hexadecimal word", line, truncate(w, 10))
			}
			word := uint16(v)
			for _, b := range []byte{byte(word >> 8), byte(word)} {
				if !oddParity(b) {
					return nil, fmt.Errorf("line %d: word %d (%s): byte %02x lacks odd parity (CEA-608)", line, i+1, w, b)
				}
			}
			when := at + float64(i)*sccFrame
			what := fmt.Sprintf("caption %d (line %d, %s)", len(cues)+1, line, tc)
			b1, b2 := byte(word>>8)&0x7f, byte(word)&0x7f
			control := b1 >= 0x10 && b1 <= 0x1f
			if control && word == prev {
				prev = 0 // the repeat of a control code: sent twice, acted on once
				continue
			}
			prev = word
			if !control {
				if b1 >= 0x20 && (mode == "roll" || mode == "paint") && showing < 0 {
					show(when, what)
				}
				continue
			}
			if (b1 == 0x14 || b1 == 0x1c || b1 == 0x15 || b1 == 0x1d) && b2 >= 0x20 && b2 <= 0x2f {
				switch b2 {
				case 0x20: // resume caption loading
					mode = "pop"
				case 0x25, 0x26, 0x27: // roll up 2, 3, 4 rows
					mode = "roll"
				case 0x29: // resume direct captioning
					mode = "paint"
				case 0x2c: // erase displayed memory
					erase(when)
				case 0x2f: // end of caption: the loaded caption shows
					erase(when)
					show(when, what)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %v", line+1, err)
	}
	if !header {
		return nil, fmt.Errorf("the file is empty; an SCC file begins with %q", sccHeader)
	}
	return cues, nil
}

func oddParity(b byte) bool {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n%2 == 1
}

// sccTimecode reads an SCC time code as seconds of NTSC video:
// HH:MM:SS;FF counts frames drop frame, HH:MM:SS:FF non-drop.
func sccTimecode(tc string) (float64, bool) {
	h, m, s, f, drop, ok := timecode(tc)
	if !ok || f >= 30 || h > 23 {
		return 0, false
	}
	frames := ((h*60+m)*60+s)*30 + f
	if drop {
		if s == 0 && f < 2 && m%10 != 0 {
			return 0, false // dropped: this frame label does not exist
		}
		mins := h*60 + m
		frames -= 2 * (mins - mins/10)
	}
	return float64(frames) * sccFrame, true
}
