// Package steps names every flow step openlot runs and says what each
// step's Lambda function needs on AWS: memory, time, room in /tmp, and
// ffmpeg. The flow descriptions (shared/portal) name their Tasks with these
// constants and bind them to code, and the CDK app (infra/) deploys one
// function per step from the same table, so renaming or adding a step
// cannot silently give its function the wrong memory, timeout or no ffmpeg.
// Standard library only: infra/ (its own Go module) imports it through a
// replace directive.
package steps

import (
	"maps"
	"slices"
)

// The inspection flow's steps (portal.InspectionFlow).
const (
	InspectBegin     = "InspectBegin"
	InspectIntegrity = "InspectIntegrity"
	InspectExamine   = "InspectExamine"
	InspectDecide    = "InspectDecide"
	InspectFault     = "InspectFault"
)

// The watermark flow's steps (portal.ProxyFlow).
const (
	ProxyPlan    = "ProxyPlan"
	ProxySegment = "ProxySegment"
	ProxyFinish  = "ProxyFinish"
	ProxyFault   = "ProxyFault"
)

// The QC outcome flow's step (portal.QCOutcomeFlow).
const QCApplyOutcome = "QCApplyOutcome"

// The notify flow's step (portal.NotifyFlow): renders one mail and sends it.
const NotifySend = "NotifySend"

// Need is what one step's function needs to run; a zero field takes the
// default.
type Need struct {
	MemoryMB       int  // 0: DefaultMemoryMB
	TimeoutSeconds int  // 0: DefaultTimeoutSeconds
	ScratchMB      int  // room in /tmp; 0: Lambda's own 512 MB
	Media          bool // runs ffprobe or ffmpeg: the ffmpeg layer, programs in /opt/bin
}

// Defaults for a step that reads no whole files.
const (
	DefaultMemoryMB       = 512
	DefaultTimeoutSeconds = 60
)

// Needs holds every step and what its function needs, once. A step not
// here has no function on AWS (and infra/ refuses to deploy a flow that
// names it).
var Needs = map[string]Need{
	InspectBegin:     {},
	InspectIntegrity: {MemoryMB: 2048, TimeoutSeconds: 900},              // hashes every byte of the delivery
	InspectExamine:   {MemoryMB: 2048, TimeoutSeconds: 900, Media: true}, // probes and decodes the delivery
	InspectDecide:    {},
	InspectFault:     {},

	ProxyPlan: {MemoryMB: 2048, TimeoutSeconds: 900, Media: true}, // probes the source
	// Two vCPUs for the encoder; the segment is written to /tmp first.
	ProxySegment: {MemoryMB: 3538, TimeoutSeconds: 900, ScratchMB: 10240, Media: true},
	// Joins the segments into the proxy in /tmp.
	ProxyFinish: {MemoryMB: 2048, TimeoutSeconds: 900, ScratchMB: 10240, Media: true},
	ProxyFault:  {},

	QCApplyOutcome: {},

	NotifySend: {},
}

// Names returns every step's name, sorted.
func Names() []string { return slices.Sorted(maps.Keys(Needs)) }

// Memory returns the function's memory in MB.
func (n Need) Memory() int {
	if n.MemoryMB == 0 {
		return DefaultMemoryMB
	}
	return n.MemoryMB
}

// Timeout returns the function's timeout in seconds.
func (n Need) Timeout() int {
	if n.TimeoutSeconds == 0 {
		return DefaultTimeoutSeconds
	}
	return n.TimeoutSeconds
}
