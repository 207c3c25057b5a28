package demo

import (
	"archive/zip"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"path"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// This file writes what a demo delivery holds (the Deliveries): it maps
// each file of a take to its content, and writes the files that are not
// made with ffmpeg.

// declare gives each file of tk the content it holds, at the story's
// time at: its declared size and SHA-256 become the content's, and its
// blob key the content's key.
func (d *Deliveries) declare(r *lot.Request, tk *take, at time.Time) error {
	if inspect.PolicyFor(r.SourceType).Media == "package" {
		return d.declarePackage(r, tk, at)
	}
	for i := range tk.specs {
		s := &tk.specs[i]
		ext := strings.ToLower(path.Ext(s.file.Name))
		var f Blob
		var err error
		switch {
		case s.text != nil:
			f = d.body(s.text, ext, s.file.ContentType)
		case s.media != nil && len(s.media.Video) > 0:
			v, ch := s.media.Video[0], 0
			if len(s.media.Audio) > 0 {
				ch = s.media.Audio[0].Channels
			}
			f, err = d.clipFile(clip{kind: "av", ext: ext, codec: v.Codec, w: v.Width, h: v.Height, rate: v.FrameRate,
				drop: v.FrameRate == 29.97 && strings.Contains(s.media.Timecode, ";"), channels: ch})
		case s.media != nil && len(s.media.Audio) > 0:
			f, err = d.clipFile(clip{kind: "wav", ext: ".wav", channels: s.media.Audio[0].Channels})
		case ext == ".png":
			f, err = d.clipFile(clip{kind: "png", ext: ext, n: s.n})
		case ext == ".pdf":
			if !d.dry {
				var b []byte
				if b, err = scriptPDF(r, at); err == nil {
					f = d.body(b, ext, s.file.ContentType)
				}
			}
		case ext == ".docx":
			if !d.dry {
				var b []byte
				if b, err = scriptDOCX(r, at); err == nil {
					f = d.body(b, ext, s.file.ContentType)
				}
			}
		default:
			return fmt.Errorf("no content for demo delivery file %s", s.file.Name)
		}
		if err != nil {
			return err
		}
		if !d.dry {
			s.file.Size, s.file.SHA256, s.key = f.Size, f.SHA256, f.Key
		}
	}
	return nil
}

// scriptLines are the opening of every demo script.
var scriptLines = []string{"1. EXT. HARBOUR - DAWN", "", "MARA", "The tide is coming in.", "", "JON", "Then we wait for it.", "",
	"2. INT. FERRY TERMINAL - DAY", "", "MARA", "Nobody waits for the tide any more."}

func scriptText(r *lot.Request, at time.Time) []string {
	lang := r.Language
	if lang == "" {
		lang = "en"
	}
	return append([]string{"FINAL SCRIPT", "", r.TitleName, fmt.Sprintf("Language: %s   Issued: %s", lang, at.UTC().Format("2 January 2006")), ""},
		scriptLines...)
}

// scriptPDF is a final script as a PDF file.
func scriptPDF(r *lot.Request, at time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(at.UTC())
	pdf.SetModificationDate(at.UTC())
	pdf.SetTitle(r.TitleName+": Final Script", true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252: the core fonts' accents
	pdf.AddPage()
	pdf.SetFont("Courier", "", 12)
	for _, l := range scriptText(r, at) {
		pdf.CellFormat(0, 6, tr(l), "", 1, "L", false, 0, "")
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// scriptDOCX is a final script as a Word document.
func scriptDOCX(r *lot.Request, at time.Time) ([]byte, error) {
	var body strings.Builder
	for _, l := range scriptText(r, at) {
		body.WriteString("<w:p><w:r><w:t xml:space=\"preserve\">")
		xml.EscapeText(&body, []byte(l))
		body.WriteString("</w:t></w:r></w:p>")
	}
	parts := []struct{ name, text string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`},
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: at.UTC().Truncate(2 * time.Second)})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p.text)); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// wav is a tone of clipSeconds as 24-bit, 48 kHz PCM in a WAV file, one
// pitch per channel, with the channel layout named (stereo, 5.1(side)).
func wav(channels int) []byte {
	const rate, depth = 48000, 3
	masks := map[int]uint32{1: 0x4, 2: 0x3, 6: 0x60f}
	n := rate * clipSeconds
	data := n * channels * depth
	var b bytes.Buffer
	b.Grow(68 + data)
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(60 + data))
	b.WriteString("WAVEfmt ")
	le(uint32(40))
	le(uint16(0xfffe)) // WAVE_FORMAT_EXTENSIBLE: the channel mask names the layout
	le(uint16(channels))
	le(uint32(rate))
	le(uint32(rate * channels * depth))
	le(uint16(channels * depth))
	le(uint16(8 * depth))
	le(uint16(22))
	le(uint16(8 * depth))
	le(masks[channels])
	b.Write([]byte{1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71}) // KSDATAFORMAT_SUBTYPE_PCM
	b.WriteString("data")
	le(uint32(data))
	amp := 0.125 * (1 << 23) // -18 dBFS
	for i := range n {
		for c := range channels {
			v := int32(math.Round(amp * math.Sin(2*math.Pi*float64(440+110*c)*float64(i)/rate)))
			b.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16)})
		}
	}
	return b.Bytes()
}

// dubCard is dub card n as a 1920×1080 PNG image.
func dubCard(n int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{12, 16, 28, 255}), image.Point{}, draw.Src)
	frame := color.RGBA{200, 170, 90, 255}
	for _, r := range []image.Rectangle{image.Rect(120, 120, 1800, 128), image.Rect(120, 952, 1800, 960)} {
		draw.Draw(img, r, image.NewUniform(frame), image.Point{}, draw.Src)
	}
	f, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, err
	}
	for _, line := range []struct {
		text string
		size float64
		y    int
	}{{fmt.Sprintf("DUB CARD %d", n), 96, 480}, {"Voice cast and dubbing credits", 48, 640}} {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: line.size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, err
		}
		dr := &font.Drawer{Dst: img, Src: image.NewUniform(color.RGBA{235, 235, 240, 255}), Face: face}
		w := dr.MeasureString(line.text).Round()
		dr.Dot = fixed.P((1920-w)/2, line.y)
		dr.DrawString(line.text)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// uuidOf is a UUID (version 4 layout) drawn from parts, so a package's
// identifiers are the same at every seed of the same day.
func uuidOf(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// declarePackage gives an IMF package its content: the picture and sound
// track files, the composition playlist that plays them, the packing list
// that hashes them, the asset map and the volume index.
func (d *Deliveries) declarePackage(r *lot.Request, tk *take, at time.Time) error {
	var video, audio, cpl, pkl, amap, vol *spec
	for i := range tk.specs {
		s := &tk.specs[i]
		switch n := s.file.Name; {
		case strings.Contains(n, "_VIDEO_"):
			video = s
		case strings.Contains(n, "_AUDIO_"):
			audio = s
		case strings.HasPrefix(n, "CPL_"):
			cpl = s
		case strings.HasPrefix(n, "PKL_"):
			pkl = s
		case n == "ASSETMAP.xml":
			amap = s
		case n == "VOLINDEX.xml":
			vol = s
		}
	}
	if video == nil || audio == nil || cpl == nil || pkl == nil || amap == nil || vol == nil {
		return fmt.Errorf("an IMF package of %d files lacks one of its parts", len(tk.specs))
	}
	rate := tk.rate
	v, err := d.clipFile(clip{kind: "j2k", ext: ".mxf", codec: "jpeg2000", w: 1920, h: 1080, rate: rate})
	if err != nil {
		return err
	}
	a, err := d.clipFile(clip{kind: "pcm", ext: ".mxf", codec: "pcm_s24le", channels: 1})
	if err != nil {
		return err
	}
	if d.dry {
		return nil
	}
	seed := r.ID + "/" + cpl.file.Name
	id := func(what string) string { return uuidOf(seed, what) }
	num, den := int(rate), 1 // 24 1, or 24000 1001 for 23.976
	if rate != math.Round(rate) {
		num, den = int(math.Round(rate*1.001))*1000, 1001
	}
	frames := int(math.Round(rate * clipSeconds))
	issued := at.UTC().Format(time.RFC3339)
	lang := r.Language
	if lang == "" {
		lang = "en"
	}
	set := func(s *spec, f Blob) { s.file.Size, s.file.SHA256, s.key = f.Size, f.SHA256, f.Key }
	doc := func(s *spec, body []byte) { set(s, d.body(body, ".xml", s.file.ContentType)); s.xml = body }
	set(video, v)
	set(audio, a)

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	w(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<CompositionPlaylist xmlns="http://www.smpte-ra.org/schemas/2067-3/2016">` + "\n")
	w("  <Id>%s</Id>\n  <IssueDate>%s</IssueDate>\n  <Creator>openlot demo</Creator>\n  <ContentTitle>%s</ContentTitle>\n", id("cpl"), issued, esc(r.TitleName))
	w("  <EditRate>%d %d</EditRate>\n  <SegmentList><Segment><Id>%s</Id><SequenceList>\n", num, den, id("segment"))
	// The sound lasts as long as the picture (ST 2067-3: the sequences of a
	// segment last equally long): 24 frames at 24000/1001 are 48048 samples.
	for _, t := range []struct{ kind, track, file, rate string }{
		{"MainImageSequence", id("video"), video.file.Name, fmt.Sprintf("%d %d", num, den)},
		{"MainAudioSequence", id("audio"), audio.file.Name, "48000 1"},
	} {
		w("    <%s><Id>%s</Id><TrackId>%s</TrackId><ResourceList><Resource><Id>%s</Id><EditRate>%s</EditRate>"+
			"<IntrinsicDuration>%d</IntrinsicDuration><TrackFileId>%s</TrackFileId></Resource></ResourceList></%s>\n",
			t.kind, id(t.kind), id(t.kind+"-track"), id(t.kind+"-resource"), t.rate, map[bool]int{true: frames, false: frames * 48000 * den / num}[t.kind == "MainImageSequence"], t.track, t.kind)
	}
	w("  </SequenceList></Segment></SegmentList>\n  <Language>%s</Language>\n</CompositionPlaylist>\n", esc(lang))
	cplBody := []byte(b.String())
	doc(cpl, cplBody)

	type asset struct {
		id, name, typ string
		size          int64
		sha1          []byte
	}
	c1 := sha1.Sum(cplBody)
	assets := []asset{{id("cpl"), cpl.file.Name, "text/xml", int64(len(cplBody)), c1[:]},
		{id("video"), video.file.Name, "application/mxf", v.Size, d.sha1s[v.Key]},
		{id("audio"), audio.file.Name, "application/mxf", a.Size, d.sha1s[a.Key]}}
	b.Reset()
	w(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<PackingList xmlns="http://www.smpte-ra.org/schemas/2067-2/2016/PKL">` + "\n")
	w("  <Id>%s</Id>\n  <IssueDate>%s</IssueDate>\n  <Issuer>%s</Issuer>\n  <Creator>openlot demo</Creator>\n  <AssetList>\n", id("pkl"), issued, esc(r.FulfillmentPartner))
	for _, x := range assets {
		w("    <Asset><Id>%s</Id><Hash>%s</Hash><Size>%d</Size><Type>%s</Type><OriginalFileName>%s</OriginalFileName></Asset>\n",
			x.id, base64.StdEncoding.EncodeToString(x.sha1), x.size, x.typ, esc(x.name))
	}
	w("  </AssetList>\n</PackingList>\n")
	pklBody := []byte(b.String())
	doc(pkl, pklBody)

	b.Reset()
	w(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM">` + "\n")
	w("  <Id>%s</Id>\n  <Creator>openlot demo</Creator>\n  <VolumeCount>1</VolumeCount>\n  <IssueDate>%s</IssueDate>\n  <Issuer>%s</Issuer>\n  <AssetList>\n",
		id("assetmap"), issued, esc(r.FulfillmentPartner))
	assets = append([]asset{{id: id("pkl"), name: pkl.file.Name, size: int64(len(pklBody))}}, assets...)
	for i, x := range assets {
		w("    <Asset><Id>%s</Id>%s<ChunkList><Chunk><Path>%s</Path><VolumeIndex>1</VolumeIndex><Offset>0</Offset><Length>%d</Length></Chunk></ChunkList></Asset>\n",
			x.id, map[bool]string{true: "<PackingList>true</PackingList>"}[i == 0], esc(x.name), x.size)
	}
	w("  </AssetList>\n</AssetMap>\n")
	doc(amap, []byte(b.String()))
	doc(vol, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<VolumeIndex xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM"><Index>1</Index></VolumeIndex>`+"\n"))
	return nil
}
