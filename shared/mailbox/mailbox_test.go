package mailbox_test

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/mailbox"
	"github.com/openlot/openlot/shared/mailtest"
	"github.com/openlot/openlot/shared/problem"
)

// read parses every .eml in dir as RFC 5322 with the standard library.
func read(t *testing.T, dir string) []mailtest.Sent {
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	var out []mailtest.Sent
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(fh)
		if err != nil {
			t.Fatalf("%s is not RFC 5322: %v", f, err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		s := mailtest.Sent{To: msg.Header.Get("To"), Subject: subject}
		_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		mr := multipart.NewReader(msg.Body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(p)
			body := strings.ReplaceAll(string(b), "\r\n", "\n")
			if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
				s.HTML = body
			} else {
				s.Text = body
			}
		}
		fh.Close()
		out = append(out, s)
	}
	return out
}

func TestMailboxContract(t *testing.T) {
	mailtest.Run(t, func(t *testing.T) (lot.Mailer, func() []mailtest.Sent) {
		dir := t.TempDir()
		return &mailbox.Box{Dir: dir, From: mail.Address{Name: "openlot", Address: "no-reply@openlot.local"}},
			func() []mailtest.Sent { return read(t, dir) }
	}, mailtest.Options{Dedupes: true})
}

func TestMailboxPageListsMail(t *testing.T) {
	// Ensures the local /mail page lists what was sent and serves each message, and nothing outside the folder.
	dir := t.TempDir()
	b := &mailbox.Box{Dir: dir, From: mail.Address{Address: "no-reply@openlot.local"}}
	if err := b.Send(t.Context(), lot.Mail{To: "ana@juniper.example", Subject: "Proxy ready: Orbital", Text: "ready"}); err != nil {
		t.Fatal(err)
	}
	h := b.Handler(asStudio)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/mail", nil))
	page := rec.Body.String()
	if rec.Code != 200 {
		t.Errorf("the list: status %d, want 200", rec.Code)
	}
	if !strings.Contains(page, "Proxy ready: Orbital") {
		t.Errorf("the list does not show the subject %q: %s", "Proxy ready: Orbital", page)
	}
	if !strings.Contains(page, "ana@juniper.example") {
		t.Errorf("the list does not show the recipient %q: %s", "ana@juniper.example", page)
	}
	list, _ := b.List()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/mail/"+list[0].File, nil))
	if rec.Code != 200 {
		t.Errorf("one message: status %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "message/rfc822" {
		t.Errorf("one message: Content-Type %q, want %q", ct, "message/rfc822")
	}
	if !strings.Contains(rec.Body.String(), "Subject:") {
		t.Errorf("one message has no Subject: header: %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/mail/..%2f..%2fetc%2fpasswd", nil))
	if rec.Code != 404 {
		t.Fatalf("outside the folder: %d", rec.Code)
	}
}

func TestMailboxPageErrors(t *testing.T) {
	// Ensures the /mail page answers {code, message} with the table's status when the folder cannot be read or a message is not in it.
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, dir, path, code string
	}{
		{"unreadable folder", file, "/mail", lot.CodeInternal},
		{"no such message", t.TempDir(), "/mail/none.eml", lot.CodeNotFound},
		{"outside the folder", t.TempDir(), "/mail/..%2fsecret.eml", lot.CodeNotFound},
	} {
		rec := httptest.NewRecorder()
		(&mailbox.Box{Dir: c.dir}).Handler(asStudio).ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		var e struct{ Code, Message string }
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
			t.Errorf("%s: body is not JSON: %d %s", c.name, rec.Code, rec.Body)
			continue
		}
		if e.Code != c.code {
			t.Errorf("%s: code %q, want %q", c.name, e.Code, c.code)
		}
		if want := problem.Status(c.code); rec.Code != want {
			t.Errorf("%s: status %d, want %d", c.name, rec.Code, want)
		}
	}
}

// asStudio authenticates every request as a studio operator, who reads all mail.
func asStudio(*http.Request) (lot.Principal, error) {
	return lot.Principal{Subject: "studio-ops", Role: lot.RoleStudio}, nil
}
