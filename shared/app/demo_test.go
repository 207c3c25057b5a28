package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/lot"
)

var demoToday = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

// logLines keeps a server's log, one JSON line a record, and calls each
// line's hook as it is written.
type logLines struct {
	mu    sync.Mutex
	lines []string
	hook  func(line string)
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, line := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		l.lines = append(l.lines, line)
		if l.hook != nil {
			l.hook(line)
		}
	}
	return len(p), nil
}

// find returns the lines with msg (JSON-decoded).
func (l *logLines) find(msg string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range l.lines {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// openDemo starts the demo with its materials in dir, logging to log.
func openDemo(t *testing.T, ctx context.Context, dir string, log *logLines) (*app.Local, error) {
	t.Helper()
	l := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: dir, Demo: true, DemoMaterials: true, ProxyPool: -1,
		FlowsWithoutDelays: true, DigestEvery: -1, Clock: lot.ClockFunc(func() time.Time { return demoToday }),
		Log: slog.New(slog.NewJSONHandler(log, nil))})
	return l, l.Open(ctx)
}

// caller calls the API of l with a token for p.
func caller(t *testing.T, l *app.Local, p lot.Principal) func(method, path string, out any) int {
	tok, _, err := l.Issuer.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	return func(method, path string, out any) int {
		t.Helper()
		req, _ := http.NewRequest(method, l.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if out != nil && json.Unmarshal(b, out) != nil {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		return res.StatusCode
	}
}

var (
	juniper = lot.Principal{Subject: "fp-juniper", Name: "Juniper Post (robot)", Role: lot.RoleFP, Partner: "juniper"}
	studio  = lot.Principal{Subject: "studio-ops", Name: "Studio Operations", Role: lot.RoleStudio}
)

type materialsJSON struct {
	AssetTypes []struct {
		AssetType string
		Materials []struct {
			ID, FileName, SHA256, Note string
			Size                       int64
			Version                    int
		}
	}
}

// earlierDelivery downloads, as a partner through the API, the earlier
// delivery of request id's title that its transfer tr made of its file
// (the newest version of that file's slot), and checks its bytes against
// the declared size and SHA-256.
func earlierDelivery(t *testing.T, api func(string, string, any) int, id string, tr *lot.Transfer) {
	t.Helper()
	var m materialsJSON
	if code := api("GET", "/v1/materials?requests="+id+"&assetType=DELIVERY", &m); code != 200 {
		t.Fatalf("materials of %s: %d", id, code)
	}
	found := 0
	for _, g := range m.AssetTypes {
		for _, x := range g.Materials {
			if g.AssetType != "DELIVERY" || !strings.Contains(x.Note, "for request "+id) {
				continue
			}
			i := -1
			for j, f := range tr.Files {
				if f.Name == x.FileName {
					i = j
				}
			}
			if i < 0 {
				continue
			}
			found++
			f := tr.Files[i]
			if x.SHA256 != f.SHA256 || x.Size != f.Size {
				t.Errorf("earlier delivery %s: %d bytes of %s; the delivery declares %d bytes of %s", x.ID, x.Size, x.SHA256, f.Size, f.SHA256)
			}
			var start struct {
				Status, Method, URL string
				Header              map[string]string
			}
			if code := api("POST", "/v1/materials/"+x.ID+"/downloads", &start); code != 201 || start.Status != "READY" {
				t.Fatalf("download of %s: %d %s", x.ID, code, start.Status)
			}
			req, _ := http.NewRequest(start.Method, start.URL, nil)
			for k, v := range start.Header {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("GET %s (%s): %d %s", x.ID, f.Name, res.StatusCode, b)
			}
			sum := sha256.Sum256(b)
			if got := hex.EncodeToString(sum[:]); got != f.SHA256 || int64(len(b)) != f.Size {
				t.Errorf("%s downloaded as %d bytes of SHA-256 %s; declared %d bytes of %s", f.Name, len(b), got, f.Size, f.SHA256)
			}
		}
	}
	if found == 0 {
		t.Errorf("request %s: no earlier delivery of transfer %s among the title's materials: %+v", id, tr.ID, m)
	}
}

// current is the newest transfer of request id in status s.
func current(t *testing.T, l *app.Local, id string, s lot.TransferStatus) *lot.Transfer {
	t.Helper()
	ts, err := l.Store.ListTransfers(context.Background(), id) // newest first
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range ts {
		if tr.Status == s {
			return tr
		}
	}
	return nil
}

func TestTheDemosDeliveriesAreFilesAPartnerDownloads(t *testing.T) {
	// Ensures a demo started with materials stores its deliveries' files:
	// a processed delivery is an earlier delivery of its title, listed
	// among the title's materials and downloaded by a partner through the
	// API with the SHA-256 its transfer declares; an override the studio
	// verifies becomes one too, downloaded the same way; and a restart
	// neither stores them again nor keeps their folder.
	fftest.Need(t)
	ctx := context.Background()
	dir := t.TempDir()
	log := &logLines{}
	l, err := openDemo(t, ctx, dir, log)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { l.Close() }()
	if n := len(log.find("demo deliveries stored")); n != 1 {
		t.Fatalf("the first start stored the deliveries %d times, want once", n)
	}
	rs, err := l.Store.ScopeRequests(ctx, lot.Scope{FulfillmentPartner: "juniper"})
	if err != nil {
		t.Fatal(err)
	}
	var processed, delivered *lot.Request
	for _, r := range rs {
		switch {
		case processed == nil && r.Status == lot.StatusProcessed:
			processed = r
		case delivered == nil && r.Status == lot.StatusDelivered:
			delivered = r
		}
	}
	if processed == nil || delivered == nil {
		t.Fatal("juniper has no Processed or no Delivered demo request")
	}
	fp, ops := caller(t, l, juniper), caller(t, l, studio)

	tr := current(t, l, processed.ID, lot.TransferProcessed)
	if tr == nil {
		t.Fatalf("Processed %s has no processed delivery", processed.ID)
	}
	earlierDelivery(t, fp, processed.ID, tr)

	tr = current(t, l, delivered.ID, lot.TransferOverridden)
	if tr == nil {
		t.Fatalf("Delivered %s has no overridden delivery", delivered.ID)
	}
	if code := ops("POST", "/v1/transfers/"+tr.ID+"/verify", nil); code != 200 {
		t.Fatalf("the studio verifies the override of %s: %d", tr.ID, code)
	}
	earlierDelivery(t, fp, delivered.ID, tr)

	var before materialsJSON
	fp("GET", "/v1/materials?requests="+processed.ID, &before)
	l.Close()
	l, err = openDemo(t, ctx, dir, log)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(log.find("demo deliveries stored")); n != 1 {
		t.Errorf("after a restart the deliveries were stored %d times, want once", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "demo-deliveries")); !os.IsNotExist(err) {
		t.Errorf("the deliveries' folder is still there after they were stored: %v", err)
	}
	var after materialsJSON
	caller(t, l, juniper)("GET", "/v1/materials?requests="+processed.ID, &after)
	if b, a := must(json.Marshal(before)), must(json.Marshal(after)); !bytes.Equal(b, a) {
		t.Errorf("the title's materials changed across a restart:\n%s\n%s", b, a)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestADemoFirstStartStoppedWhileStoringIsFinishedByTheNext(t *testing.T) {
	// Ensures a first start stopped halfway through storing the deliveries'
	// files (its context ended) is finished by the next start: the files
	// not stored yet are stored (not the others again), and every
	// processed delivery becomes an earlier delivery.
	fftest.Need(t)
	dir := t.TempDir()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	puts := 0
	log := &logLines{hook: func(line string) {
		if strings.Contains(line, `"method":"PUT"`) && strings.Contains(line, "/blobs/demo/deliveries/") {
			if puts++; puts == 100 {
				stop()
			}
		}
	}}
	l, err := openDemo(t, ctx, dir, log)
	l.Close()
	if err == nil {
		t.Fatal("the first start stopped while storing, and did not say so")
	}
	if puts < 100 {
		t.Fatalf("the first start stopped after %d files: %v", puts, err)
	}
	log.hook = nil
	l, err = openDemo(t, context.Background(), dir, log)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	done := log.find("demo deliveries stored")
	if len(done) != 1 {
		t.Fatalf("the deliveries were finished %d times, want once", len(done))
	}
	files, now, earlier := done[0]["files"].(float64), done[0]["stored now"].(float64), done[0]["earlier deliveries"].(float64)
	if now >= files || now == 0 {
		t.Errorf("the second start stored %v of %v files, want the ones the first did not", now, files)
	}
	ctx = context.Background()
	rs, err := l.Store.ScopeRequests(ctx, lot.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	processed, materials := 0, 0
	for _, r := range rs {
		ts, err := l.Store.ListTransfers(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range ts {
			if tr.Status != lot.TransferProcessed {
				continue
			}
			processed++
			for _, f := range tr.Files {
				if info, err := l.Blobs.Head(ctx, f.Key); err != nil || info.Size != f.Size {
					t.Errorf("%s: %s is not stored (%v)", tr.ID, f.Name, err)
				}
			}
		}
	}
	for _, title := range demo.Titles() {
		for _, m := range must(l.Store.ListMaterials(ctx, title.MovieID)) {
			if m.AssetType == lot.AssetDelivery {
				materials++
			}
		}
	}
	if int(earlier) != processed {
		t.Errorf("%v deliveries made earlier deliveries; the demo has %d processed", earlier, processed)
	}
	if materials == 0 {
		t.Error("no earlier delivery among the titles' materials")
	}
	t.Logf("the first start stored %d files; the second %v of %v; %d processed deliveries made %d earlier deliveries", puts, now, files, processed, materials)
}
