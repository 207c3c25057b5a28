package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/lot"
)

func TestDownloadMaterialsFromTheCommandLine(t *testing.T) {
	// Ensures `openlot download` fetches the newest version of every material of a demo request, verifies each, reports it complete (history: completed), resumes a partial file with a ranged GET, and waits for a watermarked proxy made on demand.
	fftest.Need(t)
	today := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	l := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, DemoMaterials: true, ProxyPool: -1,
		FlowsWithoutDelays: true, Clock: lot.ClockFunc(func() time.Time { return today }), Log: slog.New(slog.DiscardHandler)})
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := "--credentials=" + filepath.Join(t.TempDir(), "credentials.json")
	if _, err := run(t, "", "login", cfg, "--url", l.URL, "--client", "fp-juniper", "--secret", "fp-juniper-secret"); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "", "search", cfg, "--status", "Open", "--limit", "1", "--json")
	var found struct{ Rows []struct{ ID, Title string } }
	json.Unmarshal([]byte(out), &found)
	if err != nil {
		t.Fatalf("a request: %v %s", err, out)
	}
	if len(found.Rows) == 0 {
		t.Fatalf("a request: no rows: %s", out)
	}
	req := found.Rows[0]
	dir := t.TempDir()

	// Everything but the proxy video, which is made for juniper first: the
	// title's six other materials and its earlier deliveries.
	apiJuniper := apiAs(t, cfg)
	listed := apiJuniper("GET", "/v1/materials?requests="+req.ID, "")
	total, _ := listed.body["total"].(float64)
	out, err = run(t, "", "download", cfg, "--request", req.ID, "--out", dir, "--quiet")
	if err != nil {
		t.Fatalf("download: %v %s", err, out)
	}
	if n := strings.Count(out, "downloaded "); n != int(total)-1 {
		t.Fatalf("the first run downloaded %d files, want %d: %s", n, int(total)-1, out)
	}
	if n := strings.Count(out, "downloaded ") - strings.Count(out, ".DELIVERY."); n != 6 {
		t.Fatalf("the first run downloaded %d of the title's materials, want 6: %s", n, out)
	}
	if !strings.Contains(out, "PROXY_VIDEO.v1: PROCESSING") {
		t.Errorf("the first run does not say the proxy is processing: %s", out)
	}
	stems := filepath.Join(dir, req.Title, "AUDIO_STEMS", "stems_5.1.wav")
	whole, err := os.ReadFile(stems)
	if err != nil {
		t.Fatalf("the stems: %v", err)
	}
	if len(whole) < 1000 {
		t.Errorf("the stems: %d bytes, want at least 1000", len(whole))
	}
	materialID := strings.Split(strings.Split(out, "downloaded ")[1], " ")[0]
	hist := apiJuniper("GET", "/v1/materials/"+materialID+"/downloads?mine=true", "")
	if d := hist.body["downloads"].([]any)[0].(map[string]any); d["state"] != "COMPLETED" {
		t.Fatalf("the history after the CLI: %v", d)
	}

	// A partial file is resumed, not fetched again: its bytes are trusted,
	// so a wrong first half shows as a SHA-256 mismatch (and is removed);
	// the next run then fetches it whole.
	os.Remove(stems)
	bad := append([]byte(strings.Repeat("x", len(whole)/2)), whole[len(whole)/2:len(whole)/2]...)
	os.WriteFile(stems+".part", bad, 0o644)
	out, err = run(t, "", "download", cfg, "--request", req.ID, "--asset-type", "Audio Stems", "--out", dir, "--quiet")
	if err == nil {
		t.Fatalf("a resumed file with a wrong first half: no error: %s", out)
	}
	if !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("a resumed file with a wrong first half: %q, want a SHA-256 mismatch: %s", err, out)
	}
	os.WriteFile(stems+".part", whole[:len(whole)/2], 0o644)
	if out, err = run(t, "", "download", cfg, "--request", req.ID, "--asset-type", "Audio Stems", "--out", dir, "--quiet"); err != nil {
		t.Fatalf("resume: %v %s", err, out)
	}
	if again, _ := os.ReadFile(stems); string(again) != string(whole) {
		t.Fatal("the resumed file differs")
	}

	// The proxy video: made on demand for juniper, waited for, watermarked.
	out, err = run(t, "", "download", cfg, "--request", req.ID, "--asset-type", "PROXY_VIDEO", "--out", dir, "--wait", "2m", "--quiet")
	if err != nil {
		t.Fatalf("the proxy: %v %s", err, out)
	}
	if !strings.Contains(out, "downloaded ") {
		t.Errorf("the proxy: nothing downloaded: %s", out)
	}
	got, _ := filepath.Glob(filepath.Join(dir, req.Title, "PROXY_VIDEO", "proxy_source_*.mp4"))
	if len(got) != 1 {
		t.Fatalf("proxy files: %v", got)
	}
	code := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(got[0]), "proxy_source_"), ".mp4")
	if ok, read := fftest.ShowsCode(t, got[0], code, 3, 2, 4); !ok {
		t.Fatalf("the code %s is not in the picture: %q", code, read)
	}
}
