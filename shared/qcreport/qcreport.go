// Package qcreport writes a delivery's QC report for partners: CSV (one
// row per event) and PDF (a header with title, request, transfer, status
// and counts, then the table of events), with go-pdf/fpdf.
package qcreport

import (
	"encoding/csv"
	"fmt"
	"github.com/dustin/go-humanize/english"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/openlot/openlot/shared/lot"
)

// Report is what a report shows.
type Report struct {
	Title    string
	Request  *lot.Request
	Transfer *lot.Transfer
	Made     time.Time
}

func category(code string) string {
	for _, c := range lot.QCGlossary {
		if c.Code == code {
			return c.Code + " " + c.Name
		}
	}
	return code
}

var header = []string{"#", "TC in", "TC out", "Severity", "Category", "Note", "Signed off", "By", "At"}

// CSV writes one row per event, after a header row.
func CSV(w io.Writer, r Report) error {
	cw := csv.NewWriter(w)
	cw.Write(header)
	for _, e := range r.Transfer.QC.Events {
		signed := ""
		if e.SignedOff {
			signed = "yes"
		}
		cw.Write([]string{fmt.Sprint(e.N), e.In, e.Out, string(e.Severity), category(e.Category), safeCell(e.Note), signed, e.By,
			e.At.UTC().Format(time.RFC3339)})
	}
	cw.Flush()
	return cw.Error()
}

// safeCell keeps a spreadsheet from reading a note as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// PDF writes the report as an A4 landscape PDF.
func PDF(w io.Writer, r Report) error {
	q, t := r.Transfer.QC, r.Transfer
	pdf := fpdf.New("L", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: the core fonts' accents, dashes and quotes
	pdf.SetTitle("QC report "+t.ID, true)
	pdf.SetAuthor("openlot", true)
	pdf.SetAutoPageBreak(true, 15)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 6, tr(fmt.Sprintf("openlot QC report · transfer %s · made %s · page %d", t.ID, r.Made.UTC().Format("2006-01-02 15:04 UTC"), pdf.PageNo())),
			"", 0, "C", false, 0, "")
	})
	pdf.AddPage()

	pdf.SetFont("Helvetica", "B", 18)
	pdf.SetTextColor(20, 20, 20)
	pdf.CellFormat(0, 10, tr("QC report: "+r.Title), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	req := r.Request
	files := make([]string, len(t.Files))
	for i, f := range t.Files {
		files[i] = f.Name
	}
	rows := [][2]string{
		{"Request", fmt.Sprintf("%s · %s · %s", req.ID, req.SourceType.Name(), langOr(req.Language))},
		{"Transfer", fmt.Sprintf("%s · %s", t.ID, strings.Join(files, ", "))},
		{"Status", q.Status.Name()},
		{"Frame rate", fmt.Sprintf("%g fps%s", q.FrameRate, map[bool]string{true: " drop-frame", false: ""}[q.DropFrame])},
	}
	c := q.Counts()
	rows = append(rows, [2]string{"Events", fmt.Sprintf("%d in all: %s, %s, %s", len(q.Events),
		english.Plural(c[lot.SeverityBlocker], "blocker", ""), english.Plural(c[lot.SeverityIssue], "issue", ""),
		english.Plural(c[lot.SeverityFYI], "FYI", "FYIs"))})
	for _, row := range rows {
		pdf.SetFont("Helvetica", "B", 10)
		pdf.CellFormat(30, 6, tr(row[0]), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(0, 6, tr(row[1]), "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)

	widths := []float64{10, 26, 26, 22, 58, 100, 18, 17}
	cols := header[:8]
	pdf.SetFont("Helvetica", "B", 9)
	pdf.SetFillColor(35, 55, 90)
	pdf.SetTextColor(255, 255, 255)
	for i, h := range cols {
		pdf.CellFormat(widths[i], 7, h, "1", 0, "L", true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	pdf.SetTextColor(20, 20, 20)
	if len(q.Events) == 0 {
		pdf.CellFormat(sum(widths), 7, "No events.", "1", 1, "L", false, 0, "")
	}
	for i, e := range q.Events {
		fill := i%2 == 1
		pdf.SetFillColor(238, 241, 246)
		switch e.Severity {
		case lot.SeverityBlocker:
			pdf.SetFillColor(250, 222, 222)
			fill = true
		case lot.SeverityIssue:
			if !e.SignedOff {
				pdf.SetFillColor(252, 240, 214)
				fill = true
			}
		}
		signed := ""
		if e.SignedOff {
			signed = "yes"
		}
		cells := []string{fmt.Sprint(e.N), e.In, e.Out, string(e.Severity), category(e.Category), e.Note, signed, e.By}
		// One row: as tall as its longest wrapped cell.
		lines := 1
		for j, s := range cells {
			lines = max(lines, len(pdf.SplitLines([]byte(tr(s)), widths[j]-2)))
		}
		h := float64(lines) * 5
		if pdf.GetY()+h > 195 {
			pdf.AddPage()
		}
		x, y := pdf.GetX(), pdf.GetY()
		for j, s := range cells {
			pdf.Rect(x, y, widths[j], h, map[bool]string{true: "FD", false: "D"}[fill])
			pdf.SetXY(x+1, y)
			pdf.MultiCell(widths[j]-2, 5, tr(s), "", "L", false)
			x += widths[j]
			pdf.SetXY(x, y)
		}
		left, _, _, _ := pdf.GetMargins()
		pdf.SetXY(left, y+h)
	}
	return pdf.Output(w)
}

func langOr(l string) string {
	if l == "" {
		return "no language"
	}
	return l
}

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}
