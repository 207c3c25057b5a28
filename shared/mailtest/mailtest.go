// Package mailtest is the contract every lot.Mailer keeps, run by each
// adapter's tests with a way to read back what it sent.
package mailtest

import (
	"context"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/lot"
)

// Sent is one mail as the adapter's reader recovered it.
type Sent struct {
	To, Subject, Text, HTML string
}

// New returns a fresh mailer and a reader of what it has sent so far.
type New func(t *testing.T) (lot.Mailer, func() []Sent)

// Options say what an adapter can do beyond the contract.
type Options struct {
	// Dedupes: the adapter itself sends a key once (the mailbox can tell;
	// SES cannot, and portal claims keys in the store for every adapter).
	Dedupes bool
}

// Run checks the contract.
func Run(t *testing.T, newMailer New, o Options) {
	ctx := context.Background()
	t.Run("TextAndHTML", func(t *testing.T) {
		m, sent := newMailer(t)
		mail := lot.Mail{To: "ana@juniper.example", ToName: "Ana Núñez", Subject: "Your proxy of “Orbital” is ready — K7Q2M9XD",
			Text: "Hello Ana,\nyour watermarked proxy is ready.\n", HTML: "<p>Hello Ana,</p><p>your watermarked proxy is <b>ready</b>.</p>"}
		if err := m.Send(ctx, mail); err != nil {
			t.Fatal(err)
		}
		got := sent()
		if len(got) != 1 {
			t.Fatalf("sent %d mails", len(got))
		}
		g := got[0]
		if !strings.Contains(g.To, "ana@juniper.example") {
			t.Errorf("sent To %q, want it to contain %q", g.To, "ana@juniper.example")
		}
		if g.Subject != mail.Subject {
			t.Errorf("sent Subject %q, want %q", g.Subject, mail.Subject)
		}
		if strings.TrimSpace(g.Text) != strings.TrimSpace(mail.Text) {
			t.Errorf("sent Text %q, want %q", g.Text, mail.Text)
		}
		if g.HTML != mail.HTML {
			t.Errorf("sent HTML %q, want %q", g.HTML, mail.HTML)
		}
	})
	t.Run("KeySendsOnce", func(t *testing.T) {
		if !o.Dedupes {
			t.Skip("this adapter cannot tell a repeated mail; portal sends each key once")
		}
		m, sent := newMailer(t)
		mail := lot.Mail{To: "bo@lumen.example", Subject: "QC result", Text: "Passed", Key: "qc/01a2"}
		for range 2 {
			if err := m.Send(ctx, mail); err != nil {
				t.Fatal(err)
			}
		}
		mail.Key = "qc/01a3"
		if err := m.Send(ctx, mail); err != nil {
			t.Fatal(err)
		}
		if n := len(sent()); n != 2 {
			t.Fatalf("two keys, one repeated: sent %d", n)
		}
	})
	t.Run("BadAddress", func(t *testing.T) {
		m, sent := newMailer(t)
		err := m.Send(ctx, lot.Mail{To: "not an address", Subject: "x", Text: "x"})
		if lot.ErrorCode(err) != lot.CodeInvalid {
			t.Errorf("a bad address: error %v, want code %s", err, lot.CodeInvalid)
		}
		if n := len(sent()); n != 0 {
			t.Errorf("a bad address: sent %d mails, want 0", n)
		}
	})
}
