package search

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/openlot/openlot/shared/lot"
)

// fold makes text comparable the way people type it: lower case, accents
// dropped, punctuation removed, runs of spaces collapsed ("House, M.D." →
// "house md", "Amélie" → "amelie").
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r): // combining accents
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-' || r == '_' || r == '/':
			space = true
		}
		// other punctuation vanishes without separating words
	}
	return b.String()
}

// folded memoizes fold for titles: a catalogue has far fewer titles than requests.
var folded sync.Map // string → string

func foldedTitle(s string) string {
	if v, ok := folded.Load(s); ok {
		return v.(string)
	}
	f := fold(s)
	folded.Store(s, f)
	return f
}

var languageNames = map[string]string{
	"arabic": "ar", "bulgarian": "bg", "catalan": "ca", "chinese": "zh", "croatian": "hr", "czech": "cs",
	"danish": "da", "dutch": "nl", "english": "en", "finnish": "fi", "french": "fr", "german": "de",
	"greek": "el", "hebrew": "he", "hindi": "hi", "hungarian": "hu", "indonesian": "id", "italian": "it",
	"japanese": "ja", "korean": "ko", "malay": "ms", "norwegian": "nb", "polish": "pl", "portuguese": "pt",
	"brazilian portuguese": "pt-br", "romanian": "ro", "russian": "ru", "serbian": "sr", "spanish": "es",
	"latin american spanish": "es-419", "swedish": "sv", "tamil": "ta", "telugu": "te", "thai": "th",
	"turkish": "tr", "ukrainian": "uk", "vietnamese": "vi", "filipino": "fil",
}

// parseLanguage accepts a BCP 47 tag (es, es-419) or an English name (Spanish).
func parseLanguage(s string) (string, error) {
	if code, ok := languageNames[fold(s)]; ok {
		return code, nil
	}
	tag, err := lot.CheckLanguage(s)
	if err != nil {
		return "", err
	}
	return strings.ToLower(tag), nil
}

// languageMatches reports whether a request language matches a wanted tag:
// the same tag, or any tag with that primary language when no region is given.
func languageMatches(have, want string) bool {
	if len(have) < len(want) {
		return false
	}
	if !strings.EqualFold(have[:len(want)], want) {
		return false
	}
	return len(have) == len(want) || have[len(want)] == '-' && !strings.Contains(want, "-")
}

var countryNames = map[string]string{
	"argentina": "AR", "australia": "AU", "austria": "AT", "belgium": "BE", "brazil": "BR", "canada": "CA",
	"chile": "CL", "china": "CN", "colombia": "CO", "czechia": "CZ", "czech republic": "CZ", "denmark": "DK",
	"egypt": "EG", "finland": "FI", "france": "FR", "germany": "DE", "greece": "GR", "hong kong": "HK",
	"hungary": "HU", "india": "IN", "indonesia": "ID", "ireland": "IE", "israel": "IL", "italy": "IT",
	"japan": "JP", "korea": "KR", "south korea": "KR", "malaysia": "MY", "mexico": "MX", "netherlands": "NL",
	"new zealand": "NZ", "norway": "NO", "peru": "PE", "philippines": "PH", "poland": "PL", "portugal": "PT",
	"romania": "RO", "saudi arabia": "SA", "singapore": "SG", "south africa": "ZA", "spain": "ES",
	"sweden": "SE", "switzerland": "CH", "taiwan": "TW", "thailand": "TH", "turkey": "TR", "turkiye": "TR",
	"ukraine": "UA", "united arab emirates": "AE", "united kingdom": "GB", "uk": "GB", "united states": "US",
	"usa": "US", "vietnam": "VN",
}

// parseCountry accepts an ISO 3166-1 alpha-2 code (KR) or a common English name (Korea).
func parseCountry(s string) (string, error) {
	if c, ok := countryNames[fold(s)]; ok {
		return c, nil
	}
	if len(s) == 2 && isASCIILetters(s) {
		return strings.ToUpper(s), nil
	}
	return "", invalid("country %q: use an ISO 3166 code such as KR, or a name such as Korea", truncate(s))
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
