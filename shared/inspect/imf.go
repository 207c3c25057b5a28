package inspect

import (
	"math"

	"github.com/openlot/openlot/shared/imf"
	"github.com/openlot/openlot/shared/lot"
)

// imfCodes is the error code of each class of package problem.
var imfCodes = map[imf.Class]string{
	imf.Malformed:     IMFXMLMalformed,
	imf.WrongDocument: IMFWrongDocument,
	imf.Invalid:       IMFInvalidDocument,
	imf.NoAssetMap:    IMFNotAPackage,
	imf.Incomplete:    IMFIncomplete,
	imf.AssetMissing:  IMFAssetMissing,
	imf.NotInAssetMap: IMFFileNotInMap,
	imf.SizeMismatch:  IMFSizeMismatch,
	imf.HashMismatch:  IMFHashMismatch,
	imf.UnknownTrack:  IMFUnknownResource,
	imf.Timing:        IMFTiming,
	imf.IDMismatch:    IMFIDMismatch,
}

// IMFCode is the error code of a class of package problem.
func IMFCode(c imf.Class) string {
	if code, ok := imfCodes[c]; ok {
		return code
	}
	return IMFInvalidDocument
}

// PackageFinding is a package problem as a finding, naming its file.
func PackageFinding(p imf.Problem) Finding {
	f := Found(IMFCode(p.Class), "%s", p.Message)
	f.File = p.File
	return f
}

// TrackFile is what examine read of one track file of a package: its
// probe, or why it could not be read.
type TrackFile struct {
	Name       string
	Media      *lot.MediaInfo
	Unreadable string
}

// trackTolerance is how far a track file's probed length may differ from
// its CPL resource's IntrinsicDuration: a frame at 24 fps and a little.
const trackTolerance = 0.05

// CheckPackage turns a read package into findings, each naming its file:
// its documents' problems, then each track file's probe against the CPL
// resources that play it (essence kind, frame rate against the edit rate,
// length against IntrinsicDuration) and the request (UHD resolution, the
// requested language of the main audio).
func CheckPackage(p Policy, s Subject, pkg *imf.Package, tracks []TrackFile) []Finding {
	var out []Finding
	for _, pr := range pkg.Problems {
		out = append(out, PackageFinding(pr))
	}
	add := func(file string, f Finding) {
		f.File = file
		out = append(out, f)
	}
	for _, t := range tracks {
		uses := pkg.Uses(t.Name)
		if !pkg.Probed(t.Name) {
			continue // timed text and markers: not read as media
		}
		if t.Unreadable != "" || t.Media == nil {
			add(t.Name, Found(IMFTrackUnreadable, "the %s track file cannot be read: %s", uses[0].Kind, t.Unreadable))
			continue
		}
		m := t.Media
		for _, u := range uses {
			switch u.Kind {
			case imf.Video:
				if len(m.Video) == 0 {
					add(t.Name, Found(IMFTrackEssence, "%s plays it as %s, but it has no video", u.CPL, u.Sequence))
					continue
				}
				v := m.Video[0]
				if !sameRate(v.FrameRate, u.EditRate.Float()) {
					add(t.Name, Found(IMFTrackEditRate, "the image runs at %s fps; %s plays it at edit rate %s (%s fps)",
						rate(v.FrameRate), u.CPL, u.EditRate, rate(u.EditRate.Float())))
				}
				// IntrinsicDuration counts the track file's own frames.
				if frames := firstNonZero(v.Duration, m.Duration) * v.FrameRate; v.FrameRate > 0 && math.Abs(frames-float64(u.IntrinsicDuration)) >= 1 {
					add(t.Name, Found(IMFTrackDuration, "the image has %.0f frames; %s gives IntrinsicDuration %d",
						frames, u.CPL, u.IntrinsicDuration))
				}
				if p.Runs("resolution") && s.UHD && (v.Width < 3840 || v.Height < 2160) {
					add(t.Name, Found(ResolutionTooLow, "the image is %d×%d; UHD needs at least 3840×2160", v.Width, v.Height))
				}
			case imf.Audio:
				if len(m.Audio) == 0 {
					add(t.Name, Found(IMFTrackEssence, "%s plays it as %s, but it has no audio", u.CPL, u.Sequence))
					continue
				}
				if d := firstNonZero(m.Audio[0].Duration, m.Duration); math.Abs(d-u.Seconds()) > trackTolerance {
					add(t.Name, Found(IMFTrackDuration, "the audio lasts %s; %s gives IntrinsicDuration %d at %s (%s)",
						clock(d), u.CPL, u.IntrinsicDuration, u.EditRate, clock(u.Seconds())))
				}
				if p.Runs("language") && s.Language != "" {
					for _, l := range u.Languages {
						if !SameLanguage(s.Language, l) {
							add(t.Name, Found(LanguageMismatch, "%s labels this audio %q; the request is for %s", u.CPL, l, s.Language))
						}
					}
				}
			}
		}
	}
	if want, ok := channelsOf(s.Declared["audioConfiguration"]); ok && p.Runs("declared") {
		got := 0
		for _, t := range tracks {
			if t.Media != nil {
				for _, a := range t.Media.Audio {
					got = max(got, a.Channels)
				}
			}
		}
		if got > 0 && got != want {
			out = append(out, Found(AudioConfigDeclared, "the widest audio track file has %d channels; %s has %d", got, s.Declared["audioConfiguration"], want))
		}
	}
	return out
}

// CompositionFiles name the files a composition's findings are about:
// the CPL, its picture's and its sound's first track files ("" when
// unknown: the CPL stands for them).
type CompositionFiles struct{ CPL, Video, Audio string }

// CheckComposition turns the decoding of a whole composition (ffmpeg's
// IMF reader) into findings: black (about the picture's track file),
// silence (the sound's), frames that do not decode (the CPL's). unplayable
// is why the composition could not be played at all ("" when it could).
func CheckComposition(p Policy, files CompositionFiles, det *lot.Detection, unplayable string) []Finding {
	var out []Finding
	add := func(f Finding, file string) {
		f.File = file
		if f.File == "" {
			f.File = files.CPL
		}
		out = append(out, f)
	}
	if unplayable != "" {
		add(Found(IMFCompositionDecode, "%s", unplayable), files.CPL)
		return out
	}
	if det == nil {
		return nil
	}
	if p.Runs("black") {
		if f, ok := spans(BlackSegment, "the composition is black", det.Black, p.MaxBlackS); ok {
			add(f, files.Video)
		}
	}
	if p.Runs("silence") {
		if f, ok := spans(Silence, "the composition is silent", det.Silence, p.MaxSilenceS); ok {
			add(f, files.Audio)
		}
	}
	if p.Runs("decode") && det.Undecodable > 0 {
		add(Found(UndecodableFrames, "playing the composition reported %d decoding errors", det.Undecodable), files.CPL)
	}
	return out
}

// CompositionOf is the technical metadata of a package's first CPL, with
// the delivered file each track file is in.
func CompositionOf(pkg *imf.Package) *lot.Composition {
	if len(pkg.CPLs) == 0 {
		return nil
	}
	c := pkg.CPLs[0].Composition()
	out := &lot.Composition{CPLID: c.CPLID, Title: c.Title, EditRate: c.EditRate.String(), FrameRate: c.EditRate.Float(),
		Runtime: c.Seconds, Languages: c.Languages, Tracks: []lot.CompositionTrack{}}
	for _, t := range c.Tracks {
		ct := lot.CompositionTrack{Kind: string(t.Kind), Sequence: t.Sequence, TrackID: t.TrackID, EditRate: t.EditRate.String(),
			Duration: t.Seconds, Languages: t.Languages}
		for _, id := range t.TrackFiles {
			if name := pkg.TrackFileName(id); name != "" {
				ct.Files = append(ct.Files, name)
			}
		}
		out.Tracks = append(out.Tracks, ct)
	}
	return out
}

func firstNonZero(a, b float64) float64 {
	if a > 0 {
		return a
	}
	return b
}
