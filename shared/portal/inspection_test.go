package portal_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/flowtest"
	"github.com/openlot/openlot/shared/portal"
)

func TestInspectionFlowIsValidASL(t *testing.T) {
	// Ensures the inspection flow names only steps the service has, renders
	// to ASL whose Tasks are substitution placeholders for the CDK app, and
	// passes asl-validator and loads in the third-party interpreter.
	steps := (&portal.Service{}).InspectionSteps()
	def := portal.InspectionFlow()
	if err := def.Validate(steps.Names()); err != nil {
		t.Fatal(err)
	}
	asl, err := def.ASL(nil)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		States map[string]struct{ Type, Resource string }
	}
	json.Unmarshal(asl, &doc)
	for name, s := range doc.States {
		if s.Type == "Task" && !strings.HasPrefix(s.Resource, "${Inspect") {
			t.Errorf("state %s runs %q, not a step placeholder", name, s.Resource)
		}
	}
	flowtest.Interpreted(t, def, steps, nil) // validation only: no executions
}
