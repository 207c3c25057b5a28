package main_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/flow"
	"github.com/openlot/openlot/shared/localflow"
)

func TestKilledServerFinishesInspectionAfterRestart(t *testing.T) {
	// Ensures a server killed (SIGKILL) while it inspects a delivery finishes
	// that inspection after it starts again: the execution was left running
	// in flows.db, and the restarted server takes it up from its last
	// finished state to the verdict.
	fftest.Need(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "openlot")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	base, stop, srv := mustServeCmd(t, bin, data)
	defer func() { stop() }()
	fp := token(t, base, "fp-juniper")
	var list struct{ Rows []struct{ ID string } }
	call(t, "GET", base+"/v1/requests?status=Open&sourceType=AV_MUXED&materialStatus=Received,Accepted&limit=1", fp, "", &list)
	if len(list.Rows) != 1 {
		t.Fatal("juniper has no deliverable AV request")
	}
	id := list.Rows[0].ID
	// 40 s of 1080p with 3 s of black: seconds of decoding to be killed in.
	media := fftest.Make(t, dir, "feature", fftest.Spec{Seconds: 40, Width: 1920, Height: 1080, Black: [2]float64{10, 13}})
	creds := "--credentials=" + filepath.Join(dir, "creds.json")
	if out, err := exec.Command(bin, "login", creds, "--url", base, "--client", "fp-juniper", "--secret", "fp-juniper-secret").CombinedOutput(); err != nil {
		t.Fatalf("login: %v %s", err, out)
	}
	out, err := exec.Command(bin, "deliver", creds, "--request", id, "--quiet", "--meta", "frameRate=24", "--meta", "language=en",
		"--meta", "audioConfiguration=2.0", "--meta", "videoResolution=HD", media).CombinedOutput()
	if err != nil {
		t.Fatalf("deliver: %v %s", err, out)
	}
	transfer := strings.Fields(strings.TrimSpace(string(out)))[1]
	transfer = strings.TrimSuffix(transfer, ":")
	time.Sleep(300 * time.Millisecond) // inspection is under way: reading 40 s of 1080p
	srv.Process.Kill()
	srv.Wait()

	// The dead server left the execution running, mid-flow.
	r, err := localflow.Open(context.Background(), data, localflow.Config{
		Flows: map[string]flow.Definition{}, Steps: flow.Steps{}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := r.Get(context.Background(), transfer+"-1")
	r.Close()
	if err != nil {
		t.Fatalf("after the kill the execution: %v", err)
	}
	if e.Status != localflow.Running {
		t.Fatalf("after the kill the execution is %v, want %v: %+v", e.Status, localflow.Running, e)
	}

	base, stop, _ = mustServeCmd(t, bin, data)
	fp = token(t, base, "fp-juniper")
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var card struct {
			Status, ErrorCode string
		}
		call(t, "GET", base+"/v1/transfers/"+transfer, fp, "", &card)
		if card.Status != "PENDING_INSPECTION" {
			if card.Status != "FAILED" {
				t.Errorf("after the restart the transfer is %s, want FAILED", card.Status)
			}
			if card.ErrorCode != "BLACK_SEGMENT" {
				t.Errorf("after the restart the transfer's error code is %q, want BLACK_SEGMENT", card.ErrorCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the restarted server did not finish the inspection")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
