package lot

import (
	"context"
	"time"
)

// Mail is one notification to one person, as text and HTML.
type Mail struct {
	To      string // address
	ToName  string
	Subject string
	Text    string
	HTML    string
	// Key names the notification (e.g. "proxy-ready/<proxy>"): a mailer that
	// can tell sends a key once, so a flow step that runs again does not
	// mail twice.
	Key string
}

// Mailer sends notifications: SES on AWS, a folder of .eml files locally.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// User is a person: someone openlot has seen call the API (where their
// notifications go and what their last daily digest said) and, for a
// person who signs in here (the local authorization server), their
// password, rights, whether the account is disabled, its lockout and its
// sign-in sessions. People who sign in are made by AddUser; their Subject
// is a UUID made then, and their Email is unique (case-insensitive).
type User struct {
	Subject   string
	Name      string
	Email     string
	Role      Role
	Partner   string
	SeenAt    time.Time
	DigestDay string            // the last day (YYYY-MM-DD, UTC) a digest went out
	Digested  map[string]string // request ID → bucket it was reported in

	Permissions  []Permission
	PasswordHash []byte // bcrypt; empty for someone who signs in elsewhere (Cognito, a machine client)
	Disabled     bool
	CreatedAt    time.Time
	// FailedSignIns counts wrong passwords since the last sign-in or lockout;
	// LockedUntil is when a lockout ends (zero: not locked).
	FailedSignIns int
	LockedUntil   time.Time
	Sessions      []Session // sign-ins with a refresh token, newest last

	Rev int64
}

// Session is one sign-in of a person at one client: a family of rotating
// refresh tokens, of which only the newest (Generation) may be used.
type Session struct {
	ID         string
	Client     string
	Generation int
	Scope      string // what the sign-in granted, space-separated
	Started    time.Time
	Refreshed  time.Time // when the newest refresh token was issued
	Expires    time.Time // the family's absolute end
	Ended      time.Time // signed out, revoked, or a spent token was used again; zero while in force
}

// Lockout: MaxFailedSignIns wrong passwords in a row lock an account for LockoutFor.
const (
	MaxFailedSignIns = 5
	LockoutFor       = 15 * time.Minute
)

// SignsInHere reports whether u signs in with a password at openlot's own
// authorization server; such a record is the source of the person's role,
// partner and rights, never a token's claims.
func (u *User) SignsInHere() bool { return len(u.PasswordHash) > 0 }

// Locked reports whether u's account is locked at now.
func (u *User) Locked(now time.Time) bool { return now.Before(u.LockedUntil) }

// SignInFailed counts a wrong password at now and reports whether the
// account is now locked (the count starts again after a lockout).
func (u *User) SignInFailed(now time.Time) bool {
	u.FailedSignIns++
	if u.FailedSignIns < MaxFailedSignIns {
		return false
	}
	u.FailedSignIns, u.LockedUntil = 0, now.Add(LockoutFor)
	return true
}

// SignedIn forgets earlier failures.
func (u *User) SignedIn() { u.FailedSignIns, u.LockedUntil = 0, time.Time{} }

// Users keeps people: the ones openlot has seen, by partner, and the ones
// who sign in here, by email.
type Users interface {
	// PutUser creates or replaces what a sign-in says of a user (name, email,
	// role, partner, seen) with no version check: the last sign-in wins. It
	// keeps the digest's memory and everything AddUser and UpdateUser set for
	// signing in (password, permissions, disabled, lockout, sessions).
	PutUser(ctx context.Context, u *User) error
	// GetUser fails with not_found.
	GetUser(ctx context.Context, subject string) (*User, error)
	// UpdateUser changes a user in one conditional write.
	UpdateUser(ctx context.Context, subject string, fn func(*User) (bool, error)) (*User, error)
	// ListUsers returns a partner's users ("" for studio and QC operators).
	ListUsers(ctx context.Context, partner string) ([]*User, error)
	// AddUser creates a person who signs in here, with an email no other
	// such person has (compared case-insensitively); it fails with conflict
	// when the email or the subject is taken.
	AddUser(ctx context.Context, u *User) error
	// UserByEmail returns the person AddUser made with that email
	// (case-insensitive); not_found when there is none.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// ListPeople returns everyone AddUser made, by email.
	ListPeople(ctx context.Context) ([]*User, error)
}
