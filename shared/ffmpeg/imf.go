package ffmpeg

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/openlot/openlot/shared/lot"
)

var _ lot.CompositionMedia = Media{}

// DetectComposition plays an IMF composition once with ffmpeg's IMF reader
// (-f imf) for black, silence and decoding errors. The CPL is written to a
// temporary folder with an ASSETMAP of its own that locates each track file
// at its URL (signed URLs to storage), so nothing is downloaded first and
// the package's own ASSETMAP paths do not matter. A composition ffmpeg
// cannot follow (a track file missing or unreadable) answers
// lot.ErrUnreadableMedia with its reason.
func (m Media) DetectComposition(ctx context.Context, cpl []byte, assets map[string]string, o lot.DetectOptions) (lot.Detection, error) {
	dir, err := os.MkdirTemp("", "openlot-imf-")
	if err != nil {
		return lot.Detection{}, err
	}
	defer os.RemoveAll(dir)
	cplPath, amPath := filepath.Join(dir, "CPL.xml"), filepath.Join(dir, "ASSETMAP.xml")
	if err := os.WriteFile(cplPath, cpl, 0o600); err != nil {
		return lot.Detection{}, err
	}
	if err := os.WriteFile(amPath, []byte(assetMapOf(assets)), 0o600); err != nil {
		return lot.Detection{}, err
	}
	threads := m.Threads
	if threads == 0 {
		threads = 2 * runtime.NumCPU()
	}
	unplayable := func(tail string) error {
		return fmt.Errorf("%w: %s", lot.ErrUnreadableMedia, strings.TrimSpace(logPrefix.ReplaceAllString(tail, "")))
	}
	input := []string{"-protocol_whitelist", "file,http,https,tcp,tls,crypto", "-f", "imf", "-assetmaps", amPath}
	if o.VideoCodec == "jpeg2000" && m.decodes(ctx, "libopenjpeg") {
		// OpenJPEG (2.5 and later) also decodes High-Throughput JPEG 2000
		// (HTJ2K, ST 2067-21), which ffmpeg's own decoder reads only from
		// ffmpeg 7 on; here it is also the faster of the two.
		input = append(input, "-c:v", "libopenjpeg")
	}
	return m.detect(ctx, o, threads, unplayable, append(input, "-i", cplPath)...)
}

var decoders sync.Map // ffmpeg path → its decoders' names (map[string]bool)

// decodes says whether this ffmpeg has the named decoder (asked once per program).
func (m Media) decodes(ctx context.Context, name string) bool {
	bin := m.bin("ffmpeg", m.FFmpeg)
	if known, ok := decoders.Load(bin); ok {
		return known.(map[string]bool)[name]
	}
	out, err := exec.CommandContext(ctx, bin, "-hide_banner", "-decoders").Output()
	if err != nil {
		return false
	}
	known := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && len(f[0]) == 6 {
			known[f[1]] = true
		}
	}
	decoders.Store(bin, known)
	return known[name]
}

var logPrefix = regexp.MustCompile(`^(\[[^\]]*\]\s*)+`)

// assetMapOf writes an ASSETMAP (ST 429-9) whose chunk paths are the URLs
// of the assets, which ffmpeg follows as they are.
func assetMapOf(assets map[string]string) string {
	ids := make([]string, 0, len(assets))
	for id := range assets {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<AssetMap xmlns="http://www.smpte-ra.org/schemas/429-9/2007/AM">
  <Id>urn:uuid:00000000-0000-4000-8000-000000000000</Id>
  <Creator>openlot</Creator>
  <VolumeCount>1</VolumeCount>
  <IssueDate>2000-01-01T00:00:00Z</IssueDate>
  <Issuer>openlot</Issuer>
  <AssetList>
`)
	for _, id := range ids {
		fmt.Fprintf(&b, "    <Asset><Id>%s</Id><ChunkList><Chunk><Path>%s</Path></Chunk></ChunkList></Asset>\n",
			html.EscapeString(id), html.EscapeString(assets[id]))
	}
	b.WriteString("  </AssetList>\n</AssetMap>\n")
	return b.String()
}
