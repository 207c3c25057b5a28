package inspect

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/openlot/openlot/shared/lot"
)

//go:embed policy.json
var policyJSON []byte

// Policy is what inspection does for one source type, under one version.
type Policy struct {
	Version            string   `json:"version"`
	Media              string   `json:"media"` // av, audio, subtitle, package, document
	Checks             []string `json:"checks"`
	QC                 bool     `json:"qc"`        // a processed delivery gets a QC request
	Secondary          bool     `json:"secondary"` // waits for the title's primary video
	MaxBlackS          float64  `json:"maxBlackS"`
	MaxSilenceS        float64  `json:"maxSilenceS"`
	SilenceNoiseDB     float64  `json:"silenceNoiseDB"`
	RuntimeToleranceS  float64  `json:"runtimeToleranceS"`
	DurationToleranceS float64  `json:"durationToleranceS"`
	// Formats are the file formats a document source type is delivered in
	// (check "format").
	Formats []string `json:"formats,omitempty"`
}

// Runs says whether the policy includes a check.
func (p Policy) Runs(check string) bool { return slices.Contains(p.Checks, check) }

// Decodes says whether inspection must decode the file end to end (black,
// silence, undecodable frames).
func (p Policy) Decodes() bool { return p.Runs("black") || p.Runs("silence") || p.Runs("decode") }

// Package says whether inspection reads the delivery as an IMF package
// (shared/imf): its documents, its track files, its composition.
func (p Policy) Package() bool { return p.Media == "package" && p.Runs("package") }

// Probes says whether inspection reads the file's technical metadata.
func (p Policy) Probes() bool { return p.Media == "av" || p.Media == "audio" }

type policyFile struct {
	Version     string                     `json:"version"`
	Defaults    Policy                     `json:"defaults"`
	SourceTypes map[string]json.RawMessage `json:"sourceTypes"`
}

var policies = func() map[lot.SourceType]Policy {
	var f policyFile
	if err := json.Unmarshal(policyJSON, &f); err != nil {
		panic("inspect: policy.json: " + err.Error())
	}
	out := map[lot.SourceType]Policy{}
	for _, st := range lot.SourceTypes {
		b, ok := f.SourceTypes[string(st)]
		if !ok {
			panic(fmt.Sprintf("inspect: policy.json has no policy for %s", st))
		}
		p := f.Defaults // the type's own fields override the defaults
		if err := json.Unmarshal(b, &p); err != nil {
			panic(fmt.Sprintf("inspect: policy.json, %s: %v", st, err))
		}
		p.Version = f.Version
		out[st] = p
	}
	return out
}()

// PolicyFor is the current policy for a source type.
func PolicyFor(st lot.SourceType) Policy { return policies[st] }
