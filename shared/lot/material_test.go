package lot

import (
	"testing"
	"time"
)

func TestDownloadCompletesWhenEveryByteWasSent(t *testing.T) {
	// Ensures ranges served in any order and overlap complete a download only once they cover it, and that a completed download changes no more.
	at := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	d := &Download{Size: 100}
	for _, r := range []Range{{50, 80}, {0, 30}, {20, 60}} {
		if !d.Serve(r.From, r.To, at) {
			t.Fatalf("Serve(%v) = false, want true: %+v", r, d)
		}
		if d.Completed() {
			t.Fatalf("after %v: Completed() = true, want false: %+v", r, d)
		}
	}
	if !d.Serve(79, 100, at) {
		t.Fatalf("Serve of the last range = false, want true: %+v", d)
	}
	if !d.Completed() {
		t.Fatalf("after the last range: Completed() = false, want true: %+v", d)
	}
	if d.CompletedBy != CompletedByBlobServer {
		t.Errorf("after the last range: CompletedBy = %q, want %q", d.CompletedBy, CompletedByBlobServer)
	}
	if d.Served != nil {
		t.Errorf("after the last range: Served = %v, want nil", d.Served)
	}
	if d.Serve(0, 100, at) {
		t.Errorf("Serve on a completed download = true, want false: %+v", d)
	}
	if d.Sent(100, at) {
		t.Errorf("Sent on a completed download = true, want false: %+v", d)
	}
	s := &Download{Size: 100}
	if !s.Sent(60, at) {
		t.Fatalf("Sent(60) = false, want true: %+v", s)
	}
	if s.Completed() {
		t.Fatalf("after 60 of 100 bytes: Completed() = true, want false: %+v", s)
	}
	if !s.Sent(40, at) {
		t.Fatalf("Sent(40) = false, want true: %+v", s)
	}
	if s.CompletedBy != CompletedByAccessLog {
		t.Errorf("after 100 of 100 bytes: CompletedBy = %q, want %q", s.CompletedBy, CompletedByAccessLog)
	}
	if s.Sent(0, at) {
		t.Errorf("Sent(0) on a completed download = true, want false: %+v", s)
	}
}
