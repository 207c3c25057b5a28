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
	if tr["status"] != "UPLOADING" || fmt.Sprint(f["received"]) != "[1 3]" || fmt.Sprint(f["missing"]) != "[2]" {
		t.Fatalf("resume view: %v %v %v", tr["status"], f["received"], f["missing"])
	}
	if r := w.do("juniper", "POST", "/v1/transfers/"+u.id+"/complete", nil); r.Status != 409 || !strings.Contains(string(r.Body), "parts 2") {
		t.Fatalf("complete with part 2 missing: %d %s", r.Status, r.Body)
	}
	if code := u.send(t, 2, hexSum(u.part(2)), u.part(2)); code != 200 {
		t.Fatalf("part 2: %d", code)
	}
	r = w.do("juniper", "POST", "/v1/transfers/"+u.id+"/complete", nil)
	done := r.json(t)
	if r.Status != 200 || done["status"] != "PENDING_INSPECTION" || done["deliveredAt"] == nil {
		t.Fatalf("complete: %d %s", r.Status, r.Body)
	}
	var steps []string
	for _, e := range done["timeline"].([]any) {
		steps = append(steps, e.(map[string]any)["status"].(string))
	}
	if strings.Join(steps, ",") != "WAITING_FOR_UPLOAD,UPLOADING,PENDING_INSPECTION" {
		t.Fatalf("timeline %v", steps)
	}
	if again := w.do("juniper", "POST", "/v1/transfers/"+u.id+"/complete", nil); again.Status != 200 || again.json(t)["version"] != done["version"] {
		t.Fatalf("a second complete: %d %s", again.Status, again.Body)
	}
	hist := w.do("juniper", "GET", "/v1/requests/"+id+"/history", nil).json(t)["entries"].([]any)
	last := hist[len(hist)-1].(map[string]any)
	if last["action"] != "DELIVERED" || last["after"] != u.id || !strings.Contains(fmt.Sprint(last["comment"]), "House of Tides_es.ttml") {
		t.Fatalf("history after delivery: %v", last)
	}
	cards := w.do("northstar", "GET", "/v1/requests/"+id+"/transfers", nil).json(t)["transfers"].([]any)
	if len(cards) != 1 || cards[0].(map[string]any)["method"] != "CLI" || cards[0].(map[string]any)["files"].([]any)[0].(map[string]any)["metadata"].(map[string]any)["subtitleFormat"] != "TTML" {
		t.Fatalf("cards %v", cards)
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
	if r.Status != 422 || r.code() != "checksum_mismatch" {
		t.Fatalf("mismatch: %d %s", r.Status, r.Body)
	}
	if tr := w.do("juniper", "GET", "/v1/transfers/"+u.id, nil).json(t); tr["status"] != "ERROR" || tr["errorCode"] != "checksum_mismatch" {
		t.Fatalf("after mismatch: %v", tr)
	}
	first, _ := start(t, w, "juniper", id, data, hexSum(data))
	second, _ := start(t, w, "juniper", id, data, hexSum(data))
	if tr := w.do("juniper", "GET", "/v1/transfers/"+first.id, nil).json(t); tr["status"] != "SUPERSEDED" {
		t.Fatalf("the earlier upload is %v", tr["status"])
	}
	if r := w.do("juniper", "POST", "/v1/transfers/"+first.id+"/parts", map[string]any{"parts": []map[string]any{{"file": 0, "number": 1}}}); r.Status != 422 || r.code() != "not_allowed" {
		t.Fatalf("a superseded transfer handed out a part URL: %d %s", r.Status, r.Body)
	}
	if r := w.do("juniper", "POST", "/v1/transfers/"+second.id+"/abort", nil); r.Status != 200 || r.json(t)["status"] != "ABORTED" {
		t.Fatalf("abort: %d %s", r.Status, r.Body)
	}
	r = w.do("juniper", "POST", "/v1/transfers", map[string]any{"transfers": []map[string]any{{"requestId": id, "files": []map[string]any{
		{"name": "a.srt", "size": 10, "sha256": hexSum(data), "metadata": map[string]string{"subtitleFormat": "SRT"}}}}}})
	res := r.json(t)["results"].([]any)[0].(map[string]any)
	if res["code"] != "invalid_metadata" || !strings.Contains(res["message"].(string), "frameRate") {
		t.Fatalf("missing frame rate: %v", res)
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
		if res["ok"] != false || res["code"] != strings.TrimSpace(want) {
			t.Errorf("%v: %v", files[0]["name"], res)
		}
	}
	if cards := w.do("juniper", "GET", "/v1/requests/"+id+"/transfers", nil).json(t)["transfers"].([]any); len(cards) != 0 {
		t.Fatalf("refused files made %d transfers", len(cards))
	}
}
