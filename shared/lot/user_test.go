package lot_test

import (
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

func TestFiveWrongPasswordsLockAnAccountForFifteenMinutes(t *testing.T) {
	// Ensures the lockout rule: the fifth failure in a row locks until now+15 min and starts the count again; a sign-in forgets failures.
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	u := &lot.User{}
	for i := 1; i < lot.MaxFailedSignIns; i++ {
		if u.SignInFailed(now) {
			t.Fatalf("failure %d locked the account", i)
		}
	}
	if !u.SignInFailed(now) {
		t.Fatal("the fifth failure did not lock the account")
	}
	if !u.Locked(now.Add(14 * time.Minute)) {
		t.Error("not locked 14 minutes later")
	}
	if u.Locked(now.Add(15 * time.Minute)) {
		t.Error("still locked 15 minutes later")
	}
	if u.FailedSignIns != 0 {
		t.Errorf("FailedSignIns = %d after the lockout, want 0", u.FailedSignIns)
	}
	u.SignInFailed(now)
	u.SignedIn()
	if u.FailedSignIns != 0 {
		t.Errorf("FailedSignIns = %d after a sign-in, want 0", u.FailedSignIns)
	}
	if !u.LockedUntil.IsZero() {
		t.Errorf("LockedUntil = %v after a sign-in, want zero", u.LockedUntil)
	}
}
