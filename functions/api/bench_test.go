package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// BenchmarkBootstrapFirstAnswer measures the api bootstrap's cold start: from
// process start to its first answer through the Lambda Runtime API (the
// request-details fixture, read over DynamoDB on dynalite). The binary is
// built as `make lambdas` builds it, for this machine's architecture. Each
// iteration starts a new process; it reports the median, fastest and slowest
// start in ms. It needs the stand-ins (`make standins`):
//
//	go test -run '^$' -bench BootstrapFirstAnswer -benchtime 20x ./functions/api
func BenchmarkBootstrapFirstAnswer(b *testing.B) {
	_, env := cloud(b)
	bin := buildAsMakeLambdas(b)
	event, err := os.ReadFile(filepath.Join(fixtures, "request-details.json"))
	must(b, err)
	var starts []time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		rt := &runtimeAPI{event: event, answers: make(chan string, 4)}
		srv := httptest.NewServer(rt)
		cmd, logs := bootstrapCommand(bin, srv.URL, env)
		b.StartTimer()
		start := time.Now()
		must(b, cmd.Start())
		var answer string
		select {
		case answer = <-rt.answers:
		case <-time.After(60 * time.Second):
		}
		took := time.Since(start)
		b.StopTimer()
		cmd.Process.Kill()
		cmd.Wait()
		srv.Close()
		payload, ok := strings.CutPrefix(answer, "response: ")
		if !ok {
			b.Fatalf("no answer (%q); logs:\n%s", answer, logs.String())
		}
		var resp events.APIGatewayV2HTTPResponse
		must(b, json.Unmarshal([]byte(payload), &resp))
		if resp.StatusCode != 200 {
			b.Fatalf("the first answer is %d: %s", resp.StatusCode, resp.Body)
		}
		starts = append(starts, took)
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(starts)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(starts[len(starts)/2]), "ms-median")
	b.ReportMetric(ms(starts[0]), "ms-min")
	b.ReportMetric(ms(starts[len(starts)-1]), "ms-max")
	b.ReportMetric(0, "ns/op") // the process handling around each start is not what is measured
}

// buildAsMakeLambdas builds the function with `make lambdas`' flags (static,
// lambda.norpc, trimmed, stripped) for the machine the benchmark runs on.
func buildAsMakeLambdas(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build bootstrap: %v\n%s", err, out)
	}
	if fi, err := os.Stat(bin); err == nil {
		b.Logf("bootstrap: %d bytes (%s/%s)", fi.Size(), runtime.GOOS, runtime.GOARCH)
	}
	return bin
}
