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
	if err != nil || tr.Status != TransferWaitingForUpload || tr.FulfillmentPartner != "juniper" {
		t.Fatalf("%+v %v", tr, err)
	}
	later := func(m int) Act { a := fp; a.At = t0.Add(time.Duration(m) * time.Minute); return a }
	if !tr.Started(later(1)) || tr.Started(later(2)) {
		t.Fatal("Started must move once")
	}
	if err := tr.Delivered(later(3)); err != nil || tr.Status != TransferPendingInspection || !tr.DeliveredAt.Equal(later(3).At) {
		t.Fatalf("delivered: %v %+v", err, tr)
	}
	if err := tr.Delivered(later(4)); err != nil || len(tr.Timeline) != 3 {
		t.Fatalf("a second complete must change nothing: %v %d", err, len(tr.Timeline))
	}
	if err := tr.Abort(later(5)); !IsCode(err, CodeNotAllowed) || tr.Supersede(later(5), "t2") {
		t.Fatalf("a delivered transfer cannot be aborted or superseded: %v", err)
	}
	want := []TransferStatus{TransferWaitingForUpload, TransferUploading, TransferPendingInspection}
	minutes := []int{0, 1, 3}
	for i, e := range tr.Timeline {
		if e.Status != want[i] || e.By != "ana" || !e.At.Equal(t0.Add(time.Duration(minutes[i])*time.Minute)) {
			t.Errorf("timeline %d: %+v", i, e)
		}
	}
	r.SourceType = SourceAudioME
	stems, err := NewTransfer(fp, "t2", r, MethodAPI, []TransferFile{{Name: "L.wav"}, {Name: "R.wav"}})
	if err != nil || !stems.Supersede(later(1), "t3") || stems.Status != TransferSuperseded {
		t.Fatalf("stems: %v %+v", err, stems)
	}
	if (&Transfer{FulfillmentPartner: "juniper"}).VisibleTo(Principal{Role: RoleFP, Partner: "lumen"}) {
		t.Error("another partner sees the transfer")
	}
}
