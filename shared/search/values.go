package search

import (
	"cmp"
	"slices"
	"strings"

	"github.com/openlot/openlot/shared/lot"
)

// Value is one value a modifier takes that indexed requests have.
type Value struct {
	Code  string // what the modifier takes
	Name  string // what people read; partners' names are the caller's to fill in
	Count int    // requests with it, of any status
}

// Values are, by modifier (its query parameter), the values the indexed
// requests have: enumerations in their display order, the others by name.
// Modifiers that take free text (title, dates) or IDs have none.
type Values map[string][]Value

// ValueModifiers are the modifiers Values answers for.
var ValueModifiers = []string{"fulfillmentPartner", "contentPartner", "language", "country", "sourceType", "serviceType",
	"status", "materialStatus", "movieType", "isOriginal", "issues"}

// Issues modifier values besides issue names.
const (
	IssuesHas  = "has"
	IssuesNone = "none"
)

// Values returns the values the indexed requests have, by modifier. It is
// worked out once per index; each call returns its own copy.
func (x *Index) Values() Values {
	x.valuesOnce.Do(func() { x.values = x.countValues() })
	out := make(Values, len(x.values))
	for k, v := range x.values {
		out[k] = slices.Clone(v)
	}
	return out
}

func (x *Index) countValues() Values {
	d := &x.dict
	partners := make([]int, len(d.partners.vals))
	cps := make([]int, len(d.partners.vals))
	langs := make([]int, len(d.languages.vals))
	countries := make([]int, len(d.countries.vals))
	issues := make([]int, len(d.issues.vals))
	var sources, services, statuses, materials, movieTypes [64]int
	var original [2]int
	has, none := 0, 0
	for i := range x.docs {
		o := &x.docs[i]
		partners[o.fp]++
		if o.sub != o.fp {
			partners[o.sub]++
		}
		cps[o.cp]++
		langs[o.lang]++
		for j, c := range o.countries {
			if !slices.Contains(o.countries[:j], c) {
				countries[c]++
			}
		}
		for j, s := range o.issues {
			if !slices.Contains(o.issues[:j], s) {
				issues[s]++
			}
		}
		if len(o.issues) > 0 {
			has++
		} else {
			none++
		}
		sources[o.source]++
		services[o.service]++
		statuses[o.status]++
		materials[o.material]++
		movieTypes[o.movieType]++
		original[b2i(o.original)]++
	}
	interned := func(dc dict, counts []int, name func(string) string) []Value {
		var out []Value
		for id, n := range counts {
			if id > 0 && n > 0 {
				out = append(out, Value{Code: dc.vals[id], Name: name(dc.vals[id]), Count: n})
			}
		}
		slices.SortFunc(out, func(a, b Value) int {
			return cmp.Or(strings.Compare(strings.ToLower(cmp.Or(a.Name, a.Code)), strings.ToLower(cmp.Or(b.Name, b.Code))), strings.Compare(a.Code, b.Code))
		})
		return out
	}
	// A language without a region finds every tag of that language (es
	// finds es-419): its count is what its search finds.
	matched := make([]int, len(langs))
	for want := range langs {
		for have, n := range langs {
			if want > 0 && LanguageMatches(d.languages.vals[have], d.languages.vals[want]) {
				matched[want] += n
			}
		}
	}
	self := func(s string) string { return s }
	var issueList []Value
	if has > 0 {
		issueList = append(issueList, Value{Code: IssuesHas, Name: "Has issues", Count: has})
	}
	if none > 0 {
		issueList = append(issueList, Value{Code: IssuesNone, Name: "No issues", Count: none})
	}
	issueList = append(issueList, interned(d.issues, issues, self)...)
	var originals []Value
	for _, v := range []struct {
		code, name string
		n          int
	}{{"yes", "Original", original[1]}, {"no", "Licensed", original[0]}} {
		if v.n > 0 {
			originals = append(originals, Value{Code: v.code, Name: v.name, Count: v.n})
		}
	}
	return Values{
		"fulfillmentPartner": interned(d.partners, partners, func(string) string { return "" }),
		"contentPartner":     interned(d.partners, cps, func(string) string { return "" }),
		"language":           interned(d.languages, matched, LanguageName),
		"country":            interned(d.countries, countries, CountryName),
		"sourceType":         enumValues(lot.SourceTypes, sources[:]),
		"serviceType":        enumValues(lot.ServiceTypes, services[:]),
		"status":             enumValues(lot.RequestStatuses, statuses[:]),
		"materialStatus":     enumValues(lot.MaterialStatuses, materials[:]),
		"movieType":          enumValues(lot.MovieTypes, movieTypes[:]),
		"isOriginal":         originals,
		"issues":             issueList,
	}
}

// enumValues lists the values of all that requests have (counts by
// enumIndex), in all's order, with their display names.
func enumValues[T interface {
	~string
	Name() string
}](all []T, counts []int) []Value {
	var out []Value
	for i, v := range all {
		if n := counts[i+1]; n > 0 {
			out = append(out, Value{Code: string(v), Name: v.Name(), Count: n})
		}
	}
	return out
}
