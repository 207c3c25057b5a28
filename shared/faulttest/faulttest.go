// Package faulttest wraps the store and blob ports so that a seeded share of
// their calls fail or slow down, for tests that check every operation over
// them either completes or leaves nothing behind. A fault is one of:
//
//	before  the call is not made; the caller gets ErrBefore
//	after   the call is made (a write is done) and its answer dropped; the
//	        caller gets ErrAfter: the ambiguous failure of a lost response
//	delay   the call is made after Delay, and answers as it would have
//
// Both errors are unavailable (*lot.Error), the code of a dependency that is
// down. The wrappers keep the optional interfaces of what they wrap
// (lot.BlobWriter, lot.WholeHashing, portal.Revisioned, portal.Following),
// so that wrapping turns no feature off.
package faulttest

import (
	"maps"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// The errors a fault returns. Callers see them as unavailable.
var (
	ErrBefore = &lot.Error{Code: lot.CodeUnavailable, Message: "injected fault: the call was not made"}
	ErrAfter  = &lot.Error{Code: lot.CodeUnavailable, Message: "injected fault: the call was made and its answer lost"}
)

// Count is what happened to the calls of one method.
type Count struct {
	Calls  int // calls while faults were on
	Before int // failed with ErrBefore
	After  int // made, then failed with ErrAfter
	Delays int // slowed down by Delay
}

// Faults decides, call by call, which calls of the wrapped ports get a
// fault, from a seeded random source, and counts them. It is safe for
// concurrent use; with calls made one at a time, the same seed gives the
// same faults.
type Faults struct {
	// Rate is the share of calls that get a fault (0.2: one in five).
	Rate float64
	// Delay is how long a delayed call waits.
	Delay time.Duration

	mu     sync.Mutex
	rng    *rand.Rand
	on     bool
	counts map[string]*Count
}

// New returns faults on (see SetOn) for rate of the calls, from seed, with
// delays of 3 ms.
func New(seed uint64, rate float64) *Faults {
	return &Faults{Rate: rate, Delay: 3 * time.Millisecond, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		on: true, counts: map[string]*Count{}}
}

// SetOn turns faults on or off; calls made while off are neither faulted nor counted.
func (f *Faults) SetOn(on bool) {
	f.mu.Lock()
	f.on = on
	f.mu.Unlock()
}

// Counts returns the count of each method (by "Store.Method" or "Blobs.Method") called while faults were on.
func (f *Faults) Counts() map[string]Count {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]Count, len(f.counts))
	for k, c := range maps.All(f.counts) {
		out[k] = *c
	}
	return out
}

// Total adds up the counts of every method.
func (f *Faults) Total() Count {
	var t Count
	for _, c := range f.Counts() {
		t.Calls += c.Calls
		t.Before += c.Before
		t.After += c.After
		t.Delays += c.Delays
	}
	return t
}

type kind int

const (
	none kind = iota
	before
	after
	delay
)

// decide draws the fate of one call of method and counts it.
func (f *Faults) decide(method string) kind {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.on {
		return none
	}
	c := f.counts[method]
	if c == nil {
		c = &Count{}
		f.counts[method] = c
	}
	c.Calls++
	if f.rng.Float64() >= f.Rate {
		return none
	}
	switch k := kind(1 + f.rng.IntN(3)); k {
	case before:
		c.Before++
		return k
	case after:
		c.After++
		return k
	default:
		c.Delays++
		return delay
	}
}

// call makes do, or not, as the fault drawn for method says.
func call[T any](f *Faults, method string, do func() (T, error)) (T, error) {
	var zero T
	switch f.decide(method) {
	case before:
		return zero, ErrBefore
	case after:
		_, _ = do()
		return zero, ErrAfter
	case delay:
		time.Sleep(f.Delay)
	}
	return do()
}

// run is call for methods that return only an error.
func run(f *Faults, method string, do func() error) error {
	_, err := call(f, method, func() (struct{}, error) { return struct{}{}, do() })
	return err
}
