package lot_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"maps"
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
	name  string
	party lot.Party
	p     lot.Principal
}

var allPerms = []lot.Permission{lot.PermCancel, lot.PermSubassign}

var matrixParties = []party{
	{"FP", lot.PartyFP, lot.Principal{Subject: "fp", Role: lot.RoleFP, Partner: "juniper", Permissions: allPerms}},
	{"subFP", lot.PartySubFP, lot.Principal{Subject: "sub", Role: lot.RoleFP, Partner: "lumen", Permissions: allPerms}},
	{"otherFP", lot.PartyOtherFP, lot.Principal{Subject: "other", Role: lot.RoleFP, Partner: "delta", Permissions: allPerms}},
	{"CP", lot.PartyCP, lot.Principal{Subject: "cp", Role: lot.RoleCP, Partner: "northstar"}},
	{"studio", lot.PartyStudio, lot.Principal{Subject: "ops", Role: lot.RoleStudio}},
	{"QC", lot.PartyQC, lot.Principal{Subject: "qc", Role: lot.RoleQC}},
	{"platform", lot.PartyPlatform, lot.Principal{Subject: "openlot"}},
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
	t.QC = lot.NewQC(act(qc), 24, lot.QCReadyInspected)
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
var matrixOps = map[lot.Op]run{
	lot.OpCreate: func(tb testing.TB, _ *lot.Request, p lot.Principal) (*lot.Request, error) {
		title := &lot.Title{MovieID: 7, Name: "Tides", MovieType: lot.MovieStandalone, ContentPartner: "northstar"}
		return lot.Create(act(p), "0190f0f0-0000-7000-8000-000000000009", lot.NewRequest{Title: title,
			Package: &lot.Package{ID: 3, MovieID: 7}, FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment},
			SourceType: lot.SourceForcedSub, Language: "es", DueDate: lot.DateOf(now).AddDays(20)})
	},
	lot.OpSetMaterialStatus: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.SetMaterialStatus(act(p), lot.MaterialReceived, "proxy checked", "")
	},
	lot.OpMarkMaterials: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.SetMaterialsAvailable(act(p), !r.MaterialsAvailable, "")
	},
	lot.OpCancel: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.Cancel(act(p), "not needed", "")
	},
	lot.OpUncancel: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.Uncancel(act(p), "needed after all", "")
	},
	lot.OpSubassign: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		var fac *lot.Partner
		if p.Role == lot.RoleFP {
			fac = facility
		}
		return r, r.Subassign(act(p), fac, harbor, "")
	},
	lot.OpTakeBack: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		var fac *lot.Partner
		if p.Role == lot.RoleFP {
			fac = facility
		}
		return r, r.TakeBack(act(p), fac, "")
	},
	lot.OpSetEstimatedDelivery: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.SetEstimatedDelivery(act(p), lot.DateOf(now).AddDays(5), "17:00", "UTC", lot.EDDCapacity, "")
	},
	lot.OpSetServiceType: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.SetServiceType(act(p), lot.ServiceConform, "")
	},
	lot.OpComment: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.AddComment(act(p), "on it")
	},
	lot.OpRequestRedelivery: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		return r, r.RequestRedelivery(act(p), "sync drift", "")
	},
	lot.OpUpgrade: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
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
	lot.OpDeliver: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
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
	lot.OpInspectionPassed: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferPendingInspection)
		if err := t.Inspected(act(p), lot.Inspection{PolicyVersion: "7"}); err != nil {
			return r, err
		}
		r.RecordInspection(act(p), t)
		return r, nil
	},
	lot.OpInspectionFailed: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferPendingInspection)
		if err := t.Inspected(act(p), *t.Inspection); err != nil {
			return r, err
		}
		r.RecordInspection(act(p), t)
		return r, nil
	},
	lot.OpOverride: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferFailed)
		if err := t.Override(act(p), "loud by design"); err != nil {
			return r, err
		}
		r.RecordTransferDecision(act(p), t, "loud by design")
		return r, nil
	},
	lot.OpVerifyOverride: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferOverridden)
		if err := t.VerifyOverride(act(p)); err != nil {
			return r, err
		}
		r.RecordTransferDecision(act(p), t, "")
		return r, nil
	},
	lot.OpRejectOverride: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferOverridden)
		if err := t.RejectOverride(act(p), "too loud after all"); err != nil {
			return r, err
		}
		r.RecordTransferDecision(act(p), t, "too loud after all")
		return r, nil
	},
	lot.OpIgnoreDelivery: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferProcessed)
		if err := t.Ignore(act(p), "the earlier one stands"); err != nil {
			return r, err
		}
		r.RecordTransferDecision(act(p), t, "the earlier one stands")
		return r, nil
	},
	lot.OpQCFailed: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
		t := matrixTransfer(r, lot.TransferProcessed)
		qcInProgress(tb, t, blocker)
		if _, err := t.QC.Finish(act(p), ""); err != nil {
			return r, err
		}
		r.RecordQC(act(p), t, "QC of the delivery: Failed")
		return r, nil
	},
	lot.OpQCPassed: func(tb testing.TB, r *lot.Request, p lot.Principal) (*lot.Request, error) {
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
func matrixStatuses(op lot.Op) []lot.RequestStatus {
	if op == lot.OpCreate {
		return []lot.RequestStatus{""}
	}
	return lot.RequestStatuses
}

// renderMatrix writes, for every operation, what each party gets from a
// request in each status, and the history the first allowed party records.
func renderMatrix(tb testing.TB, ops []lot.Op) []byte {
	var buf bytes.Buffer
	w := tabwriter.NewWriter(&buf, 0, 0, 1, ' ', 0)
	var hist, refusals []string
	seen := map[string]bool{}
	for _, name := range ops {
		header := []string{string(name)}
		for _, pt := range matrixParties {
			header = append(header, pt.name)
		}
		fmt.Fprintln(w, strings.Join(header, "\t"))
		for _, st := range matrixStatuses(name) {
			row := string(st)
			if row == "" {
				row = "(new)"
			}
			cells := []string{"  " + row}
			first := true
			for _, pt := range matrixParties {
				o := do(tb, matrixOps[name], st, pt.p)
				cells = append(cells, o.cell(st))
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
			fmt.Fprintln(w, strings.Join(cells, "\t"))
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
	ops := slices.Sorted(maps.Keys(matrixOps))
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

// lineDiff lists the lines only want has (-) and only got has (+), in
// order, by a longest common subsequence of lines.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	lcs := make([][]int, len(w)+1) // lcs[i][j]: of w[i:] and g[j:]
	for i := range lcs {
		lcs[i] = make([]int, len(g)+1)
	}
	for i := len(w) - 1; i >= 0; i-- {
		for j := len(g) - 1; j >= 0; j-- {
			if w[i] == g[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(w) || j < len(g) {
		switch {
		case i < len(w) && j < len(g) && w[i] == g[j]:
			i, j = i+1, j+1
		case j < len(g) && (i == len(w) || lcs[i][j+1] >= lcs[i+1][j]):
			out = append(out, "+ "+g[j])
			j++
		default:
			out = append(out, "- "+w[i])
			i++
		}
	}
	return strings.Join(out, "\n")
}

// expected is what the status table says one operation does.
type expected struct {
	status lot.RequestStatus // after
	code   string            // "" when allowed
	action lot.Action        // the history entry an allowed operation writes
}

// expect reads the table: a party not in By is refused with forbidden; a
// status not in From with the rule's code, unless the request follows a
// delivery (then it keeps its status); otherwise the request takes Next.
func expect(rule lot.StatusRule, st lot.RequestStatus, p lot.Party) expected {
	switch {
	case !rule.By.Has(p):
		return expected{status: st, code: lot.CodeForbidden}
	case rule.Op == lot.OpCreate:
		return expected{status: rule.To, action: rule.Action}
	case !rule.Follows && !rule.AllowsFrom(st):
		return expected{status: st, code: rule.Code}
	}
	return expected{status: rule.Next(st), action: rule.Action}
}

func TestDomainMethodsAnswerWhatTheStatusTableSays(t *testing.T) {
	// Ensures every operation of the status table, run through its real
	// domain method on a request in every status by a principal of every
	// party, is allowed or refused as the table says: allowed, the request
	// takes the rule's next status and records the rule's history action;
	// refused, it keeps its status, records nothing, and the error carries
	// the table's code.
	rules := lot.Rules()
	if len(rules) != len(matrixOps) {
		t.Errorf("the table has %d rules; the matrix runs %d operations", len(rules), len(matrixOps))
	}
	for _, rule := range rules {
		run := matrixOps[rule.Op]
		if run == nil {
			t.Errorf("%s: the matrix cannot run this operation", rule.Op)
			continue
		}
		for _, st := range matrixStatuses(rule.Op) {
			for _, pt := range matrixParties {
				want := expect(rule, st, pt.party)
				got := do(t, run, st, pt.p)
				where := fmt.Sprintf("%s on a %s request by the %s", rule.Op, st, pt.party)
				if c := code(got.err); c != want.code {
					t.Errorf("%s: error %q (%v), want %q", where, c, got.err, want.code)
				}
				if got.status != want.status {
					t.Errorf("%s: status %s, want %s", where, got.status, want.status)
				}
				switch {
				case want.code != "" && len(got.history) > 0:
					t.Errorf("%s: refused, yet recorded %+v", where, got.history)
				case want.code == "" && len(got.history) == 0:
					t.Errorf("%s: allowed, yet recorded nothing", where)
				case want.code == "" && got.history[len(got.history)-1].Action != want.action:
					t.Errorf("%s: recorded %s, want %s", where, got.history[len(got.history)-1].Action, want.action)
				}
			}
		}
	}
}

func TestMatrixPrincipalsStandAsTheirParty(t *testing.T) {
	// Ensures each principal of the matrix is, to the matrix request, the
	// party its column names, and that every party has a column.
	r := matrixRequest(t, lot.StatusOpen)
	var all lot.Party
	for _, pt := range matrixParties {
		if got := r.PartyOf(pt.p); got != pt.party {
			t.Errorf("%s: PartyOf says %s, want %s", pt.name, got, pt.party)
		}
		all |= pt.party
	}
	if all != lot.Anyone {
		t.Errorf("the matrix covers %s of %s", all, lot.Anyone)
	}
	if len(matrixParties) != len(lot.Parties) {
		t.Errorf("the matrix has %d parties, want one per lot.Parties (%d)", len(matrixParties), len(lot.Parties))
	}
}

func TestEveryStatusRuleIsWellFormed(t *testing.T) {
	// Ensures each rule names who may do it, says how a refused status is
	// reported, moves only to a status there is, and that open is what
	// deliveries need.
	for _, rule := range lot.Rules() {
		if rule.By == 0 {
			t.Errorf("%s: nobody may do it", rule.Op)
		}
		if rule.Action.Name() == "" {
			t.Errorf("%s: history action %q is not one of lot.Actions", rule.Op, rule.Action)
		}
		if rule.To != "" && rule.To.Name() == "" {
			t.Errorf("%s: leads to %q, not a request status", rule.Op, rule.To)
		}
		refusable := !rule.Follows && rule.Op != lot.OpCreate && len(rule.From) < len(lot.RequestStatuses)
		if refusable && rule.Code == "" {
			t.Errorf("%s: refuses some statuses without an error code", rule.Op)
		}
		got := lot.Rule(rule.Op)
		if got.Op != rule.Op {
			t.Errorf("%s: Rule gives op %s", rule.Op, got.Op)
		}
		if !slices.Equal(got.From, rule.From) {
			t.Errorf("%s: Rule gives From %v, want %v", rule.Op, got.From, rule.From)
		}
	}
	if lot.Rule("paint").Op != "" {
		t.Error("an unknown operation has a rule")
	}
	for _, st := range lot.RequestStatuses {
		if st.IsOpen() != lot.Rule(lot.OpDeliver).AllowsFrom(st) {
			t.Errorf("%s: IsOpen says %v, the deliver rule %v", st, st.IsOpen(), !st.IsOpen())
		}
	}
}

func TestAllowsRoleAsksEveryPartyOfTheRole(t *testing.T) {
	// Ensures a role may try an operation exactly when one of its parties may.
	roleParties := map[lot.Role]lot.Party{lot.RoleFP: lot.PartyFP | lot.PartySubFP | lot.PartyOtherFP,
		lot.RoleCP: lot.PartyCP, lot.RoleStudio: lot.PartyStudio, lot.RoleQC: lot.PartyQC, "": lot.PartyPlatform}
	for _, rule := range lot.Rules() {
		for role, parties := range roleParties {
			if got, want := rule.AllowsRole(role), rule.By&parties != 0; got != want {
				t.Errorf("%s by %q: %v, want %v", rule.Op, role, got, want)
			}
		}
	}
}

func TestFollowMovesTheRequestByTheRuleOfWhatHappened(t *testing.T) {
	// Ensures Follow, the one helper behind RecordInspection,
	// RecordTransferDecision and RecordQC, moves a request by each follow
	// rule from every status, and refuses an operation a request does not
	// follow.
	for _, rule := range lot.Rules() {
		for _, st := range lot.RequestStatuses {
			r := matrixRequest(t, st)
			tr := matrixTransfer(r, lot.TransferProcessed)
			qcInProgress(t, tr)
			err := r.Follow(act(studio), tr, rule.Op, "why")
			if !rule.Follows {
				if !lot.IsCode(err, lot.CodeInvalid) {
					t.Errorf("%s from %s: err %v, want code %s", rule.Op, st, err, lot.CodeInvalid)
				}
				if r.Status != st {
					t.Errorf("%s from %s: status moved to %s", rule.Op, st, r.Status)
				}
				if n := len(r.Pending()); n != 0 {
					t.Errorf("%s from %s: %d history entries, want 0", rule.Op, st, n)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s from %s: %v", rule.Op, st, err)
			}
			if r.Status != rule.Next(st) {
				t.Errorf("%s from %s: %s, want %s", rule.Op, st, r.Status, rule.Next(st))
			}
			if p := r.Pending(); len(p) != 1 {
				t.Errorf("%s from %s: recorded %d entries %+v, want one %s", rule.Op, st, len(p), p, rule.Action)
			} else if p[0].Action != rule.Action {
				t.Errorf("%s from %s: recorded action %s, want %s", rule.Op, st, p[0].Action, rule.Action)
			}
		}
	}
}
