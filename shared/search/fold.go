package search

import (
	"slices"
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

// languages are the languages people may name in English, by the BCP 47
// tag (lower case) they stand for; the first name is the one shown.
var languages = []named{
	{"ar", []string{"Arabic"}}, {"bg", []string{"Bulgarian"}}, {"ca", []string{"Catalan"}}, {"zh", []string{"Chinese"}},
	{"hr", []string{"Croatian"}}, {"cs", []string{"Czech"}}, {"da", []string{"Danish"}}, {"nl", []string{"Dutch"}},
	{"en", []string{"English"}}, {"fi", []string{"Finnish"}}, {"fr", []string{"French"}}, {"de", []string{"German"}},
	{"el", []string{"Greek"}}, {"he", []string{"Hebrew"}}, {"hi", []string{"Hindi"}}, {"hu", []string{"Hungarian"}},
	{"id", []string{"Indonesian"}}, {"it", []string{"Italian"}}, {"ja", []string{"Japanese"}}, {"ko", []string{"Korean"}},
	{"ms", []string{"Malay"}}, {"nb", []string{"Norwegian"}}, {"pl", []string{"Polish"}}, {"pt", []string{"Portuguese"}},
	{"pt-br", []string{"Brazilian Portuguese"}}, {"ro", []string{"Romanian"}}, {"ru", []string{"Russian"}},
	{"sr", []string{"Serbian"}}, {"es", []string{"Spanish"}}, {"es-419", []string{"Latin American Spanish"}},
	{"sv", []string{"Swedish"}}, {"ta", []string{"Tamil"}}, {"te", []string{"Telugu"}}, {"th", []string{"Thai"}},
	{"tr", []string{"Turkish"}}, {"uk", []string{"Ukrainian"}}, {"vi", []string{"Vietnamese"}}, {"fil", []string{"Filipino"}},
}

// named is a code with the names people call it by; the first is the one shown.
type named struct {
	code  string
	names []string
}

// byName maps each folded name of list to its code; shown maps each code
// to the name shown.
func byName(list []named) (byName, shown map[string]string) {
	byName, shown = map[string]string{}, map[string]string{}
	for _, n := range list {
		shown[n.code] = n.names[0]
		for _, name := range n.names {
			byName[fold(name)] = n.code
		}
	}
	return byName, shown
}

var languageNames, languageShown = byName(languages)

// LanguageName is the English name of a BCP 47 tag: Spanish (es), Latin
// American Spanish (es-419), Spanish (ES) for es-ES, a tag whose region
// has no name of its own; "" for a language openlot has no name for.
func LanguageName(tag string) string {
	t := strings.ToLower(tag)
	if name, ok := languageShown[t]; ok {
		return name
	}
	primary, rest, _ := strings.Cut(tag, "-")
	if name, ok := languageShown[strings.ToLower(primary)]; ok && rest != "" {
		return name + " (" + rest + ")"
	}
	return ""
}

// ParseLanguage accepts a BCP 47 tag (es, es-419) or an English name
// (Spanish). A tag's language must be an ISO 639 code (2 or 3 letters): a
// longer first subtag is a name openlot does not know (Klingon), which fails
// with invalid naming the tags and names it takes.
func ParseLanguage(s string) (string, error) {
	if code, ok := languageNames[fold(s)]; ok {
		return code, nil
	}
	tag, err := lot.CheckLanguage(s)
	primary, _, _ := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	if err != nil || len(primary) < 2 || len(primary) > 3 {
		return "", invalid("language %q: use a BCP 47 tag such as es, es-419, pt-BR or zh-Hant, or one of these names: %s",
			truncate(s), strings.Join(languageList, ", "))
	}
	return strings.ToLower(tag), nil
}

// languageList is every language name ParseLanguage takes, as shown.
var languageList = func() []string {
	out := make([]string, len(languages))
	for i, l := range languages {
		out[i] = l.names[0]
	}
	slices.Sort(out)
	return out
}()

// LanguageMatches reports whether a language (a request's, a material's)
// matches a wanted tag: the same tag, or any tag with that primary
// language when no region is given.
func LanguageMatches(have, want string) bool {
	if len(have) < len(want) {
		return false
	}
	if !strings.EqualFold(have[:len(want)], want) {
		return false
	}
	return len(have) == len(want) || have[len(want)] == '-' && !strings.Contains(want, "-")
}

// countries are the countries people may name in English, by their ISO
// 3166-1 alpha-2 code; the first name is the one shown.
var countries = []named{
	{"AR", []string{"Argentina"}}, {"AU", []string{"Australia"}}, {"AT", []string{"Austria"}}, {"BE", []string{"Belgium"}},
	{"BR", []string{"Brazil"}}, {"CA", []string{"Canada"}}, {"CL", []string{"Chile"}}, {"CN", []string{"China"}},
	{"CO", []string{"Colombia"}}, {"CZ", []string{"Czechia", "Czech Republic"}}, {"DK", []string{"Denmark"}},
	{"EG", []string{"Egypt"}}, {"FI", []string{"Finland"}}, {"FR", []string{"France"}}, {"DE", []string{"Germany"}},
	{"GR", []string{"Greece"}}, {"HK", []string{"Hong Kong"}}, {"HU", []string{"Hungary"}}, {"IN", []string{"India"}},
	{"ID", []string{"Indonesia"}}, {"IE", []string{"Ireland"}}, {"IL", []string{"Israel"}}, {"IT", []string{"Italy"}},
	{"JP", []string{"Japan"}}, {"KR", []string{"South Korea", "Korea"}}, {"MY", []string{"Malaysia"}},
	{"MX", []string{"Mexico"}}, {"NL", []string{"Netherlands"}}, {"NZ", []string{"New Zealand"}}, {"NO", []string{"Norway"}},
	{"PE", []string{"Peru"}}, {"PH", []string{"Philippines"}}, {"PL", []string{"Poland"}}, {"PT", []string{"Portugal"}},
	{"RO", []string{"Romania"}}, {"SA", []string{"Saudi Arabia"}}, {"SG", []string{"Singapore"}},
	{"ZA", []string{"South Africa"}}, {"ES", []string{"Spain"}}, {"SE", []string{"Sweden"}}, {"CH", []string{"Switzerland"}},
	{"TW", []string{"Taiwan"}}, {"TH", []string{"Thailand"}}, {"TR", []string{"Türkiye", "Turkey"}}, {"UA", []string{"Ukraine"}},
	{"AE", []string{"United Arab Emirates"}}, {"GB", []string{"United Kingdom", "UK"}}, {"US", []string{"United States", "USA"}},
	{"VN", []string{"Vietnam"}},
}

var countryNames, countryShown = byName(countries)

// CountryName is the English name of an ISO 3166-1 alpha-2 code (KR:
// South Korea); "" for a country openlot has no name for.
func CountryName(code string) string { return countryShown[strings.ToUpper(code)] }

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
