package demo

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// This file keeps the bytes of the demo's deliveries. A demo seeded with
// Deliveries declares, for every file its partners deliver, the size and
// SHA-256 of a real, small file: a clip of test pattern and tone with the
// codec, resolution, frame rate, channels and start timecode that its
// inspection reads (made with ffmpeg), a WAV tone, the subtitle text the
// checks read, a script, a dub card, an IMF package's XML and track files.
// The files are named by their content (deliveries with the same media
// share one blob), wait in a folder until the server can store them, and
// the folder goes once they are stored (Pending).

// clipSeconds is how long the demo's delivered media run. What inspection
// records of them keeps the programme's runtime (a feature runs 90
// minutes); everything else it records is what the file is.
const clipSeconds = 1

// deliveryPrefix starts the blob key of every demo delivery file; the rest
// of the key is the file's SHA-256 and extension.
const deliveryPrefix = "demo/deliveries/"

// Deliveries are the files of a demo's deliveries while it is seeded.
type Deliveries struct {
	dir string
	dry bool // the first telling, which only collects the media to make

	media  map[clip]Blob     // made, by what they are
	want   map[clip]bool     // asked for by the dry telling
	bodies map[string][]byte // written files not saved yet, by key
	files  map[string]Blob   // every file, by key
	used   map[string]bool   // the keys of files some delivery uploaded
	done   []*lot.Transfer   // processed transfers

	mu    sync.Mutex        // guards media, files and sha1s while media are made
	sha1s map[string][]byte // of media files, by key (an IMF packing list hashes its assets)
}

// Blob is one file of the demo's deliveries.
type Blob struct {
	Key         string `json:"key"`
	File        string `json:"file"` // its name in the folder
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// NewDeliveries starts the files of a new demo's deliveries in dir, which
// is emptied first.
func NewDeliveries(dir string) (*Deliveries, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return &Deliveries{dir: dir, media: map[clip]Blob{}, want: map[clip]bool{}, bodies: map[string][]byte{},
		files: map[string]Blob{}, used: map[string]bool{}, sha1s: map[string][]byte{}}, nil
}

// body declares a written file: its key and what a transfer declares of it.
func (d *Deliveries) body(b []byte, ext, contentType string) Blob {
	h := sha256.Sum256(b)
	sum := hex.EncodeToString(h[:])
	f := Blob{Key: deliveryPrefix + sum + ext, File: sum + ext, ContentType: contentType, Size: int64(len(b)), SHA256: sum}
	if !d.dry {
		if _, ok := d.files[f.Key]; !ok {
			d.files[f.Key], d.bodies[f.Key] = f, b
		}
	}
	return f
}

// clipFile declares a media file: made before the telling that declares
// it; the dry telling only asks for it (and gets a stand-in).
func (d *Deliveries) clipFile(c clip) (Blob, error) {
	if d.dry {
		d.want[c] = true
		return Blob{Key: deliveryPrefix + c.name(), Size: 1, SHA256: strings.Repeat("0", 64)}, nil
	}
	f, ok := d.media[c]
	if !ok {
		return Blob{}, fmt.Errorf("demo delivery media %s was not made (the first telling did not ask for it)", c.name())
	}
	return f, nil
}

// delivered notes that t's files were uploaded (and, once processed, that
// it is an earlier delivery of its title). Seed calls it for every
// transfer it stores.
func (d *Deliveries) delivered(t *lot.Transfer) {
	if d.dry || t.DeliveredAt.IsZero() {
		return
	}
	for _, f := range t.Files {
		d.used[f.Key] = true
	}
	if t.Status == lot.TransferProcessed {
		d.done = append(d.done, t)
	}
}

// manifestName is the folder's list of what is left to do.
const manifestName = "manifest.json"

// Pending is what a demo's first start left to do once file storage is
// open: store the files (those not stored yet), make the processed
// deliveries materials of their titles, then Done.
type Pending struct {
	Dir   string `json:"-"`
	Files []Blob `json:"files"`
	// Processed are the processed deliveries (transfer IDs), in the order
	// they were processed: each becomes an earlier delivery of its title.
	Processed []string `json:"processed"`
}

// save writes the uploaded files and the list of what is left to do.
func (d *Deliveries) save() error {
	p := Pending{}
	slices.SortStableFunc(d.done, func(a, b *lot.Transfer) int { return a.ProcessedAt.Compare(b.ProcessedAt) })
	for _, t := range d.done {
		p.Processed = append(p.Processed, t.ID)
	}
	for key := range d.used {
		f, ok := d.files[key]
		if !ok {
			return fmt.Errorf("demo delivery file %s has no content", key)
		}
		if b, ok := d.bodies[key]; ok {
			if err := os.WriteFile(filepath.Join(d.dir, f.File), b, 0o640); err != nil {
				return err
			}
		}
		p.Files = append(p.Files, f)
	}
	slices.SortFunc(p.Files, func(a, b Blob) int { return strings.Compare(a.Key, b.Key) })
	// Media made but delivered by no one (a take that was never uploaded).
	for _, f := range d.media {
		if !d.used[f.Key] {
			os.Remove(filepath.Join(d.dir, f.File))
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	tmp := filepath.Join(d.dir, manifestName+".tmp")
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(d.dir, manifestName))
}

// LoadPending reads what a demo's first start left to do in dir; nil when
// there is nothing (done, or a demo without delivery files).
func LoadPending(dir string) (*Pending, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &Pending{Dir: dir}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, manifestName), err)
	}
	return p, nil
}

// Path is where f waits.
func (p *Pending) Path(f Blob) string { return filepath.Join(p.Dir, f.File) }

// Done removes the folder: every file is stored.
func (p *Pending) Done() error { return os.RemoveAll(p.Dir) }

// clip is one media file a delivery may hold, by what it is.
type clip struct {
	kind     string // av, wav, png, j2k (an IMF video track file), pcm (an IMF audio track file)
	ext      string // .mov, .mp4, .mxf, .wav, .png
	codec    string
	w, h     int
	rate     float64
	drop     bool // drop-frame start timecode
	channels int
	n        int // a dub card's number
}

func (c clip) name() string {
	return fmt.Sprintf("%s-%s-%dx%d-%g-%v-%dch-%d%s", c.kind, c.codec, c.w, c.h, c.rate, c.drop, c.channels, c.n, c.ext)
}

// timecode is the clip's start timecode.
func (c clip) timecode() string {
	if c.drop {
		return "01:00:00;00"
	}
	return "01:00:00:00"
}

// ffRate is a frame rate as ffmpeg reads it.
func ffRate(r float64) string {
	switch r {
	case 23.976:
		return "24000/1001"
	case 29.97:
		return "30000/1001"
	case 59.94:
		return "60000/1001"
	}
	return fmt.Sprint(r)
}

// contentTypes of the media files.
var contentTypes = map[string]string{".mov": "video/quicktime", ".mp4": "video/mp4", ".mxf": "application/mxf", ".wav": "audio/wav",
	".png": "image/png"}

// makeMedia makes every media file the dry telling asked for: WAV tones
// and dub cards in Go while ffmpeg makes the rest in two runs (ffmpeg's
// start costs as much as a clip): one encodes each picture once (ProRes
// and JPEG 2000, intra-only, as one frame shown for the clip's length),
// the other writes every clip, copying its picture and adding its tone.
func (d *Deliveries) makeMedia(ctx context.Context) error {
	var written, av, imf []clip
	for c := range d.want {
		switch c.kind {
		case "wav", "png":
			written = append(written, c)
		case "av":
			av = append(av, c)
		case "j2k", "pcm":
			imf = append(imf, c)
		default:
			return fmt.Errorf("no way to make %s", c.name())
		}
	}
	byName := func(a, b clip) int { return strings.Compare(a.name(), b.name()) }
	slices.SortFunc(av, byName)
	slices.SortFunc(imf, byName)
	inGo := make(chan error, 1)
	go func() {
		var errs []error
		for _, c := range written {
			b, err := wav(c.channels), error(nil)
			if c.kind == "png" {
				b, err = dubCard(c.n)
			}
			if err == nil {
				err = d.written(c, b)
			}
			errs = append(errs, err)
		}
		inGo <- errors.Join(errs...)
	}()
	err := d.ffmpegMedia(ctx, av, imf)
	return errors.Join(err, <-inGo)
}

// ffmpegMedia makes the audio-video clips and the IMF track files.
func (d *Deliveries) ffmpegMedia(ctx context.Context, av, imf []clip) error {
	if len(av)+len(imf) == 0 {
		return nil
	}
	tmp, err := os.MkdirTemp(d.dir, "making-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	format := map[string]string{".mov": "mov", ".mp4": "mov", ".mxf": "mxf"} // ISO MP4 cannot hold PCM: QuickTime, which ffprobe reads as .mp4 too
	exact := []string{"-fflags", "+bitexact", "-flags", "+bitexact"}
	length := []string{"-t", fmt.Sprint(clipSeconds)}

	// The pictures, each once: an audio-video clip's without sound at its
	// frame rate, or the IMF picture's frame.
	pictureOf := func(c clip) clip {
		if c.kind == "j2k" {
			c.rate = 0
		}
		c.channels, c.drop = 0, false
		return c
	}
	var pictures []clip
	for _, c := range append(slices.Clone(av), imf...) {
		if c.kind != "pcm" && !slices.Contains(pictures, pictureOf(c)) {
			pictures = append(pictures, pictureOf(c))
		}
	}
	pictureFile := func(p clip) string {
		i := slices.Index(pictures, p)
		if p.kind == "j2k" {
			return filepath.Join(tmp, fmt.Sprintf("picture-%d.j2k", i))
		}
		return filepath.Join(tmp, fmt.Sprintf("picture-%d%s", i, p.ext))
	}
	var encode []unit
	for _, p := range pictures {
		src := fmt.Sprintf("smptehdbars=s=%dx%d:r=%s:d=%d", p.w, p.h, ffRate(p.rate), clipSeconds)
		var enc []string
		switch p.codec {
		case "prores":
			src = fmt.Sprintf("smptehdbars=s=%dx%d:r=%s:d=0.1", p.w, p.h, ffRate(p.rate)) // one frame is kept
			enc = []string{"-c:v", "prores", "-profile:v", "0", "-frames:v", "1", "-f", "mov"}
		case "jpeg2000":
			src = fmt.Sprintf("smptehdbars=s=%dx%d:d=0.1", p.w, p.h)
			enc = []string{"-c:v", "jpeg2000", "-pix_fmt", "yuv422p10le", "-q:v", "100", "-frames:v", "1", "-f", "image2"}
		case "h264":
			enc = []string{"-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-pix_fmt", "yuv420p", "-f", "mov"}
		case "mpeg2video":
			enc = []string{"-c:v", "mpeg2video", "-b:v", "6M", "-g", "12", "-f", "mxf"}
		default:
			return fmt.Errorf("no way to encode %s", p.codec)
		}
		encode = append(encode, unit{in: [][]string{{"-f", "lavfi", "-i", src}}, out: func(in []int) []string {
			return slices.Concat([]string{"-map", fmt.Sprintf("%d:v", in[0])}, enc, exact, []string{pictureFile(p)})
		}})
	}
	if err := ffmpegRuns(ctx, nil, encode); err != nil {
		return err
	}

	// The clips: each picture's, with its tone (input 0).
	tone := [][]string{{"-f", "lavfi", "-i", fmt.Sprintf("sine=f=1000:r=48000:d=%d", clipSeconds)}}
	all := append(slices.Clone(av), imf...)
	clipFile := func(i int) string { return filepath.Join(tmp, fmt.Sprintf("clip-%d%s", i, all[i].ext)) }
	var write []unit
	for i, c := range all {
		var in []string
		var out func(int) []string
		switch c.kind {
		case "av":
			if c.codec == "prores" { // its one frame, shown for the clip's length
				in = append(in, "-stream_loop", "-1", "-t", fmt.Sprint(clipSeconds))
			}
			in = append(in, "-i", pictureFile(pictureOf(c)))
			out = func(v int) []string {
				o := []string{"-map", fmt.Sprintf("%d:v", v), "-c:v", "copy"}
				if c.channels > 0 {
					o = append(o, "-map", "0:a", "-c:a", "pcm_s24le")
					if l := layouts[c.channels]; l != "" { // -ac would name the default layout
						o = append(o, "-af", "aformat=channel_layouts="+l)
					} else {
						o = append(o, "-ac", fmt.Sprint(c.channels))
					}
				}
				return append(o, "-timecode", c.timecode(), "-f", format[c.ext])
			}
		case "j2k": // one frame, shown at the composition's rate
			in = []string{"-framerate", ffRate(c.rate), "-loop", "1", "-t", fmt.Sprint(clipSeconds), "-i", pictureFile(pictureOf(c))}
			out = func(v int) []string {
				return []string{"-map", fmt.Sprintf("%d:v", v), "-c:v", "copy", "-f", "mxf_opatom"}
			}
		case "pcm":
			out = func(int) []string {
				return []string{"-map", "0:a", "-c:a", "pcm_s24le", "-ac", "1", "-f", "mxf_opatom"}
			}
		}
		u := unit{out: func(idx []int) []string {
			v := -1
			if len(idx) > 0 {
				v = idx[0]
			}
			return slices.Concat(out(v), length, exact, []string{clipFile(i)})
		}}
		if in != nil {
			u.in = [][]string{in}
		}
		write = append(write, u)
	}
	if err := ffmpegRuns(ctx, tone, write); err != nil {
		return err
	}
	for i, c := range all {
		if err := d.keep(c, clipFile(i)); err != nil {
			return err
		}
	}
	return nil
}

// unit is a part of an ffmpeg run: its inputs (options ending with -i and
// the file) and its outputs, given where its inputs are among the run's.
type unit struct {
	in  [][]string
	out func(in []int) []string
}

// ffmpegRuns shares units among two ffmpeg runs at once (a run's start
// costs as much as a small clip; two keep both cores busy), each with the
// shared inputs first.
func ffmpegRuns(ctx context.Context, shared [][]string, units []unit) error {
	const runs = 2
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for r := range min(runs, len(units)) {
		in := slices.Concat(shared...)
		n := len(shared)
		var out []string
		for i := r; i < len(units); i += runs {
			idx := make([]int, len(units[i].in))
			for j, x := range units[i].in {
				in, idx[j] = append(in, x...), n
				n++
			}
			out = append(out, units[i].out(idx)...)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[r] = ffmpeg(ctx, append(in, out...)...)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// written keeps b as the media file c.
func (d *Deliveries) written(c clip, b []byte) error {
	tmp, err := os.CreateTemp(d.dir, "making-*"+c.ext)
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return d.keep(c, tmp.Name())
}

// keep names the made file at path by its content and records it as c.
func (d *Deliveries) keep(c clip, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h, h1 := sha256.New(), sha1.New()
	n, err := io.Copy(io.MultiWriter(h, h1), f)
	if err != nil {
		return err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	b := Blob{Key: deliveryPrefix + sum + c.ext, File: sum + c.ext, ContentType: contentTypes[c.ext], Size: n, SHA256: sum}
	if err := os.Rename(path, filepath.Join(d.dir, b.File)); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.media[c], d.files[b.Key], d.sha1s[b.Key] = b, b, h1.Sum(nil)
	return nil
}

// ffmpeg runs ffmpeg with args (quietly, reproducibly).
func ffmpeg(ctx context.Context, args ...string) error {
	args = append([]string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}, args...)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // a run that never ends is a bug, not a slow machine
	defer cancel()
	if b, err := exec.CommandContext(ctx, "ffmpeg", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg: %w: %s", err, bytes.TrimSpace(b))
	}
	return nil
}

// layouts names the channel layouts inspection expects.
var layouts = map[int]string{2: "stereo", 6: "5.1(side)"}
