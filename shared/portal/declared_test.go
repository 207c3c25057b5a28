package portal_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/flowtest"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/sqlite"
)

// inspectionWorld is a portal with a SQLite store, a disk blob store behind
// a real HTTP server (signed URLs, ranged reads) and ffmpeg, whose
// inspection flow runs in openlot's own interpreter.
type inspectionWorld struct {
	t     *testing.T
	db    *sqlite.Store
	blobs *diskblob.Store
	svc   *portal.Service
	n     int
}

func newInspectionWorld(t *testing.T) *inspectionWorld {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	blobs, err := diskblob.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "blob.key"), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(diskblob.Prefix, blobs.Handler(nil))
	svc := portal.New(db, lot.SystemClock, ids.V7{}, slog.New(slog.DiscardHandler))
	svc.Deps.Blobs, svc.Deps.Media = blobs, ffmpeg.Media{}
	return &inspectionWorld{t: t, db: db, blobs: blobs, svc: svc}
}

// inspect delivers body as one file to a new request of source type st
// with metadata meta, runs the inspection flow (to its end, which may be
// the fault state), and returns the transfer.
func (w *inspectionWorld) inspect(st lot.SourceType, lang, name string, body []byte, meta map[string]string) *lot.Transfer {
	t, ctx := w.t, w.t.Context()
	t.Helper()
	w.n++
	now := time.Now().UTC()
	title := &lot.Title{MovieID: 81000000, Name: "Orbital", ContentPartner: "northstar", MovieType: lot.MovieStandalone}
	r, err := lot.Create(lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: now}, fmt.Sprintf("0190f0f0-0000-7000-8000-%012d", w.n), lot.NewRequest{
		Title: title, Package: &lot.Package{ID: 1000, MovieID: title.MovieID, Countries: []string{"US"}},
		FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment},
		SourceType:         st, Language: lang, DueDate: lot.DateOf(now).AddDays(10),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.CreateRequests(ctx, r); err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("deliveries/%s/%s", r.ID, name)
	u, err := w.blobs.PresignPut(ctx, key, lot.PutOptions{Expires: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, u.Method, u.URL, bytes.NewReader(body))
	for k, v := range u.Header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("storing %s: %s", name, resp.Status)
	}
	sum := sha256.Sum256(body)
	tr := &lot.Transfer{ID: fmt.Sprintf("0190f0f0-0000-7000-9000-%012d", w.n), RequestID: r.ID, FulfillmentPartner: "juniper",
		ContentPartner: "northstar", Method: lot.DeliveryMethod("API"), DeliveredBy: "fp-juniper", Status: lot.TransferPendingInspection,
		Files: []lot.TransferFile{{Name: name, Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), ContentType: "application/octet-stream",
			Metadata: meta, Key: key}}, CreatedAt: now, DeliveredAt: now}
	if err := w.db.CreateTransfer(ctx, tr); err != nil {
		t.Fatal(err)
	}
	ends := flowtest.Local(ctx, portal.InspectionFlow(), w.svc.Deliveries.InspectionSteps(), []any{portal.InspectionInput{TransferID: tr.ID, Attempt: 1}})
	if len(ends) != 1 {
		t.Fatalf("inspection of %s: %v", name, ends)
	}
	got, err := w.db.GetTransfer(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestDeliveriesAreInspectedAgainstWhatWasDeclared(t *testing.T) {
	// Ensures the inspection flow checks what a delivery declares: 17 bytes
	// of text delivered as a Final Script PDF fail (FORMAT_NOT_AS_DECLARED,
	// saying what the file is), a real PDF is Processed, and a 24-bit print
	// master declared 16-bit fails with BIT_DEPTH_NOT_AS_DECLARED.
	fftest.Need(t)
	w := newInspectionWorld(t)

	text := w.inspect(lot.SourceFinalScript, "en", "script.pdf", []byte("this is not a pdf"), map[string]string{"language": "en", "scriptFormat": "PDF"})
	if text.Status != lot.TransferFailed || text.ErrorCode != "FORMAT_NOT_AS_DECLARED" {
		t.Errorf("text as a PDF script: %s %s (%q), want Failed FORMAT_NOT_AS_DECLARED", text.Status, text.ErrorCode, text.ErrorMessage)
	}
	if !strings.Contains(text.ErrorMessage, "plain text") || !strings.Contains(text.ErrorMessage, "PDF") {
		t.Errorf("text as a PDF script: message %q does not say what the file is and what was declared", text.ErrorMessage)
	}
	if f := text.Inspection.Findings; len(f) != 1 || f[0].File != "script.pdf" || f[0].Overridable {
		t.Errorf("text as a PDF script: findings %+v, want one, on script.pdf, not overridable", f)
	}

	pdf := w.inspect(lot.SourceFinalScript, "en", "script.pdf", mustPDF(t), map[string]string{"language": "en", "scriptFormat": "PDF"})
	if pdf.Status != lot.TransferProcessed {
		t.Errorf("a PDF script: %s %s (%q), want Processed", pdf.Status, pdf.ErrorCode, pdf.ErrorMessage)
	}
	if got := pdf.Inspection.Files[0].Format; !strings.HasPrefix(got, "a PDF document") {
		t.Errorf("a PDF script: inspection recorded format %q, want a PDF document", got)
	}

	// A 1 MB PDF cut short (more than the windows inspection reads): its
	// end is read, and it has no %%EOF.
	big := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("% a comment line of padding\n"), 40000)...)
	if got := w.inspect(lot.SourceFinalScript, "en", "big.pdf", big, map[string]string{"scriptFormat": "PDF"}); got.ErrorCode != "FILE_DAMAGED" {
		t.Errorf("a %d-byte PDF cut short: %s %s, want Failed FILE_DAMAGED", len(big), got.Status, got.ErrorCode)
	}
	if got := w.inspect(lot.SourceFinalScript, "en", "big.pdf", append(big, "%%EOF\n"...), map[string]string{"scriptFormat": "PDF"}); got.Status != lot.TransferProcessed {
		t.Errorf("a %d-byte PDF: %s %s (%q), want Processed", len(big)+6, got.Status, got.ErrorCode, got.ErrorMessage)
	}

	dir := t.TempDir()
	wav, err := os.ReadFile(fftest.Make(t, dir, "printmaster", fftest.Spec{Seconds: 2, NoVideo: true})) // 24-bit, 48 kHz
	if err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{"language": "en", "audioConfiguration": "2.0", "frameRate": "24", "sampleRate": "48000"}
	meta["bitDepth"] = "16"
	wrong := w.inspect(lot.SourceAudioPrintMaster, "en", "printmaster.wav", wav, meta)
	if wrong.Status != lot.TransferFailed || wrong.ErrorCode != "BIT_DEPTH_NOT_AS_DECLARED" {
		t.Errorf("24-bit audio declared 16-bit: %s %s (%q), want Failed BIT_DEPTH_NOT_AS_DECLARED", wrong.Status, wrong.ErrorCode, wrong.ErrorMessage)
	}
	meta["bitDepth"] = "24"
	right := w.inspect(lot.SourceAudioPrintMaster, "en", "printmaster.wav", wav, meta)
	if right.Status != lot.TransferProcessed {
		t.Errorf("24-bit audio declared 24-bit: %s %s (%q), want Processed", right.Status, right.ErrorCode, right.ErrorMessage)
	}
}

// failingReads is a blob store whose ranged reads fail where fails says,
// as storage does when it is unreachable; whole reads (the integrity
// step's) work.
type failingReads struct {
	*diskblob.Store
	fails func(offset, length int64) bool
}

func (f failingReads) Read(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if length >= 0 && f.fails(offset, length) {
		return nil, errors.New("storage unreachable")
	}
	return f.Store.Read(ctx, key, offset, length)
}

func TestAStorageFaultReadingADocumentIsNoFinding(t *testing.T) {
	// Ensures a script that cannot be read from storage ends in Internal
	// Error (openlot's fault, inspected again), never Failed with a finding
	// against the partner: when its first bytes cannot be read, and when a
	// read its structure points to (an Office package's [Content_Types].xml
	// in the middle of a 1 MB file) fails.
	fftest.Need(t)
	w := newInspectionWorld(t)
	meta := map[string]string{"language": "en", "scriptFormat": "DOCX"}
	var big bytes.Buffer
	z := zip.NewWriter(&big)
	filler, _ := z.CreateHeader(&zip.FileHeader{Name: "word/media/image1.png", Method: zip.Store})
	filler.Write(bytes.Repeat([]byte{0x89}, 600<<10))
	for name, body := range map[string]string{"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml": `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>`} {
		part, _ := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		part.Write([]byte(body))
	}
	filler, _ = z.CreateHeader(&zip.FileHeader{Name: "word/media/image2.png", Method: zip.Store})
	filler.Write(bytes.Repeat([]byte{0x89}, 600<<10))
	z.Close()

	if got := w.inspect(lot.SourceFinalScript, "en", "script.docx", big.Bytes(), meta); got.Status != lot.TransferProcessed {
		t.Fatalf("a 1.2 MB DOCX, storage working: %s %s (%q), want Processed", got.Status, got.ErrorCode, got.ErrorMessage)
	}
	size := int64(big.Len())
	for _, c := range []struct {
		what  string
		fails func(offset, length int64) bool
	}{
		{"every ranged read fails", func(int64, int64) bool { return true }},
		{"reads between the first and the last 256 KiB fail", func(offset, _ int64) bool { return offset > 0 && offset < size-256<<10 }},
	} {
		w.svc.Deps.Blobs = failingReads{Store: w.blobs, fails: c.fails}
		got := w.inspect(lot.SourceFinalScript, "en", "script.docx", big.Bytes(), meta)
		if got.Status != lot.TransferInternalError {
			t.Errorf("%s: %s %s (%q), want Internal Error", c.what, got.Status, got.ErrorCode, got.ErrorMessage)
		}
	}
	w.svc.Deps.Blobs = w.blobs
}

// mustPDF writes a minimal valid PDF: one empty page, its cross-reference
// table at the offsets of its objects, and the trailer.
func mustPDF(tb testing.TB) []byte {
	tb.Helper()
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"}
	var at []int
	for i, o := range objs {
		at = append(at, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range at {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
