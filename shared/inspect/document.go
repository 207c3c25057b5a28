package inspect

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/image/tiff"
)

// Format is what a file's bytes say it is, read by signature and
// structure, never by its name.
type Format struct {
	Name    string // PDF, DOCX, XLSX, DOC, RTF, TXT, PNG, TIFF, JPEG, PSD, …; "" when no known format
	What    string // in words, with what the structure tells (version, dimensions)
	Damaged string // why the structure is broken, when the signature is right but the rest is not
	// Family is set when the structure is too broken to tell which format
	// of a family the file is (a ZIP that cannot be opened may be a DOCX).
	Family []string
}

// zipFormats are the formats kept in a ZIP archive.
var zipFormats = []string{"ZIP", "DOCX", "DOCM", "DOTX", "XLSX", "XLSM", "XLTX", "PPTX", "ODT", "ODS", "ODP"}

// Document sizes: how much of a file identification reads at its start and
// end at most (the portal reads more only where a structure points, up to
// its own budget).
const (
	sniffBytes  = 64 << 10
	endBytes    = 1024    // end markers (PDF %%EOF, PNG IEND, RTF }) are looked for in the last 1024 bytes, as PDF readers do
	maxTypesXML = 1 << 20 // [Content_Types].xml read at most
)

// Identify reads the signature and structure of a file of size bytes
// through r and says what it is. Read errors (r may refuse to read beyond a
// budget) make the structure damaged, never a panic.
func Identify(r io.ReaderAt, size int64) Format {
	head := readAt(r, 0, min(size, sniffBytes))
	switch {
	case size <= 0:
		return Format{What: "empty"}
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return identifyPDF(r, size, head)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return identifyZIP(r, size)
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return identifyOLE(r, size, head)
	case bytes.HasPrefix(head, []byte(`{\rtf`)):
		f := Format{Name: "RTF", What: "an RTF document"}
		if !bytes.Contains(readAt(r, max(0, size-endBytes), min(size, endBytes)), []byte("}")) {
			f.Damaged = "the RTF document is not closed (no } at its end): it is incomplete"
		}
		return f
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return identifyPNG(r, size, head)
	case bytes.HasPrefix(head, []byte("II*\x00")) || bytes.HasPrefix(head, []byte("MM\x00*")):
		return identifyTIFF(r, size)
	case bytes.HasPrefix(head, []byte("II+\x00")) || bytes.HasPrefix(head, []byte("MM\x00+")):
		return Format{Name: "TIFF", What: "a BigTIFF image"}
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return identifyJPEG(r, size)
	case bytes.HasPrefix(head, []byte("8BPS")):
		return identifyPSD(head)
	case bytes.Contains(head[:min(len(head), 1024)], []byte("%PDF-")): // PDF readers allow bytes before the header
		return identifyPDF(r, size, head)
	}
	if f, ok := other(head); ok {
		return f
	}
	if f, ok := text(head, int64(len(head)) < size); ok {
		return f
	}
	n := min(len(head), 8)
	return Format{What: fmt.Sprintf("of no known format (it begins %s)", spaced(head[:n]))}
}

// readAt reads n bytes at off; what could not be read is left out.
func readAt(r io.ReaderAt, off, n int64) []byte {
	if n <= 0 {
		return nil
	}
	b := make([]byte, n)
	got, _ := r.ReadAt(b, off)
	return b[:got]
}

func spaced(b []byte) string {
	parts := make([]string, len(b))
	for i := range b {
		parts[i] = hex.EncodeToString(b[i : i+1])
	}
	return strings.Join(parts, " ")
}

func identifyPDF(r io.ReaderAt, size int64, head []byte) Format {
	at := bytes.Index(head, []byte("%PDF-"))
	version := head[at+5:]
	if i := bytes.IndexFunc(version, func(c rune) bool { return c != '.' && (c < '0' || c > '9') }); i >= 0 {
		version = version[:i]
	}
	f := Format{Name: "PDF", What: strings.TrimSpace("a PDF document " + string(version))}
	if v := string(version); len(v) < 3 || v[0] < '1' || v[0] > '2' || v[1] != '.' {
		f.Damaged = fmt.Sprintf("the PDF header gives no version (%%PDF-%s)", truncate(v, 40))
		return f
	}
	if !bytes.Contains(readAt(r, max(0, size-endBytes), min(size, endBytes)), []byte("%%EOF")) {
		f.Damaged = "the PDF has no %%EOF marker in its last 1024 bytes: it is incomplete (cut short in transfer or export)"
	}
	return f
}

// Office Open XML main parts (ECMA-376 Part 1, the content type of the
// part the package's officeDocument relationship points to).
var officeMain = map[string][2]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   {"DOCX", "a Word document (DOCX)"},
	"application/vnd.ms-word.document.macroenabled.main+xml":                             {"DOCM", "a macro-enabled Word document (DOCM)"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml":   {"DOTX", "a Word template (DOTX)"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         {"XLSX", "an Excel workbook (XLSX)"},
	"application/vnd.ms-excel.sheet.macroenabled.main+xml":                               {"XLSM", "a macro-enabled Excel workbook (XLSM)"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml":      {"XLTX", "an Excel template (XLTX)"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": {"PPTX", "a PowerPoint presentation (PPTX)"},
}

// OpenDocument types, from the package's mimetype entry (ODF 1.2 Part 3).
var odfTypes = map[string][2]string{
	"application/vnd.oasis.opendocument.text":         {"ODT", "an OpenDocument text (ODT)"},
	"application/vnd.oasis.opendocument.spreadsheet":  {"ODS", "an OpenDocument spreadsheet (ODS)"},
	"application/vnd.oasis.opendocument.presentation": {"ODP", "an OpenDocument presentation (ODP)"},
}

type contentTypes struct {
	Defaults []struct {
		Extension   string `xml:"Extension,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Default"`
	Overrides []struct {
		PartName    string `xml:"PartName,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

func identifyZIP(r io.ReaderAt, size int64) Format {
	z, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // a name like ../x is the archive's business, not a damage

		return Format{Name: "ZIP", What: "a ZIP archive", Damaged: "the ZIP archive cannot be opened: " + err.Error(), Family: zipFormats}
	}
	entry := func(name string) *zip.File { // OPC part names compare without case
		for _, f := range z.File {
			if strings.EqualFold(strings.TrimPrefix(f.Name, "/"), strings.TrimPrefix(name, "/")) {
				return f
			}
		}
		return nil
	}
	read := func(f *zip.File, limit int64) ([]byte, error) {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(io.LimitReader(rc, limit))
	}
	if ct := entry("[Content_Types].xml"); ct != nil {
		b, err := read(ct, maxTypesXML)
		var types contentTypes
		if err == nil {
			err = xml.Unmarshal(b, &types)
		}
		if err != nil {
			return Format{Name: "ZIP", What: "an Office Open XML package", Damaged: "its [Content_Types].xml cannot be read: " + err.Error(), Family: zipFormats}
		}
		for _, o := range types.Overrides {
			if m, ok := officeMain[strings.ToLower(strings.TrimSpace(o.ContentType))]; ok {
				f := Format{Name: m[0], What: m[1]}
				if entry(o.PartName) == nil {
					f.Damaged = fmt.Sprintf("its [Content_Types].xml names the main part %s, which the package lacks", truncate(o.PartName, 40))
				}
				return f
			}
		}
		for _, d := range types.Defaults { // a main part typed by its extension
			if m, ok := officeMain[strings.ToLower(strings.TrimSpace(d.ContentType))]; ok {
				f := Format{Name: m[0], What: m[1]}
				if !slices.ContainsFunc(z.File, func(x *zip.File) bool {
					return strings.EqualFold(strings.TrimPrefix(path.Ext(x.Name), "."), d.Extension)
				}) {
					f.Damaged = fmt.Sprintf("its [Content_Types].xml types .%s files as the main part, and the package has none", truncate(d.Extension, 40))
				}
				return f
			}
		}
		return Format{Name: "ZIP", What: "an Office Open XML package that is not a document, workbook or presentation"}
	}
	if mt := entry("mimetype"); mt != nil {
		if b, err := read(mt, 200); err == nil {
			if m, ok := odfTypes[strings.TrimSpace(string(b))]; ok {
				return Format{Name: m[0], What: m[1]}
			}
		}
	}
	if len(z.File) == 1 {
		return Format{Name: "ZIP", What: "a ZIP archive of 1 file"}
	}
	return Format{Name: "ZIP", What: fmt.Sprintf("a ZIP archive of %d files", len(z.File))}
}

// identifyOLE names a Compound File Binary (MS-CFB) by the streams in its
// first directory sector: WordDocument (DOC), Workbook or Book (XLS),
// PowerPoint Document (PPT), EncryptedPackage (a password-protected DOCX
// or XLSX).
func identifyOLE(r io.ReaderAt, size int64, head []byte) Format {
	f := Format{Name: "OLE2", What: "a legacy Microsoft Office file (OLE2 compound file)"}
	if len(head) < 512 {
		f.Damaged = "the compound file is shorter than its 512-byte header"
		return f
	}
	shift := binary.LittleEndian.Uint16(head[0x1e:])
	if shift != 9 && shift != 12 {
		f.Damaged = fmt.Sprintf("the compound file's sector size (2^%d) is neither 512 nor 4096 bytes", shift)
		return f
	}
	sector := int64(1) << shift
	dir := int64(binary.LittleEndian.Uint32(head[0x30:]))
	b := readAt(r, (dir+1)*sector, min(sector, max(0, size-(dir+1)*sector)))
	for e := 0; e+128 <= len(b); e += 128 {
		n := int(binary.LittleEndian.Uint16(b[e+0x40:]))
		if n < 2 || n > 64 {
			continue
		}
		u := make([]uint16, n/2-1)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(b[e+2*i:])
		}
		switch string(utf16.Decode(u)) {
		case "WordDocument":
			return Format{Name: "DOC", What: "a legacy Word document (DOC)"}
		case "Workbook", "Book":
			return Format{Name: "XLS", What: "a legacy Excel workbook (XLS)"}
		case "PowerPoint Document":
			return Format{Name: "PPT", What: "a legacy PowerPoint presentation (PPT)"}
		case "EncryptedPackage": // MS-OFFCRYPTO: an Office Open XML file under a password
			return Format{Name: "OLE2", What: "a password-protected Office document (its content is encrypted)"}
		}
	}
	return f
}

// pngEnd is the IEND chunk every PNG ends with (length 0, type, CRC).
var pngEnd = []byte("\x00\x00\x00\x00IEND\xaeB`\x82")

func identifyPNG(r io.ReaderAt, size int64, head []byte) Format {
	f := Format{Name: "PNG", What: "a PNG image"}
	if len(head) < 33 || !bytes.Equal(head[8:16], []byte("\x00\x00\x00\x0dIHDR")) {
		f.Damaged = "the PNG does not begin with its IHDR header chunk"
		return f
	}
	c, err := png.DecodeConfig(io.NewSectionReader(r, 0, size))
	if err != nil {
		f.Damaged = "the PNG header cannot be read: " + err.Error()
		return f
	}
	f.What = fmt.Sprintf("a PNG image %d×%d", c.Width, c.Height)
	if !bytes.Contains(readAt(r, max(0, size-endBytes), min(size, endBytes)), pngEnd) { // some tools append bytes after IEND
		f.Damaged = "the PNG does not end with its IEND chunk: it is incomplete (cut short in transfer or export)"
	}
	return f
}

func identifyTIFF(r io.ReaderAt, size int64) Format {
	f := Format{Name: "TIFF", What: "a TIFF image"}
	c, err := tiff.DecodeConfig(io.NewSectionReader(r, 0, size))
	var bad tiff.FormatError
	switch {
	case errors.As(err, &bad):
		f.Damaged = "the TIFF's first image directory cannot be read: " + err.Error()
	case err == nil:
		f.What = fmt.Sprintf("a TIFF image %d×%d", c.Width, c.Height)
	}
	return f
}

func identifyJPEG(r io.ReaderAt, size int64) Format {
	f := Format{Name: "JPEG", What: "a JPEG image"}
	c, err := jpeg.DecodeConfig(io.NewSectionReader(r, 0, size))
	var bad jpeg.FormatError
	switch {
	case errors.As(err, &bad) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		f.Damaged = "the JPEG's header cannot be read: " + err.Error()
	case err == nil:
		f.What = fmt.Sprintf("a JPEG image %d×%d", c.Width, c.Height)
	}
	return f
}

// identifyPSD reads the Photoshop file header: signature, version (1 PSD,
// 2 PSB), channels, height, width.
func identifyPSD(head []byte) Format {
	if len(head) < 26 {
		return Format{Name: "PSD", What: "a Photoshop document", Damaged: "the Photoshop header is shorter than 26 bytes"}
	}
	name, what := "PSD", "a Photoshop document"
	switch binary.BigEndian.Uint16(head[4:]) {
	case 1:
	case 2:
		name, what = "PSB", "a Photoshop large document (PSB)"
	default:
		return Format{Name: "PSD", What: what, Damaged: "the Photoshop header gives neither version 1 (PSD) nor 2 (PSB)"}
	}
	h, w := binary.BigEndian.Uint32(head[14:]), binary.BigEndian.Uint32(head[18:])
	return Format{Name: name, What: fmt.Sprintf("%s %d×%d", what, w, h)}
}

// other names formats that are no document or image a source type takes,
// so a finding can say what was delivered instead.
func other(head []byte) (Format, bool) {
	has := func(at int, sig string) bool { return len(head) >= at+len(sig) && string(head[at:at+len(sig)]) == sig }
	for _, s := range []struct {
		at        int
		sig, name string
		what      string
	}{
		{0, "GIF87a", "GIF", "a GIF image"}, {0, "GIF89a", "GIF", "a GIF image"},
		{0, "\x1f\x8b", "GZIP", "a gzip archive"}, {0, "7z\xbc\xaf\x27\x1c", "7Z", "a 7-Zip archive"},
		{0, "Rar!\x1a\x07", "RAR", "a RAR archive"}, {0, "\x00\x00\x00\x0cjP  \r\n\x87\n", "JP2", "a JPEG 2000 image"},
		{4, "ftypheic", "HEIC", "a HEIC image"}, {4, "ftypheix", "HEIC", "a HEIC image"}, {4, "ftypmif1", "HEIF", "a HEIF image"},
		{4, "ftypavif", "AVIF", "an AVIF image"}, {4, "ftypcrx ", "CR3", "a Canon raw image (CR3)"}, {4, "ftyp", "MP4", "an MP4/QuickTime media file"},
		{0, "\x1a\x45\xdf\xa3", "MKV", "a Matroska/WebM media file"}, {0, "\x06\x0e\x2b\x34", "MXF", "an MXF media file"},
		{0, "OggS", "OGG", "an Ogg media file"}, {0, "fLaC", "FLAC", "a FLAC audio file"},
	} {
		if has(s.at, s.sig) {
			return Format{Name: s.name, What: s.what}, true
		}
	}
	// Short signatures text may begin with too: checked further.
	if has(0, "ID3") && len(head) >= 10 && head[3] >= 2 && head[3] <= 4 && head[4] != 0xff {
		return Format{Name: "MP3", What: "an MP3 audio file"}, true
	}
	if has(0, "BM") && len(head) >= 18 && slices.Contains([]uint32{12, 40, 52, 56, 64, 108, 124}, binary.LittleEndian.Uint32(head[14:])) {
		return Format{Name: "BMP", What: "a BMP image"}, true // the DIB header's size follows the file header
	}
	if has(0, "RIFF") && len(head) >= 12 {
		switch string(head[8:12]) {
		case "WAVE":
			return Format{Name: "WAV", What: "a WAV audio file"}, true
		case "WEBP":
			return Format{Name: "WEBP", What: "a WebP image"}, true
		case "AVI ":
			return Format{Name: "AVI", What: "an AVI media file"}, true
		}
	}
	return Format{}, false
}

// text recognizes plain text: UTF-8 (cut may end mid-character when the
// head is not the whole file), or UTF-16 with its byte-order mark, without
// NUL or other control characters than tab, line and page breaks.
func text(head []byte, cut bool) (Format, bool) {
	if bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")) {
		return Format{Name: "TXT", What: "plain text (UTF-16)"}, true
	}
	b := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if cut { // drop a character the head cuts in two
		for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
			if utf8.RuneStart(b[len(b)-i]) {
				if !utf8.FullRune(b[len(b)-i:]) {
					b = b[:len(b)-i]
				}
				break
			}
		}
	}
	if !utf8.Valid(b) {
		// Text in a legacy 8-bit encoding (Windows-1252, Latin-1): no
		// control bytes but line breaks and tabs.
		if !slices.ContainsFunc(b, func(c byte) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f }) {
			return Format{Name: "TXT", What: "plain text (not UTF-8: a legacy 8-bit encoding)"}, true
		}
		return Format{}, false
	}
	for _, c := range string(b) {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7f {
			return Format{}, false
		}
	}
	if t := bytes.ToLower(bytes.TrimSpace(b[:min(len(b), 512)])); bytes.HasPrefix(t, []byte("<!doctype html")) || bytes.HasPrefix(t, []byte("<html")) {
		return Format{Name: "HTML", What: "an HTML page"}, true
	} else if bytes.HasPrefix(t, []byte("<?xml")) {
		return Format{Name: "XML", What: "an XML document"}, true
	}
	return Format{Name: "TXT", What: "plain text (UTF-8)"}, true
}

// extensionFormats says which format a file name's extension claims.
var extensionFormats = map[string]string{
	".pdf": "PDF", ".docx": "DOCX", ".xlsx": "XLSX", ".doc": "DOC", ".xls": "XLS", ".rtf": "RTF", ".txt": "TXT",
	".png": "PNG", ".tif": "TIFF", ".tiff": "TIFF", ".jpg": "JPEG", ".jpeg": "JPEG", ".psd": "PSD", ".psb": "PSB",
}

// declaredFormat is the format the delivery claims for its file: the
// metadata's (scriptFormat, imageFormat), or else its name's extension.
func declaredFormat(s Subject) (format, by string) {
	for _, k := range []string{"scriptFormat", "imageFormat"} {
		if v := strings.ToUpper(strings.TrimSpace(s.Declared[k])); v != "" {
			return v, "the metadata says " + v
		}
	}
	ext := strings.ToLower(path.Ext(s.File))
	if f, ok := extensionFormats[ext]; ok {
		return f, fmt.Sprintf("its name (%s) says %s", ext, f)
	}
	return "", ""
}

// CheckDocument checks a script or dub card image (size bytes, read
// through r) by its content: it is of a format the source type takes, the
// one declared (the metadata's, else the one its name's extension claims),
// and whole. It returns what the file is, in words, and the findings.
func CheckDocument(p Policy, s Subject, r io.ReaderAt, size int64) (string, []Finding) {
	if !p.Runs("format") {
		return "", nil
	}
	f := Identify(r, size)
	want, by := declaredFormat(s)
	var out []Finding
	switch {
	case f.Name == "":
		msg := fmt.Sprintf("the file is %s", f.What)
		if want != "" {
			msg += "; " + by
		}
		out = append(out, Found(FormatUnknown, "%s", msg))
	case want != "" && f.Name != want && !slices.Contains(f.Family, want):
		out = append(out, Found(FormatDeclared, "the file is %s; %s", f.What, by))
	case len(p.Formats) > 0 && !slices.Contains(p.Formats, f.Name) && !slices.ContainsFunc(f.Family, func(x string) bool { return slices.Contains(p.Formats, x) }):
		out = append(out, Found(FormatNotAccepted, "the file is %s; %s deliveries are %s", f.What, s.SourceType.Name(), orList(p.Formats)))
	}
	if f.Damaged != "" {
		out = append(out, Found(FileDamaged, "%s", f.Damaged))
	}
	return f.What, out
}

func orList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}
