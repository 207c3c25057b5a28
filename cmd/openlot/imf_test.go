package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/imf/imftest"
)

func TestIMFDeliveredWithTheCLI(t *testing.T) {
	// Ensures an IMF request takes a whole package through the generic
	// transfer API (openlot deliver with every file of the IMP): a text file
	// alone Fails as no package; the IMP of JPEG 2000 and PCM MXF is
	// Processed, and its card carries the composition (title, edit rate,
	// runtime, tracks with their status, video first).
	fftest.Need(t)
	_, cfg, id := requestWorld(t, nil, "IMF")
	dir := t.TempDir()
	note := filepath.Join(dir, "notes.txt")
	os.WriteFile(note, []byte("the IMF is on its way\n"), 0o644)
	if card := deliverAndWait(t, cfg, id, nil, note); card.Status != "FAILED" || card.ErrorCode != "IMF_NOT_A_PACKAGE" {
		t.Fatalf("a text file as IMF: %s %s, want FAILED IMF_NOT_A_PACKAGE", card.Status, card.ErrorCode)
	}

	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	video := read(fftest.MakeIMFTrack(t, dir, "video", fftest.IMFTrack{Seconds: 2}))
	audio := read(fftest.MakeIMFTrack(t, dir, "audio", fftest.IMFTrack{Seconds: 2, Audio: true}))
	p := imftest.New(imftest.Spec{Title: "Orbital S01E04", EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "Orbital_S01E04_video.mxf", Sequence: "MainImageSequence", Data: video, EditRate: "24 1", Duration: 48},
		{Name: "Orbital_S01E04_audio.mxf", Sequence: "MainAudioSequence", Data: audio, EditRate: "48000 1", Duration: 96000},
	}})
	imp := filepath.Join(dir, "IMP")
	os.Mkdir(imp, 0o755)
	var files []string
	for _, n := range p.Names {
		path := filepath.Join(imp, n)
		if err := os.WriteFile(path, p.Files[n], 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	card := deliverAndWait(t, cfg, id, nil, files...)
	if card.Status != "PROCESSED" {
		t.Fatalf("a valid IMP: %s %+v", card.Status, card.Inspection)
	}
	r := apiAs(t, cfg)(http.MethodGet, "/v1/transfers/"+card.ID, "")
	b, _ := json.Marshal(r.body)
	var got struct {
		Inspection struct {
			Composition struct {
				Title    string
				EditRate string
				RuntimeS float64
				Tracks   []struct{ Kind, Status string }
			}
		}
	}
	json.Unmarshal(b, &got)
	c := got.Inspection.Composition
	if c.Title != "Orbital S01E04" || c.EditRate != "24 1" || c.RuntimeS != 2 {
		t.Errorf("composition %+v; the answer: %s", c, b)
	}
	if len(c.Tracks) != 2 || c.Tracks[0].Kind != "video" || c.Tracks[0].Status != "PROCESSED" || c.Tracks[1].Status != "PROCESSED" {
		t.Errorf("tracks %+v", c.Tracks)
	}
}
