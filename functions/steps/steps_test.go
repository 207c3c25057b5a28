package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/standin"
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
	key, secret := os.Getenv(standin.S3KeyEnv), os.Getenv(standin.S3SecretEnv)
	env := map[string]string{
		app.EnvTable: "openlot-steps-" + time.Now().Format("150405.000000"), app.EnvBucket: "openlot-steps",
		app.EnvDynamoEndpoint: standin.Endpoint(t, standin.DynamoDBEnv), app.EnvS3Endpoint: standin.Endpoint(t, standin.S3Env),
		"AWS_REGION": "us-east-1", app.EnvLogLevel: "error",
	}
	t.Setenv("AWS_ACCESS_KEY_ID", key)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := context.Background()
	cloud, err := app.AWS(ctx, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	must(t, cloud.Store.CreateTable(ctx))
	must(t, cloud.Blobs.CreateBucket(ctx))

	// A subtitle request with a delivery stored and completed.
	ops := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: time.Now().UTC()}
	title := &lot.Title{MovieID: 81000002, Name: "Orbital: Season 1: Episode 4", ContentPartner: "northstar", MovieType: lot.MovieEpisode}
	r, err := lot.Create(ops, requestID, lot.NewRequest{Title: title, Package: &lot.Package{ID: 2, MovieID: title.MovieID},
		FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}, SourceType: lot.SourceSubtitle,
		Language: "es-419", DueDate: lot.DateOf(time.Now()).AddDays(9), MaterialStatus: lot.MaterialAccepted})
	must(t, err)
	must(t, cloud.Store.CreateRequests(ctx, r))
	srt := []byte("1\n00:00:05,000 --> 00:00:04,000\nHola\n")
	sum := sha256.Sum256(srt)
	f := lot.TransferFile{Name: "orbital_s01e04_es-419.srt", Size: int64(len(srt)), SHA256: hex.EncodeToString(sum[:]),
		ContentType: "application/x-subrip", Key: "deliveries/" + requestID + "/" + transferID + "/file-01", PartSize: lot.MinTransferPart,
		Metadata: map[string]string{"subtitleFormat": "SRT", "frameRate": "24"}}
	u, err := cloud.Blobs.PresignPut(ctx, f.Key, lot.PutOptions{ContentType: f.ContentType, Expires: time.Minute})
	must(t, err)
	req, _ := http.NewRequest(u.Method, u.URL, bytes.NewReader(srt))
	for k, v := range u.Header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	fp := lot.Act{By: lot.Principal{Subject: "ana", Role: lot.RoleFP, Partner: "juniper"}, At: ops.At}
	tr, err := lot.NewTransfer(fp, transferID, r, lot.MethodAPI, []lot.TransferFile{f})
	must(t, err)
	tr.Started(fp)
	must(t, tr.Delivered(fp))
	must(t, cloud.Store.CreateTransfer(ctx, tr))

	invoke := func(step string, in []byte) ([]byte, error) {
		h, err := app.FlowStep(cloud, step)
		must(t, err)
		return lambda.NewHandler(h).Invoke(ctx, in)
	}
	var begin struct{ Skip bool }
	out, err := invoke("InspectBegin", fixture(t, "inspect-begin.json"))
	if err != nil || json.Unmarshal(out, &begin) != nil || begin.Skip {
		t.Fatalf("begin: %s %v", out, err)
	}
	if out, err := invoke("InspectBegin", fixture(t, "inspect-begin-unknown.json")); err != nil || !bytes.Contains(out, []byte(`"skip":true`)) {
		t.Fatalf("begin of an unknown transfer: %s %v", out, err)
	}
	integrity, err := invoke("InspectIntegrity", fixture(t, "inspect-read.json"))
	must(t, err)
	examine, err := invoke("InspectExamine", fixture(t, "inspect-read.json"))
	must(t, err)
	decideIn, _ := json.Marshal(map[string]any{"transferId": transferID, "attempt": 1,
		"read": []json.RawMessage{integrity, examine}})
	out, err = invoke("InspectDecide", decideIn)
	if err != nil || !bytes.Contains(out, []byte(`"status":"FAILED"`)) || !bytes.Contains(out, []byte("SUBTITLE_TIMING")) {
		t.Fatalf("decide: %s %v", out, err)
	}
	got, err := cloud.Store.GetTransfer(ctx, transferID)
	if err != nil || got.Status != lot.TransferFailed || got.Inspection == nil || got.Inspection.Files[0].SHA256 != f.SHA256 {
		t.Fatalf("the stored transfer: %+v %v", got, err)
	}

	// A video delivery: ffprobe and the decoding pass read it from MinIO
	// through presigned URLs (range requests, SigV4 in the query).
	if _, err := exec.LookPath("ffprobe"); err == nil {
		const avRequest, avTransfer = "01a00000-0000-7000-8000-00000000000c", "01a00000-0000-7000-8000-0000000000f3"
		ravr, err := lot.Create(ops, avRequest, lot.NewRequest{Title: title, Package: &lot.Package{ID: 2, MovieID: title.MovieID},
			FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}, SourceType: lot.SourceAVMuxed,
			DueDate: lot.DateOf(time.Now()).AddDays(9), MaterialStatus: lot.MaterialAccepted})
		must(t, err)
		must(t, cloud.Store.CreateRequests(ctx, ravr))
		media, err := os.ReadFile(fftest.Make(t, t.TempDir(), "feature", fftest.Spec{Seconds: 6, Black: [2]float64{1, 4}}))
		must(t, err)
		msum := sha256.Sum256(media)
		mf := lot.TransferFile{Name: "feature.mp4", Size: int64(len(media)), SHA256: hex.EncodeToString(msum[:]), ContentType: "video/mp4",
			Key: "deliveries/" + avRequest + "/" + avTransfer + "/file-01", PartSize: lot.MinTransferPart,
			Metadata: map[string]string{"frameRate": "24", "audioConfiguration": "2.0", "language": "en", "videoResolution": "HD"}}
		mu, err := cloud.Blobs.PresignPut(ctx, mf.Key, lot.PutOptions{ContentType: mf.ContentType, Expires: time.Minute})
		must(t, err)
		put, _ := http.NewRequest(mu.Method, mu.URL, bytes.NewReader(media))
		for k, v := range mu.Header {
			put.Header.Set(k, v)
		}
		presp, err := http.DefaultClient.Do(put)
		must(t, err)
		presp.Body.Close()
		atr, err := lot.NewTransfer(fp, avTransfer, ravr, lot.MethodAPI, []lot.TransferFile{mf})
		must(t, err)
		atr.Started(fp)
		must(t, atr.Delivered(fp))
		must(t, cloud.Store.CreateTransfer(ctx, atr))
		in := []byte(`{"transferId":"` + avTransfer + `","attempt":1}`)
		integrity, err := invoke("InspectIntegrity", in)
		must(t, err)
		examine, err := invoke("InspectExamine", in)
		if err != nil || !bytes.Contains(examine, []byte(`"width":640`)) || !bytes.Contains(examine, []byte(`"black":[{"startS":1`)) {
			t.Fatalf("examine over a presigned URL: %s %v", examine, err)
		}
		decideIn, _ := json.Marshal(map[string]any{"transferId": avTransfer, "attempt": 1, "read": []json.RawMessage{integrity, examine}})
		if out, err := invoke("InspectDecide", decideIn); err != nil || !bytes.Contains(out, []byte("BLACK_SEGMENT")) {
			t.Fatalf("decide: %s %v", out, err)
		}
	}

	_, err = invoke("InspectDecide", fixture(t, "inspect-decide-bad.json"))
	var ie messages.InvokeResponse_Error
	if !errors.As(err, &ie) || ie.Type != "openlot.BadInput" {
		t.Fatalf("a mismatched decide: %#v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
