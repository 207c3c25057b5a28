package httpapi_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"crypto/sha256"
	"encoding/hex"
	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/mailbox"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// addMaterial uploads body as studio-ops and adds it as the next version.
func (w *world) addMaterial(movie int64, assetType, variant string, body []byte) map[string]any {
	w.t.Helper()
	sum := sha256.Sum256(body)
	up := w.do("studio", "POST", "/v1/materials/uploads", map[string]any{"fileName": "stems_v.wav", "contentType": "audio/wav",
		"size": len(body), "sha256": hex.EncodeToString(sum[:])})
	if up.Status != 200 {
		w.t.Fatalf("upload URL: %d %s", up.Status, up.Body)
	}
	u := up.json(w.t)
	req, _ := http.NewRequest(u["method"].(string), u["url"].(string), bytes.NewReader(body))
	for k, v := range u["header"].(map[string]any) {
		req.Header.Set(k, v.(string))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatalf("upload: %v", err)
	}
	if res.StatusCode != 200 {
		w.t.Fatalf("upload: status %d, want 200", res.StatusCode)
	}
	res.Body.Close()
	name := map[string]string{"PROXY_VIDEO": "house_of_tides_proxy.mp4", "FINAL_PROXY": "house_of_tides_final.mp4"}[assetType]
	if name == "" {
		name = "stems.wav"
	}
	r := w.do("studio", "POST", "/v1/materials", map[string]any{"movieId": movie, "assetType": assetType, "variant": variant,
		"fileName": name, "sha256": hex.EncodeToString(sum[:]), "upload": u["upload"]})
	if r.Status != 201 {
		w.t.Fatalf("add material: %d %s", r.Status, r.Body)
	}
	return r.json(w.t)
}

// get fetches a signed URL with an optional Range header.
func get(t *testing.T, url, rng string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func assetType(t *testing.T, listing map[string]any, code string) map[string]any {
	t.Helper()
	for _, g := range listing["assetTypes"].([]any) {
		if g := g.(map[string]any); g["assetType"] == code {
			return g
		}
	}
	t.Fatalf("no asset type %s in %v", code, listing)
	return nil
}

func TestMaterialsVersionsAndTruthfulDownloads(t *testing.T) {
	// Ensures a partner lists a title's materials by asset type, downloads the newest version, sees "Downloaded" only once every byte was sent, and that a new version supersedes the old one and clears the label.
	w := mustWorld(t)
	stems := bytes.Repeat([]byte("stems-v1 "), 2000) // 18,000 bytes
	v1 := w.addMaterial(81000001, "AUDIO_STEMS", "", stems)
	if v1["id"] != "81000001.AUDIO_STEMS.v1" {
		t.Fatalf("added id = %v, want 81000001.AUDIO_STEMS.v1", v1["id"])
	}
	wantFields(t, "added", v1, map[string]any{"version": 1.0, "qc": "QC_PENDING", "newlyAdded": true})
	list := w.do("juniper", "GET", "/v1/materials?requests="+w.ids["jSub"], nil).json(t)
	if n := len(list["assetTypes"].([]any)); n != 8 {
		t.Errorf("%d asset types listed, want every one of 8: %v", n, list)
	}
	if list["total"] != 1.0 {
		t.Errorf("listing total = %v, want 1", list["total"])
	}
	if g := assetType(t, list, "SCRIPT"); g["count"] != 0.0 {
		t.Fatalf("an asset type without files: %v", g)
	}
	g := assetType(t, list, "AUDIO_STEMS")
	m := g["materials"].([]any)[0].(map[string]any)
	wantFields(t, "stems", g, map[string]any{"count": 1.0})
	wantFields(t, "stems material", m, map[string]any{"title": "House of Tides", "downloaded": nil})

	start := w.do("juniper", "POST", "/v1/materials/"+v1["id"].(string)+"/downloads", nil)
	if start.Status != 201 {
		t.Fatalf("start download: %d %s", start.Status, start.Body)
	}
	st := start.json(t)
	url := st["url"].(string)
	// Half the file: started, not downloaded.
	code, b := get(t, url, "bytes=0-8999")
	if code != 206 {
		t.Errorf("first half: status %d, want 206", code)
	}
	if !bytes.Equal(b, stems[:9000]) {
		t.Errorf("first half: got %d bytes, not bytes 0-8999 of the file", len(b))
	}
	hist := w.do("juniper", "GET", "/v1/materials/"+v1["id"].(string)+"/downloads?mine=true", nil).json(t)["downloads"].([]any)
	if len(hist) != 1 {
		t.Fatalf("after half the bytes: %d downloads, want 1: %v", len(hist), hist)
	}
	if state := hist[0].(map[string]any)["state"]; state != "STARTED" {
		t.Errorf("after half the bytes: state %v, want STARTED", state)
	}
	mine := w.do("juniper", "GET", "/v1/materials?requests="+w.ids["jSub"]+"&group=downloaded", nil).json(t)
	got := assetType(t, mine, "AUDIO_STEMS")["materials"].([]any)
	if len(got) != 1 {
		t.Fatalf("the downloaded group after half holds %d materials, want 1: %v", len(got), mine)
	}
	if state := got[0].(map[string]any)["downloaded"].(map[string]any)["state"]; state != "STARTED" {
		t.Errorf("the downloaded group after half: state %v, want STARTED", state)
	}
	// The rest, from where it stopped: now it is downloaded.
	code, b = get(t, url, "bytes=9000-")
	if code != 206 {
		t.Errorf("second half: status %d, want 206", code)
	}
	if !bytes.Equal(b, stems[9000:]) {
		t.Errorf("second half: got %d bytes, not bytes 9000- of the file", len(b))
	}
	hist = w.do("juniper", "GET", "/v1/materials/"+v1["id"].(string)+"/downloads", nil).json(t)["downloads"].([]any)
	wantFields(t, "after every byte: download", hist[0].(map[string]any), map[string]any{"state": "COMPLETED", "completedBy": "blob-server", "user": "fp-juniper", "version": 1.0})
	// A client that asks for several ranges in one request (a multipart
	// response) downloads them too: the ranges together make the file.
	again := w.do("juniper", "POST", "/v1/materials/"+v1["id"].(string)+"/downloads", nil).json(t)
	code, b = get(t, again["url"].(string), "bytes=0-4999,5000-11999,12000-")
	if code != 206 || !bytes.Contains(b, stems[5000:12000]) {
		t.Errorf("multi-range: status %d, %d bytes, want 206 with the middle range", code, len(b))
	}
	hist = w.do("juniper", "GET", "/v1/materials/"+v1["id"].(string)+"/downloads", nil).json(t)["downloads"].([]any)
	if len(hist) != 2 {
		t.Fatalf("after the multi-range download: %d downloads, want 2: %v", len(hist), hist)
	}
	for _, h := range hist {
		if h := h.(map[string]any); h["state"] != "COMPLETED" {
			t.Errorf("a download whose every byte went out in one multi-range response: %v, want COMPLETED", h)
		}
	}
	// Another partner's history does not show juniper's download.
	if other := w.do("lumen", "GET", "/v1/materials/"+v1["id"].(string)+"/downloads", nil); other.Status != 404 {
		t.Fatalf("lumen has no request of this title: %d %s", other.Status, other.Body)
	}

	// Version 2 supersedes version 1: only it may be downloaded, and the
	// label is gone until it is downloaded.
	w.clock.Add(8 * 24 * time.Hour)
	w.signIn()
	if g := assetType(t, w.do("juniper", "GET", "/v1/materials?requests="+w.ids["jSub"]+"&group=new", nil).json(t), "AUDIO_STEMS"); g["count"] != 0.0 {
		t.Fatalf("eight days later the stems are not new: %v", g)
	}
	stems2 := bytes.Repeat([]byte("stems-v2 "), 1000)
	v2 := w.addMaterial(81000001, "AUDIO_STEMS", "", stems2)
	g = assetType(t, w.do("juniper", "GET", "/v1/materials?requests="+w.ids["jSub"], nil).json(t), "AUDIO_STEMS")
	m = g["materials"].([]any)[0].(map[string]any)
	wantFields(t, "after version 2: stems", g, map[string]any{"count": 1.0})
	wantFields(t, "after version 2: stems material", m, map[string]any{"version": 2.0, "downloaded": nil, "newlyAdded": true})
	old := w.do("juniper", "POST", "/v1/materials/"+v1["id"].(string)+"/downloads", nil)
	if old.Status != 422 {
		t.Errorf("downloading a superseded version: status %d, want 422: %s", old.Status, old.Body)
	}
	if old.code() != "not_allowed" {
		t.Errorf("downloading a superseded version: code %q, want not_allowed", old.code())
	}
	if !strings.Contains(string(old.Body), v2["id"].(string)) {
		t.Errorf("downloading a superseded version: %s does not name the newest, %s", old.Body, v2["id"])
	}
	versions := w.do("juniper", "GET", "/v1/materials/"+v2["id"].(string)+"/history", nil).json(t)["versions"].([]any)
	if len(versions) != 2 {
		t.Fatalf("update history has %d versions, want 2: %v", len(versions), versions)
	}
	if v := versions[0].(map[string]any)["version"]; v != 2.0 {
		t.Errorf("update history starts with version %v, want 2", v)
	}

	// The client may report completion with the SHA-256 it computed.
	st = w.do("juniper", "POST", "/v1/materials/"+v2["id"].(string)+"/downloads", nil).json(t)
	id := st["download"].(map[string]any)["id"].(string)
	wrong := w.do("juniper", "POST", "/v1/downloads/"+id+"/complete", map[string]any{"sha256": strings.Repeat("0", 64)})
	if wrong.Status != 422 {
		t.Errorf("a wrong SHA-256: status %d, want 422: %s", wrong.Status, wrong.Body)
	}
	if wrong.code() != "checksum_mismatch" {
		t.Errorf("a wrong SHA-256: code %q, want checksum_mismatch", wrong.code())
	}
	if r := w.do("lumen", "POST", "/v1/downloads/"+id+"/complete", map[string]any{"sha256": v2["sha256"]}); r.Status != 404 {
		t.Fatalf("someone else's download: %d %s", r.Status, r.Body)
	}
	r := w.do("juniper", "POST", "/v1/downloads/"+id+"/complete", map[string]any{"sha256": strings.ToUpper(v2["sha256"].(string))})
	if r.Status != 200 {
		t.Fatalf("reported complete: status %d, want 200: %s", r.Status, r.Body)
	}
	wantFields(t, "reported complete:", r.json(t), map[string]any{"state": "COMPLETED", "completedBy": "client"})
}

func TestMaterialsRefuseBadInput(t *testing.T) {
	// Ensures bad material input answers a clear 4xx with a code and stores nothing.
	w := mustWorld(t)
	for _, c := range []struct {
		who, method, path string
		body              any
		status            int
		code              string
	}{
		{"juniper", "GET", "/v1/materials", nil, 400, "invalid"},
		{"juniper", "GET", "/v1/materials?requests=" + w.ids["jSub"] + "&group=everything", nil, 400, "invalid"},
		{"juniper", "GET", "/v1/materials?requests=" + w.ids["jSub"] + "&assetType=hologram", nil, 400, "invalid"},
		{"juniper", "GET", "/v1/materials?requests=nope", nil, 400, "invalid"},
		{"juniper", "POST", "/v1/materials/81000001.AUDIO_STEMS/downloads", nil, 400, "invalid"},
		{"juniper", "POST", "/v1/materials/81000001.AUDIO_STEMS.v9/downloads", nil, 404, "not_found"},
		{"juniper", "POST", "/v1/materials/uploads", map[string]any{"fileName": "a.wav", "size": 1, "sha256": strings.Repeat("a", 64)}, 403, "forbidden"},
		{"studio", "POST", "/v1/materials/uploads", map[string]any{"fileName": "../a.wav", "size": 1, "sha256": strings.Repeat("a", 64)}, 400, "invalid"},
		{"studio", "POST", "/v1/materials", map[string]any{"movieId": 81000001, "assetType": "SCRIPT", "fileName": "s.pdf",
			"sha256": strings.Repeat("a", 64), "upload": "materials/uploads/x/file"}, 400, "invalid"},
		{"studio", "POST", "/v1/materials", map[string]any{"movieId": 81000001, "assetType": "DELIVERY", "fileName": "s.pdf",
			"sha256": strings.Repeat("a", 64), "upload": "materials/uploads/x/file"}, 400, "invalid"},
		{"studio", "POST", "/v1/materials", map[string]any{"movieId": 99, "assetType": "SCRIPT", "fileName": "s.pdf",
			"sha256": strings.Repeat("a", 64), "upload": "../../etc/passwd"}, 400, "invalid"},
		{"juniper", "POST", "/v1/downloads/" + missingID + "/complete", map[string]any{"sha256": strings.Repeat("a", 64)}, 404, "not_found"},
	} {
		r := w.do(c.who, c.method, c.path, c.body)
		if r.Status != c.status {
			t.Errorf("%s %s %v: status %d, want %d: %s", c.method, c.path, c.body, r.Status, c.status, r.Body)
		}
		if c.code != "" && r.code() != c.code {
			t.Errorf("%s %s %v: code %q, want %q", c.method, c.path, c.body, r.code(), c.code)
		}
	}
	// A file whose SHA-256 is not the one given is not added.
	script := sha256.Sum256([]byte("script"))
	up := w.do("studio", "POST", "/v1/materials/uploads", map[string]any{"fileName": "s.pdf", "size": 6, "sha256": hex.EncodeToString(script[:])}).json(t)
	req, _ := http.NewRequest("PUT", up["url"].(string), strings.NewReader("script"))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if res.StatusCode != 200 {
		t.Fatalf("upload: status %d, want 200", res.StatusCode)
	}
	res.Body.Close()
	r := w.do("studio", "POST", "/v1/materials", map[string]any{"movieId": 81000001, "assetType": "SCRIPT", "fileName": "s.pdf",
		"sha256": strings.Repeat("a", 64), "upload": up["upload"]})
	if r.Status != 422 {
		t.Errorf("a wrong SHA-256: status %d, want 422: %s", r.Status, r.Body)
	}
	if r.code() != "checksum_mismatch" {
		t.Errorf("a wrong SHA-256: code %q, want checksum_mismatch", r.code())
	}
	if g := assetType(t, w.do("studio", "GET", "/v1/materials?requests="+w.ids["jSub"], nil).json(t), "SCRIPT"); g["count"] != 0.0 {
		t.Fatalf("a refused file became a material: %v", g)
	}
}

func TestMaterialTenancyMatrix(t *testing.T) {
	// Ensures every material route × role: a material of a title the caller has no request for answers exactly like a missing one (404), and someone else's download cannot be completed.
	w := mustWorld(t)
	north := w.addMaterial(81000001, "AUDIO_STEMS", "", []byte("north stems"))["id"].(string)
	aurora := w.addMaterial(81000002, "SCRIPT", "es", []byte("aurora script"))["id"].(string)
	missing := "81000001.SCRIPT.v7"
	routes := []route{
		{"GET", "/v1/materials/{id}/history", nil},
		{"POST", "/v1/materials/{id}/downloads", nil},
		{"GET", "/v1/materials/{id}/downloads", nil},
		{"GET", "/v1/materials/{id}/downloads?mine=true", nil},
		{"POST", "/v1/materials/{id}/qc", map[string]any{"qc": "READY_FOR_MIX"}},
		{"POST", "/v1/materials/{id}/pool/empty", nil},
	}
	lumenDownload := w.do("lumen", "POST", "/v1/materials/"+aurora+"/downloads", nil).json(t)["download"].(map[string]any)["id"].(string)
	cases := []struct {
		role, own string
		foreign   []string
	}{
		{"juniper", north, nil}, // juniper has requests of both titles (lToJ is subassigned to it)
		{"lumen", aurora, []string{north}},
		{"northstar", north, []string{aurora}},
		{"studio", aurora, nil},
		{"qc", north, nil},
	}
	for _, c := range cases {
		for _, rt := range routes {
			miss := w.do(c.role, rt.method, strings.Replace(rt.path, "{id}", missing, 1), rt.body)
			if miss.Status != 404 && miss.Status != 403 {
				t.Errorf("%s %s %s missing: %d %s", c.role, rt.method, rt.path, miss.Status, miss.Body)
			}
			for _, f := range c.foreign {
				got := w.do(c.role, rt.method, strings.Replace(rt.path, "{id}", f, 1), rt.body)
				if got.Status != miss.Status {
					t.Errorf("LEAK %s %s %s on %s: status %d, want the missing one's %d", c.role, rt.method, rt.path, f, got.Status, miss.Status)
				}
				if string(got.Body) != string(miss.Body) {
					t.Errorf("LEAK %s %s %s on %s: body %s, want the missing one's %s", c.role, rt.method, rt.path, f, got.Body, miss.Body)
				}
			}
			if own := w.do(c.role, rt.method, strings.Replace(rt.path, "{id}", c.own, 1), rt.body); own.Status == 404 {
				t.Errorf("%s %s %s on own %s: 404", c.role, rt.method, rt.path, c.own)
			}
		}
		if c.role != "lumen" {
			got := w.do(c.role, "POST", "/v1/downloads/"+lumenDownload+"/complete", map[string]any{"sha256": strings.Repeat("a", 64)})
			miss := w.do(c.role, "POST", "/v1/downloads/"+missingID+"/complete", map[string]any{"sha256": strings.Repeat("a", 64)})
			if got.Status != 404 {
				t.Errorf("LEAK %s completes lumen's download: status %d, want 404", c.role, got.Status)
			}
			if string(got.Body) != string(miss.Body) {
				t.Errorf("LEAK %s completes lumen's download: body %s, want the missing one's %s", c.role, got.Body, miss.Body)
			}
		}
	}
	// Bulk: juniper names a request of each title and gets both titles' materials, by asset type.
	bulk := w.do("juniper", "GET", "/v1/materials?requests="+w.ids["jSub"]+","+w.ids["lToJ"]+","+w.ids["jForced"], nil).json(t)
	if n := len(bulk["titles"].([]any)); n != 2 {
		t.Errorf("juniper's bulk listing has %d titles, want 2: %v", n, bulk)
	}
	if bulk["total"] != 2.0 {
		t.Errorf("juniper's bulk listing total = %v, want 2", bulk["total"])
	}
	if n := assetType(t, bulk, "AUDIO_STEMS")["count"]; n != 1.0 {
		t.Errorf("juniper's bulk listing AUDIO_STEMS count = %v, want 1", n)
	}
	if title := assetType(t, bulk, "SCRIPT")["materials"].([]any)[0].(map[string]any)["title"]; title != "Glass Harbor" {
		t.Errorf("juniper's bulk listing SCRIPT title = %v, want Glass Harbor", title)
	}
	if r := w.do("lumen", "GET", "/v1/materials?requests="+w.ids["lSub"]+","+w.ids["jSub"], nil); r.Status != 404 {
		t.Errorf("a bulk listing naming a foreign request: %d %s", r.Status, r.Body)
	}

	// Download history is per partner: lumen's two downloads of the aurora
	// script are lumen's to see, not juniper's (which has a request of that title too).
	if h := w.do("juniper", "GET", "/v1/materials/"+aurora+"/downloads", nil).json(t)["downloads"].([]any); len(h) != 0 {
		t.Errorf("juniper sees another partner's downloads: %v", h)
	}
	h := w.do("lumen", "GET", "/v1/materials/"+aurora+"/downloads", nil).json(t)["downloads"].([]any)
	if len(h) != 2 {
		t.Fatalf("lumen's history has %d downloads, want 2: %v", len(h), h)
	}
	for i := range 2 {
		if user := h[i].(map[string]any)["user"]; user != "fp-lumen" {
			t.Errorf("lumen's download %d user = %v, want fp-lumen", i, user)
		}
	}
}

// waitFor polls until ok or fails after a minute.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestProxiesFromThePoolThenMadeOnDemand(t *testing.T) {
	// Ensures partners get proxy videos with their own watermark: first from the pool made in advance, then, once the pool is empty, made on demand (PROCESSING, once however often asked), announced by mail, and carrying the recipient's code in the picture.
	fftest.Need(t)
	w := mustWorld(t, func(c *app.LocalConfig) { c.FlowsWithoutDelays, c.ProxyPool = true, 1 })
	src := fftest.Make(t, t.TempDir(), "tides", fftest.Spec{Seconds: 4, Width: 1280, Height: 720})
	body, err := os.ReadFile(src)
	must(t, err)
	proxy := w.addMaterial(81000001, "PROXY_VIDEO", "", body)["id"].(string)
	pooled := func() bool {
		list, err := w.srv.Store.ListProxies(t.Context(), proxy)
		return err == nil && len(list) == 1 && list[0].State == lot.ProxyPooled
	}
	waitFor(t, "the pool", pooled)

	// Juniper takes the pooled proxy: a URL at once, with its code recorded.
	st := w.do("juniper", "POST", "/v1/materials/"+proxy+"/downloads", nil)
	if st.Status != 201 {
		t.Fatalf("a proxy from the pool: %d %s", st.Status, st.Body)
	}
	d := st.json(t)["download"].(map[string]any)
	poolCode := d["code"].(string)
	if len(poolCode) != 8 {
		t.Errorf("the pooled proxy's code %q has %d characters, want 8", poolCode, len(poolCode))
	}
	if u := st.json(t)["url"].(string); !strings.Contains(u, poolCode) {
		t.Errorf("the pooled proxy's URL %s does not carry its code %s", u, poolCode)
	}
	// The pool is empty now: Northstar's ask starts one made on demand.
	first := w.do("northstar", "POST", "/v1/materials/"+proxy+"/downloads", nil)
	again := w.do("northstar", "POST", "/v1/materials/"+proxy+"/downloads", nil)
	if first.Status != 202 {
		t.Fatalf("an empty pool: status %d, want 202: %s", first.Status, first.Body)
	}
	if s := first.json(t)["status"]; s != "PROCESSING" {
		t.Errorf("an empty pool: status field %v, want PROCESSING", s)
	}
	px := first.json(t)["proxy"].(map[string]any)
	if again.Status != 202 && again.Status != 201 {
		t.Errorf("asked twice: status %d, want 202 or 201: %s", again.Status, again.Body)
	}
	if again.Status == 202 && again.json(t)["proxy"].(map[string]any)["id"] != px["id"] {
		t.Errorf("asked twice: proxy %v, want the first ask's %v", again.json(t)["proxy"].(map[string]any)["id"], px["id"])
	}
	if px["code"] == poolCode {
		t.Fatal("two recipients share a code")
	}
	var ready *mailbox.Message
	waitFor(t, "the ready mail", func() bool {
		list, _ := w.srv.Mailbox.List()
		for i, m := range list {
			if strings.Contains(m.To, "ops@northstar.example") && strings.Contains(m.Subject, "House of Tides") {
				ready = &list[i]
			}
		}
		return ready != nil
	})
	mailText, err := os.ReadFile(filepath.Join(w.srv.Mailbox.Dir, ready.File))
	must(t, err)
	if !strings.Contains(string(mailText), px["code"].(string)) {
		t.Fatalf("the mail does not name the code: %s", mailText)
	}
	if made, _ := w.srv.Store.ListProxies(t.Context(), proxy); len(made) != 2 {
		t.Fatalf("asking twice made %d proxies, want the pooled one and one more", len(made))
	}
	list := w.do("northstar", "GET", "/v1/materials?requests="+w.ids["jSub"], nil).json(t)
	if m := assetType(t, list, "PROXY_VIDEO")["materials"].([]any)[0].(map[string]any); m["downloaded"] != nil {
		t.Fatalf("ready but not yet downloaded: %v", m)
	}
	st = w.do("northstar", "POST", "/v1/materials/"+proxy+"/downloads", nil)
	if st.Status != 201 {
		t.Fatalf("the proxy made on demand: status %d, want 201: %s", st.Status, st.Body)
	}
	if c := st.json(t)["download"].(map[string]any)["code"]; c != px["code"] {
		t.Errorf("the proxy made on demand: code %v, want %v", c, px["code"])
	}
	code, file := get(t, st.json(t)["url"].(string), "")
	if code != 200 {
		t.Fatalf("download: %d", code)
	}
	out := filepath.Join(t.TempDir(), "proxy.mp4")
	must(t, os.WriteFile(out, file, 0o644))
	if ok, read := fftest.ShowsCode(t, out, px["code"].(string), 2, 1, 3); !ok {
		t.Fatalf("the code %s is not in the picture: %q", px["code"], read)
	}
	hist := w.do("northstar", "GET", "/v1/materials/"+proxy+"/downloads?mine=true", nil).json(t)["downloads"].([]any)
	wantFields(t, "the history: download", hist[0].(map[string]any), map[string]any{"state": "COMPLETED", "code": px["code"]})
	// A studio operator empties a pool; nobody's proxy is touched.
	if r := w.do("juniper", "POST", "/v1/materials/"+proxy+"/pool/empty", nil); r.Status != 403 {
		t.Fatalf("a partner empties the pool: %d %s", r.Status, r.Body)
	}
	r := w.do("studio", "POST", "/v1/materials/"+proxy+"/pool/empty", nil)
	if r.Status != 200 {
		t.Fatalf("empty an empty pool: status %d, want 200: %s", r.Status, r.Body)
	}
	if n := r.json(t)["removed"]; n != 0.0 {
		t.Errorf("empty an empty pool: removed %v, want 0", n)
	}
}

func TestMaterialsCarryTheirTechnicalMetadataAndPlay(t *testing.T) {
	// Ensures a media material added by a studio operator is listed (and in its update history) with what ffprobe read of it — duration, resolution, codec, frame rate, audio layout, language — that a video plays through a preview URL answering Range without counting as a download, and that a WAV has no picture to preview.
	fftest.Need(t)
	w := mustWorld(t)
	dir := t.TempDir()
	video, err := os.ReadFile(fftest.Make(t, dir, "final", fftest.Spec{Seconds: 3, Width: 1280, Height: 720, Rate: "24000/1001", Channels: 6, Language: "fra"}))
	must(t, err)
	wav, err := os.ReadFile(fftest.Make(t, dir, "pm", fftest.Spec{Seconds: 2, NoVideo: true}))
	must(t, err)
	final := w.addMaterial(81000001, "FINAL_PROXY", "", video)
	pm := w.addMaterial(81000001, "PRINTMASTER", "", wav)
	script := w.addMaterial(81000001, "SCRIPT", "", []byte("FINAL SCRIPT\n"))

	list := w.do("juniper", "GET", "/v1/materials?requests="+w.ids["jSub"], nil).json(t)
	media := assetType(t, list, "FINAL_PROXY")["materials"].([]any)[0].(map[string]any)["media"].(map[string]any)
	wantFields(t, "final proxy media", media, map[string]any{"videoCodec": "h264", "width": 1280.0, "height": 720.0})
	if d := media["durationS"].(float64); d < 2.9 || d > 3.1 {
		t.Errorf("final proxy duration %v s, want about 3", d)
	}
	if r := media["frameRate"].(float64); r < 23.97 || r > 23.98 {
		t.Errorf("final proxy frame rate %v, want 23.976", r)
	}
	audio := media["audio"].([]any)
	if len(audio) != 1 {
		t.Fatalf("final proxy has %d audio streams, want 1: %v", len(audio), media)
	}
	wantFields(t, "final proxy audio", audio[0].(map[string]any), map[string]any{"channels": 6.0, "language": "fra"})
	if l := audio[0].(map[string]any)["layout"]; !strings.HasPrefix(l.(string), "5.1") {
		t.Errorf("final proxy audio layout %v, want 5.1", l)
	}
	if langs := media["languages"].([]any); len(langs) != 1 || langs[0] != "fra" {
		t.Errorf("final proxy languages %v, want [fra]", langs)
	}
	pmMedia := assetType(t, list, "PRINTMASTER")["materials"].([]any)[0].(map[string]any)["media"].(map[string]any)
	if _, ok := pmMedia["videoCodec"]; ok {
		t.Errorf("a WAV has a video codec: %v", pmMedia)
	}
	if a := pmMedia["audio"].([]any); len(a) != 1 || a[0].(map[string]any)["channels"] != 2.0 {
		t.Errorf("the WAV's audio: %v, want one 2-channel stream", a)
	}
	if m := assetType(t, list, "SCRIPT")["materials"].([]any)[0].(map[string]any); m["media"] != nil {
		t.Errorf("a script has technical metadata: %v", m["media"])
	}
	hist := w.do("juniper", "GET", "/v1/materials/"+final["id"].(string)+"/history", nil).json(t)["versions"].([]any)
	if hist[0].(map[string]any)["media"] == nil {
		t.Errorf("the update history has no technical metadata: %v", hist[0])
	}

	r := w.do("juniper", "POST", "/v1/materials/"+final["id"].(string)+"/preview", nil)
	if r.Status != 200 {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	code, b := get(t, r.json(t)["url"].(string), "bytes=0-99")
	if code != 206 || !bytes.Equal(b, video[:100]) {
		t.Errorf("preview URL with Range: status %d, %d bytes; want 206 and the file's first 100 bytes", code, len(b))
	}
	if ds := w.do("juniper", "GET", "/v1/materials/"+final["id"].(string)+"/downloads", nil).json(t)["downloads"].([]any); len(ds) != 0 {
		t.Errorf("a preview was recorded as a download: %v", ds)
	}
	for _, id := range []string{pm["id"].(string), script["id"].(string)} {
		if r := w.do("juniper", "POST", "/v1/materials/"+id+"/preview", nil); r.Status != 400 || r.code() != "invalid" {
			t.Errorf("preview of %s: %d %s, want 400 invalid", id, r.Status, r.Body)
		}
	}
	if r := w.do("lumen", "POST", "/v1/materials/"+final["id"].(string)+"/preview", nil); r.Status != 404 {
		t.Errorf("preview by a partner without a request of the title: %d, want 404", r.Status)
	}
}

func TestQCLabelChangesAreInTheUpdateHistory(t *testing.T) {
	// Ensures each change of an audio material's QC label is in its update
	// history with who made it, when, and from what to what; setting the
	// label it already has records nothing.
	w := mustWorld(t)
	id := w.addMaterial(81000001, "AUDIO_STEMS", "", []byte("stems for the mix"))["id"].(string)
	for _, qc := range []string{"READY_FOR_MIX", "READY_FOR_MIX", "QC_PENDING"} {
		if r := w.do("qc", "POST", "/v1/materials/"+id+"/qc", map[string]any{"qc": qc}); r.Status != 200 {
			t.Fatalf("set QC %s: %d %s", qc, r.Status, r.Body)
		}
	}
	versions := w.do("juniper", "GET", "/v1/materials/"+id+"/history", nil).json(t)["versions"].([]any)
	changes, _ := versions[0].(map[string]any)["qcChanges"].([]any)
	var got []string
	for _, c := range changes {
		c := c.(map[string]any)
		got = append(got, fmt.Sprintf("%v→%v by %v", c["fromName"], c["toName"], c["by"]))
		if c["at"] == nil || c["at"] == "" {
			t.Errorf("a change without a time: %v", c)
		}
	}
	want := []string{"QC Pending→Ready for Mix by qc-ops", "Ready for Mix→QC Pending by qc-ops"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the update history's QC label changes: %q, want %q", got, want)
	}
}
