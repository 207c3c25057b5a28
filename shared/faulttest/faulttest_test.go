package faulttest_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/dynamo"
	"github.com/openlot/openlot/shared/faulttest"
	"github.com/openlot/openlot/shared/httpapi"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/s3blob"
	"github.com/openlot/openlot/shared/sqlite"
	"github.com/openlot/openlot/shared/standin"
)

var (
	opsFlag  = flag.Int("faults.ops", 500, "operations per adapter set in TestFaultsLeaveNothingHalfWritten")
	seedFlag = flag.Uint64("faults.seed", 18, "seed of the faults and of the operations")
	rateFlag = flag.Float64("faults.rate", 0.2, "share of store and blob calls that get a fault")
)

// An adapter set is a store and a blob store of one deployment, and the
// optional interfaces the wrappers must keep of them.
type adapterSet struct {
	store lot.Store
	blobs lot.Blobs
}

func embedded(t *testing.T) adapterSet {
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	disk, err := diskblob.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "blob.key"), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(diskblob.Prefix, disk.Handler(nil))
	return adapterSet{store: db, blobs: disk}
}

func overAWS(t *testing.T) adapterSet {
	ddb := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(standin.Endpoint(t, standin.DynamoDBEnv))}
	s3 := aws.Config{Region: "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(os.Getenv(standin.S3KeyEnv), os.Getenv(standin.S3SecretEnv), ""),
		BaseEndpoint: aws.String(standin.Endpoint(t, standin.S3Env))}
	name := fmt.Sprintf("openlot-faults-%d", time.Now().UnixNano())
	db := dynamo.New(ddb, name, dynamo.Options{})
	if err := db.CreateTable(t.Context()); err != nil {
		t.Fatal(err)
	}
	blobs := s3blob.New(s3, name, s3blob.Options{PathStyle: true})
	if err := blobs.CreateBucket(t.Context()); err != nil {
		t.Fatal(err)
	}
	return adapterSet{store: db, blobs: blobs}
}

func TestWrappersKeepWhatTheyWrapCanDo(t *testing.T) {
	// Ensures wrapping a store or blob store in faults keeps every optional
	// interface the portal looks for, so the suite runs the product's real paths.
	set := embedded(t)
	f := faulttest.New(1, 0)
	for _, c := range []struct {
		name      string
		inner, in any
		iface     func(any) bool
	}{
		{"portal.Revisioned", set.store, faulttest.WrapStore(set.store, f), func(x any) bool { _, ok := x.(portal.Revisioned); return ok }},
		{"portal.Following", &dynamo.Store{}, faulttest.WrapStore(&dynamo.Store{}, f), func(x any) bool { _, ok := x.(portal.Following); return ok }},
		{"lot.BlobWriter", set.blobs, faulttest.WrapBlobs(set.blobs, f), func(x any) bool { _, ok := x.(lot.BlobWriter); return ok }},
		{"lot.WholeHashing", set.blobs, faulttest.WrapBlobs(set.blobs, f), func(x any) bool { _, ok := x.(lot.WholeHashing); return ok }},
		{"not lot.WholeHashing", &s3blob.Store{}, faulttest.WrapBlobs(&s3blob.Store{}, f), func(x any) bool { _, ok := x.(lot.WholeHashing); return ok }},
	} {
		if c.iface(c.inner) != c.iface(c.in) {
			t.Errorf("%s: the wrapped %T implements it: %v, the wrapper: %v", c.name, c.inner, c.iface(c.inner), c.iface(c.in))
		}
	}
}

func TestFaultsLeaveNothingHalfWritten(t *testing.T) {
	// Ensures that with errors and delays on a fifth of the store and blob
	// calls (issue 18), every operation through the API either completes or
	// leaves nothing half-written, over both adapter sets; it logs the counts.
	for _, c := range []struct {
		name string
		open func(*testing.T) adapterSet
	}{{"embedded", embedded}, {"aws", overAWS}} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, c.open(t))
			start := time.Now()
			for range *opsFlag {
				w.step()
			}
			w.faults.SetOn(false)
			w.checkAll()
			w.report(c.name, time.Since(start))
		})
	}
}

var (
	juniper = lot.Principal{Subject: "fp-juniper", Name: "Juniper robot", Role: lot.RoleFP, Partner: "juniper", Email: "ops@juniper.example"}
	studio  = lot.Principal{Subject: "studio-ops", Name: "Studio Ops", Role: lot.RoleStudio}
	title   = &lot.Title{MovieID: 81000001, Name: "House of Tides", ReleaseYear: 2026, MovieType: lot.MovieStandalone, ContentPartner: "northstar"}
)

// tokens authenticates a bearer token that is a principal's subject.
type tokens map[string]lot.Principal

func (t tokens) Authenticate(_ context.Context, r *http.Request) (lot.Principal, error) {
	if p, ok := t[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]; ok {
		return p, nil
	}
	return lot.Principal{}, lot.Errorf(lot.CodeUnauthorized, "unknown token")
}

// clock is the system clock moved on by the waits of the test's clients.
type clock struct{ ahead atomic.Int64 }

func (c *clock) Now() time.Time      { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *clock) add(d time.Duration) { c.ahead.Add(int64(d)) }

// tally counts what the operations did.
type tally struct {
	tried, ok, failed int // operations, and how their first attempt went
	retriedOK         int // failed operations a retry completed
	duplicates        int // retries that made a change a failed attempt had made already
	stuckKeys         int // retries answered "still being processed" (a claim no one could release), then waited for
	violations        int // half-written state found
}

type world struct {
	t      *testing.T
	raw    lot.Store // the adapters themselves, for the checks
	blobs  lot.Blobs
	faults *faulttest.Faults
	clock  *clock
	h      http.Handler
	rng    *rand.Rand
	reqs   []string
	n      int
	tally  tally
}

func newWorld(t *testing.T, set adapterSet) *world {
	ctx := t.Context()
	for _, p := range []*lot.Partner{{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment}, {ID: "northstar", Name: "Northstar", Kind: lot.PartnerContent}} {
		must(t, set.store.PutPartner(ctx, p))
	}
	pkg := &lot.Package{ID: 700001, MovieID: title.MovieID, Countries: []string{"ES"}}
	must(t, set.store.PutTitle(ctx, title))
	must(t, set.store.PutPackage(ctx, pkg))
	w := &world{t: t, raw: set.store, blobs: set.blobs, faults: faulttest.New(*seedFlag, *rateFlag), rng: rand.New(rand.NewPCG(*seedFlag, 1))}
	now := time.Now().UTC()
	gen := ids.NewSeeded(*seedFlag, now.Add(-time.Hour))
	for range 6 {
		r, err := lot.Create(lot.Act{By: studio, At: now.Add(-time.Hour)}, gen.NewID(), lot.NewRequest{
			Title: title, Package: pkg, FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment},
			SourceType: lot.SourceSubtitle, Language: "es", DueDate: lot.DateOf(now).AddDays(10)})
		must(t, err)
		r.MaterialStatus = lot.MaterialReceived
		must(t, set.store.CreateRequests(ctx, r))
		w.reqs = append(w.reqs, r.ID)
	}
	w.clock = &clock{}
	svc := portal.New(faulttest.WrapStore(set.store, w.faults), w.clock, ids.NewSeeded(*seedFlag+1, now), slog.New(slog.DiscardHandler))
	svc.Deps.Blobs = faulttest.WrapBlobs(set.blobs, w.faults)
	w.h = httpapi.New(httpapi.Config{Service: svc, Auth: tokens{juniper.Subject: juniper, studio.Subject: studio},
		Keys: svc.Deps.Store, Clock: w.clock, Log: slog.New(slog.DiscardHandler), RatePerSecond: 1e6, Burst: 1e6, Started: now})
	return w
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// violation reports half-written state.
func (w *world) violation(format string, args ...any) {
	w.t.Helper()
	w.tally.violations++
	w.t.Errorf(format, args...)
}

// answer is an API response.
type answer struct {
	status int
	body   []byte
}

func (a answer) ok() bool { return a.status < 300 }

func (a answer) json() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(a.body, &m)
	return m
}

// do sends an API request as p, with an Idempotency-Key when key is set.
func (w *world) do(p lot.Principal, method, path string, body any, key string) answer {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req := httptest.NewRequestWithContext(w.t.Context(), method, path, rd)
	req.Header.Set("Authorization", "Bearer "+p.Subject)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Body.Bytes()}
}

// try sends a request as a careful client does: with an Idempotency-Key
// half of the time, and again (up to 3 more times, with the same key) when
// it fails for a reason a retry may cure (5xx, 409). It counts the
// operation and returns the first answer and the last.
func (w *world) try(p lot.Principal, method, path string, body any) (first, last answer) {
	return w.tryN(3, p, method, path, body)
}

// tryN is try with up to retries more attempts.
func (w *world) tryN(retries int, p lot.Principal, method, path string, body any) (first, last answer) {
	w.n++
	key := ""
	if w.rng.IntN(2) == 0 {
		key = fmt.Sprintf("key-%d", w.n)
	}
	first = w.do(p, method, path, body, key)
	last = first
	for i := 0; i < retries && (last.status >= 500 || last.status == http.StatusConflict); i++ {
		if key != "" && last.status == http.StatusConflict && strings.Contains(string(last.body), "still being processed") {
			// The claim of an attempt whose release failed: the key is
			// free again once no request could still be running.
			w.tally.stuckKeys++
			w.clock.add(httpapi.MaxRequestTime + time.Second)
		}
		last = w.do(p, method, path, body, key)
	}
	w.tally.tried++
	switch {
	case first.ok():
		w.tally.ok++
	default:
		w.tally.failed++
		if last.ok() {
			w.tally.retriedOK++
		}
	}
	return first, last
}

// step runs one operation, chosen at random, and checks what it left.
func (w *world) step() {
	id := w.reqs[w.rng.IntN(len(w.reqs))]
	switch x := w.rng.IntN(10); {
	case x < 2:
		w.comment(id)
	case x < 4:
		w.materialStatus(id)
	case x < 5:
		w.bulkStatus()
	case x < 6:
		w.template()
	case x < 9:
		w.deliver(id)
	default:
		w.addMaterial()
	}
}

func (w *world) request(id string) *lot.Request {
	r, err := w.raw.GetRequest(context.Background(), id)
	must(w.t, err)
	return r
}

func (w *world) history(id string) []lot.HistoryEntry {
	h, err := w.raw.History(context.Background(), id)
	must(w.t, err)
	return h
}

// comment adds a comment: after it, the comment is there exactly once if
// any attempt succeeded, and at most once if none did; more is a retry
// that repeated the change of an attempt whose answer was lost.
func (w *world) comment(id string) {
	text := fmt.Sprintf("comment %d", w.n+1)
	_, last := w.try(juniper, "POST", "/v1/requests/"+id+"/comments", map[string]any{"text": text})
	n := 0
	for _, e := range w.history(id) {
		if e.Comment == text {
			n++
		}
	}
	switch {
	case n > 1:
		w.tally.duplicates++
	case last.ok() && n == 0:
		w.violation("comment %q answered %d but is not in the history", text, last.status)
	}
	w.checkRequest(id)
}

var statuses = []lot.MaterialStatus{lot.MaterialReceived, lot.MaterialAccepted, lot.MaterialReceived, lot.MaterialAccepted, lot.MaterialRejected}

// materialStatus sets a request's material status: after it, the status
// is the one asked for when the call succeeded, and the old or the new one
// when it failed.
func (w *world) materialStatus(id string) {
	was := w.request(id).MaterialStatus
	to := statuses[w.rng.IntN(len(statuses))]
	_, last := w.try(juniper, "POST", "/v1/requests/"+id+"/material-status", map[string]any{"materialStatus": to, "reason": "checked"})
	got := w.request(id).MaterialStatus
	if last.ok() && got != to || got != was && got != to {
		w.violation("material status %s → %s answered %d; the request has %s", was, to, last.status, got)
	}
	w.checkRequest(id)
}

// bulkStatus sets the material status of three requests: each that
// answered ok has it, each that did not has the old or the new one.
func (w *world) bulkStatus() {
	ids := make([]string, 3)
	was := map[string]lot.MaterialStatus{}
	for i := range ids {
		ids[i] = w.reqs[w.rng.IntN(len(w.reqs))]
		was[ids[i]] = w.request(ids[i]).MaterialStatus
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	to := statuses[w.rng.IntN(len(statuses))]
	_, last := w.try(juniper, "POST", "/v1/requests/material-status", map[string]any{"ids": ids, "materialStatus": to, "reason": "bulk"})
	ok := map[string]bool{}
	if last.ok() {
		for _, x := range last.json()["results"].([]any) {
			r := x.(map[string]any)
			ok[r["id"].(string)] = r["ok"] == true
		}
	}
	for _, id := range ids {
		got := w.request(id).MaterialStatus
		if ok[id] && got != to || got != was[id] && got != to {
			w.violation("bulk material status %s → %s (ok %v); the request has %s", was[id], to, ok[id], got)
		}
		w.checkRequest(id)
	}
}

// template saves or deletes a saved search: after it, the template holds
// the old or the new query (the new one on success), or is gone after a
// delete that succeeded.
func (w *world) template() {
	name := []string{"Subs", "Late", "Mine"}[w.rng.IntN(3)]
	before, err := w.raw.GetTemplate(context.Background(), juniper.Subject, name)
	if err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		w.t.Fatal(err)
	}
	if w.rng.IntN(4) == 0 {
		_, last := w.try(juniper, "DELETE", "/v1/templates/"+name, nil)
		after, err := w.raw.GetTemplate(context.Background(), juniper.Subject, name)
		if last.ok() && err == nil || err == nil && (before == nil || after.Query != before.Query) {
			w.violation("delete template %s answered %d and left %+v", name, last.status, after)
		}
		return
	}
	movie := 81000000 + w.n // a different query each time
	_, last := w.try(juniper, "PUT", "/v1/templates/"+name, map[string]any{"query": fmt.Sprintf("sourceType=SUBTITLE&movieId=%d", movie)})
	after, err := w.raw.GetTemplate(context.Background(), juniper.Subject, name)
	isNew := err == nil && strings.Contains(after.Query, fmt.Sprintf("movieId=%d&", movie))
	isOld := before == nil && lot.IsCode(err, lot.CodeNotFound) || before != nil && err == nil && after.Query == before.Query
	if last.ok() && !isNew || !isNew && !isOld {
		w.violation("save template %s answered %d and left %+v (%v)", name, last.status, after, err)
	}
}

// deliver delivers one small file to a request, as a client does: start,
// ask for the part's URL, upload it, complete, each retried on failure.
// What it leaves is checked with every other transfer (checkTransfers).
func (w *world) deliver(id string) {
	data := make([]byte, 2048+w.rng.IntN(2048))
	for i := range data {
		data[i] = byte(w.rng.Uint32())
	}
	sum := sha256.Sum256(data)
	_, last := w.try(juniper, "POST", "/v1/transfers", map[string]any{"method": "CLI", "transfers": []map[string]any{{
		"requestId": id, "files": []map[string]any{{"name": "House of Tides_es.ttml", "size": len(data), "sha256": hex.EncodeToString(sum[:]),
			"contentType": "application/ttml+xml", "metadata": map[string]string{"subtitleFormat": "ttml", "frameRate": "24"}}}}}})
	defer w.checkTransfers(id)
	if !last.ok() {
		return
	}
	res := last.json()["results"].([]any)[0].(map[string]any)
	if res["ok"] != true {
		return // not deliverable now (its material status): refused, nothing made
	}
	tid := res["transfer"].(map[string]any)["id"].(string)
	_, last = w.try(juniper, "POST", "/v1/transfers/"+tid+"/parts", map[string]any{"parts": []map[string]any{{"file": 0, "number": 1, "sha256": hex.EncodeToString(sum[:])}}})
	if !last.ok() {
		return
	}
	x := last.json()["urls"].([]any)[0].(map[string]any)
	u := lot.SignedURL{Method: x["method"].(string), URL: x["url"].(string), Header: map[string]string{}}
	if h, ok := x["header"].(map[string]any); ok {
		for k, v := range h {
			u.Header[k] = v.(string)
		}
	}
	if code, body, _ := blobtest.Do(w.t, u, data); code != http.StatusOK {
		w.t.Fatalf("upload of part 1: %d %s", code, body) // straight to storage: no faults there
	}
	if w.rng.IntN(8) == 0 {
		w.try(juniper, "POST", "/v1/transfers/"+tid+"/abort", nil)
		return
	}
	// A client whose files are all stored completes until it gets an
	// answer (the CLI retries with backoff): a transfer is then delivered
	// with its delivery recorded, or still uploading, never in between.
	_, last = w.tryN(20, juniper, "POST", "/v1/transfers/"+tid+"/complete", nil)
	t, err := w.raw.GetTransfer(context.Background(), tid)
	must(w.t, err)
	if last.ok() && t.Status != lot.TransferPendingInspection {
		w.violation("transfer %s: complete answered %d, yet it is %s", tid, last.status, t.Status)
	}
}

// addMaterial registers a studio material: upload URL, upload, register,
// each retried. After it, one version holds the upload if registering
// succeeded, none or one if it did not; two are a retry that repeated the
// registration of an attempt whose answer was lost.
func (w *world) addMaterial() {
	body := fmt.Appendf(nil, "stems %d", w.n)
	sum := sha256.Sum256(body)
	hexSum := hex.EncodeToString(sum[:])
	_, last := w.try(studio, "POST", "/v1/materials/uploads", map[string]any{"fileName": "stems.wav", "contentType": "audio/wav", "size": len(body), "sha256": hexSum})
	if !last.ok() {
		return
	}
	u := last.json()
	hdr := map[string]string{}
	for k, v := range u["header"].(map[string]any) {
		hdr[k] = v.(string)
	}
	if code, b, _ := blobtest.Do(w.t, lot.SignedURL{Method: u["method"].(string), URL: u["url"].(string), Header: hdr}, body); code != http.StatusOK {
		w.t.Fatalf("material upload: %d %s", code, b)
	}
	key := u["upload"].(string)
	_, last = w.try(studio, "POST", "/v1/materials", map[string]any{"movieId": title.MovieID, "assetType": "AUDIO_STEMS",
		"fileName": "stems.wav", "sha256": hexSum, "upload": key})
	all, err := w.raw.ListMaterials(context.Background(), title.MovieID)
	must(w.t, err)
	n := 0
	for _, m := range all {
		if m.Key == key {
			n++
		}
	}
	switch {
	case n > 1:
		w.tally.duplicates++
	case last.ok() && n == 0:
		w.violation("material %s answered %d but no version holds it", key, last.status)
	}
}

// checkRequest checks that request id is whole: every committed version
// has its history entries and no entry is beyond the request's version,
// and its material status is the one its history last set.
func (w *world) checkRequest(id string) {
	r := w.request(id)
	h := w.history(id)
	seen := map[int64]bool{}
	status := lot.MaterialReceived // as seeded
	for _, e := range h {
		seen[e.Version] = true
		if e.Version > r.Version {
			w.violation("request %s at version %d has a history entry of version %d (%s)", id, r.Version, e.Version, e.Action)
		}
		if e.Field == "materialStatus" {
			status = lot.MaterialStatus(e.After)
		}
	}
	for v := int64(1); v <= r.Version; v++ {
		if !seen[v] {
			w.violation("request %s: version %d has no history entry", id, v)
		}
	}
	if r.MaterialStatus != status {
		w.violation("request %s has material status %s; its history last set %s", id, r.MaterialStatus, status)
	}
}

// checkTransfers checks the transfers of request id: at most one still
// uploads (a new one supersedes the others), every delivered one has its
// file stored whole and its delivery in the request's history, and every
// delivery in the history is a delivered transfer.
func (w *world) checkTransfers(id string) {
	ctx := context.Background()
	ts, err := w.raw.ListTransfers(ctx, id)
	must(w.t, err)
	recorded := map[string]bool{}
	for _, e := range w.history(id) {
		if e.Field == "transfer" {
			recorded[e.After] = true
		}
	}
	uploading := 0
	for _, t := range ts {
		switch {
		case t.Status.Uploading():
			uploading++
		case t.Status == lot.TransferPendingInspection:
			for _, f := range t.Files {
				if info, err := w.blobs.Head(ctx, f.Key); err != nil || info.Size != f.Size {
					w.violation("transfer %s is delivered, but its file %s is not stored whole: %+v %v", t.ID, f.Key, info, err)
				}
			}
			if !recorded[t.ID] {
				w.violation("transfer %s is delivered, but request %s's history does not say so", t.ID, id)
			}
		}
		delete(recorded, t.ID)
	}
	if uploading > 1 {
		w.violation("request %s has %d transfers uploading at once", id, uploading)
	}
	for tid := range recorded {
		w.violation("request %s's history records a delivery of transfer %s, which it does not have", id, tid)
	}
	w.checkRequest(id)
}

// checkAll checks every request and its transfers once more, faults off.
func (w *world) checkAll() {
	for _, id := range w.reqs {
		w.checkTransfers(id)
	}
}

// report logs the counts: per method, and one summary line.
func (w *world) report(set string, took time.Duration) {
	counts := w.faults.Counts()
	for _, m := range slices.Sorted(func(yield func(string) bool) {
		for k := range counts {
			if !yield(k) {
				return
			}
		}
	}) {
		c := counts[m]
		w.t.Logf("%-24s calls %4d  before %3d  after %3d  delay %3d", m, c.Calls, c.Before, c.After, c.Delays)
	}
	c, k := w.faults.Total(), w.tally
	w.t.Logf("faults %s: %d operations (%d ok, %d failed, %d of them completed by a retry); %d faults in %d calls "+
		"(%d errors before, %d errors after, %d delays); %d violations; %d changes repeated by a retry; %d keys stuck in progress; %s",
		set, k.tried, k.ok, k.failed, k.retriedOK, c.Before+c.After+c.Delays, c.Calls, c.Before, c.After, c.Delays,
		k.violations, k.duplicates, k.stuckKeys, took.Round(time.Millisecond))
}
