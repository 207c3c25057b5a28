package demo_test

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/imf"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/sqlite"
)

func TestEveryDemoDeliveryHoldsTheFileItDeclares(t *testing.T) {
	// Ensures a demo seeded with its deliveries' files tells the same story
	// as one without (statuses, deliveries, findings); that every file a
	// delivery uploaded waits to be stored with the size and SHA-256 its
	// transfer declares; that what inspection recorded of it is what it
	// is (codec, picture size, frame rate, channels, start timecode: the
	// product's probe reads them again; a subtitle's checks find the same
	// codes again); and that every processed delivery is listed to become
	// an earlier delivery, in the order processed.
	fftest.Need(t)
	ctx := context.Background()
	today := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	plain := mustSeed(t, today)
	s, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := filepath.Join(t.TempDir(), "deliveries")
	d, err := demo.NewDeliveries(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedWith(ctx, s, today, demo.Options{Deliveries: d}); err != nil {
		t.Fatal(err)
	}
	p, err := demo.LoadPending(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p == nil {
		t.Fatal("nothing left to store after a seed with the deliveries' files")
	}
	files := map[string]demo.Blob{}
	for _, f := range p.Files {
		files[f.Key] = f
		if got, size := fileSum(t, p.Path(f)); got != f.SHA256 || size != f.Size {
			t.Errorf("%s holds %d bytes of SHA-256 %s; listed as %d bytes of %s", f.File, size, got, f.Size, f.SHA256)
		}
	}

	probed := map[string]lot.MediaInfo{}
	var processed []*lot.Transfer
	delivered := 0
	for id, want := range plain.requests {
		r, err := s.GetRequest(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		ts, err := s.ListTransfers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != want.Status || len(ts) != len(plain.transfers[id]) {
			t.Errorf("%s: %s with %d deliveries; without files %s with %d", id, r.Status, len(ts), want.Status, len(plain.transfers[id]))
			continue
		}
		for i, tr := range ts {
			was := plain.transfers[id][i]
			if tr.Status != was.Status || tr.ErrorCode != was.ErrorCode {
				t.Errorf("%s: transfer %d is %s %s; without files %s %s", id, i, tr.Status, tr.ErrorCode, was.Status, was.ErrorCode)
			}
			if tr.Status == lot.TransferProcessed {
				processed = append(processed, tr)
			}
			if tr.DeliveredAt.IsZero() {
				continue
			}
			delivered++
			if r.SourceType == lot.SourceIMF && tr.Status == lot.TransferProcessed {
				samePackage(t, tr, files, p)
				// The composition its CPL describes, as inspection records it: the picture first, every track Processed.
				c := tr.Inspection.Composition
				if c == nil || len(c.Tracks) != 2 || c.Tracks[0].Kind != lot.TrackVideo || c.Title != r.TitleName || c.Runtime <= 0 {
					t.Errorf("%s: an IMF delivery's composition is %+v; want the CPL's title, runtime and two tracks, the video first", tr.ID, c)
				} else {
					for _, k := range c.Tracks {
						if k.Status != lot.TransferProcessed || len(k.Files) != 1 {
							t.Errorf("%s: track %s is %s playing %v; want Processed, playing its one track file", tr.ID, k.Kind, k.Status, k.Files)
						}
					}
				}
			}
			for j, f := range tr.Files {
				b, ok := files[f.Key]
				if !ok {
					t.Errorf("%s: %s (%s) is not among the files to store", tr.ID, f.Name, f.Key)
					continue
				}
				if b.Size != f.Size || b.SHA256 != f.SHA256 {
					t.Errorf("%s: %s declares %d bytes of %s; its file is %d bytes of %s", tr.ID, f.Name, f.Size, f.SHA256, b.Size, b.SHA256)
				}
				if tr.Inspection != nil {
					sameAsInspected(t, ctx, r, tr, j, p.Path(b), probed)
				}
			}
		}
	}
	if delivered == 0 {
		t.Fatal("no delivery uploaded its files")
	}
	slices.SortStableFunc(processed, func(a, b *lot.Transfer) int { return a.ProcessedAt.Compare(b.ProcessedAt) })
	var ids []string
	for _, tr := range processed {
		ids = append(ids, tr.ID)
	}
	if !slices.Equal(p.Processed, ids) {
		t.Errorf("%d processed deliveries listed to become earlier deliveries; the demo has %d (in the order processed: %v)",
			len(p.Processed), len(ids), slices.Equal(sorted(p.Processed), sorted(ids)))
	}
	var bytes int64
	for _, f := range p.Files {
		bytes += f.Size
	}
	t.Logf("%d deliveries uploaded %d distinct files, %.1f MB; %d media files probed", delivered, len(p.Files), float64(bytes)/1e6, len(probed))
}

// samePackage checks that a processed IMF delivery of the demo is a
// package inspection passes: its documents agree with each other and with
// the files, and every file's SHA-1 is its packing list's.
func samePackage(t *testing.T, tr *lot.Transfer, stored map[string]demo.Blob, p *demo.Pending) {
	t.Helper()
	var files []imf.File
	sums := map[string]string{}
	for _, f := range tr.Files {
		b, err := os.ReadFile(p.Path(stored[f.Key]))
		if err != nil {
			t.Fatal(err)
		}
		file := imf.File{Name: f.Name, Size: int64(len(b))}
		if imf.LooksLikeXML(f.Name, b[:min(len(b), 512)]) {
			file.XML = b
		}
		files = append(files, file)
		sum := sha1.Sum(b)
		sums[f.Name] = base64.StdEncoding.EncodeToString(sum[:])
	}
	pkg := imf.Open(files, nil)
	for name, sum := range sums {
		if pr, bad := pkg.VerifyHash(name, sum); bad {
			pkg.Problems = append(pkg.Problems, pr)
		}
	}
	for _, pr := range pkg.Problems {
		t.Errorf("%s: IMF package: %s %v", tr.ID, pr.Class, pr)
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

func fileSum(t *testing.T, path string) (string, int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil)), n
}

// sameAsInspected checks that file j of tr, stored at path, is what its
// inspection recorded: the product's probe (once per distinct file, in
// probed) reads the same streams; a subtitle's, script's or dub card's
// checks find the same codes.
func sameAsInspected(t *testing.T, ctx context.Context, r *lot.Request, tr *lot.Transfer, j int, path string, probed map[string]lot.MediaInfo) {
	t.Helper()
	rec := tr.Inspection.Files[j]
	name := tr.Files[j].Name
	if rec.SHA256 != tr.Files[j].SHA256 {
		t.Errorf("%s: %s was inspected as %s, declared %s", tr.ID, name, rec.SHA256, tr.Files[j].SHA256)
	}
	pol := inspect.PolicyFor(r.SourceType)
	if pol.Media == "subtitle" {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		sub := inspect.Subject{SourceType: r.SourceType, Language: r.Language, Declared: tr.Files[j].Metadata}
		var again, then []string
		for _, f := range inspect.CheckSubtitle(pol, sub, text) {
			again = append(again, f.Code)
		}
		for _, f := range tr.Inspection.Findings {
			if f.File == name {
				then = append(then, f.Code)
			}
		}
		if !slices.Equal(sorted(again), sorted(then)) {
			t.Errorf("%s: the checks find %v in %s; inspection recorded %v", tr.ID, again, name, then)
		}
		return
	}
	if pol.Media == "document" {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		sub := inspect.Subject{SourceType: r.SourceType, Language: r.Language, Declared: tr.Files[j].Metadata, File: name}
		_, found := inspect.CheckDocument(pol, sub, f, fi.Size())
		var again, then []string
		for _, f := range found {
			again = append(again, f.Code)
		}
		for _, f := range tr.Inspection.Findings {
			if f.File == name {
				then = append(then, f.Code)
			}
		}
		if !slices.Equal(sorted(again), sorted(then)) {
			t.Errorf("%s: the checks find %v in %s; inspection recorded %v", tr.ID, again, name, then)
		}
		return
	}
	want := rec.Media
	if want == nil {
		return
	}
	got, ok := probed[path]
	if !ok {
		var err error
		if got, err = (ffmpeg.Media{}).Probe(ctx, path); err != nil {
			t.Errorf("%s: %s: %v", tr.ID, name, err)
			return
		}
		probed[path] = got
	}
	what := tr.ID + ": " + name
	if got.Container != want.Container {
		t.Errorf("%s: container %s, inspected %s", what, got.Container, want.Container)
	}
	if len(got.Video) != len(want.Video) || len(got.Audio) != len(want.Audio) {
		t.Errorf("%s: %d video and %d audio streams, inspected %d and %d", what, len(got.Video), len(got.Audio), len(want.Video), len(want.Audio))
		return
	}
	for i, v := range want.Video {
		g := got.Video[i]
		if g.Codec != v.Codec || g.Width != v.Width || g.Height != v.Height {
			t.Errorf("%s: video %s %dx%d, inspected %s %dx%d", what, g.Codec, g.Width, g.Height, v.Codec, v.Width, v.Height)
		}
		if math.Abs(g.FrameRate-v.FrameRate) > 0.01 {
			t.Errorf("%s: %.3f frames a second, inspected %.3f", what, g.FrameRate, v.FrameRate)
		}
	}
	if want.Timecode != "" && got.Timecode != want.Timecode {
		t.Errorf("%s: starts at %q, inspected %q", what, got.Timecode, want.Timecode)
	}
	for i, a := range want.Audio {
		g := got.Audio[i]
		if g.Codec != a.Codec || g.Channels != a.Channels || g.SampleRate != a.SampleRate || g.BitDepth != a.BitDepth {
			t.Errorf("%s: audio %s %d channels %d Hz %d bits, inspected %s %d %d %d", what, g.Codec, g.Channels, g.SampleRate, g.BitDepth,
				a.Codec, a.Channels, a.SampleRate, a.BitDepth)
		}
		if g.Layout != a.Layout {
			t.Errorf("%s: layout %q, inspected %q", what, g.Layout, a.Layout)
		}
	}
}
