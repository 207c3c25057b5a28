package search

import (
	"cmp"
	"container/heap"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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
// It builds an index first; to run many searches over the same requests,
// Build once and call Index.Run.
func Run(reqs []*lot.Request, q Query, now time.Time, rules Rules) (Result, error) {
	return Build(reqs).Run(q, now, rules)
}

// groupKey holds the values of up to four group fields.
type groupKey [4]uint64

// Run searches the index at instant now. Large indexes are scanned in
// chunks on every core, and the partial answers merged.
func (x *Index) Run(q Query, now time.Time, rules Rules) (Result, error) {
	c := newClock(now, rules)
	s := &scan{x: x, q: &q, dc: c.forDocs(), sorter: x.sorter(q.Sort), countryAt: slices.Index(q.Group, FieldCountry)}
	if q.Cursor != "" {
		var err error
		if s.after, s.afterID, err = x.decodeCursor(q.Cursor, q.Sort); err != nil {
			return Result{}, err
		}
	}
	s.p = x.compile(&q)
	s.wantRows = q.Bucket != "" || q.GroupKey != nil || len(q.Group) == 0
	if q.GroupKey != nil {
		k, ok := x.keyFor(q.Group, q.GroupKey)
		s.wanted, s.noGroup = k, !ok
	}
	n := len(x.docs)
	chunks := 1
	if n >= 20000 {
		chunks = min(runtime.GOMAXPROCS(0), 8)
	}
	parts := make([]*partial, chunks)
	var wg sync.WaitGroup
	for j := range chunks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[j] = s.run(j*n/chunks, (j+1)*n/chunks)
		}()
	}
	wg.Wait()

	res := Result{}
	groups := parts[0].groups
	top := s.heap()
	for _, pt := range parts {
		res.Total += pt.total
		res.Buckets.merge(pt.buckets)
		if pt != parts[0] {
			for k, g := range pt.groups {
				if have := groups[k]; have != nil {
					have.Total += g.Total
					have.Buckets.merge(g.Buckets)
				} else {
					groups[k] = g
				}
			}
		}
		for _, i := range pt.top.items {
			top.offer(i)
		}
	}
	res.Groups = make([]Group, 0, len(groups))
	for k, g := range groups {
		g.Key = make([]string, len(q.Group))
		for j, f := range q.Group {
			g.Key[j] = x.groupLabel(f, k[j])
		}
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
		res.Next = encodeCursor(x.reqs[page[len(page)-1]], q.Sort)
	}
	res.Rows = make([]Row, len(page))
	for i, di := range page {
		r := x.reqs[di]
		res.Rows[i] = Row{Request: r, Insight: c.explain(r, q.Bucket)}
	}
	return res, nil
}

// scan is one search over an index, shared (read-only) by its chunks.
type scan struct {
	x         *Index
	q         *Query
	p         *plan
	dc        docClock
	sorter    *sorter
	countryAt int
	after     []int64
	afterID   string
	wantRows  bool
	wanted    groupKey // with GroupKey: the group whose rows are wanted
	noGroup   bool     // GroupKey names a group no request is in
}

type partial struct {
	total   int
	buckets Counts
	groups  map[groupKey]*Group
	top     *rowHeap
}

func (s *scan) heap() *rowHeap {
	return &rowHeap{less: func(a, b int32) bool { return s.sorter.less(int(a), int(b)) }, max: s.q.Limit + 1}
}

var noCountry = []uint32{0}

// run scans requests lo to hi.
func (s *scan) run(lo, hi int) *partial {
	x, q := s.x, s.q
	pt := &partial{groups: map[groupKey]*Group{}, top: s.heap()}
	for i := lo; i < hi; i++ {
		if !s.p.match(x, i) {
			continue
		}
		in := s.dc.place(&x.docs[i])
		pt.total++
		pt.buckets.add(in)
		inGroup := q.GroupKey == nil
		if len(q.Group) > 0 {
			var k groupKey
			for j, f := range q.Group {
				if j != s.countryAt {
					k[j] = x.groupValue(i, f)
				}
			}
			countries := noCountry
			if s.countryAt >= 0 && len(x.docs[i].countries) > 0 {
				countries = x.docs[i].countries
			}
			for _, country := range countries {
				if s.countryAt >= 0 {
					k[s.countryAt] = uint64(country)
				}
				g := pt.groups[k]
				if g == nil {
					g = &Group{}
					pt.groups[k] = g
				}
				g.Total++
				g.Buckets.add(in)
				if !inGroup && !s.noGroup && k == s.wanted {
					inGroup = true
				}
			}
		}
		if s.wantRows && inGroup && in.in(q.Bucket) && (s.after == nil || s.sorter.after(i, s.after, s.afterID)) {
			pt.top.offer(int32(i))
		}
	}
	return pt
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

// naturalCompare orders numbers numerically and everything else as text.
func naturalCompare(a, b string) int {
	if x, err := strconv.ParseInt(a, 10, 64); err == nil {
		if y, err := strconv.ParseInt(b, 10, 64); err == nil {
			return cmp.Compare(x, y)
		}
	}
	return strings.Compare(a, b)
}

// rowHeap keeps the max smallest requests seen: a page costs O(n log max),
// not a sort of every match.
type rowHeap struct {
	items []int32
	less  func(a, b int32) bool
	max   int
}

func (h *rowHeap) Len() int           { return len(h.items) }
func (h *rowHeap) Less(i, j int) bool { return h.less(h.items[j], h.items[i]) } // the largest on top
func (h *rowHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *rowHeap) Push(x any)         { h.items = append(h.items, x.(int32)) }
func (h *rowHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

func (h *rowHeap) offer(r int32) {
	if len(h.items) < h.max {
		heap.Push(h, r)
		return
	}
	if h.less(r, h.items[0]) {
		h.items[0] = r
		heap.Fix(h, 0)
	}
}

func (h *rowHeap) sorted() []int32 {
	out := slices.Clone(h.items)
	slices.SortFunc(out, func(a, b int32) int {
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
