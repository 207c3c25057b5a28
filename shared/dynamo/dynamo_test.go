package dynamo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/openlot/openlot/shared/dynamo"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/standin"
	"github.com/openlot/openlot/shared/storetest"
)

var tables atomic.Int64

// fresh creates a new, empty table in dynalite and returns a store on it.
func fresh(tb testing.TB, cfg aws.Config, opt dynamo.Options) *dynamo.Store {
	tb.Helper()
	name := fmt.Sprintf("openlot-test-%d-%d", time.Now().UnixNano(), tables.Add(1))
	s := dynamo.New(cfg, name, opt)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.CreateTable(ctx); err != nil {
		tb.Fatalf("create table: %v", err)
	}
	return s
}

func config(tb testing.TB) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		BaseEndpoint: aws.String(standin.Endpoint(tb, standin.DynamoDBEnv)),
	}
}

func TestStoreContract(t *testing.T) {
	// Ensures the DynamoDB store keeps every promise of the lot.Store contract,
	// over the wire, the 100-way race included.
	cfg := config(t)
	storetest.Run(t, func(t *testing.T) lot.Store { return fresh(t, cfg, dynamo.Options{}) })
}

// faults is an HTTP transport to dynalite that injects failures on purpose.
type faults struct {
	next        http.RoundTripper
	throttle    atomic.Int64 // answer this many calls with ThrottlingException
	failHistory atomic.Bool  // drop the connection on writes of history items
	calls       atomic.Int64
}

func (f *faults) RoundTrip(req *http.Request) (*http.Response, error) {
	f.calls.Add(1)
	if f.throttle.Add(-1) >= 0 {
		body := `{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}`
		return &http.Response{StatusCode: 400, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
			Body:   io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
	}
	if f.failHistory.Load() && strings.HasSuffix(req.Header.Get("X-Amz-Target"), ".PutItem") {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		if bytes.Contains(b, []byte(`"S":"H#`)) {
			return nil, errors.New("connection reset by injected fault")
		}
	}
	return f.next.RoundTrip(req)
}

func faulty(tb testing.TB) (*dynamo.Store, *faults) {
	f := &faults{next: http.DefaultTransport}
	cfg := config(tb)
	cfg.HTTPClient = &http.Client{Transport: f}
	return fresh(tb, cfg, dynamo.Options{MaxAttempts: 3, MaxBackoff: 5 * time.Millisecond}), f
}

var ops = lot.Principal{Subject: "ops", Name: "Studio Ops", Role: lot.RoleStudio}

func comment(text string) func(*lot.Request) error {
	return func(r *lot.Request) error {
		return r.AddComment(lot.Act{By: ops, At: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}, text)
	}
}

func mustCreate(tb testing.TB, s *dynamo.Store) string {
	tb.Helper()
	title := &lot.Title{MovieID: 81000001, Name: "House of Tides", ContentPartner: "northstar", MovieType: lot.MovieStandalone}
	r, err := lot.Create(lot.Act{By: ops, At: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}, storetest.ID(1), lot.NewRequest{
		Title: title, Package: &lot.Package{ID: 1, MovieID: title.MovieID},
		FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment},
		SourceType:         lot.SourceSubtitle, Language: "es-419", DueDate: lot.DateOf(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.CreateRequests(context.Background(), r); err != nil {
		tb.Fatal(err)
	}
	return r.ID
}

func comments(tb testing.TB, s *dynamo.Store, id string) []string {
	tb.Helper()
	h, err := s.History(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	out := []string{}
	for _, e := range h {
		out = append(out, fmt.Sprintf("v%d:%s%s", e.Version, e.Action, e.Comment))
	}
	return out
}

func TestHistorySurvivesLostWrites(t *testing.T) {
	// Ensures a change whose history write is lost (a crash between the two
	// writes) still shows in the history, and that the next change writes it
	// before the request item moves on, so no entry is ever lost.
	s, f := faulty(t)
	ctx := context.Background()
	id := mustCreate(t, s)

	f.failHistory.Store(true)
	if _, err := s.UpdateRequest(ctx, id, comment("first")); err != nil {
		t.Fatalf("a committed change must succeed even when its history write fails: %v", err)
	}
	f.failHistory.Store(false)
	if _, err := s.UpdateRequest(ctx, id, comment("second")); err != nil {
		t.Fatal(err)
	}
	want := []string{"v1:CREATED", "v2:COMMENTEDfirst", "v3:COMMENTEDsecond"}
	if got := comments(t, s, id); !slices.Equal(got, want) {
		t.Fatalf("history %v, want %v", got, want)
	}

	// Lost again on the newest version: reading the history shows it anyway.
	f.failHistory.Store(true)
	if _, err := s.UpdateRequest(ctx, id, comment("third")); err != nil {
		t.Fatal(err)
	}
	want = append(want, "v4:COMMENTEDthird")
	if got := comments(t, s, id); !slices.Equal(got, want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	// A change that cannot first write the previous version's history is refused, not committed.
	if _, err := s.UpdateRequest(ctx, id, comment("fourth")); err == nil {
		t.Fatal("a change went through while the previous version's history could not be written")
	}
	f.failHistory.Store(false)
	if got := comments(t, s, id); !slices.Equal(got, want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	if r, _ := s.GetRequest(ctx, id); r.Version != 4 {
		t.Fatalf("version %d, want 4", r.Version)
	}
}

func TestThrottlingIsRetriedThenUnavailable(t *testing.T) {
	// Ensures throttled calls are retried with backoff and, when DynamoDB
	// keeps throttling, fail with the code unavailable (not an internal error).
	s, f := faulty(t)
	ctx := context.Background()
	id := mustCreate(t, s)

	f.throttle.Store(2)
	f.calls.Store(0)
	if _, err := s.GetRequest(ctx, id); err != nil {
		t.Fatalf("two throttles within three attempts: %v", err)
	}
	if n := f.calls.Load(); n != 3 {
		t.Fatalf("%d calls, want 3 (two throttled, one answered)", n)
	}

	f.throttle.Store(1000)
	f.calls.Store(0)
	_, err := s.GetRequest(ctx, id)
	if !lot.IsCode(err, lot.CodeUnavailable) {
		t.Fatalf("always throttled: got %v, want code unavailable", err)
	}
	if n := f.calls.Load(); n != 3 {
		t.Fatalf("%d calls, want 3 attempts", n)
	}
	_, err = s.UpdateRequest(ctx, id, comment("while throttled"))
	if !lot.IsCode(err, lot.CodeUnavailable) {
		t.Fatalf("update while throttled: got %v, want unavailable", err)
	}
	f.throttle.Store(0)
	if got := comments(t, s, id); len(got) != 1 {
		t.Fatalf("a throttled change left history: %v", got)
	}
}

func TestSchemaFileMatchesTheAdapter(t *testing.T) {
	// Ensures schema.json (which the CDK stack deploys) names the keys,
	// indexes and TTL attribute this adapter reads and writes.
	s := dynamo.TableSchema()
	want := map[string][2]string{dynamo.IndexAll: {"t", "id"}, dynamo.IndexFP: {"fp", "id"}, dynamo.IndexSub: {"sub", "id"}, dynamo.IndexCP: {"cp", "id"}, dynamo.IndexRequest: {"rq", "id"}, dynamo.IndexParent: {"par", "id"}, dynamo.IndexQueue: {"qu", "id"}, dynamo.IndexChange: {"t", "chg"}}
	if s.PartitionKey != "pk" {
		t.Errorf("schema PartitionKey = %q, want %q", s.PartitionKey, "pk")
	}
	if s.SortKey != "sk" {
		t.Errorf("schema SortKey = %q, want %q", s.SortKey, "sk")
	}
	if s.TTLAttribute != "expiresAt" {
		t.Errorf("schema TTLAttribute = %q, want %q", s.TTLAttribute, "expiresAt")
	}
	if len(s.Indexes) != len(want) {
		t.Errorf("schema has %d indexes, want %d: %+v", len(s.Indexes), len(want), s.Indexes)
	}
	for _, ix := range s.Indexes {
		if want[ix.Name] != [2]string{ix.PartitionKey, ix.SortKey} {
			t.Errorf("index %+v, want keys %v", ix, want[ix.Name])
		}
	}
	if !slices.Equal(s.Projected, []string{"ver", "data"}) {
		t.Errorf("projected %v", s.Projected)
	}
	for _, ix := range s.Indexes { // the change index carries what RequestChanges decides by, not the request
		if ix.Name == dynamo.IndexChange && !slices.Equal(ix.Projected, []string{"ver", "fp", "sub", "cp"}) {
			t.Errorf("%s projects %v", ix.Name, ix.Projected)
		}
	}
}

func TestConcurrentCommentsAllLand(t *testing.T) {
	// Ensures 100 comments added at once to one request all land on DynamoDB (comments commute), none with conflict.
	s := fresh(t, config(t), dynamo.Options{})
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	studio := lot.Principal{Subject: "studio-ops", Name: "Studio Ops", Role: lot.RoleStudio}
	title := &lot.Title{MovieID: 81000001, Name: "House of Tides", ReleaseYear: 2026, MovieType: lot.MovieStandalone, ContentPartner: "northstar"}
	r, err := lot.Create(lot.Act{By: studio, At: now}, "0193a1b2-0000-7000-8000-000000000001", lot.NewRequest{
		Title: title, Package: &lot.Package{ID: 700001, MovieID: title.MovieID, Countries: []string{"US"}},
		FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment},
		SourceType:         lot.SourceSubtitle, Language: "es", DueDate: lot.DateOf(now).AddDays(5),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRequests(ctx, r); err != nil {
		t.Fatal(err)
	}
	svc := portal.New(s, lot.ClockFunc(func() time.Time { return now }), ids.NewSeeded(1, now), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	const n = 100
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = svc.Requests.Comment(ctx, studio, r.ID, fmt.Sprintf("comment %d", i))
		}()
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if err != nil {
			failed++
			t.Logf("comment %d: %v", i, err)
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d comments failed", failed, n)
	}
	got, err := svc.Requests.Comments(ctx, studio, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d comments stored, want %d", len(got), n)
	}
}
