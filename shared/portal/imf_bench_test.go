package portal_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app/apptest"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/imf/imftest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal/steps"
)

// probeOnly reads media with ffprobe but plays no composition: the bench
// times what the speed budget covers (both hashes in one read, the probe,
// the XML checks), not the decoding pass.
type probeOnly struct{ ffmpeg.Media }

func (probeOnly) DetectComposition(context.Context, []byte, map[string]string, lot.DetectOptions) (lot.Detection, error) {
	return lot.Detection{}, nil
}

// BenchmarkIMFPackageRead inspects an IMF package of about
// OPENLOT_BENCH_IMF_MIB MiB (default 256; the budget is stated for 2048)
// — the integrity and examine steps side by side, as the flow runs them —
// and `sha256sum` of the same stored bytes, alternately, and reports the
// ratio (budget: at most 1.3).
//
//	OPENLOT_BENCH_IMF_MIB=2048 go test ./shared/portal -run '^$' -bench IMFPackageRead -benchtime 3x
func BenchmarkIMFPackageRead(b *testing.B) {
	fftest.Need(b)
	if _, err := exec.LookPath("sha256sum"); err != nil {
		b.Skip("no sha256sum to compare with")
	}
	mib := 256
	if s := os.Getenv("OPENLOT_BENCH_IMF_MIB"); s != "" {
		mib, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	// One JPEG 2000 frame of noise (about 5 MB), repeated into a track file
	// of the size asked: encoding 2 GiB of JPEG 2000 would take minutes.
	frame := filepath.Join(dir, "frame.j2k")
	run := func(args ...string) {
		if out, err := exec.Command("ffmpeg", append([]string{"-hide_banner", "-loglevel", "error", "-y"}, args...)...).CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg %v: %v %s", args, err, out)
		}
	}
	run("-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=24:d=1,noise=alls=100:allf=t", "-frames:v", "1", "-c:v", "libopenjpeg", "-pix_fmt", "yuv422p10le", frame)
	st, err := os.Stat(frame)
	if err != nil {
		b.Fatal(err)
	}
	frames := max(2, int(int64(mib)<<20/st.Size()))
	run("-loop", "1", "-framerate", "24", "-i", frame, "-c:v", "copy", "-frames:v", strconv.Itoa(frames), "-f", "mxf", filepath.Join(dir, "video.mxf"))
	seconds := float64(frames) / 24
	audio := fftest.MakeIMFTrack(b, dir, "audio", fftest.IMFTrack{Seconds: seconds, Audio: true})
	read := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	p := imftest.New(imftest.Spec{Title: "Bench", EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "video.mxf", Sequence: "MainImageSequence", Data: read(filepath.Join(dir, "video.mxf")), EditRate: "24 1", Duration: int64(frames)},
		{Name: "audio.mxf", Sequence: "MainAudioSequence", Data: read(audio), EditRate: "48000 1", Duration: int64(frames) * 2000},
	}})
	bw := newIMFWorld(b)
	var fs []apptest.File
	total := int64(0)
	for _, n := range p.Names {
		fs = append(fs, apptest.File{Name: n, Data: p.Files[n]})
		total += int64(len(p.Files[n]))
	}
	r := bw.request(81009999, "")
	tr := apptest.DeliveredFiles(b, bw.blobs, bw.store, r, "01a0f1f1-0000-7000-8000-00000000b001", fs)
	p, fs = nil, nil // let the bytes go; they are stored
	bw.svc.Deps.Media = probeOnly{}
	var paths []string
	for _, f := range tr.Files {
		path, err := bw.disk.StoredPath(f.Key)
		if err != nil {
			b.Fatal(err)
		}
		paths = append(paths, path)
	}
	in, _ := json.Marshal(map[string]any{"transferId": tr.ID, "attempt": 1})
	stepsOf := bw.svc.Steps()
	inspectOnce := func() {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		outs := make([]json.RawMessage, 2)
		for i, name := range []string{steps.InspectIntegrity, steps.InspectExamine} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[i], errs[i] = stepsOf.Invoke(context.Background(), name, in)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		var ex struct {
			Package struct{ Findings []lot.Finding }
		}
		json.Unmarshal(outs[1], &ex)
		if len(ex.Package.Findings) > 0 {
			b.Fatalf("the bench package has findings: %+v", ex.Package.Findings)
		}
	}
	sha256sum := func() {
		if out, err := exec.Command("sha256sum", paths...).CombinedOutput(); err != nil {
			b.Fatalf("sha256sum: %v %s", err, out)
		}
	}
	sha256sum() // both read from the page cache
	var ours, theirs time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		inspectOnce()
		ours += time.Since(start)
		start = time.Now()
		sha256sum()
		theirs += time.Since(start)
	}
	b.StopTimer()
	b.SetBytes(total)
	b.ReportMetric(float64(total)/(1<<20), "MiB")
	b.ReportMetric(ours.Seconds()/float64(b.N), "s/inspect")
	b.ReportMetric(theirs.Seconds()/float64(b.N), "s/sha256sum")
	b.ReportMetric(ours.Seconds()/theirs.Seconds(), "x-sha256sum")
	fmt.Fprintf(os.Stderr, "IMF package of %d MiB: inspection (SHA-256+SHA-1, probe, XML) %.2f s, sha256sum %.2f s: %.2f×\n",
		total>>20, ours.Seconds()/float64(b.N), theirs.Seconds()/float64(b.N), ours.Seconds()/theirs.Seconds())
}
