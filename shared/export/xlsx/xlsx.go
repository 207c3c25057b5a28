// Package xlsx writes selected requests as an Excel workbook (XLSX) with
// excelize. It is apart from package export so that only the programs that
// write workbooks link excelize (whose reflection keeps the linker from
// dropping unused methods): the local server and the export Lambda function,
// not the api function.
package xlsx

import (
	"bytes"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/openlot/openlot/shared/export"
)

// Sheet is the name of the worksheet in the workbook.
const Sheet = "Source requests"

// Write writes the rows as an Excel workbook: a bold, frozen header row,
// dates as Excel dates, numbers as numbers, and an autofilter.
func Write(rows []export.Row, columns []string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", Sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	iso, stamp := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &iso})
	if err != nil {
		return nil, err
	}
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &stamp})
	if err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(Sheet)
	if err != nil {
		return nil, err
	}
	for i := range columns {
		if err := sw.SetColWidth(i+1, i+1, 18); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	head := make([]any, len(columns))
	for i, c := range columns {
		head[i] = excelize.Cell{StyleID: bold, Value: export.Headers[c]}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	vals := make([]any, len(columns))
	for n, row := range rows {
		for i, c := range columns {
			v := row.Value(c)
			if t, ok := v.(time.Time); ok {
				style := timeStyle
				if c == "dueDate" {
					style = dateStyle
				}
				v = excelize.Cell{StyleID: style, Value: t}
			}
			vals[i] = v
		}
		addr, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(addr, vals); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if len(columns) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(columns), len(rows)+1)
		if err := f.AutoFilter(Sheet, "A1:"+last, nil); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
