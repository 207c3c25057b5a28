// Package storetest is the contract every lot.Store must pass. Run it from an
// adapter's tests with a constructor that returns a fresh, empty store:
//
//	storetest.Run(t, func(t *testing.T) lot.Store { return mustOpen(t) })
package storetest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// NewStore returns a fresh, empty store; the suite closes it.
type NewStore func(t *testing.T) lot.Store

var t0 = time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)

var studio = lot.Principal{Subject: "ops", Name: "Studio Ops", Role: lot.RoleStudio}

// ID returns the n-th test request ID; IDs sort in n order.
func ID(n int) string { return fmt.Sprintf("0190f0f0-0000-7000-8000-%012d", n) }

// Run runs the whole contract against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	open := func(t *testing.T) lot.Store {
		s := newStore(t)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	t.Run("Catalog", func(t *testing.T) { testCatalog(t, open(t)) })
	t.Run("CreateGet", func(t *testing.T) { testCreateGet(t, open(t)) })
	t.Run("CreateConflict", func(t *testing.T) { testCreateConflict(t, open(t)) })
	t.Run("ListPagingAndTenancy", func(t *testing.T) { testList(t, open(t)) })
	t.Run("ScopeRequests", func(t *testing.T) { testScope(t, open(t)) })
	t.Run("FollowedSearch", func(t *testing.T) { testFollow(t, open(t)) })
	t.Run("Update", func(t *testing.T) { testUpdate(t, open(t)) })
	t.Run("UpdateStaleLoses", func(t *testing.T) { testStale(t, open(t)) })
	t.Run("Race100", func(t *testing.T) { testRace(t, open(t)) })
	t.Run("Clients", func(t *testing.T) { testClients(t, open(t)) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, open(t)) })
	t.Run("IdempotencyKeysHeldPerOwner", func(t *testing.T) { testHeldKeys(t, open(t)) })
	t.Run("Templates", func(t *testing.T) { testTemplates(t, open(t)) })
	t.Run("Transfers", func(t *testing.T) { testTransfers(t, open(t)) })
	t.Run("Queues", func(t *testing.T) { testQueues(t, open(t)) })
	t.Run("Materials", func(t *testing.T) { testMaterials(t, open(t)) })
	t.Run("Users", func(t *testing.T) { testUsers(t, open(t)) })
	t.Run("People", func(t *testing.T) { testPeople(t, open(t)) })
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if lot.ErrorCode(err) != code || err == nil {
		tb.Fatalf("got error %v, want code %s", err, code)
	}
}

// mustRequest builds a valid request n via the domain's Create rule.
func mustRequest(tb testing.TB, n int, fp, cp string) *lot.Request {
	tb.Helper()
	title := &lot.Title{MovieID: 80000000 + int64(n%7), Name: fmt.Sprintf("Title %d", n%7), ContentPartner: cp, MovieType: lot.MovieStandalone, IsOriginal: n%2 == 0}
	r, err := lot.Create(lot.Act{By: studio, At: t0}, ID(n), lot.NewRequest{
		Title: title, Package: &lot.Package{ID: 1000 + int64(n%7), MovieID: title.MovieID, Countries: []string{"MX", "US"}},
		FulfillmentPartner: &lot.Partner{ID: fp, Kind: lot.PartnerFulfillment},
		SourceType:         lot.SourceSubtitle, Language: "es-419", DueDate: lot.DateOf(t0).AddDays(n % 30),
		Issues: []string{"Content Typos"}, Comment: "please use the new glossary",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func testCatalog(t *testing.T, s lot.Store) {
	ctx := context.Background()
	p := &lot.Partner{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment, Subassignees: []string{"lumen"}}
	must(t, s.PutPartner(ctx, p))
	must(t, s.PutPartner(ctx, &lot.Partner{ID: "northstar", Name: "Northstar", Kind: lot.PartnerContent}))
	got, err := s.GetPartner(ctx, "juniper")
	must(t, err)
	if got.Name != p.Name {
		t.Errorf("partner Name = %q, want %q", got.Name, p.Name)
	}
	if got.Kind != p.Kind {
		t.Errorf("partner Kind = %q, want %q", got.Kind, p.Kind)
	}
	if !slices.Equal(got.Subassignees, p.Subassignees) {
		t.Errorf("partner Subassignees = %q, want %q", got.Subassignees, p.Subassignees)
	}
	p.Name = "Juniper Post Ltd"
	must(t, s.PutPartner(ctx, p))
	if got, _ := s.GetPartner(ctx, "juniper"); got.Name != "Juniper Post Ltd" {
		t.Fatalf("replaced partner %+v", got)
	}
	all, err := s.ListPartners(ctx)
	must(t, err)
	if len(all) != 2 {
		t.Fatalf("%d partners", len(all))
	}
	_, err = s.GetPartner(ctx, "nobody")
	wantCode(t, err, lot.CodeNotFound)

	ti := &lot.Title{MovieID: 81234567, Name: "House of Tides", ReleaseYear: 2026, MovieType: lot.MovieEpisode, IsOriginal: true, ContentPartner: "northstar", DayAfterBroadcast: true}
	must(t, s.PutTitle(ctx, ti))
	gt, err := s.GetTitle(ctx, ti.MovieID)
	must(t, err)
	if *gt != *ti {
		t.Fatalf("title %+v, want %+v", gt, ti)
	}
	_, err = s.GetTitle(ctx, 1)
	wantCode(t, err, lot.CodeNotFound)

	pk := &lot.Package{ID: 555, MovieID: ti.MovieID, Countries: []string{"ES", "MX", "US"}}
	must(t, s.PutPackage(ctx, pk))
	gp, err := s.GetPackage(ctx, 555)
	must(t, err)
	if gp.MovieID != pk.MovieID {
		t.Errorf("package MovieID = %d, want %d", gp.MovieID, pk.MovieID)
	}
	if !slices.Equal(gp.Countries, pk.Countries) {
		t.Errorf("package Countries = %q, want %q", gp.Countries, pk.Countries)
	}
	_, err = s.GetPackage(ctx, 556)
	wantCode(t, err, lot.CodeNotFound)
}

func testCreateGet(t *testing.T, s lot.Store) {
	ctx := context.Background()
	r := mustRequest(t, 1, "juniper", "northstar")
	r.EstimatedDelivery = lot.EDD{At: time.Date(2026, 12, 1, 17, 30, 0, 0, time.UTC), Zone: "America/Los_Angeles"}
	r.SubAssignee = "lumen"
	r.MaterialsAvailable = true
	must(t, s.CreateRequests(ctx, r))
	got, err := s.GetRequest(ctx, r.ID)
	must(t, err)
	if got.Version != 1 {
		t.Fatalf("version %d, want 1", got.Version)
	}
	want := r.Clone()
	want.Version = 1
	if !equalRequest(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	h, err := s.History(ctx, r.ID)
	must(t, err)
	if len(h) != 1 {
		t.Fatalf("history has %d entries, want 1: %+v", len(h), h)
	}
	if h[0].Action != lot.ActionCreated {
		t.Errorf("history Action = %q, want %q", h[0].Action, lot.ActionCreated)
	}
	if h[0].Version != 1 {
		t.Errorf("history Version = %d, want 1", h[0].Version)
	}
	if h[0].Comment != "please use the new glossary" {
		t.Errorf("history Comment = %q, want %q", h[0].Comment, "please use the new glossary")
	}
	if h[0].Actor != "ops" {
		t.Errorf("history Actor = %q, want %q", h[0].Actor, "ops")
	}
	if !h[0].At.Equal(t0) {
		t.Errorf("history At = %v, want %v", h[0].At, t0)
	}
	_, err = s.GetRequest(ctx, ID(999))
	wantCode(t, err, lot.CodeNotFound)
	h, err = s.History(ctx, ID(999))
	if err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		t.Errorf("history of a missing request: error %v, want none or code %s", err, lot.CodeNotFound)
	}
	if len(h) != 0 {
		t.Errorf("history of a missing request has %d entries, want 0: %+v", len(h), h)
	}
}

func equalRequest(a, b *lot.Request) bool {
	return a.ID == b.ID && a.MovieID == b.MovieID && a.TitleName == b.TitleName && a.PackageID == b.PackageID &&
		a.SourceType == b.SourceType && a.Language == b.Language && a.ServiceType == b.ServiceType &&
		a.DueDate == b.DueDate && a.EstimatedDelivery.At.Equal(b.EstimatedDelivery.At) &&
		a.EstimatedDelivery.Zone == b.EstimatedDelivery.Zone && a.Status == b.Status &&
		a.MaterialStatus == b.MaterialStatus && a.MaterialsAvailable == b.MaterialsAvailable &&
		slices.Equal(a.Issues, b.Issues) && a.FulfillmentPartner == b.FulfillmentPartner &&
		a.SubAssignee == b.SubAssignee && a.ContentPartner == b.ContentPartner &&
		a.UpgradedFrom == b.UpgradedFrom && a.UpgradedTo == b.UpgradedTo &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt) && a.Version == b.Version
}

func testCreateConflict(t *testing.T, s lot.Store) {
	ctx := context.Background()
	must(t, s.CreateRequests(ctx, mustRequest(t, 1, "juniper", "northstar")))
	dup := mustRequest(t, 1, "lumen", "northstar")
	wantCode(t, s.CreateRequests(ctx, dup), lot.CodeConflict)
	got, err := s.GetRequest(ctx, ID(1))
	must(t, err)
	if got.FulfillmentPartner != "juniper" {
		t.Fatalf("a duplicate create overwrote the request: %+v", got)
	}
	h, _ := s.History(ctx, ID(1))
	if len(h) != 1 {
		t.Fatalf("a duplicate create added history: %d entries", len(h))
	}
}

func testList(t *testing.T, s lot.Store) {
	ctx := context.Background()
	// 45 requests: juniper, lumen, harbor in turn; CPs northstar and aurora alternate;
	// every fifth lumen request is subassigned to juniper.
	fps := []string{"juniper", "lumen", "harbor"}
	var all []*lot.Request
	for n := 45; n >= 1; n-- { // created out of order on purpose
		r := mustRequest(t, n, fps[n%3], []string{"northstar", "aurora"}[n%2])
		if r.FulfillmentPartner == "lumen" && n%5 == 0 {
			r.SubAssignee = "juniper"
		}
		all = append(all, r)
	}
	must(t, s.CreateRequests(ctx, all[:20]...))
	must(t, s.CreateRequests(ctx, all[20:]...))

	collect := func(scope lot.Scope, page int) []string {
		var ids []string
		after := ""
		for range 100 {
			rs, next, err := s.ListRequests(ctx, scope, after, page)
			must(t, err)
			if len(rs) > page {
				t.Fatalf("page of %d, asked %d", len(rs), page)
			}
			for _, r := range rs {
				if !scope.Contains(r) {
					t.Fatalf("scope %+v leaked request %s of %s/%s", scope, r.ID, r.FulfillmentPartner, r.ContentPartner)
				}
				ids = append(ids, r.ID)
			}
			if next == "" {
				return ids
			}
			after = next
		}
		t.Fatal("paging never ended")
		return nil
	}
	for _, c := range []struct {
		scope lot.Scope
		page  int
	}{
		{lot.Scope{All: true}, 7},
		{lot.Scope{All: true}, lot.MaxPage},
		{lot.Scope{FulfillmentPartner: "juniper"}, 4},
		{lot.Scope{FulfillmentPartner: "lumen"}, 5},
		{lot.Scope{ContentPartner: "aurora"}, 6},
		{lot.Scope{FulfillmentPartner: "nobody"}, 10},
		{lot.Scope{}, 10},
	} {
		var want []string
		for n := 1; n <= 45; n++ {
			for _, r := range all {
				if r.ID == ID(n) && c.scope.Contains(r) {
					want = append(want, r.ID)
				}
			}
		}
		if got := collect(c.scope, c.page); !slices.Equal(got, want) {
			t.Errorf("scope %+v page %d: got %d IDs %v, want %d", c.scope, c.page, len(got), got, len(want))
		}
	}
	if got := collect(lot.Scope{FulfillmentPartner: "juniper"}, 100); len(got) != 15+3 {
		t.Errorf("juniper sees %d requests, want 15 assigned + 3 subassigned", len(got))
	}
}

func testScope(t *testing.T, s lot.Store) {
	ctx := context.Background()
	fps := []string{"juniper", "lumen", "harbor"}
	var all []*lot.Request
	for n := 1; n <= 60; n++ {
		r := mustRequest(t, n, fps[n%3], []string{"northstar", "aurora"}[n%2])
		if r.FulfillmentPartner == "lumen" && n%4 == 0 {
			r.SubAssignee = "juniper"
		}
		all = append(all, r)
	}
	must(t, s.CreateRequests(ctx, all...))
	scopes := []lot.Scope{{All: true}, {FulfillmentPartner: "juniper"}, {FulfillmentPartner: "lumen"}, {FulfillmentPartner: "harbor"},
		{ContentPartner: "aurora"}, {FulfillmentPartner: "nobody"}, {}}
	check := func(when string) map[string]*lot.Request {
		var seen map[string]*lot.Request
		for _, sc := range scopes {
			got, err := s.ScopeRequests(ctx, sc)
			must(t, err)
			ids := map[string]*lot.Request{}
			for _, r := range got {
				if !sc.Contains(r) {
					t.Fatalf("%s: scope %+v returned %s of %s", when, sc, r.ID, r.FulfillmentPartner)
				}
				if ids[r.ID] != nil {
					t.Fatalf("%s: scope %+v returned %s twice", when, sc, r.ID)
				}
				ids[r.ID] = r
			}
			want := 0
			for _, r := range all {
				if sc.Contains(r) {
					want++
				}
			}
			if len(ids) != want {
				t.Fatalf("%s: scope %+v returned %d requests, want %d", when, sc, len(ids), want)
			}
			if sc.All {
				seen = ids
			}
		}
		return seen
	}
	before := check("after create")
	sameSearches(t, s, all, scopes)
	// A change shows in the next search, and never in a snapshot already handed out.
	old := before[ID(3)]
	oldStatus := old.MaterialStatus
	_, err := s.UpdateRequest(ctx, ID(3), func(r *lot.Request) error { // juniper's: now lumen's too
		return r.Subassign(lot.Act{By: studio, At: t0}, nil, &lot.Partner{ID: "lumen", Kind: lot.PartnerFulfillment}, "more hands")
	})
	must(t, err)
	_, err = s.UpdateRequest(ctx, ID(3), func(r *lot.Request) error {
		return r.SetMaterialStatus(lot.Act{By: studio, At: t0}, lot.MaterialAccepted, "checked", "")
	})
	must(t, err)
	if old.MaterialStatus != oldStatus {
		t.Errorf("a snapshot handed out changed: MaterialStatus = %q, want %q", old.MaterialStatus, oldStatus)
	}
	if old.Version != 1 {
		t.Errorf("a snapshot handed out changed: Version = %d, want 1", old.Version)
	}
	for i, r := range all {
		if r.ID == ID(3) {
			all[i], _ = s.GetRequest(ctx, ID(3))
		}
	}
	after := check("after update")
	r3 := after[ID(3)]
	if r3.MaterialStatus != lot.MaterialAccepted {
		t.Errorf("search sees MaterialStatus %q after the update, want %q", r3.MaterialStatus, lot.MaterialAccepted)
	}
	if r3.Version != all[2].Version {
		t.Errorf("search sees Version %d after the update, want %d", r3.Version, all[2].Version)
	}
	more := mustRequest(t, 61, "harbor", "aurora")
	must(t, s.CreateRequests(ctx, more))
	all = append(all, more)
	check("after another create")
	sameSearches(t, s, all, scopes)
}

// sameSearches runs searches over the store's candidates and over the
// requests as created: a store must give the engine exactly its scope, so
// every store answers every search alike.
func sameSearches(t *testing.T, s lot.Store, all []*lot.Request, scopes []lot.Scope) {
	t.Helper()
	now := t0.Add(48 * time.Hour)
	nonEmpty := 0
	for _, raw := range []string{"", "status=All&group=fulfillmentPartner,materialStatus", "bucket=critical&sort=-dueDate&limit=7",
		"sourceType=SUBTITLE&country=MX&group=dueMonth", "title=title%203&isOriginal=no&bucket=requests"} {
		v, _ := url.ParseQuery(raw)
		q, err := search.Parse(v)
		must(t, err)
		for _, sc := range scopes {
			cands, err := s.ScopeRequests(context.Background(), sc)
			must(t, err)
			var ref []*lot.Request
			for _, r := range all {
				if sc.Contains(r) {
					ref = append(ref, r)
				}
			}
			got, err := search.Run(cands, q, now, search.DefaultRules)
			must(t, err)
			want, err := search.Run(ref, q, now, search.DefaultRules)
			must(t, err)
			if fmt.Sprint(summary(got)) != fmt.Sprint(summary(want)) {
				t.Fatalf("search %q in scope %+v:\n got %v\nwant %v", raw, sc, summary(got), summary(want))
			}
			if len(got.Rows) > 0 || len(got.Groups) > 0 {
				nonEmpty++
			}
		}
	}
	if nonEmpty < 15 {
		t.Fatalf("only %d of the searches found anything; the comparison proves little", nonEmpty)
	}
}

func summary(r search.Result) []any {
	ids := make([]string, len(r.Rows))
	for i, row := range r.Rows {
		ids[i] = row.Request.ID + " " + row.Insight.Why
	}
	return []any{r.Total, r.Buckets, r.Groups, ids, r.Next}
}

func testUpdate(t *testing.T, s lot.Store) {
	ctx := context.Background()
	must(t, s.CreateRequests(ctx, mustRequest(t, 1, "juniper", "northstar")))
	fp := lot.Principal{Subject: "u1", Name: "Ana", Role: lot.RoleFP, Partner: "juniper"}
	at := t0.Add(time.Hour)
	got, err := s.UpdateRequest(ctx, ID(1), func(r *lot.Request) error {
		return r.SetMaterialStatus(lot.Act{By: fp, At: at}, lot.MaterialReceived, "proxy downloaded", "")
	})
	must(t, err)
	if got.Version != 2 {
		t.Errorf("after update Version = %d, want 2", got.Version)
	}
	if got.MaterialStatus != lot.MaterialReceived {
		t.Errorf("after update MaterialStatus = %q, want %q", got.MaterialStatus, lot.MaterialReceived)
	}
	if !got.UpdatedAt.Equal(at) {
		t.Errorf("after update UpdatedAt = %v, want %v", got.UpdatedAt, at)
	}
	// A failing fn changes nothing.
	boom := errors.New("boom")
	_, err = s.UpdateRequest(ctx, ID(1), func(r *lot.Request) error {
		r.MaterialStatus = lot.MaterialRejected
		_ = r.AddComment(lot.Act{By: fp, At: at}, "half-written?")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("fn error not returned: %v", err)
	}
	// A rule error keeps its code.
	_, err = s.UpdateRequest(ctx, ID(1), func(r *lot.Request) error {
		return r.SetServiceType(lot.Act{By: fp, At: at}, lot.ServiceCreate, "")
	})
	must(t, err)
	_, err = s.UpdateRequest(ctx, ID(1), func(r *lot.Request) error {
		return r.Cancel(lot.Act{By: fp, At: at}, "not needed", "")
	})
	wantCode(t, err, lot.CodeForbidden)
	// No history recorded: nothing written.
	same, err := s.UpdateRequest(ctx, ID(1), func(r *lot.Request) error { return nil })
	must(t, err)
	if same.Version != 3 {
		t.Fatalf("version %d after a no-op, want 3", same.Version)
	}
	_, err = s.UpdateRequest(ctx, ID(404), func(r *lot.Request) error { return nil })
	wantCode(t, err, lot.CodeNotFound)

	cur, err := s.GetRequest(ctx, ID(1))
	must(t, err)
	if cur.MaterialStatus != lot.MaterialReceived {
		t.Errorf("stored MaterialStatus = %q, want %q", cur.MaterialStatus, lot.MaterialReceived)
	}
	if cur.ServiceType != lot.ServiceCreate {
		t.Errorf("stored ServiceType = %q, want %q", cur.ServiceType, lot.ServiceCreate)
	}
	if cur.Version != 3 {
		t.Errorf("stored Version = %d, want 3", cur.Version)
	}
	h, err := s.History(ctx, ID(1))
	must(t, err)
	var acts []lot.Action
	for i, e := range h {
		acts = append(acts, e.Action)
		if e.Version != int64(i+1) {
			t.Errorf("entry %d Version = %d, want %d", i, e.Version, i+1)
		}
		if e.RequestID != ID(1) {
			t.Errorf("entry %d RequestID = %q, want %q", i, e.RequestID, ID(1))
		}
	}
	if !slices.Equal(acts, []lot.Action{lot.ActionCreated, lot.ActionMaterialStatus, lot.ActionServiceType}) {
		t.Fatalf("history actions %v", acts)
	}
	e := h[1]
	if e.Before != "NOT_RECEIVED" {
		t.Errorf("material entry Before = %q, want %q", e.Before, "NOT_RECEIVED")
	}
	if e.After != "RECEIVED" {
		t.Errorf("material entry After = %q, want %q", e.After, "RECEIVED")
	}
	if e.Reason != "proxy downloaded" {
		t.Errorf("material entry Reason = %q, want %q", e.Reason, "proxy downloaded")
	}
	if e.ActorName != "Ana" {
		t.Errorf("material entry ActorName = %q, want %q", e.ActorName, "Ana")
	}
	if e.Partner != "juniper" {
		t.Errorf("material entry Partner = %q, want %q", e.Partner, "juniper")
	}
	if e.Role != lot.RoleFP {
		t.Errorf("material entry Role = %q, want %q", e.Role, lot.RoleFP)
	}
	if !e.At.Equal(at) {
		t.Errorf("material entry At = %v, want %v", e.At, at)
	}
	// Two entries in one change keep their order.
	_, err = s.UpdateRequest(ctx, ID(1), func(r *lot.Request) error {
		a := lot.Act{By: fp, At: at.Add(time.Minute)}
		if err := r.AddComment(a, "first"); err != nil {
			return err
		}
		return r.AddComment(a, "second")
	})
	must(t, err)
	h, _ = s.History(ctx, ID(1))
	if len(h) != 5 {
		t.Fatalf("two-entry change: history has %d entries, want 5: %+v", len(h), h)
	}
	if h[3].Comment != "first" {
		t.Errorf("two-entry change: entry 3 Comment = %q, want %q", h[3].Comment, "first")
	}
	if h[4].Comment != "second" {
		t.Errorf("two-entry change: entry 4 Comment = %q, want %q", h[4].Comment, "second")
	}
	if h[4].Seq != 1 {
		t.Errorf("two-entry change: entry 4 Seq = %d, want 1", h[4].Seq)
	}
	if h[4].Version != 4 {
		t.Errorf("two-entry change: entry 4 Version = %d, want 4", h[4].Version)
	}
}

func testStale(t *testing.T, s lot.Store) {
	ctx := context.Background()
	must(t, s.CreateRequests(ctx, mustRequest(t, 1, "juniper", "northstar")))
	// A change that commits while another fn runs makes that fn's write lose.
	_, err := s.UpdateRequest(ctx, ID(1), func(r *lot.Request) error {
		_, inner := s.UpdateRequest(ctx, ID(1), func(r2 *lot.Request) error {
			return r2.AddComment(lot.Act{By: studio, At: t0}, "inner wins")
		})
		must(t, inner)
		return r.AddComment(lot.Act{By: studio, At: t0}, "outer loses")
	})
	wantCode(t, err, lot.CodeConflict)
	h, _ := s.History(ctx, ID(1))
	if len(h) != 2 {
		t.Fatalf("history has %d entries, want 2: %+v", len(h), h)
	}
	if h[1].Comment != "inner wins" {
		t.Errorf("history entry 1 Comment = %q, want %q", h[1].Comment, "inner wins")
	}
}

func testRace(t *testing.T, s lot.Store) {
	ctx := context.Background()
	must(t, s.CreateRequests(ctx, mustRequest(t, 1, "juniper", "northstar")))
	const n = 100
	var loaded sync.WaitGroup
	loaded.Add(n)
	statuses := []lot.MaterialStatus{lot.MaterialAssigned, lot.MaterialReceived, lot.MaterialAccepted, lot.MaterialRejected}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first := true
			_, errs[i] = s.UpdateRequest(ctx, ID(1), func(r *lot.Request) error {
				if first { // every goroutine loads the same version before anyone writes
					first = false
					loaded.Done()
					loaded.Wait()
				}
				return r.SetMaterialStatus(lot.Act{By: studio, At: t0.Add(time.Duration(i) * time.Second)}, statuses[i%4], fmt.Sprintf("racer %d", i), "")
			})
		}()
	}
	wg.Wait()
	winners, conflicts := 0, 0
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			winners++
			winner = i
		case lot.IsCode(err, lot.CodeConflict):
			conflicts++
		default:
			t.Errorf("racer %d: unexpected error %v", i, err)
		}
	}
	if conflicts != n-1 {
		t.Errorf("%d conflicts, want %d", conflicts, n-1)
	}
	if winners != 1 {
		t.Fatalf("%d winners, want 1", winners)
	}
	h, err := s.History(ctx, ID(1))
	must(t, err)
	if len(h) != 2 {
		t.Fatalf("history has %d entries, want 2 (creation + racer %d): %+v", len(h), winner, h)
	}
	if want := fmt.Sprintf("racer %d", winner); h[1].Reason != want {
		t.Errorf("history entry 1 Reason = %q, want %q", h[1].Reason, want)
	}
	got, _ := s.GetRequest(ctx, ID(1))
	if got.Version != 2 {
		t.Errorf("stored Version = %d, want 2", got.Version)
	}
	if got.MaterialStatus != statuses[winner%4] {
		t.Errorf("stored MaterialStatus = %q, want %q", got.MaterialStatus, statuses[winner%4])
	}
}

func testClients(t *testing.T, s lot.Store) {
	ctx := context.Background()
	c := &lot.Client{ID: "fp-juniper", SecretHash: []byte("$2a$10$hash"), Name: "Juniper robot", Role: lot.RoleFP, Partner: "juniper", Permissions: []lot.Permission{lot.PermCancel}, CreatedAt: t0, Email: "ops@juniper.example"}
	must(t, s.PutClient(ctx, c))
	got, err := s.GetClient(ctx, "fp-juniper")
	must(t, err)
	if string(got.SecretHash) != string(c.SecretHash) {
		t.Errorf("client SecretHash = %q, want %q", got.SecretHash, c.SecretHash)
	}
	if got.Role != c.Role {
		t.Errorf("client Role = %q, want %q", got.Role, c.Role)
	}
	if got.Partner != c.Partner {
		t.Errorf("client Partner = %q, want %q", got.Partner, c.Partner)
	}
	if !slices.Equal(got.Permissions, c.Permissions) {
		t.Errorf("client Permissions = %q, want %q", got.Permissions, c.Permissions)
	}
	if !got.CreatedAt.Equal(t0) {
		t.Errorf("client CreatedAt = %v, want %v", got.CreatedAt, t0)
	}
	if got.Email != c.Email {
		t.Errorf("client Email = %q, want %q", got.Email, c.Email)
	}
	_, err = s.GetClient(ctx, "nobody")
	wantCode(t, err, lot.CodeNotFound)
}

func testIdempotency(t *testing.T, s lot.Store) {
	ctx := context.Background()
	ttl := 24 * time.Hour
	saved, err := s.ClaimKey(ctx, "k1", "h1", t0, ttl)
	must(t, err)
	if saved != nil {
		t.Fatalf("fresh key returned %+v", saved)
	}
	saved, err = s.ClaimKey(ctx, "k1", "h1", t0.Add(time.Second), ttl)
	must(t, err)
	if saved == nil {
		t.Fatal("in-progress key: got nil, want the saved claim")
	}
	if saved.Done {
		t.Error("in-progress key: Done = true, want false")
	}
	if saved.RequestHash != "h1" {
		t.Errorf("in-progress key: RequestHash = %q, want %q", saved.RequestHash, "h1")
	}
	must(t, s.FinishKey(ctx, "k1", 200, "application/json", []byte(`{"ok":true}`)))
	saved, err = s.ClaimKey(ctx, "k1", "other", t0.Add(time.Minute), ttl)
	must(t, err)
	if saved == nil {
		t.Fatal("done key: got nil, want the saved answer")
	}
	if !saved.Done {
		t.Error("done key: Done = false, want true")
	}
	if saved.Status != 200 {
		t.Errorf("done key: Status = %d, want 200", saved.Status)
	}
	if string(saved.Body) != `{"ok":true}` {
		t.Errorf("done key: Body = %q, want %q", saved.Body, `{"ok":true}`)
	}
	if saved.RequestHash != "h1" {
		t.Errorf("done key: RequestHash = %q, want %q", saved.RequestHash, "h1")
	}
	if saved.ContentType != "application/json" {
		t.Errorf("done key: ContentType = %q, want %q", saved.ContentType, "application/json")
	}
	// Released keys run again.
	_, err = s.ClaimKey(ctx, "k2", "h2", t0, ttl)
	must(t, err)
	must(t, s.ReleaseKey(ctx, "k2"))
	saved, err = s.ClaimKey(ctx, "k2", "h2", t0, ttl)
	must(t, err)
	if saved != nil {
		t.Fatalf("released key: %+v", saved)
	}
	// Expired keys are replaced.
	saved, err = s.ClaimKey(ctx, "k1", "h9", t0.Add(ttl+time.Hour), ttl)
	must(t, err)
	if saved != nil {
		t.Fatalf("expired key: %+v", saved)
	}
	// Concurrent claims: exactly one gets nil.
	var wg sync.WaitGroup
	fresh := make([]bool, 20)
	for i := range fresh {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sv, err := s.ClaimKey(ctx, "k3", "h3", t0, ttl)
			if err != nil {
				t.Error(err)
			}
			fresh[i] = sv == nil
		}()
	}
	wg.Wait()
	if n := len(slices.DeleteFunc(fresh, func(b bool) bool { return !b })); n != 1 {
		t.Fatalf("%d concurrent claims won, want 1", n)
	}
}

// testHeldKeys: keys scoped to a caller (owner + "\x00" + key) are counted
// per owner, those claimed since a time only; a released key no longer counts.
func testHeldKeys(t *testing.T, s lot.Store) {
	ctx := context.Background()
	ttl := 24 * time.Hour
	for i, k := range []string{"ana\x00k1", "ana\x00k2", "ana\x00k3", "bob\x00k1", "once/mail/x"} {
		_, err := s.ClaimKey(ctx, k, "h", t0.Add(time.Duration(i)*time.Minute), ttl)
		must(t, err)
	}
	must(t, s.ReleaseKey(ctx, "ana\x00k3"))
	count := func(owner string, since time.Time, want int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) { // index reads may lag
			n, err := s.HeldKeys(ctx, owner, since)
			must(t, err)
			if n == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("HeldKeys(%q, %s) = %d, want %d", owner, since, n, want)
			}
		}
	}
	count("ana", t0.Add(-time.Hour), 2)
	count("ana", t0.Add(30*time.Second), 1) // k1 was claimed before
	count("bob", t0.Add(-time.Hour), 1)
	count("carol", t0.Add(-time.Hour), 0)
}

func testTemplates(t *testing.T, s lot.Store) {
	ctx := context.Background()
	put := func(owner, name, query string) {
		must(t, s.PutTemplate(ctx, &lot.Template{Owner: owner, Name: name, Query: query, UpdatedAt: t0}))
	}
	put("ana", "Spanish subs", "language=es&sourceType=SUBTITLE")
	put("ana", "All open", "status=Open")
	put("ben", "Spanish subs", "language=es-419")
	got, err := s.GetTemplate(ctx, "ana", "Spanish subs")
	must(t, err)
	if got.Query != "language=es&sourceType=SUBTITLE" {
		t.Errorf("template Query = %q, want %q", got.Query, "language=es&sourceType=SUBTITLE")
	}
	if got.Owner != "ana" {
		t.Errorf("template Owner = %q, want %q", got.Owner, "ana")
	}
	if !got.UpdatedAt.Equal(t0) {
		t.Errorf("template UpdatedAt = %v, want %v", got.UpdatedAt, t0)
	}
	put("ana", "Spanish subs", "language=es")
	list, err := s.ListTemplates(ctx, "ana")
	must(t, err)
	if len(list) != 2 {
		t.Fatalf("ana has %d templates, want 2: %+v", len(list), list)
	}
	if list[0].Name != "All open" {
		t.Errorf("ana's template 0 Name = %q, want %q", list[0].Name, "All open")
	}
	if list[1].Query != "language=es" {
		t.Errorf("ana's template 1 Query = %q, want %q", list[1].Query, "language=es")
	}
	other, _ := s.ListTemplates(ctx, "ben")
	if len(other) != 1 {
		t.Fatalf("ben has %d templates, want 1: %+v", len(other), other)
	}
	if other[0].Query != "language=es-419" {
		t.Errorf("ben's template Query = %q, want %q", other[0].Query, "language=es-419")
	}
	must(t, s.DeleteTemplate(ctx, "ana", "All open"))
	_, err = s.GetTemplate(ctx, "ana", "All open")
	wantCode(t, err, lot.CodeNotFound)
	wantCode(t, s.DeleteTemplate(ctx, "ana", "All open"), lot.CodeNotFound)
	none, err := s.ListTemplates(ctx, "carla")
	if err != nil {
		t.Fatalf("no templates: error %v", err)
	}
	if len(none) != 0 {
		t.Errorf("no templates: got %d, want 0: %+v", len(none), none)
	}
}

func testTransfers(t *testing.T, s lot.Store) {
	ctx := context.Background()
	r := mustRequest(t, 1, "juniper", "northstar")
	r.MaterialStatus = lot.MaterialAccepted
	fp := lot.Act{By: lot.Principal{Subject: "ana", Role: lot.RoleFP, Partner: "juniper"}, At: t0}
	mk := func(id string) *lot.Transfer {
		tr, err := lot.NewTransfer(fp, id, r, lot.MethodCLI, []lot.TransferFile{{Name: "tides.ttml", Size: 3 << 20, SHA256: strings.Repeat("ab", 32),
			ContentType: "application/ttml+xml", Metadata: map[string]string{"subtitleFormat": "TTML"}, Key: "deliveries/" + id + "/tides.ttml",
			UploadID: "u-" + id, PartSize: lot.MinTransferPart}})
		must(t, err)
		must(t, s.CreateTransfer(ctx, tr))
		return tr
	}
	first := mk(ID(101))
	second := mk(ID(102))
	wantCode(t, s.CreateTransfer(ctx, first.Clone()), lot.CodeConflict)
	got, err := s.GetTransfer(ctx, ID(101))
	must(t, err)
	if got.Version != 1 {
		t.Errorf("stored transfer Version = %d, want 1", got.Version)
	}
	if got.Status != lot.TransferWaitingForUpload {
		t.Errorf("stored transfer Status = %q, want %q", got.Status, lot.TransferWaitingForUpload)
	}
	if got.Files[0].Metadata["subtitleFormat"] != "TTML" {
		t.Errorf("stored transfer file subtitleFormat = %q, want %q", got.Files[0].Metadata["subtitleFormat"], "TTML")
	}
	if got.Files[0].UploadID != "u-"+ID(101) {
		t.Errorf("stored transfer file UploadID = %q, want %q", got.Files[0].UploadID, "u-"+ID(101))
	}
	if got.FulfillmentPartner != "juniper" {
		t.Errorf("stored transfer FulfillmentPartner = %q, want %q", got.FulfillmentPartner, "juniper")
	}
	if len(got.Timeline) != 1 {
		t.Fatalf("stored transfer has %d timeline entries, want 1: %+v", len(got.Timeline), got.Timeline)
	}
	if !got.Timeline[0].At.Equal(t0) {
		t.Errorf("stored transfer timeline At = %v, want %v", got.Timeline[0].At, t0)
	}
	_, err = s.GetTransfer(ctx, ID(999))
	wantCode(t, err, lot.CodeNotFound)
	up, err := s.UpdateTransfer(ctx, ID(101), func(tr *lot.Transfer) (bool, error) { return tr.Started(fp), nil })
	must(t, err)
	if up.Version != 2 {
		t.Errorf("after start Version = %d, want 2", up.Version)
	}
	if up.Status != lot.TransferUploading {
		t.Errorf("after start Status = %q, want %q", up.Status, lot.TransferUploading)
	}
	same, err := s.UpdateTransfer(ctx, ID(101), func(tr *lot.Transfer) (bool, error) { return tr.Started(fp), nil })
	must(t, err)
	if same.Version != 2 {
		t.Fatalf("a no-op wrote version %d", same.Version)
	}
	_, err = s.UpdateTransfer(ctx, ID(101), func(tr *lot.Transfer) (bool, error) {
		_, inner := s.UpdateTransfer(ctx, ID(101), func(t2 *lot.Transfer) (bool, error) { return true, t2.Delivered(fp) })
		must(t, inner)
		return tr.Supersede(fp, second.ID), nil
	})
	wantCode(t, err, lot.CodeConflict)
	list, err := s.ListTransfers(ctx, r.ID)
	must(t, err)
	if len(list) != 2 {
		t.Fatalf("the request has %d transfers, want 2: %+v", len(list), list)
	}
	if list[0].ID != second.ID {
		t.Errorf("transfer 0 ID = %q, want %q", list[0].ID, second.ID)
	}
	if list[1].Status != lot.TransferPendingInspection {
		t.Errorf("transfer 1 Status = %q, want %q", list[1].Status, lot.TransferPendingInspection)
	}
	if list[1].Version != 3 {
		t.Errorf("transfer 1 Version = %d, want 3", list[1].Version)
	}
	none, err := s.ListTransfers(ctx, ID(2))
	if err != nil {
		t.Fatalf("another request's transfers: error %v", err)
	}
	if len(none) != 0 {
		t.Errorf("another request has %d transfers, want 0: %+v", len(none), none)
	}
}

func testQueues(t *testing.T, s lot.Store) {
	// Ensures the work queues (QC by status, overrides waiting for the
	// studio) list the transfers a scope may see, newest first, page by
	// page, and follow a transfer whose queue changed.
	ctx := context.Background()
	act := lot.Act{By: studio, At: t0}
	juniper := mustRequest(t, 1, "juniper", "northstar")
	lumen := mustRequest(t, 2, "lumen", "northstar")
	sub := mustRequest(t, 3, "lumen", "orbit")
	sub.SubAssignee = "juniper"
	mk := func(n int, r *lot.Request, st lot.QCStatus) *lot.Transfer {
		r.MaterialStatus = lot.MaterialAccepted
		tr, err := lot.NewTransfer(act, ID(n), r, lot.MethodUI, []lot.TransferFile{{Name: "tides.ttml", Size: 1 << 20,
			SHA256: strings.Repeat("ab", 32), Key: "deliveries/x"}})
		must(t, err)
		if st != "" {
			tr.QC = lot.NewQC(act, 24, lot.QCReadyInspected)
			tr.QC.Status = st
		}
		must(t, s.CreateTransfer(ctx, tr))
		return tr
	}
	mk(201, juniper, lot.QCReady)
	mk(202, lumen, lot.QCReady)
	mk(203, juniper, lot.QCInProgress)
	mk(204, sub, lot.QCFailed)
	mk(205, juniper, "") // no QC: never listed
	mk(206, lumen, lot.QCReady)
	_, err := s.UpdateTransfer(ctx, ID(206), func(tr *lot.Transfer) (bool, error) {
		tr.QC.Status = lot.QCInProgress
		return true, nil
	})
	must(t, err)
	// Overrides waiting for the studio: 207 made so, 208 created so, then verified.
	for _, n := range []int{207, 208} {
		tr := mk(n, juniper, "")
		_, err := s.UpdateTransfer(ctx, tr.ID, func(tr *lot.Transfer) (bool, error) {
			tr.Status = lot.TransferOverridden
			return true, nil
		})
		must(t, err)
	}
	_, err = s.UpdateTransfer(ctx, ID(208), func(tr *lot.Transfer) (bool, error) {
		tr.Status = lot.TransferProcessed
		return true, nil
	})
	must(t, err)
	qc := func(sts ...lot.QCStatus) []lot.Queue {
		if len(sts) == 0 {
			sts = lot.QCStatuses
		}
		var out []lot.Queue
		for _, st := range sts {
			out = append(out, lot.QueueQC(st))
		}
		return out
	}

	// list pages through f by limit; index reads may lag a write (DynamoDB),
	// so it asks again for a while until it gets want.
	list := func(f lot.QueueFilter, limit int, want string) string {
		t.Helper()
		var got string
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			var pages [][]string
			for after := ""; ; {
				ts, next, err := s.ListQueue(ctx, f, after, limit)
				must(t, err)
				var ids []string
				for _, tr := range ts {
					ids = append(ids, strings.TrimPrefix(tr.ID, "0190f0f0-0000-7000-8000-000000000"))
				}
				pages = append(pages, ids)
				if after = next; next == "" || len(pages) > 5 {
					break
				}
			}
			if got = fmt.Sprint(pages); got == want {
				break
			}
		}
		return got
	}
	all := lot.Scope{All: true}
	for _, c := range []struct {
		name string
		f    lot.QueueFilter
		want string
	}{
		{"operators, every QC status", lot.QueueFilter{Scope: all, Queues: qc()}, "[[206 204 203 202 201]]"},
		{"operators, Ready", lot.QueueFilter{Scope: all, Queues: qc(lot.QCReady)}, "[[202 201]]"},
		{"operators, Ready or In Progress", lot.QueueFilter{Scope: all, Queues: qc(lot.QCReady, lot.QCInProgress)}, "[[206 203 202 201]]"},
		{"operators, one facility", lot.QueueFilter{Scope: all, Queues: qc(), FulfillmentPartner: "lumen"}, "[[206 204 202]]"},
		{"a partner, assigned and subassigned", lot.QueueFilter{Scope: lot.Scope{FulfillmentPartner: "juniper"}, Queues: qc()}, "[[204 203 201]]"},
		{"a partner, Failed", lot.QueueFilter{Scope: lot.Scope{FulfillmentPartner: "juniper"}, Queues: qc(lot.QCFailed)}, "[[204]]"},
		{"a partner asking for another facility", lot.QueueFilter{Scope: lot.Scope{FulfillmentPartner: "juniper"}, Queues: qc(), FulfillmentPartner: "lumen"}, "[[204]]"},
		{"a content partner", lot.QueueFilter{Scope: lot.Scope{ContentPartner: "orbit"}, Queues: qc()}, "[[204]]"},
		{"nobody", lot.QueueFilter{Queues: qc()}, "[[]]"},
		{"no queue asked for", lot.QueueFilter{Scope: all}, "[[]]"},
		{"overrides waiting for the studio", lot.QueueFilter{Scope: all, Queues: []lot.Queue{lot.QueueVerify}}, "[[207]]"},
		{"another facility's overrides", lot.QueueFilter{Scope: lot.Scope{FulfillmentPartner: "lumen"}, Queues: []lot.Queue{lot.QueueVerify}}, "[[]]"},
		{"operators, pages of 2", lot.QueueFilter{Scope: all, Queues: qc()}, "[[206 204] [203 202] [201]]"},
	} {
		limit := 0
		if strings.Contains(c.name, "pages of 2") {
			limit = 2
		}
		if got := list(c.f, limit, c.want); got != c.want {
			t.Errorf("%s: pages %s, want %s", c.name, got, c.want)
		}
	}
}

func mustTransfer(tb testing.TB, s lot.Store, id string) *lot.Transfer {
	tb.Helper()
	tr, err := s.GetTransfer(context.Background(), id)
	must(tb, err)
	return tr
}

func testMaterials(t *testing.T, s lot.Store) {
	ctx := context.Background()
	mk := func(movie int64, at lot.AssetType, variant string, v int) *lot.Material {
		return &lot.Material{ID: lot.MaterialID(movie, at, variant, v), MovieID: movie, AssetType: at, Variant: variant, Version: v,
			FileName: "stems.wav", Size: 10, SHA256: strings.Repeat("cd", 32), Key: "materials/x", QC: lot.MaterialQCPending,
			DeliveredAt: t0, AddedBy: "studio-ops"}
	}
	v1 := mk(81, lot.AssetAudioStems, "", 1)
	must(t, s.CreateMaterial(ctx, v1))
	if v1.Rev != 1 {
		t.Fatalf("a new material is at revision %d", v1.Rev)
	}
	// A version is created once: two studio users adding at once cannot share it.
	wantCode(t, s.CreateMaterial(ctx, mk(81, lot.AssetAudioStems, "", 1)), lot.CodeConflict)
	must(t, s.CreateMaterial(ctx, mk(81, lot.AssetAudioStems, "", 2)))
	must(t, s.CreateMaterial(ctx, mk(81, lot.AssetSubtitle, "es", 1)))
	must(t, s.CreateMaterial(ctx, mk(82, lot.AssetScript, "", 1)))
	// A media material keeps its technical metadata.
	video := mk(82, lot.AssetProxyVideo, "", 1)
	video.FileName, video.QC, video.QCUpdatedAt = "proxy.mp4", "", time.Time{}
	video.SetMedia(lot.MediaInfo{Duration: 12.5, Video: []lot.VideoStream{{Codec: "h264", Width: 1280, Height: 720, FrameRate: 23.976}},
		Audio:     []lot.AudioStream{{Codec: "aac", Channels: 6, Layout: "5.1(side)", Language: "eng"}, {Codec: "aac", Channels: 2, Layout: "stereo", Language: "fra"}},
		Subtitles: []lot.SubtitleTrack{{Codec: "mov_text", Language: "spa"}}})
	must(t, s.CreateMaterial(ctx, video))
	gotVideo, err := s.GetMaterial(ctx, video.ID)
	must(t, err)
	if gotVideo.Duration != 12.5 || gotVideo.VideoCodec != "h264" || gotVideo.Width != 1280 || gotVideo.Height != 720 || gotVideo.FrameRate != 23.976 {
		t.Errorf("stored video metadata = %v %q %dx%d %v, want 12.5 h264 1280x720 23.976",
			gotVideo.Duration, gotVideo.VideoCodec, gotVideo.Width, gotVideo.Height, gotVideo.FrameRate)
	}
	if !slices.Equal(gotVideo.Audio, video.Audio) {
		t.Errorf("stored audio streams = %+v, want %+v", gotVideo.Audio, video.Audio)
	}
	if !slices.Equal(gotVideo.Subtitles, []string{"spa"}) {
		t.Errorf("stored subtitle languages = %v, want [spa]", gotVideo.Subtitles)
	}
	up, err := s.UpdateMaterial(ctx, v1.ID, func(m *lot.Material) (bool, error) {
		m.QC, m.QCUpdatedAt = lot.MaterialReadyForMix, t0.Add(time.Hour)
		return true, nil
	})
	must(t, err)
	_, err = s.UpdateMaterial(ctx, v1.ID, func(m *lot.Material) (bool, error) {
		_, inner := s.UpdateMaterial(ctx, v1.ID, func(m2 *lot.Material) (bool, error) { m2.Note = "first"; return true, nil })
		must(t, inner)
		m.Note = "second"
		return true, nil
	})
	wantCode(t, err, lot.CodeConflict)
	got, err := s.GetMaterial(ctx, v1.ID)
	must(t, err)
	if up.Rev != 2 {
		t.Errorf("update answered revision %d, want 2", up.Rev)
	}
	if got.Rev != 3 {
		t.Errorf("stored material Rev = %d, want 3", got.Rev)
	}
	if got.QC != lot.MaterialReadyForMix {
		t.Errorf("stored material QC = %q, want %q", got.QC, lot.MaterialReadyForMix)
	}
	if got.Note != "first" {
		t.Errorf("stored material Note = %q, want %q", got.Note, "first")
	}
	if !got.DeliveredAt.Equal(t0) {
		t.Errorf("stored material DeliveredAt = %v, want %v", got.DeliveredAt, t0)
	}
	_, err = s.GetMaterial(ctx, lot.MaterialID(81, lot.AssetScript, "", 1))
	wantCode(t, err, lot.CodeNotFound)
	list := eventually(t, func() ([]*lot.Material, error) { return s.ListMaterials(ctx, 81) }, 3)
	lot.SortMaterials(list)
	if list[0].Version != 2 {
		t.Errorf("the title's material 0 Version = %d, want 2", list[0].Version)
	}
	if list[1].Version != 1 {
		t.Errorf("the title's material 1 Version = %d, want 1", list[1].Version)
	}
	if list[2].Variant != "es" {
		t.Errorf("the title's material 2 Variant = %q, want %q", list[2].Variant, "es")
	}

	p := &lot.Proxy{ID: lot.PooledProxyID(v1.ID, 1), MaterialID: v1.ID, MovieID: 81, State: lot.ProxyPooled, Code: "K7Q2M9XD", CreatedAt: t0}
	must(t, s.CreateProxy(ctx, p))
	wantCode(t, s.CreateProxy(ctx, &lot.Proxy{ID: p.ID, MaterialID: v1.ID}), lot.CodeConflict)
	claimed, err := s.UpdateProxy(ctx, p.ID, func(p *lot.Proxy) (bool, error) { p.State, p.User = lot.ProxyReady, "ana"; return true, nil })
	must(t, err)
	proxies := eventually(t, func() ([]*lot.Proxy, error) { return s.ListProxies(ctx, v1.ID) }, 1)
	if claimed.Rev != 2 {
		t.Errorf("claimed proxy Rev = %d, want 2", claimed.Rev)
	}
	if proxies[0].User != "ana" {
		t.Errorf("listed proxy User = %q, want %q", proxies[0].User, "ana")
	}
	if proxies[0].Code != "K7Q2M9XD" {
		t.Errorf("listed proxy Code = %q, want %q", proxies[0].Code, "K7Q2M9XD")
	}

	d := &lot.Download{ID: ID(301), MaterialID: v1.ID, MovieID: 81, AssetType: lot.AssetAudioStems, Version: 1, User: "ana",
		Partner: "juniper", Key: "materials/x", Size: 10, SHA256: strings.Repeat("cd", 32), StartedAt: t0}
	must(t, s.CreateDownload(ctx, d))
	must(t, s.CreateDownload(ctx, &lot.Download{ID: ID(302), MaterialID: v1.ID, MovieID: 81, User: "bo", Partner: "lumen", StartedAt: t0}))
	done, err := s.UpdateDownload(ctx, d.ID, func(d *lot.Download) (bool, error) { return d.Serve(0, 10, t0.Add(time.Minute)), nil })
	must(t, err)
	mine := eventually(t, func() ([]*lot.Download, error) { return s.ListDownloads(ctx, 81, "juniper") }, 1)
	if done.Rev != 2 {
		t.Errorf("served download Rev = %d, want 2", done.Rev)
	}
	if !mine[0].Completed() {
		t.Errorf("juniper's download is not completed: %+v", mine[0])
	}
	if mine[0].CompletedBy != lot.CompletedByBlobServer {
		t.Errorf("juniper's download CompletedBy = %q, want %q", mine[0].CompletedBy, lot.CompletedByBlobServer)
	}
	if mine[0].User != "ana" {
		t.Errorf("juniper's download User = %q, want %q", mine[0].User, "ana")
	}
	other, err := s.ListDownloads(ctx, 82, "juniper")
	if err != nil {
		t.Fatalf("another title's downloads: error %v", err)
	}
	if len(other) != 0 {
		t.Errorf("another title has %d downloads, want 0: %+v", len(other), other)
	}
}

// eventually lists until it has want items (index reads may lag a moment on DynamoDB).
func eventually[T any](t *testing.T, list func() ([]T, error), want int) []T {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got, err := list()
		must(t, err)
		if len(got) == want {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("listed %d, want %d", len(got), want)
		}
	}
}

func testUsers(t *testing.T, s lot.Store) {
	ctx := context.Background()
	ana := &lot.User{Subject: "ana", Name: "Ana", Email: "ana@juniper.example", Role: lot.RoleFP, Partner: "juniper", SeenAt: t0}
	must(t, s.PutUser(ctx, ana))
	must(t, s.PutUser(ctx, &lot.User{Subject: "bo", Name: "Bo", Role: lot.RoleFP, Partner: "lumen", SeenAt: t0}))
	_, err := s.UpdateUser(ctx, "ana", func(u *lot.User) (bool, error) {
		u.DigestDay, u.Digested = "2026-11-22", map[string]string{ID(1): "critical"}
		return true, nil
	})
	must(t, err)
	// Signing in again changes the name and email, never the digest's memory.
	must(t, s.PutUser(ctx, &lot.User{Subject: "ana", Name: "Ana N.", Email: "ana.n@juniper.example", Role: lot.RoleFP, Partner: "juniper", SeenAt: t0.Add(time.Hour)}))
	got, err := s.GetUser(ctx, "ana")
	must(t, err)
	if got.Name != "Ana N." {
		t.Errorf("user after a second sign-in: Name = %q, want %q", got.Name, "Ana N.")
	}
	if got.Email != "ana.n@juniper.example" {
		t.Errorf("user after a second sign-in: Email = %q, want %q", got.Email, "ana.n@juniper.example")
	}
	if got.DigestDay != "2026-11-22" {
		t.Errorf("user after a second sign-in: DigestDay = %q, want %q", got.DigestDay, "2026-11-22")
	}
	if got.Digested[ID(1)] != "critical" {
		t.Errorf("user after a second sign-in: Digested[%s] = %q, want %q", ID(1), got.Digested[ID(1)], "critical")
	}
	_, err = s.GetUser(ctx, "nobody")
	wantCode(t, err, lot.CodeNotFound)
	list := eventually(t, func() ([]*lot.User, error) { return s.ListUsers(ctx, "juniper") }, 1)
	if list[0].Subject != "ana" {
		t.Fatalf("juniper's users: %+v", list)
	}
}

func testPeople(t *testing.T, s lot.Store) {
	// Ensures a person who signs in keeps every sign-in field, is found by
	// email whatever its case, holds the email alone, and keeps password,
	// rights, disabled flag, lockout and sessions when a sign-in is recorded again.
	ctx := context.Background()
	cy := &lot.User{Subject: "0190f0f0-0000-7000-8000-00000000c1a0", Name: "Cy", Email: "Cy@Juniper.example", Role: lot.RoleFP,
		Partner: "juniper", Permissions: []lot.Permission{lot.PermCancel}, PasswordHash: []byte("$2a$10$hash"), CreatedAt: t0,
		FailedSignIns: 2, LockedUntil: t0.Add(time.Minute),
		Sessions: []lot.Session{{ID: "s1", Client: "openlot-web", Generation: 3, Started: t0, Refreshed: t0.Add(time.Hour), Expires: t0.Add(24 * time.Hour)}}}
	must(t, s.AddUser(ctx, cy))
	if cy.Rev != 1 {
		t.Errorf("added user Rev = %d, want 1", cy.Rev)
	}
	got, err := s.UserByEmail(ctx, "  cy@JUNIPER.example ")
	must(t, err)
	if got.Subject != cy.Subject {
		t.Errorf("by email: Subject = %q, want %q", got.Subject, cy.Subject)
	}
	if string(got.PasswordHash) != "$2a$10$hash" {
		t.Errorf("by email: PasswordHash = %q", got.PasswordHash)
	}
	if !slices.Equal(got.Permissions, cy.Permissions) {
		t.Errorf("by email: Permissions = %v, want %v", got.Permissions, cy.Permissions)
	}
	if got.FailedSignIns != 2 {
		t.Errorf("by email: FailedSignIns = %d, want 2", got.FailedSignIns)
	}
	if !got.LockedUntil.Equal(cy.LockedUntil) {
		t.Errorf("by email: LockedUntil = %v, want %v", got.LockedUntil, cy.LockedUntil)
	}
	if !got.CreatedAt.Equal(t0) {
		t.Errorf("by email: CreatedAt = %v, want %v", got.CreatedAt, t0)
	}
	if len(got.Sessions) != 1 {
		t.Fatalf("by email: %d sessions, want 1", len(got.Sessions))
	}
	if ss := got.Sessions[0]; ss.ID != "s1" || ss.Client != "openlot-web" || ss.Generation != 3 || !ss.Expires.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("by email: session = %+v", ss)
	}

	err = s.AddUser(ctx, &lot.User{Subject: "0190f0f0-0000-7000-8000-00000000c1a1", Name: "Other Cy", Email: "CY@juniper.EXAMPLE",
		Role: lot.RoleStudio, PasswordHash: []byte("x")})
	wantCode(t, err, lot.CodeConflict)
	err = s.AddUser(ctx, &lot.User{Subject: cy.Subject, Name: "Same subject", Email: "cy2@juniper.example", Role: lot.RoleStudio, PasswordHash: []byte("x")})
	wantCode(t, err, lot.CodeConflict)
	_, err = s.UserByEmail(ctx, "nobody@juniper.example")
	wantCode(t, err, lot.CodeNotFound)

	_, err = s.UpdateUser(ctx, cy.Subject, func(u *lot.User) (bool, error) { u.Disabled = true; return true, nil })
	must(t, err)
	// A sign-in recorded again (PutUser) keeps how the person signs in here.
	must(t, s.PutUser(ctx, &lot.User{Subject: cy.Subject, Name: "Cy N.", Email: cy.Email, Role: lot.RoleFP, Partner: "juniper", SeenAt: t0}))
	got, err = s.GetUser(ctx, cy.Subject)
	must(t, err)
	if got.Name != "Cy N." {
		t.Errorf("after PutUser: Name = %q, want %q", got.Name, "Cy N.")
	}
	if string(got.PasswordHash) != "$2a$10$hash" {
		t.Errorf("after PutUser: PasswordHash = %q, want it kept", got.PasswordHash)
	}
	if !got.Disabled {
		t.Error("after PutUser: Disabled = false, want it kept")
	}
	if !slices.Equal(got.Permissions, cy.Permissions) {
		t.Errorf("after PutUser: Permissions = %v, want %v", got.Permissions, cy.Permissions)
	}
	if got.FailedSignIns != 2 {
		t.Errorf("after PutUser: FailedSignIns = %d, want 2", got.FailedSignIns)
	}
	if !got.LockedUntil.Equal(cy.LockedUntil) {
		t.Errorf("after PutUser: LockedUntil = %v, want kept", got.LockedUntil)
	}
	if len(got.Sessions) != 1 {
		t.Errorf("after PutUser: %d sessions, want 1", len(got.Sessions))
	}

	must(t, s.AddUser(ctx, &lot.User{Subject: "0190f0f0-0000-7000-8000-00000000c1a2", Name: "Ann", Email: "ann@openlot.example",
		Role: lot.RoleStudio, PasswordHash: []byte("x")}))
	must(t, s.PutUser(ctx, &lot.User{Subject: "robot", Name: "Robot", Email: "robot@juniper.example", Role: lot.RoleFP, Partner: "juniper"}))
	people := eventually(t, func() ([]*lot.User, error) { return s.ListPeople(ctx) }, 2)
	if people[0].Email != "ann@openlot.example" {
		t.Errorf("people[0] = %q, want ann (by email)", people[0].Email)
	}
	if people[1].Subject != cy.Subject {
		t.Errorf("people[1] = %q, want Cy", people[1].Subject)
	}
}
