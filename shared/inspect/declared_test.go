package inspect_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/image/tiff"

	"github.com/openlot/openlot/shared/delivery"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// mustFFmpeg runs ffmpeg with args (after its quiet flags) or fails the test.
func mustFFmpeg(tb testing.TB, args ...string) {
	tb.Helper()
	fftest.Need(tb)
	if out, err := exec.Command("ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...).CombinedOutput(); err != nil {
		tb.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
}

func mustProbe(tb testing.TB, path string) lot.MediaInfo {
	tb.Helper()
	info, err := ffmpeg.Media{}.Probe(tb.Context(), path)
	if err != nil {
		tb.Fatalf("probe %s: %v", filepath.Base(path), err)
	}
	return info
}

func TestDeclaredBitDepthAndSampleRateAreChecked(t *testing.T) {
	// Ensures the bit depth and sample rate a delivery declares are checked
	// against every audio stream, as ffprobe reads real files: 24-bit/48 kHz
	// PCM in WAV and in MXF declared 16-bit/96 kHz fails on both, declared
	// right passes; a lossy codec is never failed for its bit depth.
	dir := t.TempDir()
	wav := fftest.Make(t, dir, "printmaster", fftest.Spec{Seconds: 2, NoVideo: true}) // PCM s24le, 48 kHz
	mxf := filepath.Join(dir, "printmaster.mxf")
	mustFFmpeg(t, "-f", "lavfi", "-i", "testsrc2=s=320x240:r=24:d=2", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=2",
		"-c:v", "mpeg2video", "-c:a", "pcm_s24le", mxf)
	p := inspect.PolicyFor(lot.SourceAudioPrintMaster)
	for _, path := range []string{wav, mxf} {
		info := mustProbe(t, path)
		if a := info.Audio[0]; a.BitDepth != 24 || a.SampleRate != 48000 {
			t.Fatalf("%s: probed %d-bit %d Hz, want 24-bit 48000 Hz", filepath.Base(path), a.BitDepth, a.SampleRate)
		}
		for _, c := range []struct {
			bitDepth, sampleRate, want string
		}{
			{"16", "96000", "BIT_DEPTH_NOT_AS_DECLARED SAMPLE_RATE_NOT_AS_DECLARED"},
			{"24", "96000", "SAMPLE_RATE_NOT_AS_DECLARED"},
			{"16", "48000", "BIT_DEPTH_NOT_AS_DECLARED"},
			{"24", "48000", ""},
			{"", "", ""},
		} {
			s := inspect.Subject{SourceType: lot.SourceAudioPrintMaster, Declared: map[string]string{}}
			if c.bitDepth != "" {
				s.Declared["bitDepth"], s.Declared["sampleRate"] = c.bitDepth, c.sampleRate
			}
			got := inspect.CheckMedia(p, s, info, nil)
			if codes(got) != c.want {
				t.Errorf("%s declared %s-bit %s Hz: found %q, want %q (%+v)", filepath.Base(path), c.bitDepth, c.sampleRate, codes(got), c.want, got)
			}
			for _, f := range got {
				if f.Overridable {
					t.Errorf("%s is overridable; a file not as declared must be delivered again", f.Code)
				}
				if f.Code == inspect.BitDepthDeclared && (!strings.Contains(f.Message, "24-bit") || !strings.Contains(f.Message, "16-bit")) {
					t.Errorf("bit depth message %q does not say what the file is (24-bit) and what was declared (16-bit)", f.Message)
				}
				if f.Code == inspect.SampleRateDeclared && (!strings.Contains(f.Message, "48000 Hz") || !strings.Contains(f.Message, "96000 Hz")) {
					t.Errorf("sample rate message %q does not say what the file is (48000 Hz) and what was declared (96000 Hz)", f.Message)
				}
			}
		}
	}

	// FLAC decodes 24-bit audio into 32-bit samples: its bit depth is the
	// 24 bits it keeps (bits_per_raw_sample), not the 32 it decodes to.
	flac := filepath.Join(dir, "printmaster.flac")
	mustFFmpeg(t, "-f", "lavfi", "-i", "sine=f=440:r=96000:d=1", "-sample_fmt", "s32", "-c:a", "flac", flac)
	hi := mustProbe(t, flac)
	for declared, want := range map[string]string{"24": "", "16": "BIT_DEPTH_NOT_AS_DECLARED"} {
		s := inspect.Subject{SourceType: lot.SourceAudioME, Declared: map[string]string{"bitDepth": declared, "sampleRate": "96000"}}
		if got := inspect.CheckMedia(p, s, hi, nil); codes(got) != want {
			t.Errorf("24-bit 96 kHz FLAC (probed %d-bit %d Hz) declared %s-bit 96 kHz: found %q, want %q", hi.Audio[0].BitDepth, hi.Audio[0].SampleRate, declared, codes(got), want)
		}
	}

	// Lossy audio has no bit depth: AC-3 made by ffmpeg, and DTS as some
	// ffprobe versions report it (bits_per_raw_sample 24), pass a 16-bit declaration.
	ac3 := filepath.Join(dir, "dub.ac3")
	mustFFmpeg(t, "-f", "lavfi", "-i", "sine=f=440:r=48000:d=1", "-c:a", "ac3", ac3)
	dts := lot.MediaInfo{Audio: []lot.AudioStream{{Codec: "dts", Channels: 6, SampleRate: 48000, BitDepth: 24}}}
	for name, info := range map[string]lot.MediaInfo{"ac3": mustProbe(t, ac3), "dts": dts} {
		s := inspect.Subject{SourceType: lot.SourceSecondaryAudio, Declared: map[string]string{"bitDepth": "16"}}
		if got := inspect.CheckMedia(inspect.PolicyFor(lot.SourceSecondaryAudio), s, info, nil); len(got) != 0 {
			t.Errorf("%s declared 16-bit: %+v, want no finding (lossy audio has no bit depth)", name, got)
		}
	}

	// Several streams: one finding per property, naming the streams.
	stems := lot.MediaInfo{Audio: []lot.AudioStream{{Codec: "pcm_s24le", SampleRate: 48000, BitDepth: 24},
		{Codec: "pcm_s16le", SampleRate: 48000, BitDepth: 16}, {Codec: "pcm_s24le", SampleRate: 48000, BitDepth: 24}}}
	got := inspect.CheckMedia(p, inspect.Subject{Declared: map[string]string{"bitDepth": "16"}}, stems, nil)
	if len(got) != 1 || !strings.Contains(got[0].Message, "audio streams 1, 3 are 24-bit") {
		t.Errorf("stems 24/16/24-bit declared 16-bit: %+v, want one finding naming streams 1, 3", got)
	}
}

// mustPDF writes a minimal valid PDF: one empty page, its cross-reference
// table at the offsets of its objects, and the trailer.
func mustPDF(tb testing.TB) []byte {
	tb.Helper()
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"}
	var at []int
	for i, o := range objs {
		at = append(at, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range at {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// mustOOXML writes an Office Open XML package with archive/zip: the
// content types naming mainType for part main, and the parts given.
func mustOOXML(tb testing.TB, main, mainType string, parts map[string]string) []byte {
	tb.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write([]byte(body))
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/`+main+`" ContentType="`+mainType+`"/>
</Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="`+main+`"/>
</Relationships>`)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range parts {
			if !yield(k) {
				return
			}
		}
	}) {
		put(name, parts[name])
	}
	if err := z.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

const (
	wordMain  = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	sheetMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	wordBody  = `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>INT. KITCHEN - DAY</w:t></w:r></w:p></w:body></w:document>`
)

func mustDOCX(tb testing.TB) []byte {
	return mustOOXML(tb, "word/document.xml", wordMain, map[string]string{"word/document.xml": wordBody})
}

// mustCFB writes the start of a Compound File Binary (MS-CFB) holding the
// streams named: the header, then the directory in sector 0.
func mustCFB(streams ...string) []byte {
	b := make([]byte, 512*3)
	copy(b, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
	binary.LittleEndian.PutUint16(b[0x1a:], 3)      // major version 3
	binary.LittleEndian.PutUint16(b[0x1c:], 0xfffe) // little-endian
	binary.LittleEndian.PutUint16(b[0x1e:], 9)      // 512-byte sectors
	binary.LittleEndian.PutUint32(b[0x30:], 0)      // directory starts at sector 0
	for i, name := range append([]string{"Root Entry"}, streams...) {
		e := b[512+128*i:]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			binary.LittleEndian.PutUint16(e[2*j:], c)
		}
		binary.LittleEndian.PutUint16(e[0x40:], uint16(2*len(u)+2))
	}
	return b
}

func mustImage(tb testing.TB, encode func(*bytes.Buffer, image.Image) error) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for x := range 64 {
		img.Set(x, x/2, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func mustPNG(tb testing.TB) []byte {
	return mustImage(tb, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) })
}

// mustPSD writes a Photoshop header (version 1, 3 channels, 32×64, 8 bits, RGB).
func mustPSD() []byte {
	b := make([]byte, 64)
	copy(b, "8BPS")
	binary.BigEndian.PutUint16(b[4:], 1)
	binary.BigEndian.PutUint16(b[12:], 3)
	binary.BigEndian.PutUint32(b[14:], 32)
	binary.BigEndian.PutUint32(b[18:], 64)
	binary.BigEndian.PutUint16(b[22:], 8)
	binary.BigEndian.PutUint16(b[24:], 3)
	return b
}

func TestScriptsAndDubCardsAreCheckedByContent(t *testing.T) {
	// Ensures a script or dub card image is what was declared for it, read by
	// its bytes: text named script.pdf and declared PDF fails, a real PDF,
	// DOCX, XLSX, PNG, JPEG, TIFF or PSD passes; a format other than the one
	// declared (in the metadata, or else by the name's extension) fails
	// saying what the file is; unknown bytes, formats the source type does
	// not take, and cut-short files fail with their own codes.
	pdf, docx, pngb := mustPDF(t), mustDOCX(t), mustPNG(t)
	xlsx := mustOOXML(t, "xl/workbook.xml", sheetMain, map[string]string{"xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`})
	noMain := mustOOXML(t, "word/document.xml", wordMain, map[string]string{"word/other.xml": wordBody})
	var plainZip bytes.Buffer
	z := zip.NewWriter(&plainZip)
	w, _ := z.Create("pages/page1.txt")
	w.Write([]byte("INT. KITCHEN - DAY"))
	z.Close()
	var escaping bytes.Buffer // a ZIP whose entry names climb out of it
	z = zip.NewWriter(&escaping)
	w, _ = z.Create("../../etc/script.txt")
	w.Write([]byte("INT. KITCHEN - DAY"))
	z.Close()
	var zipped bytes.Buffer // a PDF stored (not compressed) in a ZIP: its header within the first bytes
	z = zip.NewWriter(&zipped)
	w, _ = z.CreateHeader(&zip.FileHeader{Name: "script.pdf", Method: zip.Store})
	w.Write(pdf)
	z.Close()
	jpg := mustImage(t, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) })
	tif := mustImage(t, func(b *bytes.Buffer, m image.Image) error { return tiff.Encode(b, m, nil) })
	script, card := lot.SourceFinalScript, lot.SourceDubCardImage
	cases := []struct {
		name     string
		st       lot.SourceType
		declared string // scriptFormat
		body     []byte
		want     string
		says     []string // in the message
	}{
		{"script.pdf", script, "PDF", []byte("this is not a pdf"), "FORMAT_NOT_AS_DECLARED", []string{"plain text", "the metadata says PDF"}},
		{"script.pdf", script, "PDF", pdf, "", nil},
		{"script.pdf", script, "PDF", append([]byte("\r\n"), pdf...), "", nil},
		{"script.pdf", script, "PDF", zipped.Bytes(), "FORMAT_NOT_AS_DECLARED", []string{"ZIP archive of 1 file"}},
		{"script.pdf", script, "PDF", pdf[:len(pdf)-30], "FILE_DAMAGED", []string{"%%EOF"}},
		{"script.docx", script, "DOCX", docx, "", nil},
		{"script.docx", script, "PDF", docx, "FORMAT_NOT_AS_DECLARED", []string{"Word document (DOCX)", "the metadata says PDF"}},
		{"script.xlsx", script, "XLSX", xlsx, "", nil},
		{"script.xlsx", script, "DOCX", xlsx, "FORMAT_NOT_AS_DECLARED", []string{"Excel workbook (XLSX)"}},
		{"script.docx", script, "DOCX", plainZip.Bytes(), "FORMAT_NOT_AS_DECLARED", []string{"ZIP archive"}},
		{"script.docx", script, "DOCX", noMain, "FILE_DAMAGED", []string{"/word/document.xml"}},
		{"script.docx", script, "DOCX", docx[:len(docx)-10], "FILE_DAMAGED", []string{"ZIP"}},
		{"script.doc", script, "DOCX", mustCFB("WordDocument", "1Table"), "FORMAT_NOT_AS_DECLARED", []string{"legacy Word document (DOC)"}},
		{"script.xlsx", script, "XLSX", mustCFB("EncryptionInfo", "EncryptedPackage"), "FORMAT_NOT_AS_DECLARED", []string{"password-protected"}},
		{"script.rtf", script, "PDF", []byte(`{\rtf1\ansi INT. KITCHEN - DAY\par}`), "FORMAT_NOT_AS_DECLARED", []string{"RTF"}},
		{"script.pdf", script, "PDF", []byte{0, 1, 2, 3, 0xfe, 0x80, 7, 9, 11}, "FORMAT_NOT_RECOGNIZED", []string{"begins 00 01 02 03"}},
		{"script.pdf", script, "PDF", []byte("INT. CAF\xc9 - NIGHT\r\nMARA\r\n"), "FORMAT_NOT_AS_DECLARED", []string{"plain text (not UTF-8"}},
		{"script.pdf", script, "PDF", []byte("BMW 328 - INT. GARAGE - NIGHT\n"), "FORMAT_NOT_AS_DECLARED", []string{"plain text"}},
		{"card.png", card, "", append([]byte("BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00"), make([]byte, 40)...), "FORMAT_NOT_AS_DECLARED", []string{"BMP image"}},
		{"card.png", card, "", pngb, "", nil},
		{"card.png", card, "", append(bytes.Clone(pngb), "trailing bytes some tools append"...), "", nil},
		{"card.png", card, "", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "FORMAT_NOT_AS_DECLARED", []string{"HEIC image"}},
		{"card.png", card, "", pngb[:len(pngb)-12], "FILE_DAMAGED", []string{"IEND"}},
		{"card.jpg", card, "", pngb, "FORMAT_NOT_AS_DECLARED", []string{"PNG image 64×32", "its name (.jpg) says JPEG"}},
		{"card.jpg", card, "", jpg, "", nil},
		{"card.tif", card, "", tif, "", nil},
		{"card.psd", card, "", mustPSD(), "", nil},
		{"card.png", card, "", []byte("17 bytes of text."), "FORMAT_NOT_AS_DECLARED", []string{"plain text"}},
		{"card", card, "", []byte("GIF89a\x40\x00\x20\x00"), "FORMAT_NOT_ACCEPTED", []string{"GIF", "PNG, TIFF, JPEG or PSD"}},
		{"card", card, "", pdf, "FORMAT_NOT_ACCEPTED", []string{"PDF"}},
	}
	for _, c := range cases {
		s := inspect.Subject{SourceType: c.st, File: c.name, Declared: map[string]string{}}
		if c.declared != "" {
			s.Declared["scriptFormat"] = c.declared
		}
		what, got := inspect.CheckDocument(inspect.PolicyFor(c.st), s, bytes.NewReader(c.body), int64(len(c.body)))
		label := fmt.Sprintf("%s (%d bytes) declared %q", c.name, len(c.body), c.declared)
		if codes(got) != c.want {
			t.Errorf("%s: found %q, want %q (%+v)", label, codes(got), c.want, got)
			continue
		}
		if what == "" {
			t.Errorf("%s: no description of what the file is", label)
		}
		for _, f := range got {
			code, ok := inspect.Lookup(f.Code)
			if !ok || f.Overridable != code.Overridable {
				t.Errorf("%s: %s Overridable = %v, the catalogue says %v (listed: %v)", label, f.Code, f.Overridable, code.Overridable, ok)
			}
		}
		for _, s := range c.says {
			if len(got) == 0 || !strings.Contains(got[0].Message, s) {
				t.Errorf("%s: message %+v does not say %q", label, got, s)
			}
		}
	}
	// Go refuses ZIP names like ../x when GODEBUG=zipinsecurepath=0 (a
	// reader still comes with the error): still identified, not damaged.
	t.Setenv("GODEBUG", "zipinsecurepath=0")
	s := inspect.Subject{SourceType: script, File: "script.docx", Declared: map[string]string{"scriptFormat": "DOCX"}}
	if _, got := inspect.CheckDocument(inspect.PolicyFor(script), s, bytes.NewReader(escaping.Bytes()), int64(escaping.Len())); codes(got) != "FORMAT_NOT_AS_DECLARED" {
		t.Errorf("a ZIP holding ../../etc/script.txt as a DOCX: %+v, want FORMAT_NOT_AS_DECLARED (a ZIP archive)", got)
	}
	if what, _ := inspect.CheckDocument(inspect.PolicyFor(card), inspect.Subject{SourceType: card, File: "card.png"}, bytes.NewReader(pngb), int64(len(pngb))); what != "a PNG image 64×32" {
		t.Errorf("a PNG is described as %q, want its dimensions: a PNG image 64×32", what)
	}
	// Source types without the format check are left alone.
	if what, got := inspect.CheckDocument(inspect.PolicyFor(lot.SourceAVMuxed), inspect.Subject{}, bytes.NewReader(pdf), int64(len(pdf))); what != "" || got != nil {
		t.Errorf("AV Muxed policy: %q %+v, want nothing", what, got)
	}
}

func TestBrokenDocumentsNeverPanic(t *testing.T) {
	// Ensures every prefix of every known format, and bytes flipped in
	// their headers, are identified without a panic.
	samples := [][]byte{mustPDF(t), mustDOCX(t), mustCFB("WordDocument"), mustPNG(t), mustPSD(), []byte(`{\rtf1 x}`), []byte("caf\xc3\xa9")}
	for _, b := range samples {
		for n := 0; n <= len(b); n += 1 + n/16 {
			inspect.Identify(bytes.NewReader(b[:n]), int64(n))
			flipped := bytes.Clone(b[:n])
			for i := 8; i < len(flipped) && i < 600; i += 5 {
				flipped[i] ^= 0xff
			}
			inspect.Identify(bytes.NewReader(flipped), int64(n))
		}
	}
}

func TestFormsDeclareOnlyFormatsThePolicyTakes(t *testing.T) {
	// Ensures every format a delivery form offers for a document source type
	// is one its inspection policy accepts (else a right file would fail).
	for _, st := range []lot.SourceType{lot.SourceFinalScript, lot.SourceDubCardImage} {
		p := inspect.PolicyFor(st)
		if !p.Runs("format") || len(p.Formats) == 0 {
			t.Errorf("%s: policy checks no format: %+v", st, p)
		}
		for _, f := range delivery.FormOf(st).Fields {
			if f.Name != "scriptFormat" && f.Name != "imageFormat" {
				continue
			}
			for _, v := range f.Values {
				if !slices.Contains(p.Formats, v) {
					t.Errorf("%s: the form offers %s %s, which the policy (%v) does not take", st, f.Name, v, p.Formats)
				}
			}
		}
	}
}

func FuzzIdentify(f *testing.F) {
	// Ensures any bytes are identified without a panic, and a format named
	// only with a description of it.
	for _, b := range [][]byte{mustPDF(f), mustDOCX(f), mustCFB("WordDocument"), mustPNG(f), mustPSD(), []byte(`{\rtf1 x}`),
		mustImage(f, func(b *bytes.Buffer, m image.Image) error { return tiff.Encode(b, m, nil) }),
		mustImage(f, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) })} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := inspect.Identify(bytes.NewReader(b), int64(len(b)))
		if got.What == "" {
			t.Errorf("%q identified as %+v, with no description", b, got)
		}
	})
}
