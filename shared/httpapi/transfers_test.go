package httpapi_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/lot"
)

type upload struct {
	w    *world
	who  string
	id   string
	data []byte
	ps   int
}

func (u *upload) part(n int) []byte {
	lo := (n - 1) * u.ps
	return u.data[lo:min(lo+u.ps, len(u.data))]
}

// send asks for part n's URL (bound to sum) and PUTs body to it.
func (u *upload) send(t *testing.T, n int, sum string, body []byte) int {
	t.Helper()
	r := u.w.do(u.who, "POST", "/v1/transfers/"+u.id+"/parts", map[string]any{"parts": []map[string]any{{"file": 0, "number": n, "sha256": sum}}})
	if r.Status != 200 {
		t.Fatalf("part URL %d: %d %s", n, r.Status, r.Body)
	}
	x := r.json(t)["urls"].([]any)[0].(map[string]any)
	hdr := map[string]string{}
	h, _ := x["header"].(map[string]any)
	for k, v := range h {
		hdr[k] = v.(string)
	}
	code, _, _ := blobtest.Do(t, lot.SignedURL{Method: x["method"].(string), URL: x["url"].(string), Header: hdr}, body)
	return code
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func start(t *testing.T, w *world, who, requestID string, data []byte, sum string) (*upload, resp) {
	t.Helper()
	r := w.do(who, "POST", "/v1/transfers", map[string]any{"method": "CLI", "transfers": []map[string]any{{
		"requestId": requestID, "files": []map[string]any{{"name": "House of Tides_es.ttml", "size": len(data), "sha256": sum,
			"contentType": "application/ttml+xml", "metadata": map[string]string{"subtitleFormat": "ttml", "frameRate": "24"}}}}}})
	if r.Status != 200 {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	res := r.json(t)["results"].([]any)[0].(map[string]any)
	if res["ok"] != true {
		return nil, r
	}
	tr := res["transfer"].(map[string]any)
	f := tr["files"].([]any)[0].(map[string]any)
	return &upload{w: w, who: who, id: tr["id"].(string), data: data, ps: int(f["partSize"].(float64))}, r
}

func TestDeliverResumeAndComplete(t *testing.T) {
	// Ensures a partner delivers a file in parts bound to their checksums and
	// lengths, resumes from what storage holds, cannot complete with a part
	// missing, and reaches Pending Inspection with a timeline; bad parts are
	// refused while the upload stays resumable.
	w := mustWorld(t)
	id := w.ids["jSub"]
	data := make([]byte, 20<<20+12345) // three parts of 8 MiB
	rand.Read(data)
	if r, _ := start(t, w, "juniper", id, data, hexSum(data)); r != nil {
		t.Fatalf("materials not received yet, yet a transfer started")
	}
	w.do("juniper", "POST", "/v1/requests/"+id+"/material-status", map[string]any{"materialStatus": "RECEIVED", "reason": "in"})
	u, r := start(t, w, "juniper", id, data, hexSum(data))
	if u == nil {
		t.Fatalf("start: %s", r.Body)
	}
	if u.ps != lot.MinTransferPart {
		t.Fatalf("part size %d", u.ps)
	}
	for _, n := range []int{3, 1} {
		if code := u.send(t, n, hexSum(u.part(n)), u.part(n)); code != 200 {
			t.Fatalf("part %d: %d", n, code)
		}
	}
	bad := append([]byte(nil), u.part(2)...)
	bad[0] ^= 1
	if code := u.send(t, 2, hexSum(u.part(2)), bad); code != 400 {
		t.Fatalf("corrupt part 2: %d, want 400", code)
	}
	if code := u.send(t, 2, "", append(u.part(2), 'x')); code == 200 {
		t.Fatal("a part longer than declared was stored")
	}
	if r := w.do("juniper", "POST", "/v1/transfers/"+u.id+"/parts", map[string]any{"parts": []map[string]any{{"file": 0, "number": 4}}}); r.Status != 400 {
		t.Fatalf("part 4 of 3: %d", r.Status)
	}
	tr := w.do("juniper", "GET", "/v1/transfers/"+u.id, nil).json(t)
	f := tr["files"].([]any)[0].(map[string]any)
	if tr["status"] != "UPLOADING" {
		t.Errorf("resume view: status %v, want UPLOADING", tr["status"])
	}
	if got := fmt.Sprint(f["received"]); got != "[1 3]" {
		t.Errorf("resume view: received %s, want [1 3]", got)
	}
	if got := fmt.Sprint(f["missing"]); got != "[2]" {
		t.Errorf("resume view: missing %s, want [2]", got)
	}
	r = w.do("juniper", "POST", "/v1/transfers/"+u.id+"/complete", nil)
	if r.Status != 409 {
		t.Errorf("complete with part 2 missing: status %d, want 409: %s", r.Status, r.Body)
	}
	if !strings.Contains(string(r.Body), "parts 2") {
		t.Errorf("complete with part 2 missing: %s does not name parts 2", r.Body)
	}
	if code := u.send(t, 2, hexSum(u.part(2)), u.part(2)); code != 200 {
		t.Fatalf("part 2: %d", code)
	}
	r = w.do("juniper", "POST", "/v1/transfers/"+u.id+"/complete", nil)
	done := r.json(t)
	if r.Status != 200 {
		t.Fatalf("complete: status %d, want 200: %s", r.Status, r.Body)
	}
	if done["status"] != "PENDING_INSPECTION" {
		t.Errorf("complete: status field %v, want PENDING_INSPECTION", done["status"])
	}
	if done["deliveredAt"] == nil {
		t.Errorf("complete: no deliveredAt: %s", r.Body)
	}
	var steps []string
	for _, e := range done["timeline"].([]any) {
		steps = append(steps, e.(map[string]any)["status"].(string))
	}
	if strings.Join(steps, ",") != "WAITING_FOR_UPLOAD,UPLOADING,PENDING_INSPECTION" {
		t.Fatalf("timeline %v", steps)
	}
	again := w.do("juniper", "POST", "/v1/transfers/"+u.id+"/complete", nil)
	if again.Status != 200 {
		t.Errorf("a second complete: status %d, want 200: %s", again.Status, again.Body)
	}
	if v := again.json(t)["version"]; v != done["version"] {
		t.Errorf("a second complete: version %v, want the first's %v", v, done["version"])
	}
	hist := w.do("juniper", "GET", "/v1/requests/"+id+"/history", nil).json(t)["entries"].([]any)
	last := hist[len(hist)-1].(map[string]any)
	wantFields(t, "history after delivery:", last, map[string]any{"action": "DELIVERED", "after": u.id})
	if c := fmt.Sprint(last["comment"]); !strings.Contains(c, "House of Tides_es.ttml") {
		t.Errorf("history after delivery: comment %q does not name House of Tides_es.ttml", c)
	}
	cards := w.do("northstar", "GET", "/v1/requests/"+id+"/transfers", nil).json(t)["transfers"].([]any)
	if len(cards) != 1 {
		t.Fatalf("%d transfer cards, want 1: %v", len(cards), cards)
	}
	card := cards[0].(map[string]any)
	if card["method"] != "CLI" {
		t.Errorf("card method = %v, want CLI", card["method"])
	}
	if sf := card["files"].([]any)[0].(map[string]any)["metadata"].(map[string]any)["subtitleFormat"]; sf != "TTML" {
		t.Errorf("card file subtitleFormat = %v, want TTML", sf)
	}
	// Tenancy: another partner sees no transfer and cannot deliver to juniper's request.
	if r := w.do("lumen", "GET", "/v1/transfers/"+u.id, nil); r.Status != 404 {
		t.Fatalf("lumen reads juniper's transfer: %d", r.Status)
	}
	if _, r := start(t, w, "juniper", w.ids["hAV"], data, hexSum(data)); !strings.Contains(string(r.Body), `"code":"not_found"`) {
		t.Fatalf("delivering to harbor's request: %s", r.Body)
	}
}

func TestDeliveryFailuresAreClear(t *testing.T) {
	// Ensures a whole-file checksum mismatch ends the transfer in Error with
	// a clear code, a newer delivery supersedes an unfinished one, and bad
	// metadata names the field.
	w := mustWorld(t)
	id := w.ids["jSub"]
	w.do("juniper", "POST", "/v1/requests/"+id+"/material-status", map[string]any{"materialStatus": "ACCEPTED", "reason": "ok"})
	data := []byte("1\n00:00:01,000 --> 00:00:02,000\nHola\n")
	u, _ := start(t, w, "juniper", id, data, hexSum([]byte("something else")))
	if code := u.send(t, 1, hexSum(data), data); code != 200 {
		t.Fatalf("part: %d", code)
	}
	r := w.do("juniper", "POST", "/v1/transfers/"+u.id+"/complete", nil)
	if r.Status != 422 {
		t.Errorf("mismatch: status %d, want 422: %s", r.Status, r.Body)
	}
	if r.code() != "checksum_mismatch" {
		t.Errorf("mismatch: code %q, want checksum_mismatch", r.code())
	}
	tr := w.do("juniper", "GET", "/v1/transfers/"+u.id, nil).json(t)
	wantFields(t, "after mismatch: transfer", tr, map[string]any{"status": "ERROR", "errorCode": "checksum_mismatch"})
	first, _ := start(t, w, "juniper", id, data, hexSum(data))
	second, _ := start(t, w, "juniper", id, data, hexSum(data))
	if tr := w.do("juniper", "GET", "/v1/transfers/"+first.id, nil).json(t); tr["status"] != "SUPERSEDED" {
		t.Fatalf("the earlier upload is %v", tr["status"])
	}
	r = w.do("juniper", "POST", "/v1/transfers/"+first.id+"/parts", map[string]any{"parts": []map[string]any{{"file": 0, "number": 1}}})
	if r.Status != 422 {
		t.Errorf("a superseded transfer's parts: status %d, want 422: %s", r.Status, r.Body)
	}
	if r.code() != "not_allowed" {
		t.Errorf("a superseded transfer's parts: code %q, want not_allowed", r.code())
	}
	r = w.do("juniper", "POST", "/v1/transfers/"+second.id+"/abort", nil)
	if r.Status != 200 {
		t.Errorf("abort: status %d, want 200: %s", r.Status, r.Body)
	}
	if s := r.json(t)["status"]; s != "ABORTED" {
		t.Errorf("abort: status field %v, want ABORTED", s)
	}
	r = w.do("juniper", "POST", "/v1/transfers", map[string]any{"transfers": []map[string]any{{"requestId": id, "files": []map[string]any{
		{"name": "a.srt", "size": 10, "sha256": hexSum(data), "metadata": map[string]string{"subtitleFormat": "SRT"}}}}}})
	res := r.json(t)["results"].([]any)[0].(map[string]any)
	if res["code"] != "invalid_metadata" {
		t.Errorf("missing frame rate: code %v, want invalid_metadata", res["code"])
	}
	if msg, _ := res["message"].(string); !strings.Contains(msg, "frameRate") {
		t.Errorf("missing frame rate: message %q does not name frameRate", msg)
	}
	forms := w.do("juniper", "GET", "/v1/source-types", nil).json(t)["sourceTypes"].([]any)
	if len(forms) != len(lot.SourceTypes) {
		t.Fatalf("%d forms", len(forms))
	}
	if r := w.do("northstar", "POST", "/v1/transfers", map[string]any{"transfers": []map[string]any{{"requestId": id, "files": []map[string]any{}}}}); r.Status != http.StatusForbidden {
		t.Fatalf("a content partner delivering: %d", r.Status)
	}
}

func TestBadFilesAreRefusedBeforeAnyUpload(t *testing.T) {
	// Ensures the API refuses names with paths, NUL or control characters,
	// 1 KB names, Unicode twins, empty and 5 TiB files, and several files to
	// a one-file source type, each with a clear code and no transfer made.
	w := mustWorld(t)
	id := w.ids["jSub"]
	w.do("juniper", "POST", "/v1/requests/"+id+"/material-status", map[string]any{"materialStatus": "ACCEPTED", "reason": "ok"})
	sum := hexSum([]byte("x"))
	meta := map[string]string{"subtitleFormat": "SRT", "frameRate": "24"}
	file := func(name string, size int64) map[string]any {
		return map[string]any{"name": name, "size": size, "sha256": sum, "metadata": meta}
	}
	cases := map[string][]map[string]any{
		"invalid":      {file("../../etc/passwd.srt", 10)},
		"invalid ":     {file("a\x00b.srt", 10)},
		"invalid  ":    {file("bell\a.srt", 10)},
		"invalid   ":   {file(strings.Repeat("n", 1000)+".srt", 10)},
		"invalid    ":  {file("empty.srt", 0)},
		"too_large":    {file("huge.srt", 5<<40)},
		"invalid     ": {file("Caf\u00e9.srt", 10), file("Cafe\u0301.srt", 10)},
	}
	for want, files := range cases {
		r := w.do("juniper", "POST", "/v1/transfers", map[string]any{"transfers": []map[string]any{{"requestId": id, "files": files}}})
		res := r.json(t)["results"].([]any)[0].(map[string]any)
		wantFields(t, fmt.Sprintf("%q: result", files[0]["name"]), res, map[string]any{"ok": false, "code": strings.TrimSpace(want)})
	}
	if cards := w.do("juniper", "GET", "/v1/requests/"+id+"/transfers", nil).json(t)["transfers"].([]any); len(cards) != 0 {
		t.Fatalf("refused files made %d transfers", len(cards))
	}
}
