// Package apptest stores deliveries the way a finished upload leaves them,
// for tests of either composition (shared/app locally, shared/awsapp over
// the stand-ins).
package apptest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/blobtest"
	"github.com/openlot/openlot/shared/lot"
)

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
