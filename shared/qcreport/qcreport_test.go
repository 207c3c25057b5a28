package qcreport_test

import (
	"bytes"
	"encoding/csv"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/qcreport"
)

func report(t *testing.T) qcreport.Report {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	qcer := lot.Act{By: lot.Principal{Subject: "qc-ops", Role: lot.RoleQC}, At: at}
	q := lot.NewQC(qcer, 23.976, lot.QCReadyInspected)
	q.Act(qcer, lot.QCStart, "")
	events := []lot.QCEvent{
		{In: "00:00:10:00", Out: "00:00:12:12", Severity: lot.SeverityFYI, Category: "2.4", Note: "Dialogue a little hot in the café scene — within spec"},
		{In: "00:12:01:05", Out: "00:12:01:09", Severity: lot.SeverityIssue, Category: "1.2", Note: "Frame repeat on the cut to the harbour; " + strings.Repeat("long note to wrap ", 6)},
		{In: "01:02:03:04", Out: "01:02:05:00", Severity: lot.SeverityBlocker, Category: "2.2", Note: "=Audio drops out on all channels"},
	}
	for _, e := range events {
		if _, err := q.AddEvent(qcer, e); err != nil {
			t.Fatal(err)
		}
	}
	q.Finish(qcer, "")
	return qcreport.Report{Title: "House of Tides", Made: at,
		Request:  &lot.Request{ID: "01a00000-0000-7000-8000-000000000001", SourceType: lot.SourceAVMuxed, Language: "es-419"},
		Transfer: &lot.Transfer{ID: "01a00000-0000-7000-8000-0000000000ff", Files: []lot.TransferFile{{Name: "tides_es.mov"}}, QC: q}}
}

func TestCSVHasOneRowPerEvent(t *testing.T) {
	// Ensures the CSV report holds every event with its timecodes, severity,
	// glossary category and note, and a note cannot act as a formula.
	var b bytes.Buffer
	if err := qcreport.CSV(&b, report(t)); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	if got := strings.Join(rows[3][:6], "|"); got != "3|01:02:03:04|01:02:05:00|BLOCKER|2.2 Audio: dropout or silence|'=Audio drops out on all channels" {
		t.Fatalf("blocker row %q", got)
	}
}

func TestPDFShowsHeaderAndEvents(t *testing.T) {
	// Ensures the PDF report has its header (title, request, transfer,
	// status, counts) and the events table, by reading its text and
	// rendering it to PNG: the page is not blank and the Blocker row is
	// shaded red. The PNG is kept in OPENLOT_QC_REPORT_PNG when set, to look at.
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("OPENLOT_REQUIRE_STANDINS") != "" {
				t.Fatalf("%s is missing; make test installs poppler-utils", tool)
			}
			t.Skipf("%s is missing", tool)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "qc.pdf")
	f, _ := os.Create(path)
	if err := qcreport.PDF(f, report(t)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	text, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"QC report: House of Tides", "01a00000-0000-7000-8000-000000000001", "AV Muxed", "es-419",
		"tides_es.mov", "Failed", "3 in all: 1 blocker, 1 issue, 1 FYI", "00:12:01:05", "1.2 Video: dropped", "café", "BLOCKER"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-singlefile", path, filepath.Join(dir, "qc")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pngPath := filepath.Join(dir, "qc.png")
	if keep := os.Getenv("OPENLOT_QC_REPORT_PNG"); keep != "" {
		b, _ := os.ReadFile(pngPath)
		os.WriteFile(keep, b, 0o644)
	}
	pf, _ := os.Open(pngPath)
	img, err := png.Decode(pf)
	pf.Close()
	if err != nil {
		t.Fatal(err)
	}
	dark, red := count(img)
	if dark < 2000 {
		t.Errorf("the page has %d dark pixels, want at least 2000: the text is missing", dark)
	}
	if red < 500 {
		t.Errorf("the page has %d light-red pixels, want at least 500: the Blocker row is not shaded", red)
	}
}

func count(img image.Image) (dark, red int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if r < 90 && g < 90 && bl < 90 {
				dark++
			}
			if r > 240 && g > 210 && g < 235 && bl > 210 && bl < 235 {
				red++
			}
		}
	}
	return dark, red
}
