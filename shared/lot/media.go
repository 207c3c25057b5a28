package lot

import (
	"context"
	"errors"
)

// ErrUnreadableMedia is what a Media answers (errors.Is) for a file that is
// not audio or video it can read: the partner's problem, not a fault.
var ErrUnreadableMedia = errors.New("not a readable media file")

// MediaInfo is a delivered file's technical metadata, as probed.
type MediaInfo struct {
	Container string          `json:"container"`
	Duration  float64         `json:"durationS"`
	Timecode  string          `json:"timecode,omitempty"` // start timecode, when the file carries one
	Video     []VideoStream   `json:"video,omitempty"`
	Audio     []AudioStream   `json:"audio,omitempty"`
	Subtitles []SubtitleTrack `json:"subtitles,omitempty"`
}

// VideoStream is one video stream.
type VideoStream struct {
	Codec     string  `json:"codec"`
	Width     int     `json:"width"`
	Height    int     `json:"height"`
	FrameRate float64 `json:"frameRate"` // frames per second, e.g. 23.976
	Duration  float64 `json:"durationS"`
}

// AudioStream is one audio stream.
type AudioStream struct {
	Codec      string  `json:"codec"`
	Channels   int     `json:"channels"`
	Layout     string  `json:"layout,omitempty"` // e.g. stereo, 5.1(side)
	SampleRate int     `json:"sampleRate"`
	BitDepth   int     `json:"bitDepth,omitempty"`
	Language   string  `json:"language,omitempty"`
	Duration   float64 `json:"durationS"`
}

// SubtitleTrack is one subtitle stream inside a container.
type SubtitleTrack struct {
	Codec    string `json:"codec"`
	Language string `json:"language,omitempty"`
}

// Span is a stretch of a programme, in seconds from its start.
type Span struct {
	Start float64 `json:"startS"`
	End   float64 `json:"endS"`
}

// Len is the span's length in seconds.
func (s Span) Len() float64 { return s.End - s.Start }

// Detection is what decoding a file end to end found.
type Detection struct {
	Black       []Span `json:"black,omitempty"`
	Silence     []Span `json:"silence,omitempty"`
	Undecodable int    `json:"undecodable"` // decoding errors
}

// DetectOptions are the thresholds for Detect.
type DetectOptions struct {
	MinBlack   float64 // shortest black segment reported, seconds
	MinSilence float64 // shortest silence reported, seconds
	NoiseDB    float64 // silence is below this level (dBFS), e.g. -60
	// VideoCodec is the video's codec as probed ("jpeg2000"), when known:
	// the reader may pick its decoder by it.
	VideoCodec string
}

// Media reads delivered files where they are stored, through a signed URL:
// ffprobe and ffmpeg locally, the same in a Lambda layer on AWS.
type Media interface {
	Probe(ctx context.Context, url string) (MediaInfo, error)
	Detect(ctx context.Context, url string, o DetectOptions) (Detection, error)
}

// CompositionMedia plays an IMF composition end to end (ffmpeg's IMF
// reader) for the same detection as Media.Detect: cpl is the CPL's text,
// assets the URL of each track file by its asset ID (urn:uuid). A
// composition that cannot be played answers ErrUnreadableMedia (errors.Is).
type CompositionMedia interface {
	DetectComposition(ctx context.Context, cpl []byte, assets map[string]string, o DetectOptions) (Detection, error)
}

// ProxySpec describes a watermarked proxy, or one segment of it: the
// source read through its URL from From for Seconds (0: to the end),
// scaled to fit Width×Height, H.264 and AAC, with the watermark's lines
// burned into the picture.
type ProxySpec struct {
	Source    string
	From      float64
	Seconds   float64
	Width     int
	Height    int
	Watermark []string // lines at the bottom left (who, when, the code)
	Code      string   // also drawn large and faint across the picture
	Threads   int      // encoding and decoding threads; 0 lets the tool choose
}

// ProxyMaker makes watermarked proxies into local files: a segment as an
// MPEG transport stream (joinable), a whole proxy as MP4 ready to stream.
type ProxyMaker interface {
	MakeProxy(ctx context.Context, spec ProxySpec, out string) error
	// JoinProxy joins segments (URLs or paths, in order) into one MP4.
	JoinProxy(ctx context.Context, segments []string, out string) error
}
