package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
)

// Problem is every error answer: a code from a closed list (or a rule's code)
// and a message for the caller. Internal details never go here; they go to the log.
type Problem struct {
	status  int
	Code    string   `json:"code" doc:"Machine-readable error code: invalid, unauthorized, forbidden, not_found, conflict, too_large, rate_limited, unavailable, internal, or a rule code (HTTP 422) such as not_allowed, not_deliverable, not_subassignable, idempotency_key_reused."`
	Message string   `json:"message" doc:"What went wrong, written for the person who made the call."`
	Details []string `json:"details,omitempty" doc:"Per-field problems, for invalid input."`
}

func (p *Problem) Error() string  { return p.Code + ": " + p.Message }
func (p *Problem) GetStatus() int { return p.status }

// statusOf holds the closed list of codes and their HTTP statuses; any other
// code names a broken rule (422).
var statusOf = map[string]int{
	lot.CodeInvalid: http.StatusBadRequest, lot.CodeUnauthorized: http.StatusUnauthorized,
	lot.CodeForbidden: http.StatusForbidden, lot.CodeNotFound: http.StatusNotFound,
	lot.CodeConflict: http.StatusConflict, lot.CodeTooLarge: http.StatusRequestEntityTooLarge,
	lot.CodeRateLimited: http.StatusTooManyRequests, lot.CodeUnavailable: http.StatusServiceUnavailable,
	lot.CodeInternal: http.StatusInternalServerError,
}

// StatusOf maps a domain error code to its HTTP status.
func StatusOf(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return http.StatusUnprocessableEntity
}

// codeOf is the inverse of StatusOf for the statuses huma produces itself.
func codeOf(status int) string {
	for c, s := range statusOf {
		if s == status {
			return c
		}
	}
	return lot.CodeInvalid
}

var internalProblem = Problem{status: 500, Code: lot.CodeInternal, Message: "Internal error."}

// problemOf turns any error into the Problem a client sees. Errors that are
// not domain errors become "internal" and are logged with their detail.
func problemOf(ctx context.Context, log *slog.Logger, err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var le *lot.Error
	if errors.As(err, &le) && le.Code != lot.CodeInternal {
		return &Problem{status: StatusOf(le.Code), Code: le.Code, Message: le.Message}
	}
	log.ErrorContext(ctx, "internal error", "err", err.Error(), "request_id", RequestID(ctx))
	ip := internalProblem
	return &ip
}

// writeProblem writes p as JSON.
func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.status)
	_ = json.NewEncoder(w).Encode(p)
}

func init() {
	// Huma's own errors (unreadable bodies, schema violations, oversize bodies)
	// take the same {code, message} shape. Schema violations are 400 invalid:
	// 422 is kept for broken business rules.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		var details []string
		for _, e := range errs {
			if e == nil {
				continue
			}
			var d *huma.ErrorDetail
			if errors.As(e, &d) {
				details = append(details, strings.TrimPrefix(d.Location+": ", ": ")+d.Message)
			} else {
				details = append(details, e.Error())
			}
		}
		code := lot.CodeInvalid
		switch {
		case status == http.StatusUnprocessableEntity || status == http.StatusBadRequest:
			status = http.StatusBadRequest
			if msg == "validation failed" {
				msg = "the request is not valid"
			}
		case status == http.StatusRequestEntityTooLarge:
			code, msg = lot.CodeTooLarge, "the request body is too large (at most 1 MiB)"
		case status >= 500:
			code, msg, details = lot.CodeInternal, "Internal error.", nil
		default:
			code = codeOf(status)
		}
		if len(details) > 0 {
			msg = msg + ": " + strings.Join(details, "; ")
		}
		return &Problem{status: status, Code: code, Message: msg, Details: details}
	}
}

// fail converts a use-case error for a huma handler.
func (a *api) fail(ctx context.Context, err error) error {
	return problemOf(ctx, a.log, err)
}

// failure is the code and message of one item's error in a per-item answer
// (bulk actions, starting transfers, delivery plans).
func (a *api) failure(ctx context.Context, err error) (code, message string) {
	p := problemOf(ctx, a.log, err)
	return p.Code, p.Message
}
