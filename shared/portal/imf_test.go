package portal_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openlot/openlot/shared/app/apptest"
	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/ffmpeg/fftest"
	"github.com/openlot/openlot/shared/flowtest"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/imf/imftest"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/sqlite"
)

// imfWorld is a portal over SQLite and disk blobs served over HTTP, reading
// media with ffprobe and ffmpeg, as `openlot serve` runs it.
type imfWorld struct {
	t     testing.TB
	svc   *portal.Service
	store lot.Store
	blobs lot.Blobs
	disk  *diskblob.Store
	n     int
}

func newIMFWorld(t testing.TB) *imfWorld {
	t.Helper()
	fftest.Need(t)
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	blobs, err := diskblob.Open(filepath.Join(dir, "blobs"), filepath.Join(dir, "blob.key"), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle(diskblob.Prefix, blobs.Handler(nil))
	svc := portal.New(db, lot.SystemClock, ids.V7{}, slog.New(slog.DiscardHandler))
	svc.Deps.Blobs, svc.Deps.Media = blobs, ffmpeg.Media{}
	return &imfWorld{t: t, svc: svc, store: db, blobs: blobs, disk: blobs}
}

// request makes an IMF request for title movie (in language lang, "" none).
func (w *imfWorld) request(movie int64, lang string) *lot.Request {
	t := w.t
	t.Helper()
	w.n++
	at := time.Now().UTC().Add(-time.Hour)
	ops := lot.Act{By: lot.Principal{Subject: "ops", Role: lot.RoleStudio}, At: at}
	title := &lot.Title{MovieID: movie, Name: fmt.Sprintf("Fixture %d", movie), ContentPartner: "northstar", MovieType: lot.MovieStandalone}
	rid := fmt.Sprintf("01a0f1f1-0000-7000-8000-%012d", w.n)
	r, err := lot.Create(ops, rid, lot.NewRequest{Title: title, Package: &lot.Package{ID: movie, MovieID: movie},
		FulfillmentPartner: &lot.Partner{ID: "juniper", Kind: lot.PartnerFulfillment}, SourceType: lot.SourceIMF, Language: lang,
		DueDate: lot.DateOf(at).AddDays(9), MaterialStatus: lot.MaterialAccepted})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.store.CreateRequests(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

// deliver makes an IMF request for title movie, delivers files to it, runs
// the inspection flow to its end and returns the transfer.
func (w *imfWorld) deliver(movie int64, lang string, files map[string][]byte, order []string) *lot.Transfer {
	t := w.t
	t.Helper()
	r := w.request(movie, lang)
	var fs []apptest.File
	for _, n := range order {
		fs = append(fs, apptest.File{Name: n, Data: files[n]})
	}
	tid := fmt.Sprintf("01a0f1f1-0000-7000-8000-%012d", 1000+w.n)
	apptest.DeliveredFiles(t, w.blobs, w.store, r, tid, fs)
	ends := flowtest.Local(context.Background(), portal.InspectionFlow(), w.svc.Steps(), []any{map[string]any{"transferId": tid, "attempt": 1}})
	if ends[0].Error != "" {
		t.Fatalf("inspection %s", ends[0])
	}
	tr, err := w.store.GetTransfer(context.Background(), tid)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func (w *imfWorld) deliverPackage(movie int64, lang string, p *imftest.Package) *lot.Transfer {
	return w.deliver(movie, lang, p.Files, p.Names)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustTracks makes IMF track files with ffmpeg: 2 s of JPEG 2000 video at
// 24 fps, 2 s of PCM audio, and 4 s of video black from 0.5 to 3.5 s.
func mustTracks(t *testing.T) (video, audio, black []byte) {
	t.Helper()
	dir := t.TempDir()
	read := func(path string) []byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return read(fftest.MakeIMFTrack(t, dir, "video", fftest.IMFTrack{Seconds: 2})),
		read(fftest.MakeIMFTrack(t, dir, "audio", fftest.IMFTrack{Seconds: 2, Audio: true})),
		read(fftest.MakeIMFTrack(t, dir, "black", fftest.IMFTrack{Seconds: 4, Black: [2]float64{0.5, 3.5}}))
}

func imp(title string, video, audio []byte) *imftest.Package {
	return imftest.New(imftest.Spec{Title: title, EditRate: "24 1", Tracks: []imftest.Track{
		{Name: "video.mxf", Sequence: "MainImageSequence", Data: video, EditRate: "24 1", Duration: 48},
		{Name: "audio_en.mxf", Sequence: "MainAudioSequence", Data: audio, EditRate: "48000 1", Duration: 96000, Language: "en"},
	}})
}

func codes(tr *lot.Transfer) []string {
	var out []string
	if tr.Inspection != nil {
		for _, f := range tr.Inspection.Findings {
			out = append(out, f.Code)
		}
	}
	return out
}

func trackStatuses(tr *lot.Transfer) string {
	if tr.Inspection == nil || tr.Inspection.Composition == nil {
		return ""
	}
	var out []string
	for _, t := range tr.Inspection.Composition.Tracks {
		out = append(out, t.Kind+"="+string(t.Status))
	}
	return strings.Join(out, " ")
}

func TestIMFPackageInspected(t *testing.T) {
	// Ensures a real IMP (JPEG 2000 and PCM MXF made by ffmpeg, with the
	// CPL, PKL and ASSETMAP written by the test) is Processed with its
	// composition's technical metadata and each track's status, and that
	// each way of breaking it Fails with its IMF code, the audio track then
	// waiting for the video track.
	w := newIMFWorld(t)
	video, audio, black := mustTracks(t)

	good := w.deliverPackage(81000001, "en", imp("Orbital S01E04", video, audio))
	if good.Status != lot.TransferProcessed {
		t.Fatalf("a valid IMP: %s %v, want Processed", good.Status, good.Inspection.Findings)
	}
	c := good.Inspection.Composition
	if c == nil || c.Title != "Orbital S01E04" || c.EditRate != "24 1" || c.Runtime != 2 || !slices.Equal(c.Languages, []string{"en"}) {
		t.Fatalf("technical metadata: %+v", c)
	}
	if got := trackStatuses(good); got != "video=PROCESSED audio=PROCESSED" {
		t.Errorf("track statuses %q", got)
	}
	for _, f := range good.Inspection.Files {
		if f.SHA1 == "" || f.SHA256 == "" {
			t.Errorf("%s: hashes %q %q, want both read", f.Name, f.SHA1, f.SHA256)
		}
		if f.Name == "video.mxf" && (f.Media == nil || f.Media.Video[0].Width != 320 || f.Media.Video[0].Codec != "jpeg2000") {
			t.Errorf("video.mxf probe: %+v", f.Media)
		}
	}

	cases := []struct {
		name   string
		pkg    func() *imftest.Package
		want   string
		tracks string
	}{
		{"video bytes changed after packing", func() *imftest.Package {
			p := imp("Orbital hash", video, audio)
			b := slices.Clone(p.Files["video.mxf"])
			b[len(b)/2] ^= 0xff
			p.Files["video.mxf"] = b
			return p
		}, "IMF_PKL_HASH_MISMATCH", "video=FAILED audio=WAITING_FOR_PRIMARY"},
		{"video where the audio should be", func() *imftest.Package {
			return imftest.New(imftest.Spec{Title: "Orbital audio", EditRate: "24 1", Tracks: []imftest.Track{
				{Name: "video.mxf", Sequence: "MainImageSequence", Data: video, EditRate: "24 1", Duration: 48},
				{Name: "audio_en.mxf", Sequence: "MainAudioSequence", Data: black, EditRate: "48000 1", Duration: 96000},
			}})
		}, "IMF_TRACK_ESSENCE", "video=PROCESSED audio=FAILED"},
		{"ASSETMAP asset not delivered", func() *imftest.Package { return imp("Orbital missing", video, audio).Drop("audio_en.mxf") },
			"IMF_ASSET_MISSING", "video=FAILED audio=WAITING_FOR_PRIMARY"},
		{"CPL in the wrong namespace", func() *imftest.Package {
			return imp("Orbital ns", video, audio).Edit("CPL.xml", "schemas/2067-3/2016", "schemas/2067-3/2099").Seal()
		}, "IMF_WRONG_DOCUMENT", ""},
		{"CPL sequences of unequal length", func() *imftest.Package {
			return imp("Orbital timing", video, audio).Edit("CPL.xml", "<SourceDuration>96000<", "<SourceDuration>72000<").Seal()
		}, "IMF_TIMING", "video=FAILED audio=WAITING_FOR_PRIMARY"},
		{"CPL Id not the ASSETMAP's", func() *imftest.Package {
			p := imp("Orbital ids", video, audio)
			return p.Edit("CPL.xml", "<Id>"+p.IDs["CPL.xml"], "<Id>"+imftest.ID("other")).Seal()
		}, "IMF_ID_MISMATCH", "video=FAILED audio=WAITING_FOR_PRIMARY"},
		{"CPL plays a track file nobody delivered", func() *imftest.Package {
			p := imp("Orbital unknown", video, audio)
			return p.Edit("CPL.xml", "<TrackFileId>"+p.IDs["audio_en.mxf"], "<TrackFileId>"+imftest.ID("nowhere")).Seal()
		}, "IMF_RESOURCE_UNKNOWN", "video=FAILED audio=WAITING_FOR_PRIMARY"},
		{"PKL size not the file's", func() *imftest.Package {
			p := imp("Orbital size", video, audio)
			n := strconv.Itoa(len(audio))
			return p.Edit("PKL.xml", "<Size>"+n+"</Size>", "<Size>"+n+"0</Size>")
		}, "IMF_PKL_SIZE_MISMATCH", "video=PROCESSED audio=FAILED"},
		{"a file the ASSETMAP does not list", func() *imftest.Package {
			return imp("Orbital extra", video, audio).Add("checksums.md5", []byte("d41d8cd98f00b204e9800998ecf8427e  video.mxf\n"))
		}, "IMF_FILE_NOT_IN_ASSETMAP", "video=FAILED audio=WAITING_FOR_PRIMARY"},
		{"three seconds of black", func() *imftest.Package {
			return imftest.New(imftest.Spec{Title: "Orbital black", EditRate: "24 1", Tracks: []imftest.Track{
				{Name: "video.mxf", Sequence: "MainImageSequence", Data: black, EditRate: "24 1", Duration: 96},
			}})
		}, "BLACK_SEGMENT", "video=FAILED"},
	}
	// Twelve seconds of silence (the policy allows ten) fail the sound, not the picture.
	dir := t.TempDir()
	long := mustRead(t, fftest.MakeIMFTrack(t, dir, "long", fftest.IMFTrack{Seconds: 12}))
	silent := mustRead(t, fftest.MakeIMFTrack(t, dir, "silent", fftest.IMFTrack{Seconds: 12, Audio: true, Silent: true}))
	cases = append(cases, struct {
		name   string
		pkg    func() *imftest.Package
		want   string
		tracks string
	}{"twelve seconds of silence", func() *imftest.Package {
		return imftest.New(imftest.Spec{Title: "Orbital silent", EditRate: "24 1", Tracks: []imftest.Track{
			{Name: "video.mxf", Sequence: "MainImageSequence", Data: long, EditRate: "24 1", Duration: 288},
			{Name: "audio_en.mxf", Sequence: "MainAudioSequence", Data: silent, EditRate: "48000 1", Duration: 576000, Language: "en"},
		}})
	}, "SILENCE", "video=PROCESSED audio=FAILED"})
	for i, c := range cases {
		tr := w.deliverPackage(int64(81000100+i), "en", c.pkg())
		if tr.Status != lot.TransferFailed || tr.ErrorCode != c.want {
			t.Errorf("%s: %s %s %v, want Failed with %s", c.name, tr.Status, tr.ErrorCode, codes(tr), c.want)
		}
		if got := trackStatuses(tr); c.tracks != "" && got != c.tracks {
			t.Errorf("%s: track statuses %q, want %q", c.name, got, c.tracks)
		}
	}

	// A stray file may be overridden (the partner says why); a damaged track file may not.
	stray := w.deliverPackage(81000199, "en", imp("Orbital stray", video, audio).Add("notes.txt", []byte("hello\n")))
	if stray.Inspection == nil || !stray.Inspection.Overridable() {
		t.Errorf("a stray file: findings %+v, want all overridable", stray.Inspection)
	}

	// A one-line text file delivered as IMF is no package.
	txt := w.deliver(81000200, "en", map[string][]byte{"notes.txt": []byte("the IMF is on its way\n")}, []string{"notes.txt"})
	if txt.Status != lot.TransferFailed || txt.ErrorCode != "IMF_NOT_A_PACKAGE" {
		t.Errorf("a text file as IMF: %s %v, want Failed with IMF_NOT_A_PACKAGE", txt.Status, codes(txt))
	}
}

func TestSupplementalIMFPlaysTheTitlesEarlierVideo(t *testing.T) {
	// Ensures a supplemental package (a dub: audio only, its CPL playing the
	// video track file delivered before for the same title) is Processed
	// once that video was, and fails as an unknown resource for a title
	// without it.
	w := newIMFWorld(t)
	video, audio, _ := mustTracks(t)
	first := imp("Orbital", video, audio)
	if tr := w.deliverPackage(81000300, "en", first); tr.Status != lot.TransferProcessed {
		t.Fatalf("the original package: %s %v", tr.Status, codes(tr))
	}
	supplemental := func() *imftest.Package {
		return imftest.New(imftest.Spec{Title: "Orbital", EditRate: "24 1", Tracks: []imftest.Track{
			{Name: "video.mxf", Sequence: "MainImageSequence", EditRate: "24 1", Duration: 48, Earlier: true},
			{Name: "audio_es.mxf", Sequence: "MainAudioSequence", Data: audio, EditRate: "48000 1", Duration: 96000, Language: "es-419"},
		}})
	}
	tr := w.deliverPackage(81000300, "es-419", supplemental())
	if tr.Status != lot.TransferProcessed {
		t.Fatalf("the supplemental package: %s %v", tr.Status, tr.Inspection.Findings)
	}
	if got := trackStatuses(tr); got != "video=PROCESSED audio=PROCESSED" {
		t.Errorf("track statuses %q", got)
	}
	if tr := w.deliverPackage(81000301, "es-419", supplemental()); tr.ErrorCode != "IMF_RESOURCE_UNKNOWN" {
		t.Errorf("for another title: %s %v, want IMF_RESOURCE_UNKNOWN", tr.Status, codes(tr))
	}
}
