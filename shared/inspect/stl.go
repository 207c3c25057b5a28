package inspect

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// EBU STL (EBU Tech 3264-E, 1991): a 1024-byte General Subtitle
// Information (GSI) block of fixed-width ASCII fields, then Text and Timing
// Information (TTI) blocks of 128 bytes each. The text is in the code
// table the GSI names (not UTF-8) with teletext control codes, so the file
// is read as bytes.

// STL is what an EBU STL file says.
type STL struct {
	CodePage     string  // CPN: 437, 850, 860, 863, 865
	FrameRate    float64 // 25 (STL25.01) or 30 (STL30.01)
	LanguageCode string  // LC, two hex digits ("0F"); "" when not given
	Language     string  // LC as a BCP 47 tag, "" when unknown or not given
	Start        float64 // TCP, the time code of the start of programme, in seconds
	Blocks       int     // TTI blocks
	// Cues are the subtitles (comments and user data left out), in file
	// order, their times as the TTI blocks give them (programme time code);
	// none when the GSI's time code status (TCS 0) says the time codes
	// are not intended for use (subtitles cued by hand).
	Cues []Cue
}

const (
	stlGSISize = 1024
	stlTTISize = 128
)

// stlLanguages maps the GSI language codes (Tech 3264 appendix 3) to the
// BCP 47 tags that name the same language; codes with no one tag are left
// out and not checked.
var stlLanguages = map[byte][]string{
	0x01: {"sq"}, 0x02: {"br"}, 0x03: {"ca"}, 0x04: {"hr"}, 0x05: {"cy"}, 0x06: {"cs"}, 0x07: {"da"}, 0x08: {"de"},
	0x09: {"en"}, 0x0A: {"es"}, 0x0B: {"eo"}, 0x0C: {"et"}, 0x0D: {"eu"}, 0x0E: {"fo"}, 0x0F: {"fr"}, 0x10: {"fy"},
	0x11: {"ga"}, 0x12: {"gd"}, 0x13: {"gl"}, 0x14: {"is"}, 0x15: {"it"}, 0x16: {"se"}, 0x17: {"la"}, 0x18: {"lv"},
	0x19: {"lb"}, 0x1A: {"lt"}, 0x1B: {"hu"}, 0x1C: {"mt"}, 0x1D: {"nl"}, 0x1E: {"no", "nb", "nn"}, 0x1F: {"oc"},
	0x20: {"pl"}, 0x21: {"pt"}, 0x22: {"ro"}, 0x23: {"rm"}, 0x24: {"sr"}, 0x25: {"sk"}, 0x26: {"sl"}, 0x27: {"fi"},
	0x28: {"sv"}, 0x29: {"tr"}, 0x2A: {"nl"}, 0x2B: {"wa"},
	0x45: {"zu"}, 0x46: {"vi"}, 0x47: {"uz"}, 0x48: {"ur"}, 0x49: {"uk"}, 0x4A: {"th"}, 0x4B: {"te"}, 0x4C: {"tt"},
	0x4D: {"ta"}, 0x4E: {"tg"}, 0x4F: {"sw"}, 0x51: {"so"}, 0x52: {"si"}, 0x53: {"sn"}, 0x56: {"ru"}, 0x57: {"qu"},
	0x58: {"ps"}, 0x59: {"pa"}, 0x5A: {"fa"}, 0x5C: {"or"}, 0x5D: {"ne"}, 0x5E: {"nd"}, 0x5F: {"mr"}, 0x60: {"ro", "mo"},
	0x61: {"ms"}, 0x62: {"mg"}, 0x63: {"mk"}, 0x64: {"lo"}, 0x65: {"ko"}, 0x66: {"km"}, 0x67: {"kk"}, 0x68: {"kn"},
	0x69: {"ja"}, 0x6A: {"id"}, 0x6B: {"hi"}, 0x6C: {"he", "iw"}, 0x6D: {"ha"}, 0x6E: {"gn"}, 0x6F: {"gu"}, 0x70: {"el"},
	0x71: {"ka"}, 0x72: {"ff"}, 0x74: {"cv"}, 0x75: {"zh"}, 0x76: {"my"}, 0x77: {"bg"}, 0x78: {"bn"}, 0x79: {"be"},
	0x7A: {"bm"}, 0x7B: {"az"}, 0x7C: {"as"}, 0x7D: {"hy"}, 0x7E: {"ar"}, 0x7F: {"am"},
}

// stlLanguageIs says whether the file's language code names the requested
// language; true when the code names no language openlot knows.
func stlLanguageIs(code byte, requested string) bool {
	tags, ok := stlLanguages[code]
	if !ok {
		return true
	}
	for _, t := range tags {
		if SameLanguage(requested, t) {
			return true
		}
	}
	return false
}

// ParseSTL reads an EBU STL file. It fails, naming the field or the
// block, on a GSI block whose code page, disk format code (frame rate),
// display standard, character code table, time codes or block count Tech
// 3264 does not allow, on TTI blocks that are not whole, and on a time
// code with minutes, seconds or frames out of range.
func ParseSTL(data []byte) (STL, error) {
	var s STL
	if len(data) < stlGSISize {
		return s, fmt.Errorf("the file is %d bytes; an EBU STL file begins with a %d-byte GSI block", len(data), stlGSISize)
	}
	field := func(at, n int) string { return string(data[at : at+n]) }
	s.CodePage = field(0, 3)
	switch s.CodePage {
	case "437", "850", "860", "863", "865":
	default:
		return s, fmt.Errorf("GSI code page number (CPN) %q is not one of 437, 850, 860, 863, 865", printable(data[0:3]))
	}
	switch dfc := field(3, 8); dfc {
	case "STL25.01":
		s.FrameRate = 25
	case "STL30.01":
		s.FrameRate = 30
	default:
		return s, fmt.Errorf("GSI disk format code (DFC) %q is neither STL25.01 nor STL30.01", printable(data[3:11]))
	}
	if dsc := data[11]; dsc != ' ' && dsc != '0' && dsc != '1' && dsc != '2' {
		return s, fmt.Errorf("GSI display standard code (DSC) %q is not blank, 0, 1 or 2", printable(data[11:12]))
	}
	switch cct := field(12, 2); cct {
	case "00", "01", "02", "03", "04":
	default:
		return s, fmt.Errorf("GSI character code table (CCT) %q is not one of 00 (Latin) to 04 (Hebrew)", printable(data[12:14]))
	}
	if lc := strings.TrimSpace(field(14, 2)); lc != "" {
		code, err := strconv.ParseUint(lc, 16, 8)
		if err != nil || len(lc) != 2 {
			return s, fmt.Errorf("GSI language code (LC) %q is not two hexadecimal digits", printable(data[14:16]))
		}
		if code != 0 {
			s.LanguageCode = strings.ToUpper(lc)
			if tags, ok := stlLanguages[byte(code)]; ok {
				s.Language = tags[0]
			}
		}
	}
	tnb, err := gsiNumber(field(238, 5))
	if err != nil {
		return s, fmt.Errorf("GSI total number of TTI blocks (TNB) %q: %v", printable(data[238:243]), err)
	}
	tcs := data[255]
	if tcs != '0' && tcs != '1' && tcs != ' ' {
		return s, fmt.Errorf("GSI time code status (TCS) %q is neither 0 nor 1", printable(data[255:256]))
	}
	if tcp := field(256, 8); strings.TrimSpace(tcp) != "" {
		t, err := stlGSITime(tcp, s.FrameRate)
		if err != nil {
			return s, fmt.Errorf("GSI time code of the start of programme (TCP) %q: %v", printable(data[256:264]), err)
		}
		s.Start = t
	}
	rest := len(data) - stlGSISize
	if rest%stlTTISize != 0 {
		return s, fmt.Errorf("the %d bytes after the GSI block are not whole %d-byte TTI blocks: the file is cut or padded", rest, stlTTISize)
	}
	s.Blocks = rest / stlTTISize
	if tnb != s.Blocks {
		return s, fmt.Errorf("the GSI block says %d TTI blocks (TNB); the file holds %d", tnb, s.Blocks)
	}
	lastSN := -1
	for i := range s.Blocks {
		b := data[stlGSISize+i*stlTTISize : stlGSISize+(i+1)*stlTTISize]
		sn := int(b[1]) | int(b[2])<<8
		ebn, cs, cf, jc := b[3], b[4], b[15], b[14]
		where := fmt.Sprintf("TTI block %d (subtitle %d)", i+1, sn)
		if ebn == 0xFE {
			continue // user data: no timing
		}
		if ebn >= 0xF0 && ebn != 0xFF {
			return s, fmt.Errorf("%s: extension block number (EBN) %#x is reserved", where, ebn)
		}
		if cs > 3 {
			return s, fmt.Errorf("%s: cumulative status (CS) %d is not 0 to 3", where, cs)
		}
		if jc > 3 {
			return s, fmt.Errorf("%s: justification code (JC) %d is not 0 to 3", where, jc)
		}
		if cf > 1 {
			return s, fmt.Errorf("%s: comment flag (CF) %d is neither 0 nor 1", where, cf)
		}
		tci, err := stlTTITime(b[5:9], s.FrameRate)
		if err != nil {
			return s, fmt.Errorf("%s: time code in (TCI): %v", where, err)
		}
		tco, err := stlTTITime(b[9:13], s.FrameRate)
		if err != nil {
			return s, fmt.Errorf("%s: time code out (TCO): %v", where, err)
		}
		if cf == 1 || sn == lastSN || tcs == '0' {
			continue // a comment, or an extension block of the subtitle before
		}
		lastSN = sn
		s.Cues = append(s.Cues, Cue{N: len(s.Cues) + 1, Begin: tci, End: tco,
			What: fmt.Sprintf("subtitle %d (TTI block %d)", sn, i+1)})
	}
	return s, nil
}

// gsiNumber reads a GSI number field: decimal digits, space padded.
func gsiNumber(f string) (int, error) {
	t := strings.TrimSpace(f)
	if !digits(t) {
		return 0, errors.New("not a number")
	}
	return strconv.Atoi(t)
}

// stlGSITime reads an HHMMSSFF time code field of the GSI block.
func stlGSITime(f string, fps float64) (float64, error) {
	if len(f) != 8 || !digits(f) {
		return 0, errors.New("not HHMMSSFF")
	}
	n := func(i int) byte { return (f[i]-'0')*10 + f[i+1] - '0' }
	return stlSeconds(n(0), n(2), n(4), n(6), fps)
}

// stlTTITime reads a TTI time code: hours, minutes, seconds and frames,
// one binary byte each.
func stlTTITime(b []byte, fps float64) (float64, error) {
	return stlSeconds(b[0], b[1], b[2], b[3], fps)
}

func stlSeconds(h, m, s, f byte, fps float64) (float64, error) {
	if h > 23 || m > 59 || s > 59 || float64(f) >= fps {
		return 0, fmt.Errorf("%02d:%02d:%02d:%02d is not a time code at %g frames a second", h, m, s, f, fps)
	}
	return float64(int(h)*3600+int(m)*60+int(s)) + float64(f)/fps, nil
}

// stlTimecode reads a declared start timecode at the file's frame rate.
func stlTimecode(tc string, fps float64) (float64, bool) {
	h, m, s, f, _, ok := timecode(tc)
	if !ok || h > 23 {
		return 0, false
	}
	t, err := stlSeconds(byte(h), byte(m), byte(s), byte(min(f, 255)), fps)
	return t, err == nil
}
