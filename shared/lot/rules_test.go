package lot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

var (
	juniper = lot.Principal{Subject: "u-j", Role: lot.RoleFP, Partner: "juniper", Permissions: []lot.Permission{lot.PermCancel, lot.PermSubassign}}
	plainFP = lot.Principal{Subject: "u-j2", Role: lot.RoleFP, Partner: "juniper"}
	lumen   = lot.Principal{Subject: "u-l", Role: lot.RoleFP, Partner: "lumen"}
	north   = lot.Principal{Subject: "u-n", Role: lot.RoleCP, Partner: "northstar"}
	studio  = lot.Principal{Subject: "ops", Role: lot.RoleStudio}
	qc      = lot.Principal{Subject: "qc", Role: lot.RoleQC}
)

func act(p lot.Principal) lot.Act { return lot.Act{By: p, At: now} }

func mustRequest(tb testing.TB, st lot.SourceType, status lot.RequestStatus, ms lot.MaterialStatus) *lot.Request {
	tb.Helper()
	return &lot.Request{
		ID: "0190f0f0-0000-7000-8000-000000000001", SourceType: st, Language: "es",
		Status: status, MaterialStatus: ms, ServiceType: lot.ServiceUnknown,
		FulfillmentPartner: "juniper", ContentPartner: "northstar", DueDate: lot.DateOf(now).AddDays(10),
	}
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return lot.ErrorCode(err)
}

func TestDeliverableFollowsStatusAndMaterialRules(t *testing.T) {
	// Ensures a partner can deliver only to open requests with usable materials, IMF excepted.
	cases := []struct {
		st     lot.SourceType
		status lot.RequestStatus
		ms     lot.MaterialStatus
		want   string
	}{
		{lot.SourceSubtitle, lot.StatusOpen, lot.MaterialAccepted, ""},
		{lot.SourceSubtitle, lot.StatusRedeliveryRequested, lot.MaterialReceived, ""},
		{lot.SourceSubtitle, lot.StatusOpen, lot.MaterialNotReceived, lot.CodeNotDeliverable},
		{lot.SourceSubtitle, lot.StatusOpen, lot.MaterialRejected, lot.CodeNotDeliverable},
		{lot.SourceSubtitle, lot.StatusProcessed, lot.MaterialAccepted, lot.CodeNotDeliverable},
		{lot.SourceSubtitle, lot.StatusCancelled, lot.MaterialAccepted, lot.CodeNotDeliverable},
		{lot.SourceIMF, lot.StatusOpen, lot.MaterialNotReceived, ""},
		{lot.SourceIMF, lot.StatusDelivered, lot.MaterialAccepted, lot.CodeNotDeliverable},
	}
	for _, c := range cases {
		r := mustRequest(t, c.st, c.status, c.ms)
		if got := code(r.Deliverable()); got != c.want {
			t.Errorf("%s %s %s: got %q, want %q", c.st, c.status, c.ms, got, c.want)
		}
	}
}

func TestSetMaterialStatusRecordsHistoryAndChecksWho(t *testing.T) {
	// Ensures material status changes need a reason, the partner of record or studio, and leave one history entry.
	r := mustRequest(t, lot.SourceSubtitle, lot.StatusOpen, lot.MaterialNotReceived)
	if err := r.SetMaterialStatus(act(juniper), lot.MaterialReceived, "  proxy downloaded ", "all good"); err != nil {
		t.Fatal(err)
	}
	if r.MaterialStatus != lot.MaterialReceived {
		t.Fatalf("status %s", r.MaterialStatus)
	}
	p := r.Pending()
	if len(p) != 1 {
		t.Fatalf("history has %d entries, want 1: %+v", len(p), p)
	}
	if p[0].Before != "NOT_RECEIVED" {
		t.Errorf("history Before = %q, want NOT_RECEIVED", p[0].Before)
	}
	if p[0].After != "RECEIVED" {
		t.Errorf("history After = %q, want RECEIVED", p[0].After)
	}
	if p[0].Reason != "proxy downloaded" {
		t.Errorf("history Reason = %q, want %q", p[0].Reason, "proxy downloaded")
	}
	if p[0].Actor != "u-j" {
		t.Errorf("history Actor = %q, want u-j", p[0].Actor)
	}
	if p[0].Comment != "all good" {
		t.Errorf("history Comment = %q, want %q", p[0].Comment, "all good")
	}
	// Same value again: nothing new recorded.
	if err := r.SetMaterialStatus(act(juniper), lot.MaterialReceived, "again", ""); err != nil {
		t.Fatalf("no-op change: %v", err)
	}
	if n := len(r.Pending()); n != 1 {
		t.Fatalf("no-op change: %d pending history entries, want 1", n)
	}
	for _, c := range []struct {
		who    lot.Principal
		reason string
		to     lot.MaterialStatus
		want   string
	}{
		{lumen, "x", lot.MaterialAccepted, lot.CodeForbidden},
		{north, "x", lot.MaterialAccepted, lot.CodeForbidden},
		{qc, "x", lot.MaterialAccepted, lot.CodeForbidden},
		{juniper, "", lot.MaterialAccepted, lot.CodeInvalid},
		{juniper, "   ", lot.MaterialAccepted, lot.CodeInvalid},
		{juniper, strings.Repeat("r", 10000), lot.MaterialAccepted, lot.CodeInvalid},
		{juniper, "x", lot.MaterialStatus("DONE"), lot.CodeInvalid},
		{studio, "studio fix", lot.MaterialAccepted, ""},
	} {
		if got := code(r.SetMaterialStatus(act(c.who), c.to, c.reason, "")); got != c.want {
			t.Errorf("%s reason %d chars to %s: got %q, want %q", c.who.Subject, len(c.reason), c.to, got, c.want)
		}
	}
	closed := mustRequest(t, lot.SourceSubtitle, lot.StatusCancelled, lot.MaterialNotReceived)
	if got := code(closed.SetMaterialStatus(act(juniper), lot.MaterialReceived, "x", "")); got != lot.CodeNotAllowed {
		t.Errorf("cancelled request: got %q", got)
	}
}

func TestSubassigneeSeesButCannotAct(t *testing.T) {
	// Ensures a sub-assignee sees and comments on a request but cannot change it.
	r := mustRequest(t, lot.SourceSubtitle, lot.StatusOpen, lot.MaterialAccepted)
	r.SubAssignee = "lumen"
	if !r.VisibleTo(lumen) {
		t.Fatal("sub-assignee must see the request")
	}
	if err := r.AddComment(act(lumen), "working on it"); err != nil {
		t.Fatal(err)
	}
	if got := code(r.SetMaterialStatus(act(lumen), lot.MaterialAccepted, "x", "")); got != lot.CodeForbidden {
		t.Fatalf("got %q", got)
	}
}

func TestVisibility(t *testing.T) {
	// Ensures tenancy: FPs see their own, CPs their titles', internal users all.
	r := mustRequest(t, lot.SourceSubtitle, lot.StatusOpen, lot.MaterialAccepted)
	for _, c := range []struct {
		p    lot.Principal
		want bool
	}{{juniper, true}, {lumen, false}, {north, true}, {lot.Principal{Role: lot.RoleCP, Partner: "other"}, false}, {studio, true}, {qc, true}, {lot.Principal{Role: lot.RoleFP}, false}, {lot.Principal{}, false}} {
		if got := r.VisibleTo(c.p); got != c.want {
			t.Errorf("%+v: got %v", c.p, got)
		}
		if got := lot.ScopeOf(c.p).Contains(r); got != c.want {
			t.Errorf("scope %+v: got %v", c.p, got)
		}
	}
}

func TestCancelRules(t *testing.T) {
	// Ensures cancel/uncancel follow status and who may do it on which source type.
	for _, c := range []struct {
		who    lot.Principal
		st     lot.SourceType
		status lot.RequestStatus
		want   string
	}{
		{juniper, lot.SourceForcedSub, lot.StatusOpen, ""},
		{juniper, lot.SourceDubCardImage, lot.StatusOpen, ""},
		{juniper, lot.SourceSubtitle, lot.StatusOpen, lot.CodeForbidden},
		{plainFP, lot.SourceForcedSub, lot.StatusOpen, lot.CodeForbidden},
		{lumen, lot.SourceForcedSub, lot.StatusOpen, lot.CodeForbidden},
		{north, lot.SourceForcedSub, lot.StatusOpen, lot.CodeForbidden},
		{studio, lot.SourceAVMuxed, lot.StatusOpen, ""},
		{studio, lot.SourceAVMuxed, lot.StatusRedeliveryRequested, lot.CodeNotAllowed},
		{juniper, lot.SourceForcedSub, lot.StatusProcessed, lot.CodeNotAllowed},
	} {
		r := mustRequest(t, c.st, c.status, lot.MaterialAccepted)
		if got := code(r.Cancel(act(c.who), "not needed", "")); got != c.want {
			t.Errorf("%s cancels %s %s: got %q want %q", c.who.Subject, c.st, c.status, got, c.want)
		}
	}
	r := mustRequest(t, lot.SourceForcedSub, lot.StatusOpen, lot.MaterialAccepted)
	if got := code(r.Uncancel(act(juniper), "needed after all", "")); got != lot.CodeNotAllowed {
		t.Errorf("uncancel open: got %q", got)
	}
	if err := r.Cancel(act(juniper), "no forced narrative", ""); err != nil {
		t.Fatal(err)
	}
	if err := r.Uncancel(act(juniper), "forced narrative found", ""); err != nil {
		t.Fatalf("uncancel: %v", err)
	}
	if r.Status != lot.StatusOpen {
		t.Fatalf("uncancel: status %s, want %s", r.Status, lot.StatusOpen)
	}
	if got := code(r.Cancel(act(juniper), "", "")); got != lot.CodeInvalid {
		t.Errorf("cancel without reason: got %q", got)
	}
}

func TestSubassignRules(t *testing.T) {
	// Ensures subassign needs an allowed facility, the permission, an approved target and an open request.
	facility := &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment, Subassignees: []string{"lumen"}}
	closedShop := &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}
	lumenP := &lot.Partner{ID: "lumen", Kind: lot.PartnerFulfillment}
	other := &lot.Partner{ID: "harbor", Kind: lot.PartnerFulfillment}
	cp := &lot.Partner{ID: "northstar", Kind: lot.PartnerContent}
	for i, c := range []struct {
		who      lot.Principal
		facility *lot.Partner
		to       *lot.Partner
		status   lot.RequestStatus
		want     string
	}{
		{juniper, facility, lumenP, lot.StatusOpen, ""},
		{juniper, facility, lumenP, lot.StatusRedeliveryRequested, ""},
		{juniper, facility, lumenP, lot.StatusDelivered, lot.CodeNotAllowed},
		{juniper, facility, other, lot.StatusOpen, lot.CodeNotSubassignable},
		{juniper, facility, cp, lot.StatusOpen, lot.CodeNotSubassignable},
		{juniper, closedShop, lumenP, lot.StatusOpen, lot.CodeForbidden},
		{plainFP, facility, lumenP, lot.StatusOpen, lot.CodeForbidden},
		{studio, nil, other, lot.StatusOpen, ""},
	} {
		r := mustRequest(t, lot.SourceSubtitle, c.status, lot.MaterialAccepted)
		err := r.Subassign(act(c.who), c.facility, c.to, "")
		if got := code(err); got != c.want {
			t.Errorf("case %d: got %q (%v), want %q", i, got, err, c.want)
		}
		if err == nil && r.SubAssignee != c.to.ID {
			t.Errorf("case %d: sub-assignee %q", i, r.SubAssignee)
		}
	}
}

func TestServiceTypeOnlyOnLanguageAssetsThatAreOpen(t *testing.T) {
	// Ensures service type edits apply only to the five source types and open requests.
	for _, c := range []struct {
		st     lot.SourceType
		status lot.RequestStatus
		want   string
	}{
		{lot.SourceSubtitle, lot.StatusOpen, ""},
		{lot.SourceSDHCC, lot.StatusRedeliveryRequested, ""},
		{lot.SourceForcedSub, lot.StatusOpen, ""},
		{lot.SourceSecondaryAudio, lot.StatusOpen, ""},
		{lot.SourceAudioDescription, lot.StatusOpen, ""},
		{lot.SourceAVMuxed, lot.StatusOpen, lot.CodeNotAllowed},
		{lot.SourceIMF, lot.StatusOpen, lot.CodeNotAllowed},
		{lot.SourceSubtitle, lot.StatusProcessed, lot.CodeNotAllowed},
	} {
		r := mustRequest(t, c.st, c.status, lot.MaterialAccepted)
		if got := code(r.SetServiceType(act(juniper), lot.ServiceConform, "")); got != c.want {
			t.Errorf("%s %s: got %q want %q", c.st, c.status, got, c.want)
		}
	}
}

func TestEstimatedDeliveryNeedsDateTimeZoneAndReason(t *testing.T) {
	// Ensures EDD edits validate each part and store the instant with its zone.
	day := lot.DateOf(now).AddDays(3)
	r := mustRequest(t, lot.SourceSubtitle, lot.StatusOpen, lot.MaterialAccepted)
	if err := r.SetEstimatedDelivery(act(juniper), day, "17:30", "America/Los_Angeles", lot.EDDCapacity, ""); err != nil {
		t.Fatal(err)
	}
	if got := r.EstimatedDelivery.Local().Format(time.RFC3339); got != "2026-11-25T17:30:00-08:00" {
		t.Fatalf("EDD %s", got)
	}
	for _, c := range []struct {
		day    lot.Date
		clock  string
		zone   string
		reason lot.EDDReason
		cmt    string
		want   string
	}{
		{day, "25:00", "UTC", lot.EDDCapacity, "", lot.CodeInvalid},
		{day, "17:00", "Mars/Olympus", lot.EDDCapacity, "", lot.CodeInvalid},
		{day, "17:00", "", lot.EDDCapacity, "", lot.CodeInvalid},
		{day, "17:00", "UTC", lot.EDDReason("BORED"), "", lot.CodeInvalid},
		{day, "17:00", "UTC", lot.EDDOther, "", lot.CodeInvalid},
		{day, "17:00", "UTC", lot.EDDOther, "client asked", ""},
		{lot.DateOf(now).AddDays(-3), "17:00", "UTC", lot.EDDCapacity, "", lot.CodeInvalid},
		{lot.Date{}, "17:00", "UTC", lot.EDDCapacity, "", lot.CodeInvalid},
	} {
		if got := code(r.SetEstimatedDelivery(act(juniper), c.day, c.clock, c.zone, c.reason, c.cmt)); got != c.want {
			t.Errorf("%v %s %s %s: got %q want %q", c.day, c.clock, c.zone, c.reason, got, c.want)
		}
	}
}

func TestRedeliveryAndUpgradeAreStudioOnly(t *testing.T) {
	// Ensures studio-only actions refuse partners and follow status rules.
	r := mustRequest(t, lot.SourceSubtitle, lot.StatusProcessed, lot.MaterialAccepted)
	if got := code(r.RequestRedelivery(act(juniper), "bad sync", "")); got != lot.CodeForbidden {
		t.Fatalf("partner redelivery: %q", got)
	}
	if err := r.RequestRedelivery(act(studio), "QC failed: sync drift", ""); err != nil {
		t.Fatalf("redelivery: %v", err)
	}
	if r.Status != lot.StatusRedeliveryRequested {
		t.Fatalf("redelivery: status %s, want %s", r.Status, lot.StatusRedeliveryRequested)
	}
	if got := code(r.RequestRedelivery(act(studio), "again", "")); got != lot.CodeNotAllowed {
		t.Fatalf("redelivery from open: %q", got)
	}
	p := mustRequest(t, lot.SourceSubtitle, lot.StatusProcessed, lot.MaterialAccepted)
	n, err := lot.UpgradeTo(act(studio), p, "0190f0f0-0000-7000-8000-000000000002", "", lot.Date{}, "STL to TTML")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Upgrade(act(studio), n.ID, "STL to TTML"); err != nil {
		t.Fatal(err)
	}
	if p.Status != lot.StatusUpgraded {
		t.Errorf("old status %s, want %s", p.Status, lot.StatusUpgraded)
	}
	if p.UpgradedTo != n.ID {
		t.Errorf("old UpgradedTo = %q, want the new ID %q", p.UpgradedTo, n.ID)
	}
	if n.UpgradedFrom != p.ID {
		t.Errorf("new UpgradedFrom = %q, want the old ID %q", n.UpgradedFrom, p.ID)
	}
	if n.Status != lot.StatusOpen {
		t.Errorf("new status %s, want %s", n.Status, lot.StatusOpen)
	}
}

func TestParsers(t *testing.T) {
	// Ensures enum parsing accepts codes and display names in any case, and dates and languages are checked.
	for in, want := range map[string]lot.RequestStatus{"OPEN": lot.StatusOpen, "redelivery requested": lot.StatusRedeliveryRequested, " Cancelled ": lot.StatusCancelled} {
		if got, err := lot.ParseRequestStatus(in); err != nil {
			t.Errorf("%q: %v", in, err)
		} else if got != want {
			t.Errorf("%q: got %v, want %v", in, got, want)
		}
	}
	if st, err := lot.ParseSourceType("sdh/cc"); err != nil {
		t.Errorf("sdh/cc: %v", err)
	} else if st != lot.SourceSDHCC {
		t.Errorf("sdh/cc: got %v, want %v", st, lot.SourceSDHCC)
	}
	if _, err := lot.ParseMaterialStatus("DONE"); lot.ErrorCode(err) != lot.CodeInvalid {
		t.Errorf("DONE: %v", err)
	}
	for _, bad := range []string{"2026-02-30", "2026-13-01", "26-01-01", "", "tomorrow"} {
		if _, err := lot.ParseDate(bad); lot.ErrorCode(err) != lot.CodeInvalid {
			t.Errorf("date %q accepted", bad)
		}
	}
	for in, want := range map[string]string{"en": "en", "pt-br": "pt-BR", "zh-hant-tw": "zh-Hant-TW", "es-419": "es-419", "de-CH-1996": "de-CH-1996", "en-US-x-netflix": "en-US-x-netflix", "yue": "yue"} {
		if got, err := lot.CheckLanguage(in); err != nil {
			t.Errorf("language %q: %v", in, err)
		} else if got != want {
			t.Errorf("language %q: got %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "e", "english language", "en-", "1en", "en-US-x", "abcd", strings.Repeat("a", 50)} {
		if _, err := lot.CheckLanguage(bad); err == nil {
			t.Errorf("language %q accepted", bad)
		}
	}
	for id, want := range map[string]bool{
		"0190f0f0-0000-7000-8000-000000000001": true,
		"1":                                    false,
		"0190F0F0-0000-7000-8000-000000000001": false,
	} {
		if got := lot.ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}
