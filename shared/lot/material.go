package lot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AssetType is a kind of material a partner downloads to do the work.
type AssetType string

const (
	AssetFinalProxy  AssetType = "FINAL_PROXY"
	AssetProxyVideo  AssetType = "PROXY_VIDEO"
	AssetAudioStems  AssetType = "AUDIO_STEMS"
	AssetPrintmaster AssetType = "PRINTMASTER"
	AssetME          AssetType = "M_AND_E"
	AssetSubtitle    AssetType = "SUBTITLE"
	AssetScript      AssetType = "SCRIPT"
	AssetDelivery    AssetType = "DELIVERY" // an earlier delivery that was processed
)

// AssetTypes lists every asset type in the order the materials page shows them.
var AssetTypes = []AssetType{AssetFinalProxy, AssetProxyVideo, AssetAudioStems, AssetPrintmaster, AssetME,
	AssetSubtitle, AssetScript, AssetDelivery}

var assetTypeNames = map[AssetType]string{
	AssetFinalProxy: "Final Proxy", AssetProxyVideo: "Proxy Video", AssetAudioStems: "Audio Stems",
	AssetPrintmaster: "Printmaster", AssetME: "M&E", AssetSubtitle: "Subtitle", AssetScript: "Script",
	AssetDelivery: "Earlier Delivery",
}

func (a AssetType) Name() string { return assetTypeNames[a] }

// ParseAssetType accepts a code or display name; it fails with CodeInvalid.
func ParseAssetType(s string) (AssetType, error) { return parseEnum("asset type", s, AssetTypes) }

// Audio reports whether materials of this type carry a QC label (QC Pending
// or Ready for Mix).
func (a AssetType) Audio() bool {
	return a == AssetAudioStems || a == AssetPrintmaster || a == AssetME
}

// Watermarked reports whether partners receive this type as a proxy with
// their own visible watermark rather than the stored file itself.
func (a AssetType) Watermarked() bool { return a == AssetProxyVideo }

// MaterialQC is the QC label of an audio material.
type MaterialQC string

const (
	MaterialQCPending   MaterialQC = "QC_PENDING"    // not yet QCed, or failed and waiting for new assets
	MaterialReadyForMix MaterialQC = "READY_FOR_MIX" // passed QC
)

// MaterialQCChange is one change of a material's QC label: who, when,
// from what to what.
type MaterialQCChange struct {
	At     time.Time
	By     string // subject
	ByName string
	From   MaterialQC
	To     MaterialQC
}

// SetQC changes m's QC label to qc, recording who changed it and when in
// its update history; it reports false when the label already is qc.
func (m *Material) SetQC(a Act, qc MaterialQC) bool {
	if m.QC == qc {
		return false
	}
	m.QCChanges = append(m.QCChanges, MaterialQCChange{At: a.At, By: a.By.Subject, ByName: a.By.Name, From: m.QC, To: qc})
	m.QC, m.QCUpdatedAt = qc, a.At
	return true
}

// MaterialQCs lists the QC labels.
var MaterialQCs = []MaterialQC{MaterialQCPending, MaterialReadyForMix}

func (q MaterialQC) Name() string {
	return map[MaterialQC]string{MaterialQCPending: "QC Pending", MaterialReadyForMix: "Ready for Mix"}[q]
}

// ParseMaterialQC accepts a code or display name; it fails with CodeInvalid.
func ParseMaterialQC(s string) (MaterialQC, error) { return parseEnum("QC label", s, MaterialQCs) }

// NewlyAddedFor is how long a material counts as Newly Added after it was
// delivered or its QC label changed.
const NewlyAddedFor = 7 * 24 * time.Hour

// Material is one version of one asset type of a title. The asset type and
// variant (a language, or a source type and language for earlier
// deliveries) name a slot; versions of a slot count up from 1 and only the
// newest may be downloaded.
type Material struct {
	ID          string // MaterialID(MovieID, AssetType, Variant, Version)
	MovieID     int64
	AssetType   AssetType
	Variant     string
	Version     int
	FileName    string
	Size        int64
	SHA256      string // hex
	ContentType string
	Key         string // blob key
	QC          MaterialQC
	DeliveredAt time.Time          // when it was delivered and processed into openlot
	QCUpdatedAt time.Time          // when its QC label last changed
	QCChanges   []MaterialQCChange // every change of its QC label, oldest first
	AddedBy     string
	Note        string
	Transfer    string // for earlier deliveries: the transfer it came from

	// Technical metadata of an audio or video file, read when the material
	// was added (SetMedia); zero for other files (scripts, text subtitles).
	Duration   float64 // seconds
	VideoCodec string  // of the first video stream; "" for audio alone
	Width      int
	Height     int
	FrameRate  float64         // frames per second, e.g. 23.976
	Audio      []MaterialAudio // each audio stream, in file order
	Subtitles  []string        // the language of each subtitle stream in the file ("" when untagged)

	Rev int64 // store version, for conditional updates
}

// MaterialAudio is one audio stream of a material.
type MaterialAudio struct {
	Codec    string
	Channels int
	Layout   string // e.g. stereo, 5.1(side)
	Language string // as tagged in the file (ISO 639-2, e.g. eng); "" when untagged
}

// SetMedia records what probing the material's file read: its length, its
// first video stream, and every audio and subtitle stream.
func (m *Material) SetMedia(info MediaInfo) {
	m.Duration = info.Duration
	m.VideoCodec, m.Width, m.Height, m.FrameRate = "", 0, 0, 0
	if len(info.Video) > 0 {
		v := info.Video[0]
		m.VideoCodec, m.Width, m.Height, m.FrameRate = v.Codec, v.Width, v.Height, v.FrameRate
		if m.Duration == 0 {
			m.Duration = v.Duration
		}
	}
	m.Audio = nil
	for _, a := range info.Audio {
		m.Audio = append(m.Audio, MaterialAudio{Codec: a.Codec, Channels: a.Channels, Layout: a.Layout, Language: a.Language})
		if m.Duration == 0 {
			m.Duration = a.Duration
		}
	}
	m.Subtitles = nil
	for _, t := range info.Subtitles {
		m.Subtitles = append(m.Subtitles, t.Language)
	}
}

// HasMedia reports whether the material's technical metadata was read.
func (m *Material) HasMedia() bool { return m.VideoCodec != "" || len(m.Audio) > 0 }

// Video reports whether the material is a video file (it can be previewed).
func (m *Material) Video() bool { return m.VideoCodec != "" }

// Languages are the languages tagged on the material's audio, then
// subtitle streams, each once, in file order.
func (m *Material) Languages() []string {
	var out []string
	add := func(l string) {
		if l != "" && l != "und" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	for _, a := range m.Audio {
		add(a.Language)
	}
	for _, l := range m.Subtitles {
		add(l)
	}
	return out
}

var variantPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$`)

// CheckVariant accepts empty or up to 40 letters, digits, _ and - (es,
// pt-BR, AV_MUXED-es).
func CheckVariant(v string) error {
	if v != "" && !variantPattern.MatchString(v) {
		return Errorf(CodeInvalid, "variant %q may hold only up to 40 letters, digits, _ and -", truncate(v, 40))
	}
	return nil
}

// MaterialID names version v of a slot: movie.TYPE[.variant].vN. Versions of
// a slot can therefore be created at most once, which stores enforce with
// a create-if-absent write, so two studio users adding at once never share
// a version.
func MaterialID(movie int64, t AssetType, variant string, v int) string {
	if variant == "" {
		return fmt.Sprintf("%d.%s.v%d", movie, t, v)
	}
	return fmt.Sprintf("%d.%s.%s.v%d", movie, t, variant, v)
}

// ParseMaterialID splits a material ID; it fails with CodeInvalid.
func ParseMaterialID(id string) (movie int64, t AssetType, variant string, v int, err error) {
	bad := Errorf(CodeInvalid, "material ID %.60q is not of the form movie.ASSET_TYPE[.variant].vN", id)
	parts := strings.Split(id, ".")
	if len(parts) != 3 && len(parts) != 4 {
		return 0, "", "", 0, bad
	}
	if movie, err = strconv.ParseInt(parts[0], 10, 64); err != nil || movie <= 0 {
		return 0, "", "", 0, bad
	}
	t = AssetType(parts[1])
	if !slices.Contains(AssetTypes, t) {
		return 0, "", "", 0, bad
	}
	last := parts[len(parts)-1]
	if v, err = strconv.Atoi(strings.TrimPrefix(last, "v")); err != nil || !strings.HasPrefix(last, "v") || v < 1 || v > 1_000_000 {
		return 0, "", "", 0, bad
	}
	if len(parts) == 4 {
		variant = parts[2]
		if CheckVariant(variant) != nil || variant == "" {
			return 0, "", "", 0, bad
		}
	}
	return movie, t, variant, v, nil
}

// Slot is the asset type and variant of a material: what versions supersede.
func (m *Material) Slot() string {
	if m.Variant == "" {
		return string(m.AssetType)
	}
	return string(m.AssetType) + "." + m.Variant
}

// UpdatedAt is when m last changed for a partner: when it was delivered,
// or when its QC label last changed, whichever is later.
func (m *Material) UpdatedAt() time.Time {
	if m.QCUpdatedAt.After(m.DeliveredAt) {
		return m.QCUpdatedAt
	}
	return m.DeliveredAt
}

// NewlyAdded reports whether m was delivered, or its QC label changed,
// within NewlyAddedFor of now.
func (m *Material) NewlyAdded(now time.Time) bool {
	last := m.UpdatedAt()
	return !last.IsZero() && now.Sub(last) < NewlyAddedFor
}

// DeliveryVariant names the slot of file number file (from 1) of a
// processed delivery for a request of source type st and language: the
// source type, the language, and for the second file on its number
// (SUBTITLE-es, SUBTITLE-es-f2). A name that would not be a variant falls
// back to the source type alone. Material.Language reads it back.
func DeliveryVariant(st SourceType, language string, file int) string {
	v := string(st)
	if language != "" {
		v += "-" + language
	}
	if file > 1 {
		v += fmt.Sprintf("-f%d", file)
	}
	if len(v) > 40 || CheckVariant(v) != nil {
		return string(st)
	}
	return v
}

var fileSuffix = regexp.MustCompile(`-f[0-9]+$`)

// Language is the language of m's slot: its variant, or for an earlier
// delivery the language DeliveryVariant put in it; "" when it has none.
func (m *Material) Language() string {
	if m.AssetType != AssetDelivery {
		return m.Variant
	}
	_, lang, _ := strings.Cut(fileSuffix.ReplaceAllString(m.Variant, ""), "-") // source type codes hold no "-"
	return lang
}

// Newest keeps, of each slot of each title, the newest version; the result
// is ordered by title, asset type (display order), variant.
func Newest(ms []*Material) []*Material {
	best := map[string]*Material{}
	for _, m := range ms {
		k := strconv.FormatInt(m.MovieID, 10) + "/" + m.Slot()
		if b := best[k]; b == nil || m.Version > b.Version {
			best[k] = m
		}
	}
	out := make([]*Material, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	SortMaterials(out)
	return out
}

// SortMaterials orders by title, asset type (display order), variant, and
// newest version first.
func SortMaterials(ms []*Material) {
	slices.SortFunc(ms, func(a, b *Material) int {
		if c := CompareSlots(a, b); c != 0 {
			return c
		}
		return b.Version - a.Version
	})
}

// CompareSlots orders the slots of a and b by title, asset type (display
// order) and variant, whatever their versions: <0 when a's slot comes first.
func CompareSlots(a, b *Material) int {
	if a.MovieID != b.MovieID {
		return cmpInt(a.MovieID, b.MovieID)
	}
	if a.AssetType != b.AssetType {
		return slices.Index(AssetTypes, a.AssetType) - slices.Index(AssetTypes, b.AssetType)
	}
	return strings.Compare(a.Variant, b.Variant)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Download is one download of one material version by one user: started
// when the URL was handed out, completed only when every byte reached the
// client (the blob server or the storage access log saw all of it, or the
// client reported the matching SHA-256).
type Download struct {
	ID          string
	MaterialID  string
	MovieID     int64
	AssetType   AssetType
	Variant     string
	Version     int
	User        string
	UserName    string
	Partner     string // the user's partner; empty for studio and QC operators
	Key         string // the blob handed out (a watermarked proxy's own blob for proxies)
	Size        int64
	SHA256      string // hex, of the blob handed out
	Proxy       string // the watermarked proxy's ID, when one was handed out
	Code        string // its watermark code
	StartedAt   time.Time
	CompletedAt time.Time
	CompletedBy string  // blob-server, access-log or client
	Served      []Range // byte ranges seen served (blob server), merged
	BytesSent   int64   // bytes the storage access log counted, over every request
	Rev         int64
}

// Range is a half-open byte range [From, To).
type Range struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// Completed reports whether every byte reached the client.
func (d *Download) Completed() bool { return !d.CompletedAt.IsZero() }

// Ways a download is proven complete.
const (
	CompletedByBlobServer = "blob-server"
	CompletedByAccessLog  = "access-log"
	CompletedByClient     = "client"
)

// Serve records that [from, to) was served (the download completes when the
// ranges cover it); it reports whether the download changed.
func (d *Download) Serve(from, to int64, at time.Time) bool {
	if d.Completed() || to <= from {
		return false
	}
	d.Served = MergeRanges(append(d.Served, Range{from, to}))
	if len(d.Served) == 1 && d.Served[0].From <= 0 && d.Served[0].To >= d.Size {
		d.complete(at, CompletedByBlobServer)
	}
	return true
}

// Sent records n more bytes counted by the storage access log (the
// download completes when the sum reaches its size); it reports whether
// the download changed.
func (d *Download) Sent(n int64, at time.Time) bool {
	if d.Completed() || n <= 0 {
		return false
	}
	d.BytesSent += n
	if d.BytesSent >= d.Size {
		d.complete(at, CompletedByAccessLog)
	}
	return true
}

// Confirm completes the download when the client's SHA-256 (hex) matches;
// otherwise it fails with checksum_mismatch.
func (d *Download) Confirm(sha256hex string, at time.Time) error {
	if !strings.EqualFold(strings.TrimSpace(sha256hex), d.SHA256) {
		return Errorf(CodeChecksumMismatch, "the SHA-256 you computed does not match version %d of this material; download it again", d.Version)
	}
	if !d.Completed() {
		d.complete(at, CompletedByClient)
	}
	return nil
}

func (d *Download) complete(at time.Time, by string) {
	d.CompletedAt, d.CompletedBy = at, by
	d.Served = nil
}

// MergeRanges sorts ranges and joins those that overlap or touch.
func MergeRanges(rs []Range) []Range {
	slices.SortFunc(rs, func(a, b Range) int { return cmpInt(a.From, b.From) })
	out := rs[:0]
	for _, r := range rs {
		if r.To <= r.From {
			continue
		}
		if n := len(out); n > 0 && r.From <= out[n-1].To {
			out[n-1].To = max(out[n-1].To, r.To)
			continue
		}
		out = append(out, r)
	}
	return out
}

// ProxyState is where a watermarked proxy stands.
type ProxyState string

const (
	ProxyPooled     ProxyState = "POOLED"     // made in advance with its own code; not yet handed to anyone
	ProxyProcessing ProxyState = "PROCESSING" // being made on demand for one user
	ProxyReady      ProxyState = "READY"      // belongs to one user, downloadable
	ProxyFailed     ProxyState = "FAILED"     // making it failed; asking again starts over
)

// Proxy is a watermarked rendition of a proxy-video material for one user:
// taken from the title's pool made in advance, or made on demand when the
// pool is empty. Its code, burned into the picture, is recorded with every
// download, so a leaked copy can be traced.
type Proxy struct {
	ID         string
	MaterialID string
	MovieID    int64
	State      ProxyState
	Code       string
	Key        string // blob key of the watermarked file
	Size       int64
	SHA256     string
	User       string
	UserName   string
	Email      string // where "ready" goes, for proxies made on demand
	Partner    string
	Attempt    int // on-demand attempts; the flow's execution name carries it
	CreatedAt  time.Time
	AssignedAt time.Time
	ReadyAt    time.Time
	Error      string
	Rev        int64
}

// PooledProxyID names the n-th proxy made in advance for a material.
func PooledProxyID(materialID string, n int) string { return fmt.Sprintf("%s.p%d", materialID, n) }

// UserProxyID names the proxy made on demand for one user: one per user and
// material, so asking twice while it is made starts nothing new.
func UserProxyID(materialID, userKey string) string { return materialID + ".u" + userKey }

// Materials holds materials, their watermarked proxies and their downloads.
type Materials interface {
	// CreateMaterial stores a new material version; conflict when it exists.
	CreateMaterial(ctx context.Context, m *Material) error
	// GetMaterial fails with not_found when there is no such material.
	GetMaterial(ctx context.Context, id string) (*Material, error)
	// UpdateMaterial changes a material in one conditional write (conflict
	// when another change came first); fn reports whether it changed.
	UpdateMaterial(ctx context.Context, id string, fn func(*Material) (bool, error)) (*Material, error)
	// ListMaterials returns every version of every slot of a title.
	ListMaterials(ctx context.Context, movieID int64) ([]*Material, error)

	// CreateProxy stores a new proxy; conflict when its ID exists.
	CreateProxy(ctx context.Context, p *Proxy) error
	GetProxy(ctx context.Context, id string) (*Proxy, error)
	UpdateProxy(ctx context.Context, id string, fn func(*Proxy) (bool, error)) (*Proxy, error)
	// ListProxies returns a material's proxies by ID.
	ListProxies(ctx context.Context, materialID string) ([]*Proxy, error)

	// CreateDownload stores a new download; conflict when its ID exists.
	CreateDownload(ctx context.Context, d *Download) error
	GetDownload(ctx context.Context, id string) (*Download, error)
	UpdateDownload(ctx context.Context, id string, fn func(*Download) (bool, error)) (*Download, error)
	// ListDownloads returns the downloads of a title's materials by the users
	// of one partner ("" for studio and QC operators), oldest first.
	ListDownloads(ctx context.Context, movieID int64, partner string) ([]*Download, error)
}
