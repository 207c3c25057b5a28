package imf

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
)

// AssetMap is an ASSETMAP (ST 429-9): where each asset of the volume is.
type AssetMap struct {
	File        string
	ID          string // normalised urn:uuid
	VolumeCount int64
	Assets      []MapAsset
}

// MapAsset is one asset of an ASSETMAP.
type MapAsset struct {
	ID          string // normalised urn:uuid
	PackingList bool
	Chunks      []Chunk
}

// Chunk is where (a part of) an asset is: a path relative to the volume's root.
type Chunk struct {
	Path        string
	VolumeIndex int64 // -1: not given (1)
	Length      int64 // -1: not given (the whole file)
}

type xmlAssetMap struct {
	ID          string `xml:"Id"`
	Creator     *string
	VolumeCount string
	IssueDate   string
	Issuer      *string
	Assets      *struct {
		Asset []struct {
			ID          string  `xml:"Id"`
			PackingList *string `xml:"PackingList"`
			Chunks      *struct {
				Chunk []struct {
					Path        string
					VolumeIndex string
					Offset      string
					Length      string
				}
			} `xml:"ChunkList"`
		}
	} `xml:"AssetList"`
}

// ParseAssetMap reads an ASSETMAP. It fails with a Problem: Malformed,
// WrongDocument (not an AssetMap of ST 429-9), or Invalid (an element
// missing or of the wrong form: IDs are urn:uuid, paths relative).
func ParseAssetMap(file string, b []byte) (*AssetMap, error) {
	var x xmlAssetMap
	if err := parse(file, b, "AssetMap", []string{NSAssetMap}, &x); err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error { return Problem{Invalid, file, fmt.Sprintf(format, args...)} }
	am := &AssetMap{File: file}
	var ok bool
	if am.ID, ok = ID(x.ID); !ok {
		return nil, bad("AssetMap Id %q is not a urn:uuid", clip(x.ID))
	}
	if strings.TrimSpace(x.IssueDate) == "" {
		return nil, bad("AssetMap has no IssueDate")
	}
	vc, p := count(file, "VolumeCount", x.VolumeCount)
	if p != nil {
		return nil, *p
	}
	if vc < 1 {
		return nil, bad("AssetMap has no VolumeCount of 1 or more")
	}
	am.VolumeCount = vc
	if x.Assets == nil || len(x.Assets.Asset) == 0 {
		return nil, bad("AssetMap lists no asset (AssetList)")
	}
	seen := map[string]bool{}
	for i, a := range x.Assets.Asset {
		var m MapAsset
		if m.ID, ok = ID(a.ID); !ok {
			return nil, bad("asset %d: Id %q is not a urn:uuid", i+1, clip(a.ID))
		}
		if seen[m.ID] {
			return nil, Problem{IDMismatch, file, fmt.Sprintf("asset %s is listed twice", m.ID)}
		}
		seen[m.ID] = true
		if a.PackingList != nil {
			switch strings.TrimSpace(*a.PackingList) {
			case "true", "1":
				m.PackingList = true
			case "false", "0":
			default:
				return nil, bad("asset %s: PackingList %q is not a boolean", m.ID, clip(*a.PackingList))
			}
		}
		if a.Chunks == nil || len(a.Chunks.Chunk) == 0 {
			return nil, bad("asset %s has no Chunk (ChunkList)", m.ID)
		}
		for _, c := range a.Chunks.Chunk {
			p := strings.TrimSpace(c.Path)
			if p != "" {
				p = path.Clean(p)
			}
			if p == "" || p == "." || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || strings.Contains(p, "://") ||
				strings.HasPrefix(p, "../") || p == ".." {
				return nil, bad("asset %s: Path %q is not a relative path within the volume", m.ID, clip(c.Path))
			}
			vi, pr := count(file, "VolumeIndex", c.VolumeIndex)
			if pr != nil {
				return nil, *pr
			}
			if _, pr := count(file, "Offset", c.Offset); pr != nil {
				return nil, *pr
			}
			ln, pr := count(file, "Length", c.Length)
			if pr != nil {
				return nil, *pr
			}
			m.Chunks = append(m.Chunks, Chunk{Path: p, VolumeIndex: vi, Length: ln})
		}
		am.Assets = append(am.Assets, m)
	}
	return am, nil
}

// ParseVolumeIndex checks a VOLINDEX (ST 429-9): its root and a
// non-negative Index.
func ParseVolumeIndex(file string, b []byte) error {
	var x struct{ Index string }
	if err := parse(file, b, "VolumeIndex", []string{NSAssetMap}, &x); err != nil {
		return err
	}
	n, p := count(file, "Index", x.Index)
	if p != nil {
		return *p
	}
	if n < 1 {
		return Problem{Invalid, file, "VolumeIndex has no Index of 1 or more"}
	}
	return nil
}

// PKL is a packing list: every asset of the package with its size and hash.
type PKL struct {
	File   string
	ID     string
	Assets []PKLAsset
}

// PKLAsset is one asset of a packing list.
type PKLAsset struct {
	ID       string
	Hash     string // base64 of the SHA-1, as written
	Size     int64
	Type     string
	Original string // OriginalFileName, when given
}

type xmlPKL struct {
	ID        string `xml:"Id"`
	IssueDate string
	Issuer    *string
	Creator   *string
	Assets    *struct {
		Asset []struct {
			ID            string `xml:"Id"`
			Hash          *string
			Size          string
			Type          string
			Original      string `xml:"OriginalFileName"`
			HashAlgorithm *struct {
				Algorithm string `xml:"Algorithm,attr"`
			}
		}
	} `xml:"AssetList"`
}

// ParsePKL reads a packing list (ST 2067-2:2016 or ST 429-8). It fails
// with a Problem: Malformed, WrongDocument, or Invalid (an Id not a
// urn:uuid, a Hash that is not the base64 of a SHA-1, a Size missing).
func ParsePKL(file string, b []byte) (*PKL, error) {
	var x xmlPKL
	if err := parse(file, b, "PackingList", []string{NSPKL2016, NSPKL2007}, &x); err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error { return Problem{Invalid, file, fmt.Sprintf(format, args...)} }
	pkl := &PKL{File: file}
	var ok bool
	if pkl.ID, ok = ID(x.ID); !ok {
		return nil, bad("PackingList Id %q is not a urn:uuid", clip(x.ID))
	}
	if strings.TrimSpace(x.IssueDate) == "" {
		return nil, bad("PackingList has no IssueDate")
	}
	if x.Assets == nil || len(x.Assets.Asset) == 0 {
		return nil, bad("PackingList lists no asset (AssetList)")
	}
	seen := map[string]bool{}
	for i, a := range x.Assets.Asset {
		var p PKLAsset
		if p.ID, ok = ID(a.ID); !ok {
			return nil, bad("asset %d: Id %q is not a urn:uuid", i+1, clip(a.ID))
		}
		if seen[p.ID] {
			return nil, Problem{IDMismatch, file, fmt.Sprintf("asset %s is listed twice", p.ID)}
		}
		seen[p.ID] = true
		if a.HashAlgorithm != nil && a.HashAlgorithm.Algorithm != sha1URI {
			return nil, bad("asset %s: hash algorithm %q; IMF packing lists use SHA-1 (%s)", p.ID, clip(a.HashAlgorithm.Algorithm), sha1URI)
		}
		if a.Hash == nil {
			return nil, bad("asset %s has no Hash", p.ID)
		}
		p.Hash = strings.TrimSpace(*a.Hash)
		if sum, err := base64.StdEncoding.DecodeString(p.Hash); err != nil || len(sum) != 20 {
			return nil, bad("asset %s: Hash %q is not the base64 of a SHA-1 (20 bytes)", p.ID, clip(p.Hash))
		}
		size, pr := count(file, "Size", a.Size)
		if pr != nil {
			return nil, *pr
		}
		if size < 0 {
			return nil, bad("asset %s has no Size", p.ID)
		}
		p.Size = size
		p.Type = strings.TrimSpace(a.Type)
		if p.Type == "" {
			return nil, bad("asset %s has no Type", p.ID)
		}
		p.Original = strings.TrimSpace(a.Original)
		pkl.Assets = append(pkl.Assets, p)
	}
	return pkl, nil
}

// CPL is a composition playlist: one title's timeline of track files.
type CPL struct {
	File             string
	ID               string
	Title            string
	IssueDate        string
	EditRate         Rational
	TotalRunningTime string // HH:MM:SS, when given
	Segments         []Segment
	// Languages of the essence descriptors (RFC 5646, from the MCA
	// sub-descriptors' RFC5646SpokenLanguage), by descriptor ID.
	Languages map[string][]string
	// Locales' languages (LocaleList), in order.
	LocaleLanguages []string
}

// Segment is one segment of a composition: sequences that run side by side.
type Segment struct {
	ID        string
	Sequences []Sequence
}

// Sequence is one virtual track's stretch within a segment.
type Sequence struct {
	Kind      string // the element's local name: MainImageSequence, MainAudioSequence, SubtitlesSequence ...
	ID        string
	TrackID   string
	Resources []Resource
}

// Resource is one stretch of a track file (or a marker) in a sequence.
type Resource struct {
	ID                string
	EditRate          Rational // zero: the CPL's
	IntrinsicDuration int64
	EntryPoint        int64 // 0 when not given
	SourceDuration    int64 // IntrinsicDuration − EntryPoint when not given
	RepeatCount       int64 // 1 when not given
	SourceEncoding    string
	TrackFileID       string // "" for a resource without a track file (markers)
	Encrypted         bool   // it names a KeyId: the track file is encrypted (ST 429-6)
}

// Rate is the resource's edit rate, the CPL's when it gives none.
func (r Resource) Rate(cpl Rational) Rational {
	if r.EditRate.IsZero() {
		return cpl
	}
	return r.EditRate
}

type xmlResource struct {
	ID                string `xml:"Id"`
	EditRate          string
	IntrinsicDuration string
	EntryPoint        string
	SourceDuration    string
	RepeatCount       string
	SourceEncoding    string
	TrackFileID       *string `xml:"TrackFileId"`
	KeyID             string  `xml:"KeyId"`
}

type xmlSequence struct {
	XMLName   xml.Name
	ID        string `xml:"Id"`
	TrackID   string `xml:"TrackId"`
	Resources *struct {
		Resource []xmlResource
	} `xml:"ResourceList"`
}

type xmlCPL struct {
	ID               string `xml:"Id"`
	IssueDate        string
	ContentTitle     *string
	EditRate         string
	TotalRunningTime string
	Descriptors      *struct {
		Descriptor []struct {
			ID    string `xml:"Id"`
			Inner []byte `xml:",innerxml"`
		} `xml:"EssenceDescriptor"`
	} `xml:"EssenceDescriptorList"`
	Locales *struct {
		Locale []struct {
			Languages *struct {
				Language []string
			} `xml:"LanguageList"`
		}
	} `xml:"LocaleList"`
	Segments *struct {
		Segment []struct {
			ID        string `xml:"Id"`
			Sequences *struct {
				Any []xmlSequence `xml:",any"`
			} `xml:"SequenceList"`
		}
	} `xml:"SegmentList"`
}

// ParseCPL reads a composition playlist (ST 2067-3:2013 or :2016). It
// fails with a Problem: Malformed, WrongDocument, Invalid (a required
// element missing, an ID not a urn:uuid, a number not a number), or
// Timing (an entry point or source duration past the track file's end, a
// repeat count of 0, a resource without length).
func ParseCPL(file string, b []byte) (*CPL, error) {
	var x xmlCPL
	if err := parse(file, b, "CompositionPlaylist", []string{NSCPL2016, NSCPL2013}, &x); err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error { return Problem{Invalid, file, fmt.Sprintf(format, args...)} }
	timing := func(format string, args ...any) error { return Problem{Timing, file, fmt.Sprintf(format, args...)} }
	c := &CPL{File: file, Languages: map[string][]string{}}
	var ok bool
	if c.ID, ok = ID(x.ID); !ok {
		return nil, bad("CompositionPlaylist Id %q is not a urn:uuid", clip(x.ID))
	}
	if c.IssueDate = strings.TrimSpace(x.IssueDate); c.IssueDate == "" {
		return nil, bad("CompositionPlaylist has no IssueDate")
	}
	if x.ContentTitle == nil {
		return nil, bad("CompositionPlaylist has no ContentTitle")
	}
	c.Title = strings.TrimSpace(*x.ContentTitle)
	r, err := ParseRational(x.EditRate)
	if err != nil {
		return nil, timing("CompositionPlaylist EditRate: %v", err)
	}
	c.EditRate = r
	c.TotalRunningTime = strings.TrimSpace(x.TotalRunningTime)
	if x.Descriptors != nil {
		for _, d := range x.Descriptors.Descriptor {
			id, ok := ID(d.ID)
			if !ok {
				return nil, bad("EssenceDescriptor Id %q is not a urn:uuid", clip(d.ID))
			}
			c.Languages[id] = spokenLanguages(d.Inner)
		}
	}
	if x.Locales != nil {
		for _, l := range x.Locales.Locale {
			if l.Languages != nil {
				for _, lang := range l.Languages.Language {
					c.LocaleLanguages = append(c.LocaleLanguages, strings.TrimSpace(lang))
				}
			}
		}
	}
	if x.Segments == nil || len(x.Segments.Segment) == 0 {
		return nil, bad("CompositionPlaylist has no Segment (SegmentList)")
	}
	ids := map[string]string{c.ID: "the CompositionPlaylist"}
	unique := func(id, what string) error {
		if prev, dup := ids[id]; dup {
			return Problem{IDMismatch, file, fmt.Sprintf("%s has Id %s, as %s does", what, id, prev)}
		}
		ids[id] = what
		return nil
	}
	for si, xs := range x.Segments.Segment {
		var s Segment
		if s.ID, ok = ID(xs.ID); !ok {
			return nil, bad("segment %d: Id %q is not a urn:uuid", si+1, clip(xs.ID))
		}
		if err := unique(s.ID, fmt.Sprintf("segment %d", si+1)); err != nil {
			return nil, err
		}
		if xs.Sequences == nil {
			return nil, bad("segment %d has no SequenceList", si+1)
		}
		for _, xq := range xs.Sequences.Any {
			q := Sequence{Kind: xq.XMLName.Local}
			where := fmt.Sprintf("segment %d, %s", si+1, q.Kind)
			if q.ID, ok = ID(xq.ID); !ok {
				return nil, bad("%s: Id %q is not a urn:uuid", where, clip(xq.ID))
			}
			if err := unique(q.ID, where); err != nil {
				return nil, err
			}
			if q.TrackID, ok = ID(xq.TrackID); !ok {
				return nil, bad("%s: TrackId %q is not a urn:uuid", where, clip(xq.TrackID))
			}
			if xq.Resources == nil || len(xq.Resources.Resource) == 0 {
				return nil, bad("%s has no Resource (ResourceList)", where)
			}
			for ri, xr := range xq.Resources.Resource {
				at := fmt.Sprintf("%s, resource %d", where, ri+1)
				res, err := resource(file, at, xr, c.EditRate)
				if err != nil {
					return nil, err
				}
				if err := unique(res.ID, at); err != nil {
					return nil, err
				}
				q.Resources = append(q.Resources, res)
			}
			s.Sequences = append(s.Sequences, q)
		}
		c.Segments = append(c.Segments, s)
	}
	return c, nil
}

// resource reads one Resource and checks its own timing (ST 2067-3):
// EntryPoint + SourceDuration within IntrinsicDuration, a duration of at
// least one edit unit, a RepeatCount of at least 1.
func resource(file, at string, x xmlResource, cplRate Rational) (Resource, error) {
	bad := func(format string, args ...any) error {
		return Problem{Invalid, file, at + ": " + fmt.Sprintf(format, args...)}
	}
	timing := func(format string, args ...any) error {
		return Problem{Timing, file, at + ": " + fmt.Sprintf(format, args...)}
	}
	var r Resource
	var ok bool
	if r.ID, ok = ID(x.ID); !ok {
		return r, bad("Id %q is not a urn:uuid", clip(x.ID))
	}
	if strings.TrimSpace(x.EditRate) != "" {
		er, err := ParseRational(x.EditRate)
		if err != nil {
			return r, timing("EditRate: %v", err)
		}
		r.EditRate = er
	}
	var p *Problem
	if r.IntrinsicDuration, p = count(file, "IntrinsicDuration", x.IntrinsicDuration); p != nil {
		p.Message = at + ": " + p.Message
		return r, *p
	}
	if r.IntrinsicDuration < 0 {
		return r, bad("no IntrinsicDuration")
	}
	if r.EntryPoint, p = count(file, "EntryPoint", x.EntryPoint); p != nil {
		p.Message = at + ": " + p.Message
		return r, *p
	}
	r.EntryPoint = max(r.EntryPoint, 0)
	if r.SourceDuration, p = count(file, "SourceDuration", x.SourceDuration); p != nil {
		p.Message = at + ": " + p.Message
		return r, *p
	}
	if r.SourceDuration < 0 {
		r.SourceDuration = r.IntrinsicDuration - r.EntryPoint
	}
	if r.RepeatCount, p = count(file, "RepeatCount", x.RepeatCount); p != nil {
		p.Message = at + ": " + p.Message
		return r, *p
	}
	if r.RepeatCount < 0 {
		r.RepeatCount = 1
	}
	switch {
	case r.EntryPoint > r.IntrinsicDuration:
		return r, timing("EntryPoint %d lies past the track file's end (IntrinsicDuration %d)", r.EntryPoint, r.IntrinsicDuration)
	case r.SourceDuration < 1:
		return r, timing("plays no edit unit (SourceDuration %d, IntrinsicDuration %d, EntryPoint %d)", r.SourceDuration, r.IntrinsicDuration, r.EntryPoint)
	case r.EntryPoint+r.SourceDuration > r.IntrinsicDuration:
		return r, timing("EntryPoint %d + SourceDuration %d runs past IntrinsicDuration %d", r.EntryPoint, r.SourceDuration, r.IntrinsicDuration)
	case r.RepeatCount < 1:
		return r, timing("RepeatCount %d; it is at least 1", r.RepeatCount)
	}
	r.SourceEncoding, _ = ID(x.SourceEncoding)
	r.Encrypted = strings.TrimSpace(x.KeyID) != ""
	if x.TrackFileID != nil {
		if r.TrackFileID, ok = ID(*x.TrackFileID); !ok {
			return r, bad("TrackFileId %q is not a urn:uuid", clip(*x.TrackFileID))
		}
	}
	return r, nil
}

// spokenLanguages finds the RFC5646SpokenLanguage elements (of the MCA
// sub-descriptors, ST 377-4) anywhere in an essence descriptor.
func spokenLanguages(inner []byte) []string {
	var out []string
	d := xml.NewDecoder(bytes.NewReader(inner))
	for {
		tok, err := d.Token()
		if err == io.EOF || err != nil {
			return out
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "RFC5646SpokenLanguage" {
			var s string
			if d.DecodeElement(&s, &se) == nil && strings.TrimSpace(s) != "" && !containsFold(out, strings.TrimSpace(s)) {
				out = append(out, strings.TrimSpace(s))
			}
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
