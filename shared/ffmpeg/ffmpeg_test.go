package ffmpeg_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/lot"
)

// served puts dir behind a real HTTP server, as signed blob URLs are.
func served(t *testing.T, dir string) string {
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

var opts = lot.DetectOptions{MinBlack: 0.5, MinSilence: 0.5, NoiseDB: -60}

func TestProbeReadsOverHTTP(t *testing.T) {
	// Ensures ffprobe reads a file's technical metadata through its URL.
	dir := t.TempDir()
	fftest.Make(t, dir, "clip", fftest.Spec{Seconds: 4, Width: 1280, Height: 720, Rate: "24000/1001", Channels: 6, Language: "spa"})
	info, err := ffmpeg.Media{}.Probe(context.Background(), served(t, dir)+"clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	v, a := info.Video[0], info.Audio[0]
	if v.Width != 1280 {
		t.Errorf("probe video Width = %d, want 1280", v.Width)
	}
	if v.Height != 720 {
		t.Errorf("probe video Height = %d, want 720", v.Height)
	}
	if !near(v.FrameRate, 23.976, 0.001) {
		t.Errorf("probe video FrameRate = %v, want 23.976 ± 0.001", v.FrameRate)
	}
	if !near(info.Duration, 4, 0.2) {
		t.Errorf("probe Duration = %v, want 4 ± 0.2", info.Duration)
	}
	if a.Channels != 6 {
		t.Errorf("probe audio Channels = %d, want 6", a.Channels)
	}
	if a.Language != "spa" {
		t.Errorf("probe audio Language = %q, want %q", a.Language, "spa")
	}
	if a.SampleRate != 48000 {
		t.Errorf("probe audio SampleRate = %d, want 48000", a.SampleRate)
	}
	if !near(v.Duration, 4, 0.2) {
		t.Errorf("probe video Duration = %v, want 4 ± 0.2", v.Duration)
	}
}

func TestDetectFindsBlackAndSilence(t *testing.T) {
	// Ensures one decoding pass finds black video and silent audio where the
	// file has them, and nothing in a clean file.
	dir := t.TempDir()
	fftest.Make(t, dir, "gaps", fftest.Spec{Seconds: 8, Black: [2]float64{2, 5}, Silence: [2]float64{4, 7}})
	fftest.Make(t, dir, "clean", fftest.Spec{Seconds: 4})
	base := served(t, dir)
	det, err := ffmpeg.Media{}.Detect(context.Background(), base+"gaps.mp4", opts)
	if err != nil {
		t.Fatal(err)
	}
	// Black is measured on every third frame: to within 3/24 s here.
	if len(det.Black) != 1 {
		t.Fatalf("%d black spans, want 1: %+v", len(det.Black), det.Black)
	}
	if !near(det.Black[0].Start, 2, 0.13) {
		t.Errorf("black starts at %v, want 2 ± 0.13", det.Black[0].Start)
	}
	if !near(det.Black[0].End, 5, 0.13) {
		t.Errorf("black ends at %v, want 5 ± 0.13", det.Black[0].End)
	}
	if det.Undecodable != 0 {
		t.Errorf("%d undecodable frames, want 0", det.Undecodable)
	}
	if len(det.Silence) != 1 {
		t.Fatalf("%d silent spans, want 1: %+v", len(det.Silence), det.Silence)
	}
	if !near(det.Silence[0].Start, 4, 0.1) {
		t.Errorf("silence starts at %v, want 4 ± 0.1", det.Silence[0].Start)
	}
	if !near(det.Silence[0].End, 7, 0.1) {
		t.Errorf("silence ends at %v, want 7 ± 0.1", det.Silence[0].End)
	}
	clean, err := ffmpeg.Media{}.Detect(context.Background(), base+"clean.mp4", opts)
	if err != nil {
		t.Fatalf("clean file: %v", err)
	}
	if len(clean.Black)+len(clean.Silence)+clean.Undecodable != 0 {
		t.Errorf("clean file: black %+v, silence %+v, %d undecodable frames; want none", clean.Black, clean.Silence, clean.Undecodable)
	}
}

func TestUnreadableIsThePartnersStorageIsNot(t *testing.T) {
	// Ensures a file that is not media is ErrUnreadable (a finding), while a
	// URL storage cannot serve is another error (a platform fault).
	fftest.Need(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.mov"), []byte("these are not frames"), 0o644)
	base := served(t, dir)
	if _, err := (ffmpeg.Media{}).Probe(context.Background(), base+"notes.mov"); !errors.Is(err, ffmpeg.ErrUnreadable) {
		t.Fatalf("text as media: %v", err)
	}
	_, err := (ffmpeg.Media{}).Probe(context.Background(), base+"gone.mov")
	if err == nil {
		t.Fatal("a 404 URL: no error")
	}
	if errors.Is(err, ffmpeg.ErrUnreadable) {
		t.Errorf("a 404 URL: %v, want an error other than ErrUnreadable", err)
	}
}

func TestDetectAudioOnlySilentToTheEnd(t *testing.T) {
	// Ensures a file without video is decoded for silence alone, and a
	// silence that lasts to the end is reported up to the end.
	dir := t.TempDir()
	fftest.Make(t, dir, "stems", fftest.Spec{Seconds: 4, NoVideo: true, Silence: [2]float64{2, 5}})
	det, err := ffmpeg.Media{}.Detect(context.Background(), served(t, dir)+"stems.wav", opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(det.Black) != 0 {
		t.Errorf("%d black spans in a file without video, want 0: %+v", len(det.Black), det.Black)
	}
	if len(det.Silence) != 1 {
		t.Fatalf("%d silent spans, want 1: %+v", len(det.Silence), det.Silence)
	}
	if !near(det.Silence[0].Start, 2, 0.05) {
		t.Errorf("silence starts at %v, want 2 ± 0.05", det.Silence[0].Start)
	}
	if !near(det.Silence[0].End, 4, 0.05) {
		t.Errorf("silence ends at %v, want 4 ± 0.05", det.Silence[0].End)
	}
}

func TestWatermarkedProxyInSegments(t *testing.T) {
	// Ensures a proxy made in two segments over HTTP and joined is 640×360 H.264/AAC, as long as the source, with the code legible in its picture.
	dir := t.TempDir()
	fftest.Make(t, dir, "source", fftest.Spec{Seconds: 6, Width: 1280, Height: 720})
	url := served(t, dir) + "source.mp4"
	m := ffmpeg.Media{}
	ctx := context.Background()
	lines := []string{"openlot · Juniper Post · ana@juniper", "2026-11-23 10:00 UTC · K7Q2M9XD"}
	var segs []string
	for i, from := range []float64{0, 3} {
		seg := filepath.Join(dir, fmt.Sprintf("seg-%d.ts", i))
		if err := m.MakeProxy(ctx, lot.ProxySpec{Source: url, From: from, Seconds: 3, Width: 640, Height: 360, Watermark: lines, Code: "K7Q2M9XD"}, seg); err != nil {
			t.Fatal(err)
		}
		segs = append(segs, seg)
	}
	out := filepath.Join(dir, "proxy.mp4")
	if err := m.JoinProxy(ctx, segs, out); err != nil {
		t.Fatal(err)
	}
	info, err := m.Probe(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	v := info.Video[0]
	if v.Codec != "h264" {
		t.Errorf("the joined proxy's video Codec = %q, want %q", v.Codec, "h264")
	}
	if v.Width != 640 {
		t.Errorf("the joined proxy's video Width = %d, want 640", v.Width)
	}
	if v.Height != 360 {
		t.Errorf("the joined proxy's video Height = %d, want 360", v.Height)
	}
	if !near(info.Duration, 6, 0.3) {
		t.Errorf("the joined proxy's Duration = %v, want 6 ± 0.3", info.Duration)
	}
	if len(info.Audio) != 1 {
		t.Fatalf("the joined proxy has %d audio streams, want 1: %+v", len(info.Audio), info.Audio)
	}
	if info.Audio[0].Codec != "aac" {
		t.Errorf("the joined proxy's audio Codec = %q, want %q", info.Audio[0].Codec, "aac")
	}
	for _, at := range []float64{1, 4.5} { // one frame from each segment
		text := fftest.FrameText(t, out, at)
		if !fftest.HasCode(text, "K7Q2M9XD") {
			t.Fatalf("the code is not legible at %gs: %q", at, text)
		}
		if fftest.HasCode(text, "5VWH3BJR") {
			t.Fatalf("another code is read in %q", text)
		}
	}
	if err := m.MakeProxy(ctx, lot.ProxySpec{Source: url, Width: 641, Height: 360}, out); err == nil {
		t.Fatal("an odd proxy size was accepted")
	}
}
