package ffmpeg_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/imf/imftest"
	"github.com/openlot/openlot/shared/lot"
)

func TestCompositionPlayedOverHTTP(t *testing.T) {
	// Ensures an IMF composition of JPEG 2000 and PCM track files is played
	// end to end through their URLs: black in the image is found where it is,
	// and a composition playing a track file it has not got is unreadable
	// media (the partner's problem), not a platform fault.
	dir := t.TempDir()
	fftest.MakeIMFTrack(t, dir, "video", fftest.IMFTrack{Seconds: 4, Black: [2]float64{1, 3}})
	fftest.MakeIMFTrack(t, dir, "audio", fftest.IMFTrack{Seconds: 4, Audio: true})
	read := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	p := imftest.New(imftest.Spec{Title: "Orbital", EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "video.mxf", Sequence: "MainImageSequence", Data: read("video.mxf"), EditRate: "24 1", Duration: 96},
		{Name: "audio.mxf", Sequence: "MainAudioSequence", Data: read("audio.mxf"), EditRate: "48000 1", Duration: 192000},
	}})
	base := served(t, dir)
	assets := map[string]string{p.IDs["video.mxf"]: base + "video.mxf?sig=a&x=1", p.IDs["audio.mxf"]: base + "audio.mxf?sig=b&x=2"}
	// Told the picture is JPEG 2000 (OpenJPEG decodes it) or not told.
	j2k := opts
	j2k.VideoCodec = "jpeg2000"
	for _, o := range []lot.DetectOptions{j2k, opts} {
		det, err := ffmpeg.Media{}.DetectComposition(context.Background(), p.Files["CPL.xml"], assets, o)
		if err != nil {
			t.Fatal(err)
		}
		if len(det.Black) != 1 || !near(det.Black[0].Start, 1, 0.2) || !near(det.Black[0].End, 3, 0.2) {
			t.Errorf("codec %q: black %+v, want one span 1–3 s", o.VideoCodec, det.Black)
		}
		if len(det.Silence) != 0 || det.Undecodable != 0 {
			t.Errorf("codec %q: silence %+v, %d undecodable; want none", o.VideoCodec, det.Silence, det.Undecodable)
		}
	}
	delete(assets, p.IDs["audio.mxf"])
	_, err := ffmpeg.Media{}.DetectComposition(context.Background(), p.Files["CPL.xml"], assets, opts)
	if !errors.Is(err, lot.ErrUnreadableMedia) {
		t.Errorf("a track file that is not there: %v, want unreadable media", err)
	}
	// Storage answering 404 for a file it should hold is a platform fault.
	assets[p.IDs["audio.mxf"]] = base + "gone.mxf"
	if _, err = (ffmpeg.Media{}).DetectComposition(context.Background(), p.Files["CPL.xml"], assets, opts); err == nil || errors.Is(err, lot.ErrUnreadableMedia) {
		t.Errorf("storage failing: %v, want a fault", err)
	}
}
