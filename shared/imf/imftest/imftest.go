// Package imftest writes IMF packages for tests: the CPL, PKL, ASSETMAP
// and VOLINDEX of a set of track files (made by the test, with ffmpeg or
// as plain bytes), valid by ST 2067-3, ST 2067-2 and ST 429-9, which a
// test then breaks in the one way it is about.
package imftest

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"html"
	"slices"
	"strings"
)

// Track is one track file of the composition.
type Track struct {
	Name     string // file name in the package (video.mxf)
	Sequence string // MainImageSequence, MainAudioSequence, SubtitlesSequence
	Data     []byte // the file's bytes (nil for a track delivered earlier)
	EditRate string // the resource's edit rate ("24 1", "48000 1")
	Duration int64  // IntrinsicDuration, in edit units of EditRate
	Language string // RFC 5646 spoken language of its essence descriptor ("" none)
	Earlier  bool   // delivered before: played by the CPL, not in this package
}

// Spec describes a package.
type Spec struct {
	Title    string
	EditRate string // the composition's ("24 1")
	Tracks   []Track
}

// Package is a written package: its files by name, in delivery order.
type Package struct {
	Spec  Spec
	Files map[string][]byte
	Names []string
	// IDs of its documents and tracks (urn:uuid:...), by file name.
	IDs map[string]string
}

// ID is a stable urn:uuid made from a name (so a package is the same each run).
func ID(name string) string {
	s := sha1.Sum([]byte("openlot imftest " + name))
	s[6] = s[6]&0x0f | 0x50 // version 5
	s[8] = s[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// New writes the package of s: track files, CPL, PKL, ASSETMAP, VOLINDEX.
func New(s Spec) *Package {
	p := &Package{Spec: s, Files: map[string][]byte{}, IDs: map[string]string{}}
	for _, t := range s.Tracks {
		p.IDs[t.Name] = ID("track " + t.Name)
		if !t.Earlier {
			p.put(t.Name, t.Data)
		}
	}
	p.IDs["CPL.xml"] = ID("cpl " + s.Title)
	p.IDs["PKL.xml"] = ID("pkl " + s.Title)
	p.IDs["ASSETMAP.xml"] = ID("assetmap " + s.Title)
	p.put("CPL.xml", []byte(p.cpl()))
	p.Seal()
	return p
}

func (p *Package) put(name string, b []byte) {
	if !slices.Contains(p.Names, name) {
		p.Names = append(p.Names, name)
	}
	p.Files[name] = b
}

// Edit replaces text in a file (every occurrence); it panics when old is
// not there, so a test cannot break nothing. Seal rewrites the PKL and
// ASSETMAP after.
func (p *Package) Edit(name, old, new string) *Package {
	b := string(p.Files[name])
	if !strings.Contains(b, old) {
		panic(fmt.Sprintf("imftest: %q is not in %s", old, name))
	}
	p.Files[name] = []byte(strings.ReplaceAll(b, old, new))
	return p
}

// Drop takes a file out of the delivery.
func (p *Package) Drop(name string) *Package {
	delete(p.Files, name)
	p.Names = slices.DeleteFunc(p.Names, func(n string) bool { return n == name })
	return p
}

// Add puts an extra file into the delivery (listed nowhere).
func (p *Package) Add(name string, b []byte) *Package {
	p.put(name, b)
	return p
}

// Seal writes the PKL (sizes and SHA-1 of the files now in the package)
// and the ASSETMAP and VOLINDEX.
func (p *Package) Seal() *Package {
	var pkl strings.Builder
	fmt.Fprintf(&pkl, `<?xml version="1.0" encoding="UTF-8"?>
<PackingList xmlns="http://www.smpte-ra.org/schemas/2067-2/2016/PKL">
  <Id>%s</Id>
  <IssueDate>2026-12-05T08:00:00Z</IssueDate>
  <Issuer>openlot tests</Issuer>
  <Creator>imftest</Creator>
  <AssetList>
`, p.IDs["PKL.xml"])
	for _, n := range p.Names {
		if n == "PKL.xml" || n == "ASSETMAP.xml" || n == "VOLINDEX.xml" || p.IDs[n] == "" {
			continue
		}
		typ := "application/mxf"
		if strings.HasSuffix(n, ".xml") {
			typ = "text/xml"
		}
		sum := sha1.Sum(p.Files[n])
		fmt.Fprintf(&pkl, `    <Asset>
      <Id>%s</Id>
      <Hash>%s</Hash>
      <Size>%d</Size>
      <Type>%s</Type>
      <OriginalFileName>%s</OriginalFileName>
      <HashAlgorithm Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>
    </Asset>
`, p.IDs[n], base64.StdEncoding.EncodeToString(sum[:]), len(p.Files[n]), typ, html.EscapeString(n))
	}
	pkl.WriteString("  </AssetList>\n</PackingList>\n")
	p.put("PKL.xml", []byte(pkl.String()))

	var am strings.Builder
	fmt.Fprintf(&am, `<?xml version="1.0" encoding="UTF-8"?>
<AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM">
  <Id>%s</Id>
  <Creator>imftest</Creator>
  <VolumeCount>1</VolumeCount>
  <IssueDate>2026-12-05T08:00:00Z</IssueDate>
  <Issuer>openlot tests</Issuer>
  <AssetList>
`, p.IDs["ASSETMAP.xml"])
	for _, n := range p.Names {
		if n == "ASSETMAP.xml" || n == "VOLINDEX.xml" || p.IDs[n] == "" {
			continue
		}
		pl := ""
		if n == "PKL.xml" {
			pl = "\n      <PackingList>true</PackingList>"
		}
		fmt.Fprintf(&am, `    <Asset>
      <Id>%s</Id>%s
      <ChunkList><Chunk><Path>%s</Path><VolumeIndex>1</VolumeIndex><Offset>0</Offset><Length>%d</Length></Chunk></ChunkList>
    </Asset>
`, p.IDs[n], pl, html.EscapeString(n), len(p.Files[n]))
	}
	am.WriteString("  </AssetList>\n</AssetMap>\n")
	p.put("ASSETMAP.xml", []byte(am.String()))
	p.put("VOLINDEX.xml", []byte(`<?xml version="1.0" encoding="UTF-8"?>
<VolumeIndex xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM"><Index>1</Index></VolumeIndex>
`))
	return p
}

func (p *Package) cpl() string {
	s := p.Spec
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016" xmlns:cc="http://www.smpte-ra.org/schemas/2067-2/2016" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:r0="http://www.smpte-ra.org/reg/395/2014/13/1/aaf" xmlns:r1="http://www.smpte-ra.org/reg/335/2012">
  <Id>%s</Id>
  <Annotation>%s</Annotation>
  <IssueDate>2026-12-05T08:00:00Z</IssueDate>
  <Issuer>openlot tests</Issuer>
  <Creator>imftest</Creator>
  <ContentTitle>%s</ContentTitle>
  <ContentKind>feature</ContentKind>
  <EssenceDescriptorList>
`, p.IDs["CPL.xml"], html.EscapeString(s.Title), html.EscapeString(s.Title))
	for _, t := range s.Tracks {
		lang := ""
		if t.Language != "" {
			lang = fmt.Sprintf(`
        <r1:SubDescriptors><r0:SoundfieldGroupLabelSubDescriptor><r1:RFC5646SpokenLanguage>%s</r1:RFC5646SpokenLanguage></r0:SoundfieldGroupLabelSubDescriptor></r1:SubDescriptors>`, t.Language)
		}
		desc := "CDCIDescriptor"
		if t.Sequence == "MainAudioSequence" {
			desc = "WAVEPCMDescriptor"
		}
		fmt.Fprintf(&b, `    <EssenceDescriptor>
      <Id>%s</Id>
      <r0:%s><r1:InstanceID>%s</r1:InstanceID>%s
      </r0:%s>
    </EssenceDescriptor>
`, ID("descriptor "+t.Name), desc, ID("instance "+t.Name), lang, desc)
	}
	fmt.Fprintf(&b, `  </EssenceDescriptorList>
  <EditRate>%s</EditRate>
  <TotalRunningTime>%s</TotalRunningTime>
  <SegmentList>
    <Segment>
      <Id>%s</Id>
      <SequenceList>
`, s.EditRate, p.runningTime(), ID("segment "+s.Title))
	for _, t := range s.Tracks {
		fmt.Fprintf(&b, `        <cc:%s>
          <Id>%s</Id>
          <TrackId>%s</TrackId>
          <ResourceList>
            <Resource xsi:type="TrackFileResourceType">
              <Id>%s</Id>
              <EditRate>%s</EditRate>
              <IntrinsicDuration>%d</IntrinsicDuration>
              <EntryPoint>0</EntryPoint>
              <SourceDuration>%d</SourceDuration>
              <SourceEncoding>%s</SourceEncoding>
              <TrackFileId>%s</TrackFileId>
            </Resource>
          </ResourceList>
        </cc:%s>
`, t.Sequence, ID("sequence "+t.Name), ID("virtual track "+t.Name), ID("resource "+t.Name), t.EditRate, t.Duration, t.Duration,
			ID("descriptor "+t.Name), p.IDs[t.Name], t.Sequence)
	}
	b.WriteString("      </SequenceList>\n    </Segment>\n  </SegmentList>\n</CompositionPlaylist>\n")
	return b.String()
}

// runningTime is the first track's length as HH:MM:SS (rounded down).
func (p *Package) runningTime() string {
	secs := int64(0)
	if len(p.Spec.Tracks) > 0 {
		t := p.Spec.Tracks[0]
		var n, d int64
		fmt.Sscan(t.EditRate, &n, &d)
		if n > 0 {
			secs = t.Duration * d / n
		}
	}
	return fmt.Sprintf("%02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
}
