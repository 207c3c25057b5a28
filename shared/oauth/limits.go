package oauth

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/openlot/openlot/shared/lot"
)

// Limits bound guessing at the token endpoint and the sign-in page. Every
// guard runs before a password or secret is hashed, so a refused guess
// costs no bcrypt.
type Limits struct {
	// PerAddress and PerClient are the attempts per second (with bursts of
	// Burst) one remote address, and one client ID, may make at the token
	// endpoint and the sign-in form. The web app's sign-ins all count
	// against its client ID, so PerClient caps sign-ins as a whole too.
	PerAddress, PerClient rate.Limit
	Burst                 int
	// Hashes is how many bcrypt comparisons run at once (0: half the CPUs,
	// at least one); a caller waits up to HashWait for its turn and is
	// then told to come back later. Negative: no bound.
	Hashes   int
	HashWait time.Duration
	// NoLockout turns off locking accounts and clients after
	// lot.MaxFailedSignIns failures.
	NoLockout bool
}

// DefaultLimits are the guards of a running server: from one address, 5
// attempts a second that check a password or secret, with bursts of 20
// (and 50 a second, bursts of 100, of the requests that check none); per
// client, 10 a second; one bcrypt at a time on a two-core machine; a
// lockout after 5 failures in a row.
var DefaultLimits = Limits{PerAddress: 5, PerClient: 10, Burst: 20, HashWait: 3 * time.Second}

// Unguarded turns every guard off. Only `openlot bench auth` uses it, to
// measure what the guards save; never serve with it.
var Unguarded = Limits{PerAddress: rate.Inf, PerClient: rate.Inf, Hashes: -1, NoLockout: true}

// guards holds the state of the Limits: token buckets by key, bcrypt turns,
// and failure counts of what has no record to keep them in (machine
// clients, emails no one has).
type guards struct {
	limits  Limits
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
	hashes  chan struct{} // nil: no bound
	strikes map[string]*lot.User
}

func newGuards(l Limits) *guards {
	g := &guards{limits: l, buckets: map[string]*rate.Limiter{}, strikes: map[string]*lot.User{}}
	n := l.Hashes
	if n == 0 {
		n = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if n > 0 {
		g.hashes = make(chan struct{}, n)
	}
	if g.limits.HashWait == 0 {
		g.limits.HashWait = 3 * time.Second
	}
	return g
}

// allow takes a token from the buckets of the caller's address and, when
// client is not empty, of that client, before a password or secret is
// checked. It reports false when either is empty.
func (g *guards) allow(r *http.Request, client string) bool {
	if !g.take("addr\x00"+remoteAddr(r), g.limits.PerAddress, 1) {
		return false
	}
	return client == "" || g.take("client\x00"+client, g.limits.PerClient, 1)
}

// allowCheap takes a token from the address's bucket for requests that
// check no password (the page, code exchanges, refreshes, revocation,
// sign-out): ten times the rate, five times the burst, so a browser's own
// traffic never eats into its sign-in attempts.
func (g *guards) allowCheap(r *http.Request) bool {
	return g.take("cheap\x00"+remoteAddr(r), g.limits.PerAddress*10, 5)
}

func (g *guards) take(key string, per rate.Limit, burstTimes int) bool {
	if per == rate.Inf || per <= 0 {
		return true
	}
	g.mu.Lock()
	b, ok := g.buckets[key]
	if !ok {
		if len(g.buckets) > 50000 { // forget idle callers rather than grow without bound
			clear(g.buckets)
		}
		b = rate.NewLimiter(per, max(g.limits.Burst*burstTimes, 1))
		g.buckets[key] = b
	}
	g.mu.Unlock()
	return b.Allow()
}

// remoteAddr is the caller's IP address. The local server faces its callers
// directly, so forwarded-for headers are not believed.
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// hash waits for a bcrypt turn, runs f, and reports false (without running
// f) when no turn came within HashWait or ctx ended.
func (g *guards) hash(ctx context.Context, f func()) bool {
	if g.hashes == nil {
		f()
		return true
	}
	t := time.NewTimer(g.limits.HashWait)
	defer t.Stop()
	select {
	case g.hashes <- struct{}{}:
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
	defer func() { <-g.hashes }()
	f()
	return true
}

// lockedOut reports whether the in-memory count of key locks it at now.
func (g *guards) lockedOut(key string, now time.Time) bool {
	if g.limits.NoLockout {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.strikes[key]
	return ok && s.Locked(now)
}

// failed counts a failure of key at now, by the same rule as a person's
// record (lot.User.SignInFailed), and reports whether key is now locked.
func (g *guards) failed(key string, now time.Time) bool {
	if g.limits.NoLockout {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.strikes[key]
	if !ok {
		if len(g.strikes) > 50000 {
			for k, v := range g.strikes {
				if !v.Locked(now) {
					delete(g.strikes, k)
				}
			}
		}
		s = &lot.User{}
		g.strikes[key] = s
	}
	return s.SignInFailed(now)
}

// succeeded forgets the failures of key.
func (g *guards) succeeded(key string) {
	g.mu.Lock()
	delete(g.strikes, key)
	g.mu.Unlock()
}

func clientKey(id string) string { return "client\x00" + id }

func emailKey(email string) string { return "email\x00" + strings.ToLower(strings.TrimSpace(email)) }

// lockoutMinutes is said in messages.
var lockoutMinutes = int(lot.LockoutFor / time.Minute)
