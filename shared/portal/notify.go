package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"net/url"
	"path"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal/steps"
)

//go:embed mail/*.tmpl
var mailFS embed.FS

// Each mail template file defines "subject" and "text" (text/template) and
// "html" (html/template, which escapes what users typed); each file is its
// own set, since they all use the same three names.
var (
	textMail = map[string]*texttemplate.Template{}
	htmlMail = map[string]*htmltemplate.Template{}
)

func init() {
	files, _ := fs.Glob(mailFS, "mail/*.tmpl")
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".tmpl")
		textMail[name] = texttemplate.Must(texttemplate.ParseFS(mailFS, f))
		htmlMail[name] = htmltemplate.Must(htmltemplate.ParseFS(mailFS, f))
	}
}

// Render renders the mail template name (e.g. "proxy-ready") with data.
func Render(name string, data any) (subject, text, html string, err error) {
	var sb, tb, hb bytes.Buffer
	t, h := textMail[name], htmlMail[name]
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

// Notifications are the mail openlot sends: notices about deliveries, QC,
// redeliveries and proxies, and the daily digest. Each mail has a key, so
// a step or event that runs twice mails nobody twice; a mail that fails is
// logged, never the caller's failure.
//
// A notice raised by a flow step (a failed inspection, a QC result, a
// proxy made) is rendered and sent by that step (send). A notice raised by
// a request to the API (a redelivery asked for, an override rejected) is
// posted to the notify flow instead (post), which renders and sends it
// durably, retried, off the request path: the API neither renders nor
// sends mail, and on AWS its function links no template engine.
type Notifications struct {
	*Deps
	tenancy *Tenancy // the digest's searches
	seen    sync.Map // user subject → what noteUser last stored
}

// NewNotifications returns the notifications over d; digests search what
// tenancy lets each user see.
func NewNotifications(d *Deps, tenancy *Tenancy) *Notifications {
	return &Notifications{Deps: d, tenancy: tenancy}
}

// MailKeyTTL is how long a sent mail's key keeps the same mail from going again.
const MailKeyTTL = 30 * 24 * time.Hour

// A Notice is one mail to one person before it is rendered: its template,
// the data the template renders, and the key that makes it go out once.
// It is the notify flow's input.
type Notice struct {
	Template string         `json:"template"`
	Key      string         `json:"key"`
	To       string         `json:"to"`
	ToName   string         `json:"toName"`
	Data     map[string]any `json:"data"`
}

// FlowNotify is the notify flow: it renders one Notice and sends it once.
const FlowNotify = "notify"

// NotifyFlow is the notify flow, written once for both runners.
func NotifyFlow() flow.Definition {
	return flow.Definition{
		Comment: "openlot notice: render one mail and send it once (by its key)",
		StartAt: "Send",
		States: []flow.State{
			{Name: "Send", Kind: flow.Task, Step: steps.NotifySend, End: true, Retry: retryInternal},
		},
	}
}

// NotifySteps binds the notify flow's step to these notifications.
func (s *Notifications) NotifySteps() flow.Steps {
	return flow.Steps{steps.NotifySend: flow.Typed(s.notifySend)}
}

// notifySend is the notify flow's step: it renders n and sends it once. A
// mailer that fails is retried (openlot.Internal); a notice that cannot be
// rendered is logged and dropped, as retrying cannot mend it.
func (s *Notifications) notifySend(ctx context.Context, n Notice) (struct{}, error) {
	if s.Mailer == nil || n.To == "" {
		return struct{}{}, nil
	}
	m, err := n.render()
	if err != nil {
		s.Log.ErrorContext(ctx, "mail not rendered", "template", n.Template, "key", n.Key, "err", err)
		return struct{}{}, nil
	}
	if err := s.sendOnce(ctx, m); err != nil {
		s.Log.WarnContext(ctx, "mail not sent; tried again", "template", n.Template, "key", n.Key, "err", err)
		return struct{}{}, &flow.Error{Name: errInternal, Cause: steps.NotifySend + " could not send the mail; it is tried again"}
	}
	return struct{}{}, nil
}

// render renders the notice into the mail it is.
func (n Notice) render() (lot.Mail, error) {
	subject, text, html, err := Render(n.Template, n.Data)
	if err != nil {
		return lot.Mail{}, err
	}
	return lot.Mail{To: n.To, ToName: n.ToName, Subject: subject, Text: text, HTML: html, Key: n.Key}, nil
}

// sendOnce sends m once per key, whatever the mailer (SES cannot tell).
func (s *Notifications) sendOnce(ctx context.Context, m lot.Mail) error {
	if m.Key == "" {
		return s.Mailer.Send(ctx, m)
	}
	_, err := s.Once(ctx, "mail/"+m.Key, MailKeyTTL, func() error { return s.Mailer.Send(ctx, m) })
	return err
}

// send renders and sends notices now, from a flow step; a failure is
// logged, never the caller's.
func (s *Notifications) send(ctx context.Context, notices ...Notice) {
	for _, n := range notices {
		if s.Mailer == nil || n.To == "" {
			continue
		}
		m, err := n.render()
		if err == nil {
			err = s.sendOnce(ctx, m)
		}
		if err != nil {
			s.Log.ErrorContext(ctx, "mail not sent", "template", n.Template, "to", n.To, "err", err)
		}
	}
}

// post hands notices to the notify flow, one execution per key (a key
// posted twice runs once); a failure is logged, never the caller's.
// Without a flow runner no mail goes out.
func (s *Notifications) post(ctx context.Context, notices ...Notice) {
	for _, n := range notices {
		if n.To == "" {
			continue
		}
		if s.Flows == nil {
			s.Log.WarnContext(ctx, "mail not sent: no flow runner", "template", n.Template, "to", n.To)
			continue
		}
		sum := sha256.Sum256([]byte(n.Key))
		if err := s.Flows.Start(ctx, FlowNotify, "notify-"+hex.EncodeToString(sum[:16]), n); err != nil {
			s.Log.ErrorContext(ctx, "mail not posted", "template", n.Template, "to", n.To, "err", err)
		}
	}
}

func (s *Notifications) notifyProxyReady(ctx context.Context, px *lot.Proxy) {
	m, err := s.Store.GetMaterial(ctx, px.MaterialID)
	if err != nil {
		s.Log.ErrorContext(ctx, "proxy ready mail", "proxy", px.ID, "err", err)
		return
	}
	title := ""
	if t, err := s.Store.GetTitle(ctx, m.MovieID); err == nil {
		title = t.Name
	}
	s.send(ctx, s.proxyReadyNotice(px, m, title))
}

// proxyReadyNotice tells who asked for proxy px of material m (of title)
// that it is ready, linking to the title's requests.
func (s *Notifications) proxyReadyNotice(px *lot.Proxy, m *lot.Material, title string) Notice {
	return Notice{To: px.Email, ToName: firstNonEmpty(px.UserName, px.User), Template: "proxy-ready", Key: "proxy-ready/" + px.ID + "/" + px.Code,
		Data: map[string]any{"Name": firstNonEmpty(px.UserName, px.User), "Title": title, "AssetType": m.AssetType.Name(), "Version": m.Version,
			"Code": px.Code, "Material": m.ID, "TitleURL": s.link(TitlePath(m.MovieID))}}
}

// noteUser remembers who signed in (name, email, partner) so mail can
// reach them; it writes only when something changed since this process
// last saw them. It changes only those fields of a stored user, in one
// conditional write, and leaves a person who signs in here alone: that
// record is where their token's claims came from, so an older token never
// rolls it back, and their password, rights, disabled flag, lockout and
// sessions are never touched.
func (s *Notifications) noteUser(ctx context.Context, p lot.Principal) {
	if err := s.note(ctx, p); err != nil {
		s.Log.WarnContext(ctx, "user not recorded", "user", p.Subject, "err", err)
	}
}

// NoteClient records machine client c (its name, email, role, partner) as
// a user mail reaches, as its first call would: a partner's client
// registered with an email gets the daily digest before it ever fetches a
// token. A client without an email is left out.
func (s *Notifications) NoteClient(ctx context.Context, c *lot.Client) error {
	if c.Email == "" {
		return nil
	}
	return s.note(ctx, lot.Principal{Subject: c.ID, Name: c.Name, Role: c.Role, Partner: c.Partner, Email: c.Email})
}

// note is noteUser, failing with the store's error.
func (s *Notifications) note(ctx context.Context, p lot.Principal) error {
	sig := strings.Join([]string{p.Name, p.Email, string(p.Role), p.Partner}, "\x00")
	if v, ok := s.seen.Load(p.Subject); ok && v == sig {
		return nil
	}
	now := s.Clock.Now().UTC()
	_, err := s.Store.UpdateUser(ctx, p.Subject, func(u *lot.User) (bool, error) {
		if u.SignsInHere() || u.Name == p.Name && u.Email == p.Email && u.Role == p.Role && u.Partner == p.Partner {
			return false, nil
		}
		u.Name, u.Email, u.Role, u.Partner, u.SeenAt = p.Name, p.Email, p.Role, p.Partner, now
		return true, nil
	})
	if lot.IsCode(err, lot.CodeNotFound) {
		err = s.Store.PutUser(ctx, &lot.User{Subject: p.Subject, Name: p.Name, Email: p.Email, Role: p.Role, Partner: p.Partner, SeenAt: now})
	}
	if err != nil {
		return err
	}
	s.seen.Store(p.Subject, sig)
	return nil
}

// user returns the user with an email to mail, or nil.
func (s *Notifications) user(ctx context.Context, subject string) *lot.User {
	u, err := s.Store.GetUser(ctx, subject)
	if err != nil || u.Email == "" {
		return nil
	}
	return u
}

func (s *Notifications) titleName(ctx context.Context, r *lot.Request) string {
	if r.TitleName != "" {
		return r.TitleName
	}
	if t, err := s.Store.GetTitle(ctx, r.MovieID); err == nil {
		return t.Name
	}
	return fmt.Sprint(r.MovieID)
}

type findingMail struct {
	Code, Message, Help, Link string
	Overridable               bool
}

// notifyTransferFailed tells the person who delivered why inspection failed
// and, for a sub-assignee's delivery, the partner of record's users.
func (s *Notifications) notifyTransferFailed(ctx context.Context, t *lot.Transfer, r *lot.Request) {
	if t.Inspection == nil {
		return
	}
	title := s.titleName(ctx, r)
	for _, to := range s.deliveryAudience(ctx, t, r) {
		n := s.transferFailedNotice(to.user, t, r, title)
		s.send(ctx, to.adapt(n))
	}
}

// recipient is one user told about a delivery; by names the sub-assignee
// that delivered when the user is the partner of record's, not its deliverer.
type recipient struct {
	user *lot.User
	by   string
}

// adapt makes n, written to a delivery's deliverer, the copy for the
// partner of record: its own key (a key is sent once) and the sub-assignee
// named as who delivered.
func (to recipient) adapt(n Notice) Notice {
	if to.by == "" {
		return n
	}
	n.Key += "/" + to.user.Subject
	n.Data["Subassignee"] = to.by
	return n
}

// deliveryAudience returns who hears of t, a delivery to r: the user who
// delivered it (with an email) and, when the delivery was the
// sub-assignee's, every FP user of the fulfillment partner of record with
// an email, so the partner of record hears of all its request's deliveries.
func (s *Notifications) deliveryAudience(ctx context.Context, t *lot.Transfer, r *lot.Request) []recipient {
	var out []recipient
	deliverer, err := s.Store.GetUser(ctx, t.DeliveredBy)
	if err != nil {
		deliverer = nil
	}
	if deliverer != nil && deliverer.Email != "" {
		out = append(out, recipient{user: deliverer})
	}
	if deliverer == nil || r.SubAssignee == "" || deliverer.Partner != r.SubAssignee || r.SubAssignee == r.FulfillmentPartner {
		return out
	}
	users, err := s.Store.ListUsers(ctx, r.FulfillmentPartner)
	if err != nil {
		s.Log.ErrorContext(ctx, "delivery mail to the partner of record", "request", r.ID, "transfer", t.ID, "err", err)
		return out
	}
	by := r.SubAssignee
	if p, err := s.Store.GetPartner(ctx, r.SubAssignee); err == nil && p.Name != "" {
		by = p.Name
	}
	for _, u := range users {
		if u.Email != "" && u.Role == lot.RoleFP && u.Subject != deliverer.Subject {
			out = append(out, recipient{user: u, by: by})
		}
	}
	return out
}

// transferFailedNotice tells u why inspection failed t, a delivery to r
// (of title): each finding links to its code's help, and the mail to the
// delivery's card, where it may be overridden.
func (s *Notifications) transferFailedNotice(u *lot.User, t *lot.Transfer, r *lot.Request, title string) Notice {
	all := true
	var fs []findingMail
	for _, f := range t.Inspection.Findings {
		c, _ := inspect.Lookup(f.Code)
		fs = append(fs, findingMail{Code: f.Code, Message: f.Message, Help: c.Help, Overridable: f.Overridable,
			Link: s.link(ErrorCodePath(f.Code))})
		all = all && f.Overridable
	}
	var files []string
	for _, f := range t.Files {
		files = append(files, f.Name)
	}
	return Notice{To: u.Email, ToName: u.Name, Template: "transfer-failed", Key: fmt.Sprintf("transfer-failed/%s/%d", t.ID, t.Inspection.Attempt),
		Data: map[string]any{"Name": u.Name, "Title": title, "SourceType": r.SourceType.Name(), "Language": r.Language,
			"Request": r.ID, "Transfer": t.ID, "Files": strings.Join(files, ", "), "Findings": fs, "AllOverridable": all && len(fs) > 0,
			"RequestURL": s.link(RequestPath(r.ID)), "DeliveryURL": s.link(RequestTabPath(r.ID, TabDeliveries, t.ID))}}
}

// notifyQC tells the person who delivered how QC ended and, for a
// sub-assignee's delivery, the partner of record's users.
func (s *Notifications) notifyQC(ctx context.Context, t *lot.Transfer, r *lot.Request) {
	if t.QC == nil {
		return
	}
	title := s.titleName(ctx, r)
	for _, to := range s.deliveryAudience(ctx, t, r) {
		s.send(ctx, to.adapt(s.qcNotice(to.user, t, r, title)))
	}
}

// qcNotice tells u how QC of t, a delivery to r (of title), ended,
// linking to its QC card, whose report exports as PDF or CSV.
func (s *Notifications) qcNotice(u *lot.User, t *lot.Transfer, r *lot.Request, title string) Notice {
	c := t.QC.Counts()
	return Notice{To: u.Email, ToName: u.Name, Template: "qc-result", Key: "qc/" + t.ID, Data: map[string]any{
		"Name": u.Name, "Title": title, "SourceType": r.SourceType.Name(), "Language": r.Language,
		"Request": r.ID, "Transfer": t.ID, "Status": t.QC.Status.Name(), "Failed": t.QC.Status == lot.QCFailed,
		"Counts": fmt.Sprintf("%d events: %d blocker(s), %d issue(s), %d FYI", len(t.QC.Events), c[lot.SeverityBlocker],
			c[lot.SeverityIssue], c[lot.SeverityFYI]),
		"RequestURL": s.link(RequestPath(r.ID)), "QCURL": s.link(RequestTabPath(r.ID, TabQC, t.ID))}}
}

// redelivery returns the notices that tell the users of the request's
// fulfillment partner (and its subassignee) that it asks for a
// redelivery; none when it does not. cause names what asked (a
// transfer's QC, a rejected override, a request version), so the notices
// of one cause go out once.
func (s *Notifications) redelivery(ctx context.Context, r *lot.Request, why, cause string) []Notice {
	if r.Status != lot.StatusRedeliveryRequested {
		return nil
	}
	var out []Notice
	for _, partner := range []string{r.FulfillmentPartner, r.SubAssignee} {
		if partner == "" {
			continue
		}
		users, err := s.Store.ListUsers(ctx, partner)
		if err != nil {
			s.Log.ErrorContext(ctx, "redelivery mail", "request", r.ID, "err", err)
			return out
		}
		for _, u := range users {
			if u.Email == "" || u.Role != lot.RoleFP {
				continue
			}
			out = append(out, s.redeliveryNotice(u, r, s.titleName(ctx, r), why, cause))
		}
	}
	return out
}

// redeliveryNotice tells u that r (of title) asks for a redelivery, and
// why, linking to its deliveries.
func (s *Notifications) redeliveryNotice(u *lot.User, r *lot.Request, title, why, cause string) Notice {
	return Notice{To: u.Email, ToName: u.Name, Template: "redelivery",
		Key: fmt.Sprintf("redelivery/%s/%s/%s", r.ID, cause, u.Subject), Data: map[string]any{
			"Name": u.Name, "Title": title, "SourceType": r.SourceType.Name(), "Language": r.Language,
			"Request": r.ID, "Due": r.DueDate.String(), "Why": why,
			"RequestURL": s.link(RequestTabPath(r.ID, TabDeliveries, ""))}}
}

// openStatuses is lot's one list of open statuses as the value of the
// search's status modifier (codes: OPEN,REDELIVERY_REQUESTED).
var openStatuses = func() string {
	codes := make([]string, len(lot.OpenStatuses))
	for i, s := range lot.OpenStatuses {
		codes[i] = string(s)
	}
	return strings.Join(codes, ",")
}()

// DigestRow is one request of a digest.
type DigestRow struct {
	ID, Title, SourceType, Language, Why string
	URL                                  string // its details page
}

// SendDigests mails each fulfillment-partner user, at most once per UTC
// day, the requests of their scope that turned Critical or At Risk since
// their last digest (none: no mail). It returns how many went out.
func (s *Notifications) SendDigests(ctx context.Context) (int, error) {
	if s.Mailer == nil {
		return 0, nil
	}
	now := s.Clock.Now().UTC()
	day := now.Format("2006-01-02")
	partners, err := s.Store.ListPartners(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, part := range partners {
		if part.Kind != lot.PartnerFulfillment {
			continue
		}
		users, err := s.Store.ListUsers(ctx, part.ID)
		if err != nil {
			return sent, err
		}
		for _, u := range users {
			if u.Role != lot.RoleFP || u.DigestDay == day {
				continue
			}
			ok, err := s.digest(ctx, u, part, day)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}

// digestRow is request r in a digest, linking to its page; why says why
// it is in its bucket.
func (s *Notifications) digestRow(r *lot.Request, why string) DigestRow {
	return DigestRow{ID: r.ID, Title: r.TitleName, SourceType: r.SourceType.Name(), Language: r.Language, Why: why,
		URL: s.link(RequestPath(r.ID))}
}

// digestData is what the digest of u (of partner part) on day renders:
// the requests that turned critical and at risk, each linking to its
// page, and links to each bucket on the dashboard.
func (s *Notifications) digestData(u *lot.User, part *lot.Partner, day string, critical, atRisk []DigestRow) map[string]any {
	bucket := func(b string) string {
		return s.link(DashboardPath(url.Values{"bucket": {b}})) // buckets hold open requests only
	}
	// A user's first digest has no last one to compare with: it says what
	// is Critical and At Risk now, not what "turned" so.
	return map[string]any{"Name": u.Name, "Partner": part.Name, "Day": day, "First": u.DigestDay == "", "Critical": critical, "AtRisk": atRisk,
		"CriticalURL": bucket("critical"), "AtRiskURL": bucket("atRisk")}
}

func (s *Notifications) digest(ctx context.Context, u *lot.User, part *lot.Partner, day string) (bool, error) {
	p := lot.Principal{Subject: u.Subject, Name: u.Name, Role: u.Role, Partner: u.Partner}
	now := map[string]string{}
	var critical, atRisk []DigestRow
	for _, bucket := range []string{"critical", "atRisk"} {
		for cursor := ""; ; {
			v := url.Values{"status": {openStatuses}, "bucket": {bucket}, "limit": {"500"}}
			if cursor != "" {
				v.Set("cursor", cursor)
			}
			res, _, err := s.tenancy.search(ctx, p, v) // a digest names no template
			if err != nil {
				return false, err
			}
			for _, row := range res.Rows {
				r := row.Request
				now[r.ID] = bucket
				if u.Digested[r.ID] == bucket {
					continue // reported before, in the same bucket
				}
				d := s.digestRow(r, row.Insight.Why)
				if bucket == "critical" {
					critical = append(critical, d)
				} else {
					atRisk = append(atRisk, d)
				}
			}
			if cursor = res.Next; cursor == "" {
				break
			}
		}
	}
	mailed := false
	if u.Email != "" && len(critical)+len(atRisk) > 0 {
		subject, text, html, err := Render("digest", s.digestData(u, part, day, critical, atRisk))
		if err != nil {
			return false, err
		}
		// The key makes a rerun of the same day (a crash before the mark
		// below) a no-op where the mailer can tell.
		if err := s.sendOnce(ctx, lot.Mail{To: u.Email, ToName: u.Name, Subject: subject, Text: text, HTML: html,
			Key: "digest/" + u.Subject + "/" + day}); err != nil {
			return false, err
		}
		mailed = true
	}
	_, err := s.Store.UpdateUser(ctx, u.Subject, func(x *lot.User) (bool, error) {
		x.DigestDay, x.Digested = day, now
		return true, nil
	})
	return mailed, err
}
