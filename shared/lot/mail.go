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

// User is someone openlot has seen sign in: where their notifications go
// and what their last daily digest said.
type User struct {
	Subject   string
	Name      string
	Email     string
	Role      Role
	Partner   string
	SeenAt    time.Time
	DigestDay string            // the last day (YYYY-MM-DD, UTC) a digest went out
	Digested  map[string]string // request ID → bucket it was reported in
	Rev       int64
}

// Users keeps the users openlot has seen, by partner.
type Users interface {
	// PutUser creates or replaces a user (no version check: the last sign-in wins).
	PutUser(ctx context.Context, u *User) error
	// GetUser fails with not_found.
	GetUser(ctx context.Context, subject string) (*User, error)
	// UpdateUser changes a user in one conditional write.
	UpdateUser(ctx context.Context, subject string, fn func(*User) (bool, error)) (*User, error)
	// ListUsers returns a partner's users ("" for studio and QC operators).
	ListUsers(ctx context.Context, partner string) ([]*User, error)
}
