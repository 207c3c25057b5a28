package portal

import (
	"bytes"
	"context"
	"embed"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/openlot/openlot/shared/lot"
)

//go:embed mail/*.tmpl
var mailFS embed.FS

// Each mail template defines "subject" and "text" (text/template) and
// "html" (html/template, which escapes what users typed).
var (
	textMail = texttemplate.Must(texttemplate.ParseFS(mailFS, "mail/*.tmpl"))
	htmlMail = htmltemplate.Must(htmltemplate.ParseFS(mailFS, "mail/*.tmpl"))
)

// Render renders the mail template name (e.g. "proxy-ready") with data.
func Render(name string, data any) (subject, text, html string, err error) {
	var sb, tb, hb bytes.Buffer
	t := textMail.Lookup(name + ".tmpl")
	h := htmlMail.Lookup(name + ".tmpl")
	if t == nil || h == nil {
		return "", "", "", lot.Errorf(lot.CodeInternal, "no mail template %s", name)
	}
	if err := t.ExecuteTemplate(&sb, "subject", data); err != nil {
		return "", "", "", err
	}
	if err := t.ExecuteTemplate(&tb, "text", data); err != nil {
		return "", "", "", err
	}
	if err := h.ExecuteTemplate(&hb, "html", data); err != nil {
		return "", "", "", err
	}
	return strings.TrimSpace(sb.String()), strings.TrimLeft(tb.String(), "\n"), hb.String(), nil
}

// notify sends one templated mail; a failure is logged, never the caller's.
func (s *Service) notify(ctx context.Context, to, toName, template, key string, data any) {
	if s.Mailer == nil || to == "" {
		return
	}
	subject, text, html, err := Render(template, data)
	if err == nil {
		err = s.Mailer.Send(ctx, lot.Mail{To: to, ToName: toName, Subject: subject, Text: text, HTML: html, Key: key})
	}
	if err != nil {
		s.log.ErrorContext(ctx, "mail not sent", "template", template, "to", to, "err", err)
	}
}

func (s *Service) notifyProxyReady(ctx context.Context, px *lot.Proxy) {
	m, err := s.store.GetMaterial(ctx, px.MaterialID)
	if err != nil {
		s.log.ErrorContext(ctx, "proxy ready mail", "proxy", px.ID, "err", err)
		return
	}
	title := ""
	if t, err := s.store.GetTitle(ctx, m.MovieID); err == nil {
		title = t.Name
	}
	s.notify(ctx, px.Email, firstNonEmpty(px.UserName, px.User), "proxy-ready", "proxy-ready/"+px.ID+"/"+px.Code, map[string]any{
		"Name": firstNonEmpty(px.UserName, px.User), "Title": title, "AssetType": m.AssetType.Name(), "Version": m.Version,
		"Code": px.Code, "Material": m.ID})
}
