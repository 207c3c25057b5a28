// Package problem holds openlot's one table of error codes and their HTTP
// statuses, and writes error answers with them: every error a server in
// openlot sends (the API, the local blob server, the local token endpoint,
// the local mailbox) takes its status from here.
package problem

import (
	"encoding/json"
	"net/http"

	"github.com/openlot/openlot/shared/lot"
)

// Codes of answers the HTTP layer gives before any domain code runs.
const (
	CodeMethodNotAllowed     = "method_not_allowed"     // the path exists, for other methods (see Allow)
	CodeNotAcceptable        = "not_acceptable"         // no answer in a format the Accept header takes
	CodeRequestTimeout       = "request_timeout"        // the body did not arrive in time
	CodeUnsupportedMediaType = "unsupported_media_type" // a body in a format the route does not read
)

// Codes of the OAuth2 token endpoint (RFC 6749 §5.2; server_error as in
// §4.1.2.1) and of revocation (RFC 7009 §2.2.1).
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidClient        = "invalid_client"
	CodeInvalidGrant         = "invalid_grant"
	CodeUnauthorizedClient   = "unauthorized_client"
	CodeUnsupportedGrantType = "unsupported_grant_type"
	CodeInvalidScope         = "invalid_scope"
	CodeUnsupportedTokenType = "unsupported_token_type"
	CodeServerError          = "server_error"
)

// table is the closed list of codes and their statuses. Any other code names
// a broken rule (422). A status's first code is the one CodeFor gives it.
var table = []struct {
	code   string
	status int
}{
	{lot.CodeInvalid, http.StatusBadRequest},
	{lot.CodeUnauthorized, http.StatusUnauthorized},
	{lot.CodeForbidden, http.StatusForbidden},
	{lot.CodeNotFound, http.StatusNotFound},
	{CodeMethodNotAllowed, http.StatusMethodNotAllowed},
	{CodeNotAcceptable, http.StatusNotAcceptable},
	{CodeRequestTimeout, http.StatusRequestTimeout},
	{lot.CodeConflict, http.StatusConflict},
	{lot.CodeTooLarge, http.StatusRequestEntityTooLarge},
	{CodeUnsupportedMediaType, http.StatusUnsupportedMediaType},
	{lot.CodeRateLimited, http.StatusTooManyRequests},
	{lot.CodeInternal, http.StatusInternalServerError},
	{lot.CodeUnavailable, http.StatusServiceUnavailable},
	{lot.CodeInsufficientStorage, http.StatusInsufficientStorage},

	{CodeInvalidRequest, http.StatusBadRequest},
	{CodeInvalidClient, http.StatusUnauthorized},
	{CodeInvalidGrant, http.StatusBadRequest},
	{CodeUnauthorizedClient, http.StatusBadRequest},
	{CodeUnsupportedGrantType, http.StatusBadRequest},
	{CodeInvalidScope, http.StatusBadRequest},
	{CodeUnsupportedTokenType, http.StatusBadRequest},
	{CodeServerError, http.StatusInternalServerError},
}

// ruleStatus is the status of every code not in the table: a broken business rule.
const ruleStatus = http.StatusUnprocessableEntity

var (
	statusOf = map[string]int{}
	codeOf   = map[int]string{}
)

func init() {
	for _, row := range table {
		statusOf[row.code] = row.status
		if _, ok := codeOf[row.status]; !ok {
			codeOf[row.status] = row.code
		}
	}
}

// Status returns the HTTP status of an error code; a code not in the table
// names a broken rule (not_allowed, not_deliverable ...) and answers 422.
func Status(code string) int {
	if s, ok := statusOf[code]; ok {
		return s
	}
	return ruleStatus
}

// CodeFor returns the code of an error status some library chose (a router,
// an input validator): the status's code in the table, or else invalid for a
// status below 500 and internal from 500 on. A broken rule's 422 is invalid,
// as the library knows of no rule.
func CodeFor(status int) string {
	if c, ok := codeOf[status]; ok {
		return c
	}
	if status >= 500 {
		return lot.CodeInternal
	}
	return lot.CodeInvalid
}

// Codes returns the codes of the table, in its order.
func Codes() []string {
	out := make([]string, len(table))
	for i, row := range table {
		out[i] = row.code
	}
	return out
}

// Answer is the body of an error answer.
type Answer struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Write answers code and message as {"code", "message"} with the code's status.
func Write(w http.ResponseWriter, code, message string) {
	WriteBody(w, code, Answer{Code: code, Message: message})
}

// WriteBody answers body, the JSON of an error whose code is code, with the
// code's status. It is for answers that carry more than a code and a
// message (the API's per-field details, RFC 6749's error fields).
func WriteBody(w http.ResponseWriter, code string, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(Status(code))
	_ = json.NewEncoder(w).Encode(body)
}
