package portal

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openlot/openlot/shared/imf"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// BlobHashes reads a stored blob once and returns its SHA-256 (hex) and,
// when withSHA1, its SHA-1 (base64, as IMF packing lists write it) from
// the same read: each chunk read goes to both hashes, which run side by
// side, so the second hash costs no second read and little time.
func BlobHashes(ctx context.Context, blobs lot.Blobs, key string, withSHA1 bool) (sha256Hex, sha1B64 string, err error) {
	rc, err := blobs.Read(ctx, key, 0, -1)
	if err != nil {
		return "", "", err
	}
	defer rc.Close()
	h256 := sha256.New()
	if !withSHA1 {
		buf := make([]byte, 1<<20)
		if _, err := io.CopyBuffer(h256, struct{ io.Reader }{rc}, buf); err != nil {
			return "", "", fmt.Errorf("read %s: %w", key, err)
		}
		return hex.EncodeToString(h256.Sum(nil)), "", nil
	}
	h1 := sha1.New()
	if err := hashSideBySide(rc, h256, h1); err != nil {
		return "", "", fmt.Errorf("read %s: %w", key, err)
	}
	return hex.EncodeToString(h256.Sum(nil)), base64.StdEncoding.EncodeToString(h1.Sum(nil)), nil
}

// hashSideBySide reads r to its end once, writing every chunk to each of
// hs, each hash in its own goroutine (the read goes on meanwhile, into the
// next free buffer).
func hashSideBySide(r io.Reader, hs ...hash.Hash) error {
	const size, buffers = 1 << 20, 4
	type chunk struct {
		b    []byte
		left atomic.Int32 // hashes still to write it
	}
	free := make(chan *chunk, buffers)
	for range buffers {
		free <- &chunk{b: make([]byte, size)}
	}
	feeds := make([]chan *chunk, len(hs))
	var wg sync.WaitGroup
	for i, h := range hs {
		feeds[i] = make(chan *chunk, buffers)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range feeds[i] {
				h.Write(c.b)
				if c.left.Add(-1) == 0 {
					c.b = c.b[:cap(c.b)]
					free <- c
				}
			}
		}()
	}
	var rerr error
	for {
		c := <-free
		n, err := io.ReadFull(r, c.b)
		if n > 0 {
			c.b = c.b[:n]
			c.left.Store(int32(len(hs)))
			for _, f := range feeds {
				f <- c
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			rerr = err
			break
		}
	}
	for _, f := range feeds {
		close(f)
	}
	wg.Wait()
	return rerr
}

// packageRead is what examine read of an IMF package as a whole; per-file
// reads (probe, PKL hash, asset ID) stay in examined.
type packageRead struct {
	Findings    []lot.Finding    `json:"findings"`
	Composition *lot.Composition `json:"composition,omitempty"`
}

// maxPackageFindings bounds what one package's findings carry through the
// flow (a state's data is limited); the rest are counted in one more.
const maxPackageFindings = 100

// headBytes is how much of each file tells an XML document from a track file.
const headBytes = 512

// examinePackage reads an IMF delivery: the XML documents in full, the
// first bytes of every other file; opens the package (shared/imf) with the
// track files delivered before for the title; probes each track file the
// compositions play; plays the first composition once with ffmpeg's IMF
// reader; and turns it all into findings.
func (s *Deliveries) examinePackage(ctx context.Context, t *lot.Transfer, r *lot.Request, p inspect.Policy) (examineOut, error) {
	out := examineOut{Files: make([]examined, len(t.Files)), Package: &packageRead{Findings: []lot.Finding{}}}
	files := make([]imf.File, len(t.Files))
	for i, f := range t.Files {
		files[i] = imf.File{Name: f.Name, Size: f.Size}
		if f.Size == 0 {
			continue // an empty file is no document (the ASSETMAP check names it)
		}
		head, err := s.readHead(ctx, f.Key, min(f.Size, headBytes))
		if err != nil {
			return examineOut{}, err
		}
		if !imf.LooksLikeXML(f.Name, head) {
			continue
		}
		if f.Size > imf.MaxXML {
			files[i].XML = head // too large to be read: Open says so
			continue
		}
		text, err := s.readSmall(ctx, f.Key, imf.MaxXML+1)
		if err != nil {
			return examineOut{}, err
		}
		files[i].XML = text
	}
	earlier, err := s.earlierAssets(ctx, r, t.ID)
	if err != nil {
		return examineOut{}, err
	}
	pkg := imf.Open(files, func(id string) bool { _, ok := earlier[id]; return ok })

	urls := map[string]string{} // asset ID → signed URL, for the composition
	var tracks []inspect.TrackFile
	for i, f := range t.Files {
		role := pkg.Files[f.Name]
		out.Files[i].AssetID, out.Files[i].PKLHash = role.AssetID, role.Hash
		if files[i].XML != nil || role.AssetID == "" {
			continue
		}
		u, err := s.Blobs.PresignGet(ctx, f.Key, lot.GetOptions{Expires: 2 * time.Hour})
		if err != nil {
			return examineOut{}, err
		}
		urls[role.AssetID] = u.URL
		if !pkg.Probed(f.Name) {
			continue
		}
		tf := inspect.TrackFile{Name: f.Name}
		info, err := s.Media.Probe(ctx, u.URL)
		switch {
		case errors.Is(err, lot.ErrUnreadableMedia):
			tf.Unreadable = err.Error()
			out.Files[i].Unreadable = err.Error()
		case err != nil:
			return examineOut{}, err
		default:
			tf.Media = &info
			out.Files[i].Media = &info
		}
		tracks = append(tracks, tf)
	}
	sub := subject(r, lot.TransferFile{Metadata: firstMetadata(t)}, nil, 0)
	found := inspect.CheckPackage(p, sub, pkg, tracks)
	// The composition is played when the package is sound (a broken one
	// would only fail again, less clearly) and not encrypted.
	if len(pkg.Problems) == 0 && len(found) == 0 && len(pkg.CPLs) > 0 && !pkg.CPLs[0].Encrypted() && p.Decodes() {
		cm, ok := s.Media.(lot.CompositionMedia)
		if !ok {
			return examineOut{}, errors.New("the media reader cannot play IMF compositions")
		}
		for id, key := range earlier {
			if _, here := urls[id]; !here {
				u, err := s.Blobs.PresignGet(ctx, key, lot.GetOptions{Expires: 2 * time.Hour})
				if err != nil {
					return examineOut{}, err
				}
				urls[id] = u.URL
			}
		}
		cpl := pkg.CPLs[0]
		o := lot.DetectOptions{MinBlack: p.MaxBlackS / 2, MinSilence: p.MaxSilenceS / 2, NoiseDB: p.SilenceNoiseDB}
		about := inspect.CompositionFiles{CPL: cpl.File}
		for _, tf := range tracks {
			switch {
			case tf.Media != nil && len(tf.Media.Video) > 0 && about.Video == "":
				o.VideoCodec, about.Video = tf.Media.Video[0].Codec, tf.Name
			case tf.Media != nil && len(tf.Media.Audio) > 0 && about.Audio == "":
				about.Audio = tf.Name
			}
		}
		det, err := cm.DetectComposition(ctx, files[fileIndex(t, cpl.File)].XML, urls, o)
		switch {
		case errors.Is(err, lot.ErrUnreadableMedia):
			found = append(found, inspect.CheckComposition(p, about, nil, err.Error())...)
		case err != nil:
			return examineOut{}, err
		default:
			found = append(found, inspect.CheckComposition(p, about, &det, "")...)
		}
	}
	if len(found) > maxPackageFindings {
		more := len(found) - maxPackageFindings
		found = append(found[:maxPackageFindings], inspect.Found(found[maxPackageFindings].Code, "and %d more findings like those above", more))
	}
	out.Package.Findings = append(out.Package.Findings, found...)
	out.Package.Composition = inspect.CompositionOf(pkg)
	return out, nil
}

func fileIndex(t *lot.Transfer, name string) int {
	for i, f := range t.Files {
		if f.Name == name {
			return i
		}
	}
	return 0
}

// firstMetadata is the delivery metadata given with the transfer's files
// (an IMF delivery gives it once, with any of them).
func firstMetadata(t *lot.Transfer) map[string]string {
	for _, f := range t.Files {
		if len(f.Metadata) > 0 {
			return f.Metadata
		}
	}
	return nil
}

// readHead reads the first n bytes of a stored file (a ranged read).
func (s *Deliveries) readHead(ctx context.Context, key string, n int64) ([]byte, error) {
	rc, err := s.Blobs.Read(ctx, key, 0, n)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, n))
}

// earlierAssets are the track files delivered before for r's title in IMF
// deliveries that were processed (or overridden and verified): their asset
// IDs and where they are stored. A supplemental package may play them.
func (s *Deliveries) earlierAssets(ctx context.Context, r *lot.Request, except string) (map[string]string, error) {
	out := map[string]string{}
	all, err := s.Store.ScopeRequests(ctx, lot.Scope{ContentPartner: r.ContentPartner})
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.MovieID != r.MovieID || o.SourceType != lot.SourceIMF {
			continue
		}
		ts, err := s.Store.ListTransfers(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if t.ID == except || t.Status != lot.TransferProcessed || t.Inspection == nil || len(t.Inspection.Files) != len(t.Files) {
				continue
			}
			for i, f := range t.Inspection.Files {
				if f.AssetID != "" {
					out[f.AssetID] = t.Files[i].Key
				}
			}
		}
	}
	return out, nil
}

// decidePackage adds to an IMF inspection what only the verdict can know:
// each file's SHA-1, read with its SHA-256, against its packing list's;
// then the package's own findings; and the composition with the status of
// each of its tracks.
func decidePackage(insp *lot.Inspection, t *lot.Transfer, integrity integrityOut, examine examineOut) {
	for i, f := range t.Files {
		e := examine.Files[i]
		insp.Files[i].AssetID = e.AssetID
		if e.PKLHash != "" && integrity.Files[i].SHA1 != "" && e.PKLHash != integrity.Files[i].SHA1 {
			fd := inspect.Found(inspect.IMFHashMismatch, "the file's SHA-1 is %s; the packing list says %s", integrity.Files[i].SHA1, e.PKLHash)
			fd.File = f.Name
			insp.Findings = append(insp.Findings, fd)
		}
	}
	if examine.Package == nil {
		return
	}
	insp.Findings = append(insp.Findings, examine.Package.Findings...)
	if c := examine.Package.Composition; c != nil {
		c.SetTrackStatuses(insp.Findings)
		insp.Composition = c
	}
}
