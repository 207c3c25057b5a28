package search

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/openlot/openlot/shared/lot"
)

// Index is a compact, read-only copy of a set of requests laid out for
// searching: small numbers instead of strings, one contiguous slice, so a
// search over 100,000 requests is a scan of a few megabytes. Build it once
// per set of candidates and run any number of searches on it concurrently.
type Index struct {
	reqs []*lot.Request
	docs []doc
	dict dicts

	valuesOnce sync.Once
	values     Values // by Values, once

	posOnce sync.Once
	pos     map[string]int32 // by positions, once; kept by Update
	owned   bool             // reqs is x's own copy (Update)
}

// doc is one request as the engine sees it.
type doc struct {
	due                          int32 // lot.Date.Ord; 0 none
	eddDay                       int32 // the estimated delivery's day in its zone; 0 none
	eddAt, created, updated      int64 // Unix nanoseconds; eddAt 0 none
	pkg, movie                   int64
	fp, sub, cp, lang, title     uint32 // interned; 0 is ""
	countries, issues            []uint32
	status, material, source     uint8 // index in the lot enum lists
	service, movieType           uint8
	delivery, qc                 uint8 // index in lot.TransferStatuses / lot.QCStatuses; 0 none
	original, studioMaterials, _ bool
}

// dict interns strings: value ↔ number; number 0 is "".
type dict struct {
	ids  map[string]uint32
	vals []string
}

func newDict() dict { return dict{ids: map[string]uint32{"": 0}, vals: []string{""}} }

func (d *dict) id(s string) uint32 {
	if id, ok := d.ids[s]; ok {
		return id
	}
	id := uint32(len(d.vals))
	d.ids[s] = id
	d.vals = append(d.vals, s)
	return id
}

type dicts struct {
	partners, languages, titles, countries, issues dict
	titleRank, languageRank                        ranking
}

func enumIndex[T comparable](all []T, v T) uint8 {
	if i := slices.Index(all, v); i >= 0 {
		return uint8(i + 1)
	}
	return 0
}

// enumNumbers is a set of enum numbers (enumIndex), one bit each.
type enumNumbers uint64

// enumSet returns the numbers of the values of all for which in holds.
func enumSet[T any](all []T, in func(T) bool) enumNumbers {
	if len(all) >= 64 {
		panic("search: an enum of 64 values or more does not fit an enumNumbers")
	}
	var s enumNumbers
	for i, v := range all {
		if in(v) {
			s |= 1 << (i + 1)
		}
	}
	return s
}

// has reports whether number i is in s (0, the unknown value, never is).
func (s enumNumbers) has(i uint8) bool { return s>>i&1 != 0 }

func enumValue[T any](all []T, i uint8) (v T) {
	if i > 0 && int(i) <= len(all) {
		return all[i-1]
	}
	return v
}

func nanos(t interface {
	UnixNano() int64
	IsZero() bool
}) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// Build indexes reqs (the caller's scope). The requests are kept, unchanged,
// to answer rows.
func Build(reqs []*lot.Request) *Index {
	x := &Index{reqs: reqs, docs: make([]doc, len(reqs))}
	d := &x.dict
	d.partners, d.languages, d.titles, d.countries, d.issues = newDict(), newDict(), newDict(), newDict(), newDict()
	for i, r := range reqs {
		d.set(&x.docs[i], r)
	}
	d.rank()
	return x
}

// set fills o from r, interning its strings.
func (d *dicts) set(o *doc, r *lot.Request) {
	*o = doc{}
	o.setBucketFields(r)
	o.created, o.updated = nanos(r.CreatedAt), nanos(r.UpdatedAt)
	o.pkg, o.movie = r.PackageID, r.MovieID
	o.fp, o.sub, o.cp = d.partners.id(r.FulfillmentPartner), d.partners.id(r.SubAssignee), d.partners.id(r.ContentPartner)
	o.lang, o.title = d.languages.id(r.Language), d.titles.id(r.TitleName)
	if len(r.Countries) > 0 {
		o.countries = make([]uint32, len(r.Countries))
		for j, c := range r.Countries {
			o.countries[j] = d.countries.id(c)
		}
	}
	if len(r.Issues) > 0 {
		o.issues = make([]uint32, len(r.Issues))
		for j, s := range r.Issues {
			o.issues[j] = d.issues.id(s)
		}
	}
	o.source = enumIndex(lot.SourceTypes, r.SourceType)
	o.service = enumIndex(lot.ServiceTypes, r.ServiceType)
	o.movieType = enumIndex(lot.MovieTypes, r.MovieType)
	o.original = r.IsOriginal
}

// rank orders the titles and languages for sorting.
func (d *dicts) rank() {
	d.titleRank = newRanking(d.titles.vals, foldedTitle)
	d.languageRank = newRanking(d.languages.vals, identity)
}

// knows reports whether every string of r is interned already.
func (d *dicts) knows(r *lot.Request) bool {
	has := func(dd *dict, s string) bool { _, ok := dd.ids[s]; return ok }
	if !has(&d.partners, r.FulfillmentPartner) || !has(&d.partners, r.SubAssignee) || !has(&d.partners, r.ContentPartner) ||
		!has(&d.languages, r.Language) || !has(&d.titles, r.TitleName) {
		return false
	}
	for _, c := range r.Countries {
		if !has(&d.countries, c) {
			return false
		}
	}
	for _, s := range r.Issues {
		if !has(&d.issues, s) {
			return false
		}
	}
	return true
}

// Update brings x up to date in place: the requests in put replace those
// of the same ID (or are added, when x has none of that ID; of two with one
// ID the later version wins) and the requests named in drop (unless also
// put) leave it. It costs about what indexing put alone does, however large
// x is. Update must not run while a search or another call runs on x: the
// caller locks (searches share a lock, Update holds it alone).
func (x *Index) Update(put []*lot.Request, drop []string) {
	if len(put) == 0 && len(drop) == 0 {
		return
	}
	if !x.owned { // Build kept the caller's slice: change a copy
		x.reqs, x.owned = slices.Clone(x.reqs), true
	}
	latest := make(map[string]*lot.Request, len(put))
	for _, r := range put {
		if o, ok := latest[r.ID]; !ok || r.Version >= o.Version {
			latest[r.ID] = r
		}
	}
	pos := x.positions()
	for _, id := range drop {
		i, ok := pos[id]
		if _, put := latest[id]; put || !ok {
			continue
		}
		last := int32(len(x.reqs) - 1) // the last request takes the dropped one's place
		x.reqs[i], x.docs[i] = x.reqs[last], x.docs[last]
		pos[x.reqs[i].ID] = i
		delete(pos, id)
		x.reqs[last], x.docs[last] = nil, doc{}
		x.reqs, x.docs = x.reqs[:last], x.docs[:last]
	}
	grow := false
	for _, r := range put {
		if latest[r.ID] != r {
			continue // an older copy, or put twice
		}
		delete(latest, r.ID)
		grow = grow || !x.dict.knows(r)
		i, ok := pos[r.ID]
		if !ok {
			i = int32(len(x.reqs))
			pos[r.ID] = i
			x.reqs, x.docs = append(x.reqs, r), append(x.docs, doc{})
		}
		x.reqs[i] = r
		x.dict.set(&x.docs[i], r)
	}
	if grow {
		x.dict.rank()
	}
	x.valuesOnce, x.values = sync.Once{}, nil
}

// positions maps request IDs to their place in x, made on first use.
func (x *Index) positions() map[string]int32 {
	x.posOnce.Do(func() {
		x.pos = make(map[string]int32, len(x.reqs))
		for i, r := range x.reqs {
			x.pos[r.ID] = int32(i)
		}
	})
	return x.pos
}

// Requests returns the indexed requests, in index order; callers must not
// change the slice or the requests.
func (x *Index) Requests() []*lot.Request { return x.reqs }

// setBucketFields sets what the bucket rules read: dates, statuses, materials.
func (o *doc) setBucketFields(r *lot.Request) {
	o.due = int32(r.DueDate.Ord())
	if !r.EstimatedDelivery.IsZero() {
		o.eddAt = r.EstimatedDelivery.At.UnixNano()
		o.eddDay = int32(lot.DateOf(r.EstimatedDelivery.Local()).Ord())
	}
	o.status = enumIndex(lot.RequestStatuses, r.Status)
	o.material = enumIndex(lot.MaterialStatuses, r.MaterialStatus)
	o.studioMaterials = r.MaterialsAvailable
	o.delivery = enumIndex(lot.TransferStatuses, r.DeliveryStatus)
	o.qc = enumIndex(lot.QCStatuses, r.QCStatus)
}

// Len is the number of requests indexed.
func (x *Index) Len() int { return len(x.docs) }

// plan is a query compiled against an index: every string test becomes a
// lookup in a table of booleans.
type plan struct {
	q                        *Query
	statuses                 [8]bool
	anyStatus                bool
	materials, sources       [32]bool
	services, movieTypes     [8]bool
	haveMaterials            bool
	deliveries, qcs          [32]bool // index 0: none
	haveDelivery, haveQC     bool
	haveSources, haveService bool
	haveMovieTypes           bool
	original                 [2]bool
	haveOriginal             bool
	fps, cps                 []bool // by partner id
	langs, titles            []bool // by language / title id
	countries, issues        []bool // by country / issue id
	packages, movies         map[int64]bool
	requestIDs               map[string]bool
	due, edd                 [][2]int32
}

func table(n int, set func(i int) bool) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = set(i)
	}
	return out
}

func (x *Index) compile(q *Query) *plan {
	p := &plan{q: q}
	d := &x.dict
	switch {
	case q.AllStatuses:
		p.anyStatus = true
	case len(q.Statuses) > 0:
		for _, s := range q.Statuses {
			p.statuses[enumIndex(lot.RequestStatuses, s)] = true
		}
	default:
		for i, s := range lot.RequestStatuses {
			p.statuses[i+1] = s != lot.StatusCancelled
		}
	}
	for _, m := range q.MaterialStatuses {
		p.materials[enumIndex(lot.MaterialStatuses, m)], p.haveMaterials = true, true
	}
	for _, s := range q.DeliveryStatuses {
		p.deliveries[enumIndex(lot.TransferStatuses, s)] = true
	}
	p.deliveries[0] = q.DeliveryNone
	p.haveDelivery = q.DeliveryNone || len(q.DeliveryStatuses) > 0
	for _, s := range q.QCStatuses {
		p.qcs[enumIndex(lot.QCStatuses, s)] = true
	}
	p.qcs[0] = q.QCNone
	p.haveQC = q.QCNone || len(q.QCStatuses) > 0
	for _, s := range q.SourceTypes {
		p.sources[enumIndex(lot.SourceTypes, s)], p.haveSources = true, true
	}
	for _, s := range q.ServiceTypes {
		p.services[enumIndex(lot.ServiceTypes, s)], p.haveService = true, true
	}
	for _, m := range q.MovieTypes {
		p.movieTypes[enumIndex(lot.MovieTypes, m)], p.haveMovieTypes = true, true
	}
	for _, o := range q.IsOriginal {
		p.original[map[bool]int{false: 0, true: 1}[o]], p.haveOriginal = true, true
	}
	if len(q.FulfillmentPartners) > 0 {
		p.fps = table(len(d.partners.vals), func(i int) bool { return i > 0 && slices.Contains(q.FulfillmentPartners, d.partners.vals[i]) })
	}
	if len(q.ContentPartners) > 0 {
		p.cps = table(len(d.partners.vals), func(i int) bool { return slices.Contains(q.ContentPartners, d.partners.vals[i]) })
	}
	if len(q.Languages) > 0 {
		p.langs = table(len(d.languages.vals), func(i int) bool {
			return slices.ContainsFunc(q.Languages, func(l string) bool { return LanguageMatches(d.languages.vals[i], l) })
		})
	}
	if len(q.Titles) > 0 {
		p.titles = table(len(d.titles.vals), func(i int) bool {
			t := foldedTitle(d.titles.vals[i])
			return slices.ContainsFunc(q.Titles, func(f string) bool { return strings.Contains(t, f) })
		})
	}
	if len(q.Countries) > 0 {
		p.countries = table(len(d.countries.vals), func(i int) bool { return slices.Contains(q.Countries, d.countries.vals[i]) })
	}
	if len(q.IssueNames) > 0 {
		p.issues = table(len(d.issues.vals), func(i int) bool { return slices.Contains(q.IssueNames, fold(d.issues.vals[i])) })
	}
	if len(q.PackageIDs) > 0 {
		p.packages = map[int64]bool{}
		for _, id := range q.PackageIDs {
			p.packages[id] = true
		}
	}
	if len(q.MovieIDs) > 0 {
		p.movies = map[int64]bool{}
		for _, id := range q.MovieIDs {
			p.movies[id] = true
		}
	}
	if len(q.RequestIDs) > 0 {
		p.requestIDs = map[string]bool{}
		for _, id := range q.RequestIDs {
			p.requestIDs[id] = true
		}
	}
	ranges := func(rs []DateRange) [][2]int32 {
		var out [][2]int32
		for _, r := range rs {
			lo, hi := int32(1), int32(1<<30)
			if !r.From.IsZero() {
				lo = int32(r.From.Ord())
			}
			if !r.To.IsZero() {
				hi = int32(r.To.Ord())
			}
			out = append(out, [2]int32{lo, hi})
		}
		return out
	}
	p.due, p.edd = ranges(q.Due), ranges(q.EstimatedDelivery)
	return p
}

func inRanges(day int32, rs [][2]int32) bool {
	for _, r := range rs {
		if day >= r[0] && day <= r[1] {
			return true
		}
	}
	return false
}

func anyIn(ids []uint32, set []bool) bool {
	for _, id := range ids {
		if set[id] {
			return true
		}
	}
	return false
}

// match reports whether request i passes every modifier.
func (p *plan) match(x *Index, i int) bool {
	o := &x.docs[i]
	q := p.q
	switch {
	case !p.anyStatus && !p.statuses[o.status],
		p.haveSources && !p.sources[o.source],
		p.haveMaterials && !p.materials[o.material],
		p.haveDelivery && !p.deliveries[o.delivery],
		p.haveQC && !p.qcs[o.qc],
		p.haveService && !p.services[o.service],
		p.haveMovieTypes && !p.movieTypes[o.movieType],
		p.haveOriginal && !p.original[b2i(o.original)],
		p.fps != nil && !p.fps[o.fp] && !p.fps[o.sub],
		p.cps != nil && !p.cps[o.cp],
		p.langs != nil && !p.langs[o.lang],
		p.titles != nil && !p.titles[o.title],
		p.countries != nil && !anyIn(o.countries, p.countries),
		p.packages != nil && !p.packages[o.pkg],
		p.movies != nil && !p.movies[o.movie],
		p.due != nil && (o.due == 0 || !inRanges(o.due, p.due)),
		p.edd != nil && (o.eddAt == 0 || !inRanges(o.eddDay, p.edd)),
		p.requestIDs != nil && !p.requestIDs[x.reqs[i].ID]:
		return false
	}
	if q.IssuesHas || q.IssuesNone || p.issues != nil {
		return q.IssuesHas && len(o.issues) > 0 || q.IssuesNone && len(o.issues) == 0 || p.issues != nil && anyIn(o.issues, p.issues)
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// groupValue is the interned (or enum, or numeric) value of field f for
// request i; country is handled by the caller.
func (x *Index) groupValue(i int, f Field) uint64 {
	o := &x.docs[i]
	switch f {
	case FieldSourceType:
		return uint64(o.source)
	case FieldLanguage:
		return uint64(o.lang)
	case FieldStatus:
		return uint64(o.status)
	case FieldMaterialStatus:
		return uint64(o.material)
	case FieldServiceType:
		return uint64(o.service)
	case FieldContentPartner:
		return uint64(o.cp)
	case FieldFulfillmentPartner:
		return uint64(o.fp)
	case FieldMovieType:
		return uint64(o.movieType)
	case FieldTitle:
		return uint64(o.title)
	case FieldPackageID:
		return uint64(o.pkg)
	case FieldDueMonth:
		return uint64(o.due >> 5) // year<<4 | month
	}
	return 0
}

// groupLabel turns a group value back into the text the API shows.
func (x *Index) groupLabel(f Field, v uint64) string {
	d := &x.dict
	switch f {
	case FieldSourceType:
		return string(enumValue(lot.SourceTypes, uint8(v)))
	case FieldLanguage:
		return d.languages.vals[v]
	case FieldStatus:
		return string(enumValue(lot.RequestStatuses, uint8(v)))
	case FieldMaterialStatus:
		return string(enumValue(lot.MaterialStatuses, uint8(v)))
	case FieldServiceType:
		return string(enumValue(lot.ServiceTypes, uint8(v)))
	case FieldContentPartner, FieldFulfillmentPartner:
		return d.partners.vals[v]
	case FieldMovieType:
		return string(enumValue(lot.MovieTypes, uint8(v)))
	case FieldTitle:
		return d.titles.vals[v]
	case FieldPackageID:
		return strconv.FormatUint(v, 10)
	case FieldCountry:
		return d.countries.vals[v]
	case FieldDueMonth:
		if v == 0 {
			return ""
		}
		y, m := v>>4, v&15
		return strconv.FormatUint(y, 10) + "-" + string(rune('0'+m/10)) + string(rune('0'+m%10))
	}
	return ""
}

// keyFor turns group labels (as the API shows them) back into a group key;
// false when no request could be in such a group.
func (x *Index) keyFor(fields []Field, labels []string) (groupKey, bool) {
	var k groupKey
	d := &x.dict
	enum := func(codes []string, v string) (uint64, bool) {
		if v == "" {
			return 0, true
		}
		i := slices.Index(codes, v)
		return uint64(i + 1), i >= 0
	}
	for j, f := range fields {
		v := labels[j]
		var ok bool
		switch f {
		case FieldSourceType:
			k[j], ok = enum(codes(lot.SourceTypes), v)
		case FieldStatus:
			k[j], ok = enum(codes(lot.RequestStatuses), v)
		case FieldMaterialStatus:
			k[j], ok = enum(codes(lot.MaterialStatuses), v)
		case FieldServiceType:
			k[j], ok = enum(codes(lot.ServiceTypes), v)
		case FieldMovieType:
			k[j], ok = enum(codes(lot.MovieTypes), v)
		case FieldLanguage:
			var id uint32
			id, ok = d.languages.ids[v]
			k[j] = uint64(id)
		case FieldContentPartner, FieldFulfillmentPartner:
			var id uint32
			id, ok = d.partners.ids[v]
			k[j] = uint64(id)
		case FieldTitle:
			var id uint32
			id, ok = d.titles.ids[v]
			k[j] = uint64(id)
		case FieldCountry:
			var id uint32
			id, ok = d.countries.ids[v]
			k[j] = uint64(id)
		case FieldPackageID:
			n, err := strconv.ParseUint(v, 10, 64)
			k[j], ok = n, err == nil
		case FieldDueMonth:
			if v == "" {
				ok = true
				break
			}
			day, err := lot.ParseDate(v + "-01")
			k[j], ok = uint64(day.Ord()>>5), err == nil
		}
		if !ok || x.groupLabel(f, k[j]) != v {
			return k, false
		}
	}
	return k, true
}

func codes[T ~string](all []T) []string {
	out := make([]string, len(all))
	for i, v := range all {
		out[i] = string(v)
	}
	return out
}

// HasMovie reports whether any indexed request is of title movieID.
func (x *Index) HasMovie(movieID int64) bool {
	for i := range x.docs {
		if x.docs[i].movie == movieID {
			return true
		}
	}
	return false
}
