package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/delivery"
	"github.com/openlot/openlot/shared/imf"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// This file makes what a demo delivery holds: its files (names, sizes,
// checksums and delivery metadata, as the partner's tool would declare
// them) and what inspection would read of them (a probe, a decoding pass,
// a subtitle file's text). The findings come from the product's own
// checks (inspect.CheckMedia, inspect.CheckSubtitle) run over what the
// files hold. A demo with Deliveries then gives each file real content
// that is what inspection read (deliveries.go, files.go); without, the
// sizes and checksums are made up (a data set for benchmarks).

// programme is what every delivery of one title shares: its runtime and
// frame rate.
type programme struct {
	seconds  float64
	rate     float64
	rateText string // as the delivery metadata declares it
	drop     bool   // drop-frame timecode (29.97)
}

// ms rounds seconds to milliseconds, as probes report them.
func ms(s float64) float64 { return math.Round(s*1000) / 1000 }

// startTC is the programme's start timecode.
func (p programme) startTC() string {
	if p.drop {
		return "01:00:00;00"
	}
	return "01:00:00:00"
}

// programmeOf gives a title its runtime and frame rate, the same for every
// request of it (the title's primary video sets the pace of the rest).
func programmeOf(r *lot.Request) programme {
	h := uint64(r.MovieID) * 0x9e3779b97f4a7c15
	h ^= h >> 29
	rates := []programme{{rate: 23.976, rateText: "23.976"}, {rate: 23.976, rateText: "23.976"}, {rate: 23.976, rateText: "23.976"},
		{rate: 24, rateText: "24"}, {rate: 25, rateText: "25"}, {rate: 25, rateText: "25"}, {rate: 29.97, rateText: "29.97", drop: true}}
	p := rates[h%uint64(len(rates))]
	frac := float64(h>>8%1000) / 1000
	switch r.MovieType {
	case lot.MovieEpisode:
		p.seconds = 2520 + float64(h>>16%900) + frac
	case lot.MovieSupplemental:
		p.seconds = 90 + float64(h>>16%600) + frac
	default:
		p.seconds = 5280 + float64(h>>16%2700) + frac
	}
	return p
}

var episode = regexp.MustCompile(`^(.*): Season (\d+): Episode (\d+)(.*)$`)

// baseName is how partners name a title's files: "HouseOfTides_S01E03",
// "PaperMoons", "Orbital_S01E02_V2".
func baseName(title string) string {
	suffix := ""
	if m := episode.FindStringSubmatch(title); m != nil {
		var s, e int
		fmt.Sscan(m[2], &s)
		fmt.Sscan(m[3], &e)
		title, suffix = m[1]+m[4], fmt.Sprintf("_S%02dE%02d", s, e)
	}
	if i := strings.Index(title, " (Vol. "); i >= 0 {
		suffix += "_V" + strings.TrimSuffix(title[i+len(" (Vol. "):], ")")
		title = title[:i]
	}
	var b strings.Builder
	up := true
	for _, c := range title {
		if a, ok := ascii[c]; ok {
			c = a
		}
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			if up && c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			b.WriteRune(c)
			up = false
		default:
			up = true
		}
	}
	return b.String() + suffix
}

var ascii = map[rune]rune{'á': 'a', 'Á': 'A', 'é': 'e', 'É': 'E', 'ñ': 'n', 'ó': 'o', 'í': 'i', 'ú': 'u'}

// iso6392 tags audio streams as containers do.
var iso6392 = map[string]string{"en": "eng", "es": "spa", "fr": "fra", "de": "deu", "it": "ita", "pt": "por", "ja": "jpn",
	"ko": "kor", "nl": "nld", "hi": "hin", "ar": "ara", "zh": "zho"}

func streamLanguage(bcp47 string) string {
	if bcp47 == "" {
		return "eng"
	}
	if t, ok := iso6392[strings.ToLower(strings.SplitN(bcp47, "-", 2)[0])]; ok {
		return t
	}
	return "und"
}

// spec is one file of a delivery and what inspection reads of it.
type spec struct {
	file  lot.TransferFile
	media *lot.MediaInfo // probed (av, audio)
	det   *lot.Detection // decoded, when the policy decodes
	text  []byte         // a subtitle file's text
	xml   []byte         // an IMF package's document (ASSETMAP, VOLINDEX, PKL, CPL)
	n     int            // a dub card's number
	key   string         // where its content is stored (Deliveries)
}

// look is how a partner delivers to one request, the same at every
// delivery: the resolution and audio layout asked for, the subtitle or
// script format its tools write, whether audio comes split by layout, how
// many dub cards.
type look struct {
	res, config, subFormat, docFormat string
	split                             bool
	cards                             int
}

func newLook(rnd *rand.Rand, r *lot.Request) look {
	l := look{res: "HD", config: []string{"5.1", "2.0"}[rnd.IntN(2)], subFormat: []string{"TTML", "TTML", "DFXP", "SRT"}[rnd.IntN(4)],
		docFormat: []string{"PDF", "PDF", "DOCX"}[rnd.IntN(3)], split: rnd.IntN(3) == 0, cards: 1 + rnd.IntN(2)}
	if r.SourceType == lot.SourceAVMuxed && rnd.IntN(4) == 0 {
		l.res = "UHD"
	}
	if r.SourceType == lot.SourceAudioDescription {
		l.config = "2.0"
	}
	return l
}

// take is one delivery's files, with the fault the partner's export has
// ("" for none): the inspection code it should produce.
type take struct {
	fault string
	specs []spec
	rate  float64 // the programme's frame rate
}

// files are the transfer's files as declared.
func (t take) files() []lot.TransferFile {
	out := make([]lot.TransferFile, len(t.specs))
	for i, s := range t.specs {
		out[i] = s.file
	}
	return out
}

// Faults a delivery may have, by whether the partner may override them.
var (
	overridableFaults = []string{inspect.BlackSegment, inspect.Silence, inspect.DurationChanged}
	fixedFaults       = []string{inspect.LanguageMismatch, inspect.FrameRateDeclared, inspect.AudioConfigDeclared, inspect.AVRuntimeMismatch,
		inspect.ResolutionTooLow, inspect.UndecodableFrames, inspect.MissingAudio, inspect.SubtitleTiming, inspect.SubtitleOrder,
		inspect.SubtitleNotUTF8, inspect.SubtitleFormat, inspect.SubtitleMalformed}
)

// faultsFor lists the faults of the kind asked (overridable or not) that
// inspection of r's source type can find in a delivery; prev is the
// previous inspected delivery to r (a changed duration needs one).
func faultsFor(r *lot.Request, lk look, overridable bool, prev *lot.Transfer) []string {
	p := inspect.PolicyFor(r.SourceType)
	if p.Package() {
		return nil // the demo's IMF packages are clean: it writes no broken package to find faults in
	}
	form := delivery.FormOf(r.SourceType)
	hasField := func(name string) bool {
		return slices.ContainsFunc(form.Fields, func(f delivery.Field) bool { return f.Name == name })
	}
	var out []string
	list := fixedFaults
	if overridable {
		list = overridableFaults
	}
	for _, f := range list {
		ok := false
		switch f {
		case inspect.BlackSegment:
			ok = p.Media == "av" && p.Runs("black")
		case inspect.Silence:
			ok = p.Runs("silence")
		case inspect.DurationChanged:
			ok = p.Runs("duration") && prev != nil && prev.Inspection != nil && len(prev.Inspection.Files) > 0 && prev.Inspection.Files[0].Media != nil
		case inspect.LanguageMismatch:
			ok = p.Runs("language") && r.Language != ""
		case inspect.FrameRateDeclared:
			ok = p.Media == "av" && p.Runs("declared")
		case inspect.AudioConfigDeclared:
			ok = p.Runs("declared") && hasField("audioConfiguration")
		case inspect.AVRuntimeMismatch:
			ok = p.Runs("avRuntime")
		case inspect.ResolutionTooLow:
			ok = p.Runs("resolution") && hasField("videoResolution") && lk.res == "UHD"
		case inspect.UndecodableFrames:
			ok = p.Runs("decode")
		case inspect.MissingAudio:
			ok = p.Media == "av" && p.Runs("streams")
		case inspect.SubtitleOrder: // TTML orders cues by its timing model, not by document order
			ok = p.Runs("subtitle") && lk.subFormat == "SRT"
		default: // the subtitle faults
			ok = p.Runs("subtitle")
		}
		if ok {
			out = append(out, f)
		}
	}
	return out
}

// makeTake builds a delivery to r of the programme prog, the partner's
// way (lk), with fault.
func makeTake(rnd *rand.Rand, r *lot.Request, prog programme, lk look, fault string) take {
	base := baseName(r.TitleName)
	lang := r.Language
	tag := ""
	if lang != "" {
		tag = "_" + lang
	}
	pol := inspect.PolicyFor(r.SourceType)
	t := take{fault: fault, rate: prog.rate}
	sum := func() string {
		var b [32]byte
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return hex.EncodeToString(b[:])
	}
	jitter := func(n float64) int64 { return int64(n * (0.97 + rnd.Float64()*0.06)) }
	add := func(name, ct string, size int64, meta map[string]string) *spec {
		t.specs = append(t.specs, spec{file: lot.TransferFile{Name: name, Size: max(size, 1), SHA256: sum(), ContentType: ct, Metadata: meta}})
		return &t.specs[len(t.specs)-1]
	}
	meta := func(fields map[string]string) map[string]string {
		out := map[string]string{}
		for _, f := range delivery.FormOf(r.SourceType).Fields {
			if v, ok := fields[f.Name]; ok {
				out[f.Name] = v
			}
		}
		return out
	}
	common := map[string]string{"language": lang, "frameRate": prog.rateText, "startTimecode": prog.startTC(),
		"bitDepth": "24", "sampleRate": "48000"}
	if lang == "" {
		common["language"] = "en"
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range common {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return meta(m)
	}
	seconds := prog.seconds
	switch pol.Media {
	case "av":
		config, res := lk.config, lk.res
		name, ct, codec, rate := base+tag+"_"+res+".mov", "video/quicktime", "prores", float64(23_000_000)
		switch r.SourceType {
		case lot.SourceProductionLockedProxy:
			name, ct, codec, rate = base+"_LockedCut_proxy.mp4", "video/mp4", "h264", 600_000
		case lot.SourceNonIMFDelivery:
			name, ct, codec, rate = base+tag+"_XDCAM.mxf", "application/mxf", "mpeg2video", 6_250_000
		}
		if res == "UHD" {
			rate *= 4
		}
		s := add(name, ct, jitter(seconds*rate), with("videoResolution", res, "audioConfiguration", config))
		s.media, s.det = avProbe(rnd, r, prog, s.file, codec, res, config, fault)
	case "audio":
		configs := []string{lk.config}
		kind := map[lot.SourceType]string{lot.SourceAudioPrintMaster: "PM", lot.SourceAudioME: "ME", lot.SourceSecondaryAudio: "DUB",
			lot.SourceAudioDescription: "AD"}[r.SourceType]
		if lk.split && r.SourceType != lot.SourceAudioDescription {
			configs = []string{"5.1", "2.0"}
		}
		for i, c := range configs {
			ch := map[string]int{"5.1": 6, "2.0": 2}[c]
			name := fmt.Sprintf("%s%s_%s_%s.wav", base, tag, kind, strings.ReplaceAll(c, ".", ""))
			s := add(name, "audio/wav", int64(seconds*48000*3)*int64(ch)+44, with("audioConfiguration", c))
			f := ""
			if i == 0 {
				f = fault
			}
			s.media, s.det = audioProbe(rnd, r, prog, c, f)
		}
	case "subtitle":
		format := lk.subFormat
		declared := format
		if fault == inspect.SubtitleFormat { // exported as SRT, declared as TTML (or the reverse)
			format, declared = map[string]string{"TTML": "SRT", "DFXP": "SRT", "SRT": "TTML"}[format], format
		}
		text := subtitleText(rnd, r, prog, format, fault)
		ext := map[string]string{"TTML": ".ttml", "DFXP": ".dfxp", "SRT": ".srt"}[format]
		ct := map[string]string{"TTML": "application/ttml+xml", "DFXP": "application/ttaf+xml", "SRT": "application/x-subrip"}[format]
		kind := map[lot.SourceType]string{lot.SourceSubtitle: "SUB", lot.SourceSDHCC: "SDH", lot.SourceForcedSub: "FN"}[r.SourceType]
		s := add(base+tag+"_"+kind+ext, ct, int64(len(text)), with("subtitleFormat", declared))
		h := sha256.Sum256(text)
		s.file.SHA256, s.text = hex.EncodeToString(h[:]), text
	case "package": // IMF: a composition and its track files
		id := sum()[:8]
		add("ASSETMAP.xml", "application/xml", 1800+rnd.Int64N(800), nil)
		add("VOLINDEX.xml", "application/xml", 320, nil)
		add("PKL_"+id+".xml", "application/xml", 3000+rnd.Int64N(2000), nil)
		add("CPL_"+base+"_"+id+".xml", "application/xml", 14000+rnd.Int64N(9000), nil)
		add(base+"_VIDEO_"+id+".mxf", "application/mxf", jitter(seconds*31_000_000), nil)
		add(base+"_AUDIO_"+streamLanguage(lang)+"_"+id+".mxf", "application/mxf", int64(seconds*48000*3), nil)
	default: // documents
		if r.SourceType == lot.SourceDubCardImage {
			for i := 1; i <= lk.cards; i++ {
				add(fmt.Sprintf("%s%s_DubCard_%02d.png", base, tag, i), "image/png", 200_000+rnd.Int64N(1_800_000), nil).n = i
			}
			break
		}
		format := lk.docFormat
		ct := map[string]string{"PDF": "application/pdf", "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[format]
		add(base+tag+"_FinalScript."+strings.ToLower(format), ct, 180_000+rnd.Int64N(700_000), with("scriptFormat", format))
	}
	return t
}

// avProbe is what ffprobe and a decoding pass read of an audio-video file.
func avProbe(rnd *rand.Rand, r *lot.Request, prog programme, f lot.TransferFile, codec, res, config, fault string) (*lot.MediaInfo, *lot.Detection) {
	w, h := 1920, 1080
	if res == "UHD" && fault != inspect.ResolutionTooLow {
		w, h = 3840, 2160
	}
	if codec == "h264" {
		w, h = 1280, 720
	}
	container := "mov,mp4,m4a,3gp,3g2,mj2"
	if strings.HasSuffix(f.Name, ".mxf") {
		container = "mxf"
	}
	seconds := ms(prog.seconds + rnd.Float64()*0.04)
	rate := prog.rate
	if fault == inspect.FrameRateDeclared {
		rate = map[float64]float64{23.976: 25, 24: 25, 25: 23.976, 29.97: 25}[prog.rate]
	}
	tc := prog.startTC()
	if rate != 29.97 { // drop-frame counts only 29.97 frames a second
		tc = "01:00:00:00"
	}
	info := &lot.MediaInfo{Container: container, Duration: seconds, Timecode: tc,
		Video: []lot.VideoStream{{Codec: codec, Width: w, Height: h, FrameRate: rate, Duration: seconds}}}
	if fault != inspect.MissingAudio {
		info.Audio = []lot.AudioStream{audioStream(r, config, seconds, fault)}
		if container == "mxf" { // MXF names no channel layout
			info.Audio[0].Layout = ""
		}
		if fault == inspect.AVRuntimeMismatch {
			info.Audio[0].Duration = ms(seconds - 2 - rnd.Float64()*6)
		}
	}
	return info, detection(rnd, prog, inspect.PolicyFor(r.SourceType), true, fault)
}

// audioProbe is what ffprobe and a decoding pass read of a WAV file.
func audioProbe(rnd *rand.Rand, r *lot.Request, prog programme, config, fault string) (*lot.MediaInfo, *lot.Detection) {
	seconds := ms(prog.seconds + rnd.Float64()*0.02)
	return &lot.MediaInfo{Container: "wav", Duration: seconds, Audio: []lot.AudioStream{audioStream(r, config, seconds, fault)}},
		detection(rnd, prog, inspect.PolicyFor(r.SourceType), false, fault)
}

func audioStream(r *lot.Request, config string, seconds float64, fault string) lot.AudioStream {
	ch := map[string]int{"5.1": 6, "2.0": 2}[config]
	if fault == inspect.AudioConfigDeclared {
		ch = map[int]int{6: 2, 2: 6}[ch]
	}
	layout := map[int]string{6: "5.1(side)", 2: "stereo"}[ch]
	lang := streamLanguage(r.Language)
	if fault == inspect.LanguageMismatch { // the original version's audio, or the wrong dub
		lang = map[bool]string{true: "spa", false: "eng"}[lang == "eng"]
	}
	return lot.AudioStream{Codec: "pcm_s24le", Channels: ch, Layout: layout, SampleRate: 48000, BitDepth: 24, Language: lang, Duration: seconds}
}

// detection is a decoding pass: the short fades and pauses every
// programme has, and the fault's long black or silence or damaged frames.
func detection(rnd *rand.Rand, prog programme, pol inspect.Policy, video bool, fault string) *lot.Detection {
	d := &lot.Detection{Silence: []lot.Span{{Start: 0, End: ms(0.4 + rnd.Float64())}}}
	if video {
		d.Black = []lot.Span{{Start: 0, End: ms(0.5 + rnd.Float64())}, {Start: ms(prog.seconds - 1 - rnd.Float64()), End: prog.seconds}}
	}
	mid := ms(prog.seconds * (0.2 + rnd.Float64()*0.6))
	switch fault {
	case inspect.BlackSegment:
		d.Black = append(d.Black[:1], lot.Span{Start: mid, End: ms(mid + pol.MaxBlackS + 1 + rnd.Float64()*6)}, d.Black[1])
	case inspect.Silence:
		d.Silence = append(d.Silence, lot.Span{Start: mid, End: ms(mid + pol.MaxSilenceS + 2 + rnd.Float64()*30)})
	case inspect.UndecodableFrames:
		d.Undecodable = 3 + rnd.IntN(40)
	}
	return d
}

// subtitleText writes a subtitle file of format (TTML, DFXP or SRT) in
// the programme's timecode, with the fault's damage.
func subtitleText(rnd *rand.Rand, r *lot.Request, prog programme, format, fault string) []byte {
	// Fewer cues than a real file holds (one every 4 s or so): enough for
	// the checks to find what the fault did, and quick to write and read.
	n := int(prog.seconds / 60)
	if r.SourceType == lot.SourceForcedSub {
		n = 4 + rnd.IntN(20)
	}
	n = min(max(n, 8), 150)
	type cue struct{ begin, end float64 }
	cues := make([]cue, n)
	step := (prog.seconds - 10) / float64(n)
	for i := range cues {
		b := 3600 + 4 + float64(i)*step + rnd.Float64()*step/3
		cues[i] = cue{b, b + 1.2 + rnd.Float64()*min(step/2, 4)}
	}
	bad := 1 + rnd.IntN(n-2)
	switch fault {
	case inspect.SubtitleTiming:
		cues[bad].begin, cues[bad].end = cues[bad].end, cues[bad].begin
	case inspect.SubtitleOrder:
		cues[bad].begin, cues[bad].end = cues[bad-1].begin-0.4, cues[bad-1].begin-0.1
	}
	line := "Cue %d"
	if fault == inspect.SubtitleNotUTF8 {
		line = "Cue %d, se\xf1or" // Latin-1, not UTF-8
	}
	var b strings.Builder
	stamp := func(s float64, sep string) string {
		ms := int64(s*1000 + 0.5)
		return fmt.Sprintf("%02d:%02d:%02d%s%03d", ms/3600000, ms/60000%60, ms/1000%60, sep, ms%1000)
	}
	if format == "SRT" {
		for i, c := range cues {
			fmt.Fprintf(&b, "%d\n", i+1)
			if fault != inspect.SubtitleMalformed || i != bad {
				fmt.Fprintf(&b, "%s --> %s\n", stamp(c.begin, ","), stamp(c.end, ","))
			}
			fmt.Fprintf(&b, line+"\n\n", i+1)
		}
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tt xmlns=\"http://www.w3.org/ns/ttml\" xml:lang=%q>\n<body><div>\n", strings.ToLower(r.Language))
	for i, c := range cues {
		fmt.Fprintf(&b, "<p begin=\"%s\" end=\"%s\">"+line+"</p>\n", stamp(c.begin, "."), stamp(c.end, "."), i+1)
		if fault == inspect.SubtitleMalformed && i == bad {
			b.WriteString("<p begin=\"unterminated\n")
		}
	}
	b.WriteString("</div></body>\n</tt>\n")
	return []byte(b.String())
}

// inspection runs the product's checks over what take's files hold, as
// the inspection flow's decision step does: against the previous
// inspected delivery prev, under the source type's policy.
func inspection(r *lot.Request, tk take, t *lot.Transfer, prev *lot.Transfer, at time.Time) lot.Inspection {
	p := inspect.PolicyFor(r.SourceType)
	in := lot.Inspection{Attempt: 1, PolicyVersion: p.Version, At: at, Findings: []lot.Finding{}}
	for i, s := range tk.specs {
		f := t.Files[i]
		in.Files = append(in.Files, lot.InspectedFile{Name: f.Name, SHA256: f.SHA256, Media: s.media, Detection: s.det})
		sub := inspect.Subject{SourceType: r.SourceType, Language: r.Language, Declared: f.Metadata, UHD: f.Metadata["videoResolution"] == "UHD"}
		if prev != nil && prev.Inspection != nil {
			for _, pf := range prev.Inspection.Files {
				if pf.Name == f.Name && pf.Media != nil {
					sub.PreviousDuration = pf.Media.Duration
				}
			}
			if sub.PreviousDuration == 0 && len(prev.Inspection.Files) == 1 && prev.Inspection.Files[0].Media != nil {
				sub.PreviousDuration = prev.Inspection.Files[0].Media.Duration
			}
		}
		var found []lot.Finding
		switch {
		case s.media != nil:
			found = inspect.CheckMedia(p, sub, *s.media, s.det)
		case s.text != nil:
			found = inspect.CheckSubtitle(p, sub, s.text)
		}
		for _, fd := range found {
			fd.File = f.Name
			in.Findings = append(in.Findings, fd)
		}
	}
	if p.Package() {
		// The composition its CPL describes, each track with its status,
		// as the inspection's decision step records it.
		files := make([]imf.File, len(tk.specs))
		for i, s := range tk.specs {
			files[i] = imf.File{Name: s.file.Name, Size: s.file.Size, XML: s.xml}
		}
		if c := inspect.CompositionOf(imf.Open(files, nil)); c != nil {
			c.SetTrackStatuses(in.Findings)
			in.Composition = c
		}
	}
	if prev != nil && prev.Inspection != nil {
		in.Previous = prev.ID
		in.New, in.Resolved = diffCodes(prev.Inspection.Findings, in.Findings)
	}
	return in
}

func diffCodes(before, after []lot.Finding) (added, resolved []string) {
	codes := func(fs []lot.Finding) []string {
		var out []string
		for _, f := range fs {
			if !slices.Contains(out, f.Code) {
				out = append(out, f.Code)
			}
		}
		return out
	}
	b, a := codes(before), codes(after)
	for _, c := range a {
		if !slices.Contains(b, c) {
			added = append(added, c)
		}
	}
	for _, c := range b {
		if !slices.Contains(a, c) {
			resolved = append(resolved, c)
		}
	}
	return added, resolved
}
