// Package export writes selected requests, with the columns a user chose, as
// CSV, and holds what every export format shares: the rows, the column titles
// and each cell's value. The Excel workbook is package xlsx beside it, kept
// apart so that only the programs that write workbooks link excelize.
package export

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// Headers are the column titles in the files.
var Headers = map[string]string{
	"id": "Request ID", "title": "Title", "movieId": "Movie ID", "movieType": "Movie Type", "isOriginal": "Original",
	"packageId": "Package ID", "countries": "Countries", "sourceType": "Source Type", "language": "Language",
	"serviceType": "Service Type", "status": "Status", "materialStatus": "Material Status",
	"materialsAvailable": "Materials Available", "dueDate": "Due Date", "estimatedDeliveryDate": "Estimated Delivery",
	"fulfillmentPartner": "Fulfillment Partner", "subAssignee": "Subassigned To", "contentPartner": "Content Partner",
	"issues": "Issues", "insight": "Insight", "why": "Why", "createdAt": "Created", "updatedAt": "Updated",
}

// Row is one request to export with where it stands.
type Row struct {
	Request *lot.Request
	Insight search.Insight
}

// Value is the value of column col: text, a number, "Yes" or "No", or a
// time; "" for an empty date and for a column export does not know.
func (row Row) Value(col string) any {
	r := row.Request
	yes := func(b bool) string {
		if b {
			return "Yes"
		}
		return "No"
	}
	switch col {
	case "id":
		return r.ID
	case "title":
		return r.TitleName
	case "movieId":
		return r.MovieID
	case "movieType":
		return r.MovieType.Name()
	case "isOriginal":
		return yes(r.IsOriginal)
	case "packageId":
		return r.PackageID
	case "countries":
		return strings.Join(r.Countries, ", ")
	case "sourceType":
		return r.SourceType.Name()
	case "language":
		return r.Language
	case "serviceType":
		return r.ServiceType.Name()
	case "status":
		return r.Status.Name()
	case "materialStatus":
		return r.MaterialStatus.Name()
	case "materialsAvailable":
		return yes(r.MaterialsAvailable)
	case "dueDate":
		if r.DueDate.IsZero() {
			return ""
		}
		return r.DueDate.Time()
	case "estimatedDeliveryDate":
		if r.EstimatedDelivery.IsZero() {
			return ""
		}
		return r.EstimatedDelivery.Local().Format("2006-01-02 15:04 MST")
	case "fulfillmentPartner":
		return r.FulfillmentPartner
	case "subAssignee":
		return r.SubAssignee
	case "contentPartner":
		return r.ContentPartner
	case "issues":
		return strings.Join(r.Issues, "; ")
	case "deliveryStatus":
		return r.DeliveryStatus.Name()
	case "qcStatus":
		return r.QCStatus.Name()
	case "insight":
		return string(row.Insight.Bucket)
	case "why":
		return row.Insight.Why
	case "createdAt":
		return r.CreatedAt.UTC()
	case "updatedAt":
		if r.UpdatedAt.IsZero() {
			return ""
		}
		return r.UpdatedAt.UTC()
	}
	return ""
}

func text(v any) string {
	switch v := v.(type) {
	case time.Time:
		if v.Hour() == 0 && v.Minute() == 0 && v.Second() == 0 {
			return v.Format(time.DateOnly)
		}
		return v.Format(time.RFC3339)
	default:
		return fmt.Sprint(v)
	}
}

// CSV writes the rows as RFC 4180 CSV with a header line.
func CSV(rows []Row, columns []string) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := make([]string, len(columns))
	for i, c := range columns {
		head[i] = Headers[c]
	}
	if err := w.Write(head); err != nil {
		return nil, err
	}
	rec := make([]string, len(columns))
	for _, row := range rows {
		for i, c := range columns {
			rec[i] = text(row.Value(c))
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
