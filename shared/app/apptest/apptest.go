// Package apptest builds openlot's AWS side over the local stand-ins
// (dynalite, MinIO) for the functions' tests, and stores deliveries the way
// a finished upload leaves them.
package apptest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/standin"
)

// Cloud is app.AWS over the stand-ins, on a new table and bucket named for
// name; it skips the test when the stand-ins are not running.
func Cloud(t testing.TB, name string) *app.Cloud {
	t.Helper()
	env := map[string]string{
		app.EnvTable: "openlot-" + name + "-" + time.Now().Format("150405.000000"), app.EnvBucket: "openlot-" + name,
		app.EnvDynamoEndpoint: standin.Endpoint(t, standin.DynamoDBEnv), app.EnvS3Endpoint: standin.Endpoint(t, standin.S3Env),
		"AWS_REGION": "us-east-1", app.EnvLogLevel: "error",
	}
	t.Setenv("AWS_ACCESS_KEY_ID", os.Getenv(standin.S3KeyEnv))
	t.Setenv("AWS_SECRET_ACCESS_KEY", os.Getenv(standin.S3SecretEnv))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	ctx := context.Background()
	cloud, err := app.AWS(ctx, func(k string) string { return env[k] })
	if err == nil {
		err = cloud.Store.CreateTable(ctx)
	}
	if err == nil {
		err = cloud.Blobs.CreateBucket(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return cloud
}

// Delivered stores data as the one file of a new transfer to r by juniper's
// Ana, uploaded and completed (Pending Inspection), and returns it.
func Delivered(t testing.TB, blobs lot.Blobs, store lot.Store, r *lot.Request, transferID, name string, data []byte, meta map[string]string) *lot.Transfer {
	t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256(data)
	f := lot.TransferFile{Name: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Metadata: meta,
		Key: "deliveries/" + r.ID + "/" + transferID + "/file-01", PartSize: lot.MinTransferPart}
	u, err := blobs.PresignPut(ctx, f.Key, lot.PutOptions{Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if code, body, _ := blobtest.Do(t, u, data); code != http.StatusOK {
		t.Fatalf("storing %s: %d %s", name, code, body)
	}
	fp := lot.Act{By: lot.Principal{Subject: "ana", Role: lot.RoleFP, Partner: "juniper"}, At: r.CreatedAt}
	tr, err := lot.NewTransfer(fp, transferID, r, lot.MethodAPI, []lot.TransferFile{f})
	if err == nil {
		tr.Started(fp)
		err = tr.Delivered(fp)
	}
	if err == nil {
		err = store.CreateTransfer(ctx, tr)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
