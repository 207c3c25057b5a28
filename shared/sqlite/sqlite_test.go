package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/sqlite"
	"github.com/openlot/openlot/shared/storetest"
)

func mustOpen(tb testing.TB, dir string) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestStoreContract(t *testing.T) {
	// Ensures the SQLite store keeps every promise of the lot.Store contract.
	storetest.Run(t, func(t *testing.T) lot.Store { return mustOpen(t, t.TempDir()) })
}

func TestDataSurvivesReopen(t *testing.T) {
	// Ensures data written before Close is there after reopening the same folder.
	dir := t.TempDir()
	ctx := context.Background()
	s := mustOpen(t, dir)
	if err := s.PutPartner(ctx, &lot.Partner{ID: "juniper", Name: "Juniper", Kind: lot.PartnerFulfillment}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir)
	defer s.Close()
	p, err := s.GetPartner(ctx, "juniper")
	if err != nil {
		t.Fatalf("after reopen: %v", err)
	}
	if p.Name != "Juniper" {
		t.Errorf("after reopen: partner Name = %q, want %q", p.Name, "Juniper")
	}
}

func TestQueuesOfTransfersWrittenBeforeTheQueueColumn(t *testing.T) {
	// Ensures a database from before the queue column lists its transfers
	// in their queues once openlot opens it (the migration's backfill).
	dir := t.TempDir()
	ctx := context.Background()
	s := mustOpen(t, dir)
	a := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	tr := &lot.Transfer{ID: storetest.ID(1), RequestID: storetest.ID(2), FulfillmentPartner: "juniper", Status: lot.TransferProcessed,
		Files: []lot.TransferFile{{Name: "a.mov", Size: 1, SHA256: strings.Repeat("ab", 32), Key: "k"}}, QC: lot.NewQC(a, 24, lot.QCReadyInspected)}
	if err := s.CreateTransfer(ctx, tr); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Back to the schema before the column: the column emptied, the version one down.
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP INDEX idempotency_owner; DROP INDEX idempotency_expires;
		ALTER TABLE idempotency DROP COLUMN owner; ALTER TABLE idempotency DROP COLUMN expires_at;
		DROP INDEX transfers_queue; ALTER TABLE transfers DROP COLUMN queue; PRAGMA user_version = 5`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s = mustOpen(t, dir)
	defer s.Close()
	ts, _, err := s.ListQueue(ctx, lot.QueueFilter{Scope: lot.Scope{All: true}, Queues: []lot.Queue{lot.QueueQC(lot.QCReady)}}, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].ID != tr.ID {
		t.Errorf("the Ready QC queue after the migration lists %v, want the transfer written before it", ts)
	}
}
