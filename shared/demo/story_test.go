package demo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/sqlite"
)

// seeded is the demo of one day in a fresh store, with every request,
// its history and its transfers.
type seeded struct {
	today     time.Time
	stats     demo.Stats
	requests  map[string]*lot.Request
	history   map[string][]lot.HistoryEntry
	transfers map[string][]*lot.Transfer // newest first
	digest    string                     // of every request, history entry and transfer, in ID order
}

func mustSeed(tb testing.TB, today time.Time) seeded {
	tb.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	st, err := demo.Seed(ctx, s, today)
	if err != nil {
		tb.Fatal(err)
	}
	all, err := s.ScopeRequests(ctx, lot.Scope{All: true})
	if err != nil {
		tb.Fatal(err)
	}
	out := seeded{today: today, stats: st, requests: map[string]*lot.Request{}, history: map[string][]lot.HistoryEntry{},
		transfers: map[string][]*lot.Transfer{}}
	slices.SortFunc(all, func(a, b *lot.Request) int { return strings.Compare(a.ID, b.ID) })
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, r := range all {
		out.requests[r.ID] = r.Clone()
		if out.history[r.ID], err = s.History(ctx, r.ID); err != nil {
			tb.Fatal(err)
		}
		if out.transfers[r.ID], err = s.ListTransfers(ctx, r.ID); err != nil {
			tb.Fatal(err)
		}
		if err := enc.Encode([]any{r, out.history[r.ID], out.transfers[r.ID]}); err != nil {
			tb.Fatal(err)
		}
	}
	out.digest = hex.EncodeToString(h.Sum(nil))
	return out
}

func TestTheDemoOfADayIsTheSameEveryTime(t *testing.T) {
	// Ensures two seeds of the same day write the same requests, histories
	// and deliveries, down to every ID, time and finding.
	today := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	a, b := mustSeed(t, today), mustSeed(t, today)
	if a.stats != b.stats {
		t.Errorf("two seeds of the same day counted %+v, then %+v", a.stats, b.stats)
	}
	if a.digest != b.digest {
		t.Errorf("two seeds of the same day differ: digest %s, then %s", a.digest, b.digest)
	}
}

func TestEveryDemoRequestsHistoryLeadsToItsStatus(t *testing.T) {
	// Ensures every demo request's history starts with its creation, runs
	// in time order up to the demo's today, and that its status changes,
	// replayed entry by entry, each follow a rule of the status table and
	// end in the request's status.
	today := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	d := mustSeed(t, today)
	for id, r := range d.requests {
		h := d.history[id]
		if len(h) == 0 {
			t.Errorf("%s (%s): no history", id, r.Status)
			continue
		}
		if first := h[0]; first.Action != lot.ActionCreated && first.Action != lot.ActionCreatedByUpgrade {
			t.Errorf("%s: history starts with %s, want its creation", id, first.Action)
		} else if first.After != string(lot.StatusOpen) {
			t.Errorf("%s: created %q, want OPEN", id, first.After)
		}
		if !h[0].At.Equal(r.CreatedAt) {
			t.Errorf("%s: history starts %s, the request was created %s", id, h[0].At, r.CreatedAt)
		}
		status := lot.StatusOpen
		for i, e := range h {
			if i > 0 && e.At.Before(h[i-1].At) {
				t.Errorf("%s: entry %d (%s at %s) comes before entry %d (%s at %s)", id, i, e.Action, e.At, i-1, h[i-1].Action, h[i-1].At)
			}
			if e.At.After(today) {
				t.Errorf("%s: entry %d (%s) at %s, after today %s", id, i, e.Action, e.At, today)
			}
			if i == 0 || e.Field != "status" {
				continue
			}
			if lot.RequestStatus(e.Before) != status {
				t.Errorf("%s: entry %d (%s) moves from %s, but the history had it %s", id, i, e.Action, e.Before, status)
			}
			if !ruleMoves(e.Action, lot.RequestStatus(e.Before), lot.RequestStatus(e.After)) {
				t.Errorf("%s: entry %d: no rule's %s moves a request from %s to %s", id, i, e.Action, e.Before, e.After)
			}
			status = lot.RequestStatus(e.After)
		}
		if status != r.Status {
			t.Errorf("%s: the history ends in %s, the request is %s", id, status, r.Status)
		}
	}
}

// ruleMoves reports whether an operation of the status table that
// records action takes a request from before to after.
func ruleMoves(action lot.Action, before, after lot.RequestStatus) bool {
	for _, rule := range lot.Rules() {
		if rule.Action == action && rule.AllowsFrom(before) && rule.Next(before) == after {
			return true
		}
	}
	return false
}

func TestEveryDemoDeliveryStatusHasTheDeliveryThatExplainsIt(t *testing.T) {
	// Ensures a Delivered demo request has an overridden delivery waiting
	// for the studio; a Processed one a processed delivery (with QC, not
	// failed, where its source type's policy asks for QC); a Redelivery
	// Requested one the failed QC, rejected override or studio request that
	// asked for it; an Upgraded one points to an existing request that
	// points back; and every delivery that arrived is in its request's
	// history, with timelines in time order.
	today := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	d := mustSeed(t, today)
	for id, r := range d.requests {
		ts := d.transfers[id]
		delivered := map[string]bool{}
		for _, e := range d.history[id] {
			if e.Action == lot.ActionDelivered {
				delivered[e.After] = true
			}
		}
		for _, tr := range ts {
			arrived := slices.ContainsFunc(tr.Timeline, func(e lot.TransferEvent) bool { return e.Status == lot.TransferPendingInspection })
			if arrived != delivered[tr.ID] {
				t.Errorf("%s: transfer %s arrived %v, in the history %v", id, tr.ID, arrived, delivered[tr.ID])
			}
			for i, e := range tr.Timeline {
				if i > 0 && e.At.Before(tr.Timeline[i-1].At) {
					t.Errorf("%s: transfer %s: %s at %s comes before %s at %s", id, tr.ID, e.Status, e.At, tr.Timeline[i-1].Status, tr.Timeline[i-1].At)
				}
				if e.At.After(today) {
					t.Errorf("%s: transfer %s: %s at %s, after today", id, tr.ID, e.Status, e.At)
				}
			}
		}
		// The newest delivery that is not an abandoned upload.
		var current *lot.Transfer
		for _, tr := range ts {
			if tr.Status != lot.TransferAborted && tr.Status != lot.TransferSuperseded {
				current = tr
				break
			}
		}
		switch r.Status {
		case lot.StatusOpen, lot.StatusCancelled:
			if len(ts) > 0 {
				t.Errorf("%s (%s): %d deliveries, want none", id, r.Status, len(ts))
			}
		case lot.StatusDelivered:
			if current == nil {
				t.Errorf("%s (Delivered): no delivery", id)
			} else if current.Status != lot.TransferOverridden {
				t.Errorf("%s (Delivered): the newest delivery is %s, want OVERRIDDEN (waiting for the studio)", id, current.Status)
			}
		case lot.StatusProcessed:
			mustStand(t, id, r, current)
		case lot.StatusUpgraded:
			if current == nil || current.Status != lot.TransferProcessed && current.Status != lot.TransferOverridden {
				t.Errorf("%s (Upgraded): no delivery that stood before the upgrade", id)
			}
			n, ok := d.requests[r.UpgradedTo]
			switch {
			case r.UpgradedTo == "":
				t.Errorf("%s (Upgraded): no new request", id)
			case !ok:
				t.Errorf("%s (Upgraded): new request %s does not exist", id, r.UpgradedTo)
			case n.UpgradedFrom != id:
				t.Errorf("%s (Upgraded): new request %s points back to %q", id, n.ID, n.UpgradedFrom)
			}
		case lot.StatusRedeliveryRequested:
			if why := redeliveryCause(d.history[id], ts); why != "" {
				t.Errorf("%s (Redelivery Requested): %s", id, why)
			}
		}
		if r.UpgradedFrom != "" {
			if old, ok := d.requests[r.UpgradedFrom]; !ok || old.UpgradedTo != id {
				t.Errorf("%s: upgraded from %s, which does not point to it", id, r.UpgradedFrom)
			}
		}
	}
}

// mustStand checks that a Processed request's newest delivery stands.
func mustStand(t *testing.T, id string, r *lot.Request, current *lot.Transfer) {
	t.Helper()
	if current == nil {
		t.Errorf("%s (Processed): no delivery", id)
		return
	}
	if current.Status != lot.TransferProcessed {
		t.Errorf("%s (Processed): the newest delivery is %s, want PROCESSED", id, current.Status)
	}
	if inspect.PolicyFor(r.SourceType).QC && current.QC == nil {
		t.Errorf("%s (Processed %s): no QC, which the policy asks for", id, r.SourceType)
	}
	if current.QC != nil && current.QC.Status == lot.QCFailed {
		t.Errorf("%s (Processed): its delivery failed QC", id)
	}
}

// redeliveryCause says what is wrong with the explanation of a request's
// last move to Redelivery Requested ("" when it holds): a failed QC of
// one of its deliveries, the studio's rejection of an override, or the
// studio's request after a delivery that stood.
func redeliveryCause(h []lot.HistoryEntry, ts []*lot.Transfer) string {
	var move *lot.HistoryEntry
	for i := range h {
		if h[i].Field == "status" && h[i].After == string(lot.StatusRedeliveryRequested) {
			move = &h[i]
		}
	}
	if move == nil {
		return "no history entry moved it there"
	}
	byID := func(s string) *lot.Transfer {
		for _, tr := range ts {
			if strings.Contains(s, tr.ID) {
				return tr
			}
		}
		return nil
	}
	switch {
	case move.Action == lot.ActionQCFailed:
		if tr := byID(move.Comment); tr == nil || tr.QC == nil || tr.QC.Status != lot.QCFailed {
			return "a QC failure that names no delivery whose QC failed: " + move.Comment
		}
	case move.Role == lot.RoleStudio && strings.HasPrefix(move.Comment, "transfer "):
		tr := byID(move.Comment)
		if tr == nil || tr.Status != lot.TransferFailed {
			return "a rejected override of no failed delivery: " + move.Comment
		}
		if !slices.ContainsFunc(tr.Timeline, func(e lot.TransferEvent) bool { return e.Status == lot.TransferOverridden }) {
			return "a rejected override of a delivery never overridden: " + tr.ID
		}
	case move.Role == lot.RoleStudio:
		if !slices.ContainsFunc(ts, func(tr *lot.Transfer) bool {
			return tr.Status == lot.TransferProcessed && !tr.ProcessedAt.After(move.At)
		}) {
			return "the studio asked for a redelivery with no processed delivery before"
		}
	default:
		return "moved there by " + string(move.Action) + " of " + move.Actor
	}
	return ""
}

func TestTheDemoShowsEveryKindOfDeliveryQCAndComment(t *testing.T) {
	// Ensures the demo's deliveries cover what the Deliveries and Quality
	// Control tabs show: processed, failed, overridden and abandoned
	// deliveries; findings with their catalogue codes, overridable or not;
	// QC passed, passed with issues, failed and unfinished; comments by
	// fulfillment partners, content partners and the studio.
	d := mustSeed(t, time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	transfers, qc, codes, commenters := map[lot.TransferStatus]int{}, map[lot.QCStatus]int{}, map[bool]int{}, map[lot.Role]int{}
	n := 0
	for id := range d.requests {
		for _, tr := range d.transfers[id] {
			n++
			transfers[tr.Status]++
			if tr.QC != nil {
				qc[tr.QC.Status]++
			}
			if tr.Inspection == nil {
				continue
			}
			for _, f := range tr.Inspection.Findings {
				c, ok := inspect.Lookup(f.Code)
				if !ok {
					t.Errorf("transfer %s: finding %s is not in the catalogue", tr.ID, f.Code)
				} else if c.Overridable != f.Overridable {
					t.Errorf("transfer %s: finding %s overridable %v, the catalogue says %v", tr.ID, f.Code, f.Overridable, c.Overridable)
				}
				codes[f.Overridable]++
			}
		}
		for _, e := range d.history[id] {
			if e.Action == lot.ActionCommented {
				commenters[e.Role]++
			}
		}
	}
	if n != d.stats.Transfers {
		t.Errorf("%d transfers stored, Seed counted %d", n, d.stats.Transfers)
	}
	for _, s := range []lot.TransferStatus{lot.TransferProcessed, lot.TransferFailed, lot.TransferOverridden, lot.TransferAborted, lot.TransferSuperseded} {
		if transfers[s] == 0 {
			t.Errorf("no %s delivery: %v", s, transfers)
		}
	}
	for _, s := range []lot.QCStatus{lot.QCReady, lot.QCInProgress, lot.QCPassed, lot.QCPassedWithIssues, lot.QCFailed} {
		if qc[s] == 0 {
			t.Errorf("no QC %s: %v", s, qc)
		}
	}
	for _, o := range []bool{true, false} {
		if codes[o] == 0 {
			t.Errorf("no finding with overridable %v", o)
		}
	}
	for _, r := range []lot.Role{lot.RoleFP, lot.RoleCP, lot.RoleStudio} {
		if commenters[r] == 0 {
			t.Errorf("no comment by a %s: %v", r.Name(), commenters)
		}
	}
	t.Logf("%d requests, %d transfers %v, QC %v, comments %v", len(d.requests), n, transfers, qc, commenters)
}

func TestJuniperCapCountsTheRequestsUpgradesCreate(t *testing.T) {
	// Ensures SeedWith's JuniperCap gives juniper exactly that many
	// requests, the new requests of upgraded ones included (the search
	// benchmark measures a partner of an exact size).
	ctx := context.Background()
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const want = 1500
	if _, err := demo.SeedWith(ctx, s, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC),
		demo.Options{TitleSets: 1, FPWeights: [3]int{80, 10, 10}, JuniperCap: want}); err != nil {
		t.Fatal(err)
	}
	rs, err := s.ScopeRequests(ctx, lot.Scope{FulfillmentPartner: "juniper"})
	if err != nil {
		t.Fatal(err)
	}
	upgrades := 0
	for _, r := range rs {
		if r.UpgradedFrom != "" {
			upgrades++
		}
	}
	if len(rs) != want {
		t.Errorf("juniper has %d requests (%d of them made by upgrades), want %d", len(rs), upgrades, want)
	}
	if upgrades == 0 {
		t.Error("no juniper request made by an upgrade: the cap was not tried with them")
	}
}

func TestSecondaryDeliveriesWaitForTheirTitlesPrimaryVideo(t *testing.T) {
	// Ensures a demo subtitle or dub was inspected only when its title had
	// a processed primary video (AV Muxed, IMF, non-IMF) or none at all, as
	// the inspection flow's first step decides, having waited (Waiting for
	// Primary) until then; except where no primary of the title is
	// processed at any time up to today, which the demo cannot wait for.
	today := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	d := mustSeed(t, today)
	lines := map[int64][][]lot.HistoryEntry{} // per title, its primary requests' status changes
	for id, r := range d.requests {
		if r.SourceType == lot.SourceAVMuxed || r.SourceType == lot.SourceIMF || r.SourceType == lot.SourceNonIMFDelivery {
			var line []lot.HistoryEntry
			for _, e := range d.history[id] {
				if e.Field == "status" {
					line = append(line, e)
				}
			}
			lines[r.MovieID] = append(lines[r.MovieID], line)
		}
	}
	// waits says whether inspection at t waits: a primary exists and none is processed.
	waits := func(movie int64, at time.Time) bool {
		exists := false
		for _, line := range lines[movie] {
			status := ""
			for _, e := range line {
				if !e.At.After(at) {
					status = e.After
				}
			}
			switch lot.RequestStatus(status) {
			case "", lot.StatusCancelled:
			case lot.StatusProcessed:
				return false
			default:
				exists = true
			}
		}
		return exists
	}
	waited, unwaited := 0, 0
	for id, r := range d.requests {
		if !inspect.PolicyFor(r.SourceType).Secondary {
			continue
		}
		for _, tr := range d.transfers[id] {
			if tr.Inspection == nil {
				continue
			}
			var begun time.Time // when inspection's first step last went on
			for _, e := range tr.Timeline {
				if e.Status == lot.TransferPendingInspection {
					begun = e.At
				}
				if e.Status == lot.TransferWaitingForPrimary {
					waited++
				}
			}
			if !waits(r.MovieID, begun) {
				continue
			}
			// It should have waited: only when no primary is ever processed
			// (for a look of the flow, every 5 minutes) before the demo's end.
			for _, line := range lines[r.MovieID] {
				for _, e := range line {
					look := e.At.Add(5 * time.Minute)
					if e.After == string(lot.StatusProcessed) && e.At.After(begun) && look.Before(today.Add(-30*time.Minute)) &&
						!waits(r.MovieID, e.At) && !waits(r.MovieID, look) {
						t.Errorf("%s: transfer %s was inspected at %s while its title's primary was not processed; one was at %s", id, tr.ID, begun, e.At)
					}
				}
			}
			unwaited++
		}
	}
	if waited == 0 {
		t.Error("no secondary delivery waited for its primary")
	}
	t.Logf("%d secondary deliveries waited for their primary; %d, of titles whose primary is never processed, were inspected at once", waited, unwaited)
}
