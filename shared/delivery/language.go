package delivery

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// This file reads the language a file name gives, as people write it: a
// BCP 47 tag (fr-CA, fr_CA), an English or native name ("French"), and a
// region or script said as a word ("French Canadian", "Canadian French",
// "Brazilian Portuguese", "Latin American Spanish", "Simplified Chinese").

// languageWords names each primary language subtag in words.
var languageWords = map[string][]string{
	"ar": {"arabic"}, "bg": {"bulgarian"}, "ca": {"catalan"}, "cs": {"czech"}, "da": {"danish"}, "de": {"german", "deutsch"},
	"el": {"greek"}, "en": {"english"}, "es": {"spanish", "espanol", "castellano"}, "fi": {"finnish"}, "fil": {"filipino", "tagalog"},
	"fr": {"french", "francais"}, "he": {"hebrew"}, "hi": {"hindi"}, "hr": {"croatian"}, "hu": {"hungarian"}, "id": {"indonesian"},
	"it": {"italian", "italiano"}, "ja": {"japanese"}, "ko": {"korean"}, "ms": {"malay"}, "nb": {"norwegian", "bokmal"},
	"nl": {"dutch", "nederlands"}, "pl": {"polish", "polski"}, "pt": {"portuguese", "portugues"}, "ro": {"romanian"},
	"ru": {"russian"}, "sr": {"serbian"}, "sv": {"swedish", "svenska"}, "ta": {"tamil"}, "te": {"telugu"}, "th": {"thai"},
	"tr": {"turkish"}, "uk": {"ukrainian"}, "vi": {"vietnamese"}, "zh": {"chinese", "mandarin"}, "yue": {"cantonese"},
}

// regionWords names regions (and scripts) in words: the adjective and the
// country, as they appear after or before a language's name.
var regionWords = map[string][]string{
	"ca": {"canadian", "canada", "quebecois", "quebec"}, "br": {"brazilian", "brazil", "brasil", "brasileiro"},
	"pt": {"portugal", "iberian"}, "fr": {"france", "parisian"}, "es": {"castilian", "spain", "iberian"},
	"419": {"latin", "latam", "latinoamericano", "latinoamerica"}, "mx": {"mexican", "mexico"},
	"us": {"american", "usa"}, "gb": {"british", "britain"}, "au": {"australian", "australia"},
	"de": {"germany"}, "at": {"austrian", "austria"}, "ch": {"swiss", "switzerland"}, "be": {"belgian", "belgium", "flemish"},
	"nl": {"netherlands", "holland"}, "tw": {"taiwanese", "taiwan"}, "hk": {"hongkong"}, "cn": {"mainland", "china", "prc"},
	"hans": {"simplified"}, "hant": {"traditional"},
}

// aliases name a whole tag in one word: "LAS" is Latin American Spanish.
var aliases = map[string][]string{
	"es-419": {"las", "latam", "esla"}, "pt-br": {"brazilian", "ptbr"}, "fr-ca": {"quebecois", "frca"},
	"zh-hans": {"simplified"}, "zh-hant": {"traditional"}, "nl-be": {"flemish"}, "es-es": {"castilian"},
}

// languageMatch is how a file name's words relate to a request's language.
type languageMatch struct {
	score  int
	reason string
}

// matchLanguage reads the language in a file name's words against tag (the
// request's BCP 47 language): the whole tag or its name (+20), the language
// without the region (+10), the language of another region (-20), another
// language altogether (-30), or nothing said (0).
func matchLanguage(tag string, nameWords []string) languageMatch {
	shown := tag // in reasons, as the request spells it
	tag = strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
	subtags := strings.Split(tag, "-")
	primary := subtags[0]
	has := func(w string) bool { return slices.Contains(nameWords, w) }
	joined := "-" + strings.Join(nameWords, "-") + "-"
	hasTag := func(t string) bool { return strings.Contains(joined, "-"+t+"-") }
	said := func(ws []string) string { // the first of ws the name holds
		for _, w := range ws {
			if has(w) {
				return w
			}
		}
		return ""
	}
	qualifiers := subtags[1:] // script and region
	if hasTag(tag) {
		return languageMatch{20, "language " + shown}
	}
	alias := said(aliases[tag])
	name := said(languageWords[primary])
	if name != "" || hasTag(primary) {
		lang := name
		if lang == "" {
			lang = primary
		}
		all, words := true, []string{lang}
		for _, q := range qualifiers {
			if w := said(regionWords[q]); w != "" {
				words = append(words, w)
			} else if !hasTag(lang + "-" + q) {
				all = false
			}
		}
		if all {
			return languageMatch{20, fmt.Sprintf("language %s (%q)", shown, strings.Join(words, " "))}
		}
		if alias != "" {
			return languageMatch{20, fmt.Sprintf("language %s (%q)", shown, alias)}
		}
		if other := otherRegion(lang, qualifiers, nameWords, has, hasTag); other != "" {
			return languageMatch{-20, fmt.Sprintf("language %s of another region (%q), wanted %s", primary, other, shown)}
		}
		return languageMatch{10, "language " + lang + " (without the region)"}
	}
	if alias != "" {
		return languageMatch{20, fmt.Sprintf("language %s (%q)", shown, alias)}
	}
	for _, code := range slices.Sorted(maps.Keys(languageWords)) {
		if code == primary {
			continue
		}
		if w := said(languageWords[code]); w != "" {
			return languageMatch{-30, fmt.Sprintf("another language (%q), wanted %s", w, shown)}
		}
	}
	for _, t := range slices.Sorted(maps.Keys(aliases)) {
		if !strings.HasPrefix(t, primary+"-") {
			if w := said(aliases[t]); w != "" {
				return languageMatch{-30, fmt.Sprintf("another language (%q), wanted %s", w, shown)}
			}
		}
	}
	return languageMatch{}
}

// otherRegion returns the words of a region other than the request's that
// the name gives next to its language ("french parisian" for fr-CA), or "".
func otherRegion(lang string, want []string, nameWords []string, has func(string) bool, hasTag func(string) bool) string {
	for _, q := range slices.Sorted(maps.Keys(regionWords)) {
		if slices.Contains(want, q) {
			continue
		}
		if hasTag(lang + "-" + q) {
			return lang + "-" + q
		}
		for _, w := range regionWords[q] {
			if has(w) && !wanted(w, want) {
				return lang + " " + w
			}
		}
	}
	return ""
}

// wanted reports whether w also names one of the regions wanted (iberian
// names both Spain and Portugal).
func wanted(w string, want []string) bool {
	for _, q := range want {
		if slices.Contains(regionWords[q], w) {
			return true
		}
	}
	return false
}
