package main

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestInitialJSCountsEntryPreloadsAndStaticImportsOnly(t *testing.T) {
	big := strings.Repeat("const a = 1;\n", 200)
	files := fstest.MapFS{
		"index.html": {Data: []byte(`<html><head><script type="module" crossorigin src="/assets/index-a.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-b.js"><link rel="stylesheet" href="/assets/index-c.css"></head></html>`)},
		"assets/index-a.js":  {Data: []byte(`import{x}from"./shared-d.js";import"./side-e.js";const p=()=>import("./lazy-f.js");` + big)},
		"assets/vendor-b.js": {Data: []byte(big)},
		"assets/shared-d.js": {Data: []byte(`export const x=1;` + big)},
		"assets/side-e.js":   {Data: []byte(`import{x}from"./shared-d.js";`)},
		"assets/lazy-f.js":   {Data: []byte(big)},
		"assets/index-c.css": {Data: []byte(`body{}`)},
	}
	size, names, err := initialJS(files)
	if err != nil {
		t.Fatal(err)
	}
	want := "assets/index-a.js assets/shared-d.js assets/side-e.js assets/vendor-b.js"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("files = %s, want %s (no lazy chunk, no CSS)", got, want)
	}
	if size <= 0 || size >= 4*len(big) {
		t.Errorf("gzipped size %d: want more than 0 and well under the raw %d bytes", size, 4*len(big))
	}
}

func TestInitialJSWithoutAScript(t *testing.T) {
	if _, _, err := initialJS(fstest.MapFS{"index.html": {Data: []byte(`<html></html>`)}}); err == nil {
		t.Error("an index.html without a script: no error")
	}
}

func TestPctMs(t *testing.T) {
	ms := []float64{5, 1, 4, 2, 3}
	if got := pctMs(ms, 50); got != 3 {
		t.Errorf("p50 = %v, want 3", got)
	}
	if got := pctMs(ms, 100); got != 5 {
		t.Errorf("max = %v, want 5", got)
	}
	if got := pctMs(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %v, want 0", got)
	}
}
