package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

type inspectResult struct {
	Bytes           int64     `json:"bytes"`
	SHA256SumS      float64   `json:"sha256sum_s"`
	IntegrityProbeS float64   `json:"integrity_probe_s"`
	Runs            []float64 `json:"integrity_probe_runs_s"`
	Ratio           float64   `json:"ratio"`
	DetectMediaS    float64   `json:"detect_media_s"`
	DetectS         float64   `json:"detect_s"`
	DetectRealtimeX float64   `json:"detect_realtime_x"`
	BlackFound      int       `json:"black_segments"`
	SilenceFound    int       `json:"silences"`
}

func benchInspectCmd() *cobra.Command {
	var size, tmp string
	var seconds float64
	cmd := &cobra.Command{
		Use:   "inspect",
		Short: "Time inspection's reading of a delivery against sha256sum, and black/silence detection against realtime",
		Long: "Makes a 1080p raw-video file of --size with ffmpeg, stores it in a disk blob store behind a local HTTP server, " +
			"and times inspection's integrity step (the stored file read once and hashed) and probe (ffprobe over the signed " +
			"URL), which the inspection flow runs at once, against `sha256sum` of the same file (medians of 3). Then makes " +
			"--seconds of 1080p H.264 with 3 s of black and of silence and times one decoding pass that finds both. " +
			"Prints one JSON line; ratio = integrity+probe / sha256sum.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := parseSize(size)
			if err != nil {
				return err
			}
			res, err := benchInspect(cmd.Context(), n, seconds, tmp, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
		},
	}
	cmd.Flags().StringVar(&size, "size", "2GiB", "size of the file read for integrity and probe")
	cmd.Flags().Float64Var(&seconds, "seconds", 60, "length of the 1080p file decoded for black and silence")
	cmd.Flags().StringVar(&tmp, "dir", "", "folder for the files (default: the system's temp folder)")
	return cmd
}

func ffmpegRun(args ...string) error {
	out, err := exec.Command("ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ffmpeg: %v: %s", err, out)
	}
	return nil
}

func benchInspect(ctx context.Context, size int64, seconds float64, tmp string, progress io.Writer) (inspectResult, error) {
	res := inspectResult{}
	if err := (ffmpeg.Media{}).Available(); err != nil {
		return res, err
	}
	dir, err := os.MkdirTemp(tmp, "openlot-bench-inspect-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)

	// A delivery of the size asked: 1080p raw video, 24 fps.
	frame := int64(1920 * 1080 * 3 / 2)
	src := filepath.Join(dir, "master.mkv")
	fmt.Fprintf(progress, "making %d MiB of 1080p raw video\n", size>>20)
	if err := ffmpegRun("-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=1920x1080:r=24:d=%g", float64(size/frame)/24),
		"-c:v", "rawvideo", "-pix_fmt", "yuv420p", src); err != nil {
		return res, err
	}
	fi, err := os.Stat(src)
	if err != nil {
		return res, err
	}
	res.Bytes = fi.Size()

	// Stored as a delivery is, behind signed URLs.
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	store, err := diskblob.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "blob.key"), srv.URL, nil)
	if err != nil {
		return res, err
	}
	mux.Handle(diskblob.Prefix, store.Handler(nil))
	key := "deliveries/bench/master.mkv"
	if err := putFile(ctx, store, key, src); err != nil {
		return res, err
	}
	os.Remove(src) // one copy on disk: the stored one is what both sides read
	stored, err := store.StoredPath(key)
	if err != nil {
		return res, err
	}

	var shaRuns []float64
	for range 3 {
		start := time.Now()
		if out, err := exec.CommandContext(ctx, "sha256sum", stored).CombinedOutput(); err != nil {
			return res, fmt.Errorf("sha256sum: %v: %s", err, out)
		}
		shaRuns = append(shaRuns, time.Since(start).Seconds())

		start = time.Now()
		var wg sync.WaitGroup
		var hashErr, probeErr error
		wg.Go(func() { _, hashErr = portal.BlobSHA256(ctx, store, key) })
		wg.Go(func() {
			u, err := store.PresignGet(ctx, key, lot.GetOptions{Expires: time.Hour})
			if err == nil {
				_, err = ffmpeg.Media{}.Probe(ctx, u.URL)
			}
			probeErr = err
		})
		wg.Wait()
		if hashErr != nil || probeErr != nil {
			return res, fmt.Errorf("integrity: %v; probe: %v", hashErr, probeErr)
		}
		res.Runs = append(res.Runs, round(time.Since(start).Seconds()))
	}
	res.SHA256SumS = round(median(shaRuns))
	res.IntegrityProbeS = median(res.Runs)
	res.Ratio = round(res.IntegrityProbeS / res.SHA256SumS)
	store.Delete(ctx, key)

	// Black and silence: one decoding pass over 1080p H.264.
	clip := filepath.Join(dir, "clip.mp4")
	fmt.Fprintf(progress, "making %g s of 1080p H.264\n", seconds)
	mid := seconds / 2
	if err := ffmpegRun("-f", "lavfi", "-i", fmt.Sprintf("testsrc2=s=1920x1080:r=24:d=%g", seconds),
		"-f", "lavfi", "-i", fmt.Sprintf("sine=f=440:r=48000:d=%g", seconds),
		"-vf", fmt.Sprintf("drawbox=c=black:t=fill:enable='between(t,%g,%g)'", mid, mid+3),
		"-af", fmt.Sprintf("volume=enable='between(t,%g,%g)':volume=0", mid, mid+3),
		"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", clip); err != nil {
		return res, err
	}
	files := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer files.Close()
	start := time.Now()
	det, err := ffmpeg.Media{}.Detect(ctx, files.URL+"/clip.mp4", lot.DetectOptions{MinBlack: 1, MinSilence: 1, NoiseDB: -60})
	if err != nil {
		return res, err
	}
	res.DetectS = round(time.Since(start).Seconds())
	res.DetectMediaS = seconds
	res.DetectRealtimeX = round(seconds / res.DetectS)
	res.BlackFound, res.SilenceFound = len(det.Black), len(det.Silence)
	return res, nil
}

// putFile stores a file as one signed PUT, as a small delivery would be.
func putFile(ctx context.Context, store *diskblob.Store, key, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, _ := f.Stat()
	u, err := store.PresignPut(ctx, key, lot.PutOptions{Expires: time.Hour})
	if err != nil {
		return err
	}
	req, _ := http.NewRequestWithContext(ctx, u.Method, u.URL, f)
	for k, v := range u.Header {
		req.Header.Set(k, v)
	}
	req.ContentLength = fi.Size()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("storing the file: %s", resp.Status)
	}
	return nil
}
