package httpapi_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/sqlite"
)

func TestHistoryNamesOpenlotForItsOwnChanges(t *testing.T) {
	// Ensures entries openlot writes itself (inspection), and such entries stored before it named itself,
	// read as actor "openlot" with the documented role SYSTEM, so a validating client can read every history.
	var dir string
	w := mustWorld(t, func(c *app.LocalConfig) { dir = c.DataDir })
	id := w.ids["jSub"]
	ctx := context.Background()
	_, err := w.srv.Store.UpdateRequest(ctx, id, func(r *lot.Request) error {
		return r.Follow(lot.Act{At: today}, &lot.Transfer{ID: "0193a1b2-0000-7000-8000-00000000aaaa"}, lot.OpInspectionPassed, "")
	})
	must(t, err)
	// Two entries as older versions stored them: inspection's without actor, the QC outcome's without role.
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	must(t, err)
	defer db.Close()
	for i, e := range []map[string]any{
		{"requestId": id, "version": 90, "seq": 0, "at": today, "actor": "", "role": "", "action": "PROCESSED"},
		{"requestId": id, "version": 91, "seq": 0, "at": today, "actor": "qc-ops", "role": "", "action": "QC_PASSED"},
	} {
		b, _ := json.Marshal(e)
		if _, err := db.Exec(`INSERT INTO history (request_id, version, seq, data) VALUES (?, ?, 0, ?)`, id, 90+i, string(b)); err != nil {
			t.Fatal(err)
		}
	}
	entries := w.do("juniper", "GET", "/v1/requests/"+id+"/history", nil).json(t)["entries"].([]any)
	if len(entries) < 4 {
		t.Fatalf("%d history entries, want at least 4", len(entries))
	}
	want := [][2]string{{"openlot", "SYSTEM"}, {"openlot", "SYSTEM"}, {"qc-ops", "QC"}}
	for i, e := range entries[len(entries)-3:] {
		m := e.(map[string]any)
		if m["actor"] != want[i][0] || m["role"] != want[i][1] {
			t.Errorf("entry %v: actor %q role %q, want %q %q", m["action"], m["actor"], m["role"], want[i][0], want[i][1])
		}
	}
}
