package search_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

var now = time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)
var today = lot.Date{Year: 2026, Month: 11, Day: 22}

var (
	titles    = []string{"House, M.D.", "House of Cards", "Amélie", "Dark", "The Crown: Season 2", "La Casa de Papel"}
	fps       = []string{"juniper", "lumen", "harbor"}
	cps       = []string{"northstar", "aurora"}
	languages = []string{"es-419", "es-ES", "pt-BR", "ko", "ja", ""}
	countries = []string{"US", "KR", "MX", "ES", "JP"}
	issues    = []string{"Content Typos", "Forced Narrative", "Color issues"}
)

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// randomRequests builds n requests spread over every value the modifiers test.
func randomRequests(rng *rand.Rand, n int) []*lot.Request {
	out := make([]*lot.Request, n)
	for i := range out {
		r := &lot.Request{
			ID:                 fmt.Sprintf("0190f0f0-0000-7000-8000-%012d", i),
			MovieID:            int64(80000000 + rng.IntN(6)),
			PackageID:          int64(1000 + rng.IntN(8)),
			SourceType:         pick(rng, lot.SourceTypes),
			Language:           pick(rng, languages),
			ServiceType:        pick(rng, lot.ServiceTypes),
			DueDate:            today.AddDays(rng.IntN(60) - 20),
			Status:             pick(rng, lot.RequestStatuses),
			MaterialStatus:     pick(rng, lot.MaterialStatuses),
			MaterialsAvailable: rng.IntN(5) == 0,
			FulfillmentPartner: pick(rng, fps),
			ContentPartner:     pick(rng, cps),
			MovieType:          pick(rng, lot.MovieTypes),
			IsOriginal:         rng.IntN(2) == 0,
			CreatedAt:          now.Add(-time.Duration(rng.IntN(1000)) * time.Hour),
		}
		r.TitleName = titles[r.MovieID%int64(len(titles))]
		r.UpdatedAt = r.CreatedAt.Add(time.Duration(rng.IntN(100)) * time.Minute)
		if rng.IntN(4) == 0 {
			r.SubAssignee = pick(rng, fps)
		}
		for range rng.IntN(3) {
			r.Issues = append(r.Issues, pick(rng, issues))
		}
		r.Issues = slices.Compact(r.Issues)
		for range rng.IntN(3) {
			if c := pick(rng, countries); !slices.Contains(r.Countries, c) {
				r.Countries = append(r.Countries, c)
			}
		}
		if rng.IntN(2) == 0 { // a delivery, and sometimes its QC
			r.DeliveryID = fmt.Sprintf("0190f0f0-0000-7000-9000-%012d", i)
			r.DeliveryStatus = pick(rng, lot.TransferStatuses)
			if rng.IntN(2) == 0 {
				r.QCStatus = pick(rng, lot.QCStatuses)
			}
		}
		if rng.IntN(3) == 0 {
			zone := pick(rng, []string{"UTC", "America/Los_Angeles", "Asia/Seoul"})
			r.EstimatedDelivery = lot.EDD{At: now.Add(time.Duration(rng.IntN(60*24)-10*24) * time.Hour), Zone: zone}
		}
		out[i] = r
	}
	return out
}

// A random set of modifiers, each with one or two values.
func randomParams(rng *rand.Rand) url.Values {
	v := url.Values{}
	gens := map[string]func() string{
		"status":             func() string { return string(pick(rng, lot.RequestStatuses)) },
		"sourceType":         func() string { return string(pick(rng, lot.SourceTypes)) },
		"materialStatus":     func() string { return pick(rng, lot.MaterialStatuses).Name() },
		"serviceType":        func() string { return string(pick(rng, lot.ServiceTypes)) },
		"movieType":          func() string { return string(pick(rng, lot.MovieTypes)) },
		"isOriginal":         func() string { return pick(rng, []string{"yes", "no"}) },
		"contentPartner":     func() string { return pick(rng, cps) },
		"fulfillmentPartner": func() string { return pick(rng, fps) },
		"language":           func() string { return pick(rng, []string{"es", "es-419", "Korean", "pt-br"}) },
		"country":            func() string { return pick(rng, []string{"KR", "Korea", "mx", "Japan"}) },
		"issues":             func() string { return pick(rng, []string{"has", "none", "content typos"}) },
		"title":              func() string { return pick(rng, []string{"house md", "house", "AMELIE", "papel"}) },
		"dueDate": func() string {
			return pick(rng, []string{"2026", "2026-11", "2026-12-01", "2026-11-20..2026-12-05", "2026-12.."})
		},
		"estimatedDeliveryDate": func() string {
			return pick(rng, []string{"2026-11", "2026-11-25..2026-12-31", "..2026-11-30"})
		},
		"packageId": func() string { return fmt.Sprint(1000 + rng.IntN(8)) },
		"deliveryStatus": func() string {
			if rng.IntN(4) == 0 {
				return "none"
			}
			return pick(rng, lot.TransferStatuses).Name()
		},
		"qcStatus": func() string {
			if rng.IntN(4) == 0 {
				return "None"
			}
			return string(pick(rng, lot.QCStatuses))
		},
	}
	names := make([]string, 0, len(gens))
	for k := range gens {
		names = append(names, k)
	}
	sort.Strings(names)
	for range rng.IntN(4) {
		name := pick(rng, names)
		vals := []string{gens[name]()}
		if rng.IntN(3) == 0 {
			vals = append(vals, gens[name]())
		}
		if name == "title" { // free text: repeated, not comma-separated
			v[name] = vals
		} else {
			v.Set(name, strings.Join(vals, ","))
		}
	}
	if rng.IntN(6) == 0 {
		v.Set("status", v.Get("status")+",All")
	}
	return v
}

// ---- the reference: the rules of the issue, written out plainly ----

func refMatch(r *lot.Request, v url.Values) bool {
	has := func(name string, ok func(string) bool) bool {
		if v.Get(name) == "" {
			return true
		}
		vals := v[name]
		if name != "title" {
			vals = strings.Split(v.Get(name), ",")
		}
		for _, s := range vals {
			if ok(s) {
				return true
			}
		}
		return false
	}
	statuses := v.Get("status")
	switch {
	case strings.Contains(statuses, "All"):
	case statuses == "":
		if r.Status == lot.StatusCancelled {
			return false
		}
	default:
		if !has("status", func(s string) bool { return s == string(r.Status) }) {
			return false
		}
	}
	lower := strings.ToLower
	inPeriod := func(d lot.Date, s string) bool {
		if d.IsZero() {
			return false
		}
		ds := d.String()
		from, to, isRange := strings.Cut(s, "..")
		if !isRange {
			return strings.HasPrefix(ds, s)
		}
		return (from == "" || ds >= from || strings.HasPrefix(ds, from)) && (to == "" || ds <= to || strings.HasPrefix(ds, to))
	}
	countryOf := map[string]string{"KR": "KR", "Korea": "KR", "mx": "MX", "Japan": "JP"}
	langOf := map[string]string{"es": "es", "es-419": "es-419", "Korean": "ko", "pt-br": "pt-br"}
	titleOf := map[string]string{"house md": "House, M.D.", "AMELIE": "Amélie", "papel": "La Casa de Papel"}
	return has("sourceType", func(s string) bool { return s == string(r.SourceType) }) &&
		has("materialStatus", func(s string) bool { return s == r.MaterialStatus.Name() }) &&
		has("serviceType", func(s string) bool { return s == string(r.ServiceType) }) &&
		has("movieType", func(s string) bool { return s == string(r.MovieType) }) &&
		has("isOriginal", func(s string) bool { return (s == "yes") == r.IsOriginal }) &&
		has("contentPartner", func(s string) bool { return s == r.ContentPartner }) &&
		has("fulfillmentPartner", func(s string) bool { return s == r.FulfillmentPartner || s == r.SubAssignee }) &&
		has("language", func(s string) bool {
			l, want := lower(r.Language), lower(langOf[s])
			return l == want || !strings.Contains(want, "-") && strings.HasPrefix(l, want+"-")
		}) &&
		has("country", func(s string) bool { return slices.Contains(r.Countries, countryOf[s]) }) &&
		has("issues", func(s string) bool {
			switch s {
			case "has":
				return len(r.Issues) > 0
			case "none":
				return len(r.Issues) == 0
			}
			return slices.Contains(r.Issues, "Content Typos")
		}) &&
		has("title", func(s string) bool {
			if s == "house" {
				return strings.HasPrefix(r.TitleName, "House")
			}
			return r.TitleName == titleOf[s]
		}) &&
		has("dueDate", func(s string) bool { return inPeriod(r.DueDate, s) }) &&
		has("estimatedDeliveryDate", func(s string) bool {
			return !r.EstimatedDelivery.IsZero() && inPeriod(lot.DateOf(r.EstimatedDelivery.Local()), s)
		}) &&
		has("packageId", func(s string) bool { return s == fmt.Sprint(r.PackageID) }) &&
		has("deliveryStatus", func(s string) bool {
			return s == "none" && r.DeliveryStatus == "" || r.DeliveryStatus != "" && s == r.DeliveryStatus.Name()
		}) &&
		has("qcStatus", func(s string) bool { return s == "None" && r.QCStatus == "" || s == string(r.QCStatus) && s != "" })
}

// refBuckets names every bucket r is in, straight from the issue's rules
// (open and usable materials as lot defines them).
func refBuckets(r *lot.Request) []search.Bucket {
	if !r.Status.IsOpen() {
		return nil
	}
	days := func(d lot.Date) int { return int(d.Time().Sub(today.Time()).Hours() / 24) }
	due := days(r.DueDate)
	edd := r.EstimatedDelivery
	materials := r.MaterialStatus.Usable() || r.MaterialsAvailable
	out := []search.Bucket{search.BucketRequests}
	if materials {
		out = append(out, search.BucketMaterialsAvailable)
	} else {
		out = append(out, search.BucketAwaitingMaterials)
	}
	switch r.DeliveryStatus { // delivered and in inspection: on track, not overdue undelivered
	case lot.TransferPendingInspection, lot.TransferWaitingForPrimary, lot.TransferInternalError:
		return append(out, search.BucketOnTrack)
	}
	critical := due <= 2 || !edd.IsZero() && edd.At.Before(now)
	atRisk := !critical && (due <= 7 || !edd.IsZero() && lot.DateOf(edd.Local()).String() > r.DueDate.String() || !materials && due <= 10)
	switch {
	case critical:
		out = append(out, search.BucketCritical)
	case atRisk:
		out = append(out, search.BucketAtRisk)
	default:
		out = append(out, search.BucketOnTrack)
	}
	if due < 0 {
		out = append(out, search.BucketOverdueUndelivered)
	}
	return out
}

func counts(rs []*lot.Request) map[search.Bucket]int {
	out := map[search.Bucket]int{}
	for _, r := range rs {
		for _, b := range refBuckets(r) {
			out[b]++
		}
	}
	return out
}

func sameCounts(t *testing.T, what string, got search.Counts, want map[search.Bucket]int) {
	t.Helper()
	for _, b := range search.Buckets {
		if got.Get(b) != want[b] {
			t.Fatalf("%s: bucket %s = %d, want %d", what, b, got.Get(b), want[b])
		}
	}
}

func mustParse(t *testing.T, v url.Values) search.Query {
	t.Helper()
	q, err := search.Parse(v)
	if err != nil {
		t.Fatalf("parse %v: %v", v, err)
	}
	return q
}

func TestEngineAgreesWithTheReference(t *testing.T) {
	// Ensures totals, every bucket, every group and every expanded bucket's
	// rows (paged to the end) match a plain reading of the rules, over random
	// requests and random modifier sets.
	agreeWithReference(t, rand.New(rand.NewPCG(7, 11)), 3000, 300)
}

func TestLargeIndexesAgreeToo(t *testing.T) {
	// Ensures the same over an index large enough to be scanned in parallel
	// chunks whose partial answers are merged.
	agreeWithReference(t, rand.New(rand.NewPCG(3, 5)), 25000, 8)
}

func agreeWithReference(t *testing.T, rng *rand.Rand, size, searches int) {
	reqs := randomRequests(rng, size)
	groupings := [][]string{nil, {"sourceType"}, {"sourceType", "language"}, {"country"}, {"status", "dueMonth"}, {"fulfillmentPartner", "materialStatus"}}
	for i := range searches {
		v := randomParams(rng)
		var want []*lot.Request
		for _, r := range reqs {
			if refMatch(r, v) {
				want = append(want, r)
			}
		}
		group := groupings[i%len(groupings)]
		if group != nil {
			v.Set("group", strings.Join(group, ","))
		}
		what := fmt.Sprintf("search %d %v", i, v)
		res, err := search.Run(reqs, mustParse(t, v), now, search.DefaultRules)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != len(want) {
			t.Fatalf("%s: total %d, want %d", what, res.Total, len(want))
		}
		sameCounts(t, what, res.Buckets, counts(want))
		if group != nil {
			byKey := map[string][]*lot.Request{}
			for _, r := range want {
				cs := []string{""}
				if slices.Contains(group, "country") && len(r.Countries) > 0 {
					cs = r.Countries
				}
				for _, c := range cs {
					var key []string
					for _, f := range group {
						switch f {
						case "country":
							key = append(key, c)
						case "dueMonth":
							key = append(key, r.DueDate.String()[:7])
						default:
							key = append(key, search.GroupValue(r, search.Field(f)))
						}
					}
					byKey[strings.Join(key, "|")] = append(byKey[strings.Join(key, "|")], r)
				}
			}
			if len(res.Groups) != len(byKey) {
				t.Fatalf("%s: %d groups, want %d", what, len(res.Groups), len(byKey))
			}
			for _, g := range res.Groups {
				members := byKey[strings.Join(g.Key, "|")]
				if g.Total != len(members) {
					t.Fatalf("%s: group %v total %d, want %d", what, g.Key, g.Total, len(members))
				}
				sameCounts(t, fmt.Sprintf("%s group %v", what, g.Key), g.Buckets, counts(members))
			}
			if len(res.Rows) != 0 {
				t.Fatalf("%s: grouped search without a bucket returned rows", what)
			}
			if len(res.Groups) > 0 { // expand a bucket within one group, through every page
				g := res.Groups[rng.IntN(len(res.Groups))]
				b := pick(rng, search.Buckets)
				v2 := url.Values{}
				for k, vs := range v {
					v2[k] = vs
				}
				v2.Set("bucket", string(b))
				v2.Set("groupKey", strings.Join(g.Key, "|"))
				expectRows(t, what+" bucket "+string(b), reqs, v2, byKey[strings.Join(g.Key, "|")], b, rng)
			}
			continue
		}
		b := pick(rng, append([]search.Bucket{""}, search.Buckets...))
		v.Set("bucket", string(b))
		if b == "" {
			v.Del("bucket")
		}
		expectRows(t, what+" bucket "+string(b), reqs, v, want, b, rng)
	}
}

// expectRows pages through a search with a random sort and page size and
// checks the rows are exactly the members in bucket b, in sort order.
func expectRows(t *testing.T, what string, reqs []*lot.Request, v url.Values, members []*lot.Request, b search.Bucket, rng *rand.Rand) {
	t.Helper()
	var want []*lot.Request
	for _, r := range members {
		if b == "" || slices.Contains(refBuckets(r), b) {
			want = append(want, r)
		}
	}
	sortBy := pick(rng, []string{"", "dueDate", "-dueDate", "title,-updatedAt", "estimatedDeliveryDate", "status,sourceType"})
	if sortBy != "" {
		v.Set("sort", sortBy)
	}
	q := mustParse(t, v)
	slices.SortFunc(want, func(a, b *lot.Request) int { return refCompare(a, b, q.Sort) })
	v.Set("limit", fmt.Sprint(5+rng.IntN(120)))
	if len(want) > 3000 {
		v.Set("limit", "500")
	}
	var got []string
	for pages := 0; ; pages++ {
		res, err := search.Run(reqs, mustParse(t, v), now, search.DefaultRules)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range res.Rows {
			got = append(got, row.Request.ID)
			if row.Insight.Why == "" {
				t.Fatalf("%s: row %s has no why", what, row.Request.ID)
			}
		}
		if res.Next == "" || pages > 3000 {
			break
		}
		v.Set("cursor", res.Next)
	}
	ids := make([]string, len(want))
	for i, r := range want {
		ids[i] = r.ID
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("%s sort %q: rows\n got %d %v\nwant %d %v", what, sortBy, len(got), head(got), len(ids), head(ids))
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// refCompare sorts the plain way: by each key, then ID; missing dates last.
func refCompare(a, b *lot.Request, keys []search.SortKey) int {
	for _, k := range keys {
		var x, y string
		switch k.Field {
		case "dueDate":
			x, y = a.DueDate.String(), b.DueDate.String()
		case "estimatedDeliveryDate":
			x, y = a.EstimatedDelivery.At.UTC().Format(time.RFC3339Nano), b.EstimatedDelivery.At.UTC().Format(time.RFC3339Nano)
			if a.EstimatedDelivery.IsZero() {
				x = "~"
			}
			if b.EstimatedDelivery.IsZero() {
				y = "~"
			}
		case "title":
			x, y = strings.ToLower(strings.NewReplacer(",", "", ".", "", "é", "e").Replace(a.TitleName)), strings.ToLower(strings.NewReplacer(",", "", ".", "", "é", "e").Replace(b.TitleName))
		case "updatedAt":
			x, y = a.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000"), b.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000")
		default:
			x, y = search.GroupValue(a, k.Field), search.GroupValue(b, k.Field)
		}
		c := strings.Compare(x, y)
		if k.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(a.ID, b.ID)
}

func TestModifierParsing(t *testing.T) {
	// Ensures modifiers read the way the glossary promises and bad input is
	// refused with a clear invalid error.
	q := mustParse(t, url.Values{"dueDate": {"2026-04..2026-06"}, "title": {"House, M.D."}, "country": {"Korea,jp"},
		"language": {"Spanish"}, "status": {"open,Redelivery Requested"}, "group": {"sourceType,language"}})
	r := q.Due[0]
	if r.From.String() != "2026-04-01" {
		t.Errorf("month range starts %v, want 2026-04-01", r.From)
	}
	if r.To.String() != "2026-06-30" {
		t.Errorf("month range ends %v, want 2026-06-30", r.To)
	}
	if q.Titles[0] != "house md" {
		t.Errorf("title %q, want %q", q.Titles[0], "house md")
	}
	if want := []string{"KR", "JP"}; !slices.Equal(q.Countries, want) {
		t.Errorf("countries %v, want %v", q.Countries, want)
	}
	if q.Languages[0] != "es" {
		t.Errorf("language %q, want es", q.Languages[0])
	}
	if len(q.Statuses) != 2 {
		t.Errorf("statuses %v, want 2", q.Statuses)
	}
	if len(q.Group) != 2 {
		t.Errorf("group %v, want 2 keys", q.Group)
	}
	// Deliveries and QC by code or display name, or none.
	dq := mustParse(t, url.Values{"deliveryStatus": {"Pending Inspection,WAITING_FOR_PRIMARY,none"}, "qcStatus": {"passed with issues,Passed"}})
	if want := []lot.TransferStatus{lot.TransferPendingInspection, lot.TransferWaitingForPrimary}; !slices.Equal(dq.DeliveryStatuses, want) || !dq.DeliveryNone {
		t.Errorf("deliveryStatus read as %v (none %v)", dq.DeliveryStatuses, dq.DeliveryNone)
	}
	if want := []lot.QCStatus{lot.QCPassedWithIssues, lot.QCPassed}; !slices.Equal(dq.QCStatuses, want) || dq.QCNone {
		t.Errorf("qcStatus read as %v (none %v)", dq.QCStatuses, dq.QCNone)
	}
	if _, err := search.Parse(url.Values{"qcStatus": {"Done"}}); err == nil || !strings.Contains(err.Error(), "PASSED_WITH_ISSUES") {
		t.Errorf("a bad QC status should list the valid ones: %v", err)
	}
	enc := q.Encode()
	if got := enc.Get("group"); got != "sourceType,language" {
		t.Errorf("encoded group %q, want %q", got, "sourceType,language")
	}
	if got := enc.Get("title"); got != "House, M.D." {
		t.Errorf("encoded title %q, want %q", got, "House, M.D.")
	}
	for _, bad := range []url.Values{
		{"dueDate": {"April"}}, {"dueDate": {"2026-13"}}, {"dueDate": {"2026-06..2026-04"}}, {"status": {"Pending"}},
		{"group": {"colour"}}, {"group": {"title,title"}}, {"bucket": {"urgent"}}, {"limit": {"501"}},
		{"limit": {"0"}}, {"sort": {"size"}}, {"columns": {"secret"}}, {"country": {"Atlantis"}},
		{"requestId": {"42"}}, {"packageId": {"-1"}}, {"isOriginal": {"maybe"}}, {"colour": {"red"}},
		{"groupKey": {"X"}}, {"group": {"status"}, "groupKey": {"OPEN|X"}}, {"cursor": {"bm90LWEtY3Vyc29y"}},
		{"deliveryStatus": {"Delivered"}}, {"qcStatus": {"Done"}},
	} {
		q, err := search.Parse(bad)
		if err == nil {
			_, err = search.Run(nil, q, now, search.DefaultRules)
		}
		if !lot.IsCode(err, lot.CodeInvalid) {
			t.Errorf("%v: got %v, want invalid", bad, err)
		}
	}
}

func TestActionsIsAColumnNoRequestHas(t *testing.T) {
	// Ensures columns may name actions (the API then says what the caller
	// may do to each row), which asks for no request field: it is not
	// among Columns, so an export refuses it.
	q := mustParse(t, url.Values{"columns": {"title,Actions,status"}})
	if !q.Actions {
		t.Error("columns=title,Actions,status: Actions is false")
	}
	if want := []string{"id", "title", "status"}; !slices.Equal(q.Columns, want) {
		t.Errorf("columns %v, want %v", q.Columns, want)
	}
	if mustParse(t, url.Values{}).Actions {
		t.Error("no columns: Actions is true")
	}
	if slices.Contains(search.Columns, search.ActionsColumn) {
		t.Errorf("search.Columns holds %s", search.ActionsColumn)
	}
}

func TestValuesAreWhatTheirModifiersFind(t *testing.T) {
	// Ensures the values listed for each modifier are exactly those the
	// indexed requests have, each with the number of requests its search
	// finds (of any status), enumerations with their display names and
	// languages and countries with their English names.
	rng := rand.New(rand.NewPCG(7, 7))
	reqs := randomRequests(rng, 3000)
	reqs[0].Language, reqs[1].Language = "es", "es-419" // es finds both
	x := search.Build(reqs)
	vals := x.Values()
	for _, m := range search.ValueModifiers {
		if len(vals[m]) == 0 {
			t.Errorf("%s: no values", m)
		}
		for _, v := range vals[m] {
			q := url.Values{m: {v.Code}, "limit": {"1"}}
			if m != "status" {
				q.Set("status", "all")
			}
			res, err := x.Run(mustParse(t, q), now, search.DefaultRules)
			if err != nil {
				t.Fatalf("%s=%s: %v", m, v.Code, err)
			}
			if res.Total != v.Count {
				t.Errorf("%s=%s: listed with %d requests, its search finds %d", m, v.Code, v.Count, res.Total)
			}
		}
	}
	names := func(m string) map[string]string {
		out := map[string]string{}
		for _, v := range vals[m] {
			out[v.Code] = v.Name
		}
		return out
	}
	for m, want := range map[string]map[string]string{
		"language":   {"es": "Spanish", "es-419": "Latin American Spanish", "es-ES": "Spanish (ES)", "pt-BR": "Brazilian Portuguese", "ko": "Korean"},
		"country":    {"KR": "South Korea", "US": "United States"},
		"status":     {"REDELIVERY_REQUESTED": "Redelivery Requested"},
		"sourceType": {"SDH_CC": "SDH/CC"},
		"isOriginal": {"yes": "Original", "no": "Licensed"},
		"issues":     {"has": "Has issues", "none": "No issues", "Forced Narrative": "Forced Narrative"},
	} {
		got := names(m)
		for code, name := range want {
			if got[code] != name {
				t.Errorf("%s %s: name %q, want %q", m, code, got[code], name)
			}
		}
	}
	if got := fmt.Sprint(slices.Sorted(maps.Keys(names("fulfillmentPartner")))); got != "[harbor juniper lumen]" {
		t.Errorf("fulfillment partners %s, want [harbor juniper lumen]", got)
	}
	vals["status"][0].Count = -1
	if x.Values()["status"][0].Count == -1 {
		t.Error("a caller's change to its values changed the index's")
	}
	if got := search.Build(nil).Values(); len(got["status"]) != 0 {
		t.Errorf("no requests: statuses %v", got["status"])
	}
}

func TestWhySaysWhy(t *testing.T) {
	// Ensures each row explains its bucket in words: in Insights why it is
	// critical, at risk or on track (a delivery in inspection says so); in
	// the Asset States why its materials are or are not available, or why
	// it is overdue undelivered.
	base := lot.Request{ID: "0190f0f0-0000-7000-8000-000000000001", Status: lot.StatusOpen, MaterialStatus: lot.MaterialAccepted}
	cases := []struct {
		mod    func(*lot.Request)
		bucket search.Bucket
		why    string
	}{
		{func(r *lot.Request) { r.DueDate = today.AddDays(1) }, search.BucketCritical, "due 2026-11-23, in 1 day"},
		{func(r *lot.Request) { r.DueDate = today.AddDays(-3) }, search.BucketCritical, "due 2026-11-19, 3 days ago"},
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(20)
			r.EstimatedDelivery = lot.EDD{At: now.Add(-time.Hour), Zone: "UTC"}
		}, search.BucketCritical, "estimated delivery 2026-11-22 14:00 UTC has passed"},
		{func(r *lot.Request) { r.DueDate = today.AddDays(6) }, search.BucketAtRisk, "due 2026-11-28, in 6 days"},
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(9)
			r.MaterialStatus = lot.MaterialNotReceived
		}, search.BucketAtRisk, "materials not available, due 2026-12-01, in 9 days"},
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(20)
			r.EstimatedDelivery = lot.EDD{At: now.Add(25 * 24 * time.Hour), Zone: "Asia/Seoul"}
		}, search.BucketAtRisk, "estimated delivery 2026-12-18 is after the due date 2026-12-12"},
		{func(r *lot.Request) { r.DueDate = today.AddDays(30) }, search.BucketOnTrack, "due 2026-12-22, in 30 days"},
		// Delivered and in inspection: on track whatever the dates say.
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(-3)
			r.DeliveryStatus = lot.TransferPendingInspection
		}, search.BucketOnTrack, "delivered, pending inspection; due 2026-11-19, 3 days ago"},
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(1)
			r.DeliveryStatus = lot.TransferWaitingForPrimary
		}, search.BucketOnTrack, "delivered, waiting for the title's primary video to be processed; due 2026-11-23, in 1 day"},
		// A failed delivery does not help.
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(1)
			r.DeliveryStatus = lot.TransferFailed
		}, search.BucketCritical, "due 2026-11-23, in 1 day"},
		// The Asset States explain the materials, or the lateness.
		{func(r *lot.Request) { r.DueDate = today.AddDays(1) }, search.BucketMaterialsAvailable, "material status Accepted"},
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(1)
			r.MaterialStatus = lot.MaterialNotReceived
			r.MaterialsAvailable = true
		}, search.BucketMaterialsAvailable, "materials marked available; material status still Not Received"},
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(5)
			r.MaterialStatus = lot.MaterialRejected
		}, search.BucketAwaitingMaterials, "material status Rejected, materials not marked available; due 2026-11-27, in 5 days"},
		{func(r *lot.Request) {
			r.DueDate = today.AddDays(-2)
			r.DeliveryStatus = lot.TransferFailed
		}, search.BucketOverdueUndelivered, "due 2026-11-20, 2 days ago, not delivered; its last delivery is Failed"},
	}
	for _, c := range cases {
		r := base
		c.mod(&r)
		res, err := search.Run([]*lot.Request{&r}, mustParse(t, url.Values{"bucket": {string(c.bucket)}}), now, search.DefaultRules)
		if err != nil {
			t.Fatalf("%s: %v", c.why, err)
		}
		if len(res.Rows) != 1 {
			t.Fatalf("%s: %d rows, want 1: %+v", c.why, len(res.Rows), res)
		}
		got := res.Rows[0].Insight
		if insights := []search.Bucket{search.BucketCritical, search.BucketAtRisk, search.BucketOnTrack}; slices.Contains(insights, c.bucket) && got.Bucket != c.bucket {
			t.Errorf("%s: bucket %s, want %s", c.why, got.Bucket, c.bucket)
		}
		if got.Why != c.why {
			t.Errorf("why %q, want %q", got.Why, c.why)
		}
	}
}

func TestBucketsHoldExactlyTheRequestsLotCallsOpen(t *testing.T) {
	// Ensures a request counts in the buckets exactly when lot says it is
	// open, and has its materials exactly when lot says they are usable (or
	// the studio made them available), for every status and material status.
	for _, st := range lot.RequestStatuses {
		for _, ms := range lot.MaterialStatuses {
			r := &lot.Request{ID: "0190f0f0-0000-7000-8000-000000000001", Status: st, MaterialStatus: ms, DueDate: today.AddDays(30)}
			in := search.Explain(r, now, search.DefaultRules)
			if in.Open != st.IsOpen() {
				t.Errorf("%s: open %v, lot says %v", st, in.Open, st.IsOpen())
			}
			if in.Open && in.Materials != ms.Usable() {
				t.Errorf("%s %s: materials %v, lot says usable %v", st, ms, in.Materials, ms.Usable())
			}
			res, err := search.Run([]*lot.Request{r}, mustParse(t, url.Values{"status": {"all"}}), now, search.DefaultRules)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1}[st.IsOpen()]; res.Buckets.Requests != want {
				t.Errorf("%s: counted %d open requests, want %d", st, res.Buckets.Requests, want)
			}
		}
	}
}
