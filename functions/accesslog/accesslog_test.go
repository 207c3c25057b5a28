package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openlot/openlot/shared/awsapp/awsapptest"
	"github.com/openlot/openlot/shared/lot"
)

const downloadID = "01a20604-4851-7f1c-bd81-0a326b4a9f97" // tagged in the fixture log

func TestAccessLogCompletesDownloads(t *testing.T) {
	// Ensures a new access-log object (the fixture's two ranged GETs of one tagged URL, a refused GET, an upload) completes the download whose bytes it adds up, and that the same event again counts nothing twice.
	cloud := awsapptest.Cloud(t, "accesslog")
	ctx := context.Background()
	d := &lot.Download{ID: downloadID, MaterialID: "81000001.AUDIO_STEMS.v1", MovieID: 81000001, AssetType: lot.AssetAudioStems,
		Version: 1, User: "ana", Partner: "juniper", Key: "materials/demo/stems_5.1.wav", Size: 18000, SHA256: "ab", StartedAt: time.Now().UTC()}
	must(t, cloud.Store.CreateDownload(ctx, d))
	logs := cloud.BucketBlobs("openlot-accesslog-logs")
	must(t, logs.CreateBucket(ctx))
	body, err := os.ReadFile("../../events/accesslog/2026-02-06-00-01-10-5F6A7B8C9D0E1F2A")
	must(t, err)
	u, err := logs.PresignPut(ctx, "access/2026-02-06-00-01-10-5F6A7B8C9D0E1F2A", lot.PutOptions{})
	must(t, err)
	req, _ := http.NewRequest(u.Method, u.URL, bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()

	event, err := os.ReadFile("../../events/accesslog/log-delivered.json")
	must(t, err)
	h := lambda.NewHandler(handler(cloud))
	for range 2 {
		if _, err := h.Invoke(ctx, event); err != nil {
			t.Fatal(err)
		}
	}
	got, err := cloud.Store.GetDownload(ctx, downloadID)
	must(t, err)
	if !got.Completed() {
		t.Errorf("after the log, twice: not completed: %+v", got)
	}
	if got.CompletedBy != lot.CompletedByAccessLog {
		t.Errorf("after the log, twice: completed by %q, want %q", got.CompletedBy, lot.CompletedByAccessLog)
	}
	if got.BytesSent != 18000 {
		t.Errorf("after the log, twice: %d bytes sent, want 18000 (counted once)", got.BytesSent)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
