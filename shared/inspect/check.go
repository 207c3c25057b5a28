package inspect

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/openlot/openlot/shared/lot"
)

// Finding is one error inspection found (lot.Finding).
type Finding = lot.Finding

// Found is a finding of code, with its overridable flag from the catalogue.
func Found(code, format string, args ...any) Finding {
	c, _ := Lookup(code)
	return Finding{Code: code, Message: fmt.Sprintf(format, args...), Overridable: c.Overridable}
}

// Subject is what inspection knows of the delivery besides the file.
type Subject struct {
	SourceType       lot.SourceType
	Language         string            // requested, BCP 47
	UHD              bool              // the request asks for UHD
	PrimaryFrameRate float64           // the title's, 0 when unknown
	Runtime          float64           // the programme's, seconds; 0 when unknown
	Declared         map[string]string // delivery metadata
	PreviousDuration float64           // of the previous inspected delivery to the request; 0: none
	File             string            // the file's name
}

// CheckMedia turns a probe and (when the policy decodes) a detection into
// findings.
func CheckMedia(p Policy, s Subject, info lot.MediaInfo, det *lot.Detection) []Finding {
	var out []Finding
	add := func(f Finding) { out = append(out, f) }
	var v *lot.VideoStream
	if len(info.Video) > 0 {
		v = &info.Video[0]
	}
	if p.Runs("streams") {
		if p.Media == "av" && v == nil {
			add(Found(MissingVideo, "the file has no video stream; %s needs one", s.SourceType.Name()))
		}
		if len(info.Audio) == 0 {
			add(Found(MissingAudio, "the file has no audio stream; %s needs one", s.SourceType.Name()))
		}
	}
	if p.Runs("resolution") && s.UHD && v != nil && (v.Width < 3840 || v.Height < 2160) {
		add(Found(ResolutionTooLow, "the video is %d×%d; UHD needs at least 3840×2160", v.Width, v.Height))
	}
	if p.Runs("language") && s.Language != "" {
		for i, a := range info.Audio {
			if a.Language != "" && a.Language != "und" && !SameLanguage(s.Language, a.Language) {
				add(Found(LanguageMismatch, "audio stream %d is tagged %q; the request is for %s", i+1, a.Language, s.Language))
			}
		}
	}
	if p.Runs("frameRate") && v != nil && s.PrimaryFrameRate > 0 && !sameRate(v.FrameRate, s.PrimaryFrameRate) {
		add(Found(FrameRateNotPrimary, "the video runs at %s fps; the title's primary video at %s fps", rate(v.FrameRate), rate(s.PrimaryFrameRate)))
	}
	if p.Runs("declared") {
		if d, ok := DeclaredRate(s.Declared); ok && v != nil && !sameRate(v.FrameRate, d) {
			add(Found(FrameRateDeclared, "the video runs at %s fps; the metadata says %s", rate(v.FrameRate), s.Declared["frameRate"]))
		}
		if want, ok := channelsOf(s.Declared["audioConfiguration"]); ok && len(info.Audio) > 0 {
			got := 0
			for _, a := range info.Audio {
				got = max(got, a.Channels)
			}
			if got != want {
				add(Found(AudioConfigDeclared, "the widest audio stream has %d channels; %s has %d", got, s.Declared["audioConfiguration"], want))
			}
		}
		if want, err := strconv.Atoi(s.Declared["bitDepth"]); err == nil {
			if got := otherThan(info.Audio, want, "-bit", func(a lot.AudioStream) int {
				if lossy(a.Codec) {
					return 0 // no bit depth to compare
				}
				return a.BitDepth
			}); got != "" {
				add(Found(BitDepthDeclared, "%s; the metadata says %d-bit", got, want))
			}
		}
		if want, err := strconv.Atoi(s.Declared["sampleRate"]); err == nil {
			if got := otherThan(info.Audio, want, " Hz", func(a lot.AudioStream) int { return a.SampleRate }); got != "" {
				add(Found(SampleRateDeclared, "%s; the metadata says %d Hz", got, want))
			}
		}
	}
	if p.Runs("avRuntime") && v != nil && len(info.Audio) > 0 {
		longest := 0.0
		for _, a := range info.Audio {
			longest = math.Max(longest, a.Duration)
		}
		if d := math.Abs(v.Duration - longest); v.Duration > 0 && longest > 0 && d > p.RuntimeToleranceS {
			add(Found(AVRuntimeMismatch, "the video runs %.2f s and the audio %.2f s: %.2f s apart (at most %.0f s)", v.Duration, longest, d, p.RuntimeToleranceS))
		}
	}
	if p.Runs("duration") && s.PreviousDuration > 0 {
		if d := math.Abs(info.Duration - s.PreviousDuration); d > p.DurationToleranceS {
			add(Found(DurationChanged, "the file runs %s; the previous delivery ran %s", clock(info.Duration), clock(s.PreviousDuration)))
		}
	}
	if det != nil {
		if p.Runs("black") {
			if f, ok := spans(BlackSegment, "black", det.Black, p.MaxBlackS); ok {
				add(f)
			}
		}
		if p.Runs("silence") {
			if f, ok := spans(Silence, "silent", det.Silence, p.MaxSilenceS); ok {
				add(f)
			}
		}
		if p.Runs("decode") && det.Undecodable > 0 {
			add(Found(UndecodableFrames, "decoding reported %d errors", det.Undecodable))
		}
	}
	return out
}

// spans reports the segments longer than limit as one finding.
func spans(code, what string, all []lot.Span, limit float64) (Finding, bool) {
	var long []lot.Span
	var at []string
	for _, s := range all {
		if s.Len() > limit {
			long = append(long, s)
			at = append(at, fmt.Sprintf("%s–%s", clock(s.Start), clock(s.End)))
		}
	}
	if len(long) == 0 {
		return Finding{}, false
	}
	f := Found(code, "%s for more than %s s at %s", what, strconv.FormatFloat(limit, 'f', -1, 64), strings.Join(at, ", "))
	f.Spans = long
	return f, true
}

func sameRate(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func rate(r float64) string { return strconv.FormatFloat(math.Round(r*1000)/1000, 'f', -1, 64) }

// DeclaredRate reads the frameRate metadata ("23.976", "29.97DF", "25").
func DeclaredRate(m map[string]string) (float64, bool) {
	s := strings.TrimSuffix(strings.TrimSuffix(m["frameRate"], "DF"), "NDF")
	r, err := strconv.ParseFloat(s, 64)
	return r, err == nil && r > 0
}

// otherThan describes the audio streams whose value (0: unknown, not
// compared) differs from want, e.g. "audio streams 1, 2 are 24-bit"; ""
// when none does.
func otherThan(audio []lot.AudioStream, want int, unit string, value func(lot.AudioStream) int) string {
	byValue := map[int][]string{}
	var order []int
	for i, a := range audio {
		v := value(a)
		if v == 0 || v == want {
			continue
		}
		if _, ok := byValue[v]; !ok {
			order = append(order, v)
		}
		byValue[v] = append(byValue[v], strconv.Itoa(i+1))
	}
	var parts []string
	for _, v := range order {
		n := byValue[v]
		if len(n) == 1 {
			parts = append(parts, fmt.Sprintf("audio stream %s is %d%s", n[0], v, unit))
		} else {
			parts = append(parts, fmt.Sprintf("audio streams %s are %d%s", strings.Join(n, ", "), v, unit))
		}
	}
	return strings.Join(parts, "; ")
}

// lossy says whether a codec is perceptual: it keeps no samples of a fixed
// width, so it has no bit depth to declare or check.
func lossy(codec string) bool {
	switch codec {
	case "aac", "aac_latm", "ac3", "eac3", "ac4", "mp1", "mp2", "mp3", "opus", "vorbis", "wmav1", "wmav2", "wmapro", "dts", "atrac3", "atrac9", "amr_nb", "amr_wb":
		return true
	}
	return false
}

func channelsOf(config string) (int, bool) {
	switch config {
	case "2.0":
		return 2, true
	case "5.1":
		return 6, true
	case "7.1":
		return 8, true
	}
	return 0, false // Atmos and the rest: no fixed channel count
}

// clock writes seconds as H:MM:SS.mmm.
func clock(s float64) string {
	ms := int64(math.Round(s * 1000))
	return fmt.Sprintf("%d:%02d:%02d.%03d", ms/3600000, ms/60000%60, ms/1000%60, ms%1000)
}

// iso6392 maps BCP 47 primary subtags to the ISO 639-2 codes containers
// tag streams with (both the bibliographic and terminology forms).
var iso6392 = map[string][]string{
	"en": {"eng"}, "es": {"spa"}, "fr": {"fra", "fre"}, "de": {"deu", "ger"}, "it": {"ita"},
	"pt": {"por"}, "ja": {"jpn"}, "ko": {"kor"}, "zh": {"zho", "chi"}, "nl": {"nld", "dut"},
	"sv": {"swe"}, "da": {"dan"}, "no": {"nor", "nob"}, "nb": {"nob", "nor"}, "fi": {"fin"},
	"pl": {"pol"}, "ru": {"rus"}, "tr": {"tur"}, "ar": {"ara"}, "hi": {"hin"}, "he": {"heb"},
	"th": {"tha"}, "cs": {"ces", "cze"}, "hu": {"hun"}, "el": {"ell", "gre"}, "ro": {"ron", "rum"},
}

// SameLanguage says whether a stream's language tag (ISO 639-2 or BCP 47)
// is the requested BCP 47 language.
func SameLanguage(requested, tag string) bool {
	req := strings.ToLower(strings.SplitN(requested, "-", 2)[0])
	tag = strings.ToLower(tag)
	if strings.ToLower(requested) == tag || req == strings.SplitN(tag, "-", 2)[0] {
		return true
	}
	for _, c := range iso6392[req] {
		if c == tag {
			return true
		}
	}
	return false
}
