package imf

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"path"
	"slices"
	"strconv"
	"strings"
)

// File is one delivered file of a package: its name (a path relative to
// the volume's root, or a bare file name), its size, and, for the files
// the caller found to be XML, their text.
type File struct {
	Name string
	Size int64
	XML  []byte // nil for track files
}

// LooksLikeXML says whether a file whose first bytes are head is XML to be
// read as a document (a BOM or white space, then "<"), rather than a
// track file (MXF starts with its partition pack key, 06 0E 2B 34).
func LooksLikeXML(name string, head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	head = bytes.TrimLeft(head, " \t\r\n")
	if len(head) > 0 {
		return head[0] == '<'
	}
	return strings.EqualFold(path.Ext(name), ".xml")
}

// Package is a delivered IMP as read: its documents, what it says of each
// delivered file, and every problem found.
type Package struct {
	AssetMap *AssetMap
	PKLs     []*PKL
	CPLs     []*CPL
	Problems []Problem
	// Files are the delivered files' roles, by name.
	Files map[string]Role
	// byID locates assets (normalised IDs) among the delivered files.
	byID map[string]string
}

// Role is what the package says of one delivered file.
type Role struct {
	Kind    Kind   // the document kind, or "" for a track file
	AssetID string // its ID in the ASSETMAP ("" when it is not listed)
	Hash    string // the PKL's SHA-1 (base64), "" when no PKL lists it
	Size    int64  // the PKL's size, -1 when no PKL lists it
}

// Open reads a package from its delivered files and checks it as a whole.
// earlier says whether an asset ID (normalised urn:uuid) is a track file
// delivered before for the same title (a supplemental package may play
// it); nil knows none. Open never fails: what is wrong is in Problems.
func Open(files []File, earlier func(id string) bool) *Package {
	p := &Package{Files: map[string]Role{}, byID: map[string]string{}}
	if earlier == nil {
		earlier = func(string) bool { return false }
	}
	add := func(c Class, file, format string, args ...any) {
		p.Problems = append(p.Problems, Problem{c, file, fmt.Sprintf(format, args...)})
	}
	// A document that cannot be read is one problem; the checks that
	// would need it are not made (they would only repeat it).
	unreadable := map[string]bool{}
	addErr := func(err error) {
		if pr, ok := err.(Problem); ok {
			p.Problems = append(p.Problems, pr)
			unreadable[pr.File] = true
		}
	}
	// 1. Each XML file is one of the documents, by its root.
	var maps, volumes []File
	var pkls, cpls, opls []File
	for _, f := range files {
		p.Files[f.Name] = Role{Size: -1}
		if f.XML == nil {
			continue
		}
		if f.Size > maxXML {
			addErr(Problem{Invalid, f.Name, fmt.Sprintf("an XML document of %d bytes; openlot reads IMF documents of at most %d", f.Size, maxXML)})
			continue
		}
		kind, ok := Identify(f.XML)
		if !ok {
			if err := wellFormed(f.XML); err != nil {
				addErr(Problem{Malformed, f.Name, "not well-formed XML: " + err.Error()})
				continue
			}
			n, _ := Root(f.XML)
			addErr(Problem{WrongDocument, f.Name, fmt.Sprintf("root element %s in namespace %q is none of the IMF documents (AssetMap, VolumeIndex, PackingList, CompositionPlaylist, OutputProfileList in their SMPTE namespaces)",
				clip(n.Local), clip(n.Space))})
			continue
		}
		r := p.Files[f.Name]
		r.Kind = kind
		p.Files[f.Name] = r
		switch kind {
		case KindAssetMap:
			maps = append(maps, f)
		case KindVolumeIndex:
			volumes = append(volumes, f)
		case KindPKL:
			pkls = append(pkls, f)
		case KindCPL:
			cpls = append(cpls, f)
		case KindOPL:
			opls = append(opls, f)
		}
	}
	switch {
	case len(maps) == 0:
		if len(unreadable) == 0 { // else the ASSETMAP may be the document that cannot be read
			add(NoAssetMap, "", "the delivery has no ASSETMAP (an AssetMap of ST 429-9): it is not an IMF package")
		}
		return p
	case len(maps) > 1:
		names := []string{}
		for _, m := range maps {
			names = append(names, m.Name)
		}
		add(Invalid, maps[1].Name, "the delivery has %d ASSETMAPs (%s); a volume has one", len(maps), strings.Join(names, ", "))
	}
	for _, v := range volumes {
		addErr(ParseVolumeIndex(v.Name, v.XML))
	}
	am, err := ParseAssetMap(maps[0].Name, maps[0].XML)
	if err != nil {
		addErr(err)
		return p
	}
	p.AssetMap = am

	// 2. ASSETMAP ↔ delivered files.
	delivered := map[string]string{} // path and bare name → delivered name
	for _, f := range files {
		delivered[f.Name] = f.Name
		if _, dup := delivered[path.Base(f.Name)]; !dup {
			delivered[path.Base(f.Name)] = f.Name
		}
	}
	located := map[string]bool{} // delivered names the ASSETMAP locates
	inAM := map[string]bool{}
	for _, a := range am.Assets {
		inAM[a.ID] = true
		for _, c := range a.Chunks {
			name, ok := delivered[c.Path]
			if !ok {
				name, ok = delivered[path.Base(c.Path)]
			}
			if !ok {
				add(AssetMissing, am.File, "asset %s is at %s, which is not in the delivery", a.ID, c.Path)
				continue
			}
			located[name] = true
			if len(a.Chunks) == 1 {
				r := p.Files[name]
				if r.AssetID != "" && r.AssetID != a.ID {
					add(IDMismatch, am.File, "%s is located as asset %s and as asset %s", name, r.AssetID, a.ID)
				}
				r.AssetID = a.ID
				p.Files[name] = r
				p.byID[a.ID] = name
			}
		}
	}
	for _, f := range files {
		k := p.Files[f.Name].Kind
		if k == KindAssetMap || k == KindVolumeIndex || located[f.Name] {
			continue
		}
		add(NotInAssetMap, f.Name, "the file is delivered but the ASSETMAP does not list it")
	}

	// 3. Packing lists: located as packing lists under their own IDs;
	// their assets located and of the size delivered.
	inPKL := map[string]bool{}
	for _, f := range pkls {
		pkl, err := ParsePKL(f.Name, f.XML)
		if err != nil {
			addErr(err)
			continue
		}
		p.PKLs = append(p.PKLs, pkl)
		p.agree(f.Name, pkl.ID, "PackingList")
		for _, a := range pkl.Assets {
			inPKL[a.ID] = true
			name, ok := p.byID[a.ID]
			if !ok {
				if !slices.ContainsFunc(am.Assets, func(m MapAsset) bool { return m.ID == a.ID }) {
					add(AssetMissing, pkl.File, "asset %s (%s) is in the packing list but not in the ASSETMAP", a.ID, orName(a.Original, a.Type))
				}
				continue
			}
			r := p.Files[name]
			r.Hash, r.Size = a.Hash, a.Size
			p.Files[name] = r
			for _, f := range files {
				if f.Name == name && f.Size != a.Size {
					add(SizeMismatch, name, "the file is %d bytes; the packing list says %d", f.Size, a.Size)
				}
			}
		}
	}
	for _, a := range am.Assets {
		if a.PackingList {
			name := p.byID[a.ID]
			if name != "" && !unreadable[name] && p.Files[name].Kind != KindPKL {
				add(IDMismatch, am.File, "asset %s is marked as a packing list, but %s is not one", a.ID, name)
			}
			continue
		}
		if name := p.byID[a.ID]; name != "" && p.Files[name].Kind == KindPKL {
			add(IDMismatch, am.File, "%s is a packing list, but asset %s is not marked PackingList", name, a.ID)
			continue
		}
		if len(p.PKLs) > 0 && len(unreadable) == 0 && !inPKL[a.ID] {
			add(IDMismatch, am.File, "asset %s (%s) is in the ASSETMAP but in no packing list", a.ID, p.byID[a.ID])
		}
	}
	if len(pkls) == 0 && len(unreadable) == 0 {
		add(Incomplete, "", "the package has no packing list (PKL)")
	}

	// 4. Output profile lists: only their root and ID are read.
	for _, f := range opls {
		var x struct {
			ID string `xml:"Id"`
		}
		if err := parse(f.Name, f.XML, "OutputProfileList", []string{NSOPL2014, "http://www.smpte-ra.org/schemas/2067-100/2016"}, &x); err != nil {
			addErr(err)
			continue
		}
		if id, ok := ID(x.ID); !ok {
			add(Invalid, f.Name, "OutputProfileList Id %q is not a urn:uuid", clip(x.ID))
		} else {
			p.agree(f.Name, id, "OutputProfileList")
		}
	}

	// 5. Compositions: their IDs, their resources' track files, their timing.
	for _, f := range cpls {
		cpl, err := ParseCPL(f.Name, f.XML)
		if err != nil {
			addErr(err)
			continue
		}
		p.CPLs = append(p.CPLs, cpl)
		p.agree(f.Name, cpl.ID, "CompositionPlaylist")
		for _, s := range cpl.Segments {
			for _, q := range s.Sequences {
				for _, r := range q.Resources {
					if r.TrackFileID == "" {
						continue
					}
					// One in the ASSETMAP but not delivered, or in no packing
					// list, is reported as such; one in a document that could
					// not be read may be known after all.
					if inAM[r.TrackFileID] || inPKL[r.TrackFileID] || earlier(r.TrackFileID) || len(unreadable) > 0 {
						continue
					}
					add(UnknownTrack, f.Name, "%s resource %s plays track file %s, which is in no packing list or ASSETMAP of this delivery nor delivered before",
						q.Kind, r.ID, r.TrackFileID)
				}
			}
		}
		p.Problems = append(p.Problems, timing(cpl)...)
	}
	if len(cpls) == 0 && len(unreadable) == 0 {
		add(Incomplete, "", "the package has no composition playlist (CPL)")
	}
	return p
}

// agree checks that the document in file, whose own Id is id, is located
// by the ASSETMAP under that same ID.
func (p *Package) agree(file, id, what string) {
	r := p.Files[file]
	if r.AssetID != "" && r.AssetID != id {
		p.Problems = append(p.Problems, Problem{IDMismatch, file,
			fmt.Sprintf("the %s's Id is %s, but the ASSETMAP lists the file as asset %s", what, id, r.AssetID)})
	}
}

func orName(original, typ string) string {
	if original != "" {
		return original
	}
	return typ
}

// VerifyHash compares a delivered file's SHA-1 (base64, read with its
// SHA-256 in one pass) with the packing list's; it returns the problem, if
// any.
func (p *Package) VerifyHash(name, sha1 string) (Problem, bool) {
	r, ok := p.Files[name]
	if !ok || r.Hash == "" || sha1 == "" || r.Hash == sha1 {
		return Problem{}, false
	}
	return Problem{HashMismatch, name, fmt.Sprintf("the file's SHA-1 is %s; the packing list says %s", sha1, r.Hash)}, true
}

// timing checks a composition's timeline (ST 2067-3, ST 2067-2): the main
// image plays at the composition's edit rate; the sequences of a segment
// last equally long; TotalRunningTime, when given, is the composition's.
func timing(c *CPL) []Problem {
	var out []Problem
	add := func(format string, args ...any) {
		out = append(out, Problem{Timing, c.File, fmt.Sprintf(format, args...)})
	}
	total := new(big.Rat)
	for si, s := range c.Segments {
		var first *big.Rat
		var firstKind string
		for _, q := range s.Sequences {
			d := q.seconds(c.EditRate)
			if q.Kind == "MainImageSequence" {
				for _, r := range q.Resources {
					if rr := r.Rate(c.EditRate); rr.Float() != c.EditRate.Float() {
						add("segment %d: the main image resource %s plays at %s; the composition's edit rate is %s", si+1, r.ID, rr, c.EditRate)
					}
				}
			}
			if first == nil {
				first, firstKind = d, q.Kind
				continue
			}
			if d.Cmp(first) != 0 {
				add("segment %d: %s lasts %s s and %s %s s; the sequences of a segment last equally long",
					si+1, q.Kind, d.FloatString(3), firstKind, first.FloatString(3))
			}
		}
		if first != nil {
			total.Add(total, first)
		}
	}
	if c.TotalRunningTime != "" {
		secs, ok := hms(c.TotalRunningTime)
		f, _ := total.Float64()
		switch {
		case !ok:
			add("TotalRunningTime %q is not HH:MM:SS", clip(c.TotalRunningTime))
		case math.Abs(f-float64(secs)) >= 1: // written rounded down or to the nearest second
			add("TotalRunningTime is %s but the segments last %.3f s", c.TotalRunningTime, f)
		}
	}
	return out
}

// seconds is how long a sequence plays.
func (q Sequence) seconds(cpl Rational) *big.Rat {
	d := new(big.Rat)
	for _, r := range q.Resources {
		d.Add(d, r.Rate(cpl).seconds(r.SourceDuration, r.RepeatCount))
	}
	return d
}

func hms(s string) (int64, bool) {
	f := strings.Split(s, ":")
	if len(f) != 3 {
		return 0, false
	}
	var n [3]int64
	for i, x := range f {
		v, err := strconv.ParseInt(x, 10, 64)
		if err != nil || v < 0 || (i > 0 && v > 59) || len(x) < 2 {
			return 0, false
		}
		n[i] = v
	}
	return n[0]*3600 + n[1]*60 + n[2], true
}
