package httpapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The served document names the local token URL, whose port changes each run.
const goldenURL = "http://openlot.test"

func TestOpenAPIDocument(t *testing.T) {
	// Ensures the served /openapi.json is the reviewed document in testdata/openapi.json (refresh with -update).
	w := mustWorld(t)
	res, err := http.Get(w.srv.URL + "/openapi.json")
	must(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	must(t, err)
	var doc any
	must(t, json.Unmarshal(bytes.ReplaceAll(raw, []byte(w.srv.URL), []byte(goldenURL)), &doc))
	got, err := json.MarshalIndent(doc, "", "  ")
	must(t, err)
	got = append(got, '\n')
	golden := filepath.Join("testdata", "openapi.json")
	if *update {
		must(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	must(t, err)
	if !bytes.Equal(got, want) {
		t.Errorf("/openapi.json differs from %s; diff them (write it with -update) and review every change", golden)
	}
}
