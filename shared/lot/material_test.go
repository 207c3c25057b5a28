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
		if !d.Serve(r.From, r.To, at) || d.Completed() {
			t.Fatalf("after %v: %+v", r, d)
		}
	}
	if !d.Serve(79, 100, at) || !d.Completed() || d.CompletedBy != CompletedByBlobServer || d.Served != nil {
		t.Fatalf("after the last range: %+v", d)
	}
	if d.Serve(0, 100, at) || d.Sent(100, at) {
		t.Fatal("a completed download changed")
	}
	s := &Download{Size: 100}
	if !s.Sent(60, at) || s.Completed() || !s.Sent(40, at) || s.CompletedBy != CompletedByAccessLog || s.Sent(0, at) {
		t.Fatalf("bytes from access logs: %+v", s)
	}
}
