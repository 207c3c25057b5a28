package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/awsenv"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/standin"
)

// The request IDs the fixtures in events/api name.
const (
	juniperReq = "01a00000-0000-7000-8000-00000000000a"
	lumenReq   = "01a00000-0000-7000-8000-00000000000b"
)

const fixtures = "../../events/api"

// environment returns the function's environment for a fresh table in the
// stand-ins, as the stack would set it.
func environment(t testing.TB) map[string]string {
	t.Helper()
	return map[string]string{
		awsenv.Table:                fmt.Sprintf("openlot-api-test-%d", time.Now().UnixNano()),
		awsenv.Bucket:               "openlot-api-test",
		awsenv.DynamoEndpoint:       standin.Endpoint(t, standin.DynamoDBEnv),
		awsenv.S3Endpoint:           standin.Endpoint(t, standin.S3Env),
		"AWS_REGION":                "us-east-1",
		"AWS_ACCESS_KEY_ID":         "test",
		"AWS_SECRET_ACCESS_KEY":     "test",
		"AWS_EC2_METADATA_DISABLED": "true",
		awsenv.LogLevel:             "warn",
	}
}

// cloud builds the function's handler the way main does, and stores the
// partners, title and the two requests the fixtures use.
func cloud(t testing.TB) (*awsapp.Cloud, map[string]string) {
	t.Helper()
	env := environment(t)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"} {
		t.Setenv(k, env[k]) // the SDK's credential chain reads these itself
	}
	ctx := context.Background()
	c, err := awsapp.New(ctx, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	must(t, c.Store.CreateTable(ctx))
	for _, p := range []*lot.Partner{
		{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment},
		{ID: "lumen", Name: "Lumen Dubbing", Kind: lot.PartnerFulfillment},
		{ID: "northstar", Name: "Northstar Pictures", Kind: lot.PartnerContent},
	} {
		must(t, c.Store.PutPartner(ctx, p))
	}
	title := &lot.Title{MovieID: 81234567, Name: "House of Tides", ReleaseYear: 2026, MovieType: lot.MovieStandalone, ContentPartner: "northstar"}
	pkg := &lot.Package{ID: 5501, MovieID: title.MovieID, Countries: []string{"ES", "MX"}}
	must(t, c.Store.PutTitle(ctx, title))
	must(t, c.Store.PutPackage(ctx, pkg))
	ops := lot.Principal{Subject: "ops", Name: "Studio Ops", Role: lot.RoleStudio}
	for id, fp := range map[string]string{juniperReq: "juniper", lumenReq: "lumen"} {
		r, err := lot.Create(lot.Act{By: ops, At: time.Now().UTC()}, id, lot.NewRequest{
			Title: title, Package: pkg, FulfillmentPartner: &lot.Partner{ID: fp, Kind: lot.PartnerFulfillment},
			SourceType: lot.SourceSubtitle, Language: "es-419", DueDate: lot.DateOf(time.Now()).AddDays(14),
		})
		must(t, err)
		must(t, c.Store.CreateRequests(ctx, r))
	}
	return c, env
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

type problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// expect says what each fixture must get back.
var expect = map[string]func(t *testing.T, c *awsapp.Cloud, resp events.APIGatewayV2HTTPResponse){
	"list-requests": func(t *testing.T, c *awsapp.Cloud, resp events.APIGatewayV2HTTPResponse) {
		var body struct {
			Rows []struct{ ID, FulfillmentPartner string } `json:"rows"`
		}
		decode(t, resp, 200, &body)
		if len(body.Rows) != 1 {
			t.Fatalf("juniper's list has %d rows, want 1: %+v", len(body.Rows), body.Rows)
		}
		if body.Rows[0].ID != juniperReq {
			t.Errorf("juniper's list: request %s, want %s", body.Rows[0].ID, juniperReq)
		}
		if body.Rows[0].FulfillmentPartner != "juniper" {
			t.Errorf("juniper's list: partner %q", body.Rows[0].FulfillmentPartner)
		}
	},
	"request-details": func(t *testing.T, c *awsapp.Cloud, resp events.APIGatewayV2HTTPResponse) {
		var body struct {
			Request struct{ ID, MaterialStatus string }
			Title   struct{ Name string }
			Package struct{ Countries []string }
		}
		decode(t, resp, 200, &body)
		if body.Request.ID != juniperReq {
			t.Errorf("details of request %s, want %s", body.Request.ID, juniperReq)
		}
		if body.Title.Name != "House of Tides" {
			t.Errorf("details: title %q", body.Title.Name)
		}
		if !slices.Equal(body.Package.Countries, []string{"ES", "MX"}) {
			t.Errorf("details: package countries %v, want [ES MX]", body.Package.Countries)
		}
	},
	"material-status": func(t *testing.T, c *awsapp.Cloud, resp events.APIGatewayV2HTTPResponse) {
		var body struct{ ID, MaterialStatus string }
		decode(t, resp, 200, &body)
		if body.MaterialStatus != "RECEIVED" {
			t.Fatalf("after the change: %+v", body)
		}
		h, err := c.Store.History(context.Background(), juniperReq)
		must(t, err)
		if len(h) != 2 {
			t.Fatalf("%d history entries, want 2: %+v", len(h), h)
		}
		last := h[len(h)-1]
		if last.Actor != "5f1c7a52-0d6e-4c43-9a4e-2b7f1d0c9e11" {
			t.Errorf("the change's actor %q is not the token's subject", last.Actor)
		}
		if last.Partner != "juniper" {
			t.Errorf("the change's partner %q", last.Partner)
		}
		if last.Reason != "proxy downloaded" {
			t.Errorf("the change's reason %q", last.Reason)
		}
	},
	"foreign-tenant-read": func(t *testing.T, c *awsapp.Cloud, resp events.APIGatewayV2HTTPResponse) {
		var p problem
		decode(t, resp, 404, &p)
		if p.Code != lot.CodeNotFound {
			t.Errorf("foreign read: code %q, want %q", p.Code, lot.CodeNotFound)
		}
		if strings.Contains(resp.Body, "lumen") {
			t.Errorf("foreign read names the other tenant: %s", resp.Body)
		}
	},
	"malformed-body": func(t *testing.T, c *awsapp.Cloud, resp events.APIGatewayV2HTTPResponse) {
		var p problem
		decode(t, resp, 400, &p)
		if p.Code != lot.CodeInvalid {
			t.Errorf("malformed body: code %q, want %q", p.Code, lot.CodeInvalid)
		}
		if p.Message == "" {
			t.Errorf("malformed body: no message: %s", resp.Body)
		}
		if r, _ := c.Store.GetRequest(context.Background(), juniperReq); r.Version != 1 {
			t.Fatalf("a malformed body changed the request: version %d", r.Version)
		}
	},
	"no-token": func(t *testing.T, c *awsapp.Cloud, resp events.APIGatewayV2HTTPResponse) {
		var p problem
		decode(t, resp, 401, &p)
		if p.Code != lot.CodeUnauthorized {
			t.Fatalf("no token: %s", resp.Body)
		}
	},
}

func decode(t *testing.T, resp events.APIGatewayV2HTTPResponse, status int, v any) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, resp.Body)
	}
	if ct := resp.Headers["Content-Type"]; !strings.Contains(ct, "json") {
		t.Fatalf("Content-Type %q", ct)
	}
	if resp.Headers["X-Request-Id"] == "" {
		t.Fatal("no X-Request-Id")
	}
	must(t, json.Unmarshal([]byte(resp.Body), v))
}

func fixtureNames(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(fixtures, "*.json"))
	must(t, err)
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	return names
}

func TestFixturesThroughTheLambdaHandler(t *testing.T) {
	// Ensures every API Gateway fixture gets the answer a caller expects
	// through the same handler Lambda runs, over DynamoDB (dynalite).
	c, _ := cloud(t)
	h := lambda.NewHandler(handler(c))
	names := fixtureNames(t)
	if len(names) < len(expect) {
		t.Fatalf("%d fixtures in %s, %d expected", len(names), fixtures, len(expect))
	}
	for _, name := range names { // in name order: malformed-body runs before material-status
		t.Run(name, func(t *testing.T) {
			check, ok := expect[name]
			if !ok {
				t.Fatalf("fixture %s has no expectation in this test", name)
			}
			payload, err := os.ReadFile(filepath.Join(fixtures, name+".json"))
			must(t, err)
			out, err := h.Invoke(context.Background(), payload)
			must(t, err)
			var resp events.APIGatewayV2HTTPResponse
			must(t, json.Unmarshal(out, &resp))
			check(t, c, resp)
		})
	}
}

func TestExportWithoutTheWorkbookWriter(t *testing.T) {
	// Ensures the api function, which links no XLSX writer (the stack routes
	// the export to functions/export), answers an XLSX export 503
	// unavailable with a message, and still answers a CSV export
	// (events/export fixtures).
	c, _ := cloud(t)
	h := lambda.NewHandler(handler(c))
	invoke := func(name string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		payload, err := os.ReadFile(filepath.Join("../../events/export", name+".json"))
		must(t, err)
		out, err := h.Invoke(context.Background(), payload)
		must(t, err)
		var resp events.APIGatewayV2HTTPResponse
		must(t, json.Unmarshal(out, &resp))
		return resp
	}

	var p problem
	decode(t, invoke("xlsx"), 503, &p)
	if p.Code != lot.CodeUnavailable {
		t.Errorf("XLSX export: code %q, want %q", p.Code, lot.CodeUnavailable)
	}
	if !strings.Contains(p.Message, "csv") {
		t.Errorf("XLSX export: the message %q does not point to CSV", p.Message)
	}

	resp := invoke("csv")
	if resp.StatusCode != 200 {
		t.Fatalf("CSV export: status %d, want 200: %s", resp.StatusCode, resp.Body)
	}
	if ct := resp.Headers["Content-Type"]; !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV export: Content-Type %q", ct)
	}
	if !strings.Contains(resp.Body, juniperReq+",House of Tides,juniper,") {
		t.Errorf("CSV export: no line for juniper's request: %q", resp.Body)
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// bootstrap builds the function as the stack does (static, lambda.norpc), once.
func bootstrap(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "openlot-bootstrap-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "bootstrap")
		build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", binPath, ".")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build bootstrap: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// runtimeAPI is a small Lambda Runtime API: it hands out one event, then
// records the function's answer.
type runtimeAPI struct {
	event   []byte
	once    sync.Once
	answers chan string // "response: …" or "error: …"
}

func (r *runtimeAPI) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	const prefix = "/2018-06-01/runtime/"
	path := strings.TrimPrefix(req.URL.Path, prefix)
	body, _ := io.ReadAll(req.Body)
	switch {
	case req.Method == http.MethodGet && path == "invocation/next":
		first := false
		r.once.Do(func() { first = true })
		if !first {
			<-req.Context().Done() // one event only; the runtime waits as on AWS
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(30*time.Second).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:openlot-api")
		w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1")
		w.Write(r.event)
	case req.Method == http.MethodPost && strings.HasSuffix(path, "/response"):
		w.WriteHeader(http.StatusAccepted)
		r.answers <- "response: " + string(body)
	case req.Method == http.MethodPost && (strings.HasSuffix(path, "/error") || path == "init/error"):
		w.WriteHeader(http.StatusAccepted)
		r.answers <- "error: " + string(body)
	default:
		http.NotFound(w, req)
	}
}

// bootstrapCommand is the bootstrap binary bin as Lambda starts it: pointed
// at the Runtime API at runtimeURL, with the function's environment env;
// its output goes to logs.
func bootstrapCommand(bin, runtimeURL string, env map[string]string) (*exec.Cmd, *strings.Builder) {
	cmd := exec.Command(bin)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(runtimeURL, "http://"), "_HANDLER=bootstrap",
		"AWS_LAMBDA_FUNCTION_NAME=openlot-api", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = logs, logs
	return cmd, logs
}

func TestBootstrapBinaryAnswersThroughTheRuntimeAPI(t *testing.T) {
	// Ensures the real bootstrap binary (provided.al2023 style, lambda.norpc)
	// starts, reads its environment, and answers a fixture through the
	// Lambda Runtime API.
	_, env := cloud(t)
	bin := bootstrap(t)
	event, err := os.ReadFile(filepath.Join(fixtures, "request-details.json"))
	must(t, err)
	rt := &runtimeAPI{event: event, answers: make(chan string, 4)}
	srv := httptest.NewServer(rt)
	defer srv.Close()
	cmd, logs := bootstrapCommand(bin, srv.URL, env)
	must(t, cmd.Start())
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	select {
	case answer := <-rt.answers:
		payload, ok := strings.CutPrefix(answer, "response: ")
		if !ok {
			t.Fatalf("the function failed: %s\nlogs:\n%s", answer, logs.String())
		}
		var resp events.APIGatewayV2HTTPResponse
		must(t, json.Unmarshal([]byte(payload), &resp))
		expect["request-details"](t, nil, resp)
	case <-time.After(60 * time.Second):
		t.Fatalf("no answer from the bootstrap binary in 60 s; logs:\n%s", logs.String())
	}
}

func TestBootstrapRefusesToStartWithoutItsTable(t *testing.T) {
	// Ensures a function deployed without its environment stops at start with
	// a clear log line instead of failing every request.
	cmd := exec.Command(bootstrap(t))
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=127.0.0.1:1"}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("the function started without its table; output %s", out)
	}
	if !strings.Contains(string(out), awsenv.Table) {
		t.Errorf("the log does not name %s: %s", awsenv.Table, out)
	}
}
