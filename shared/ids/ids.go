// Package ids makes openlot's IDs: UUIDv7 (time-ordered, so IDs sort by
// creation), from the system or, for demo data and tests, from a seed.
package ids

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"
)

// V7 makes random UUIDv7 IDs.
type V7 struct{}

// NewID returns a new UUIDv7 in canonical lower-case form.
func (V7) NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Seeded makes a reproducible sequence of UUIDv7-shaped IDs: the same seed
// and start give the same IDs, in increasing order.
type Seeded struct {
	mu   sync.Mutex
	rnd  *rand.Rand
	next time.Time
}

// NewSeeded returns a Seeded generator whose timestamps start at start and
// advance a millisecond per ID.
func NewSeeded(seed uint64, start time.Time) *Seeded {
	return &Seeded{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), next: start}
}

// NewID returns the next ID of the sequence.
func (s *Seeded) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var u uuid.UUID
	ms := uint64(s.next.UnixMilli())
	s.next = s.next.Add(time.Millisecond)
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	for i := 6; i < 16; i++ {
		u[i] = byte(s.rnd.Uint32())
	}
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 4122 variant
	return u.String()
}
