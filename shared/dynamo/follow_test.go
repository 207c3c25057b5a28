package dynamo_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/dynamo"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

// instance is one function instance: its own client on the shared table,
// its own portal (so its own search indexes), the shared blob store.
func instance(t *testing.T, name string, blobs lot.Blobs, now time.Time) (*dynamo.Store, *portal.Service) {
	t.Helper()
	s := dynamo.New(config(t), name, dynamo.Options{})
	svc := portal.New(s, lot.ClockFunc(func() time.Time { return now }), ids.NewSeeded(1, now), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	svc.Deps.Blobs = blobs
	return s, svc
}

func total(t *testing.T, svc *portal.Service, p lot.Principal) int {
	t.Helper()
	res, _, err := svc.Requests.Search(context.Background(), p, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func TestSearchFollowsChanges(t *testing.T) {
	// Ensures a search index kept over DynamoDB follows changes: its author's
	// next search sees a change at once, another instance within 2 s; a cold
	// instance starts from the snapshot without reading the scope; a request
	// reassigned away leaves the old partner's index; warm searches read only
	// what changed.
	ctx := context.Background()
	base := fresh(t, config(t), dynamo.Options{})
	name := base.Table()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	blobs, err := diskblob.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "key"), "http://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	studio := lot.Principal{Subject: "studio-ops", Name: "Studio Ops", Role: lot.RoleStudio}
	juniper := lot.Principal{Subject: "j", Name: "J", Role: lot.RoleFP, Partner: "juniper"}
	title := &lot.Title{MovieID: 81000001, Name: "House of Tides", ReleaseYear: 2026, MovieType: lot.MovieStandalone, ContentPartner: "northstar"}
	var reqs []*lot.Request
	for i := range 6 {
		fp := "juniper"
		if i == 5 {
			fp = "lumen"
		}
		r, err := lot.Create(lot.Act{By: studio, At: now}, fmt.Sprintf("0193a1b2-0000-7000-8000-%012d", i+1), lot.NewRequest{
			Title: title, Package: &lot.Package{ID: 700001, MovieID: title.MovieID, Countries: []string{"US"}},
			FulfillmentPartner: &lot.Partner{ID: fp, Kind: lot.PartnerFulfillment},
			SourceType:         lot.SourceSubtitle, Language: "es", DueDate: lot.DateOf(now).AddDays(5),
		})
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, r)
	}
	if err := base.CreateRequests(ctx, reqs...); err != nil {
		t.Fatal(err)
	}

	storeA, a := instance(t, name, blobs, now)
	if got := total(t, a, juniper); got != 5 {
		t.Fatalf("instance A finds %d of juniper's requests, want 5", got)
	}
	if _, err := blobs.Head(ctx, portal.SnapshotKey(lot.ScopeOf(juniper))); err != nil {
		t.Fatalf("no snapshot after a full read: %v", err)
	}
	storeB, b := instance(t, name, blobs, now)
	if got := total(t, b, juniper); got != 5 {
		t.Fatalf("instance B (cold, from the snapshot) finds %d, want 5", got)
	}
	if n := storeB.ItemsRead(); n != 0 {
		t.Fatalf("a cold start from the snapshot read %d request items, want 0", n)
	}

	cancel := func(r *lot.Request) error {
		r.Status = lot.StatusCancelled
		return r.AddComment(lot.Act{By: studio, At: now}, "cancelled in a test")
	}
	poll, wait := portal.FollowPoll, portal.FollowWait
	portal.FollowPoll, portal.FollowWait = time.Hour, time.Hour // the author's instance must not need the change index
	if _, err := storeA.UpdateRequest(ctx, reqs[0].ID, cancel); err != nil {
		t.Fatal(err)
	}
	got := total(t, a, juniper)
	portal.FollowPoll, portal.FollowWait = poll, wait
	if got != 4 {
		t.Fatalf("the author's next search finds %d, want 4 at once", got)
	}
	waitFor(t, "instance B sees the cancellation", func() bool { return total(t, b, juniper) == 4 })

	before := storeB.ItemsRead()
	if _, err := storeA.UpdateRequest(ctx, reqs[1].ID, func(r *lot.Request) error {
		r.FulfillmentPartner = "lumen"
		return r.AddComment(lot.Act{By: studio, At: now}, "reassigned in a test")
	}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reassigned request leaves juniper's index on B", func() bool { return total(t, b, juniper) == 3 })
	if n := storeB.ItemsRead() - before; n != 0 {
		t.Fatalf("B read %d request items to drop a request, want 0 (the change index says it left)", n)
	}
	if got := total(t, b, lot.Principal{Subject: "l", Role: lot.RoleFP, Partner: "lumen"}); got != 2 {
		t.Fatalf("lumen finds %d, want 2", got)
	}
	time.Sleep(portal.FollowOverlap + portal.FollowPoll) // the overlap window passes
	before = storeB.ItemsRead()
	for range 3 {
		total(t, b, juniper)
		time.Sleep(portal.FollowPoll)
	}
	if n := storeB.ItemsRead() - before; n != 0 {
		t.Fatalf("warm searches with no changes read %d request items, want 0", n)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 2 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
