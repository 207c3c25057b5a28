package accesslog_test

import (
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/accesslog"
)

// Lines in the documented format (owner, bucket, time, IP, requester, request
// ID, operation, key, request-URI, status, error, bytes sent, object size,
// total time, turn-around time, referer, user agent, version ID, …).
const sample = `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be openlot-files [06/Feb/2026:00:00:38 +0000] 192.0.2.3 arn:aws:sts::123456789012:assumed-role/Api/x 3E57427F3EXAMPLE REST.GET.OBJECT materials/demo/stems_5.1.wav "GET /materials/demo/stems_5.1.wav?X-Amz-Algorithm=AWS4-HMAC-SHA256&x-openlot-download=01a20604-4851-7f1c-bd81-0a326b4a9f97&X-Amz-Signature=ab HTTP/1.1" 206 - 9000 18000 70 10 "-" "openlot-cli" - Ex4mPl3 SigV4 ECDHE-RSA-AES128-GCM-SHA256 QueryString openlot-files.s3.eu-west-1.amazonaws.com TLSv1.3 - -
79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be openlot-files [06/Feb/2026:00:01:02 +0000] 192.0.2.3 - 891CE47D2EXAMPLE REST.GET.OBJECT materials/demo/stems_5.1.wav "GET /materials/demo/stems_5.1.wav?x-openlot-download=01a20604-4851-7f1c-bd81-0a326b4a9f97&X-Amz-Signature=cd HTTP/1.1" 206 - 9000 18000 55 9 "-" "curl/8.0" - Ex4mPl4 SigV4 - QueryString openlot-files.s3.eu-west-1.amazonaws.com TLSv1.3 - -
79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be openlot-files [06/Feb/2026:00:01:09 +0000] 192.0.2.9 - A1206F460EXAMPLE REST.GET.OBJECT materials/demo/script.txt "GET /materials/demo/script.txt?x-openlot-download=01a20604-0000-7000-8000-000000000001 HTTP/1.1" 403 AccessDenied 243 - 8 - "-" "curl/8.0" - Ex4mPl5 SigV4 - QueryString openlot-files.s3.eu-west-1.amazonaws.com TLSv1.3 - -
79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be openlot-files [06/Feb/2026:00:01:10 +0000] 192.0.2.3 - 7B4A0FABBEXAMPLE REST.PUT.OBJECT deliveries/x/file-01 "PUT /deliveries/x/file-01?partNumber=1 HTTP/1.1" 200 - - 5242880 80 20 "-" "Go-http-client" - Ex4mPl6 SigV4 - QueryString openlot-files.s3.eu-west-1.amazonaws.com TLSv1.3 - -
not a log line
`

func TestSentAddsUpTaggedGETs(t *testing.T) {
	// Ensures two ranged GETs of one tagged download add up to its bytes, while refused GETs, uploads and junk count nothing.
	recs, skipped, err := accesslog.Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4: %+v", len(recs), recs)
	}
	if skipped != 1 {
		t.Errorf("%d lines skipped, want 1", skipped)
	}
	if want := "materials/demo/stems_5.1.wav"; recs[0].Key != want {
		t.Errorf("record 0: key %q, want %q", recs[0].Key, want)
	}
	if recs[0].ObjectSize != 18000 {
		t.Errorf("record 0: object size %d, want 18000", recs[0].ObjectSize)
	}
	if recs[2].Status != 403 {
		t.Errorf("record 2: status %d, want 403", recs[2].Status)
	}
	sent := accesslog.Sent(recs, "x-openlot-download")
	if len(sent) != 1 {
		t.Errorf("sent for %d downloads, want 1: %v", len(sent), sent)
	}
	if got := sent["01a20604-4851-7f1c-bd81-0a326b4a9f97"]; got != 18000 {
		t.Errorf("sent %d bytes for the tagged download, want 18000", got)
	}
}
