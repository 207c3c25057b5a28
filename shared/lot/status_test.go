package lot_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/openlot/openlot/shared/lot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// party is one column of the status matrix: a principal standing in one
// relation to the matrix's request (FP juniper, subassigned to lumen, of
// content partner northstar).
type party struct {
	name string
	p    lot.Principal
}

var allPerms = []lot.Permission{lot.PermCancel, lot.PermSubassign}

var matrixParties = []party{
	{"FP", lot.Principal{Subject: "fp", Role: lot.RoleFP, Partner: "juniper", Permissions: allPerms}},
	{"subFP", lot.Principal{Subject: "sub", Role: lot.RoleFP, Partner: "lumen", Permissions: allPerms}},
	{"otherFP", lot.Principal{Subject: "other", Role: lot.RoleFP, Partner: "delta", Permissions: allPerms}},
	{"CP", lot.Principal{Subject: "cp", Role: lot.RoleCP, Partner: "northstar"}},
	{"studio", lot.Principal{Subject: "ops", Role: lot.RoleStudio}},
	{"QC", lot.Principal{Subject: "qc", Role: lot.RoleQC}},
	{"platform", lot.Principal{Subject: "openlot"}},
}

// matrixRequest is a request every operation could apply to, status aside:
// a Forced Sub (partners may cancel it, its service type is editable) with
// accepted materials, subassigned to lumen.
func matrixRequest(tb testing.TB, status lot.RequestStatus) *lot.Request {
	tb.Helper()
	r := mustRequest(tb, lot.SourceForcedSub, status, lot.MaterialAccepted)
	r.SubAssignee = "lumen"
	return r
}

// matrixTransfer is a delivery to r in status st, as the transfer
// operations need it.
func matrixTransfer(r *lot.Request, st lot.TransferStatus) *lot.Transfer {
	return &lot.Transfer{ID: "0190f0f0-0000-7000-8000-000000000011", RequestID: r.ID, FulfillmentPartner: r.FulfillmentPartner,
		SubAssignee: r.SubAssignee, ContentPartner: r.ContentPartner, Status: st,
		Inspection: &lot.Inspection{Findings: []lot.Finding{{Code: "LOUD", Message: "too loud", Overridable: true}}}}
}

// qcInProgress opens QC on t and starts it (as a QC operator), with events.
func qcInProgress(tb testing.TB, t *lot.Transfer, events ...lot.QCEvent) {
	tb.Helper()
	t.QC = lot.NewQC(act(qc), 24)
	if err := t.QC.Act(act(qc), lot.QCStart, ""); err != nil {
		tb.Fatal(err)
	}
	for _, e := range events {
		if _, err := t.QC.AddEvent(act(qc), e); err != nil {
			tb.Fatal(err)
		}
	}
}

var (
	facility = &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment, Subassignees: []string{"lumen", "harbor"}}
	harbor   = &lot.Partner{ID: "harbor", Kind: lot.PartnerFulfillment}
	blocker  = lot.QCEvent{In: "00:00:01:00", Out: "00:00:02:00", Severity: lot.SeverityBlocker, Category: "2.2", Note: "audio drops out"}
)

// run does one operation the real way, as principal p, on r; it returns the
// request whose status the operation decides (a new one for create) and
// the method's error.
type run func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error)

// matrixOps runs each operation of the status rules through the domain
// methods that code outside lot calls.
var matrixOps = map[string]run{
	"create": func(tb testing.TB, _ *lot.Request, p lot.Principal) (*lot.Request, error) {
		title := &lot.Title{MovieID: 7, Name: "Tides", MovieType: lot.MovieStandalone, ContentPartner: "northstar"}
		return lot.Create(act(p), "0190f0f0-0000-7000-8000-000000000009", lot.NewRequest{Title: title,
			Package: &lot.Package{ID: 3, MovieID: 7}, FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment},
			SourceType: lot.SourceForcedSub, Language: "es", DueDate: lot.DateOf(now).AddDays(20)})
	},
	"set-material-status": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.SetMaterialStatus(act(p), lot.MaterialReceived, "proxy checked", "")
	},
	"cancel": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.Cancel(act(p), "not needed", "")
	},
	"uncancel": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.Uncancel(act(p), "needed after all", "")
	},
	"subassign": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		var fac *lot.Partner
		if p.Role == lot.RoleFP {
			fac = facility
		}
		return r, r.Subassign(act(p), fac, harbor, "")
	},
	"set-estimated-delivery": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.SetEstimatedDelivery(act(p), lot.DateOf(now).AddDays(5), "17:00", "UTC", lot.EDDCapacity, "")
	},
	"set-service-type": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.SetServiceType(act(p), lot.ServiceConform, "")
	},
	"comment": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.AddComment(act(p), "on it")
	},
	"request-redelivery": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.RequestRedelivery(act(p), "sync drift", "")
	},
	"upgrade": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		n, err := lot.UpgradeTo(act(p), r, "0190f0f0-0000-7000-8000-000000000002", "", lot.Date{}, "STL to TTML")
		if err != nil {
			return r, err
		}
		if err := r.Upgrade(act(p), n.ID, "STL to TTML"); err != nil {
			return r, err
		}
		if n.Status != lot.StatusOpen {
			tb.Errorf("the upgrade of a %s request is %s", r.Status, n.Status)
		}
		return r, nil
	},
	"deliver": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t, err := lot.NewTransfer(act(p), "0190f0f0-0000-7000-8000-000000000011", r, lot.MethodAPI, []lot.TransferFile{{Name: "forced.ttml", Size: 10}})
		if err != nil {
			return r, err
		}
		t.Started(act(p))
		if err := t.Delivered(act(p)); err != nil {
			tb.Fatal(err)
		}
		r.RecordDelivery(act(p), t)
		return r, nil
	},
	"inspection-passed": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferPendingInspection)
		if err := t.Inspected(act(p), lot.Inspection{PolicyVersion: "7"}); err != nil {
			return r, err
		}
		r.RecordInspection(act(p), t)
		return r, nil
	},
	"inspection-failed": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferPendingInspection)
		if err := t.Inspected(act(p), *t.Inspection); err != nil {
			return r, err
		}
		r.RecordInspection(act(p), t)
		return r, nil
	},
	"override": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferFailed)
		if err := t.Override(act(p), "loud by design"); err != nil {
			return r, err
		}
		r.RecordTransferDecision(act(p), t, "loud by design")
		return r, nil
	},
	"verify-override": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferOverridden)
		if err := t.VerifyOverride(act(p)); err != nil {
			return r, err
		}
		r.RecordTransferDecision(act(p), t, "")
		return r, nil
	},
	"reject-override": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferOverridden)
		if err := t.RejectOverride(act(p), "too loud after all"); err != nil {
			return r, err
		}
		r.RecordTransferDecision(act(p), t, "too loud after all")
		return r, nil
	},
	"ignore-delivery": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferProcessed)
		if err := t.Ignore(act(p), "the earlier one stands"); err != nil {
			return r, err
		}
		r.RecordTransferDecision(act(p), t, "the earlier one stands")
		return r, nil
	},
	"qc-failed": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferProcessed)
		qcInProgress(tb, t, blocker)
		if _, err := t.QC.Finish(act(p), ""); err != nil {
			return r, err
		}
		r.RecordQC(act(p), t, "QC of the delivery: Failed")
		return r, nil
	},
	"qc-passed": func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferProcessed)
		qcInProgress(tb, t)
		if _, err := t.QC.Finish(act(p), ""); err != nil {
			return r, err
		}
		r.RecordQC(act(p), t, "QC of the delivery: Passed")
		return r, nil
	},
}

// outcome is what one operation did to a request in one status, by one party.
type outcome struct {
	err     error
	status  lot.RequestStatus // after
	history []lot.HistoryEntry
}

// cell writes an outcome for the matrix: the error code when refused, the
// new status when it moved, "ok" when it stayed.
func (o outcome) cell(before lot.RequestStatus) string {
	switch {
	case o.err != nil:
		return lot.ErrorCode(o.err)
	case o.status != before:
		return string(o.status)
	}
	return "ok"
}

// do runs op on a fresh request in status st as principal p. A status of
// "" runs it without a request (create).
func do(tb testing.TB, op run, st lot.RequestStatus, p lot.Principal) outcome {
	tb.Helper()
	var r *lot.Request
	if st != "" {
		r = matrixRequest(tb, st)
	}
	got, err := op(tb, r, p)
	o := outcome{err: err}
	if got != nil {
		o.status, o.history = got.Status, got.Pending()
	}
	return o
}

// matrixStatuses are the request statuses an operation is tried from: none
// for create, every status for the others.
func matrixStatuses(op string) []lot.RequestStatus {
	if op == "create" {
		return []lot.RequestStatus{""}
	}
	return lot.RequestStatuses
}

// renderMatrix writes, for every operation, what each party gets from a
// request in each status, and the history the first allowed party records.
func renderMatrix(tb testing.TB, ops []string) []byte {
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 0, 0, 1, ' ', 0)
	var hist, refusals []string
	seen := map[string]bool{}
	for _, name := range ops {
		fmt.Fprintf(w, "%s\t", name)
		for _, pt := range matrixParties {
			fmt.Fprintf(w, "%s\t", pt.name)
		}
		fmt.Fprintln(w)
		for _, st := range matrixStatuses(name) {
			row := string(st)
			if row == "" {
				row = "(new)"
			}
			fmt.Fprintf(w, "  %s\t", row)
			first := true
			for _, pt := range matrixParties {
				o := do(tb, matrixOps[name], st, pt.p)
				fmt.Fprintf(w, "%s\t", o.cell(st))
				if o.err != nil {
					var le *lot.Error
					if !errors.As(o.err, &le) {
						tb.Errorf("%s %s by %s: %v is not a *lot.Error", name, row, pt.name, o.err)
					} else if line := fmt.Sprintf("%s: %s: %s", name, le.Code, le.Message); !seen[line] {
						seen[line] = true
						refusals = append(refusals, line)
					}
				}
				if o.err == nil && first {
					first = false
					for _, h := range o.history {
						hist = append(hist, fmt.Sprintf("%s %s by %s: %s %s %q→%q reason=%q comment=%q",
							name, row, pt.name, h.Action, h.Field, h.Before, h.After, h.Reason, h.Comment))
					}
				}
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintln(w)
	}
	w.Flush()
	buf.WriteString("# history recorded by the first party allowed\n")
	buf.WriteString(strings.Join(hist, "\n") + "\n")
	buf.WriteString("\n# every refusal, once\n")
	buf.WriteString(strings.Join(refusals, "\n") + "\n")
	return buf.Bytes()
}

func TestStatusMatrixGolden(t *testing.T) {
	// Ensures what every operation does to a request in every status, by
	// every party, stays as testdata/status_matrix.golden records it
	// (refresh it with -update when a rule changes on purpose).
	var ops []string
	for name := range matrixOps {
		ops = append(ops, name)
	}
	slices.Sort(ops)
	got := renderMatrix(t, ops)
	path := filepath.Join("testdata", "status_matrix.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the status matrix changed (go test -run StatusMatrixGolden -update ./shared/lot to accept):\n%s", lineDiff(string(want), string(got)))
	}
}

// lineDiff lists the lines of want and got that differ, by line number.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			out = append(out, fmt.Sprintf("line %d\n  want %s\n  got  %s", i+1, w, g))
		}
	}
	return strings.Join(out, "\n")
}
