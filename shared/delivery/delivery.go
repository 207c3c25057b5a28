// Package delivery holds the rules of delivering files: the delivery
// metadata form of each source type (as data), and the checks on file names,
// sizes and checksums a transfer must pass before any byte is sent.
package delivery

import (
	"encoding/hex"
	"maps"
	"mime"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/openlot/openlot/shared/lot"
)

// CodeInvalidMetadata names delivery metadata that is missing or not allowed (422).
const CodeInvalidMetadata = "invalid_metadata"

// Field is one question of a delivery metadata form.
type Field struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Kind     string   `json:"kind"`             // choice, language or timecode
	Values   []string `json:"values,omitempty"` // for choice
	Required bool     `json:"required"`
	Help     string   `json:"help,omitempty"`
}

// Form is the metadata asked of a delivery of one source type.
type Form struct {
	SourceType   lot.SourceType `json:"sourceType"`
	SeveralFiles bool           `json:"severalFiles"`
	Fields       []Field        `json:"fields"`
}

var (
	language = Field{Name: "language", Label: "Language", Kind: "language", Required: true,
		Help: "BCP 47 tag of the file's language; defaults to the request's language"}
	frameRate = Field{Name: "frameRate", Label: "Frame rate", Kind: "choice", Required: true,
		Values: []string{"23.976", "24", "25", "29.97", "30", "50", "59.94", "60"}}
	subtitleFormat = Field{Name: "subtitleFormat", Label: "Subtitle format", Kind: "choice", Required: true,
		Values: []string{"TTML", "DFXP", "SRT", "STL", "SCC"}}
	audioConfig = Field{Name: "audioConfiguration", Label: "Audio configuration", Kind: "choice", Required: true,
		Values: []string{"2.0", "5.1", "7.1", "Atmos"}}
	bitDepth   = Field{Name: "bitDepth", Label: "Bit depth", Kind: "choice", Values: []string{"16", "24"}}
	sampleRate = Field{Name: "sampleRate", Label: "Sample rate", Kind: "choice", Values: []string{"48000", "96000"}}
	startTC    = Field{Name: "startTimecode", Label: "Start timecode", Kind: "timecode", Help: "HH:MM:SS:FF or HH:MM:SS;FF"}
	resolution = Field{Name: "videoResolution", Label: "Video resolution", Kind: "choice", Required: true,
		Values: []string{"SD", "HD", "UHD"}}
	scriptFormat = Field{Name: "scriptFormat", Label: "Script format", Kind: "choice", Required: true,
		Values: []string{"PDF", "DOCX", "XLSX"}}
)

func optional(f Field) Field { f.Required = false; return f }

// forms holds every source type's form; types not listed ask nothing.
var forms = map[lot.SourceType][]Field{
	lot.SourceAudioDescription:      {language, audioConfig, frameRate, bitDepth, sampleRate, startTC},
	lot.SourceAudioME:               {audioConfig, frameRate, bitDepth, sampleRate, startTC},
	lot.SourceAudioPrintMaster:      {language, audioConfig, frameRate, bitDepth, sampleRate, startTC},
	lot.SourceSecondaryAudio:        {language, audioConfig, frameRate, bitDepth, startTC},
	lot.SourceFinalScript:           {language, scriptFormat},
	lot.SourceForcedSub:             {language, subtitleFormat, frameRate, startTC},
	lot.SourceSubtitle:              {language, subtitleFormat, frameRate, startTC},
	lot.SourceSDHCC:                 {language, subtitleFormat, frameRate, startTC},
	lot.SourceProductionLockedProxy: {frameRate, startTC},
	lot.SourceAVMuxed:               {language, frameRate, resolution, optional(audioConfig), startTC},
	lot.SourceSecondaryAVMuxed:      {language, frameRate, resolution, optional(audioConfig), startTC},
	lot.SourceNonIMFDelivery:        {optional(language), optional(frameRate), optional(resolution)},
}

// FormOf returns the form of source type st.
func FormOf(st lot.SourceType) Form {
	return Form{SourceType: st, SeveralFiles: st.TakesSeveralFiles(), Fields: slices.Clone(forms[st])}
}

// Forms returns the forms of every source type, in the order lot lists them.
func Forms() []Form {
	out := make([]Form, len(lot.SourceTypes))
	for i, st := range lot.SourceTypes {
		out[i] = FormOf(st)
	}
	return out
}

var timecode = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9][:;][0-5][0-9]$`)

func bad(field, format string, args ...any) error {
	return lot.Errorf(CodeInvalidMetadata, "metadata %s: "+format, append([]any{field}, args...)...)
}

// CheckMetadata checks m against the form of r's source type and returns it
// normalized (choice values in their listed spelling, the request's language
// filled in). Unknown fields, missing required ones and values outside the
// form fail with invalid_metadata naming the field.
func CheckMetadata(r *lot.Request, m map[string]string) (map[string]string, error) {
	fields := forms[r.SourceType]
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.ContainsFunc(fields, func(f Field) bool { return f.Name == k }) {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.Name
			}
			if len(names) == 0 {
				return nil, bad(k, "%s deliveries take no metadata", r.SourceType.Name())
			}
			return nil, bad(k, "not a field of the %s form (%s)", r.SourceType.Name(), strings.Join(names, ", "))
		}
	}
	for _, f := range fields {
		v := strings.TrimSpace(m[f.Name])
		if v == "" && f.Name == "language" && r.Language != "" {
			v = r.Language
		}
		if v == "" {
			if f.Required {
				return nil, bad(f.Name, "required for %s deliveries", r.SourceType.Name())
			}
			continue
		}
		switch f.Kind {
		case "choice":
			i := slices.IndexFunc(f.Values, func(x string) bool { return strings.EqualFold(x, v) })
			if i < 0 {
				return nil, bad(f.Name, "%q is not one of %s", truncate(v), strings.Join(f.Values, ", "))
			}
			v = f.Values[i]
		case "language":
			tag, err := lot.CheckLanguage(v)
			if err != nil {
				return nil, bad(f.Name, "%q is not a BCP 47 language tag", truncate(v))
			}
			v = tag
		case "timecode":
			if !timecode.MatchString(v) {
				return nil, bad(f.Name, "%q is not a timecode HH:MM:SS:FF", truncate(v))
			}
		}
		out[f.Name] = v
	}
	return out, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// MaxNameBytes bounds a file name (most file systems allow 255 bytes).
const MaxNameBytes = 255

// CheckName returns the file name in Unicode NFC, or fails with invalid for
// names that are empty, too long, a path (/ or \), . or .., or that hold NUL
// or other control characters.
func CheckName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", lot.Errorf(lot.CodeInvalid, "file name is not valid UTF-8")
	}
	n := norm.NFC.String(name)
	switch {
	case strings.TrimSpace(n) == "":
		return "", lot.Errorf(lot.CodeInvalid, "file name is empty")
	case len(n) > MaxNameBytes:
		return "", lot.Errorf(lot.CodeInvalid, "file name is %d bytes; at most %d", len(n), MaxNameBytes)
	case n == "." || n == "..":
		return "", lot.Errorf(lot.CodeInvalid, "file name %q is not a file", n)
	case strings.ContainsAny(n, `/\`):
		return "", lot.Errorf(lot.CodeInvalid, "file name %q holds a path separator; give the name only", truncate(n))
	case strings.ContainsFunc(n, unicode.IsControl):
		return "", lot.Errorf(lot.CodeInvalid, "file name %q holds NUL or control characters", truncate(strings.Map(printable, n)))
	case n != strings.TrimSpace(n):
		return "", lot.Errorf(lot.CodeInvalid, "file name %q starts or ends with a space", truncate(n))
	}
	return n, nil
}

func printable(r rune) rune {
	if unicode.IsControl(r) {
		return '?'
	}
	return r
}

// CheckSum accepts a whole-file SHA-256 as 64 hex digits (any case) and
// returns it in lower case; "" (to be declared when completing) passes.
func CheckSum(s string) (string, error) {
	sum, ok := normalSum(s)
	if !ok {
		return "", lot.Errorf(lot.CodeInvalid, "%s", badSum)
	}
	return sum, nil
}

const badSum = "sha256 must be the 64 hex digits of the whole file's SHA-256"

func normalSum(s string) (string, bool) {
	sum := strings.ToLower(strings.TrimSpace(s))
	if sum == "" {
		return "", true
	}
	b, err := hex.DecodeString(sum)
	return sum, err == nil && len(b) == 32
}

// CheckFiles checks every file of a transfer to r: name, size (1 byte to
// lot.MaxFileSize), whole-file SHA-256 (64 hex digits, or empty to declare
// it when completing, so a client can hash while it uploads), content type, and
// metadata; two names that are equal after Unicode normalization (or that
// differ only in case) are refused. It returns the files normalized, with
// their part sizes chosen.
func CheckFiles(r *lot.Request, files []lot.TransferFile) ([]lot.TransferFile, error) {
	out := make([]lot.TransferFile, len(files))
	seen := map[string]bool{}
	for i, f := range files {
		name, err := CheckName(f.Name)
		if err != nil {
			return nil, err
		}
		if key := strings.ToLower(name); seen[key] {
			return nil, lot.Errorf(lot.CodeInvalid, "two files are named %q (names are compared after Unicode normalization, ignoring case)", truncate(name))
		} else {
			seen[key] = true
		}
		switch {
		case f.Size <= 0:
			return nil, lot.Errorf(lot.CodeInvalid, "file %q is empty; an empty file cannot be a delivery", truncate(name))
		case f.Size > lot.MaxFileSize:
			return nil, lot.Errorf(lot.CodeTooLarge, "file %q is %d bytes; one file may be at most %d bytes", truncate(name), f.Size, int64(lot.MaxFileSize))
		}
		sum, ok := normalSum(f.SHA256)
		if !ok {
			return nil, lot.Errorf(lot.CodeInvalid, "file %q: %s", truncate(name), badSum)
		}
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if _, _, err := mime.ParseMediaType(ct); err != nil || len(ct) > 128 {
			return nil, lot.Errorf(lot.CodeInvalid, "file %q: content type %q is not a media type", truncate(name), truncate(ct))
		}
		meta, err := CheckMetadata(r, f.Metadata)
		if err != nil {
			return nil, err
		}
		out[i] = lot.TransferFile{Name: name, Size: f.Size, SHA256: sum, ContentType: ct, Metadata: meta, PartSize: lot.PartSize(f.Size)}
	}
	return out, nil
}
