package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var today = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// world is a running server with a small, known data set.
type world struct {
	t     *testing.T
	srv   *app.Local
	clock *clock
	spec  *spec
	// requests by name: jSub (juniper subtitle), jForced (juniper forced sub),
	// jDone (juniper processed), lSub (lumen subtitle, subassigned to nobody),
	// lToJ (lumen request subassigned to juniper), hAV (harbor AV, aurora title).
	ids map[string]string
	tok map[string]string // bearer tokens by principal name
}

var principals = map[string]lot.Principal{
	"juniper":   {Subject: "fp-juniper", Name: "Juniper robot", Role: lot.RoleFP, Partner: "juniper", Permissions: []lot.Permission{lot.PermCancel, lot.PermSubassign}, Email: "ops@juniper.example"},
	"lumen":     {Subject: "fp-lumen", Name: "Lumen robot", Role: lot.RoleFP, Partner: "lumen", Email: "ops@lumen.example"},
	"northstar": {Subject: "cp-northstar", Name: "Northstar robot", Role: lot.RoleCP, Partner: "northstar", Email: "ops@northstar.example"},
	"studio":    {Subject: "studio-ops", Name: "Studio Ops", Role: lot.RoleStudio},
	"qc":        {Subject: "qc-ops", Name: "QC Ops", Role: lot.RoleQC},
}

func mustWorld(t *testing.T, opts ...func(*app.LocalConfig)) *world {
	t.Helper()
	clk := &clock{t: today}
	cfg := app.LocalConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Clock: clk, IDs: ids.NewSeeded(1, today),
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	for _, o := range opts {
		o(&cfg)
	}
	srv := app.NewLocal(cfg)
	if err := srv.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	w := &world{t: t, srv: srv, clock: clk, ids: map[string]string{}, tok: map[string]string{}}
	w.seed()
	w.signIn()
	w.spec = mustSpec(t, w)
	return w
}

// signIn issues every principal a token valid from the clock's now.
func (w *world) signIn() {
	for name, p := range principals {
		tok, _, err := w.srv.Issuer.Issue(p)
		if err != nil {
			w.t.Fatal(err)
		}
		w.tok[name] = tok
	}
}

func (w *world) seed() {
	ctx := context.Background()
	s := w.srv.Store
	for _, p := range []*lot.Partner{
		{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment, Subassignees: []string{"lumen"}},
		{ID: "lumen", Name: "Lumen", Kind: lot.PartnerFulfillment},
		{ID: "harbor", Name: "Harbor", Kind: lot.PartnerFulfillment},
		{ID: "northstar", Name: "Northstar", Kind: lot.PartnerContent},
		{ID: "aurora", Name: "Aurora", Kind: lot.PartnerContent},
	} {
		must(w.t, s.PutPartner(ctx, p))
	}
	north := &lot.Title{MovieID: 81000001, Name: "House of Tides", ReleaseYear: 2026, MovieType: lot.MovieEpisode, IsOriginal: true, ContentPartner: "northstar", DayAfterBroadcast: true}
	aurora := &lot.Title{MovieID: 81000002, Name: "Glass Harbor", ReleaseYear: 2025, MovieType: lot.MovieStandalone, ContentPartner: "aurora"}
	pn := &lot.Package{ID: 700001, MovieID: north.MovieID, Countries: []string{"ES", "MX"}}
	pa := &lot.Package{ID: 700002, MovieID: aurora.MovieID, Countries: []string{"US"}}
	must(w.t, s.PutTitle(ctx, north))
	must(w.t, s.PutTitle(ctx, aurora))
	must(w.t, s.PutPackage(ctx, pn))
	must(w.t, s.PutPackage(ctx, pa))
	gen := ids.NewSeeded(99, today.Add(-72*time.Hour))
	mk := func(name string, t *lot.Title, p *lot.Package, fp string, st lot.SourceType, status lot.RequestStatus) {
		r, err := lot.Create(lot.Act{By: principals["studio"], At: today.Add(-48 * time.Hour)}, gen.NewID(), lot.NewRequest{
			Title: t, Package: p, FulfillmentPartner: &lot.Partner{ID: fp, Kind: lot.PartnerFulfillment},
			SourceType: st, Language: "es", DueDate: lot.DateOf(today).AddDays(5),
		})
		must(w.t, err)
		r.Status = status
		if name == "lToJ" {
			r.SubAssignee = "juniper"
		}
		must(w.t, s.CreateRequests(ctx, r))
		w.ids[name] = r.ID
	}
	mk("jSub", north, pn, "juniper", lot.SourceSubtitle, lot.StatusOpen)
	mk("jForced", north, pn, "juniper", lot.SourceForcedSub, lot.StatusOpen)
	mk("jDone", north, pn, "juniper", lot.SourceSubtitle, lot.StatusProcessed)
	mk("lSub", aurora, pa, "lumen", lot.SourceSubtitle, lot.StatusOpen)
	mk("lToJ", aurora, pa, "lumen", lot.SourceSecondaryAudio, lot.StatusOpen)
	mk("hAV", aurora, pa, "harbor", lot.SourceAVMuxed, lot.StatusOpen)
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// wantFields reports, one error each, every key of want whose value in the
// JSON object m differs (compared with !=), and returns whether all matched.
func wantFields(tb testing.TB, what string, m, want map[string]any) bool {
	tb.Helper()
	ok := true
	for _, k := range slices.Sorted(maps.Keys(want)) {
		if got := m[k]; got != want[k] {
			tb.Errorf("%s %s = %v, want %v", what, k, got, want[k])
			ok = false
		}
	}
	return ok
}

// resp is an answer, already checked against the OpenAPI document.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r resp) json(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		tb.Fatalf("body is not a JSON object: %s", r.Body)
	}
	return m
}

func (r resp) code() string {
	var m struct{ Code string }
	_ = json.Unmarshal(r.Body, &m)
	return m.Code
}

// do sends a request as the named principal ("" for none) and checks every
// answer: it carries X-Request-Id, is never a 500, errors have code and
// message and the status of their code, and /v1 bodies match the OpenAPI document.
func (w *world) do(who, method, path string, body any, hdr ...string) resp {
	w.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, w.srv.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+w.tok[who])
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := resp{Status: res.StatusCode, Header: res.Header, Body: b}
	if res.Header.Get("X-Request-Id") == "" {
		w.t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	if r.Status >= 500 {
		w.t.Errorf("%s %s: %d %s", method, path, r.Status, b)
	}
	if r.Status >= 400 {
		w.checkError(method, path, r)
	}
	if strings.HasPrefix(path, "/v1/") {
		w.spec.check(w.t, method, path, r)
	}
	return r
}

// checkError checks an error answer: a JSON code and message, and the status
// the one table gives the code.
func (w *world) checkError(method, path string, r resp) {
	w.t.Helper()
	var e struct{ Code, Message string }
	if err := json.Unmarshal(r.Body, &e); err != nil {
		w.t.Errorf("%s %s: error body is not JSON: %d %s", method, path, r.Status, r.Body)
		return
	}
	if e.Code == "" {
		w.t.Errorf("%s %s: error without code: %d %s", method, path, r.Status, r.Body)
	}
	if e.Message == "" {
		w.t.Errorf("%s %s: error without message: %d %s", method, path, r.Status, r.Body)
	}
	if want := problem.Status(e.Code); r.Status != want {
		w.t.Errorf("%s %s: answered %d for code %q, whose status is %d", method, path, r.Status, e.Code, want)
	}
}

// spec validates answers against the served OpenAPI document.
type spec struct {
	doc   map[string]any
	comp  *jsonschema.Compiler
	paths []pathRE
	mu    sync.Mutex
	cache map[string]*jsonschema.Schema
}

type pathRE struct {
	tmpl string
	re   *regexp.Regexp
}

func mustSpec(t *testing.T, w *world) *spec {
	t.Helper()
	res, err := http.Get(w.srv.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	m := doc.(map[string]any)
	if m["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", m["openapi"])
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("mem://openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	s := &spec{doc: m, comp: c, cache: map[string]*jsonschema.Schema{}}
	for tmpl := range m["paths"].(map[string]any) {
		re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(tmpl), `[^/]+`) + "$")
		s.paths = append(s.paths, pathRE{tmpl, re})
	}
	return s
}

func ptr(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

func (s *spec) check(t *testing.T, method, path string, r resp) {
	t.Helper()
	p := strings.SplitN(path, "?", 2)[0]
	tmpl := ""
	for _, pr := range s.paths {
		if pr.re.MatchString(p) && (tmpl == "" || !strings.Contains(pr.tmpl, "{")) {
			tmpl = pr.tmpl
		}
	}
	if tmpl == "" {
		if r.Status != 404 && r.Status != 405 {
			t.Errorf("%s %s: not in the OpenAPI document but answered %d", method, path, r.Status)
		}
		return
	}
	op, ok := s.doc["paths"].(map[string]any)[tmpl].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if !ok {
		if r.Status != 405 && r.Status != 401 {
			t.Errorf("%s %s: method not documented, answered %d", method, tmpl, r.Status)
		}
		return
	}
	responses := op["responses"].(map[string]any)
	key := fmt.Sprint(r.Status)
	if _, ok := responses[key]; !ok {
		key = "default"
		if _, ok := responses[key]; !ok {
			t.Errorf("%s %s: status %d not documented", method, tmpl, r.Status)
			return
		}
	}
	if content, _ := responses[key].(map[string]any)["content"]; content == nil {
		if len(r.Body) != 0 {
			t.Errorf("%s %s: status %d is documented without a body but has %q", method, tmpl, r.Status, r.Body)
		}
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(ct, "json") {
		media := strings.TrimSpace(strings.SplitN(ct, ";", 2)[0])
		if _, ok := responses[key].(map[string]any)["content"].(map[string]any)[media]; !ok {
			t.Errorf("%s %s: answered %s, which the document does not list for %s", method, tmpl, media, key)
		}
		return
	}
	loc := fmt.Sprintf("mem://openapi.json#/paths/%s/%s/responses/%s/content/application~1json/schema", ptr(tmpl), strings.ToLower(method), key)
	s.mu.Lock()
	sch, ok := s.cache[loc]
	if !ok {
		var err error
		if sch, err = s.comp.Compile(loc); err != nil {
			s.mu.Unlock()
			t.Fatalf("compile %s: %v", loc, err)
		}
		s.cache[loc] = sch
	}
	s.mu.Unlock()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(r.Body))
	if err != nil {
		t.Errorf("%s %s: body is not JSON: %s", method, path, r.Body)
		return
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s %s → %d does not match the OpenAPI document: %v\nbody: %s", method, tmpl, r.Status, err, r.Body)
	}
}
