package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/xuri/excelize/v2"

	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/awsapp/awsapptest"
	"github.com/openlot/openlot/shared/export/xlsx"
	"github.com/openlot/openlot/shared/lot"
)

// The request IDs the fixtures in events/export name: juniper's, which the
// fixtures' caller (a juniper user) may see, and lumen's, which it may not.
const (
	juniperReq = "01a00000-0000-7000-8000-00000000000a"
	lumenReq   = "01a00000-0000-7000-8000-00000000000b"
)

const fixtures = "../../events/export"

// mustCloud builds the AWS side over the stand-ins and stores the partners,
// the title and the two requests the fixtures export.
func mustCloud(t *testing.T) *awsapp.Cloud {
	t.Helper()
	c := awsapptest.Cloud(t, "export")
	ctx := context.Background()
	for _, p := range []*lot.Partner{
		{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment},
		{ID: "lumen", Name: "Lumen Dubbing", Kind: lot.PartnerFulfillment},
		{ID: "northstar", Name: "Northstar Pictures", Kind: lot.PartnerContent},
	} {
		must(t, c.Store.PutPartner(ctx, p))
	}
	title := &lot.Title{MovieID: 81234567, Name: "House of Tides", ReleaseYear: 2026, MovieType: lot.MovieStandalone, ContentPartner: "northstar"}
	pkg := &lot.Package{ID: 5501, MovieID: title.MovieID, Countries: []string{"ES", "MX"}}
	must(t, c.Store.PutTitle(ctx, title))
	must(t, c.Store.PutPackage(ctx, pkg))
	ops := lot.Principal{Subject: "ops", Name: "Studio Ops", Role: lot.RoleStudio}
	for _, id := range []string{juniperReq, lumenReq} {
		fp := map[string]string{juniperReq: "juniper", lumenReq: "lumen"}[id]
		r, err := lot.Create(lot.Act{By: ops, At: time.Now().UTC()}, id, lot.NewRequest{
			Title: title, Package: pkg, FulfillmentPartner: &lot.Partner{ID: fp, Kind: lot.PartnerFulfillment},
			SourceType: lot.SourceSubtitle, Language: "es-419", DueDate: lot.DateOf(time.Now()).AddDays(14),
		})
		must(t, err)
		must(t, c.Store.CreateRequests(ctx, r))
	}
	return c
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// mustInvoke feeds the fixture name to h as Lambda does and returns the
// API Gateway response.
func mustInvoke(t *testing.T, h lambda.Handler, name string) events.APIGatewayV2HTTPResponse {
	t.Helper()
	payload, err := os.ReadFile(filepath.Join(fixtures, name+".json"))
	must(t, err)
	out, err := h.Invoke(context.Background(), payload)
	must(t, err)
	var resp events.APIGatewayV2HTTPResponse
	must(t, json.Unmarshal(out, &resp))
	return resp
}

// mustBody returns the response's body, decoded when API Gateway would get
// it base64-encoded (binary files).
func mustBody(t *testing.T, resp events.APIGatewayV2HTTPResponse) []byte {
	t.Helper()
	if !resp.IsBase64Encoded {
		return []byte(resp.Body)
	}
	b, err := base64.StdEncoding.DecodeString(resp.Body)
	must(t, err)
	return b
}

// mustRows opens the response's workbook and returns its sheet's rows.
func mustRows(t *testing.T, resp events.APIGatewayV2HTTPResponse) [][]string {
	t.Helper()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, want 200: %s", resp.StatusCode, resp.Body)
	}
	if ct := resp.Headers["Content-Type"]; !strings.Contains(ct, "spreadsheetml") {
		t.Fatalf("Content-Type %q, want an XLSX workbook", ct)
	}
	if !resp.IsBase64Encoded {
		t.Error("the workbook is not base64-encoded: API Gateway would not send the bytes as they are")
	}
	f, err := excelize.OpenReader(bytes.NewReader(mustBody(t, resp)))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.Sheet)
	must(t, err)
	return rows
}

// expect says what each fixture must get back.
var expect = map[string]func(t *testing.T, resp events.APIGatewayV2HTTPResponse){
	"xlsx": func(t *testing.T, resp events.APIGatewayV2HTTPResponse) {
		rows := mustRows(t, resp)
		if len(rows) != 2 {
			t.Fatalf("%d rows, want the header and juniper's request: %v", len(rows), rows)
		}
		if want := []string{"Request ID", "Title", "Fulfillment Partner", "Due Date"}; !slices.Equal(rows[0], want) {
			t.Errorf("header %v, want %v", rows[0], want)
		}
		if rows[1][0] != juniperReq {
			t.Errorf("request ID %q, want %s", rows[1][0], juniperReq)
		}
		if rows[1][1] != "House of Tides" {
			t.Errorf("title %q, want House of Tides", rows[1][1])
		}
		if got := resp.Headers["X-Openlot-Skipped"]; got != "0" {
			t.Errorf("X-Openlot-Skipped %q, want 0", got)
		}
		if d := resp.Headers["Content-Disposition"]; !strings.HasSuffix(d, `.xlsx"`) {
			t.Errorf("Content-Disposition %q does not name an .xlsx file", d)
		}
	},
	"foreign-request": func(t *testing.T, resp events.APIGatewayV2HTTPResponse) {
		rows := mustRows(t, resp)
		if got := resp.Headers["X-Openlot-Skipped"]; got != "1" {
			t.Errorf("X-Openlot-Skipped %q, want 1 (lumen's request)", got)
		}
		if len(rows) != 2 {
			t.Fatalf("%d rows, want the header and juniper's request: %v", len(rows), rows)
		}
		if rows[1][0] != juniperReq {
			t.Errorf("request ID %q, want %s", rows[1][0], juniperReq)
		}
		for _, row := range rows {
			if slices.Contains(row, lumenReq) || slices.Contains(row, "lumen") {
				t.Errorf("the workbook shows lumen's request: %v", row)
			}
		}
	},
	"csv": func(t *testing.T, resp events.APIGatewayV2HTTPResponse) {
		if resp.StatusCode != 200 {
			t.Fatalf("status %d, want 200: %s", resp.StatusCode, resp.Body)
		}
		if ct := resp.Headers["Content-Type"]; !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("Content-Type %q, want text/csv", ct)
		}
		lines := strings.Split(strings.TrimSpace(string(mustBody(t, resp))), "\n")
		if len(lines) != 2 {
			t.Fatalf("%d lines, want the header and juniper's request: %q", len(lines), lines)
		}
		if !strings.HasPrefix(lines[1], juniperReq+",House of Tides,juniper,") {
			t.Errorf("CSV line %q", lines[1])
		}
	},
	"no-token": func(t *testing.T, resp events.APIGatewayV2HTTPResponse) {
		if resp.StatusCode != 401 {
			t.Fatalf("status %d, want 401: %s", resp.StatusCode, resp.Body)
		}
		var p struct{ Code, Message string }
		must(t, json.Unmarshal([]byte(resp.Body), &p))
		if p.Code != lot.CodeUnauthorized {
			t.Errorf("code %q, want %q", p.Code, lot.CodeUnauthorized)
		}
	},
}

func TestFixturesThroughTheLambdaHandler(t *testing.T) {
	// Ensures every events/export fixture gets the answer a caller expects
	// through the handler Lambda runs, over DynamoDB (dynalite): a workbook of
	// the caller's requests, foreign ones skipped, CSV too, and 401 without a token.
	h := lambda.NewHandler(handler(mustCloud(t)))
	files, err := filepath.Glob(filepath.Join(fixtures, "*.json"))
	must(t, err)
	if len(files) != len(expect) {
		t.Fatalf("%d fixtures in %s, %d expected", len(files), fixtures, len(expect))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			check, ok := expect[name]
			if !ok {
				t.Fatalf("fixture %s has no expectation in this test", name)
			}
			check(t, mustInvoke(t, h, name))
		})
	}
}
