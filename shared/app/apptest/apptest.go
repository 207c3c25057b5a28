// Package apptest stores deliveries the way a finished upload leaves them,
// for tests of either composition (shared/app locally, shared/awsapp over
// the stand-ins).
package apptest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
	return DeliveredFiles(t, blobs, store, r, transferID, []File{{Name: name, Data: data, Meta: meta}})
}

// File is one file of a delivery DeliveredFiles stores.
type File struct {
	Name string
	Data []byte
	Meta map[string]string
}

// DeliveredFiles stores files as one new transfer to r by juniper's Ana
// (an IMF package, audio stems), uploaded and completed (Pending
// Inspection), and returns it.
func DeliveredFiles(t testing.TB, blobs lot.Blobs, store lot.Store, r *lot.Request, transferID string, files []File) *lot.Transfer {
	t.Helper()
	ctx := context.Background()
	var tf []lot.TransferFile
	for i, file := range files {
		sum := sha256.Sum256(file.Data)
		f := lot.TransferFile{Name: file.Name, Size: int64(len(file.Data)), SHA256: hex.EncodeToString(sum[:]), Metadata: file.Meta,
			Key: fmt.Sprintf("deliveries/%s/%s/file-%02d", r.ID, transferID, i+1), PartSize: lot.MinTransferPart}
		u, err := blobs.PresignPut(ctx, f.Key, lot.PutOptions{Expires: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if code, body, _ := blobtest.Do(t, u, file.Data); code != http.StatusOK {
			t.Fatalf("storing %s: %d %s", file.Name, code, body)
		}
		tf = append(tf, f)
	}
	fp := lot.Act{By: lot.Principal{Subject: "ana", Role: lot.RoleFP, Partner: "juniper"}, At: r.CreatedAt}
	tr, err := lot.NewTransfer(fp, transferID, r, lot.MethodAPI, tf)
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
