// Package lot holds openlot's domain: the nouns of the media supply chain
// (titles, packages, source requests, history), their statuses, the rules that
// move them, the one error type, and the interfaces of the ports that adapters
// implement. It imports only the standard library.
package lot

import (
	"context"
	"errors"
	"fmt"
)

// Error codes. The first group is closed and maps to HTTP statuses in one place
// (httpapi); any other code names a broken business rule (HTTP 422).
const (
	CodeInvalid      = "invalid"      // malformed or out-of-range input
	CodeUnauthorized = "unauthorized" // missing, expired or tampered credentials
	CodeForbidden    = "forbidden"    // the caller may see the thing but not do this
	CodeNotFound     = "not_found"    // missing, or belongs to another tenant
	CodeConflict     = "conflict"     // a concurrent change won; reload and retry
	CodeTooLarge     = "too_large"    // body or batch too large
	CodeRateLimited  = "rate_limited" // slow down
	CodeUnavailable  = "unavailable"  // a dependency is down; retry later
	CodeInternal     = "internal"     // a platform fault; details are in the log

	// Rule codes (422).
	CodeNotDeliverable   = "not_deliverable"
	CodeNotAllowed       = "not_allowed"       // the request's status does not allow this action
	CodeNotSubassignable = "not_subassignable" // subassign rules
	CodeIdempotencyReuse = "idempotency_key_reused"
	CodeChecksumMismatch = "checksum_mismatch" // a file's SHA-256 is not the one expected
)

// CodeInsufficientStorage (in the closed group, HTTP 507): the server's
// storage is full; nothing was changed; retry once space is freed.
const CodeInsufficientStorage = "insufficient_storage"

// Error is the one error type of the domain. Message is written for the person
// who made the call and must never carry internal details.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// CodeInternal otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code string) bool {
	return err != nil && ErrorCode(err) == code
}

// Passes reports whether an adapter should return err as it is: a domain
// error already, or the caller's cancellation or deadline.
func Passes(err error) bool {
	var le *Error
	return errors.As(err, &le) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// MissingPermission returns the forbidden error of a principal that lacks
// perm, which NeededPermission recognises (the HTTP layer names the scope that
// would grant it).
func MissingPermission(perm Permission) error {
	return &permissionError{err: Errorf(CodeForbidden, "your account lacks the %s permission", perm), perm: perm}
}

// NeededPermission returns the permission whose lack err reports, if err is
// (or wraps) an error of MissingPermission.
func NeededPermission(err error) (Permission, bool) {
	var pe *permissionError
	if errors.As(err, &pe) {
		return pe.perm, true
	}
	return "", false
}

// permissionError is a forbidden *Error that knows the permission it lacks.
type permissionError struct {
	err  *Error
	perm Permission
}

func (e *permissionError) Error() string { return e.err.Error() }
func (e *permissionError) Unwrap() error { return e.err }
