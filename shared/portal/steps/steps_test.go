package steps_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/portal/steps"
)

// tasks adds the steps d's Tasks name, in its branches and iterators too.
func tasks(d flow.Definition, into map[string]bool) {
	for _, s := range d.States {
		if s.Kind == flow.Task {
			into[s.Step] = true
		}
		for _, b := range s.Branches {
			tasks(b, into)
		}
		if s.Iterator != nil {
			tasks(*s.Iterator, into)
		}
	}
}

func TestEveryStepIsDeclaredOnce(t *testing.T) {
	// Ensures the steps the flows name, the steps the service binds to code
	// and the steps whose deployment needs are declared are the same set, so
	// no step runs on AWS without its function's memory, timeout and ffmpeg.
	named := map[string]bool{}
	for _, def := range portal.Flows() {
		tasks(def, named)
	}
	bound := (&portal.Service{}).Steps().Names()
	declared := map[string]bool{}
	for _, s := range steps.Names() {
		declared[s] = true
	}
	for _, s := range slices.Sorted(maps.Keys(named)) {
		if !declared[s] {
			t.Errorf("a flow names step %q, which steps.Needs does not declare", s)
		}
		if !bound[s] {
			t.Errorf("a flow names step %q, which the service does not bind", s)
		}
	}
	for _, s := range steps.Names() {
		if !named[s] {
			t.Errorf("steps.Needs declares %q, which no flow names", s)
		}
		if !bound[s] {
			t.Errorf("steps.Needs declares %q, which the service does not bind", s)
		}
	}
}

func TestNeedsDefaults(t *testing.T) {
	// Ensures a step that declares nothing gets Lambda's modest defaults and
	// a declared value wins.
	var none steps.Need
	if got := none.Memory(); got != steps.DefaultMemoryMB {
		t.Errorf("default memory %d", got)
	}
	if got := none.Timeout(); got != steps.DefaultTimeoutSeconds {
		t.Errorf("default timeout %d", got)
	}
	seg := steps.Needs[steps.ProxySegment]
	if got := seg.Memory(); got != 3538 {
		t.Errorf("the segment step's memory %d", got)
	}
	if got := seg.Timeout(); got != 900 {
		t.Errorf("the segment step's timeout %d", got)
	}
}
