package portal_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/sqlite"
)

// racingStore loses the first n download updates to a concurrent writer,
// as when the blob server records the last bytes while the client reports
// the download complete.
type racingStore struct {
	lot.Store
	lose int
}

func (s *racingStore) UpdateDownload(ctx context.Context, id string, fn func(*lot.Download) (bool, error)) (*lot.Download, error) {
	if s.lose > 0 {
		s.lose--
		return nil, lot.Errorf(lot.CodeConflict, "the download changed meanwhile; reload and try again")
	}
	return s.Store.UpdateDownload(ctx, id, fn)
}

func TestCompletingADownloadSurvivesTheBlobServerWritingAtOnce(t *testing.T) {
	// Ensures a client's "I have the whole file" is recorded even when openlot's
	// own blob server updates the same download at that moment (seen as a 409
	// from openlot download under the race detector).
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sum := strings.Repeat("ab", 32)
	d := &lot.Download{ID: ids.V7{}.NewID(), MaterialID: "81000003.PROXY_VIDEO.v1", MovieID: 81000003, AssetType: lot.AssetProxyVideo,
		Version: 1, User: "u1", Partner: "juniper", Key: "materials/proxy.mp4", Size: 10, SHA256: sum, StartedAt: time.Now().UTC()}
	if err := db.CreateDownload(ctx, d); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lose int
		want bool
	}{{lose: 1, want: true}, {lose: 5, want: false}} {
		store := &racingStore{Store: db, lose: c.lose}
		svc := portal.New(store, lot.SystemClock, ids.V7{}, slog.New(slog.DiscardHandler))
		got, err := svc.Library.CompleteDownload(ctx, lot.Principal{Subject: "u1", Role: lot.RoleFP, Partner: "juniper"}, d.ID, sum)
		if !c.want {
			if !lot.IsCode(err, lot.CodeConflict) {
				t.Errorf("losing %d races in a row: %v, want conflict", c.lose, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("losing %d race: %v", c.lose, err)
		}
		if !got.Completed() {
			t.Errorf("losing %d race: the download is not completed", c.lose)
		}
		if got.CompletedBy != lot.CompletedByClient {
			t.Errorf("completed by %q, want %q", got.CompletedBy, lot.CompletedByClient)
		}
	}
}
