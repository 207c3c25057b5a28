package search

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// ranking orders a set of strings by a sort key: values with equal keys get
// equal ranks, and a key not in the set ranks between its neighbours (odd).
type ranking struct {
	sorted []string // distinct keys, ascending
	of     []int64  // rank of each value, by its number
}

func newRanking(vals []string, key func(string) string) ranking {
	keys := make([]string, len(vals))
	for i, v := range vals {
		keys[i] = key(v)
	}
	r := ranking{sorted: slices.Compact(slices.Sorted(slices.Values(keys))), of: make([]int64, len(vals))}
	for i, k := range keys {
		r.of[i] = r.rankOf(k)
	}
	return r
}

func (r ranking) rankOf(key string) int64 {
	i, found := slices.BinarySearch(r.sorted, key)
	if found {
		return int64(i) * 2
	}
	return int64(i)*2 - 1
}

func enumRanking[T ~string](all []T) ranking {
	vals := []string{""}
	for _, v := range all {
		vals = append(vals, string(v))
	}
	return newRanking(vals, func(s string) string { return s })
}

var (
	statusRank   = enumRanking(lot.RequestStatuses)
	materialRank = enumRanking(lot.MaterialStatuses)
	sourceRank   = enumRanking(lot.SourceTypes)
	serviceRank  = enumRanking(lot.ServiceTypes)
	movieRank    = enumRanking(lot.MovieTypes)
)

func identity(s string) string { return s }

// sorter orders indexed requests by sort keys, then by ID.
type sorter struct {
	x    *Index
	keys []SortKey
}

func (x *Index) sorter(keys []SortKey) *sorter { return &sorter{x: x, keys: keys} }

// key is request i's number for field f. Missing dates are the largest.
func (s *sorter) key(i int, f Field) int64 {
	o := &s.x.docs[i]
	switch f {
	case "dueDate":
		if o.due == 0 {
			return math.MaxInt64
		}
		return int64(o.due)
	case "estimatedDeliveryDate":
		if o.eddAt == 0 {
			return math.MaxInt64
		}
		return o.eddAt
	case "createdAt":
		return o.created
	case "updatedAt":
		return o.updated
	case FieldTitle:
		return s.x.dict.titleRank.of[o.title]
	case FieldLanguage:
		return s.x.dict.languageRank.of[o.lang]
	case FieldStatus:
		return statusRank.of[o.status]
	case FieldMaterialStatus:
		return materialRank.of[o.material]
	case FieldSourceType:
		return sourceRank.of[o.source]
	case FieldServiceType:
		return serviceRank.of[o.service]
	case FieldMovieType:
		return movieRank.of[o.movieType]
	}
	return 0
}

func (s *sorter) less(a, b int) bool {
	for _, k := range s.keys {
		if va, vb := s.key(a, k.Field), s.key(b, k.Field); va != vb {
			return (va < vb) != k.Desc
		}
	}
	return s.x.reqs[a].ID < s.x.reqs[b].ID
}

// after reports whether request i sorts after the cursor position.
func (s *sorter) after(i int, cur []int64, curID string) bool {
	for j, k := range s.keys {
		if v := s.key(i, k.Field); v != cur[j] {
			return (v > cur[j]) != k.Desc
		}
	}
	return s.x.reqs[i].ID > curID
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

// decodeCursor turns a cursor into the sort numbers of its position.
func (x *Index) decodeCursor(s string, keys []SortKey) ([]int64, string, error) {
	bad := invalid("the cursor is not valid for this sort; start again without it")
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err != nil || json.Unmarshal(b, &c) != nil || len(c.V) != len(keys) || !lot.ValidID(c.ID) {
		return nil, "", bad
	}
	out := make([]int64, len(keys))
	for i, k := range keys {
		v := c.V[i]
		switch k.Field {
		case "dueDate":
			out[i] = math.MaxInt64
			if v != "" {
				d, err := lot.ParseDate(v)
				if err != nil {
					return nil, "", bad
				}
				out[i] = int64(d.Ord())
			}
		case "estimatedDeliveryDate", "createdAt", "updatedAt":
			if v == "" {
				if k.Field == "estimatedDeliveryDate" {
					out[i] = math.MaxInt64
				}
				continue
			}
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return nil, "", bad
			}
			out[i] = t.UnixNano()
		case FieldTitle:
			out[i] = x.dict.titleRank.rankOf(foldedTitle(v))
		case FieldLanguage:
			out[i] = x.dict.languageRank.rankOf(v)
		case FieldStatus:
			out[i] = statusRank.rankOf(v)
		case FieldMaterialStatus:
			out[i] = materialRank.rankOf(v)
		case FieldSourceType:
			out[i] = sourceRank.rankOf(v)
		case FieldServiceType:
			out[i] = serviceRank.rankOf(v)
		case FieldMovieType:
			out[i] = movieRank.rankOf(v)
		}
	}
	return out, c.ID, nil
}
