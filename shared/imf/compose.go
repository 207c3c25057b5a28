package imf

import (
	"slices"
	"strings"
)

// TrackKind is what a virtual track carries.
type TrackKind string

// Track kinds, from the sequence elements of ST 2067-2 and ST 2067-3.
const (
	Video     TrackKind = "video"     // MainImageSequence
	Audio     TrackKind = "audio"     // MainAudioSequence
	TimedText TrackKind = "timedText" // SubtitlesSequence, HearingImpairedCaptionsSequence, ForcedNarrativeSequence ...
	Marker    TrackKind = "marker"    // MarkerSequence
	Other     TrackKind = "other"
)

// KindOf says what a sequence element (its local name) carries.
func KindOf(sequence string) TrackKind {
	switch sequence {
	case "MainImageSequence":
		return Video
	case "MainAudioSequence":
		return Audio
	case "SubtitlesSequence", "HearingImpairedCaptionsSequence", "VisuallyImpairedTextSequence",
		"CommentarySequence", "KaraokeSequence", "ForcedNarrativeSequence":
		return TimedText
	case "MarkerSequence":
		return Marker
	}
	return Other
}

// Track is one virtual track of a composition, over all its segments.
type Track struct {
	Kind       TrackKind
	Sequence   string // the sequence element's name
	TrackID    string
	EditRate   Rational // of its first resource
	Seconds    float64
	Languages  []string // RFC 5646, from its essence descriptors
	TrackFiles []string // asset IDs, in the order played
}

// Composition is what a CPL says of the title it plays.
type Composition struct {
	CPLID     string
	Title     string
	EditRate  Rational
	Seconds   float64 // the runtime: the segments' durations summed
	Tracks    []Track // video first, then in the order the CPL names them
	Languages []string
}

// Composition summarises the CPL: title, edit rate, runtime, tracks, languages.
func (c *CPL) Composition() Composition {
	out := Composition{CPLID: c.ID, Title: c.Title, EditRate: c.EditRate}
	at := map[string]int{}
	for _, s := range c.Segments {
		for i, q := range s.Sequences {
			d, _ := q.seconds(c.EditRate).Float64()
			if i == 0 {
				out.Seconds += d
			}
			j, ok := at[q.TrackID]
			if !ok {
				j = len(out.Tracks)
				at[q.TrackID] = j
				t := Track{Kind: KindOf(q.Kind), Sequence: q.Kind, TrackID: q.TrackID}
				if len(q.Resources) > 0 {
					t.EditRate = q.Resources[0].Rate(c.EditRate)
				}
				out.Tracks = append(out.Tracks, t)
			}
			t := &out.Tracks[j]
			t.Seconds += d
			for _, r := range q.Resources {
				if r.TrackFileID != "" && !slices.Contains(t.TrackFiles, r.TrackFileID) {
					t.TrackFiles = append(t.TrackFiles, r.TrackFileID)
				}
				for _, l := range c.Languages[r.SourceEncoding] {
					if !containsFold(t.Languages, l) {
						t.Languages = append(t.Languages, l)
					}
				}
			}
		}
	}
	slices.SortStableFunc(out.Tracks, func(a, b Track) int {
		return boolRank(a.Kind == Video) - boolRank(b.Kind == Video)
	})
	for _, t := range out.Tracks {
		for _, l := range t.Languages {
			if !containsFold(out.Languages, l) {
				out.Languages = append(out.Languages, l)
			}
		}
	}
	for _, l := range c.LocaleLanguages {
		if l != "" && !containsFold(out.Languages, l) {
			out.Languages = append(out.Languages, l)
		}
	}
	return out
}

func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// Use is one way a composition plays a track file.
type Use struct {
	CPL               string
	Kind              TrackKind
	Sequence          string
	EditRate          Rational
	IntrinsicDuration int64
	Languages         []string
}

// Seconds is the track file's length as the CPL gives it.
func (u Use) Seconds() float64 {
	f, _ := u.EditRate.seconds(u.IntrinsicDuration, 1).Float64()
	return f
}

// Uses lists how the package's compositions play the delivered file name
// (none for a file that is no track file of theirs).
func (p *Package) Uses(name string) []Use {
	id := p.Files[name].AssetID
	if id == "" {
		return nil
	}
	var out []Use
	for _, c := range p.CPLs {
		for _, s := range c.Segments {
			for _, q := range s.Sequences {
				for _, r := range q.Resources {
					if r.TrackFileID != id {
						continue
					}
					u := Use{CPL: c.File, Kind: KindOf(q.Kind), Sequence: q.Kind, EditRate: r.Rate(c.EditRate),
						IntrinsicDuration: r.IntrinsicDuration, Languages: c.Languages[r.SourceEncoding]}
					if !slices.ContainsFunc(out, func(o Use) bool {
						return o.CPL == u.CPL && o.Sequence == u.Sequence && o.EditRate == u.EditRate && o.IntrinsicDuration == u.IntrinsicDuration
					}) {
						out = append(out, u)
					}
				}
			}
		}
	}
	return out
}

// Probed says whether the compositions play the delivered file name as
// picture or sound, which ffprobe reads; timed text (IMSC1 in MXF) and
// markers it does not.
func (p *Package) Probed(name string) bool {
	return slices.ContainsFunc(p.Uses(name), func(u Use) bool { return u.Kind == Video || u.Kind == Audio })
}

// Encrypted says whether the CPL plays an encrypted track file (a
// resource with a KeyId), which cannot be played without its key.
func (c *CPL) Encrypted() bool {
	for _, s := range c.Segments {
		for _, q := range s.Sequences {
			if slices.ContainsFunc(q.Resources, func(r Resource) bool { return r.Encrypted }) {
				return true
			}
		}
	}
	return false
}

// TrackFileName is the delivered file holding asset id ("" when none).
func (p *Package) TrackFileName(id string) string { return p.byID[strings.ToLower(id)] }
