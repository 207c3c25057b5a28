package delivery

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/openlot/openlot/shared/lot"
)

// Candidate is a file recommended for a request, with why.
type Candidate struct {
	File        int      // index in the files given
	Name        string   // the file's name
	Score       int      // 0–100
	Reasons     []string // the tokens that matched, in words
	Recommended bool     // a score the plan trusts (still only the client delivers)
}

// RecommendAt is the score from which a file is recommended.
const RecommendAt = 50

// extensions each source type takes; a file with another extension scores low.
var extensions = map[lot.SourceType][]string{
	lot.SourceSubtitle: {".ttml", ".dfxp", ".xml", ".srt", ".stl", ".scc"}, lot.SourceSDHCC: {".ttml", ".dfxp", ".xml", ".srt", ".stl", ".scc"},
	lot.SourceForcedSub: {".ttml", ".dfxp", ".xml", ".srt", ".stl", ".scc"},
	lot.SourceAudioME:   {".wav", ".aif", ".aiff"}, lot.SourceAudioPrintMaster: {".wav", ".aif", ".aiff"},
	lot.SourceAudioDescription: {".wav", ".aif", ".aiff"}, lot.SourceSecondaryAudio: {".wav", ".aif", ".aiff"},
	lot.SourceAVMuxed: {".mov", ".mp4", ".mxf"}, lot.SourceSecondaryAVMuxed: {".mov", ".mp4", ".mxf"},
	lot.SourceIMF: {".mxf", ".xml"}, lot.SourceProductionLockedProxy: {".mov", ".mp4"},
	lot.SourceFinalScript: {".pdf", ".docx", ".xlsx"}, lot.SourceDubCardImage: {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".psd"},
	lot.SourceNonIMFDelivery: {".mov", ".mp4", ".mxf", ".zip"},
}

// keywords that point at a source type in a file name.
var keywords = map[lot.SourceType][]string{
	lot.SourceForcedSub: {"forced", "fn"}, lot.SourceSDHCC: {"sdh", "cc", "cap", "captions"}, lot.SourceSubtitle: {"sub", "subs", "subtitle", "subtitles"},
	lot.SourceAudioME: {"me", "m&e", "mande", "stems"}, lot.SourceAudioPrintMaster: {"pm", "printmaster", "print"},
	lot.SourceAudioDescription: {"ad", "description", "described"}, lot.SourceSecondaryAudio: {"dub", "dubbed", "secondary"},
	lot.SourceIMF: {"imf", "cpl", "pkl"}, lot.SourceFinalScript: {"script", "dialogue", "dialog"},
	lot.SourceDubCardImage: {"dubcard", "card"}, lot.SourceProductionLockedProxy: {"proxy", "locked"},
}

var stopWords = map[string]bool{"the": true, "a": true, "an": true, "of": true, "and": true, "season": true, "episode": true,
	"part": true, "vol": true, "official": true}

// words splits folded text into lower-case words of letters and digits; a
// lower-case letter followed by a capital starts a new word (camel case).
func words(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	prev := rune(0)
	for _, r := range norm.NFD.String(s) {
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			flush() // FrenchCanadian reads as french canadian
		}
		if !unicode.Is(unicode.Mn, r) {
			prev = r
		}
		r = unicode.ToLower(r)
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&':
			b.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

var (
	episodeInTitle = regexp.MustCompile(`(?i)season\s+(\d+)\D+episode\s+(\d+)`)
	episodeInName  = regexp.MustCompile(`(?i)s(\d{1,2})[\s._-]*e(\d{1,3})`)
	bareEpisode    = regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(?:ep|e|episode)[\s._-]*(\d{1,3})(?:[^0-9]|$)`)
)

// Plan scores every file for request r: title words, episode, language,
// source-type keywords and extension, each reason stated. Nothing is
// delivered by a plan; it only explains what would fit.
func Plan(r *lot.Request, names []string) []Candidate {
	titleWords := slices.DeleteFunc(words(r.TitleName), func(w string) bool { return stopWords[w] || len(w) < 2 })
	season, episode := 0, 0
	if m := episodeInTitle.FindStringSubmatch(r.TitleName); m != nil {
		season, _ = strconv.Atoi(m[1])
		episode, _ = strconv.Atoi(m[2])
		titleWords = slices.DeleteFunc(titleWords, func(w string) bool { _, err := strconv.Atoi(w); return err == nil })
	}
	out := make([]Candidate, len(names))
	for i, name := range names {
		c := Candidate{File: i, Name: name}
		nameWords := words(strings.TrimSuffix(name, path.Ext(name)))
		has := func(w string) bool { return slices.Contains(nameWords, w) }

		if len(titleWords) > 0 {
			var hit []string
			for _, w := range titleWords {
				if has(w) {
					hit = append(hit, w)
				}
			}
			if len(hit) > 0 {
				c.Score += 40 * len(hit) / len(titleWords)
				c.Reasons = append(c.Reasons, fmt.Sprintf("title words %s (%d of %d)", strings.Join(hit, " "), len(hit), len(titleWords)))
			}
		}
		if episode > 0 {
			s, e := 0, 0
			if m := episodeInName.FindStringSubmatch(name); m != nil {
				s, _ = strconv.Atoi(m[1])
				e, _ = strconv.Atoi(m[2])
			} else if m := bareEpisode.FindStringSubmatch(name); m != nil {
				s, e = season, 0
				e, _ = strconv.Atoi(m[1])
			}
			switch {
			case s == season && e == episode:
				c.Score += 25
				c.Reasons = append(c.Reasons, fmt.Sprintf("episode S%02dE%02d", season, episode))
			case e != 0:
				c.Score -= 40
				c.Reasons = append(c.Reasons, fmt.Sprintf("another episode (S%02dE%02d, wanted S%02dE%02d)", s, e, season, episode))
			}
		}
		if r.Language != "" {
			if m := matchLanguage(r.Language, nameWords); m.reason != "" {
				c.Score += m.score
				c.Reasons = append(c.Reasons, m.reason)
			}
		}
		for _, k := range keywords[r.SourceType] {
			if has(k) || strings.Contains(strings.ToLower(name), k) && strings.ContainsAny(k, "&") {
				c.Score += 10
				c.Reasons = append(c.Reasons, "keyword "+k+" ("+r.SourceType.Name()+")")
				break
			}
		}
		ext := strings.ToLower(path.Ext(name))
		switch {
		case slices.Contains(extensions[r.SourceType], ext):
			c.Score += 15
			c.Reasons = append(c.Reasons, "extension "+ext+" fits "+r.SourceType.Name())
		case len(extensions[r.SourceType]) > 0:
			c.Score -= 30
			c.Reasons = append(c.Reasons, "extension "+ext+" is not one "+r.SourceType.Name()+" takes")
		}
		c.Score = min(max(c.Score, 0), 100)
		c.Recommended = c.Score >= RecommendAt
		out[i] = c
	}
	slices.SortStableFunc(out, func(a, b Candidate) int { return b.Score - a.Score })
	if !r.SourceType.TakesSeveralFiles() { // one file: only the best is recommended
		for i := 1; i < len(out); i++ {
			out[i].Recommended = false
		}
	}
	return out
}
