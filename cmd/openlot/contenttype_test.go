package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestContentTypeCallsAnXMLFileTTMLOnlyWhenItIs(t *testing.T) {
	// Ensures the CLI labels an IMF package's .xml files (CPL, PKL,
	// ASSETMAP) as XML and only a TTML document as TTML.
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct{ path, want string }{
		{write("CPL_feature.xml", `<?xml version="1.0"?><CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016"/>`), "application/xml"},
		{write("ASSETMAP.xml", `<AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM"/>`), "application/xml"},
		{write("tides_es.xml", `<?xml version="1.0"?><tt xmlns="http://www.w3.org/ns/ttml" xml:lang="es"/>`), "application/ttml+xml"},
		{write("tides_fr.ttml", `not even XML`), "application/ttml+xml"},
		{filepath.Join(dir, "missing.xml"), "application/xml"},
		{write("card.PNG", "x"), "image/png"},
	} {
		if got := contentType(c.path); got != c.want {
			t.Errorf("%s: %s, want %s", filepath.Base(c.path), got, c.want)
		}
	}
}
