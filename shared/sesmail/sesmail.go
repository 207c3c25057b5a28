// Package sesmail is the lot.Mailer on Amazon SES (API v2): one SendEmail
// per mail, text and HTML, from a verified sender identity, through an
// optional configuration set (for delivery and bounce events).
package sesmail

import (
	"context"
	"errors"
	"net/mail"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/openlot/openlot/shared/lot"
)

// Mailer sends through SES. SES cannot tell a repeated mail; portal sends
// each keyed mail once by claiming its key in the store first.
type Mailer struct {
	Client           *sesv2.Client
	From             mail.Address // a verified identity
	ConfigurationSet string       // optional
}

var _ lot.Mailer = (*Mailer)(nil)

// Send sends m; an address SES rejects is invalid, throttling unavailable.
func (m *Mailer) Send(ctx context.Context, msg lot.Mail) error {
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return lot.Errorf(lot.CodeInvalid, "%q is not an email address", msg.To)
	}
	to.Name = msg.ToName
	utf8 := aws.String("UTF-8")
	body := &types.Body{}
	if msg.Text != "" {
		body.Text = &types.Content{Data: aws.String(msg.Text), Charset: utf8}
	}
	if msg.HTML != "" {
		body.Html = &types.Content{Data: aws.String(msg.HTML), Charset: utf8}
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(m.From.String()),
		Destination:      &types.Destination{ToAddresses: []string{to.String()}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(msg.Subject), Charset: utf8}, Body: body}},
	}
	if m.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(m.ConfigurationSet)
	}
	if msg.Key != "" {
		in.EmailTags = []types.MessageTag{{Name: aws.String("openlot-kind"), Value: aws.String(kind(msg.Key))}}
	}
	_, err = m.Client.SendEmail(ctx, in)
	var ae smithy.APIError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ae) && (ae.ErrorCode() == "BadRequestException" || ae.ErrorCode() == "MessageRejected"):
		return lot.Errorf(lot.CodeInvalid, "SES refused the mail to %s", to.Address)
	case errors.As(err, &ae) && (ae.ErrorCode() == "TooManyRequestsException" || ae.ErrorCode() == "LimitExceededException" ||
		ae.ErrorCode() == "SendingPausedException"):
		return &lot.Error{Code: lot.CodeUnavailable, Message: "mail cannot be sent right now; it is tried again later"}
	}
	return err
}

// kind is the first segment of a mail key (proxy-ready, digest, …): a tag
// value SES accepts (letters, digits, _ and -).
func kind(key string) string {
	out := make([]byte, 0, len(key))
	for i := 0; i < len(key) && key[i] != '/' && len(out) < 64; i++ {
		c := key[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "mail"
	}
	return string(out)
}
