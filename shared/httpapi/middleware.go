package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/time/rate"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
	keyLogInfo
	keyQuery // the raw query string, for the search route
)

// logInfo lets inner handlers tell the access log who called.
type logInfo struct{ subject string }

// RequestID returns the X-Request-Id of the request being served.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(keyRequestID).(string)
	return s
}

// PrincipalOf returns the authenticated caller.
func PrincipalOf(ctx context.Context) (lot.Principal, bool) {
	p, ok := ctx.Value(keyPrincipal).(lot.Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p (for adapters that authenticate elsewhere).
func WithPrincipal(ctx context.Context, p lot.Principal) context.Context {
	return context.WithValue(ctx, keyPrincipal, p)
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// recorder remembers the status and size of a response and, when asked, its body.
type recorder struct {
	http.ResponseWriter
	status int
	size   int
	keep   bool
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.keep {
		r.body.Write(b)
	}
	n, err := r.ResponseWriter.Write(b)
	r.size += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe gives every request an ID, logs it as one JSON line, and turns a
// panic into a 500 internal answer (detail and stack in the log).
func (a *api) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), keyRequestID, id)
		info := &logInfo{}
		ctx = context.WithValue(ctx, keyLogInfo, info)
		ctx = context.WithValue(ctx, keyQuery, r.URL.RawQuery)
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.log.ErrorContext(ctx, "panic", "request_id", id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if rec.status == 0 {
					ip := internalProblem
					writeProblem(rec, &ip)
				}
			}
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			a.log.LogAttrs(ctx, level, "http", slog.String("request_id", id), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.Int("bytes", rec.size),
				slog.Float64("ms", float64(time.Since(start).Microseconds())/1000), slog.String("subject", info.subject))
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

// Authenticator turns an HTTP request into the principal making it.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request) (lot.Principal, error)
}

// authenticate guards /v1: a valid bearer token for a known partner, within
// the caller's rate limit.
func (a *api) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/v1/") {
			next.ServeHTTP(w, r)
			return
		}
		p, ok := PrincipalOf(r.Context())
		var err error
		if !ok {
			if p, err = a.auth.Authenticate(r.Context(), r); err == nil {
				err = a.svc.Requests.Authorize(r.Context(), p)
			}
		}
		if err != nil {
			if lot.IsCode(err, lot.CodeUnauthorized) {
				// RFC 6750 §3.1: no error code when the request carries
				// no bearer token at all.
				challenge := `Bearer realm="openlot"`
				if hasBearer(r) {
					challenge += `, error="invalid_token"`
				}
				w.Header().Set("WWW-Authenticate", challenge)
			}
			writeProblem(w, problemOf(r.Context(), a.log, err))
			return
		}
		if !a.limiter.allow(p.Subject) {
			w.Header().Set("Retry-After", "1")
			problem.Write(w, lot.CodeRateLimited, "too many requests; slow down and retry after a second")
			return
		}
		if info, ok := r.Context().Value(keyLogInfo).(*logInfo); ok {
			info.subject = p.Subject
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// hasBearer reports whether r offers a bearer token (RFC 6750 §2.1).
func hasBearer(r *http.Request) bool {
	scheme, token, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	return strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != ""
}

// insufficientScope is the challenge of a 403 (RFC 6750 §3.1), naming the
// scope that would grant the request when one would.
func insufficientScope(scope string) string {
	c := `Bearer realm="openlot", error="insufficient_scope"`
	if scope != "" {
		c += `, scope="` + scope + `"`
	}
	return c
}

// readOnly refuses, with 403 insufficient_scope, an operation that needs
// openlot/write (its security requirement does not accept openlot/read)
// called with a token granted reading only.
func readOnly(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if p, ok := PrincipalOf(ctx.Context()); ok && p.ReadOnly && !accepts(ctx.Operation().Security, auth.ScopeRead) {
			ctx.SetHeader("WWW-Authenticate", insufficientScope(auth.ScopeWrite))
			_ = huma.WriteErr(api, ctx, http.StatusForbidden, msgReadOnly)
			return
		}
		next(ctx)
	}
}

// msgReadOnly is the refusal of a change to a token granted reading only.
var msgReadOnly = "this token was granted reading only (" + auth.ScopeRead + "); ask the token endpoint for " + auth.ScopeWrite + " to change things"

// accepts reports whether a token with scope alone meets one of the
// alternatives of security.
func accepts(security []map[string][]string, scope string) bool {
	for _, alt := range security {
		if need := alt[oauth2Scheme]; len(need) == 1 && need[0] == scope {
			return true
		}
	}
	return false
}

// limiter is a token bucket per subject.
type limiter struct {
	rps   rate.Limit
	burst int
	mu    sync.Mutex
	per   map[string]*rate.Limiter
}

func (l *limiter) allow(subject string) bool {
	if l == nil || l.rps <= 0 {
		return true
	}
	l.mu.Lock()
	lim, ok := l.per[subject]
	if !ok {
		if len(l.per) > 10000 { // forget idle callers rather than grow without bound
			clear(l.per)
		}
		lim = rate.NewLimiter(l.rps, l.burst)
		l.per[subject] = lim
	}
	l.mu.Unlock()
	return lim.Allow()
}

// MaxBody is the largest request body the API reads.
const MaxBody = 1 << 20

// keyTTL is how long an Idempotency-Key's answer is kept.
const keyTTL = 24 * time.Hour

// DefaultMaxKeys is how many Idempotency-Keys one caller may hold (claimed
// in the last keyTTL): the idempotency table stays bounded per caller.
const DefaultMaxKeys = 10000

// MaxRequestTime is longer than any request runs: an Idempotency-Key
// claimed longer ago and never answered belongs to a request that died.
const MaxRequestTime = 15 * time.Minute

// abandoned reports whether saved is a claim without an answer whose
// request cannot be running: claimed before this process started, or longer
// ago than MaxRequestTime.
func (a *api) abandoned(saved *lot.Saved) bool {
	if saved.Done {
		return false
	}
	return saved.CreatedAt.Before(a.started) || a.clock.Now().Sub(saved.CreatedAt) > MaxRequestTime
}

// idempotent makes POSTs with an Idempotency-Key safe to retry: the same key
// and body get the first answer again, without a second change.
func (a *api) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost || key == "" || !strings.HasPrefix(r.URL.Path, "/v1/") {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > 255 || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
			problem.Write(w, lot.CodeInvalid, "Idempotency-Key must be 1–255 visible ASCII characters")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				problem.Write(w, lot.CodeTooLarge, "the request body is too large (at most 1 MiB)")
				return
			}
			problem.Write(w, lot.CodeInvalid, "the request body could not be read")
			return
		}
		p, _ := PrincipalOf(r.Context())
		sum := sha256.Sum256([]byte(r.Method + " " + r.URL.RequestURI() + "\n" + string(body)))
		hash := hex.EncodeToString(sum[:])
		scoped := lot.KeyOf(p.Subject, key)
		saved, err := a.keys.ClaimKey(r.Context(), scoped, hash, a.clock.Now(), keyTTL)
		if err == nil && saved != nil && saved.RequestHash == hash && a.abandoned(saved) {
			// Its request died with its process: forget the claim and run
			// this retry, which gets the true answer.
			if err = a.keys.ReleaseKey(r.Context(), scoped); err == nil {
				saved, err = a.keys.ClaimKey(r.Context(), scoped, hash, a.clock.Now(), keyTTL)
			}
		}
		if err == nil && saved == nil { // a new key: within the caller's cap?
			var held int
			if held, err = a.keys.HeldKeys(r.Context(), p.Subject, a.clock.Now().Add(-keyTTL)); err == nil && held > a.maxKeys {
				err = a.keys.ReleaseKey(r.Context(), scoped)
				if err == nil {
					problem.Write(w, lot.CodeRateLimited, fmt.Sprintf("you hold %d Idempotency-Keys from the last 24 h, the most one caller may: "+
						"retry with the key you sent first, send requests without a key, or wait for old keys to expire", a.maxKeys))
					return
				}
			}
		}
		if err != nil {
			writeProblem(w, problemOf(r.Context(), a.log, err))
			return
		}
		if saved != nil {
			switch {
			case saved.RequestHash != hash:
				problem.Write(w, lot.CodeIdempotencyReuse, "this Idempotency-Key was used for a different request; use a new key")
			case !saved.Done:
				w.Header().Set("Retry-After", "1")
				problem.Write(w, lot.CodeConflict, "a request with this Idempotency-Key is still being processed; retry shortly")
			default:
				w.Header().Set("Content-Type", saved.ContentType)
				w.Header().Set("Idempotent-Replayed", "true")
				w.WriteHeader(saved.Status)
				_, _ = w.Write(saved.Body)
			}
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{ResponseWriter: w, keep: true}
		finished := false
		defer func() {
			// Background context: the answer must be remembered even if the client left.
			ctx := context.WithoutCancel(r.Context())
			if finished && rec.status < 500 {
				err = a.keys.FinishKey(ctx, scoped, rec.status, rec.Header().Get("Content-Type"), rec.body.Bytes())
			} else {
				err = a.keys.ReleaseKey(ctx, scoped)
			}
			if err != nil {
				a.log.ErrorContext(ctx, "idempotency key", "err", err)
			}
		}()
		next.ServeHTTP(rec, r)
		finished = true
	})
}
