package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/standin"
)

// deliverWorld runs the demo server on blobs (nil: the disk store) and logs
// the CLI in as juniper; it returns the credentials flag and a deliverable
// subtitle request.
func deliverWorld(t *testing.T, blobs lot.Blobs) (*app.Local, string, string) {
	t.Helper()
	return requestWorld(t, blobs, "SUBTITLE")
}

// requestWorld is deliverWorld for a deliverable request of sourceType.
// A media reader may be given (faults injected on purpose).
func requestWorld(t *testing.T, blobs lot.Blobs, sourceType string, media ...lot.Media) (*app.Local, string, string) {
	t.Helper()
	today := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	lc := app.LocalConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, Blobs: blobs, FlowsWithoutDelays: true,
		Clock: lot.ClockFunc(func() time.Time { return today }), Log: slog.New(slog.DiscardHandler)}
	if len(media) > 0 {
		lc.Media = media[0]
	}
	l := app.NewLocal(lc)
	if err := l.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cfg := "--credentials=" + filepath.Join(t.TempDir(), "credentials.json")
	if _, err := run(t, "", "login", cfg, "--url", l.URL, "--client", "fp-juniper", "--secret", "fp-juniper-secret"); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "", "search", cfg, "--status", "Open", "--sourceType", sourceType, "--materialStatus", "Received,Accepted", "--limit", "1", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Rows []struct{ ID string } }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search for a deliverable %s request: %v %s", sourceType, err, out)
	}
	if len(res.Rows) != 1 {
		t.Fatalf("no deliverable %s request: %d rows, want 1: %s", sourceType, len(res.Rows), out)
	}
	return l, cfg, res.Rows[0].ID
}

func deliverKilledAndResumed(t *testing.T, blobs lot.Blobs, partChecksums string) {
	_, cfg, id := deliverWorld(t, blobs)
	data := make([]byte, 3*lot.MinTransferPart+777) // four parts
	rand.Read(data)
	file := filepath.Join(t.TempDir(), "House of Tides_es-419.ttml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	args := []string{"deliver", cfg, "--request", id, "--meta", "subtitleFormat=TTML", "--meta", "frameRate=23.976", "--quiet", file}

	// The first run dies after two parts.
	_, err := run(t, "", append(args, "--stop-after-parts", "2", "--parallel", "1")...)
	if err == nil {
		t.Fatal("first run: no error after two parts")
	}
	if !strings.Contains(err.Error(), "run the same command again") {
		t.Fatalf("first run: %q, want it to say run the same command again", err)
	}
	c, err := loadClient(strings.TrimPrefix(cfg, "--credentials="))
	if err != nil {
		t.Fatal(err)
	}
	var cards struct{ Transfers []transferCard }
	resp, err := c.do(context.Background(), http.MethodGet, "/v1/requests/"+id+"/transfers", nil)
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&cards)
	resp.Body.Close()
	if len(cards.Transfers) != 1 {
		t.Fatalf("transfers after the first run: %+v", cards.Transfers)
	}
	first := cards.Transfers[0].ID

	// The same command again sends only what is missing and completes.
	out, err := run(t, "", args...)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if !strings.Contains(out, first+": PENDING_INSPECTION") {
		t.Fatalf("second run printed %q, want the same transfer %s pending inspection", out, first)
	}
	resp, err = c.do(context.Background(), http.MethodGet, "/v1/transfers/"+first, nil)
	if err != nil {
		t.Fatal(err)
	}
	var tr struct {
		Status        string
		PartChecksums string
		Files         []struct {
			SHA256   string
			Metadata map[string]string
		}
		Timeline []struct{ Status string }
	}
	json.NewDecoder(resp.Body).Decode(&tr)
	resp.Body.Close()
	if tr.PartChecksums != partChecksums {
		t.Fatalf("part checksums are %q here, want %q", tr.PartChecksums, partChecksums)
	}
	if len(tr.Timeline) < 3 {
		t.Fatalf("delivered transfer: %d timeline entries, want at least 3: %+v", len(tr.Timeline), tr)
	}
	if want := hex.EncodeToString(sum[:]); tr.Files[0].SHA256 != want {
		t.Errorf("delivered transfer: SHA-256 %s, want %s", tr.Files[0].SHA256, want)
	}
	if got := tr.Files[0].Metadata["subtitleFormat"]; got != "TTML" {
		t.Errorf("delivered transfer: subtitleFormat %q, want TTML", got)
	}
	if got := tr.Files[0].Metadata["frameRate"]; got != "23.976" {
		t.Errorf("delivered transfer: frameRate %q, want 23.976", got)
	}
	var steps []string
	for _, e := range tr.Timeline {
		steps = append(steps, e.Status)
	}
	if fmt.Sprint(steps[:3]) != "[WAITING_FOR_UPLOAD UPLOADING PENDING_INSPECTION]" { // inspection goes on from there
		t.Fatalf("timeline %v", steps)
	}
}

func TestDeliverResumesAfterBeingStoppedOnDisk(t *testing.T) {
	// Ensures `openlot deliver` stopped midway, run again, sends only the
	// missing parts and completes the same transfer with the right SHA-256
	// (disk blob store, which hashes files whole as parts arrive: parts go
	// unhashed, and the whole file's hash alone proves them).
	deliverKilledAndResumed(t, nil, "optional")
}

func TestDeliverResumesAfterBeingStoppedOnS3(t *testing.T) {
	// Ensures the same over S3 (MinIO), where storage checks every part's
	// signature, length and checksum (parts go bound to their SHA-256).
	endpoint := standin.Endpoint(t, standin.S3Env)
	blobs, err := awsapp.StandInS3(context.Background(), endpoint, os.Getenv(standin.S3KeyEnv), os.Getenv(standin.S3SecretEnv),
		fmt.Sprintf("openlot-deliver-%d", time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	deliverKilledAndResumed(t, blobs, "recommended")
}

func TestDeliverFromAFileBin(t *testing.T) {
	// Ensures `deliver --plan` shows which file fits which request and why,
	// delivers nothing without a yes, and with --yes delivers the
	// recommended file to each request.
	_, cfg, _ := deliverWorld(t, nil)
	out, err := run(t, "", "search", cfg, "--status", "Open", "--sourceType", "SUBTITLE", "--materialStatus", "Received,Accepted",
		"--columns", "title,language", "--limit", "2", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Rows []struct{ ID, Title, Language string }
	}
	json.Unmarshal([]byte(out), &res)
	if len(res.Rows) != 2 {
		t.Fatalf("want two deliverable subtitle requests: %s", out)
	}
	dir := t.TempDir()
	for i, r := range res.Rows {
		name := strings.NewReplacer(":", "", " ", "_").Replace(r.Title) + "_" + r.Language + ".ttml"
		os.WriteFile(filepath.Join(dir, name), []byte(fmt.Sprintf("subtitles %d", i)), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "unrelated_notes.txt"), []byte("x"), 0o644)
	args := []string{"deliver", cfg, "--plan", dir, "--requests", res.Rows[0].ID + "," + res.Rows[1].ID,
		"--meta", "subtitleFormat=TTML", "--meta", "frameRate=24", "--quiet"}

	out, err = run(t, "n\n", args...)
	if err == nil {
		t.Fatalf("plan without yes: no error\n%s", out)
	}
	if !strings.Contains(err.Error(), "nothing delivered") {
		t.Errorf("plan without yes: %q, want it to say nothing delivered", err)
	}
	if !strings.Contains(out, "→") {
		t.Errorf("plan without yes: no file → request line:\n%s", out)
	}
	if want := "language " + res.Rows[0].Language; !strings.Contains(out, want) {
		t.Errorf("plan without yes: no %q:\n%s", want, out)
	}
	out, err = run(t, "", append(args, "--yes")...)
	if err != nil {
		t.Fatalf("plan --yes: %v\n%s", err, out)
	}
	if n := strings.Count(out, ": PENDING_INSPECTION"); n != 2 {
		t.Fatalf("%d transfers delivered, want 2:\n%s", n, out)
	}
}

func TestDeliverAgainAfterItFinished(t *testing.T) {
	// Ensures running `openlot deliver` again after the upload finished says
	// the files are delivered and delivers nothing, that --again delivers
	// them once more, and that a changed file of the same name and size is
	// delivered without it.
	l, cfg, id := deliverWorld(t, nil)
	data := make([]byte, 5000)
	rand.Read(data)
	file := filepath.Join(t.TempDir(), "House of Tides_es-419.ttml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"deliver", cfg, "--request", id, "--meta", "subtitleFormat=TTML", "--meta", "frameRate=23.976", "--quiet", file}
	transfers := func() []lot.Transfer {
		t.Helper()
		list, err := l.Store.ListTransfers(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]lot.Transfer, len(list))
		for i, tr := range list {
			out[i] = *tr
		}
		return out
	}
	out, err := run(t, "", args...)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	if n := len(transfers()); n != 1 {
		t.Fatalf("first run: %d transfers, want 1", n)
	}
	first := transfers()[0].ID

	out, err = run(t, "", args...)
	if err != nil {
		t.Fatalf("run again: %v", err)
	}
	if n := len(transfers()); n != 1 {
		t.Errorf("run again after the upload finished: %d transfers, want still 1", n)
	}
	if !strings.Contains(out, first) || !strings.Contains(out, "already delivered") || !strings.Contains(out, "--again") {
		t.Errorf("run again printed %q, want it to say transfer %s already delivered the file and how to deliver it again", out, first)
	}

	if _, err = run(t, "", append(args, "--again")...); err != nil {
		t.Fatalf("run with --again: %v", err)
	}
	if n := len(transfers()); n != 2 {
		t.Errorf("run with --again: %d transfers, want 2", n)
	}

	data[0] ^= 0xff // the same name and size, other bytes
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err = run(t, "", args...); err != nil {
		t.Fatalf("run with a changed file: %v", err)
	}
	if n := len(transfers()); n != 3 {
		t.Errorf("run with a changed file of the same name and size: %d transfers, want 3", n)
	}
}
