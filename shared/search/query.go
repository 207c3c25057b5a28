// Package search is openlot's one search engine: it parses search modifiers,
// filters requests, sorts them into the Insights and Asset States buckets,
// nests groupings and pages rows. It knows nothing of stores: it runs over the
// requests of the caller's scope, so every store gives the same answers.
package search

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/openlot/openlot/shared/lot"
)

// Field names a request attribute that can group, sort or be a column.
type Field string

// Group fields.
const (
	FieldSourceType         Field = "sourceType"
	FieldLanguage           Field = "language"
	FieldStatus             Field = "status"
	FieldMaterialStatus     Field = "materialStatus"
	FieldServiceType        Field = "serviceType"
	FieldContentPartner     Field = "contentPartner"
	FieldFulfillmentPartner Field = "fulfillmentPartner"
	FieldMovieType          Field = "movieType"
	FieldTitle              Field = "title"
	FieldPackageID          Field = "packageId"
	FieldCountry            Field = "country"
	FieldDueMonth           Field = "dueMonth"
)

// GroupFields are the fields group= accepts.
var GroupFields = []Field{FieldSourceType, FieldLanguage, FieldStatus, FieldMaterialStatus, FieldServiceType,
	FieldContentPartner, FieldFulfillmentPartner, FieldMovieType, FieldTitle, FieldPackageID, FieldCountry, FieldDueMonth}

// SortFields are the fields sort= accepts (prefix - for descending).
var SortFields = []Field{"dueDate", "estimatedDeliveryDate", FieldTitle, FieldStatus, FieldMaterialStatus,
	FieldSourceType, FieldLanguage, FieldServiceType, "createdAt", "updatedAt", "id"}

// Columns are the row fields columns= accepts; id is always included.
var Columns = []string{"id", "title", "movieId", "movieType", "isOriginal", "packageId", "countries", "sourceType",
	"language", "serviceType", "status", "materialStatus", "materialsAvailable", "dueDate", "estimatedDeliveryDate",
	"fulfillmentPartner", "subAssignee", "contentPartner", "issues", "deliveryStatus", "qcStatus", "insight", "why",
	"createdAt", "updatedAt"}

// ActionsColumn, named among the columns, has each row say what the caller
// may do to its request (the API computes it; it is no request field, so
// exports do not take it).
const ActionsColumn = "actions"

// DefaultColumns are the row fields when columns= is absent.
var DefaultColumns = []string{"id", "title", "sourceType", "language", "status", "materialStatus", "dueDate",
	"estimatedDeliveryDate", "fulfillmentPartner", "insight", "why"}

// Modifiers are the query parameters that filter.
var Modifiers = []string{"contentPartner", "fulfillmentPartner", "estimatedDeliveryDate", "dueDate", "status",
	"materialStatus", "language", "isOriginal", "movieType", "issues", "sourceType", "serviceType", "country",
	"title", "requestId", "packageId", "movieId", "deliveryStatus", "qcStatus"}

// SortKey is one sort field and its direction.
type SortKey struct {
	Field Field
	Desc  bool
}

// Query is a parsed search. Values of one modifier are OR-ed; modifiers are AND-ed.
type Query struct {
	ContentPartners     []string
	FulfillmentPartners []string
	EstimatedDelivery   []DateRange
	Due                 []DateRange
	Statuses            []lot.RequestStatus // empty: all but Cancelled
	AllStatuses         bool
	MaterialStatuses    []lot.MaterialStatus
	Languages           []string // lower-case BCP 47 tags or primary subtags
	IsOriginal          []bool
	MovieTypes          []lot.MovieType
	IssuesHas           bool
	IssuesNone          bool
	IssueNames          []string // folded
	SourceTypes         []lot.SourceType
	ServiceTypes        []lot.ServiceType
	Countries           []string // ISO 3166 alpha-2, upper case
	Titles              []string // folded fragments
	RequestIDs          []string
	PackageIDs          []int64
	MovieIDs            []int64
	// The status of the request's delivery (its newest transfer whose
	// upload finished) and of that delivery's QC; None: no such thing.
	DeliveryStatuses []lot.TransferStatus
	DeliveryNone     bool
	QCStatuses       []lot.QCStatus
	QCNone           bool

	Group    []Field
	Bucket   Bucket   // "" : no expansion
	GroupKey []string // with Bucket: the group (values in Group order) to expand
	Columns  []string
	Actions  bool // columns named actions: each row says what the caller may do to it
	Sort     []SortKey
	Cursor   string
	Limit    int

	params url.Values // the modifiers, groupings, columns, sort and bucket as given, for Encode
}

// MaxLimit is the largest page of rows.
const MaxLimit = lot.MaxPage

// DefaultLimit is the page size when limit= is absent.
const DefaultLimit = 50

func invalid(format string, args ...any) error { return lot.Errorf(lot.CodeInvalid, format, args...) }

// values splits every value of a parameter on commas, trims and drops
// empties. Titles are free text ("House, M.D."), so title values are not
// split: repeat the parameter to look for several.
func values(v url.Values, name string) []string {
	var out []string
	for _, raw := range v[name] {
		parts := strings.Split(raw, ",")
		if name == "title" {
			parts = []string{raw}
		}
		for _, s := range parts {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// Parse reads a search from query parameters. Unknown parameters are refused,
// so a typo never silently widens a search.
func Parse(v url.Values) (Query, error) {
	q := Query{Limit: DefaultLimit, params: url.Values{}}
	known := append(slices.Clone(Modifiers), "group", "bucket", "groupKey", "columns", "sort", "cursor", "limit", "template")
	for name := range v {
		if !slices.Contains(known, name) {
			return q, invalid("unknown search parameter %q; modifiers are %s", name, strings.Join(Modifiers, ", "))
		}
	}
	for _, name := range append(slices.Clone(Modifiers), "group") {
		if vs := values(v, name); len(vs) > 0 {
			if name == "title" {
				q.params[name] = vs
			} else {
				q.params.Set(name, strings.Join(vs, ","))
			}
		}
	}
	var err error
	q.ContentPartners = lowerAll(values(v, "contentPartner"))
	q.FulfillmentPartners = lowerAll(values(v, "fulfillmentPartner"))
	if q.EstimatedDelivery, err = parseRanges(values(v, "estimatedDeliveryDate"), "estimatedDeliveryDate"); err != nil {
		return q, err
	}
	if q.Due, err = parseRanges(values(v, "dueDate"), "dueDate"); err != nil {
		return q, err
	}
	for _, s := range values(v, "status") {
		if strings.EqualFold(s, "all") {
			q.AllStatuses = true
			continue
		}
		st, err := lot.ParseRequestStatus(s)
		if err != nil {
			return q, err
		}
		q.Statuses = append(q.Statuses, st)
	}
	if q.MaterialStatuses, err = parseEach(values(v, "materialStatus"), lot.ParseMaterialStatus); err != nil {
		return q, err
	}
	for _, s := range values(v, "language") {
		tag, err := ParseLanguage(s)
		if err != nil {
			return q, err
		}
		q.Languages = append(q.Languages, tag)
	}
	for _, s := range values(v, "isOriginal") {
		switch strings.ToLower(s) {
		case "yes", "true", "original":
			q.IsOriginal = append(q.IsOriginal, true)
		case "no", "false", "licensed":
			q.IsOriginal = append(q.IsOriginal, false)
		default:
			return q, invalid("isOriginal takes yes or no, not %q", s)
		}
	}
	if q.MovieTypes, err = parseEach(values(v, "movieType"), lot.ParseMovieType); err != nil {
		return q, err
	}
	for _, s := range values(v, "issues") {
		switch f := fold(s); f {
		case "has", "has issues", "any":
			q.IssuesHas = true
		case "none", "does not have issues", "no issues":
			q.IssuesNone = true
		default:
			q.IssueNames = append(q.IssueNames, f)
		}
	}
	if q.SourceTypes, err = parseEach(values(v, "sourceType"), lot.ParseSourceType); err != nil {
		return q, err
	}
	if q.ServiceTypes, err = parseEach(values(v, "serviceType"), lot.ParseServiceType); err != nil {
		return q, err
	}
	for _, s := range values(v, "country") {
		c, err := parseCountry(s)
		if err != nil {
			return q, err
		}
		q.Countries = append(q.Countries, c)
	}
	for _, s := range values(v, "title") {
		if f := fold(s); f != "" {
			q.Titles = append(q.Titles, f)
		}
	}
	for _, s := range values(v, "requestId") {
		if !lot.ValidID(strings.ToLower(s)) {
			return q, invalid("requestId %q is not an openlot ID", truncate(s))
		}
		q.RequestIDs = append(q.RequestIDs, strings.ToLower(s))
	}
	if q.PackageIDs, err = parseInts(values(v, "packageId"), "packageId"); err != nil {
		return q, err
	}
	if q.MovieIDs, err = parseInts(values(v, "movieId"), "movieId"); err != nil {
		return q, err
	}
	if q.DeliveryStatuses, q.DeliveryNone, err = parseOrNone(values(v, "deliveryStatus"), lot.ParseTransferStatus, "requests without a delivery"); err != nil {
		return q, err
	}
	if q.QCStatuses, q.QCNone, err = parseOrNone(values(v, "qcStatus"), lot.ParseQCStatus, "requests whose delivery has no QC"); err != nil {
		return q, err
	}
	for _, s := range values(v, "group") {
		f := Field(s)
		if i := slices.IndexFunc(GroupFields, func(g Field) bool { return strings.EqualFold(string(g), s) }); i >= 0 {
			f = GroupFields[i]
		} else {
			return q, invalid("cannot group by %q; group by any of %s", truncate(s), joinFields(GroupFields))
		}
		if slices.Contains(q.Group, f) {
			return q, invalid("group names %s twice", f)
		}
		q.Group = append(q.Group, f)
	}
	if len(q.Group) > 4 {
		return q, invalid("at most 4 nested groupings")
	}
	if b := v.Get("bucket"); b != "" {
		i := slices.IndexFunc(Buckets, func(x Bucket) bool { return strings.EqualFold(string(x), b) })
		if i < 0 {
			return q, invalid("bucket %q is not one of %s", truncate(b), joinFields(Buckets))
		}
		q.Bucket = Buckets[i]
	}
	if gk, ok := v["groupKey"]; ok && len(gk) > 0 {
		if len(q.Group) == 0 {
			return q, invalid("groupKey needs group")
		}
		q.GroupKey = strings.Split(gk[0], "|")
		if len(q.GroupKey) != len(q.Group) {
			return q, invalid("groupKey has %d values separated by |, group has %d fields", len(q.GroupKey), len(q.Group))
		}
	}
	q.Columns = DefaultColumns
	if cs := values(v, "columns"); len(cs) > 0 {
		q.Columns = []string{"id"}
		var named []string // as asked, for Encode
		for _, c := range cs {
			if strings.EqualFold(c, ActionsColumn) {
				q.Actions = true
				named = append(named, ActionsColumn)
				continue
			}
			i := slices.IndexFunc(Columns, func(x string) bool { return strings.EqualFold(x, c) })
			if i < 0 {
				return q, invalid("column %q is not one of %s, %s", truncate(c), strings.Join(Columns, ", "), ActionsColumn)
			}
			if !slices.Contains(q.Columns, Columns[i]) {
				q.Columns = append(q.Columns, Columns[i])
			}
			named = append(named, Columns[i])
		}
		q.params.Set("columns", strings.Join(named, ","))
	}
	var sorts []string
	for _, s := range values(v, "sort") {
		k := SortKey{Field: Field(strings.TrimPrefix(s, "-")), Desc: strings.HasPrefix(s, "-")}
		i := slices.IndexFunc(SortFields, func(f Field) bool { return strings.EqualFold(string(f), string(k.Field)) })
		if i < 0 {
			return q, invalid("cannot sort by %q; sort by any of %s (prefix - for descending)", truncate(s), joinFields(SortFields))
		}
		k.Field = SortFields[i]
		q.Sort = append(q.Sort, k)
		if k.Desc {
			sorts = append(sorts, "-"+string(k.Field))
		} else {
			sorts = append(sorts, string(k.Field))
		}
	}
	if len(sorts) > 0 {
		q.params.Set("sort", strings.Join(sorts, ","))
	}
	if q.Bucket != "" {
		q.params.Set("bucket", string(q.Bucket))
	}
	if len(q.Sort) == 0 {
		q.Sort = []SortKey{{Field: "dueDate"}}
	}
	q.Cursor = v.Get("cursor")
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > MaxLimit {
			return q, invalid("limit must be 1 to %d", MaxLimit)
		}
		q.Limit = n
	}
	return q, nil
}

// parseOrNone reads the values of a modifier that also takes none (the
// requests without the thing, named by without); a bad value's error lists
// the valid ones and none.
func parseOrNone[T any](vals []string, parse func(string) (T, error), without string) (out []T, none bool, err error) {
	for _, s := range vals {
		if f := fold(s); f == "none" || f == "no delivery" || f == "no qc" {
			none = true
			continue
		}
		x, err := parse(s)
		if err != nil {
			var le *lot.Error
			if errors.As(err, &le) {
				return nil, false, lot.Errorf(le.Code, "%s, or none for %s", le.Message, without)
			}
			return nil, false, err
		}
		out = append(out, x)
	}
	return out, none, nil
}

// Encode returns the modifiers, groupings, columns, sort and bucket of q as
// query parameters (what a saved template keeps; paging and groupKey are
// left out).
func (q Query) Encode() url.Values {
	out := url.Values{}
	for k, v := range q.params {
		out[k] = slices.Clone(v)
	}
	return out
}

func lowerAll(in []string) []string {
	for i := range in {
		in[i] = strings.ToLower(in[i])
	}
	return in
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func joinFields[T ~string](fs []T) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return strings.Join(out, ", ")
}

func parseEach[T any](in []string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for _, s := range in {
		v, err := parse(s)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func parseInts(in []string, name string) ([]int64, error) {
	var out []int64
	for _, s := range in {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, invalid("%s %q is not a positive number", name, truncate(s))
		}
		out = append(out, n)
	}
	return out, nil
}

// DateRange is an inclusive range of days; a zero end is open.
type DateRange struct{ From, To lot.Date }

// Contains reports whether d is in the range.
func (r DateRange) Contains(d lot.Date) bool {
	return !d.IsZero() && (r.From.IsZero() || !d.Before(r.From)) && (r.To.IsZero() || !r.To.Before(d))
}

// parsePeriod reads 2026, 2026-04 or 2026-04-12 as its first and last day.
func parsePeriod(s string) (DateRange, error) {
	switch len(s) {
	case 4:
		y, err := strconv.Atoi(s)
		if err != nil || y < 1900 || y > 2999 {
			break
		}
		return DateRange{lot.Date{Year: y, Month: 1, Day: 1}, lot.Date{Year: y, Month: 12, Day: 31}}, nil
	case 7:
		d, err := lot.ParseDate(s + "-01")
		if err != nil {
			break
		}
		return DateRange{d, lot.DateOf(d.Time().AddDate(0, 1, -1))}, nil
	case 10:
		d, err := lot.ParseDate(s)
		if err != nil {
			break
		}
		return DateRange{d, d}, nil
	}
	return DateRange{}, fmt.Errorf("bad period")
}

// parseRanges reads periods and ranges (2026-04..2026-06, 2026-04.., ..2026).
func parseRanges(in []string, name string) ([]DateRange, error) {
	var out []DateRange
	for _, s := range in {
		bad := invalid("%s %q: use a year (2026), a month (2026-04), a day (2026-04-12) or a range (2026-04..2026-06)", name, truncate(s))
		from, to, isRange := strings.Cut(s, "..")
		if !isRange {
			r, err := parsePeriod(s)
			if err != nil {
				return nil, bad
			}
			out = append(out, r)
			continue
		}
		var r DateRange
		if from != "" {
			f, err := parsePeriod(from)
			if err != nil {
				return nil, bad
			}
			r.From = f.From
		}
		if to != "" {
			t, err := parsePeriod(to)
			if err != nil {
				return nil, bad
			}
			r.To = t.To
		}
		if from == "" && to == "" || !r.From.IsZero() && !r.To.IsZero() && r.To.Before(r.From) {
			return nil, bad
		}
		out = append(out, r)
	}
	return out, nil
}
