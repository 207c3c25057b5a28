package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/lot"
)

func TestQCNoteIsCalledANote(t *testing.T) {
	// Ensures fix-notes and cancel without a note say a note is required, naming the field the body has.
	w := mustWorld(t, unlimited)
	gen := ids.NewSeeded(11, today.Add(-24*time.Hour))
	r := w.mustRequestIn(gen, walkKinds[0], lot.StatusProcessed)
	for _, action := range []string{"fix-notes", "cancel"} {
		qc := &lot.QC{Status: lot.QCInProgress, FrameRate: 24, Events: []lot.QCEvent{},
			Timeline: []lot.QCChange{{Status: lot.QCInProgress, At: today, By: "qc-ops"}}}
		tr := w.mustTransferIn(gen, r, lot.TransferProcessed, []lot.Finding{}, qc)
		res := w.do("qc", "POST", "/v1/transfers/"+tr.ID+"/qc/"+action, map[string]any{"note": "  "})
		msg, _ := res.json(t)["message"].(string)
		if res.Status != 400 || !strings.Contains(msg, "note") || strings.Contains(msg, "comment") {
			t.Errorf("%s without a note: %d %q, want 400 saying a note is required", action, res.Status, msg)
		}
	}
}
