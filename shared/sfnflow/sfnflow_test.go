package sfnflow_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/openlot/openlot/shared/sfnflow"
)

// endpoint answers StartExecution as Step Functions does (awsJson1.0):
// a name started again with the same input returns the same execution; with
// other input it is ExecutionAlreadyExists. No Step Functions stand-in runs
// here (aws-local-stepfunctions is an interpreter, not a service), so this
// checks what the real SDK sends over the wire.
type endpoint struct {
	mu    sync.Mutex
	byKey map[string]string // machine/name → input
	calls []map[string]string
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "AWSStepFunctions.StartExecution" || !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		http.Error(w, "unexpected call", 400)
		return
	}
	var in map[string]string
	json.NewDecoder(r.Body).Decode(&in)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, in)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	key := in["stateMachineArn"] + "/" + in["name"]
	if prev, ok := e.byKey[key]; ok && prev != in["input"] {
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.states#ExecutionAlreadyExists", "message": "Execution Already Exists"})
		return
	}
	e.byKey[key] = in["input"]
	json.NewEncoder(w).Encode(map[string]any{"executionArn": "arn:aws:states:eu-west-1:1:execution:m:" + in["name"], "startDate": 1.7e9})
}

func TestStartNamesTheExecutionOnce(t *testing.T) {
	// Ensures a flow start sends the flow's state machine, the execution
	// name and the input as JSON, and that a name started before is a
	// no-op, never an error.
	ep := &endpoint{byKey: map[string]string{}}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	client := sfn.New(sfn.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")})
	machines, err := sfnflow.ParseMachines(`{"inspection":"arn:aws:states:eu-west-1:1:stateMachine:inspection"}`)
	if err != nil {
		t.Fatal(err)
	}
	f := sfnflow.Flows{Client: client, Machines: machines}
	ctx := context.Background()
	for _, in := range []any{map[string]any{"transferId": "t1", "attempt": 1}, map[string]any{"transferId": "t1", "attempt": 1}, map[string]any{"other": true}} {
		if err := f.Start(ctx, "inspection", "t1-1", in); err != nil {
			t.Fatalf("start %v: %v", in, err)
		}
	}
	if len(ep.calls) != 3 {
		t.Fatalf("%d calls, want 3: %v", len(ep.calls), ep.calls)
	}
	if got := ep.calls[0]["name"]; got != "t1-1" {
		t.Errorf("call 0 name %q, want %q", got, "t1-1")
	}
	if got, want := ep.calls[0]["input"], `{"attempt":1,"transferId":"t1"}`; got != want {
		t.Errorf("call 0 input %s, want %s", got, want)
	}
	if got := ep.calls[0]["stateMachineArn"]; got != machines["inspection"] {
		t.Errorf("call 0 stateMachineArn %q, want %q", got, machines["inspection"])
	}
	if err := f.Start(ctx, "qc-outcome", "x", nil); err == nil {
		t.Fatal("a flow without a state machine was started")
	}
	if _, err := sfnflow.ParseMachines("not json"); err == nil {
		t.Fatal("a malformed OPENLOT_STATE_MACHINES was accepted")
	}
}
