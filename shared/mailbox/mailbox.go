// Package mailbox is the local lot.Mailer: every mail is an RFC 5322
// message (.eml, multipart/alternative text and HTML) in a folder, which a
// mail program opens as it is and the local server lists at /mail.
package mailbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// Box writes mail into Dir as <time>-<key hash>.eml.
type Box struct {
	Dir   string
	From  mail.Address
	Clock lot.Clock
}

var _ lot.Mailer = (*Box)(nil)

// Send writes m; a key already written is not written again.
func (b *Box) Send(_ context.Context, m lot.Mail) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return lot.Errorf(lot.CodeInvalid, "%q is not an email address", m.To)
	}
	to.Name = m.ToName
	if err := os.MkdirAll(b.Dir, 0o750); err != nil {
		return err
	}
	id := randomHex(8)
	if m.Key != "" {
		sum := sha256.Sum256([]byte(m.Key))
		id = hex.EncodeToString(sum[:8])
		if matches, _ := filepath.Glob(filepath.Join(b.Dir, "*-"+id+".eml")); len(matches) > 0 {
			return nil
		}
	}
	now := time.Now()
	if b.Clock != nil {
		now = b.Clock.Now()
	}
	msg, err := Compose(b.From, *to, m, now, id)
	if err != nil {
		return err
	}
	name := now.UTC().Format("20060102T150405.000Z") + "-" + id + ".eml"
	tmp := filepath.Join(b.Dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, msg, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(b.Dir, name)) // whole or not at all
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Compose renders m as an RFC 5322 message with text and HTML parts.
func Compose(from, to mail.Address, m lot.Mail, at time.Time, id string) ([]byte, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h("Date", at.UTC().Format(time.RFC1123Z))
	h("Message-ID", "<"+id+"@openlot.local>")
	h("MIME-Version", "1.0")
	h("Content-Type", `multipart/alternative; boundary="`+mw.Boundary()+`"`)
	buf.WriteString("\r\n")
	for _, part := range []struct{ ct, body string }{{"text/plain; charset=utf-8", m.Text}, {"text/html; charset=utf-8", m.HTML}} {
		if part.body == "" {
			continue
		}
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.ct}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		qp.Write([]byte(strings.ReplaceAll(part.body, "\n", "\r\n")))
		qp.Close()
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Message is one stored mail, as the list shows it.
type Message struct {
	File    string
	Date    time.Time
	To      string
	Subject string
}

// List returns the stored mail, newest first.
func (b *Box) List() ([]Message, error) {
	entries, err := os.ReadDir(b.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Message
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		f, err := os.Open(filepath.Join(b.Dir, e.Name()))
		if err != nil {
			return nil, err
		}
		msg, err := mail.ReadMessage(f)
		if err != nil {
			f.Close()
			continue
		}
		date, _ := msg.Header.Date()
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		out = append(out, Message{File: e.Name(), Date: date, To: msg.Header.Get("To"), Subject: subject})
		f.Close()
	}
	slices.SortFunc(out, func(a, b Message) int { return strings.Compare(b.File, a.File) })
	return out, nil
}

var listPage = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>openlot local mailbox</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}</style></head>
<body><h1>Local mailbox</h1><p>Mail openlot sent while running locally ({{len .}}), newest first. Each is an .eml file a mail program opens.</p>
<table><tr><th>Date (UTC)</th><th>To</th><th>Subject</th></tr>
{{range .}}<tr><td>{{.Date.UTC.Format "2006-01-02 15:04:05"}}</td><td>{{.To}}</td><td><a href="/mail/{{.File}}">{{.Subject}}</a></td></tr>
{{end}}</table></body></html>`))

// Handler serves the list at /mail and each message at /mail/<file> (as
// message/rfc822), local mode only, to the caller who names: studio
// operators see every message, anyone else only the mail addressed to
// their own email (another's message is not_found). A request who refuses
// (no or a bad token) answers its error, unauthorized.
func (b *Box) Handler(who func(*http.Request) (lot.Principal, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := who(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="openlot"`)
			msg := "send an access token: Authorization: Bearer <token> (get one at /oauth2/token)"
			if le := (*lot.Error)(nil); errors.As(err, &le) && le.Code == lot.CodeUnauthorized {
				msg = le.Message
			}
			problem.Write(w, lot.CodeUnauthorized, msg)
			return
		}
		b.serve(w, r, p)
	})
}

// mayRead reports whether p may read mail addressed to to (a To header).
func mayRead(p lot.Principal, to string) bool {
	if p.Role == lot.RoleStudio {
		return true
	}
	a, err := mail.ParseAddress(to)
	return err == nil && p.Email != "" && strings.EqualFold(a.Address, strings.TrimSpace(p.Email))
}

// serve answers the list of mail p may read as a page, or one message. A
// folder it cannot read answers internal; a name that is not a message in
// the folder p may read, not_found.
func (b *Box) serve(w http.ResponseWriter, r *http.Request, p lot.Principal) {
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/mail"), "/")
	if name == "" {
		list, err := b.List()
		if err != nil {
			problem.Write(w, lot.CodeInternal, "the mailbox cannot be read")
			return
		}
		list = slices.DeleteFunc(list, func(m Message) bool { return !mayRead(p, m.To) })
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		listPage.Execute(w, list)
		return
	}
	if strings.ContainsAny(name, `/\`) || !strings.HasSuffix(name, ".eml") || strings.HasPrefix(name, ".") {
		problem.Write(w, lot.CodeNotFound, "no such message")
		return
	}
	body, err := os.ReadFile(filepath.Join(b.Dir, name))
	if err != nil {
		problem.Write(w, lot.CodeNotFound, "no such message")
		return
	}
	if msg, err := mail.ReadMessage(bytes.NewReader(body)); err != nil || !mayRead(p, msg.Header.Get("To")) {
		problem.Write(w, lot.CodeNotFound, "no such message")
		return
	}
	w.Header().Set("Content-Type", "message/rfc822")
	w.Write(body)
}
