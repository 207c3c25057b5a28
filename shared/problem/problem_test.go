package problem_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/problem"
)

func TestStatus(t *testing.T) {
	// Ensures each code answers its status, the OAuth2 token endpoint's codes those of RFC 6749, and any other code 422.
	for _, c := range []struct {
		code   string
		status int
	}{
		{lot.CodeInvalid, 400},
		{lot.CodeUnauthorized, 401},
		{lot.CodeForbidden, 403},
		{lot.CodeNotFound, 404},
		{problem.CodeMethodNotAllowed, 405},
		{problem.CodeNotAcceptable, 406},
		{problem.CodeRequestTimeout, 408},
		{lot.CodeConflict, 409},
		{lot.CodeTooLarge, 413},
		{problem.CodeUnsupportedMediaType, 415},
		{lot.CodeRateLimited, 429},
		{lot.CodeInternal, 500},
		{lot.CodeUnavailable, 503},
		{problem.CodeInvalidRequest, 400},
		{problem.CodeInvalidClient, 401},
		{problem.CodeUnsupportedGrantType, 400},
		{problem.CodeInvalidScope, 400},
		{problem.CodeServerError, 500},
		{lot.CodeNotAllowed, 422},
		{lot.CodeIdempotencyReuse, 422},
		{"", 422},
	} {
		if got := problem.Status(c.code); got != c.status {
			t.Errorf("Status(%q) = %d, want %d", c.code, got, c.status)
		}
	}
}

func TestCodeFor(t *testing.T) {
	// Ensures a status a library chose maps back to openlot's code for it, a schema violation's 422 to invalid, and unknown statuses to invalid or internal.
	for _, c := range []struct {
		status int
		code   string
	}{
		{400, lot.CodeInvalid},
		{401, lot.CodeUnauthorized},
		{405, problem.CodeMethodNotAllowed},
		{413, lot.CodeTooLarge},
		{415, problem.CodeUnsupportedMediaType},
		{422, lot.CodeInvalid},
		{418, lot.CodeInvalid},
		{500, lot.CodeInternal},
		{502, lot.CodeInternal},
	} {
		if got := problem.CodeFor(c.status); got != c.code {
			t.Errorf("CodeFor(%d) = %q, want %q", c.status, got, c.code)
		}
	}
	for _, code := range problem.Codes() {
		if s := problem.Status(code); problem.Status(problem.CodeFor(s)) != s {
			t.Errorf("status %d of %q maps back to %q, whose status differs", s, code, problem.CodeFor(s))
		}
	}
}

func TestWrite(t *testing.T) {
	// Ensures an error answer has its code's status, is JSON that is never cached, and holds exactly code and message.
	rec := httptest.NewRecorder()
	problem.Write(rec, lot.CodeConflict, "a concurrent change won")
	if rec.Code != 409 {
		t.Errorf("status %d, want 409", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if len(body) != 2 {
		t.Errorf("body has %d fields, want code and message: %v", len(body), body)
	}
	if body["code"] != lot.CodeConflict {
		t.Errorf("code %v", body["code"])
	}
	if body["message"] != "a concurrent change won" {
		t.Errorf("message %v", body["message"])
	}
}
