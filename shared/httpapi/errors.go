package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

// Problem is every error answer: a code from a closed list (or a rule's code)
// and a message for the caller. Internal details never go here; they go to the log.
// Its status is the code's, from the one table in package problem.
type Problem struct {
	Code    string   `json:"code" doc:"Machine-readable error code: invalid, unauthorized, forbidden, not_found, method_not_allowed, not_acceptable, request_timeout, conflict, too_large, unsupported_media_type, rate_limited, unavailable, insufficient_storage (507: the server's storage is full), internal, or a rule code (HTTP 422) such as not_allowed, not_deliverable, not_subassignable, idempotency_key_reused."`
	Message string   `json:"message" doc:"What went wrong, written for the person who made the call."`
	Details []string `json:"details,omitempty" doc:"Per-field problems, for invalid input."`

	headers http.Header // sent with the answer (huma.HeadersError)
}

// GetHeaders returns the headers sent with p: a 403 carries the Bearer
// challenge insufficient_scope (RFC 6750 §3.1).
func (p *Problem) GetHeaders() http.Header { return p.headers }

func (p *Problem) Error() string { return p.Code + ": " + p.Message }

// GetStatus returns the status of p's code (huma answers with it).
func (p *Problem) GetStatus() int { return problem.Status(p.Code) }

var internalProblem = Problem{Code: lot.CodeInternal, Message: "Internal error."}

// problemOf turns any error into the Problem a client sees. Errors that are
// not domain errors become "internal" and are logged with their detail.
func problemOf(ctx context.Context, log *slog.Logger, err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var le *lot.Error
	if errors.As(err, &le) && le.Code != lot.CodeInternal {
		p := &Problem{Code: le.Code, Message: le.Message}
		if le.Code == lot.CodeForbidden {
			scope := ""
			if perm, ok := lot.NeededPermission(err); ok {
				scope = auth.ScopePrefix + string(perm)
			}
			p.headers = http.Header{"Www-Authenticate": {insufficientScope(scope)}}
		}
		return p
	}
	log.ErrorContext(ctx, "internal error", "err", err.Error(), "request_id", RequestID(ctx))
	ip := internalProblem
	return &ip
}

// writeProblem writes p as JSON with its code's status.
func writeProblem(w http.ResponseWriter, p *Problem) {
	for k, v := range p.headers {
		w.Header()[k] = v
	}
	problem.WriteBody(w, p.Code, p)
}

func init() {
	// Huma's own errors (unreadable bodies, schema violations, oversize bodies)
	// take the same {code, message} shape, and the status of their code.
	// Schema violations are 400 invalid: 422 is kept for broken business rules.
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
		code := problem.CodeFor(status)
		if status >= 500 {
			code = lot.CodeInternal // whatever huma called the fault, its detail is for the log
		}
		switch code {
		case lot.CodeInvalid:
			if msg == "validation failed" {
				msg = "the request is not valid"
			}
		case lot.CodeTooLarge:
			msg = "the request body is too large (at most 1 MiB)"
		case lot.CodeInternal:
			msg, details = "Internal error.", nil
		}
		if len(details) > 0 {
			msg = msg + ": " + strings.Join(details, "; ")
		}
		return &Problem{Code: code, Message: msg, Details: details}
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
