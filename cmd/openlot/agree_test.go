package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/app/apptest"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/flowtest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

// delivered stores a file and a transfer to a new request of its own, in
// Pending Inspection, without starting inspection; it returns the
// transfer ID.
func delivered(t *testing.T, l *app.Local, n int, st lot.SourceType, path string, meta map[string]string) string {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	ops := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: at}
	title := &lot.Title{MovieID: int64(98000000 + n), Name: fmt.Sprintf("Fixture %d", n), ContentPartner: "northstar", MovieType: lot.MovieStandalone}
	lang := ""
	if st.NeedsLanguage() {
		lang = "es-419"
	}
	rid := fmt.Sprintf("01a0eeee-0000-7000-8000-%012d", n)
	r, err := lot.Create(ops, rid, lot.NewRequest{Title: title, Package: &lot.Package{ID: int64(98000 + n), MovieID: title.MovieID},
		FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}, SourceType: st, Language: lang,
		DueDate: lot.DateOf(at).AddDays(9), MaterialStatus: lot.MaterialAccepted})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Store.CreateRequests(ctx, r); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tid := fmt.Sprintf("01a0eeee-0000-7000-8000-%012d", 1000+n)
	apptest.Delivered(t, l.Blobs, l.Store, r, tid, filepath.Base(path), data, meta)
	return tid
}

func TestInspectionRunsTheSameInTheASLInterpreter(t *testing.T) {
	// Ensures the inspection flow, rendered as ASL and run by
	// aws-local-stepfunctions with each Task bound to the real step, ends
	// every fixture exactly as openlot's runner does: a clean AV file, one
	// with 3 s of black, a subtitle with a backwards cue, a valid subtitle,
	// and a transfer that does not exist. Each side inspects its own copy of
	// each delivery (steps record their verdicts).
	fftest.Need(t)
	l, _, _ := requestWorld(t, nil, "SUBTITLE")
	dir := t.TempDir()
	clean := fftest.Make(t, dir, "clean", fftest.Spec{Seconds: 3})
	black := fftest.Make(t, dir, "black", fftest.Spec{Seconds: 6, Black: [2]float64{1, 4}})
	badSRT, goodSRT := filepath.Join(dir, "bad.srt"), filepath.Join(dir, "good.srt")
	os.WriteFile(badSRT, []byte("1\n00:00:05,000 --> 00:00:04,000\nHola\n"), 0o644)
	os.WriteFile(goodSRT, []byte("1\n00:00:01,000 --> 00:00:02,000\nHola\n"), 0o644)
	av := map[string]string{"frameRate": "24", "audioConfiguration": "2.0", "language": "en", "videoResolution": "HD"}
	srt := map[string]string{"subtitleFormat": "SRT", "frameRate": "24"}
	cases := []struct {
		st   lot.SourceType
		path string
		meta map[string]string
	}{{lot.SourceAVMuxed, clean, av}, {lot.SourceAVMuxed, black, av}, {lot.SourceSubtitle, badSRT, srt}, {lot.SourceSubtitle, goodSRT, srt}}
	var mine, theirs []any
	rename := map[string]string{}
	for i, c := range cases {
		a := delivered(t, l, 2*i, c.st, c.path, c.meta)
		b := delivered(t, l, 2*i+1, c.st, c.path, c.meta)
		rename[b] = a
		mine = append(mine, map[string]any{"transferId": a, "attempt": 1})
		theirs = append(theirs, map[string]any{"transferId": b, "attempt": 1})
	}
	gone := "01a0eeee-0000-7000-8000-0000000fffff"
	mine, theirs = append(mine, map[string]any{"transferId": gone, "attempt": 1}), append(theirs, map[string]any{"transferId": gone, "attempt": 1})

	def, steps := portal.InspectionFlow(), l.Service.Steps()
	local := flowtest.Local(context.Background(), def, steps, mine)
	interp := flowtest.Interpreted(t, def, steps, theirs)
	want := []string{`"status":"PROCESSED"`, `"BLACK_SEGMENT"`, `"SUBTITLE_TIMING"`, `"status":"PROCESSED"`, `"skip":true`}
	for i := range local {
		a, _ := json.Marshal(local[i])
		b, _ := json.Marshal(interp[i])
		for from, to := range rename {
			b = bytes.ReplaceAll(b, []byte(from), []byte(to))
		}
		if !bytes.Equal(a, b) {
			t.Errorf("fixture %d: openlot's runner\n%s\nthe ASL interpreter\n%s", i, a, b)
		}
		if !strings.Contains(string(a), want[i]) {
			t.Errorf("fixture %d ended %s, want %s in it", i, a, want[i])
		}
	}
}

// flakyMedia fails like a crashed ffprobe until mended (a fault injected
// on purpose), then reads media for real.
type flakyMedia struct {
	mended atomic.Bool
	calls  atomic.Int32
}

func (m *flakyMedia) Probe(ctx context.Context, url string) (lot.MediaInfo, error) {
	m.calls.Add(1)
	if !m.mended.Load() {
		return lot.MediaInfo{}, errors.New("ffprobe: signal: killed")
	}
	return ffmpeg.Media{}.Probe(ctx, url)
}

func (m *flakyMedia) Detect(ctx context.Context, url string, o lot.DetectOptions) (lot.Detection, error) {
	return ffmpeg.Media{}.Detect(ctx, url, o)
}

func TestPlatformFaultsAreRetriedThenInternalError(t *testing.T) {
	// Ensures a platform fault during inspection is retried, then ends in
	// Internal Error with no finding against the partner and the request
	// left as it was; a studio operator inspects it again once the fault is
	// mended, and the delivery is Processed.
	fftest.Need(t)
	media := &flakyMedia{}
	l, _, _ := requestWorld(t, nil, "SUBTITLE", media)
	dir := t.TempDir()
	file := fftest.Make(t, dir, "clean", fftest.Spec{Seconds: 3})
	id := delivered(t, l, 40, lot.SourceAVMuxed, file, map[string]string{"frameRate": "24", "audioConfiguration": "2.0", "language": "en", "videoResolution": "HD"})
	ctx := context.Background()
	tr, err := l.Store.GetTransfer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	l.Service.Deliveries.StartInspection(ctx, tr, 1) // as completing the upload does
	waitStatus := func(want lot.TransferStatus) *lot.Transfer {
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			got, err := l.Store.GetTransfer(ctx, id)
			if err == nil && got.Status == want {
				return got
			}
			if time.Now().After(deadline) {
				e, _ := l.Flows.Get(ctx, id+"-1")
				t.Fatalf("transfer is %s, want %s; execution %s at %s %s %v", got.Status, want, e.Status, e.State, e.Error, e.Events)
			}
		}
	}
	got := waitStatus(lot.TransferInternalError)
	if n := media.calls.Load(); n != 5 {
		t.Errorf("the probe ran %d times, want 5 (once and four retries)", n)
	}
	if got.Inspection != nil {
		t.Errorf("a platform fault was recorded against the partner: inspection %+v, want none", got.Inspection)
	}
	if got.ErrorCode != "" {
		t.Errorf("a platform fault was recorded against the partner: error code %s, want none", got.ErrorCode)
	}
	if r, _ := l.Store.GetRequest(ctx, got.RequestID); r.Status != lot.StatusOpen {
		t.Errorf("the request became %s", r.Status)
	}

	media.mended.Store(true)
	studio := apiAs(t, login(t, l.URL, "studio-ops"))
	if r := apiAs(t, login(t, l.URL, "fp-juniper"))(http.MethodPost, "/v1/transfers/"+id+"/reinspect", `{}`); r.status != 403 {
		t.Fatalf("a partner asked for a new inspection: %d %v", r.status, r.body)
	}
	r := studio(http.MethodPost, "/v1/transfers/"+id+"/reinspect", `{}`)
	if r.status != 200 {
		t.Fatalf("reinspect: status %d, want 200: %v", r.status, r.body)
	}
	if r.body["status"] != "PENDING_INSPECTION" {
		t.Errorf("reinspect: transfer status %v, want PENDING_INSPECTION", r.body["status"])
	}
	got = waitStatus(lot.TransferProcessed)
	if got.Inspection == nil {
		t.Fatal("after the new attempt: no inspection recorded")
	}
	if got.Inspection.Attempt != 2 {
		t.Errorf("after the new attempt: attempt %d, want 2", got.Inspection.Attempt)
	}
}
