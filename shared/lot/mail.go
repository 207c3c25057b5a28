package lot

import "context"

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
