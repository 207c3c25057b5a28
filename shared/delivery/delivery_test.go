package delivery_test

import (
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/delivery"
	"github.com/openlot/openlot/shared/lot"
)

const sum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func subtitle() *lot.Request {
	return &lot.Request{ID: "0190f0f0-0000-7000-8000-000000000001", SourceType: lot.SourceSubtitle, Language: "es-419",
		Status: lot.StatusOpen, MaterialStatus: lot.MaterialAccepted}
}

func TestMetadataFormsAskWhatTheSourceTypeNeeds(t *testing.T) {
	// Ensures the twelve source types Backlot asks metadata for have forms,
	// that values normalize, that the request's language fills in, and that
	// bad or missing metadata fails with invalid_metadata naming the field.
	for _, st := range []lot.SourceType{lot.SourceAudioDescription, lot.SourceAudioME, lot.SourceAudioPrintMaster,
		lot.SourceFinalScript, lot.SourceForcedSub, lot.SourceProductionLockedProxy, lot.SourceSDHCC,
		lot.SourceSecondaryAudio, lot.SourceSubtitle, lot.SourceAVMuxed, lot.SourceNonIMFDelivery, lot.SourceSecondaryAVMuxed} {
		if len(delivery.FormOf(st).Fields) == 0 {
			t.Errorf("%s has no metadata form", st)
		}
	}
	got, err := delivery.CheckMetadata(subtitle(), map[string]string{"subtitleFormat": "ttml", "frameRate": "23.976", "startTimecode": "00:59:58;00"})
	if err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{"subtitleFormat": "TTML", "language": "es-419", "frameRate": "23.976"} {
		if got[field] != want {
			t.Errorf("%s = %q, want %q (all: %v)", field, got[field], want, got)
		}
	}
	for field, m := range map[string]map[string]string{
		"subtitleFormat": {"frameRate": "24"},
		"frameRate":      {"subtitleFormat": "SRT", "frameRate": "23.98"},
		"startTimecode":  {"subtitleFormat": "SRT", "frameRate": "24", "startTimecode": "25:00:00:00"},
		"language":       {"subtitleFormat": "SRT", "frameRate": "24", "language": "not a tag"},
		"colour":         {"subtitleFormat": "SRT", "frameRate": "24", "colour": "blue"},
	} {
		_, err := delivery.CheckMetadata(subtitle(), m)
		if !lot.IsCode(err, delivery.CodeInvalidMetadata) {
			t.Errorf("%v: got %v, want code %s", m, err, delivery.CodeInvalidMetadata)
		} else if !strings.Contains(err.Error(), field) {
			t.Errorf("%v: error %q does not name %s", m, err, field)
		}
	}
}

func TestFileChecksRefuseBadNamesAndSizes(t *testing.T) {
	// Ensures names with paths, NUL or control characters, 1 KB names,
	// names equal after Unicode normalization, empty and oversized files,
	// and malformed checksums are refused before anything is uploaded.
	ok := lot.TransferFile{Name: "tides_es-419.ttml", Size: 1 << 20, SHA256: strings.ToUpper(sum),
		Metadata: map[string]string{"subtitleFormat": "TTML", "frameRate": "24"}}
	files, err := delivery.CheckFiles(subtitle(), []lot.TransferFile{ok})
	if err != nil {
		t.Fatal(err)
	}
	if files[0].SHA256 != sum {
		t.Errorf("SHA256 %q, want it in lower case %q", files[0].SHA256, sum)
	}
	if files[0].PartSize != lot.MinTransferPart {
		t.Errorf("part size %d, want %d", files[0].PartSize, lot.MinTransferPart)
	}
	if files[0].ContentType != "application/octet-stream" {
		t.Errorf("content type %q, want application/octet-stream", files[0].ContentType)
	}
	with := func(mod func(*lot.TransferFile)) []lot.TransferFile { f := ok; mod(&f); return []lot.TransferFile{f} }
	cases := map[string][]lot.TransferFile{
		"../":        with(func(f *lot.TransferFile) { f.Name = "../etc/passwd" }),
		"NUL":        with(func(f *lot.TransferFile) { f.Name = "a\x00b.ttml" }),
		"control":    with(func(f *lot.TransferFile) { f.Name = "a\x1bb.ttml" }),
		"1 KB name":  with(func(f *lot.TransferFile) { f.Name = strings.Repeat("a", 1024) }),
		"empty name": with(func(f *lot.TransferFile) { f.Name = "  " }),
		"zero bytes": with(func(f *lot.TransferFile) { f.Size = 0 }),
		"5 TiB":      with(func(f *lot.TransferFile) { f.Size = 5 << 40 }),
		"bad sha":    with(func(f *lot.TransferFile) { f.SHA256 = "abc" }),
		"unicode twins": {
			{Name: "Caf\u00e9.wav", Size: 1, SHA256: sum},
			{Name: "Cafe\u0301.wav", Size: 1, SHA256: sum},
		},
	}
	audio := &lot.Request{SourceType: lot.SourceAudioME, Status: lot.StatusOpen, MaterialStatus: lot.MaterialAccepted}
	for name, fs := range cases {
		r := subtitle()
		if name == "unicode twins" {
			r = audio
			for i := range fs {
				fs[i].Metadata = map[string]string{"audioConfiguration": "5.1", "frameRate": "24"}
			}
		}
		if _, err := delivery.CheckFiles(r, fs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ps := lot.PartSize(2 << 40)
	if ps < (2<<40)/lot.MaxParts || ps > lot.MaxTransferPart {
		t.Errorf("part size for 2 TiB: %d, want between %d and %d", ps, (2<<40)/lot.MaxParts, lot.MaxTransferPart)
	}
	if ps%(1<<20) != 0 {
		t.Errorf("part size for 2 TiB: %d, want a whole number of MiB", ps)
	}
	if lot.PartSize(lot.MaxFileSize) != lot.MaxTransferPart {
		t.Errorf("part size at the limit: %d", lot.PartSize(lot.MaxFileSize))
	}
}
