package search

import (
	"cmp"
	"container/heap"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// Result is the answer to a search.
type Result struct {
	Total   int     // requests matching the modifiers, in every status the search asks for
	Buckets Counts  // over those requests
	Groups  []Group // one per combination of group values, in key order
	Rows    []Row   // the page of rows asked for (a bucket, a group, or everything)
	Next    string  // cursor of the next page; "" at the end
}

// Group is one leaf of the nested groupings.
type Group struct {
	Key     []string // one value per group field, in Query.Group order
	Total   int
	Buckets Counts
}

// Row is one request of the page, with where it stands.
type Row struct {
	Request *lot.Request
	Insight Insight
}

// Run searches reqs (the caller's scope; read, never changed) at instant now.
func Run(reqs []*lot.Request, q Query, now time.Time, rules Rules) (Result, error) {
	c := newClock(now, rules)
	var after *lot.Request
	if q.Cursor != "" {
		var err error
		if after, err = decodeCursor(q.Cursor, q.Sort); err != nil {
			return Result{}, err
		}
	}
	wantRows := q.Bucket != "" || q.GroupKey != nil || len(q.Group) == 0
	groups := map[string]*Group{}
	var keyBuf []string
	top := &rowHeap{less: func(a, b *lot.Request) bool { return compare(a, b, q.Sort) < 0 }, max: q.Limit + 1}
	res := Result{}
	for _, r := range reqs {
		if !q.Match(r) {
			continue
		}
		in := c.place(r)
		res.Total++
		res.Buckets.add(in)
		inGroup := q.GroupKey == nil
		if len(q.Group) > 0 {
			keyBuf = groupKeys(r, q.Group, keyBuf[:0])
			for _, key := range keyBuf {
				g := groups[key]
				if g == nil {
					g = &Group{Key: strings.Split(key, "\x00")}
					groups[key] = g
				}
				g.Total++
				g.Buckets.add(in)
				if !inGroup && slices.Equal(g.Key, q.GroupKey) {
					inGroup = true
				}
			}
		}
		if wantRows && inGroup && in.in(q.Bucket) && (after == nil || compare(r, after, q.Sort) > 0) {
			top.offer(r)
		}
	}
	res.Groups = make([]Group, 0, len(groups))
	for _, g := range groups {
		res.Groups = append(res.Groups, *g)
	}
	slices.SortFunc(res.Groups, func(a, b Group) int {
		for i := range a.Key {
			if c := naturalCompare(a.Key[i], b.Key[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	page := top.sorted()
	if len(page) > q.Limit {
		page = page[:q.Limit]
		res.Next = encodeCursor(page[len(page)-1], q.Sort)
	}
	res.Rows = make([]Row, len(page))
	for i, r := range page {
		res.Rows[i] = Row{Request: r, Insight: c.explain(r)}
	}
	return res, nil
}

// Match reports whether r passes every modifier of q.
func (q *Query) Match(r *lot.Request) bool {
	switch {
	case q.AllStatuses:
	case len(q.Statuses) > 0:
		if !slices.Contains(q.Statuses, r.Status) {
			return false
		}
	case r.Status == lot.StatusCancelled:
		return false
	}
	if len(q.SourceTypes) > 0 && !slices.Contains(q.SourceTypes, r.SourceType) ||
		len(q.MaterialStatuses) > 0 && !slices.Contains(q.MaterialStatuses, r.MaterialStatus) ||
		len(q.ServiceTypes) > 0 && !slices.Contains(q.ServiceTypes, r.ServiceType) ||
		len(q.MovieTypes) > 0 && !slices.Contains(q.MovieTypes, r.MovieType) ||
		len(q.IsOriginal) > 0 && !slices.Contains(q.IsOriginal, r.IsOriginal) ||
		len(q.ContentPartners) > 0 && !slices.Contains(q.ContentPartners, r.ContentPartner) ||
		len(q.PackageIDs) > 0 && !slices.Contains(q.PackageIDs, r.PackageID) ||
		len(q.MovieIDs) > 0 && !slices.Contains(q.MovieIDs, r.MovieID) ||
		len(q.RequestIDs) > 0 && !slices.Contains(q.RequestIDs, r.ID) {
		return false
	}
	if len(q.FulfillmentPartners) > 0 && !slices.Contains(q.FulfillmentPartners, r.FulfillmentPartner) &&
		(r.SubAssignee == "" || !slices.Contains(q.FulfillmentPartners, r.SubAssignee)) {
		return false
	}
	if len(q.Languages) > 0 && !slices.ContainsFunc(q.Languages, func(l string) bool { return languageMatches(r.Language, l) }) {
		return false
	}
	if len(q.Countries) > 0 && !slices.ContainsFunc(r.Countries, func(c string) bool { return slices.Contains(q.Countries, c) }) {
		return false
	}
	if len(q.Due) > 0 && !slices.ContainsFunc(q.Due, func(d DateRange) bool { return d.Contains(r.DueDate) }) {
		return false
	}
	if len(q.EstimatedDelivery) > 0 && (r.EstimatedDelivery.IsZero() || !slices.ContainsFunc(q.EstimatedDelivery,
		func(d DateRange) bool { return d.Contains(lot.DateOf(r.EstimatedDelivery.Local())) })) {
		return false
	}
	if q.IssuesHas || q.IssuesNone || len(q.IssueNames) > 0 {
		ok := q.IssuesHas && len(r.Issues) > 0 || q.IssuesNone && len(r.Issues) == 0 ||
			slices.ContainsFunc(r.Issues, func(i string) bool { return slices.Contains(q.IssueNames, fold(i)) })
		if !ok {
			return false
		}
	}
	if len(q.Titles) > 0 {
		t := foldedTitle(r.TitleName)
		if !slices.ContainsFunc(q.Titles, func(f string) bool { return strings.Contains(t, f) }) {
			return false
		}
	}
	return true
}

// GroupValue is r's value of group field f (countries: the first; see groupKeys).
func GroupValue(r *lot.Request, f Field) string {
	switch f {
	case FieldSourceType:
		return string(r.SourceType)
	case FieldLanguage:
		return r.Language
	case FieldStatus:
		return string(r.Status)
	case FieldMaterialStatus:
		return string(r.MaterialStatus)
	case FieldServiceType:
		return string(r.ServiceType)
	case FieldContentPartner:
		return r.ContentPartner
	case FieldFulfillmentPartner:
		return r.FulfillmentPartner
	case FieldMovieType:
		return string(r.MovieType)
	case FieldTitle:
		return r.TitleName
	case FieldPackageID:
		return strconv.FormatInt(r.PackageID, 10)
	case FieldDueMonth:
		if r.DueDate.IsZero() {
			return ""
		}
		return r.DueDate.String()[:7]
	case FieldCountry:
		if len(r.Countries) > 0 {
			return r.Countries[0]
		}
	}
	return ""
}

// groupKeys returns the keys (values joined by NUL) of every group r is in:
// one, or one per country when grouping by country.
func groupKeys(r *lot.Request, fields []Field, buf []string) []string {
	var b strings.Builder
	countryAt := slices.Index(fields, FieldCountry)
	countries := []string{""}
	if countryAt >= 0 && len(r.Countries) > 0 {
		countries = r.Countries
	}
	for _, country := range countries {
		b.Reset()
		for i, f := range fields {
			if i > 0 {
				b.WriteByte(0)
			}
			if i == countryAt {
				b.WriteString(country)
			} else {
				b.WriteString(GroupValue(r, f))
			}
		}
		buf = append(buf, b.String())
	}
	return buf
}

// naturalCompare orders numbers numerically and everything else as text.
func naturalCompare(a, b string) int {
	if x, err := strconv.ParseInt(a, 10, 64); err == nil {
		if y, err := strconv.ParseInt(b, 10, 64); err == nil {
			return cmp.Compare(x, y)
		}
	}
	return strings.Compare(a, b)
}

// compare orders requests by the sort keys, then by ID. Missing dates sort last.
func compare(a, b *lot.Request, keys []SortKey) int {
	for _, k := range keys {
		c := compareField(a, b, k.Field)
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(a.ID, b.ID)
}

func lastIfZero(az, bz bool) (int, bool) {
	switch {
	case az && bz:
		return 0, true
	case az:
		return 1, true
	case bz:
		return -1, true
	}
	return 0, false
}

func compareField(a, b *lot.Request, f Field) int {
	switch f {
	case "dueDate":
		if c, done := lastIfZero(a.DueDate.IsZero(), b.DueDate.IsZero()); done {
			return c
		}
		return a.DueDate.Time().Compare(b.DueDate.Time())
	case "estimatedDeliveryDate":
		if c, done := lastIfZero(a.EstimatedDelivery.IsZero(), b.EstimatedDelivery.IsZero()); done {
			return c
		}
		return a.EstimatedDelivery.At.Compare(b.EstimatedDelivery.At)
	case FieldTitle:
		return strings.Compare(foldedTitle(a.TitleName), foldedTitle(b.TitleName))
	case "createdAt":
		return a.CreatedAt.Compare(b.CreatedAt)
	case "updatedAt":
		return a.UpdatedAt.Compare(b.UpdatedAt)
	case "id":
		return strings.Compare(a.ID, b.ID)
	}
	return strings.Compare(GroupValue(a, f), GroupValue(b, f))
}

// The cursor holds the sort values of the last row shown and its ID, so the
// next page starts right after it even when rows change meanwhile.
type cursor struct {
	V  []string `json:"v"`
	ID string   `json:"id"`
}

func encodeCursor(r *lot.Request, keys []SortKey) string {
	c := cursor{ID: r.ID}
	for _, k := range keys {
		switch k.Field {
		case "dueDate":
			c.V = append(c.V, r.DueDate.String())
		case "estimatedDeliveryDate":
			c.V = append(c.V, timeString(r.EstimatedDelivery.At))
		case "createdAt":
			c.V = append(c.V, timeString(r.CreatedAt))
		case "updatedAt":
			c.V = append(c.V, timeString(r.UpdatedAt))
		case FieldTitle:
			c.V = append(c.V, r.TitleName)
		default:
			c.V = append(c.V, GroupValue(r, k.Field))
		}
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// decodeCursor rebuilds a request with the cursor's sort values, to compare against.
func decodeCursor(s string, keys []SortKey) (*lot.Request, error) {
	bad := invalid("the cursor is not valid for this sort; start again without it")
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err != nil || json.Unmarshal(b, &c) != nil || len(c.V) != len(keys) || !lot.ValidID(c.ID) {
		return nil, bad
	}
	r := &lot.Request{ID: c.ID}
	for i, k := range keys {
		v := c.V[i]
		var err error
		switch k.Field {
		case "dueDate":
			if v != "" {
				r.DueDate, err = lot.ParseDate(v)
			}
		case "estimatedDeliveryDate", "createdAt", "updatedAt":
			var t time.Time
			if v != "" {
				t, err = time.Parse(time.RFC3339Nano, v)
			}
			switch k.Field {
			case "estimatedDeliveryDate":
				r.EstimatedDelivery.At = t
			case "createdAt":
				r.CreatedAt = t
			default:
				r.UpdatedAt = t
			}
		case FieldTitle:
			r.TitleName = v
		case FieldStatus:
			r.Status = lot.RequestStatus(v)
		case FieldMaterialStatus:
			r.MaterialStatus = lot.MaterialStatus(v)
		case FieldSourceType:
			r.SourceType = lot.SourceType(v)
		case FieldLanguage:
			r.Language = v
		case FieldServiceType:
			r.ServiceType = lot.ServiceType(v)
		case "id":
		}
		if err != nil {
			return nil, bad
		}
	}
	return r, nil
}

// rowHeap keeps the max smallest requests seen: a page costs O(n log max),
// not a sort of every match.
type rowHeap struct {
	items []*lot.Request
	less  func(a, b *lot.Request) bool
	max   int
}

func (h *rowHeap) Len() int           { return len(h.items) }
func (h *rowHeap) Less(i, j int) bool { return h.less(h.items[j], h.items[i]) } // the largest on top
func (h *rowHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *rowHeap) Push(x any)         { h.items = append(h.items, x.(*lot.Request)) }
func (h *rowHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

func (h *rowHeap) offer(r *lot.Request) {
	if len(h.items) < h.max {
		heap.Push(h, r)
		return
	}
	if h.less(r, h.items[0]) {
		h.items[0] = r
		heap.Fix(h, 0)
	}
}

func (h *rowHeap) sorted() []*lot.Request {
	out := slices.Clone(h.items)
	slices.SortFunc(out, func(a, b *lot.Request) int {
		if h.less(a, b) {
			return -1
		}
		if h.less(b, a) {
			return 1
		}
		return 0
	})
	return out
}
