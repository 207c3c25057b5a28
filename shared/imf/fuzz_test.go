package imf_test

import (
	"errors"
	"testing"

	"github.com/openlot/openlot/shared/imf"
)

// seeds are the documents of a valid package and a few near misses.
func seeds(f *testing.F, name string) {
	p := mustPackage(f)
	f.Add(p.Files[name])
	f.Add([]byte(`<?xml version="1.0"?><x/>`))
	f.Add([]byte("hello\n"))
	f.Add([]byte(`<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2013"><Id>urn:uuid:00000000-0000-0000-0000-000000000000</Id></CompositionPlaylist>`))
}

// problem fails unless err is nil or a Problem: a parser answers every
// input with a classed problem, never another error.
func problem(t *testing.T, err error) {
	var p imf.Problem
	if err != nil && !errors.As(err, &p) {
		t.Fatalf("error %T %v is not a Problem", err, err)
	}
	if err != nil && p.Class == "" {
		t.Fatalf("problem without a class: %v", p)
	}
}

func FuzzParseCPL(f *testing.F) {
	seeds(f, "CPL.xml")
	// A repeat count that overflows int64 when multiplied out.
	f.Add(mustPackage(f).Edit("CPL.xml", "<SourceDuration>48</SourceDuration>",
		"<SourceDuration>48</SourceDuration><RepeatCount>9223372036854775807</RepeatCount>").Files["CPL.xml"])
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := imf.ParseCPL("CPL.xml", b)
		problem(t, err)
		if err != nil {
			return
		}
		comp := c.Composition()
		if comp.Seconds < 0 {
			t.Fatalf("negative runtime %v", comp.Seconds)
		}
		for _, tr := range comp.Tracks {
			if tr.Seconds < 0 {
				t.Fatalf("negative track length %v", tr.Seconds)
			}
		}
	})
}

func FuzzParsePKL(f *testing.F) {
	seeds(f, "PKL.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := imf.ParsePKL("PKL.xml", b)
		problem(t, err)
		if err == nil {
			for _, a := range p.Assets {
				if a.Size < 0 || len(a.Hash) != 28 {
					t.Fatalf("asset %+v: size or hash not checked", a)
				}
			}
		}
	})
}

func FuzzParseAssetMap(f *testing.F) {
	seeds(f, "ASSETMAP.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		am, err := imf.ParseAssetMap("ASSETMAP.xml", b)
		problem(t, err)
		if err == nil {
			for _, a := range am.Assets {
				if len(a.Chunks) == 0 {
					t.Fatalf("asset %s without chunks", a.ID)
				}
			}
		}
	})
}

func FuzzParseVolumeIndex(f *testing.F) {
	seeds(f, "VOLINDEX.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		problem(t, imf.ParseVolumeIndex("VOLINDEX.xml", b))
	})
}

// FuzzOpen reads a whole package whose CPL is the fuzzed input: the
// cross-checks (track files, timing, IDs) never panic.
func FuzzOpen(f *testing.F) {
	seeds(f, "CPL.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		p := mustPackage(t)
		p.Files["CPL.xml"] = b
		p.Seal()
		pkg := imf.Open(delivered(p), nil)
		for _, pr := range pkg.Problems {
			if pr.Class == "" || pr.Message == "" {
				t.Fatalf("problem without class or message: %+v", pr)
			}
		}
		for _, n := range p.Names {
			pkg.Uses(n)
		}
	})
}
