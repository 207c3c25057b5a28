package ffmpeg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font/gofont/gomonobold"

	"github.com/openlot/openlot/shared/lot"
)

var _ lot.ProxyMaker = Media{}

// fontFile is the Go Mono Bold font written once to a temporary file:
// drawtext needs a font file, and neither Lambda nor a bare machine is
// sure to have one.
var fontFile = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "openlot-font-")
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "gomonobold.ttf")
	return p, os.WriteFile(p, gomonobold.TTF, 0o644)
})

// ProxyArgs are the ffmpeg arguments that make spec into out (MP4, or an
// MPEG-TS segment when out ends in .ts), with the watermark's lines as text
// files in dir. The benchmark runs the same arguments by hand.
func ProxyArgs(spec lot.ProxySpec, dir, out string) ([]string, error) {
	if spec.Width <= 0 || spec.Height <= 0 || spec.Width%2 != 0 || spec.Height%2 != 0 {
		return nil, fmt.Errorf("proxy size %dx%d must be positive and even", spec.Width, spec.Height)
	}
	font, err := fontFile()
	if err != nil {
		return nil, fmt.Errorf("watermark font: %w", err)
	}
	vf := []string{
		fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=decrease", spec.Width, spec.Height),
		fmt.Sprintf("pad=%d:%d:(ow-iw)/2:(oh-ih)/2", spec.Width, spec.Height), "setsar=1",
	}
	size := max(12, spec.Height/18)
	for i, line := range spec.Watermark {
		tf := filepath.Join(dir, fmt.Sprintf("watermark-%d.txt", i))
		if err := os.WriteFile(tf, []byte(line), 0o600); err != nil {
			return nil, err
		}
		// Lines stack up from the bottom left, on a dark box so they read on any picture.
		y := spec.Height - (len(spec.Watermark)-i)*(size*3/2+4) - 8
		vf = append(vf, fmt.Sprintf("drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=%d:fontcolor=white@0.9:"+
			"box=1:boxcolor=black@0.8:boxborderw=5:x=12:y=%d", font, tf, size, y))
	}
	if spec.Code != "" { // large and faint across the upper middle: cropping the band off does not remove it
		tf := filepath.Join(dir, "code.txt")
		if err := os.WriteFile(tf, []byte(spec.Code), 0o600); err != nil {
			return nil, err
		}
		vf = append(vf, fmt.Sprintf("drawtext=fontfile=%s:textfile=%s:expansion=none:fontsize=%d:fontcolor=white@0.30:"+
			"x=(w-text_w)/2:y=(h-text_h)/3", font, tf, spec.Height/6))
	}
	args := []string{"-nostdin", "-v", "error", "-y"}
	if spec.Threads > 0 {
		args = append(args, "-threads", strconv.Itoa(spec.Threads))
	}
	if spec.From > 0 {
		args = append(args, "-ss", strconv.FormatFloat(spec.From, 'f', 3, 64))
	}
	args = append(args, "-i", spec.Source)
	if spec.Seconds > 0 {
		args = append(args, "-t", strconv.FormatFloat(spec.Seconds, 'f', 3, 64))
	}
	args = append(args, "-map", "0:v:0", "-map", "0:a:0?", "-vf", strings.Join(vf, ","),
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-profile:v", "main", "-pix_fmt", "yuv420p", "-g", "48",
		"-c:a", "aac", "-b:a", "96k", "-ac", "2")
	if spec.Threads > 0 {
		args = append(args, "-threads", strconv.Itoa(spec.Threads))
	}
	if strings.HasSuffix(out, ".ts") {
		args = append(args, "-f", "mpegts")
	} else {
		args = append(args, "-movflags", "+faststart", "-f", "mp4")
	}
	return append(args, out), nil
}

// MakeProxy renders spec into the local file out.
func (m Media) MakeProxy(ctx context.Context, spec lot.ProxySpec, out string) error {
	dir, err := os.MkdirTemp("", "openlot-watermark-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	args, err := ProxyArgs(spec, dir, out)
	if err != nil {
		return err
	}
	return m.ffmpeg(ctx, args)
}

// JoinProxy joins MPEG-TS segments (URLs or paths) into one MP4 without
// encoding again.
func (m Media) JoinProxy(ctx context.Context, segments []string, out string) error {
	if len(segments) == 0 {
		return errors.New("no segments to join")
	}
	dir, err := os.MkdirTemp("", "openlot-join-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var list bytes.Buffer
	for _, s := range segments {
		fmt.Fprintf(&list, "file '%s'\n", strings.ReplaceAll(s, "'", `'\''`))
	}
	lf := filepath.Join(dir, "segments.txt")
	if err := os.WriteFile(lf, list.Bytes(), 0o600); err != nil {
		return err
	}
	return m.ffmpeg(ctx, []string{"-nostdin", "-v", "error", "-y", "-f", "concat", "-safe", "0",
		"-protocol_whitelist", "file,http,https,tcp,tls,crypto", "-i", lf, "-c", "copy", "-bsf:a", "aac_adtstoasc",
		"-movflags", "+faststart", "-f", "mp4", out})
}

func (m Media) ffmpeg(ctx context.Context, args []string) error {
	cmd := exec.CommandContext(ctx, m.bin("ffmpeg", m.FFmpeg), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[len(msg)-2000:]
		}
		return fmt.Errorf("ffmpeg: %w: %s", err, msg)
	}
	return nil
}
