package main

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/sqlite"
)

func TestUsersCommandsManagePeopleInTheDataFolder(t *testing.T) {
	// Ensures users add/list/passwd/disable/enable work on the data folder: emails are unique, FP and CP name a known
	// partner, passwords are stored as bcrypt hashes, a new password or disabling ends sessions.
	data := t.TempDir()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutPartner(ctx, &lot.Partner{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	d := "--data=" + data
	if _, err := run(t, "first-password\n", "users", "add", "ana@juniper.example", "--name", "Ana Lima", "--role", "fp", "--partner", "juniper",
		"--permission", "cancel", "--password-stdin", d); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, stdin string
		args        []string
		says        string
	}{
		{"same email", "another-password\n", []string{"users", "add", "ANA@juniper.example", "--role", "studio", "--password-stdin", d}, "exists"},
		{"unknown partner", "another-password\n", []string{"users", "add", "bo@nowhere.example", "--role", "fp", "--partner", "nowhere", "--password-stdin", d}, "nowhere"},
		{"no partner", "another-password\n", []string{"users", "add", "bo@nowhere.example", "--role", "cp", "--password-stdin", d}, "--partner"},
		{"short password", "short\n", []string{"users", "add", "bo@studio.example", "--role", "studio", "--password-stdin", d}, "at least 8"},
		{"no terminal", "", []string{"users", "add", "bo@studio.example", "--role", "studio", d}, "--password-stdin"},
		{"unknown permission", "another-password\n", []string{"users", "add", "bo@studio.example", "--role", "studio", "--permission", "root", "--password-stdin", d}, "root"},
		{"not an email", "another-password\n", []string{"users", "add", "bo", "--role", "studio", "--password-stdin", d}, "not an email"},
		{"passwd of no one", "another-password\n", []string{"users", "passwd", "nobody@x.example", "--password-stdin", d}, "no one"},
	} {
		_, err := run(t, c.stdin, c.args...)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: error %q does not say %q", c.name, err, c.says)
		}
	}
	out, err := run(t, "", "users", "list", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ana@juniper.example", "Ana Lima", "fp", "juniper", "cancel", "active"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	// A session, to see passwd and disable end it.
	open := func() *sqlite.Store {
		s, err := sqlite.Open(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s = open()
	u, err := s.UserByEmail(ctx, "ana@juniper.example")
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword(u.PasswordHash, []byte("first-password")) != nil {
		t.Error("the stored hash is not the password's")
	}
	if _, err := s.UpdateUser(ctx, u.Subject, func(u *lot.User) (bool, error) {
		u.Sessions = []lot.Session{{ID: "s1", Client: "openlot-web", Generation: 1}}
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := run(t, "second-password\n", "users", "passwd", "ana@juniper.example", "--password-stdin", d); err != nil {
		t.Fatal(err)
	}
	s = open()
	u, _ = s.UserByEmail(ctx, "ana@juniper.example")
	s.Close()
	if bcrypt.CompareHashAndPassword(u.PasswordHash, []byte("second-password")) != nil {
		t.Error("passwd did not change the password")
	}
	if u.Sessions[0].Ended.IsZero() {
		t.Error("passwd did not end the sessions")
	}
	if _, err := run(t, "", "users", "disable", "ana@juniper.example", d); err != nil {
		t.Fatal(err)
	}
	out, _ = run(t, "", "users", "list", d)
	if !strings.Contains(out, "disabled") {
		t.Errorf("list does not show the person disabled:\n%s", out)
	}
	if _, err := run(t, "", "users", "enable", "ana@juniper.example", d); err != nil {
		t.Fatal(err)
	}
	out, _ = run(t, "", "users", "list", d)
	if !strings.Contains(out, "active") {
		t.Errorf("list does not show the person enabled again:\n%s", out)
	}
}
