package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

func TestAFullDiskAnswersInsufficientStorage(t *testing.T) {
	// Ensures a write the disk has no room for fails with insufficient_storage (HTTP 507) and a clear message, not internal.
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var pages int
	if err := s.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The one write connection may grow the file by a few pages only: the disk is "full".
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+4)); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	big := bytes.Repeat([]byte("x"), 256<<10)
	for i := range 100 {
		key := lot.KeyOf("ana", fmt.Sprint(i))
		if _, err = s.ClaimKey(ctx, key, "h", now, time.Hour); err == nil {
			err = s.FinishKey(ctx, key, 200, "application/json", big)
		}
		if err != nil {
			break
		}
	}
	if !lot.IsCode(err, lot.CodeInsufficientStorage) {
		t.Fatalf("writing past a full disk: %v, want code %s", err, lot.CodeInsufficientStorage)
	}
	if got := problem.Status(lot.ErrorCode(err)); got != 507 {
		t.Errorf("status %d, want 507", got)
	}
}

func TestExpiredIdempotencyKeysArePurged(t *testing.T) {
	// Ensures the idempotency table keeps what is live: claims purge expired keys (each with its own TTL).
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for i := range 250 {
		if _, err := s.ClaimKey(ctx, lot.KeyOf("ana", fmt.Sprint(i)), "h", t0, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ClaimKey(ctx, "mail/long-lived", "once", t0, 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // two hours on: the 250 expired
		if _, err := s.ClaimKey(ctx, lot.KeyOf("bob", fmt.Sprint(i)), "h", t0.Add(2*time.Hour), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM idempotency`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("%d keys stored, want 4 (bob's 3 and the 30-day one)", n)
	}
	if saved, err := s.ClaimKey(ctx, "mail/long-lived", "once", t0.Add(3*time.Hour), 30*24*time.Hour); err != nil || saved == nil {
		t.Errorf("the long-lived key was purged: %v %v", saved, err)
	}
}
