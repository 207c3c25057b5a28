package lot

import (
	"testing"
	"time"
)

func TestDownloadCompletesWhenEveryByteWasSent(t *testing.T) {
	// Ensures ranges served in any order and overlap complete a download only once they cover it, and that a completed download changes no more.
	at := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	d := &Download{Size: 100}
	for _, r := range []Range{{50, 80}, {0, 30}, {20, 60}} {
		if !d.Serve(r.From, r.To, at) {
			t.Fatalf("Serve(%v) = false, want true: %+v", r, d)
		}
		if d.Completed() {
			t.Fatalf("after %v: Completed() = true, want false: %+v", r, d)
		}
	}
	if !d.Serve(79, 100, at) {
		t.Fatalf("Serve of the last range = false, want true: %+v", d)
	}
	if !d.Completed() {
		t.Fatalf("after the last range: Completed() = false, want true: %+v", d)
	}
	if d.CompletedBy != CompletedByBlobServer {
		t.Errorf("after the last range: CompletedBy = %q, want %q", d.CompletedBy, CompletedByBlobServer)
	}
	if d.Served != nil {
		t.Errorf("after the last range: Served = %v, want nil", d.Served)
	}
	if d.Serve(0, 100, at) {
		t.Errorf("Serve on a completed download = true, want false: %+v", d)
	}
	if d.Sent(100, at) {
		t.Errorf("Sent on a completed download = true, want false: %+v", d)
	}
	s := &Download{Size: 100}
	if !s.Sent(60, at) {
		t.Fatalf("Sent(60) = false, want true: %+v", s)
	}
	if s.Completed() {
		t.Fatalf("after 60 of 100 bytes: Completed() = true, want false: %+v", s)
	}
	if !s.Sent(40, at) {
		t.Fatalf("Sent(40) = false, want true: %+v", s)
	}
	if s.CompletedBy != CompletedByAccessLog {
		t.Errorf("after 100 of 100 bytes: CompletedBy = %q, want %q", s.CompletedBy, CompletedByAccessLog)
	}
	if s.Sent(0, at) {
		t.Errorf("Sent(0) on a completed download = true, want false: %+v", s)
	}
}

func TestSetMediaKeepsTheFirstVideoAndEveryAudioStream(t *testing.T) {
	// Ensures a material's technical metadata reads the first video stream, every audio stream and the subtitle languages, each language once.
	m := &Material{}
	m.SetMedia(MediaInfo{Duration: 12.5,
		Video:     []VideoStream{{Codec: "h264", Width: 1920, Height: 1080, FrameRate: 23.976}, {Codec: "mjpeg", Width: 10, Height: 10}},
		Audio:     []AudioStream{{Codec: "aac", Channels: 6, Layout: "5.1(side)", Language: "eng"}, {Codec: "aac", Channels: 2, Layout: "stereo", Language: "fra"}},
		Subtitles: []SubtitleTrack{{Codec: "mov_text", Language: "fra"}, {Codec: "mov_text", Language: "spa"}}})
	if m.Duration != 12.5 || m.VideoCodec != "h264" || m.Width != 1920 || m.Height != 1080 || m.FrameRate != 23.976 {
		t.Errorf("video metadata = %v %q %dx%d %v, want 12.5 h264 1920x1080 23.976", m.Duration, m.VideoCodec, m.Width, m.Height, m.FrameRate)
	}
	if len(m.Audio) != 2 || m.Audio[0].Layout != "5.1(side)" || m.Audio[1].Channels != 2 {
		t.Errorf("audio = %+v, want 5.1(side) then a 2-channel stream", m.Audio)
	}
	if got := m.Languages(); len(got) != 3 || got[0] != "eng" || got[1] != "fra" || got[2] != "spa" {
		t.Errorf("Languages() = %v, want [eng fra spa]", got)
	}
	if !m.HasMedia() || !m.Video() {
		t.Errorf("HasMedia() = %v, Video() = %v, want true, true", m.HasMedia(), m.Video())
	}
	m.SetMedia(MediaInfo{Audio: []AudioStream{{Codec: "pcm_s16le", Channels: 2, Duration: 3}}})
	if m.Video() || m.Duration != 3 || len(m.Subtitles) != 0 {
		t.Errorf("after an audio file: Video() = %v, Duration = %v, Subtitles = %v; want false, 3, none", m.Video(), m.Duration, m.Subtitles)
	}
}

func TestMaterialLanguageReadsTheVariant(t *testing.T) {
	// Ensures the language of a material's slot is its variant, and for an earlier delivery the language DeliveryVariant put in it, whatever the file number.
	for _, c := range []struct {
		at      AssetType
		variant string
		want    string
	}{
		{AssetSubtitle, "pt-BR", "pt-BR"},
		{AssetProxyVideo, "", ""},
		{AssetDelivery, DeliveryVariant(SourceSubtitle, "es", 1), "es"},
		{AssetDelivery, DeliveryVariant(SourceSecondaryAudio, "es-419", 2), "es-419"},
		{AssetDelivery, DeliveryVariant(SourceSDHCC, "zh-Hant-TW", 12), "zh-Hant-TW"},
		{AssetDelivery, DeliveryVariant(SourceAVMuxed, "", 1), ""},
		{AssetDelivery, DeliveryVariant(SourceAVMuxed, "", 3), ""},
		{AssetDelivery, DeliveryVariant(SourceSubtitle, "x-this-tag-is-far-too-long-for-a-variant", 1), ""},
	} {
		m := &Material{AssetType: c.at, Variant: c.variant}
		if got := m.Language(); got != c.want {
			t.Errorf("%s %q: Language() = %q, want %q", c.at, c.variant, got, c.want)
		}
	}
	if v := DeliveryVariant(SourceSubtitle, "es", 2); v != "SUBTITLE-es-f2" {
		t.Errorf("DeliveryVariant(SUBTITLE, es, 2) = %q, want SUBTITLE-es-f2", v)
	}
}
