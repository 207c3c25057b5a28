// Package fftest makes small media files with ffmpeg for tests: a test
// pattern and a tone, with black or silence where asked. Nothing large is
// committed; every file is made where the test runs.
package fftest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/standin"
)

// Spec describes a file to make.
type Spec struct {
	Seconds       float64
	Width, Height int        // 0: 640×360
	Rate          string     // frame rate, e.g. "24" or "24000/1001"; "" is 24
	NoVideo       bool       // audio only (WAV)
	NoAudio       bool       // video only
	Channels      int        // 0: 2
	Language      string     // the audio stream's language tag (ISO 639-2)
	Black         [2]float64 // from, to (seconds); zero: none
	Silence       [2]float64 // from, to (seconds); zero: none
	AudioSeconds  float64    // audio length when it differs from the video's
}

// Need skips the test when ffmpeg is missing, unless the test command
// (OPENLOT_REQUIRE_STANDINS) promised it.
func Need(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv(standin.RequireEnv) != "" {
			t.Fatal("ffmpeg is not installed; make test installs it")
		}
		t.Skip("ffmpeg is not installed")
	}
}

// Make writes the file into dir and returns its path (.mp4, or .wav when
// there is no video).
func Make(t testing.TB, dir, name string, s Spec) string {
	t.Helper()
	Need(t)
	if s.Width == 0 {
		s.Width, s.Height = 640, 360
	}
	if s.Rate == "" {
		s.Rate = "24"
	}
	if s.Channels == 0 {
		s.Channels = 2
	}
	if s.AudioSeconds == 0 {
		s.AudioSeconds = s.Seconds
	}
	args := []string{"-hide_banner", "-loglevel", "error", "-y"}
	if !s.NoVideo {
		args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=%dx%d:r=%s:d=%g", s.Width, s.Height, s.Rate, s.Seconds))
	}
	if !s.NoAudio {
		args = append(args, "-f", "lavfi", "-i", fmt.Sprintf("sine=f=440:r=48000:d=%g", s.AudioSeconds))
	}
	if !s.NoVideo {
		vf := "null"
		if s.Black[1] > 0 {
			vf = fmt.Sprintf("drawbox=c=black:t=fill:enable='between(t,%g,%g)'", s.Black[0], s.Black[1])
		}
		args = append(args, "-vf", vf, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p")
	}
	if !s.NoAudio {
		af := "anull"
		if s.Silence[1] > 0 {
			af = fmt.Sprintf("volume=enable='between(t,%g,%g)':volume=0", s.Silence[0], s.Silence[1])
		}
		args = append(args, "-af", af, "-ac", fmt.Sprint(s.Channels))
		if s.Language != "" {
			args = append(args, "-metadata:s:a:0", "language="+s.Language)
		}
	}
	ext := ".mp4"
	if s.NoVideo {
		ext = ".wav"
		args = append(args, "-c:a", "pcm_s24le")
	} else if !s.NoAudio {
		args = append(args, "-c:a", "aac")
	}
	out := filepath.Join(dir, name+ext)
	args = append(args, out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	return out
}

// FrameText extracts the frame at second at of the video (a path or URL),
// crops the watermark band (the bottom quarter), scales it up for legibility,
// and returns the text tesseract reads on it: how tests check that a
// watermark is really in the picture.
func FrameText(t testing.TB, video string, at float64) string {
	t.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		if os.Getenv(standin.RequireEnv) != "" {
			t.Fatal("tesseract is not installed; make test installs it")
		}
		t.Skip("tesseract is not installed")
	}
	png := filepath.Join(t.TempDir(), "frame.png")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", strconv.FormatFloat(at, 'f', 2, 64), "-i", video,
		"-frames:v", "1", "-vf", "crop=iw:ih/4:0:ih*3/4,scale=iw*3:ih*3:flags=lanczos,format=gray,negate", png).CombinedOutput(); err != nil {
		t.Fatalf("extract a frame: %v %s", err, out)
	}
	out, err := exec.Command("tesseract", png, "-", "--psm", "6").Output()
	if err != nil {
		t.Fatalf("tesseract: %v", err)
	}
	return string(out)
}

// ShowsCode reports whether the watermark code is read off any of the
// frames at the given seconds of the video (the watermark is on every
// frame; OCR of one busy frame now and then misreads two characters), and
// returns what was read, for a failure message.
func ShowsCode(t testing.TB, video, code string, at ...float64) (bool, []string) {
	t.Helper()
	var read []string
	for _, sec := range at {
		text := FrameText(t, video, sec)
		read = append(read, text)
		if HasCode(text, code) {
			return true, read
		}
	}
	return false, read
}

// HasCode reports whether OCR text shows a watermark code: some run of it,
// blanks removed, is the code but for at most one misread character
// (tesseract now and then takes a T for an I or a Q for a 0 on a busy
// picture, or reads one stroke as an extra mark: HB&8Y1S2N for HB8Y1S2N);
// another code matching by chance is a one in 10^8 event.
//
// Codes are Crockford base32 (no I, L, O or U), so letters OCR reads in
// their place are read as what they can only be: O as 0, I and L as 1, U as V.
func HasCode(text, code string) bool {
	text = strings.NewReplacer(" ", "", "O", "0", "I", "1", "L", "1", "U", "V").Replace(strings.ToUpper(text))
	for i := range len(text) {
		for _, n := range []int{len(code), len(code) + 1, len(code) - 1} {
			if n > 0 && i+n <= len(text) && oneEditAway(text[i:i+n], code) {
				return true
			}
		}
	}
	return false
}

// oneEditAway reports whether a becomes b by at most one substitution,
// insertion or deletion of a byte.
func oneEditAway(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		diff := 0
		for i := range len(a) {
			if a[i] != b[i] {
				diff++
			}
		}
		return diff <= 1
	case 1:
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return a[i+1:] == b[i:]
	}
	return false
}
