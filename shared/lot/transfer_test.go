package lot

import (
	"testing"
	"time"
)

func TestTransferLifecycle(t *testing.T) {
	// Ensures a transfer starts only on a deliverable request, takes several
	// files only where the source type allows, and walks its statuses with a
	// timestamped timeline.
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	fp := Act{By: Principal{Subject: "ana", Role: RoleFP, Partner: "juniper"}, At: t0}
	r := &Request{ID: "0190f0f0-0000-7000-8000-000000000001", SourceType: SourceSubtitle, Status: StatusOpen,
		MaterialStatus: MaterialNotReceived, FulfillmentPartner: "juniper"}
	one := []TransferFile{{Name: "a.ttml", Size: 10}}
	if _, err := NewTransfer(fp, "t1", r, MethodCLI, one); !IsCode(err, CodeNotDeliverable) {
		t.Fatalf("materials not received: %v", err)
	}
	r.MaterialStatus = MaterialAccepted
	if _, err := NewTransfer(fp, "t1", r, MethodCLI, append(one, TransferFile{Name: "b.ttml", Size: 1})); !IsCode(err, CodeInvalid) {
		t.Fatalf("two files to a subtitle request: %v", err)
	}
	if _, err := NewTransfer(fp, "t1", r, "FTP", one); !IsCode(err, CodeInvalid) {
		t.Fatalf("unknown method: %v", err)
	}
	tr, err := NewTransfer(fp, "t1", r, MethodCLI, one)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Status != TransferWaitingForUpload {
		t.Fatalf("new transfer: status %s, want %s", tr.Status, TransferWaitingForUpload)
	}
	if tr.FulfillmentPartner != "juniper" {
		t.Errorf("new transfer: FulfillmentPartner = %q, want juniper", tr.FulfillmentPartner)
	}
	later := func(m int) Act { a := fp; a.At = t0.Add(time.Duration(m) * time.Minute); return a }
	if !tr.Started(later(1)) {
		t.Fatal("the first Started = false, want true: Started must move once")
	}
	if tr.Started(later(2)) {
		t.Fatal("the second Started = true, want false: Started must move once")
	}
	if err := tr.Delivered(later(3)); err != nil {
		t.Fatalf("delivered: %v", err)
	}
	if tr.Status != TransferPendingInspection {
		t.Fatalf("delivered: status %s, want %s", tr.Status, TransferPendingInspection)
	}
	if !tr.DeliveredAt.Equal(later(3).At) {
		t.Errorf("delivered: DeliveredAt = %v, want %v", tr.DeliveredAt, later(3).At)
	}
	if err := tr.Delivered(later(4)); err != nil {
		t.Fatalf("a second complete must change nothing: %v", err)
	}
	if len(tr.Timeline) != 3 {
		t.Fatalf("a second complete must change nothing: %d timeline entries, want 3", len(tr.Timeline))
	}
	if err := tr.Abort(later(5)); !IsCode(err, CodeNotAllowed) {
		t.Errorf("a delivered transfer cannot be aborted: err %v, want code %s", err, CodeNotAllowed)
	}
	if tr.Supersede(later(5), "t2") {
		t.Error("a delivered transfer cannot be superseded: Supersede = true, want false")
	}
	want := []TransferStatus{TransferWaitingForUpload, TransferUploading, TransferPendingInspection}
	minutes := []int{0, 1, 3}
	for i, e := range tr.Timeline {
		if e.Status != want[i] {
			t.Errorf("timeline %d: status %s, want %s", i, e.Status, want[i])
		}
		if e.By != "ana" {
			t.Errorf("timeline %d: By = %q, want ana", i, e.By)
		}
		if at := t0.Add(time.Duration(minutes[i]) * time.Minute); !e.At.Equal(at) {
			t.Errorf("timeline %d: At = %v, want %v", i, e.At, at)
		}
	}
	r.SourceType = SourceAudioME
	stems, err := NewTransfer(fp, "t2", r, MethodAPI, []TransferFile{{Name: "L.wav"}, {Name: "R.wav"}})
	if err != nil {
		t.Fatalf("stems: %v", err)
	}
	if !stems.Supersede(later(1), "t3") {
		t.Errorf("stems: Supersede = false, want true: %+v", stems)
	}
	if stems.Status != TransferSuperseded {
		t.Errorf("stems: status %s, want %s", stems.Status, TransferSuperseded)
	}
	if (&Transfer{FulfillmentPartner: "juniper"}).VisibleTo(Principal{Role: RoleFP, Partner: "lumen"}) {
		t.Error("another partner sees the transfer")
	}
}
