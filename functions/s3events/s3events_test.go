package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/openlot/openlot/shared/awsapp/awsapptest"
	"github.com/openlot/openlot/shared/lot"
)

const (
	requestID  = "01a00000-0000-7000-8000-00000000000a"
	transferID = "01a00000-0000-7000-8000-0000000000f1"
	fileSize   = 9437191 // as in complete-multipart.json: two parts
)

func TestAssembledUploadCompletesItsTransfer(t *testing.T) {
	// Ensures the object-created event of an assembled delivery moves its
	// transfer to Pending Inspection after checking the SHA-256, that the
	// same event again changes nothing, and that other keys are ignored.
	cloud := awsapptest.Cloud(t, "s3events")
	ctx := context.Background()

	ops := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: time.Now().UTC()}
	title := &lot.Title{MovieID: 81000001, Name: "Orbital: Season 1: Episode 3", ContentPartner: "northstar", MovieType: lot.MovieEpisode}
	r, err := lot.Create(ops, requestID, lot.NewRequest{Title: title, Package: &lot.Package{ID: 1, MovieID: title.MovieID},
		FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}, SourceType: lot.SourceSubtitle,
		Language: "es-419", DueDate: lot.DateOf(time.Now()).AddDays(9), MaterialStatus: lot.MaterialAccepted})
	must(t, err)
	must(t, cloud.Store.CreateRequests(ctx, r))

	data := make([]byte, fileSize)
	rand.Read(data)
	sum := sha256.Sum256(data)
	f := lot.TransferFile{Name: "orbital_s01e03_es-419.ttml", Size: fileSize, SHA256: hex.EncodeToString(sum[:]),
		ContentType: "application/ttml+xml", Key: "deliveries/" + requestID + "/" + transferID + "/file-01", PartSize: lot.MinTransferPart}
	if f.UploadID, err = cloud.Blobs.CreateUpload(ctx, f.Key, f.ContentType); err != nil {
		t.Fatal(err)
	}
	tr, err := lot.NewTransfer(lot.Act{By: lot.Principal{Subject: "ana", Role: lot.RoleFP, Partner: "juniper"}, At: ops.At}, transferID, r, lot.MethodAPI, []lot.TransferFile{f})
	must(t, err)
	must(t, cloud.Store.CreateTransfer(ctx, tr))

	// The upload finishes in storage, but nobody calls complete.
	var parts []lot.Part
	for n := 1; n <= f.Parts(); n++ {
		body := data[(n-1)*lot.MinTransferPart : min(n*lot.MinTransferPart, fileSize)]
		ps := sha256.Sum256(body)
		u, err := cloud.Blobs.PresignPart(ctx, f.Key, f.UploadID, n, lot.PartOptions{SHA256: base64.StdEncoding.EncodeToString(ps[:]), Size: int64(len(body))})
		must(t, err)
		req, _ := http.NewRequest(u.Method, u.URL, bytes.NewReader(body))
		for k, v := range u.Header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("part %d: %s", n, resp.Status)
		}
	}
	parts, err = cloud.Blobs.ListParts(ctx, f.Key, f.UploadID)
	must(t, err)
	if _, err := cloud.Blobs.CompleteUpload(ctx, f.Key, f.UploadID, parts); err != nil {
		t.Fatal(err)
	}

	h := lambda.NewHandler(handler(cloud))
	for _, name := range []string{"unrelated-put", "complete-multipart", "complete-multipart"} {
		payload, err := os.ReadFile("../../events/s3events/" + name + ".json")
		must(t, err)
		if _, err := h.Invoke(ctx, payload); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := cloud.Store.GetTransfer(ctx, transferID)
		must(t, err)
		switch name {
		case "unrelated-put":
			if got.Status != lot.TransferWaitingForUpload {
				t.Fatalf("an unrelated object moved the transfer: %s", got.Status)
			}
		default:
			if got.Status != lot.TransferPendingInspection {
				t.Fatalf("after %s: %s, want %s", name, got.Status, lot.TransferPendingInspection)
			}
			if got.Version != 2 {
				t.Fatalf("after %s: version %d, want 2 (completed once)", name, got.Version)
			}
		}
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}
