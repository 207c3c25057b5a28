package portal_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/flowtest"
	"github.com/openlot/openlot/shared/portal"
)

func TestFlowsAreValidASL(t *testing.T) {
	// Ensures every flow (inspection, QC outcome, watermark) names only steps
	// the service has, renders to ASL whose Tasks are substitution
	// placeholders for the CDK app, and passes asl-validator and loads in the
	// third-party interpreter.
	steps := (&portal.Service{}).Steps()
	for name, def := range portal.Flows() {
		if err := def.Validate(steps.Names()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		asl, err := def.ASL(nil)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			States map[string]struct{ Type, Resource string }
		}
		json.Unmarshal(asl, &doc)
		for state, s := range doc.States {
			if s.Type == "Task" && !strings.HasPrefix(s.Resource, "${") {
				t.Errorf("%s: state %s runs %q, not a step placeholder", name, state, s.Resource)
			}
		}
		flowtest.Interpreted(t, def, steps, nil) // validation only: no executions
	}
}

func TestDeployedASLIsTheDescription(t *testing.T) {
	// Ensures the ASL files the CDK app deploys (flows/*.asl.json) are what
	// the flow descriptions render to: the state machines cannot drift from
	// the local runner. OPENLOT_UPDATE_FLOWS=1 writes them.
	for name, def := range portal.Flows() {
		asl, err := def.ASL(nil)
		if err != nil {
			t.Fatal(err)
		}
		asl = append(asl, '\n')
		path := filepath.Join("flows", name+".asl.json")
		if os.Getenv("OPENLOT_UPDATE_FLOWS") != "" {
			os.MkdirAll("flows", 0o755)
			if err := os.WriteFile(path, asl, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v; run OPENLOT_UPDATE_FLOWS=1 go test ./shared/portal", path, err)
		} else if !bytes.Equal(got, asl) {
			t.Errorf("%s differs from flow %q's description; run OPENLOT_UPDATE_FLOWS=1 go test ./shared/portal", path, name)
		}
	}
}
