package demo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// MaterialFile is one demo material file, made with ffmpeg (or written)
// at the demo's first start and shared by every title.
type MaterialFile struct {
	AssetType   lot.AssetType
	Variant     string
	Name        string
	ContentType string
	Path        string
}

// MakeMaterialFiles writes the demo's material files into dir: a 12 s
// 720p proxy source and final proxy, stems, printmaster and M&E as WAV, a
// subtitle and a script. Nothing is committed; ffmpeg makes them in a few
// seconds.
func MakeMaterialFiles(ctx context.Context, dir string) ([]MaterialFile, error) {
	ff := func(out string, args ...string) error {
		args = append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)
		if b, err := exec.CommandContext(ctx, "ffmpeg", append(args, filepath.Join(dir, out))...).CombinedOutput(); err != nil {
			return fmt.Errorf("ffmpeg %s: %w: %s", out, err, b)
		}
		return nil
	}
	video := func(size string) []string {
		return []string{"-f", "lavfi", "-i", "testsrc2=s=" + size + ":r=24:d=12", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=12",
			"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-movflags", "+faststart"}
	}
	tone := func(freq string, ch int) []string {
		return []string{"-f", "lavfi", "-i", "sine=f=" + freq + ":r=48000:d=12", "-ac", fmt.Sprint(ch), "-c:a", "pcm_s16le"}
	}
	files := slices.Clone(materialFiles)
	recipes := map[string][]string{
		"proxy_source.mp4": append(video("1280x720"), "-metadata:s:a:0", "language=eng"),
		// The final proxy carries two audio languages, as final proxies do.
		"final_proxy.mp4": {"-f", "lavfi", "-i", "testsrc2=s=640x360:r=24:d=12", "-f", "lavfi", "-i", "sine=f=440:r=48000:d=12",
			"-f", "lavfi", "-i", "sine=f=660:r=48000:d=12", "-map", "0:v", "-map", "1:a", "-map", "2:a",
			"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2",
			"-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra", "-movflags", "+faststart"},
		"stems_5.1.wav": tone("220", 6), "printmaster_2.0.wav": tone("440", 2), "m_and_e_2.0.wav": tone("330", 2),
	}
	texts := map[string]string{
		"subtitles_en.srt":    "1\n00:00:01,000 --> 00:00:04,000\nThe tide is coming in.\n\n2\n00:00:05,000 --> 00:00:08,500\nThen we wait for it.\n",
		"final_script_en.txt": "FINAL SCRIPT\n\n1. EXT. HARBOUR - DAWN\n\nMARA\nThe tide is coming in.\n\nJON\nThen we wait for it.\n",
	}
	for i, f := range files {
		files[i].Path = filepath.Join(dir, f.Name)
		if args, ok := recipes[f.Name]; ok {
			if err := ff(f.Name, args...); err != nil {
				return nil, err
			}
		} else if err := os.WriteFile(files[i].Path, []byte(texts[f.Name]), 0o644); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// materialFiles are the demo's material files, in the order they are made
// and given to each title.
var materialFiles = []MaterialFile{
	{lot.AssetProxyVideo, "", "proxy_source.mp4", "video/mp4", ""},
	{lot.AssetFinalProxy, "", "final_proxy.mp4", "video/mp4", ""},
	{lot.AssetAudioStems, "", "stems_5.1.wav", "audio/wav", ""},
	{lot.AssetPrintmaster, "", "printmaster_2.0.wav", "audio/wav", ""},
	{lot.AssetME, "", "m_and_e_2.0.wav", "audio/wav", ""},
	{lot.AssetSubtitle, "en", "subtitles_en.srt", "application/x-subrip", ""},
	{lot.AssetScript, "en", "final_script_en.txt", "text/plain; charset=utf-8", ""},
}

// LastMaterialID is the ID of the last material given to the demo's
// titles: once it exists, every title has its materials.
func LastMaterialID() string {
	ts, f := Titles(), materialFiles[len(materialFiles)-1]
	return lot.MaterialID(ts[len(ts)-1].MovieID, f.AssetType, f.Variant, 1)
}

// Stored is a demo file once in blob storage.
type Stored struct {
	MaterialFile
	Key    string
	Size   int64
	SHA256 string
	Media  *lot.MediaInfo // probed; nil for files that are not audio or video
}

// Materials returns version 1 of every demo material of a title, over the
// shared stored files: delivered over the last three weeks (a few of them
// newly added) and, for audio, QC'd or not.
func Materials(title *lot.Title, files []Stored, today time.Time) []*lot.Material {
	var out []*lot.Material
	for i, f := range files {
		age := time.Duration((title.MovieID*7+int64(i)*5)%21) * 24 * time.Hour
		m := &lot.Material{ID: lot.MaterialID(title.MovieID, f.AssetType, f.Variant, 1), MovieID: title.MovieID,
			AssetType: f.AssetType, Variant: f.Variant, Version: 1, FileName: f.Name, Size: f.Size, SHA256: f.SHA256,
			ContentType: f.ContentType, Key: f.Key, DeliveredAt: today.Add(-age).UTC(), AddedBy: "studio-ops"}
		if f.Media != nil {
			m.SetMedia(*f.Media)
		}
		if f.AssetType.Audio() {
			m.QC, m.QCUpdatedAt = lot.MaterialQCPending, m.DeliveredAt
			if (title.MovieID+int64(i))%3 != 0 {
				m.QC = lot.MaterialReadyForMix
			}
		}
		out = append(out, m)
	}
	return out
}

// Titles returns the demo's titles (one set).
func Titles() []*lot.Title { return titles(1) }
