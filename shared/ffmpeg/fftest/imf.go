package fftest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

// IMFTrack describes an IMF track file to make: MXF with JPEG 2000 video
// (libopenjpeg), or MXF with one channel of 24-bit PCM (ffmpeg writes
// OP-Atom audio one channel to a file).
type IMFTrack struct {
	Seconds       float64
	Audio         bool
	Width, Height int        // video; 0: 320×180
	Rate          string     // video frame rate; "" is 24
	Black         [2]float64 // from, to (seconds); zero: none
	Silent        bool       // audio: silence throughout
}

// MakeIMFTrack writes the track file into dir as name.mxf and returns its path.
func MakeIMFTrack(t testing.TB, dir, name string, s IMFTrack) string {
	t.Helper()
	Need(t)
	out := filepath.Join(dir, name+".mxf")
	args := []string{"-hide_banner", "-loglevel", "error", "-y"}
	if s.Audio {
		// The audio edit units run at 24 per second (ffmpeg refuses 48000).
		src := fmt.Sprintf("sine=f=440:r=48000:d=%g", s.Seconds)
		if s.Silent {
			src = fmt.Sprintf("anullsrc=r=48000:cl=mono:d=%g", s.Seconds)
		}
		args = append(args, "-f", "lavfi", "-i", src,
			"-ac", "1", "-c:a", "pcm_s24le", "-f", "mxf_opatom", "-mxf_audio_edit_rate", "24", out)
	} else {
		if s.Width == 0 {
			s.Width, s.Height = 320, 180
		}
		if s.Rate == "" {
			s.Rate = "24"
		}
		vf := "null"
		if s.Black[1] > 0 {
			vf = fmt.Sprintf("drawbox=c=black:t=fill:enable='between(t,%g,%g)'", s.Black[0], s.Black[1])
		}
		args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=%dx%d:r=%s:d=%g", s.Width, s.Height, s.Rate, s.Seconds),
			"-vf", vf, "-c:v", "libopenjpeg", "-pix_fmt", "yuv422p10le", "-f", "mxf", out)
	}
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	return out
}
