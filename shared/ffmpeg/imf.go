package ffmpeg

import (
	"context"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

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
	return m.detect(ctx, o, threads, unplayable, "-protocol_whitelist", "file,http,https,tcp,tls,crypto",
		"-f", "imf", "-assetmaps", amPath, "-i", cplPath)
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
