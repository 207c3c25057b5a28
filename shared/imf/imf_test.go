package imf_test

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/imf"
	"github.com/openlot/openlot/shared/imf/imftest"
)

// mustPackage is a small valid package: 48 frames of video at 24 fps and
// 2 s of audio at 48 kHz (the track files are placeholder bytes here; the
// portal's tests deliver real MXF).
func mustPackage(tb testing.TB) *imftest.Package {
	tb.Helper()
	return imftest.New(imftest.Spec{Title: "Orbital S01E04", EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "video.mxf", Sequence: "MainImageSequence", Data: bytes.Repeat([]byte{0x06, 0x0e, 0x2b, 0x34}, 300), EditRate: "24 1", Duration: 48},
		{Name: "audio_en.mxf", Sequence: "MainAudioSequence", Data: bytes.Repeat([]byte{0x06, 0x0e, 0x2b, 0x34, 1}, 200), EditRate: "48000 1", Duration: 96000, Language: "en"},
	}})
}

// delivered turns a package into what inspection hands Open: every file's
// name and size, the XML documents' text.
func delivered(p *imftest.Package) []imf.File {
	var out []imf.File
	for _, n := range p.Names {
		b := p.Files[n]
		f := imf.File{Name: n, Size: int64(len(b))}
		if imf.LooksLikeXML(n, b[:min(len(b), 64)]) {
			f.XML = b
		}
		out = append(out, f)
	}
	return out
}

func classes(p *imf.Package) []string {
	var out []string
	for _, pr := range p.Problems {
		out = append(out, string(pr.Class)+" "+pr.File+": "+pr.Message)
	}
	return out
}

func TestValidPackageHasNoProblemsAndDescribesItsComposition(t *testing.T) {
	// Ensures a package written by the SMPTE documents passes every check and
	// yields the title, edit rate, runtime, tracks (video first) and languages
	// the technical metadata shows.
	pkg := imf.Open(delivered(mustPackage(t)), nil)
	if len(pkg.Problems) > 0 {
		t.Fatalf("a valid package: %q", classes(pkg))
	}
	if len(pkg.CPLs) != 1 || len(pkg.PKLs) != 1 || pkg.AssetMap == nil {
		t.Fatalf("documents read: %d CPL, %d PKL, assetmap %v", len(pkg.CPLs), len(pkg.PKLs), pkg.AssetMap != nil)
	}
	c := pkg.CPLs[0].Composition()
	if c.Title != "Orbital S01E04" || c.EditRate.Float() != 24 || c.Seconds != 2 {
		t.Errorf("composition: %q at %v for %v s, want Orbital S01E04 at 24 for 2 s", c.Title, c.EditRate, c.Seconds)
	}
	if len(c.Tracks) != 2 || c.Tracks[0].Kind != imf.Video || c.Tracks[1].Kind != imf.Audio {
		t.Fatalf("tracks: %+v", c.Tracks)
	}
	if got := strings.Join(c.Languages, ","); got != "en" {
		t.Errorf("languages %q, want en", got)
	}
	if u := pkg.Uses("audio_en.mxf"); len(u) != 1 || u[0].Seconds() != 2 || u[0].Kind != imf.Audio {
		t.Errorf("audio track file uses: %+v", u)
	}
}

func TestBrokenPackagesFailWithTheirClass(t *testing.T) {
	// Ensures each way a package can be broken is found, as its own class,
	// and only that class: the error code a partner reads depends on it.
	cpl := "CPL.xml"
	cases := []struct {
		name   string
		break_ func(p *imftest.Package)
		want   imf.Class
	}{
		{"CPL not well-formed", func(p *imftest.Package) { p.Edit(cpl, "</ContentTitle>", "</ContentTitl>").Seal() }, imf.Malformed},
		{"CPL in the wrong namespace", func(p *imftest.Package) {
			p.Edit(cpl, `xmlns="http://www.smpte-ra.org/schemas/2067-3/2016"`, `xmlns="http://www.smpte-ra.org/schemas/2067-3/2099"`).Seal()
		}, imf.WrongDocument},
		{"PKL with the wrong root", func(p *imftest.Package) {
			p.Edit("PKL.xml", "PackingList", "PackingLst")
		}, imf.WrongDocument},
		{"ASSETMAP asset not delivered", func(p *imftest.Package) { p.Drop("audio_en.mxf") }, imf.AssetMissing},
		{"delivered file not in the ASSETMAP", func(p *imftest.Package) { p.Add("notes.txt", []byte("hello")) }, imf.NotInAssetMap},
		{"PKL size wrong", func(p *imftest.Package) {
			n := len(p.Files["video.mxf"])
			p.Edit("PKL.xml", "<Size>"+itoa(n)+"</Size>", "<Size>"+itoa(n+1)+"</Size>")
		}, imf.SizeMismatch},
		{"CPL resource plays an unknown track file", func(p *imftest.Package) {
			p.Edit(cpl, "<TrackFileId>"+p.IDs["audio_en.mxf"], "<TrackFileId>"+imftest.ID("elsewhere")).Seal()
		}, imf.UnknownTrack},
		{"sequences of a segment of unequal length", func(p *imftest.Package) {
			p.Edit(cpl, "<SourceDuration>96000</SourceDuration>", "<SourceDuration>95000</SourceDuration>").Seal()
		}, imf.Timing},
		{"main image not at the composition's edit rate", func(p *imftest.Package) {
			p.Edit(cpl, "<EditRate>24 1</EditRate>\n              <IntrinsicDuration>48", "<EditRate>25 1</EditRate>\n              <IntrinsicDuration>48").Seal()
		}, imf.Timing},
		{"entry point past the track file's end", func(p *imftest.Package) {
			p.Edit(cpl, "<EntryPoint>0</EntryPoint>\n              <SourceDuration>48</SourceDuration>", "<EntryPoint>40</EntryPoint>\n              <SourceDuration>48</SourceDuration>").Seal()
		}, imf.Timing},
		{"running time not the segments'", func(p *imftest.Package) {
			p.Edit(cpl, "<TotalRunningTime>00:00:02</TotalRunningTime>", "<TotalRunningTime>00:01:02</TotalRunningTime>").Seal()
		}, imf.Timing},
		{"CPL Id not the one the ASSETMAP lists", func(p *imftest.Package) {
			p.Edit(cpl, "<Id>"+p.IDs[cpl]+"</Id>", "<Id>"+imftest.ID("another cpl")+"</Id>").Seal()
		}, imf.IDMismatch},
		{"CPL Id not a urn:uuid", func(p *imftest.Package) {
			p.Edit(cpl, "<Id>"+p.IDs[cpl]+"</Id>", "<Id>cpl-1</Id>").Seal()
		}, imf.Invalid},
		{"PKL hash not base64 SHA-1", func(p *imftest.Package) {
			sum := sha1.Sum(p.Files["video.mxf"])
			p.Edit("PKL.xml", base64.StdEncoding.EncodeToString(sum[:]), "not-a-hash")
		}, imf.Invalid},
		{"no CPL", func(p *imftest.Package) { p.Drop(cpl).Seal() }, imf.Incomplete},
		{"ASSETMAP not well-formed", func(p *imftest.Package) { p.Edit("ASSETMAP.xml", "</AssetList>", "</AssetLst>") }, imf.Malformed},
		{"ASSETMAP broken before its root", func(p *imftest.Package) { p.Edit("ASSETMAP.xml", "<AssetMap ", "<<AssetMap ") }, imf.Malformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mustPackage(t)
			c.break_(p)
			pkg := imf.Open(delivered(p), nil)
			if len(pkg.Problems) == 0 {
				t.Fatalf("no problem found, want %s", c.want)
			}
			for _, pr := range pkg.Problems {
				if pr.Class != c.want {
					t.Errorf("found %s, want only %s: %q", pr.Class, c.want, classes(pkg))
				}
			}
		})
	}
}

func TestHashIsComparedWithThePKL(t *testing.T) {
	// Ensures a track file whose bytes changed after packing (same size) is
	// found by its SHA-1, and an intact one is not.
	p := mustPackage(t)
	pkg := imf.Open(delivered(p), nil)
	sum := sha1.Sum(p.Files["video.mxf"])
	if pr, bad := pkg.VerifyHash("video.mxf", base64.StdEncoding.EncodeToString(sum[:])); bad {
		t.Errorf("intact file: %v", pr)
	}
	p.Files["video.mxf"][10] ^= 0xff
	sum = sha1.Sum(p.Files["video.mxf"])
	pr, bad := pkg.VerifyHash("video.mxf", base64.StdEncoding.EncodeToString(sum[:]))
	if !bad || pr.Class != imf.HashMismatch {
		t.Errorf("changed file: %v %v, want a hash mismatch", pr, bad)
	}
}

func TestSupplementalPackagePlaysEarlierTrackFiles(t *testing.T) {
	// Ensures a supplemental package whose CPL plays a video track file
	// delivered before (not in this package) passes when that track file is
	// known, and fails as an unknown resource when it is not.
	p := imftest.New(imftest.Spec{Title: "Orbital S01E04 dub", EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "video.mxf", Sequence: "MainImageSequence", EditRate: "24 1", Duration: 48, Earlier: true},
		{Name: "audio_es.mxf", Sequence: "MainAudioSequence", Data: []byte{0x06, 0x0e, 0x2b, 0x34}, EditRate: "48000 1", Duration: 96000, Language: "es-419"},
	}})
	video := p.IDs["video.mxf"]
	if pkg := imf.Open(delivered(p), func(id string) bool { return id == video }); len(pkg.Problems) > 0 {
		t.Errorf("with the video delivered before: %q", classes(pkg))
	}
	pkg := imf.Open(delivered(p), nil)
	if len(pkg.Problems) != 1 || pkg.Problems[0].Class != imf.UnknownTrack {
		t.Errorf("without it: %q, want one unknown-resource", classes(pkg))
	}
}

func TestATextFileIsNoPackage(t *testing.T) {
	// Ensures a one-line text file delivered as IMF is told apart as not a
	// package at all.
	pkg := imf.Open([]imf.File{{Name: "readme.txt", Size: 12}}, nil)
	if len(pkg.Problems) != 1 || pkg.Problems[0].Class != imf.NoAssetMap {
		t.Errorf("a text file: %q, want one no-assetmap", classes(pkg))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestOlderNamespacesAndLooseWritingPass(t *testing.T) {
	// Ensures packages as other tools write them pass: a CPL of ST 2067-3:2013
	// with 2013 core constraints, a PKL of ST 429-8 (no HashAlgorithm),
	// upper-case UUIDs, "./" before an ASSETMAP path, and TotalRunningTime
	// rounded to the nearest second.
	p := imftest.New(imftest.Spec{Title: "Orbital", EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "video.mxf", Sequence: "MainImageSequence", Data: []byte{0x06, 0x0e, 0x2b, 0x34}, EditRate: "24 1", Duration: 60},
	}})
	video := p.IDs["video.mxf"]
	p.Edit("CPL.xml", "schemas/2067-3/2016", "schemas/2067-3/2013").Edit("CPL.xml", "schemas/2067-2/2016", "schemas/2067-2/2013").
		Edit("CPL.xml", "<TotalRunningTime>00:00:02</TotalRunningTime>", "<TotalRunningTime>00:00:03</TotalRunningTime>").
		Edit("CPL.xml", video, strings.ToUpper(video)).Seal()
	p.Edit("PKL.xml", "schemas/2067-2/2016/PKL", "schemas/429-8/2007/PKL").
		Edit("PKL.xml", `<HashAlgorithm Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>`, "").
		Edit("ASSETMAP.xml", "<Path>video.mxf</Path>", "<Path>./video.mxf</Path>")
	if pkg := imf.Open(delivered(p), nil); len(pkg.Problems) > 0 {
		t.Errorf("%q", classes(pkg))
	}
}

func TestAnXMLDocumentTooLargeIsNotRead(t *testing.T) {
	// Ensures a document larger than openlot reads (handed over as its first
	// bytes only) is found too large, not malformed for being cut short.
	files := delivered(mustPackage(t))
	for i := range files {
		if files[i].Name == "CPL.xml" {
			files[i].Size, files[i].XML = imf.MaxXML+1, files[i].XML[:64]
		}
	}
	pkg := imf.Open(files, nil)
	found := false
	for _, pr := range pkg.Problems {
		found = found || (pr.Class == imf.Invalid && pr.File == "CPL.xml" && strings.Contains(pr.Message, "at most"))
		if pr.Class == imf.Malformed {
			t.Errorf("found malformed: %v", pr)
		}
	}
	if !found {
		t.Errorf("%q, want CPL.xml too large", classes(pkg))
	}
}
