package portal_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/portal/steps"
	"github.com/openlot/openlot/shared/sqlite"
)

// memBlobs holds delivered files in memory; inspection of subtitles only
// reads them.
type memBlobs struct {
	lot.Blobs
	files map[string][]byte
}

func (m *memBlobs) Read(_ context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	b, ok := m.files[key]
	if !ok {
		return nil, lot.Errorf(lot.CodeNotFound, "no blob %s", key)
	}
	b = b[min(offset, int64(len(b))):]
	if length >= 0 {
		b = b[:min(length, int64(len(b)))]
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// subtitleWorld is a title whose primary AV delivery is processed and
// was inspected as a 10-minute programme.
type subtitleWorld struct {
	t     *testing.T
	svc   *portal.Service
	db    lot.Store
	blobs *memBlobs
	title *lot.Title
	at    time.Time
	n     int
}

func newSubtitleWorld(t *testing.T, runtime float64) *subtitleWorld {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	svc := portal.New(db, lot.ClockFunc(func() time.Time { return at }), ids.V7{}, slog.New(slog.DiscardHandler))
	w := &subtitleWorld{t: t, svc: svc, db: db, blobs: &memBlobs{files: map[string][]byte{}}, at: at,
		title: &lot.Title{MovieID: 97000001, Name: "Subtitle Fixture", ContentPartner: "northstar", MovieType: lot.MovieStandalone}}
	svc.Deps.Blobs = w.blobs
	// The primary: an AV delivery, inspected and processed.
	r := w.request(lot.SourceAVMuxed, "hi")
	tr := w.transfer(r, "programme.mov", []byte("not read: already inspected"), map[string]string{"frameRate": "25"})
	a := lot.Act{At: at}
	insp := lot.Inspection{Attempt: 1, PolicyVersion: "test", At: at, Findings: []lot.Finding{},
		Files: []lot.InspectedFile{{Name: tr.Files[0].Name, SHA256: tr.Files[0].SHA256, Media: &lot.MediaInfo{Container: "mov,mp4", Duration: runtime,
			Video: []lot.VideoStream{{Codec: "prores", Width: 1920, Height: 1080, FrameRate: 25, Duration: runtime}}}}}}
	if _, err := db.UpdateTransfer(ctx, tr.ID, func(x *lot.Transfer) (bool, error) { return true, x.Inspected(a, insp) }); err != nil {
		t.Fatal(err)
	}
	done, err := db.GetTransfer(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateRequest(ctx, r.ID, func(x *lot.Request) error { x.RecordInspection(a, done); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.GetRequest(ctx, r.ID); got.Status != lot.StatusProcessed {
		t.Fatalf("the primary is %s, want processed", got.Status)
	}
	return w
}

func (w *subtitleWorld) request(st lot.SourceType, lang string) *lot.Request {
	w.t.Helper()
	w.n++
	ops := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: w.at}
	r, err := lot.Create(ops, fmt.Sprintf("01a0dddd-0000-7000-8000-%012d", w.n), lot.NewRequest{Title: w.title,
		Package: &lot.Package{ID: 97001, MovieID: w.title.MovieID}, FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment},
		SourceType: st, Language: lang, DueDate: lot.DateOf(w.at).AddDays(9), MaterialStatus: lot.MaterialAccepted})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.db.CreateRequests(w.t.Context(), r); err != nil {
		w.t.Fatal(err)
	}
	return r
}

// transfer stores data as the one file of a delivery to r, in Pending
// Inspection.
func (w *subtitleWorld) transfer(r *lot.Request, name string, data []byte, meta map[string]string) *lot.Transfer {
	w.t.Helper()
	w.n++
	id := fmt.Sprintf("01a0dddd-0000-7000-8000-%012d", 1000+w.n)
	sum := sha256.Sum256(data)
	f := lot.TransferFile{Name: name, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Metadata: meta,
		Key: "deliveries/" + r.ID + "/" + id + "/file-01", PartSize: lot.MinTransferPart}
	w.blobs.files[f.Key] = data
	fp := lot.Act{By: lot.Principal{Subject: "ana", Role: lot.RoleFP, Partner: "juniper"}, At: w.at}
	tr, err := lot.NewTransfer(fp, id, r, lot.MethodAPI, []lot.TransferFile{f})
	if err == nil {
		tr.Started(fp)
		err = tr.Delivered(fp)
	}
	if err == nil {
		err = w.db.CreateTransfer(w.t.Context(), tr)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return tr
}

// inspect runs the inspection flow's steps over a delivery, as the flow
// does (Begin, then Integrity and Examine, then Decide), and returns the
// transfer as decided.
func (w *subtitleWorld) inspect(tr *lot.Transfer) *lot.Transfer {
	w.t.Helper()
	ctx := w.t.Context()
	st := w.svc.Steps()
	in, _ := json.Marshal(portal.InspectionInput{TransferID: tr.ID, Attempt: 1})
	begin, err := st.Invoke(ctx, steps.InspectBegin, in)
	if err != nil {
		w.t.Fatal(err)
	}
	if bytes.Contains(begin, []byte(`"waitForPrimary":true`)) || bytes.Contains(begin, []byte(`"skip":true`)) {
		w.t.Fatalf("inspection does not go on: %s", begin)
	}
	integrity, err := st.Invoke(ctx, steps.InspectIntegrity, in)
	if err != nil {
		w.t.Fatal(err)
	}
	examine, err := st.Invoke(ctx, steps.InspectExamine, in)
	if err != nil {
		w.t.Fatal(err)
	}
	decideIn, _ := json.Marshal(map[string]any{"transferId": tr.ID, "attempt": 1, "read": []json.RawMessage{integrity, examine}})
	if _, err := st.Invoke(ctx, steps.InspectDecide, decideIn); err != nil {
		w.t.Fatal(err)
	}
	got, err := w.db.GetTransfer(ctx, tr.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return got
}

func stlFile(lc string, in, out [4]byte) []byte {
	gsi := bytes.Repeat([]byte{' '}, 1024)
	for at, s := range map[int]string{0: "850", 3: "STL25.01", 11: "0", 12: "00", 14: lc, 224: "261201", 230: "261201", 236: "00",
		238: "00001", 243: "00001", 248: "001", 251: "40", 253: "23", 255: "1", 256: "10000000", 264: "10000000", 272: "1", 273: "1", 274: "GBR"} {
		copy(gsi[at:], s)
	}
	tti := make([]byte, 128)
	tti[1], tti[3], tti[13], tti[14] = 1, 0xFF, 20, 2
	copy(tti[5:9], in[:])
	copy(tti[9:13], out[:])
	for i := 16; i < 128; i++ {
		tti[i] = 0x8F
	}
	copy(tti[16:], "\x80Se\xc4nor\x8a\x81")
	return append(gsi, tti...)
}

func TestSubtitlesAreInspectedByTheirFormatsRules(t *testing.T) {
	// Ensures subtitle deliveries end as their formats' rules say: a valid
	// EBU STL and a valid SCC are Processed, a TTML document in another
	// language than the request fails, and a subtitle running past the
	// title's processed primary video fails with SUBTITLE_OUTSIDE_RUNTIME.
	w := newSubtitleWorld(t, 600)
	ttml := `<?xml version="1.0" encoding="UTF-8"?>
<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="25" xml:lang="es">
<body><div><p begin="00:00:01:00">Hola</p><p begin="00:00:05.000" end="00:00:07.000">Adiós</p></div></body></tt>`
	scc := "Scenarist_SCC V1.0\n\n" +
		"01:00:01;00\t9420 9420 94ae 94ae 9452 9452 97a1 97a1 c8e5 ecec ef80 942f 942f\n\n" +
		"01:00:04;00\t942c 942c\n"
	cases := []struct {
		name, lang, file string
		st               lot.SourceType
		data             []byte
		meta             map[string]string
		status           lot.TransferStatus
		code             string
	}{
		{"valid STL", "es", "a.stl", lot.SourceSubtitle, stlFile("0A", [4]byte{10, 0, 1, 0}, [4]byte{10, 0, 3, 12}),
			map[string]string{"subtitleFormat": "STL", "frameRate": "25", "language": "es"}, lot.TransferProcessed, ""},
		{"valid SCC", "en-US", "a.scc", lot.SourceSDHCC, []byte(scc),
			map[string]string{"subtitleFormat": "SCC", "frameRate": "29.97", "language": "en-US", "startTimecode": "01:00:00;00"}, lot.TransferProcessed, ""},
		{"valid TTML", "es", "a.ttml", lot.SourceSubtitle, []byte(ttml),
			map[string]string{"subtitleFormat": "TTML", "frameRate": "25", "language": "es"}, lot.TransferProcessed, ""},
		{"TTML in spanish, request hindi, metadata french", "hi", "b.ttml", lot.SourceSubtitle, []byte(ttml),
			map[string]string{"subtitleFormat": "TTML", "frameRate": "25", "language": "fr"}, lot.TransferFailed, "LANGUAGE_MISMATCH"},
		{"SRT past the programme", "es", "late.srt", lot.SourceSubtitle, []byte("1\n00:00:01,000 --> 00:00:02,000\nHola\n\n2\n00:10:20,000 --> 00:10:22,000\nAdiós\n"),
			map[string]string{"subtitleFormat": "SRT", "frameRate": "25", "language": "es"}, lot.TransferFailed, "SUBTITLE_OUTSIDE_RUNTIME"},
		{"STL past the programme", "es", "late.stl", lot.SourceSubtitle, stlFile("0A", [4]byte{10, 10, 30, 0}, [4]byte{10, 10, 32, 0}),
			map[string]string{"subtitleFormat": "STL", "frameRate": "25", "language": "es"}, lot.TransferFailed, "SUBTITLE_OUTSIDE_RUNTIME"},
	}
	for _, c := range cases {
		r := w.request(c.st, c.lang)
		got := w.inspect(w.transfer(r, c.file, c.data, c.meta))
		if got.Status != c.status {
			t.Errorf("%s: %s, want %s: %+v", c.name, got.Status, c.status, got.Inspection.Findings)
			continue
		}
		if c.code != "" && got.ErrorCode != c.code {
			t.Errorf("%s: error code %s, want %s: %+v", c.name, got.ErrorCode, c.code, got.Inspection.Findings)
		}
		if c.code == "SUBTITLE_OUTSIDE_RUNTIME" && !strings.Contains(got.ErrorMessage, "the programme runs 0:10:00.000") {
			t.Errorf("%s: %q does not give the primary video's runtime", c.name, got.ErrorMessage)
		}
	}
}
