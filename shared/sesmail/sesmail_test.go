package sesmail_test

import (
	"context"
	"encoding/json"
	"io"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/mailtest"
	"github.com/openlot/openlot/shared/sesmail"
)

// SES has no stand-in here and the machine reaches no AWS endpoint, so the
// adapter's requests are caught after the SDK has serialized and signed
// them (the end of the middleware stack), read back, and answered there:
// no network. What SES would do with them is not tested.

type captured struct {
	method, path, auth string
	body               map[string]any
}

func newMailer(t *testing.T, fail string) (*sesmail.Mailer, func() []captured) {
	var mu sync.Mutex
	var got []captured
	catch := func(st *middleware.Stack) error {
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("CatchSendEmail",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				req := in.Request.(*smithyhttp.Request)
				b, _ := io.ReadAll(req.GetStream())
				var body map[string]any
				if err := json.Unmarshal(b, &body); err != nil {
					t.Fatalf("the request body is not JSON: %s", b)
				}
				mu.Lock()
				got = append(got, captured{req.Method, req.URL.Path, req.Header.Get("Authorization"), body})
				mu.Unlock()
				if fail != "" {
					return middleware.FinalizeOutput{}, middleware.Metadata{}, &smithy.GenericAPIError{Code: fail, Message: "no"}
				}
				return middleware.FinalizeOutput{Result: &sesv2.SendEmailOutput{MessageId: aws.String("m-1")}}, middleware.Metadata{}, nil
			}), middleware.After)
	}
	client := sesv2.New(sesv2.Options{Region: "eu-west-1", RetryMaxAttempts: 1, Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		APIOptions: []func(*middleware.Stack) error{catch}})
	m := &sesmail.Mailer{Client: client, From: mail.Address{Name: "openlot", Address: "no-reply@openlot.example"}, ConfigurationSet: "openlot"}
	return m, func() []captured { mu.Lock(); defer mu.Unlock(); return append([]captured(nil), got...) }
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

func TestSESContract(t *testing.T) {
	mailtest.Run(t, func(t *testing.T) (lot.Mailer, func() []mailtest.Sent) {
		m, got := newMailer(t, "")
		return m, func() []mailtest.Sent {
			var out []mailtest.Sent
			for _, c := range got() {
				to, _ := c.body["Destination"].(map[string]any)["ToAddresses"].([]any)
				out = append(out, mailtest.Sent{To: to[0].(string), Subject: str(c.body, "Content", "Simple", "Subject", "Data"),
					Text: str(c.body, "Content", "Simple", "Body", "Text", "Data"), HTML: str(c.body, "Content", "Simple", "Body", "Html", "Data")})
			}
			return out
		}
	}, mailtest.Options{})
}

func TestSESRequestShape(t *testing.T) {
	// Ensures SendEmail goes as a signed POST to /v2/email/outbound-emails from the sender identity, through the configuration set, tagged with the mail's kind.
	m, got := newMailer(t, "")
	if err := m.Send(t.Context(), lot.Mail{To: "ana@juniper.example", ToName: "Ana", Subject: "s", Text: "t", Key: "proxy-ready/p1"}); err != nil {
		t.Fatal(err)
	}
	c := got()[0]
	if c.method != "POST" {
		t.Errorf("request method %s, want POST", c.method)
	}
	if c.path != "/v2/email/outbound-emails" {
		t.Errorf("request path %s, want /v2/email/outbound-emails", c.path)
	}
	if !strings.Contains(c.auth, "AWS4-HMAC-SHA256") {
		t.Errorf("Authorization %q, want it to contain %q", c.auth, "AWS4-HMAC-SHA256")
	}
	if !strings.Contains(c.auth, "/eu-west-1/ses/aws4_request") {
		t.Errorf("Authorization %q, want it to contain %q", c.auth, "/eu-west-1/ses/aws4_request")
	}
	if got, want := str(c.body, "FromEmailAddress"), `"openlot" <no-reply@openlot.example>`; got != want {
		t.Errorf("body FromEmailAddress %q, want %q", got, want)
	}
	if got := str(c.body, "ConfigurationSetName"); got != "openlot" {
		t.Errorf("body ConfigurationSetName %q, want %q", got, "openlot")
	}
	if tags := string(must(json.Marshal(c.body["EmailTags"]))); !strings.Contains(tags, `"Value":"proxy-ready"`) {
		t.Errorf("body EmailTags %s, want a tag with %s", tags, `"Value":"proxy-ready"`)
	}
}

func TestSESErrorsHaveCodes(t *testing.T) {
	// Ensures a rejected mail is invalid and throttling unavailable, so the flow retries the second and not the first.
	for code, want := range map[string]string{"MessageRejected": lot.CodeInvalid, "TooManyRequestsException": lot.CodeUnavailable} {
		m, _ := newMailer(t, code)
		if err := m.Send(t.Context(), lot.Mail{To: "ana@juniper.example", Subject: "s", Text: "t"}); lot.ErrorCode(err) != want {
			t.Errorf("%s: %v, want %s", code, err, want)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
