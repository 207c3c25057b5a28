package portal

import (
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/mailbox"
	"github.com/openlot/openlot/shared/sqlite"
)

func TestMailAboutASubassigneesDeliveryReachesThePartnerOfRecord(t *testing.T) {
	// Ensures a delivery by a sub-assignee that fails inspection, or ends QC,
	// is mailed to the sub-assignee who delivered and to the fulfillment
	// partner of record, once each, and to no one else.
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	clock := lot.ClockFunc(func() time.Time { return now })
	for _, p := range []*lot.Partner{{ID: "lumen", Name: "Lumen", Kind: lot.PartnerFulfillment, Subassignees: []string{"juniper"}},
		{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment}, {ID: "harbor", Name: "Harbor", Kind: lot.PartnerFulfillment},
		{ID: "northstar", Name: "Northstar", Kind: lot.PartnerContent}} {
		if err := db.PutPartner(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []*lot.User{
		{Subject: "u-juniper", Name: "Juniper robot", Email: "ops@juniper.example", Role: lot.RoleFP, Partner: "juniper"},
		{Subject: "u-lumen", Name: "Lumen robot", Email: "ops@lumen.example", Role: lot.RoleFP, Partner: "lumen"},
		{Subject: "u-lumen-2", Name: "Lia at Lumen", Email: "lia@lumen.example", Role: lot.RoleFP, Partner: "lumen"},
		{Subject: "u-harbor", Name: "Harbor robot", Email: "ops@harbor.example", Role: lot.RoleFP, Partner: "harbor"},
		{Subject: "u-northstar", Name: "Northstar robot", Email: "ops@northstar.example", Role: lot.RoleCP, Partner: "northstar"},
	} {
		if err := db.PutUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	svc := New(db, clock, ids.NewSeeded(1, now), slog.New(slog.DiscardHandler))
	box := &mailbox.Box{Dir: t.TempDir(), From: mail.Address{Address: "no-reply@openlot.local"}, Clock: clock}
	svc.Deps.Mailer = box

	r := &lot.Request{ID: "r1", MovieID: 81000002, TitleName: "Glass Harbor", SourceType: lot.SourceSecondaryAudio, Language: "es",
		FulfillmentPartner: "lumen", SubAssignee: "juniper", ContentPartner: "northstar"}
	failed := &lot.Transfer{ID: "t1", RequestID: r.ID, DeliveredBy: "u-juniper", Status: lot.TransferFailed,
		Files:      []lot.TransferFile{{Name: "dub_es.wav", Size: 10}},
		Inspection: &lot.Inspection{Attempt: 1, Findings: []lot.Finding{{Code: "AUDIO_SILENCE", Message: "silent from 0:00:02"}}}}
	svc.Notifications.notifyTransferFailed(ctx, failed, r)
	qc := &lot.Transfer{ID: "t2", RequestID: r.ID, DeliveredBy: "u-juniper", Status: lot.TransferProcessed,
		Files: []lot.TransferFile{{Name: "dub_es.wav", Size: 10}}, QC: &lot.QC{Status: lot.QCFailed}}
	svc.Notifications.notifyQC(ctx, qc, r)

	list, err := box.List()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, m := range list {
		subject := strings.SplitN(m.Subject, ":", 2)[0]
		a, err := mail.ParseAddress(m.To)
		if err != nil {
			t.Fatal(err)
		}
		got[subject] = append(got[subject], a.Address)
	}
	for _, subject := range []string{"Delivery failed inspection", "QC"} {
		var to []string
		for s, addrs := range got {
			if strings.HasPrefix(s, subject) {
				to = append(to, addrs...)
			}
		}
		slices.Sort(to)
		want := []string{"lia@lumen.example", "ops@juniper.example", "ops@lumen.example"}
		if !slices.Equal(to, want) {
			t.Errorf("%q mailed to %q, want the sub-assignee who delivered and the partner of record's users %q", subject, to, want)
		}
	}
	for _, m := range list {
		b, err := os.ReadFile(filepath.Join(box.Dir, m.File))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.To, "lumen") && !strings.Contains(string(b), "Juniper Post, your sub-assignee") {
			t.Errorf("the partner of record's copy of %q does not say its sub-assignee Juniper Post delivered", m.Subject)
		}
		if strings.Contains(m.To, "juniper") && !strings.Contains(string(b), "your delivery") {
			t.Errorf("the deliverer's %q does not say it is their delivery", m.Subject)
		}
	}
}
