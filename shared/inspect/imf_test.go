package inspect_test

import (
	"testing"

	"github.com/openlot/openlot/shared/imf"
	"github.com/openlot/openlot/shared/imf/imftest"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

func openPackage(p *imftest.Package) *imf.Package {
	var files []imf.File
	for _, n := range p.Names {
		f := imf.File{Name: n, Size: int64(len(p.Files[n]))}
		if imf.LooksLikeXML(n, p.Files[n]) {
			f.XML = p.Files[n]
		}
		files = append(files, f)
	}
	return imf.Open(files, nil)
}

func TestEveryPackageProblemHasACatalogueCode(t *testing.T) {
	// Ensures each class of package problem becomes a code partners can
	// look up, with its help text and overridable flag.
	for _, c := range []imf.Class{imf.Malformed, imf.WrongDocument, imf.Invalid, imf.NoAssetMap, imf.Incomplete, imf.AssetMissing,
		imf.NotInAssetMap, imf.SizeMismatch, imf.HashMismatch, imf.UnknownTrack, imf.Timing, imf.IDMismatch} {
		code := inspect.IMFCode(c)
		if _, ok := inspect.Lookup(code); !ok {
			t.Errorf("%s: code %s is not in the catalogue", c, code)
		}
	}
	if f := inspect.PackageFinding(imf.Problem{Class: imf.NotInAssetMap, File: "notes.txt", Message: "x"}); !f.Overridable || f.File != "notes.txt" {
		t.Errorf("a stray file's finding: %+v, want overridable, naming notes.txt", f)
	}
	if f := inspect.PackageFinding(imf.Problem{Class: imf.HashMismatch, File: "v.mxf", Message: "x"}); f.Overridable {
		t.Errorf("a hash mismatch may be overridden: %+v", f)
	}
}

func TestTrackFilesAgainstTheCPLAndTheRequest(t *testing.T) {
	// Ensures each track file's probe is held against the CPL resource that
	// plays it (frame rate, length, essence kind) and the request (language,
	// UHD), each finding naming the file.
	p := imftest.New(imftest.Spec{Title: "Orbital", EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "video.mxf", Sequence: "MainImageSequence", Data: []byte{0x06, 0x0e, 0x2b, 0x34}, EditRate: "24 1", Duration: 48},
		{Name: "audio.mxf", Sequence: "MainAudioSequence", Data: []byte{0x06, 0x0e, 0x2b, 0x34, 0}, EditRate: "48000 1", Duration: 96000, Language: "en"},
	}})
	pkg := openPackage(p)
	if len(pkg.Problems) > 0 {
		t.Fatalf("the package: %+v", pkg.Problems)
	}
	video := &lot.MediaInfo{Duration: 2, Video: []lot.VideoStream{{Codec: "jpeg2000", Width: 1920, Height: 1080, FrameRate: 24, Duration: 2}}}
	audio := &lot.MediaInfo{Duration: 2, Audio: []lot.AudioStream{{Codec: "pcm_s24le", Channels: 1, SampleRate: 48000, Duration: 2}}}
	pol := inspect.PolicyFor(lot.SourceIMF)
	en := inspect.Subject{SourceType: lot.SourceIMF, Language: "en"}
	cases := []struct {
		name         string
		s            inspect.Subject
		video, audio inspect.TrackFile
		want         string // code, "" none
		file         string
	}{
		{"as the CPL says", en, inspect.TrackFile{Name: "video.mxf", Media: video}, inspect.TrackFile{Name: "audio.mxf", Media: audio}, "", ""},
		{"video at 25 fps", en, inspect.TrackFile{Name: "video.mxf", Media: &lot.MediaInfo{Duration: 1.92, Video: []lot.VideoStream{{Width: 1920, Height: 1080, FrameRate: 25, Duration: 1.92}}}},
			inspect.TrackFile{Name: "audio.mxf", Media: audio}, inspect.IMFTrackEditRate, "video.mxf"},
		{"video a second short", en, inspect.TrackFile{Name: "video.mxf", Media: &lot.MediaInfo{Duration: 1, Video: []lot.VideoStream{{Width: 1920, Height: 1080, FrameRate: 24, Duration: 1}}}},
			inspect.TrackFile{Name: "audio.mxf", Media: audio}, inspect.IMFTrackDuration, "video.mxf"},
		{"audio a second short", en, inspect.TrackFile{Name: "video.mxf", Media: video},
			inspect.TrackFile{Name: "audio.mxf", Media: &lot.MediaInfo{Duration: 1, Audio: []lot.AudioStream{{Channels: 1, Duration: 1}}}}, inspect.IMFTrackDuration, "audio.mxf"},
		{"audio where the image should be", en, inspect.TrackFile{Name: "video.mxf", Media: audio},
			inspect.TrackFile{Name: "audio.mxf", Media: audio}, inspect.IMFTrackEssence, "video.mxf"},
		{"unreadable track file", en, inspect.TrackFile{Name: "video.mxf", Unreadable: "Invalid data found when processing input"},
			inspect.TrackFile{Name: "audio.mxf", Media: audio}, inspect.IMFTrackUnreadable, "video.mxf"},
		{"audio labelled English for a Spanish request", inspect.Subject{SourceType: lot.SourceIMF, Language: "es-419"},
			inspect.TrackFile{Name: "video.mxf", Media: video}, inspect.TrackFile{Name: "audio.mxf", Media: audio}, inspect.LanguageMismatch, "audio.mxf"},
		{"HD for a UHD request", inspect.Subject{SourceType: lot.SourceIMF, UHD: true},
			inspect.TrackFile{Name: "video.mxf", Media: video}, inspect.TrackFile{Name: "audio.mxf", Media: audio}, inspect.ResolutionTooLow, "video.mxf"},
	}
	// Timed text (IMSC1 in MXF) is no picture or sound for ffprobe: not
	// reading it as media is no finding.
	withSubs := imftest.New(imftest.Spec{Title: "Orbital", EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "video.mxf", Sequence: "MainImageSequence", Data: []byte{0x06, 0x0e, 0x2b, 0x34}, EditRate: "24 1", Duration: 48},
		{Name: "subs.mxf", Sequence: "SubtitlesSequence", Data: []byte{0x06, 0x0e, 0x2b, 0x34, 1}, EditRate: "24 1", Duration: 48},
	}})
	if got := inspect.CheckPackage(pol, en, openPackage(withSubs), []inspect.TrackFile{{Name: "video.mxf", Media: video},
		{Name: "subs.mxf", Unreadable: "no audio or video stream"}}); len(got) > 0 {
		t.Errorf("a timed-text track file: %+v, want none", got)
	}
	for _, c := range cases {
		got := inspect.CheckPackage(pol, c.s, pkg, []inspect.TrackFile{c.video, c.audio})
		if c.want == "" {
			if len(got) > 0 {
				t.Errorf("%s: %+v, want none", c.name, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Code != c.want || got[0].File != c.file {
			t.Errorf("%s: %+v, want one %s about %s", c.name, got, c.want, c.file)
		}
	}
}

func TestCompositionDecodeFindings(t *testing.T) {
	// Ensures decoding the composition reports black (about the picture's
	// track file), silence (the sound's) and damaged frames by the policy's
	// limits, and a composition that cannot be played at all.
	pol := inspect.PolicyFor(lot.SourceIMF)
	files := inspect.CompositionFiles{CPL: "CPL.xml", Video: "video.mxf", Audio: "audio.mxf"}
	got := inspect.CheckComposition(pol, files, &lot.Detection{Black: []lot.Span{{Start: 1, End: 4}}, Silence: []lot.Span{{Start: 0, End: 11}}, Undecodable: 2}, "")
	want := []string{"BLACK_SEGMENT video.mxf", "SILENCE audio.mxf", "UNDECODABLE_FRAMES CPL.xml"}
	if len(got) != len(want) {
		t.Fatalf("black, silence and damage: %+v", got)
	}
	for i, f := range got {
		if f.Code+" "+f.File != want[i] {
			t.Errorf("finding %d: %s %s, want %s", i, f.Code, f.File, want[i])
		}
	}
	if got := inspect.CheckComposition(pol, files, &lot.Detection{Black: []lot.Span{{Start: 1, End: 2}}}, ""); len(got) != 0 {
		t.Errorf("1 s of black (within 2 s): %+v", got)
	}
	if got := inspect.CheckComposition(pol, files, nil, "Could not open track file"); len(got) != 1 || got[0].Code != inspect.IMFCompositionDecode || !got[0].Overridable {
		t.Errorf("unplayable: %+v, want one overridable %s", got, inspect.IMFCompositionDecode)
	}
}
