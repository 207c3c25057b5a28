package sqlite_test

import (
	"context"
	"testing"

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
