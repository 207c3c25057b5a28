package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/openlot/openlot/shared/app/apptest"
	"github.com/openlot/openlot/shared/awsapp/awsapptest"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/mailbox"
)

const (
	requestID  = "01a00000-0000-7000-8000-00000000000b"
	transferID = "01a00000-0000-7000-8000-0000000000f2"
)

func fixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "steps", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStepsInspectOverTheWire(t *testing.T) {
	// Ensures each inspection step, as the Lambda the state machine invokes,
	// reads and writes the AWS adapters (dynalite, MinIO): fed the fixtures
	// and each other's answers as the state machine chains them, they fail
	// a subtitle whose cue ends before it begins, skip an unknown transfer,
	// and answer a mismatched input with the error name the state machine
	// matches (openlot.BadInput).
	cloud := awsapptest.Cloud(t, "steps")
	cloud.Service.Deps.Media = ffmpeg.Media{} // as main sets it, the programs on PATH
	ctx := context.Background()

	// A subtitle request with a delivery stored and completed.
	ops := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: time.Now().UTC()}
	title := &lot.Title{MovieID: 81000002, Name: "Orbital: Season 1: Episode 4", ContentPartner: "northstar", MovieType: lot.MovieEpisode}
	request := func(id string, st lot.SourceType, lang string) *lot.Request {
		r, err := lot.Create(ops, id, lot.NewRequest{Title: title, Package: &lot.Package{ID: 2, MovieID: title.MovieID},
			FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}, SourceType: st,
			Language: lang, DueDate: lot.DateOf(time.Now()).AddDays(9), MaterialStatus: lot.MaterialAccepted})
		must(t, err)
		must(t, cloud.Store.CreateRequests(ctx, r))
		return r
	}
	r := request(requestID, lot.SourceSubtitle, "es-419")
	tr := apptest.Delivered(t, cloud.Blobs, cloud.Store, r, transferID, "orbital_s01e04_es-419.srt",
		[]byte("1\n00:00:05,000 --> 00:00:04,000\nHola\n"), map[string]string{"subtitleFormat": "SRT", "frameRate": "24"})

	invoke := func(step string, in []byte) ([]byte, error) {
		h, err := handler(cloud, step)
		must(t, err)
		return lambda.NewHandler(h).Invoke(ctx, in)
	}
	var begin struct{ Skip bool }
	out, err := invoke("InspectBegin", fixture(t, "inspect-begin.json"))
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	if err := json.Unmarshal(out, &begin); err != nil {
		t.Fatalf("begin answered %s: %v", out, err)
	}
	if begin.Skip {
		t.Fatalf("begin skips a delivered transfer: %s", out)
	}
	out, err = invoke("InspectBegin", fixture(t, "inspect-begin-unknown.json"))
	if err != nil {
		t.Fatalf("begin of an unknown transfer: %v", err)
	}
	if !bytes.Contains(out, []byte(`"skip":true`)) {
		t.Fatalf("begin of an unknown transfer does not skip: %s", out)
	}
	integrity, err := invoke("InspectIntegrity", fixture(t, "inspect-read.json"))
	must(t, err)
	examine, err := invoke("InspectExamine", fixture(t, "inspect-read.json"))
	must(t, err)
	decideIn, _ := json.Marshal(map[string]any{"transferId": transferID, "attempt": 1,
		"read": []json.RawMessage{integrity, examine}})
	out, err = invoke("InspectDecide", decideIn)
	if err != nil {
		t.Fatalf("decide: %v", err)
	}
	if !bytes.Contains(out, []byte(`"status":"FAILED"`)) {
		t.Errorf("decide does not fail the subtitle: %s", out)
	}
	if !bytes.Contains(out, []byte("SUBTITLE_TIMING")) {
		t.Errorf("decide does not name SUBTITLE_TIMING: %s", out)
	}
	got, err := cloud.Store.GetTransfer(ctx, transferID)
	must(t, err)
	if got.Status != lot.TransferFailed {
		t.Errorf("the stored transfer is %s, want %s", got.Status, lot.TransferFailed)
	}
	if got.Inspection == nil {
		t.Fatalf("the stored transfer has no inspection: %+v", got)
	}
	if got.Inspection.Files[0].SHA256 != tr.Files[0].SHA256 {
		t.Errorf("the inspection's SHA-256 %s is not the delivery's %s", got.Inspection.Files[0].SHA256, tr.Files[0].SHA256)
	}

	// A video delivery: ffprobe and the decoding pass read it from MinIO
	// through presigned URLs (range requests, SigV4 in the query).
	if _, err := exec.LookPath("ffprobe"); err == nil {
		const avRequest, avTransfer = "01a00000-0000-7000-8000-00000000000c", "01a00000-0000-7000-8000-0000000000f3"
		media, err := os.ReadFile(fftest.Make(t, t.TempDir(), "feature", fftest.Spec{Seconds: 6, Black: [2]float64{1, 4}}))
		must(t, err)
		apptest.Delivered(t, cloud.Blobs, cloud.Store, request(avRequest, lot.SourceAVMuxed, ""), avTransfer, "feature.mp4", media,
			map[string]string{"frameRate": "24", "audioConfiguration": "2.0", "language": "en", "videoResolution": "HD"})
		in := []byte(`{"transferId":"` + avTransfer + `","attempt":1}`)
		integrity, err := invoke("InspectIntegrity", in)
		must(t, err)
		examine, err := invoke("InspectExamine", in)
		if err != nil {
			t.Fatalf("examine over a presigned URL: %v", err)
		}
		if !bytes.Contains(examine, []byte(`"width":640`)) {
			t.Errorf("examine over a presigned URL did not probe the width: %s", examine)
		}
		if !bytes.Contains(examine, []byte(`"black":[{"startS":1`)) {
			t.Errorf("examine over a presigned URL did not find the black at 1 s: %s", examine)
		}
		decideIn, _ := json.Marshal(map[string]any{"transferId": avTransfer, "attempt": 1, "read": []json.RawMessage{integrity, examine}})
		out, err := invoke("InspectDecide", decideIn)
		if err != nil {
			t.Fatalf("decide: %v", err)
		}
		if !bytes.Contains(out, []byte("BLACK_SEGMENT")) {
			t.Errorf("decide does not name BLACK_SEGMENT: %s", out)
		}
	}

	_, err = invoke("InspectDecide", fixture(t, "inspect-decide-bad.json"))
	var ie messages.InvokeResponse_Error
	if !errors.As(err, &ie) {
		t.Fatalf("a mismatched decide did not answer an invoke error: %#v", err)
	}
	if ie.Type != "openlot.BadInput" {
		t.Errorf("a mismatched decide answered error type %q, want openlot.BadInput", ie.Type)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestStepsMakeAProxyOverTheWire(t *testing.T) {
	// Ensures the watermark flow's steps, as the Lambdas the state machine invokes, make a proxy over the AWS adapters: the plan probes the source in MinIO, each segment renders from a presigned URL and is stored, the finish joins them into a ready proxy whose code is in the picture and mails its recipient; a fault marks a proxy failed.
	fftest.Need(t)
	cloud := awsapptest.Cloud(t, "proxysteps")
	cloud.Service.Deps.Media = ffmpeg.Media{} // as main sets it, the programs on PATH
	ctx := context.Background()
	box := &mailbox.Box{Dir: t.TempDir()} // SES is not reachable here; the mailbox adapter stands in
	cloud.Service.Deps.Mailer = box
	cloud.Service.Deps.ProxySegmentSeconds = 4 // 12 s: three segments, as the fixtures name them
	src := fftest.Make(t, t.TempDir(), "source", fftest.Spec{Seconds: 12, Width: 1280, Height: 720})
	size, sum, err := cloud.Service.Library.StoreFile(ctx, "materials/proxysteps/source.mp4", src, "video/mp4")
	must(t, err)
	m := &lot.Material{ID: "81000002.PROXY_VIDEO.v1", MovieID: 81000002, AssetType: lot.AssetProxyVideo, Version: 1,
		FileName: "source.mp4", Size: size, SHA256: sum, ContentType: "video/mp4", Key: "materials/proxysteps/source.mp4", DeliveredAt: time.Now()}
	must(t, cloud.Store.CreateMaterial(ctx, m))
	for _, id := range []string{"81000002.PROXY_VIDEO.v1.u0123456789ab", "81000002.PROXY_VIDEO.v1.ufedcba987654"} {
		must(t, cloud.Store.CreateProxy(ctx, &lot.Proxy{ID: id, MaterialID: m.ID, MovieID: m.MovieID, State: lot.ProxyProcessing,
			Code: "K7Q2M9XD", User: "ana", UserName: "Ana", Email: "ana@juniper.example", Partner: "juniper", Attempt: 1, CreatedAt: time.Now()}))
	}
	invoke := func(step string, in []byte) []byte {
		t.Helper()
		h, err := handler(cloud, step)
		must(t, err)
		out, err := lambda.NewHandler(h).Invoke(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return out
	}
	var plan struct{ Segments []json.RawMessage }
	must(t, json.Unmarshal(invoke("ProxyPlan", fixture(t, "proxy-plan.json")), &plan))
	if len(plan.Segments) != 3 {
		t.Fatalf("the plan: %d segments", len(plan.Segments))
	}
	if out := invoke("ProxySegment", fixture(t, "proxy-segment.json")); !bytes.Contains(out, []byte("seg-001.ts")) {
		t.Fatalf("segment 1: %s", out)
	}
	for _, seg := range plan.Segments[1:] {
		invoke("ProxySegment", seg)
	}
	invoke("ProxyFinish", fixture(t, "proxy-finish.json"))
	invoke("ProxyFinish", fixture(t, "proxy-finish.json")) // run again: nothing changes, nobody is mailed twice
	px, err := cloud.Store.GetProxy(ctx, "81000002.PROXY_VIDEO.v1.u0123456789ab")
	must(t, err)
	if px.State != lot.ProxyReady {
		t.Fatalf("the proxy is %s, want %s: %+v", px.State, lot.ProxyReady, px)
	}
	if px.Size == 0 {
		t.Errorf("the ready proxy has no size: %+v", px)
	}
	if px.Key != "proxies/81000002.PROXY_VIDEO.v1.u0123456789ab/1/K7Q2M9XD.mp4" {
		t.Fatalf("the proxy's key %q", px.Key)
	}
	u, err := cloud.Blobs.PresignGet(ctx, px.Key, lot.GetOptions{})
	must(t, err)
	if ok, read := fftest.ShowsCode(t, u.URL, "K7Q2M9XD", 9, 9.5); !ok {
		t.Fatalf("the code is not in the third segment's picture: %q", read)
	}
	mail, _ := box.List()
	if len(mail) != 1 {
		t.Fatalf("%d ready mails, want 1: %+v", len(mail), mail)
	}
	if !strings.Contains(mail[0].To, "ana@juniper.example") {
		t.Errorf("the ready mail went to %q", mail[0].To)
	}
	invoke("ProxyFault", fixture(t, "proxy-fault.json"))
	failed, err := cloud.Store.GetProxy(ctx, "81000002.PROXY_VIDEO.v1.ufedcba987654")
	must(t, err)
	if failed.State != lot.ProxyFailed {
		t.Fatalf("after a fault the proxy is %s, want %s", failed.State, lot.ProxyFailed)
	}
}
