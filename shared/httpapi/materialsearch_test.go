package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/lot"
)

// searchIDs runs a materials search as who and returns the IDs found and the next cursor.
func (w *world) searchIDs(who, query string) ([]string, string) {
	w.t.Helper()
	r := w.do(who, "GET", "/v1/materials/search?"+query, nil)
	if r.Status != 200 {
		w.t.Fatalf("%s searches %q: %d %s", who, query, r.Status, r.Body)
	}
	var body struct {
		Materials []struct{ ID string }
		Next      string
	}
	must(w.t, json.Unmarshal(r.Body, &body))
	ids := []string{}
	for _, m := range body.Materials {
		ids = append(ids, m.ID)
	}
	return ids, body.Next
}

// manifest asks who's manifest of ids and returns its entries.
func (w *world) manifest(who string, ids ...string) []map[string]any {
	w.t.Helper()
	r := w.do(who, "POST", "/v1/materials/manifest", map[string]any{"ids": ids})
	if r.Status != 200 {
		w.t.Fatalf("%s asks a manifest of %v: %d %s", who, ids, r.Status, r.Body)
	}
	var out []map[string]any
	for _, e := range r.json(w.t)["entries"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestMaterialSearchAcrossTitles(t *testing.T) {
	// Ensures a materials search finds the newest version of each slot across every title the caller may see and no other (not by movie, request or package ID either), filters by asset type, language, movie, request, package, newly added and updated since, and pages in a stable order with a cursor that survives a new version.
	w := mustWorld(t)
	nStems := w.addMaterial(81000001, "AUDIO_STEMS", "", []byte("north stems"))["id"].(string)
	w.addMaterial(81000001, "SUBTITLE", "es", []byte("north es v1"))
	nSubFr := w.addMaterial(81000001, "SUBTITLE", "fr", []byte("north fr"))["id"].(string)
	nScript := w.addMaterial(81000001, "SCRIPT", "es", []byte("north script"))["id"].(string)
	aSub := w.addMaterial(81000002, "SUBTITLE", "es-419", []byte("aurora es-419"))["id"].(string)
	w.clock.Add(8 * 24 * time.Hour)
	w.signIn()
	since := w.clock.Now()
	nSubEs := w.addMaterial(81000001, "SUBTITLE", "es", []byte("north es v2"))["id"].(string)
	aScript := w.addMaterial(81000002, "SCRIPT", "es", []byte("aurora script"))["id"].(string)
	if nSubEs != "81000001.SUBTITLE.es.v2" {
		t.Fatalf("the second Spanish subtitle is %s, want version 2", nSubEs)
	}
	north := []string{nStems, nSubEs, nSubFr, nScript}
	aurora := []string{aSub, aScript}
	all := append(append([]string{}, north...), aurora...)

	for _, c := range []struct {
		who, query string
		want       []string
	}{
		// Tenancy: juniper has requests of both titles (lToJ is subassigned
		// to it), lumen of aurora only, northstar owns north.
		{"juniper", "", all},
		{"studio", "", all},
		{"lumen", "", aurora},
		{"northstar", "", north},
		{"lumen", "movieId=81000001", nil},
		{"lumen", "movieId=81000001,81000002", aurora},
		{"lumen", "requestId=" + w.ids["jSub"], nil},
		{"lumen", "requestId=" + missingID, nil},
		{"lumen", "packageId=700001", nil},
		{"lumen", "assetType=AUDIO_STEMS", nil},
		// Filters: codes or names, values OR-ed, modifiers AND-ed.
		{"juniper", "assetType=Subtitle", []string{nSubEs, nSubFr, aSub}},
		{"juniper", "assetType=subtitle,SCRIPT&movieId=81000002", aurora},
		{"juniper", "language=es", []string{nSubEs, nScript, aSub, aScript}},
		{"juniper", "language=es-419", []string{aSub}},
		{"juniper", "language=Spanish,fr&assetType=SUBTITLE", []string{nSubEs, nSubFr, aSub}},
		{"juniper", "requestId=" + w.ids["lToJ"], aurora},
		{"juniper", "requestId=" + w.ids["jSub"] + "," + w.ids["lToJ"], all},
		{"juniper", "packageId=700001", north},
		{"juniper", "newlyAdded=true", []string{nSubEs, aScript}},
		{"juniper", "updatedSince=" + url.QueryEscape(since.Format(time.RFC3339)), []string{nSubEs, aScript}},
		{"juniper", "updatedSince=" + url.QueryEscape(since.Add(time.Second).Format(time.RFC3339)), nil},
		{"juniper", "updatedSince=" + url.QueryEscape(since.Add(-time.Hour).In(time.FixedZone("", 2*3600)).Format(time.RFC3339)), []string{nSubEs, aScript}},
	} {
		got, next := w.searchIDs(c.who, c.query)
		if fmt.Sprint(got) != fmt.Sprint(c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s searches %q: %v, want %v", c.who, c.query, got, c.want)
		}
		if next != "" {
			t.Errorf("%s searches %q: next %q on the only page", c.who, c.query, next)
		}
	}
	// A foreign request answers exactly as a missing one does.
	foreign := w.do("lumen", "GET", "/v1/materials/search?requestId="+w.ids["jSub"], nil)
	missing := w.do("lumen", "GET", "/v1/materials/search?requestId="+missingID, nil)
	if foreign.Status != missing.Status || string(foreign.Body) != string(missing.Body) {
		t.Errorf("LEAK: lumen naming juniper's request: %d %s, a missing one: %d %s", foreign.Status, foreign.Body, missing.Status, missing.Body)
	}
	// What a search lists is what the materials page shows: title, labels.
	m := w.do("juniper", "GET", "/v1/materials/search?movieId=81000002&assetType=SCRIPT", nil).json(t)["materials"].([]any)[0].(map[string]any)
	wantFields(t, "aurora script", m, map[string]any{"title": "Glass Harbor", "assetType": "SCRIPT", "assetTypeName": "Script",
		"variant": "es", "version": 1.0, "sha256": sha([]byte("aurora script")), "newlyAdded": true, "downloaded": nil})

	// Paging: pages of two make the whole list, in the same order, and a
	// new version of the last material of a page moves nothing.
	var paged []string
	cursor := ""
	for page := 0; ; page++ {
		q := "limit=2"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		got, next := w.searchIDs("juniper", q)
		if len(got) > 2 {
			t.Fatalf("page %d holds %d materials, want at most 2", page, len(got))
		}
		paged = append(paged, got...)
		if page == 0 {
			if next != nSubEs {
				t.Fatalf("the first page's next = %q, want the ID of its last material %s", next, nSubEs)
			}
			w.addMaterial(81000001, "SUBTITLE", "es", []byte("north es v3"))
		}
		if cursor = next; cursor == "" {
			break
		}
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	if fmt.Sprint(paged) != fmt.Sprint(all) {
		t.Errorf("pages of 2 make %v, want %v", paged, all)
	}
	if got, next := w.searchIDs("juniper", "limit=6"); len(got) != 6 || next != "" {
		t.Errorf("a page exactly as long as the list: %d materials and next %q, want 6 and none", len(got), next)
	}
	if got, _ := w.searchIDs("juniper", "assetType=SUBTITLE&language=es&movieId=81000001"); fmt.Sprint(got) != "[81000001.SUBTITLE.es.v3]" {
		t.Errorf("after version 3: %v, want only version 3", got)
	}
}

func TestMaterialSearchRefusesBadInput(t *testing.T) {
	// Ensures every malformed modifier of a materials search answers 400 invalid with a message naming what it takes.
	w := mustWorld(t)
	for _, c := range []struct {
		query, says string
	}{
		{"assetType=hologram", "FINAL_PROXY, PROXY_VIDEO"},
		{"assetType=SCRIPT,hologram", "SUBTITLE, SCRIPT, DELIVERY"},
		{"language=Klingon", "BCP 47"},
		{"movieId=81000001,abc", "movie ID"},
		{"packageId=-1", "package ID"},
		{"requestId=nope", "not an openlot ID"},
		{"updatedSince=yesterday", "RFC 3339"},
		{"updatedSince=2026-11-20", "RFC 3339"},
		{"cursor=not-a-material", "cursor"},
		{"limit=0", "limit"},
		{"limit=201", "limit"},
		{"newlyAdded=perhaps", "newlyAdded"},
	} {
		r := w.do("juniper", "GET", "/v1/materials/search?"+c.query, nil)
		if r.Status != 400 || r.code() != "invalid" {
			t.Errorf("%s: %d %s, want 400 invalid", c.query, r.Status, r.Body)
			continue
		}
		if msg := r.json(t)["message"].(string); !strings.Contains(msg, c.says) {
			t.Errorf("%s: message %q does not say %q", c.query, msg, c.says)
		}
	}
	if r := w.do("", "GET", "/v1/materials/search", nil); r.Status != 401 {
		t.Errorf("a search without a token: %d, want 401", r.Status)
	}
}

func TestMaterialManifest(t *testing.T) {
	// Ensures a manifest answers each material once, in order: READY with name, size, SHA-256 and a signed URL whose bytes have that SHA-256, recorded as the caller's download; superseded, malformed and missing IDs fail alone with their codes; another facility's material answers exactly as a missing one and records nothing.
	w := mustWorld(t)
	stemsBody := []byte(strings.Repeat("north stems ", 500))
	stems := w.addMaterial(81000001, "AUDIO_STEMS", "", stemsBody)["id"].(string)
	scriptBody := []byte("aurora script")
	script := w.addMaterial(81000002, "SCRIPT", "es", scriptBody)["id"].(string)
	old := w.addMaterial(81000001, "SUBTITLE", "es", []byte("es v1"))["id"].(string)
	newest := w.addMaterial(81000001, "SUBTITLE", "es", []byte("es v2"))["id"].(string)
	const missing = "81000001.SCRIPT.v7"

	entries := w.manifest("juniper", stems, script, old, missing, "garbage", stems)
	if len(entries) != 5 {
		t.Fatalf("%d entries for 5 distinct IDs (one asked twice): %v", len(entries), entries)
	}
	for i, want := range []map[string]any{
		{"materialId": stems, "status": "READY", "movieId": 81000001.0, "title": "House of Tides", "assetType": "AUDIO_STEMS",
			"version": 1.0, "fileName": "stems.wav", "size": float64(len(stemsBody)), "sha256": sha(stemsBody), "method": "GET"},
		{"materialId": script, "status": "READY", "movieId": 81000002.0, "title": "Glass Harbor", "assetType": "SCRIPT",
			"variant": "es", "size": float64(len(scriptBody)), "sha256": sha(scriptBody)},
		{"materialId": old, "status": "ERROR", "code": "not_allowed", "url": nil, "sha256": nil},
		{"materialId": missing, "status": "ERROR", "code": "not_found", "url": nil},
		{"materialId": "garbage", "status": "ERROR", "code": "invalid", "url": nil},
	} {
		wantFields(t, fmt.Sprintf("entry %d", i), entries[i], want)
	}
	if msg, _ := entries[2]["message"].(string); !strings.Contains(msg, newest) {
		t.Errorf("the superseded entry's message %q does not name the newest version %s", msg, newest)
	}
	// The bytes behind each URL are the ones the manifest describes, and the
	// download history says so.
	for _, e := range entries[:2] {
		code, body := get(t, e["url"].(string), "")
		if code != 200 {
			t.Fatalf("GET %s's URL: %d", e["materialId"], code)
		}
		if sha(body) != e["sha256"] || float64(len(body)) != e["size"] {
			t.Errorf("%s: downloaded %d bytes with SHA-256 %s, the manifest says %v bytes, %v", e["materialId"], len(body), sha(body), e["size"], e["sha256"])
		}
		if exp, err := time.Parse(time.RFC3339, e["expires"].(string)); err != nil || !exp.After(w.clock.Now()) {
			t.Errorf("%s: expires %v, want a time after now", e["materialId"], e["expires"])
		}
		hist := w.do("juniper", "GET", "/v1/materials/"+e["materialId"].(string)+"/downloads?mine=true", nil).json(t)["downloads"].([]any)
		if len(hist) != 1 {
			t.Fatalf("%s: %d downloads in the history after one manifest, want 1: %v", e["materialId"], len(hist), hist)
		}
		wantFields(t, "the manifest's download", hist[0].(map[string]any), map[string]any{"id": e["download"], "state": "COMPLETED", "user": "fp-juniper"})
	}
	// Another facility's material reads as a missing one, entry for entry,
	// and hands out nothing.
	foreign := w.manifest("lumen", stems, missing)
	delete(foreign[0], "materialId")
	delete(foreign[1], "materialId")
	if fmt.Sprint(foreign[0]) != fmt.Sprint(foreign[1]) {
		t.Errorf("LEAK: lumen's entry for north stems %v, for a missing material %v", foreign[0], foreign[1])
	}
	if foreign[0]["code"] != "not_found" {
		t.Errorf("lumen's entry for north stems: code %v, want not_found", foreign[0]["code"])
	}
	if ds, err := w.srv.Store.ListDownloads(t.Context(), 81000001, "lumen"); err != nil || len(ds) != 0 {
		t.Errorf("lumen's refused manifest recorded downloads: %v %v", ds, err)
	}
	// The manifest itself refuses what it cannot answer.
	tooMany := make([]string, 101)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("81000001.SCRIPT.v%d", i+1)
	}
	for _, c := range []struct {
		body   any
		status int
		code   string
	}{
		{map[string]any{"ids": []string{}}, 400, "invalid"},
		{map[string]any{}, 400, "invalid"},
		{"not json", 400, "invalid"},
		{map[string]any{"ids": tooMany}, 413, "too_large"},
	} {
		if r := w.do("juniper", "POST", "/v1/materials/manifest", c.body); r.Status != c.status || r.code() != c.code {
			t.Errorf("manifest of %v: %d %s, want %d %s", c.body, r.Status, r.Body, c.status, c.code)
		}
	}
}

func TestManifestAndSearchNeverHandOutAnUnwatermarkedProxy(t *testing.T) {
	// Ensures a partner's manifest of a proxy video hands out its own watermarked proxy (a SHA-256 and bytes that are not the source's), lists one not made yet as PROCESSING without a URL, and that the search shows it being made.
	fftest.Need(t)
	w := mustWorld(t, func(c *app.LocalConfig) { c.FlowsWithoutDelays, c.ProxyPool = true, 1 })
	src, err := os.ReadFile(fftest.Make(t, t.TempDir(), "harbor", fftest.Spec{Seconds: 2, Width: 640, Height: 360}))
	must(t, err)
	proxy := w.addMaterial(81000002, "PROXY_VIDEO", "", src)["id"].(string)
	waitFor(t, "the pool", func() bool {
		list, err := w.srv.Store.ListProxies(t.Context(), proxy)
		return err == nil && len(list) == 1 && list[0].State == lot.ProxyPooled
	})
	// Juniper takes the pooled proxy.
	e := w.manifest("juniper", proxy)[0]
	if e["status"] != "READY" {
		t.Fatalf("juniper's manifest of the proxy video: %v, want READY", e)
	}
	if e["sha256"] == sha(src) {
		t.Fatal("the manifest hands a partner the unwatermarked source")
	}
	code, body := get(t, e["url"].(string), "")
	if code != 200 || sha(body) != e["sha256"] || sha(body) == sha(src) {
		t.Fatalf("juniper's proxy: %d, %d bytes with SHA-256 %s; want the manifest's %v, not the source's", code, len(body), sha(body), e["sha256"])
	}
	// Lumen's is made on demand: listed with its state, nothing to fetch yet.
	e = w.manifest("lumen", proxy)[0]
	wantFields(t, "lumen's entry while its proxy is made", e, map[string]any{"status": "PROCESSING", "url": nil, "sha256": nil, "size": nil})
	if px, _ := e["proxy"].(map[string]any); px == nil || px["state"] != "PROCESSING" {
		t.Errorf("lumen's entry while its proxy is made: proxy %v, want PROCESSING", e["proxy"])
	}
	m := w.do("lumen", "GET", "/v1/materials/search?assetType=Proxy%20Video", nil).json(t)["materials"].([]any)[0].(map[string]any)
	if d, _ := m["downloaded"].(map[string]any); d == nil || d["state"] != "PROCESSING" || m["watermarked"] != true {
		t.Errorf("lumen's search while its proxy is made: %v, want watermarked and PROCESSING", m)
	}
	waitFor(t, "lumen's proxy", func() bool {
		e = w.manifest("lumen", proxy)[0]
		return e["status"] == "READY"
	})
	code, body = get(t, e["url"].(string), "")
	if code != 200 || sha(body) != e["sha256"] || sha(body) == sha(src) {
		t.Fatalf("lumen's proxy: %d, SHA-256 %s; want the manifest's %v, not the source's", code, sha(body), e["sha256"])
	}
	px, _ := e["proxy"].(map[string]any)
	if px == nil || px["state"] != "READY" || px["code"] == "" || !strings.Contains(e["fileName"].(string), px["code"].(string)) {
		t.Errorf("lumen's ready proxy: file name %v, proxy %v; want READY with a code the file name carries", e["fileName"], px)
	}
}
