// Package ffmpeg implements lot.Media with the ffprobe and ffmpeg programs:
// on PATH locally (the Debian package), in a Lambda layer on AWS. Both read
// the file through its signed URL, so nothing is downloaded first: ffprobe
// reads only the headers it needs, ffmpeg decodes the file once for black,
// silence and decoding errors together.
package ffmpeg

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/openlot/openlot/shared/lot"
)

// Media runs the programs found at these paths ("" looks them up on PATH).
type Media struct {
	FFprobe, FFmpeg string
	Threads         int // decoding threads; 0 lets ffmpeg choose
}

var _ lot.Media = Media{}

func (m Media) bin(name, path string) string {
	if path != "" {
		return path
	}
	return name
}

// Available says whether both programs can be run.
func (m Media) Available() error {
	for _, p := range []string{m.bin("ffprobe", m.FFprobe), m.bin("ffmpeg", m.FFmpeg)} {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Errorf("%s is not installed: %w", p, err)
		}
	}
	return nil
}

// ErrUnreadable is a file ffprobe cannot read as media (the partner's
// problem, unlike the programs failing to run).
var ErrUnreadable = lot.ErrUnreadableMedia

type probeJSON struct {
	Format struct {
		FormatName string            `json:"format_name"`
		Duration   string            `json:"duration"`
		Tags       map[string]string `json:"tags"`
	} `json:"format"`
	Streams []struct {
		CodecType     string            `json:"codec_type"`
		CodecName     string            `json:"codec_name"`
		Width         int               `json:"width"`
		Height        int               `json:"height"`
		RFrameRate    string            `json:"r_frame_rate"`
		AvgFrameRate  string            `json:"avg_frame_rate"`
		Duration      string            `json:"duration"`
		Channels      int               `json:"channels"`
		ChannelLayout string            `json:"channel_layout"`
		SampleRate    string            `json:"sample_rate"`
		BitsPerRaw    string            `json:"bits_per_raw_sample"`
		BitsPerSample int               `json:"bits_per_sample"`
		Tags          map[string]string `json:"tags"`
	} `json:"streams"`
}

// Probe reads a file's technical metadata from its URL.
func (m Media) Probe(ctx context.Context, url string) (lot.MediaInfo, error) {
	cmd := exec.CommandContext(ctx, m.bin("ffprobe", m.FFprobe), "-v", "error", "-print_format", "json",
		"-show_format", "-show_streams", url)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return lot.MediaInfo{}, ctx.Err()
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) && !httpFailure(stderr.String()) {
			return lot.MediaInfo{}, fmt.Errorf("%w: %s", ErrUnreadable, firstLine(stderr.String()))
		}
		return lot.MediaInfo{}, fmt.Errorf("ffprobe: %v: %s", err, firstLine(stderr.String()))
	}
	var p probeJSON
	if err := json.Unmarshal(out, &p); err != nil {
		return lot.MediaInfo{}, fmt.Errorf("ffprobe answered something that is not JSON: %w", err)
	}
	info := lot.MediaInfo{Container: p.Format.FormatName, Duration: num(p.Format.Duration), Timecode: p.Format.Tags["timecode"]}
	for _, s := range p.Streams {
		switch s.CodecType {
		case "video":
			if s.CodecName == "mjpeg" || s.CodecName == "png" { // cover art
				continue
			}
			r := fraction(s.RFrameRate)
			if avg := fraction(s.AvgFrameRate); avg > 0 {
				r = avg
			}
			info.Video = append(info.Video, lot.VideoStream{Codec: s.CodecName, Width: s.Width, Height: s.Height,
				FrameRate: r, Duration: num(s.Duration)})
			if info.Timecode == "" {
				info.Timecode = s.Tags["timecode"]
			}
		case "audio":
			depth := s.BitsPerSample
			if d, err := strconv.Atoi(s.BitsPerRaw); err == nil && d > 0 {
				depth = d
			}
			rate, _ := strconv.Atoi(s.SampleRate)
			info.Audio = append(info.Audio, lot.AudioStream{Codec: s.CodecName, Channels: s.Channels, Layout: s.ChannelLayout,
				SampleRate: rate, BitDepth: depth, Language: s.Tags["language"], Duration: num(s.Duration)})
		case "subtitle":
			info.Subtitles = append(info.Subtitles, lot.SubtitleTrack{Codec: s.CodecName, Language: s.Tags["language"]})
		}
	}
	if len(info.Video) == 0 && len(info.Audio) == 0 {
		return info, fmt.Errorf("%w: no audio or video stream", ErrUnreadable)
	}
	for i := range info.Video { // streams without their own duration take the file's
		if info.Video[i].Duration == 0 {
			info.Video[i].Duration = info.Duration
		}
	}
	for i := range info.Audio {
		if info.Audio[i].Duration == 0 {
			info.Audio[i].Duration = info.Duration
		}
	}
	return info, nil
}

var (
	blackLine    = regexp.MustCompile(`black_start:\s*([\d.]+)\s+black_end:\s*([\d.]+)`)
	silenceFrom  = regexp.MustCompile(`silence_start:\s*(-?[\d.]+)`)
	silenceTo    = regexp.MustCompile(`silence_end:\s*([\d.]+)`)
	durationLine = regexp.MustCompile(`Duration: (\d+):(\d+):([\d.]+)`)
)

// Detect decodes the file once: black video, silent audio, decoding errors.
// A file without video (or audio) simply has no black (or silence).
func (m Media) Detect(ctx context.Context, url string, o lot.DetectOptions) (lot.Detection, error) {
	threads := m.Threads
	if threads == 0 {
		threads = 2 * runtime.NumCPU() // decoding waits on itself less with more frames in flight
	}
	// Every frame is decoded (so damaged ones are counted), but without the
	// deblocking filter, which changes no black frame into a lit one; black
	// is measured on every third frame, to within an eighth of a second at
	// 24 fps, far finer than any policy's limit. Together these make one
	// pass over 1080p H.264 run above 10× realtime on two cores.
	return m.detect(ctx, o, threads, nil, "-i", url)
}

// detect decodes an input (its arguments from -i on) once for black,
// silence and decoding errors; unplayable is called with ffmpeg's last
// error line when it stops for a reason in the input, not the network.
func (m Media) detect(ctx context.Context, o lot.DetectOptions, threads int, unplayable func(string) error, input ...string) (lot.Detection, error) {
	args := append([]string{"-hide_banner", "-nostats", "-loglevel", "repeat+level+info",
		"-threads", strconv.Itoa(threads), "-flags2", "fast", "-skip_loop_filter", "all"}, input...)
	// The maps are optional (?): a file without video has no black, one
	// without audio no silence, and no probe is needed first.
	args = append(args, "-map", "0:v:0?", "-vf", fmt.Sprintf("framestep=3,blackdetect=d=%g:pix_th=0.10", o.MinBlack),
		"-map", "0:a?", "-af", fmt.Sprintf("silencedetect=n=%gdB:d=%g", o.NoiseDB, o.MinSilence), "-f", "null", "-")
	cmd := exec.CommandContext(ctx, m.bin("ffmpeg", m.FFmpeg), args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return lot.Detection{}, err
	}
	if err := cmd.Start(); err != nil {
		return lot.Detection{}, fmt.Errorf("ffmpeg: %w", err)
	}
	det, tail := parseDetect(stderr)
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return lot.Detection{}, ctx.Err()
		}
		if httpFailure(tail) {
			return lot.Detection{}, fmt.Errorf("ffmpeg: %v: %s", err, tail)
		}
		if unplayable != nil {
			return det, unplayable(tail)
		}
		det.Undecodable++ // it stopped before the end
	}
	return det, nil
}

// parseDetect reads ffmpeg's log (lines prefixed with their level) as it
// comes; it returns the detection and the last error line.
func parseDetect(r io.Reader) (lot.Detection, string) {
	var det lot.Detection
	var last string
	open, duration := -1.0, 0.0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case duration == 0 && strings.Contains(line, "Duration: "):
			if m := durationLine.FindStringSubmatch(line); m != nil {
				duration = num(m[1])*3600 + num(m[2])*60 + num(m[3])
			}
		case strings.Contains(line, "[blackdetect @"):
			if m := blackLine.FindStringSubmatch(line); m != nil {
				det.Black = append(det.Black, lot.Span{Start: num(m[1]), End: num(m[2])})
			}
		case strings.Contains(line, "[silencedetect @"):
			if m := silenceFrom.FindStringSubmatch(line); m != nil {
				open = max(0, num(m[1]))
			} else if m := silenceTo.FindStringSubmatch(line); m != nil && open >= 0 {
				det.Silence = append(det.Silence, lot.Span{Start: open, End: num(m[1])})
				open = -1
			}
		case strings.Contains(line, "[error]") || strings.Contains(line, "[fatal]"):
			det.Undecodable++
			last = line
		}
	}
	if open >= 0 && duration > open { // silent to the end
		det.Silence = append(det.Silence, lot.Span{Start: open, End: duration})
	}
	return det, last
}

// httpFailure says whether an error came from reading the URL (storage or
// the network), not from the file.
func httpFailure(stderr string) bool {
	for _, s := range []string{"HTTP error", "Server returned", "Connection refused", "Connection timed out", "Input/output error"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func num(s string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f
}

// fraction reads "24000/1001" (ffprobe's frame rates).
func fraction(s string) float64 {
	a, b, ok := strings.Cut(s, "/")
	if !ok {
		return num(s)
	}
	d := num(b)
	if d == 0 {
		return 0
	}
	return num(a) / d
}
