package portal_test

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/sqlite"
)

func TestCallingTheAPIKeepsHowAPersonSignsIn(t *testing.T) {
	// Ensures recording a caller never wipes a person's password, rights,
	// disabled flag, lockout or sessions, nor rolls their record back to an
	// older token's claims, while other callers are still recorded and updated.
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	if err := db.PutPartner(ctx, &lot.Partner{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment}); err != nil {
		t.Fatal(err)
	}
	locked := now.Add(10 * time.Minute)
	person := &lot.User{Subject: "0190f0f0-0000-7000-8000-0000000000aa", Name: "Ana Lima", Email: "ana@juniper.example",
		Role: lot.RoleFP, Partner: "juniper", Permissions: []lot.Permission{lot.PermCancel}, PasswordHash: []byte("$2a$10$hash"),
		Disabled: true, FailedSignIns: 3, LockedUntil: locked, Sessions: []lot.Session{{ID: "s1", Client: "openlot-web", Generation: 2}}}
	if err := db.AddUser(ctx, person); err != nil {
		t.Fatal(err)
	}
	svc := portal.New(db, lot.ClockFunc(func() time.Time { return now }), ids.NewSeeded(1, now), slog.New(slog.DiscardHandler))

	// A token issued before the record changed: another name, no rights.
	old := lot.Principal{Subject: person.Subject, Name: "Ana (old)", Email: "ana.old@juniper.example", Role: lot.RoleFP, Partner: "juniper"}
	if err := svc.Requests.Authorize(ctx, old); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetUser(ctx, person.Subject)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.PasswordHash) != "$2a$10$hash" {
		t.Errorf("PasswordHash = %q, want it kept", got.PasswordHash)
	}
	if !slices.Equal(got.Permissions, person.Permissions) {
		t.Errorf("Permissions = %v, want %v", got.Permissions, person.Permissions)
	}
	if !got.Disabled {
		t.Error("Disabled = false, want it kept")
	}
	if got.FailedSignIns != 3 {
		t.Errorf("FailedSignIns = %d, want 3", got.FailedSignIns)
	}
	if !got.LockedUntil.Equal(locked) {
		t.Errorf("LockedUntil = %v, want %v", got.LockedUntil, locked)
	}
	if len(got.Sessions) != 1 {
		t.Errorf("%d sessions, want 1", len(got.Sessions))
	}
	if got.Name != "Ana Lima" {
		t.Errorf("Name = %q: an older token's claims rolled the record back", got.Name)
	}
	if got.Email != "ana@juniper.example" {
		t.Errorf("Email = %q: an older token's claims rolled the record back", got.Email)
	}

	// A machine client is recorded, then updated when its claims change.
	robot := lot.Principal{Subject: "fp-juniper", Name: "Juniper (robot)", Email: "ops@juniper.example", Role: lot.RoleFP, Partner: "juniper"}
	if err := svc.Requests.Authorize(ctx, robot); err != nil {
		t.Fatal(err)
	}
	robot.Name = "Juniper Post (robot)"
	if err := svc.Requests.Authorize(ctx, robot); err != nil {
		t.Fatal(err)
	}
	r, err := db.GetUser(ctx, "fp-juniper")
	if err != nil {
		t.Fatalf("the machine client was not recorded: %v", err)
	}
	if r.Name != "Juniper Post (robot)" {
		t.Errorf("machine client Name = %q, want the newer claims' name", r.Name)
	}
	if !r.SeenAt.Equal(now) {
		t.Errorf("machine client SeenAt = %v, want %v", r.SeenAt, now)
	}
}
