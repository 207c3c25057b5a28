package portal

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/delivery"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// Material groups of the Download Materials page.
const (
	GroupAll        = "all"        // every asset type, with or without files
	GroupAvailable  = "available"  // what may be downloaded now
	GroupDownloaded = "downloaded" // what the caller started or finished downloading (newest versions)
	GroupNew        = "new"        // delivered or QC-updated in the last 7 days
)

// MaxMaterialRequests bounds a bulk materials listing.
const MaxMaterialRequests = 100

// DownloadURLTTL is how long a download URL lives; asking again gives a new one.
const DownloadURLTTL = 6 * time.Hour

// MaterialsQuery selects what the materials page lists.
type MaterialsQuery struct {
	Requests  []string // one (details page) or many (bulk)
	Group     string   // GroupAll (default), GroupAvailable, GroupDownloaded, GroupNew
	AssetType lot.AssetType
}

// MaterialItem is the newest version of one slot of one title, with what
// the caller needs to know about it.
type MaterialItem struct {
	Material   *lot.Material
	Title      string
	NewlyAdded bool
	Mine       *lot.Download // the caller's latest download of this version, if any
	Proxy      *lot.Proxy    // the caller's watermarked proxy (proxy video), if any
}

// AssetGroup is one asset type with its items; Count 0 means nothing to download.
type AssetGroup struct {
	AssetType lot.AssetType
	Items     []MaterialItem
}

// MaterialsView is the materials page: every asset type, in display order.
type MaterialsView struct {
	Titles []*lot.Title
	Groups []AssetGroup
}

// Library are the use cases of materials: the files of a title partners
// may download (added by studio operators, or earlier deliveries once
// processed), their versions, the downloads, and the watermarked proxies
// partners get of proxy videos (made in advance for a pool, or on demand).
type Library struct {
	*Deps
	tenancy *Tenancy       // a material is visible with a request of its title
	notes   *Notifications // proxy-ready mail
}

// NewLibrary returns the material use cases over d.
func NewLibrary(d *Deps, tenancy *Tenancy, notes *Notifications) *Library {
	return &Library{Deps: d, tenancy: tenancy, notes: notes}
}

func parseGroup(g string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(g)) {
	case "", GroupAll:
		return GroupAll, nil
	case GroupAvailable, GroupDownloaded, GroupNew:
		return strings.ToLower(strings.TrimSpace(g)), nil
	}
	return "", lot.Errorf(lot.CodeInvalid, "group %.20q is not one of all, available, downloaded, new", g)
}

// Materials lists the materials of the titles of the given requests.
// Requests the caller may not see answer not_found.
func (s *Library) Materials(ctx context.Context, p lot.Principal, q MaterialsQuery) (*MaterialsView, error) {
	group, err := parseGroup(q.Group)
	if err != nil {
		return nil, err
	}
	if len(q.Requests) == 0 || len(q.Requests) > MaxMaterialRequests {
		return nil, lot.Errorf(lot.CodeInvalid, "name 1 to %d requests", MaxMaterialRequests)
	}
	view := &MaterialsView{}
	var movies []int64
	for _, id := range q.Requests {
		r, err := s.tenancy.visible(ctx, p, id)
		if err != nil {
			return nil, err
		}
		if slices.Contains(movies, r.MovieID) {
			continue
		}
		movies = append(movies, r.MovieID)
		t, err := s.Store.GetTitle(ctx, r.MovieID)
		if err != nil {
			if !lot.IsCode(err, lot.CodeNotFound) {
				return nil, err
			}
			t = &lot.Title{MovieID: r.MovieID, Name: r.TitleName}
		}
		view.Titles = append(view.Titles, t)
	}
	now := s.Clock.Now()
	byType := map[lot.AssetType][]MaterialItem{}
	for _, t := range view.Titles {
		items, err := s.titleMaterials(ctx, p, t, now)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if q.AssetType != "" && it.Material.AssetType != q.AssetType || !inGroup(it, group) {
				continue
			}
			byType[it.Material.AssetType] = append(byType[it.Material.AssetType], it)
		}
	}
	for _, at := range lot.AssetTypes {
		if q.AssetType == "" || q.AssetType == at {
			view.Groups = append(view.Groups, AssetGroup{AssetType: at, Items: byType[at]})
		}
	}
	return view, nil
}

func inGroup(it MaterialItem, group string) bool {
	switch group {
	case GroupDownloaded:
		return it.Mine != nil || it.Proxy != nil && it.Proxy.State == lot.ProxyProcessing
	case GroupNew:
		return it.NewlyAdded
	}
	return true // all and available: only newest versions are listed, and each may be downloaded
}

// titleMaterials returns the newest version of each slot of a title with
// the caller's downloads and proxies.
func (s *Library) titleMaterials(ctx context.Context, p lot.Principal, t *lot.Title, now time.Time) ([]MaterialItem, error) {
	all, err := s.Store.ListMaterials(ctx, t.MovieID)
	if err != nil {
		return nil, err
	}
	newest := lot.Newest(all)
	if len(newest) == 0 {
		return nil, nil
	}
	downloads, err := s.Store.ListDownloads(ctx, t.MovieID, p.Partner)
	if err != nil {
		return nil, err
	}
	items := make([]MaterialItem, 0, len(newest))
	for _, m := range newest {
		it := MaterialItem{Material: m, Title: t.Name, NewlyAdded: m.NewlyAdded(now)}
		for _, d := range downloads { // oldest first: the last one of this version wins, a completed one over a started one
			if d.MaterialID == m.ID && d.User == p.Subject && (it.Mine == nil || !it.Mine.Completed() || d.Completed()) {
				it.Mine = d
			}
		}
		if m.AssetType.Watermarked() && !p.Internal() {
			if it.Proxy, _, err = s.userProxy(ctx, m, p); err != nil {
				return nil, err
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// userProxy returns the caller's proxy of m, if there is one, and, when it
// had to look, m's proxies (the pool among them). One made on demand is
// read by its ID (strongly consistent: a second ask a moment later finds
// it); one taken from the pool is found in the list.
func (s *Library) userProxy(ctx context.Context, m *lot.Material, p lot.Principal) (*lot.Proxy, []*lot.Proxy, error) {
	px, err := s.Store.GetProxy(ctx, lot.UserProxyID(m.ID, userKey(p)))
	if err == nil {
		return px, nil, nil
	}
	if !lot.IsCode(err, lot.CodeNotFound) {
		return nil, nil, err
	}
	list, err := s.Store.ListProxies(ctx, m.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, px := range list {
		if px.User == p.Subject && px.State == lot.ProxyReady {
			return px, list, nil
		}
	}
	return nil, list, nil
}

// userKey is a short stable name for a user, safe in IDs and execution names.
func userKey(p lot.Principal) string {
	h := sha256.Sum256([]byte(p.Partner + "\x00" + p.Subject))
	return hex.EncodeToString(h[:6])
}

// material loads a material the caller may see: its title must be the
// title of a request in the caller's scope. Others answer not_found.
func (s *Library) material(ctx context.Context, p lot.Principal, id string) (*lot.Material, error) {
	if _, _, _, _, err := lot.ParseMaterialID(id); err != nil {
		return nil, err
	}
	m, err := s.Store.GetMaterial(ctx, id)
	if lot.IsCode(err, lot.CodeNotFound) {
		return nil, errNoMaterial
	}
	if err != nil {
		return nil, err
	}
	if !p.Internal() {
		var has bool
		if err := s.tenancy.withIndex(ctx, p, func(x *search.Index) error {
			has = x.HasMovie(m.MovieID)
			return nil
		}); err != nil {
			return nil, err
		}
		if !has {
			return nil, errNoMaterial
		}
	}
	return m, nil
}

var errNoMaterial = &lot.Error{Code: lot.CodeNotFound, Message: "no such material"}

// MaterialHistory returns every version of the material's slot, newest first.
func (s *Library) MaterialHistory(ctx context.Context, p lot.Principal, id string) ([]*lot.Material, error) {
	m, err := s.material(ctx, p, id)
	if err != nil {
		return nil, err
	}
	all, err := s.Store.ListMaterials(ctx, m.MovieID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, v := range all {
		if v.Slot() == m.Slot() {
			out = append(out, v)
		}
	}
	lot.SortMaterials(out)
	return out, nil
}

// NewMaterial is a file a studio operator adds as the next version of a
// slot; the file is already stored under Upload (see MaterialUploadURL).
type NewMaterial struct {
	MovieID     int64
	AssetType   lot.AssetType
	Variant     string
	FileName    string
	SHA256      string // hex; the stored file must have it
	ContentType string
	QC          lot.MaterialQC // audio types only; default QC Pending
	Note        string
	Upload      string // the key MaterialUploadURL handed out
}

// MaterialUploadURLTTL is how long a material-upload URL may start an upload.
const MaterialUploadURLTTL = time.Hour

// MaxMaterialSize is the largest material file one PUT uploads (S3's limit).
const MaxMaterialSize = 5 << 30

// MaterialUploadURL hands a studio operator a URL to upload a material file
// in one PUT; AddMaterial then makes it a version. The URL takes only that
// file (size bytes, SHA-256 sha256Hex), for MaterialUploadURLTTL, and
// only once: it cannot overwrite what is stored under its key, so a
// registered version's bytes never change. It fails with invalid for a bad
// name, size or checksum, and forbidden for anyone but studio operators.
func (s *Library) MaterialUploadURL(ctx context.Context, p lot.Principal, fileName, contentType string, size int64, sha256Hex string) (string, lot.SignedURL, error) {
	if p.Role != lot.RoleStudio {
		return "", lot.SignedURL{}, lot.Errorf(lot.CodeForbidden, "only studio operators add materials")
	}
	if s.Blobs == nil {
		return "", lot.SignedURL{}, &lot.Error{Code: lot.CodeUnavailable, Message: "file storage is not configured"}
	}
	if _, err := delivery.CheckName(fileName); err != nil {
		return "", lot.SignedURL{}, err
	}
	if size <= 0 || size > MaxMaterialSize {
		return "", lot.SignedURL{}, lot.Errorf(lot.CodeInvalid, "size must be the file's length in bytes, from 1 to %d", int64(MaxMaterialSize))
	}
	sum, err := delivery.CheckSum(sha256Hex)
	if err != nil || sum == "" {
		return "", lot.SignedURL{}, lot.Errorf(lot.CodeInvalid, "sha256 must be the 64 hex digits of the file's SHA-256")
	}
	raw, _ := hex.DecodeString(sum)
	key := "materials/uploads/" + s.IDs.NewID() + "/file"
	u, err := s.Blobs.PresignPut(ctx, key, lot.PutOptions{ContentType: contentType, Expires: MaterialUploadURLTTL,
		SHA256: base64.StdEncoding.EncodeToString(raw), Size: size, CreateOnly: true})
	return key, u, err
}

// AddMaterial makes a stored file the next version of its slot: the new
// version supersedes the old one (only it may be downloaded) and clears
// "Downloaded" for it, since downloads count per version.
func (s *Library) AddMaterial(ctx context.Context, p lot.Principal, n NewMaterial) (*lot.Material, error) {
	if p.Role != lot.RoleStudio {
		return nil, lot.Errorf(lot.CodeForbidden, "only studio operators add materials")
	}
	if s.Blobs == nil {
		return nil, &lot.Error{Code: lot.CodeUnavailable, Message: "file storage is not configured"}
	}
	if n.AssetType == lot.AssetDelivery {
		return nil, lot.Errorf(lot.CodeInvalid, "earlier deliveries become materials when they are processed; they are not added by hand")
	}
	if err := lot.CheckVariant(n.Variant); err != nil {
		return nil, err
	}
	name, err := delivery.CheckName(n.FileName)
	if err != nil {
		return nil, err
	}
	if n.SHA256, err = delivery.CheckSum(n.SHA256); err != nil || n.SHA256 == "" {
		return nil, lot.Errorf(lot.CodeInvalid, "sha256 must be the 64 hex digits of the file's SHA-256")
	}
	if n.QC != "" && !n.AssetType.Audio() {
		return nil, lot.Errorf(lot.CodeInvalid, "only audio materials carry a QC label")
	}
	if n.AssetType.Audio() && n.QC == "" {
		n.QC = lot.MaterialQCPending
	}
	if len(n.Note) > 1000 {
		return nil, lot.Errorf(lot.CodeInvalid, "a note is at most 1000 characters")
	}
	if !strings.HasPrefix(n.Upload, "materials/uploads/") || lot.CheckBlobKey(n.Upload) != nil {
		return nil, lot.Errorf(lot.CodeInvalid, "upload must be a key handed out by POST /v1/materials/uploads")
	}
	if _, err := s.Store.GetTitle(ctx, n.MovieID); err != nil {
		return nil, notFoundAsInvalid(err, "there is no title %d", n.MovieID)
	}
	info, err := s.Blobs.Head(ctx, n.Upload)
	if lot.IsCode(err, lot.CodeNotFound) {
		return nil, lot.Errorf(lot.CodeInvalid, "nothing was uploaded under %s", n.Upload)
	}
	if err != nil {
		return nil, err
	}
	sum, err := BlobSHA256(ctx, s.Blobs, n.Upload)
	if err != nil {
		return nil, err
	}
	if sum != n.SHA256 {
		return nil, lot.Errorf(lot.CodeChecksumMismatch, "the uploaded file's SHA-256 is %s, not the one given", sum)
	}
	m := &lot.Material{MovieID: n.MovieID, AssetType: n.AssetType, Variant: n.Variant, FileName: name, Size: info.Size,
		SHA256: sum, ContentType: firstNonEmpty(n.ContentType, info.ContentType, "application/octet-stream"), Key: n.Upload,
		QC: n.QC, DeliveredAt: s.Clock.Now().UTC(), AddedBy: p.Subject, Note: n.Note}
	if m.QC != "" {
		m.QCUpdatedAt = m.DeliveredAt
	}
	s.probeMaterial(ctx, m)
	if err := s.createVersion(ctx, m); err != nil {
		return nil, err
	}
	if m.AssetType.Watermarked() {
		if err := s.FillPool(ctx, m, s.poolSize()); err != nil { // the version stands; partners get proxies made on demand
			s.Log.ErrorContext(ctx, "fill proxy pool", "material", m.ID, "err", err)
		}
	}
	s.markAvailable(ctx, m.MovieID)
	return m, nil
}

// markAvailable marks the materials available on every open request of
// title movie that the title now has every material for (by its source
// type, lot.SourceType.MaterialsNeeded), as openlot, with the types named
// in the request's history. It is best effort: the material stands, and a
// request it could not mark is logged (a studio operator can mark it).
func (s *Library) markAvailable(ctx context.Context, movie int64) {
	ms, err := s.Store.ListMaterials(ctx, movie)
	if err != nil {
		s.Log.WarnContext(ctx, "materials available: list materials", "movie", movie, "err", err)
		return
	}
	have := map[lot.AssetType]bool{}
	for _, m := range ms {
		have[m.AssetType] = true
	}
	var due []*lot.Request
	studio := lot.Principal{Subject: lot.System.Subject, Role: lot.RoleStudio} // openlot sees every request
	if err := s.tenancy.withIndex(ctx, studio, func(x *search.Index) error {
		for _, r := range x.Requests() {
			if r.MovieID == movie && r.Status.IsOpen() && !r.MaterialsAvailable && len(r.SourceType.MaterialsNeeded()) > 0 {
				due = append(due, r)
			}
		}
		return nil
	}); err != nil {
		s.Log.WarnContext(ctx, "materials available: requests of the title", "movie", movie, "err", err)
		return
	}
	a := lot.Act{By: lot.System, At: s.Clock.Now().UTC()}
	for _, r := range due {
		needs := r.SourceType.MaterialsNeeded()
		names := make([]string, len(needs))
		complete := true
		for i, t := range needs {
			names[i], complete = t.Name(), complete && have[t]
		}
		if !complete {
			continue
		}
		why := "the title has the materials a " + r.SourceType.Name() + " request needs: " + strings.Join(names, ", ")
		if _, err := s.Store.UpdateRequest(ctx, r.ID, func(x *lot.Request) error {
			if !x.Status.IsOpen() {
				return nil // closed meanwhile
			}
			return x.SetMaterialsAvailable(a, true, why)
		}); err != nil {
			s.Log.WarnContext(ctx, "materials available: mark", "request", r.ID, "err", err)
		}
	}
}

// probeMaterial reads the technical metadata of m's stored file into m
// (ffprobe through a signed URL). A file that is not audio or video keeps
// none; a probe that cannot run is logged and the material stands without
// it (the API functions on AWS read no media: their Media says so).
func (s *Library) probeMaterial(ctx context.Context, m *lot.Material) {
	if s.Media == nil {
		return
	}
	u, err := s.Blobs.PresignGet(ctx, m.Key, lot.GetOptions{Expires: 10 * time.Minute})
	if err != nil {
		s.Log.WarnContext(ctx, "material metadata", "key", m.Key, "err", err)
		return
	}
	info, err := s.Media.Probe(ctx, u.URL)
	switch {
	case errors.Is(err, lot.ErrUnreadableMedia):
		return // a script, a text subtitle: no media to describe
	case err != nil:
		s.Log.WarnContext(ctx, "material metadata", "key", m.Key, "err", err)
		return
	}
	m.SetMedia(info)
}

func (s *Library) poolSize() int {
	if s.PoolSize != 0 {
		return max(s.PoolSize, 0)
	}
	return 2
}

// createVersion stores m as the next version of its slot, trying again when
// another version was created meanwhile.
func (s *Library) createVersion(ctx context.Context, m *lot.Material) error {
	for range 5 {
		all, err := s.Store.ListMaterials(ctx, m.MovieID)
		if err != nil {
			return err
		}
		m.Version = 1
		for _, v := range all {
			if v.Slot() == m.Slot() && v.Version >= m.Version {
				m.Version = v.Version + 1
			}
		}
		m.ID = lot.MaterialID(m.MovieID, m.AssetType, m.Variant, m.Version)
		if err = s.Store.CreateMaterial(ctx, m); !lot.IsCode(err, lot.CodeConflict) {
			return err
		}
	}
	return lot.Errorf(lot.CodeConflict, "other versions of this asset type were added meanwhile; try again")
}

// SetMaterialQC sets the QC label of an audio material (studio and QC operators).
func (s *Library) SetMaterialQC(ctx context.Context, p lot.Principal, id string, qc lot.MaterialQC) (*lot.Material, error) {
	if !p.Internal() {
		return nil, lot.Errorf(lot.CodeForbidden, "only studio and QC operators set QC labels")
	}
	m, err := s.material(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !m.AssetType.Audio() {
		return nil, lot.Errorf(lot.CodeInvalid, "only audio materials carry a QC label")
	}
	a := lot.Act{By: p, At: s.Clock.Now().UTC()}
	return s.Store.UpdateMaterial(ctx, id, func(m *lot.Material) (bool, error) { return m.SetQC(a, qc), nil })
}

// DownloadStart is the answer to a download request: a URL to fetch, or a
// proxy being made (Processing) whose URL comes when it is ready.
type DownloadStart struct {
	Material *lot.Material // the version asked for
	Download *lot.Download // nil while Processing
	URL      lot.SignedURL
	FileName string // what the URL names the file: the material's, or for a proxy with its code
	Proxy    *lot.Proxy
}

// StartDownload hands the caller a signed, expiring URL for the newest
// version of a material and records the download as started. Partners get
// their own watermarked proxy of proxy videos: one from the title's pool,
// or, when the pool is empty, one made on demand (Processing).
func (s *Library) StartDownload(ctx context.Context, p lot.Principal, id string) (*DownloadStart, error) {
	if err := s.mayDownload(); err != nil {
		return nil, err
	}
	m, err := s.material(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkNewest(ctx, m); err != nil {
		return nil, err
	}
	d := &lot.Download{ID: s.IDs.NewID(), MaterialID: m.ID, MovieID: m.MovieID, AssetType: m.AssetType, Variant: m.Variant,
		Version: m.Version, User: p.Subject, UserName: p.Name, Partner: p.Partner, Key: m.Key, Size: m.Size, SHA256: m.SHA256,
		StartedAt: s.Clock.Now().UTC()}
	fileName := m.FileName
	if m.AssetType.Watermarked() && !p.Internal() {
		px, err := s.proxyFor(ctx, p, m)
		if err != nil {
			return nil, err
		}
		if px.State != lot.ProxyReady {
			return &DownloadStart{Material: m, Proxy: px}, nil
		}
		d.Key, d.Size, d.SHA256, d.Proxy, d.Code = px.Key, px.Size, px.SHA256, px.ID, px.Code
		fileName = strings.TrimSuffix(m.FileName, path.Ext(m.FileName)) + "_" + px.Code + path.Ext(px.Key)
	}
	if err := s.Store.CreateDownload(ctx, d); err != nil {
		return nil, err
	}
	u, err := s.Blobs.PresignGet(ctx, d.Key, lot.GetOptions{Filename: fileName, Expires: DownloadURLTTL, Tag: d.ID})
	if err != nil {
		return nil, err
	}
	return &DownloadStart{Material: m, Download: d, URL: u, FileName: fileName}, nil
}

// PreviewURLTTL is how long a preview URL lives: a working day of playing.
const PreviewURLTTL = 8 * time.Hour

// Preview hands the caller a signed URL to play the newest version of a
// video material in the browser: the stored file, or for a partner and a
// proxy video their own watermarked proxy (the one a download hands out,
// made on demand when the pool is empty: Processing, then an email). A
// preview records no download. A material that is not video answers
// invalid.
func (s *Library) Preview(ctx context.Context, p lot.Principal, id string) (*DownloadStart, error) {
	if err := s.mayDownload(); err != nil {
		return nil, err
	}
	m, err := s.material(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !m.Video() && !strings.HasPrefix(m.ContentType, "video/") {
		return nil, lot.Errorf(lot.CodeInvalid, "%s is not a video; only videos can be previewed", m.FileName)
	}
	if err := s.checkNewest(ctx, m); err != nil {
		return nil, err
	}
	key := m.Key
	var px *lot.Proxy
	if m.AssetType.Watermarked() && !p.Internal() {
		if px, err = s.proxyFor(ctx, p, m); err != nil {
			return nil, err
		}
		if px.State != lot.ProxyReady {
			return &DownloadStart{Proxy: px}, nil
		}
		key = px.Key
	}
	u, err := s.Blobs.PresignGet(ctx, key, lot.GetOptions{Expires: PreviewURLTTL})
	if err != nil {
		return nil, err
	}
	return &DownloadStart{URL: u, Proxy: px}, nil
}

// mayDownload returns unavailable when there is no file storage to
// download from; everyone who sees a request may download its title's
// materials.
func (s *Deps) mayDownload() error {
	if s.Blobs == nil {
		return &lot.Error{Code: lot.CodeUnavailable, Message: "file storage is not configured"}
	}
	return nil
}

// checkNewest refuses superseded versions: only the newest may be downloaded.
func (s *Library) checkNewest(ctx context.Context, m *lot.Material) error {
	all, err := s.Store.ListMaterials(ctx, m.MovieID)
	if err != nil {
		return err
	}
	for _, v := range all {
		if v.Slot() == m.Slot() && v.Version > m.Version {
			return lot.Errorf(lot.CodeNotAllowed, "version %d of this %s was superseded by version %d (%s); only the newest may be downloaded",
				m.Version, m.AssetType.Name(), v.Version, v.ID)
		}
	}
	return nil
}

// proxyFor returns the caller's watermarked proxy of m: one they already
// have, else one claimed from the pool, else one started on demand. Asking
// again while it is made answers the same Processing proxy.
func (s *Library) proxyFor(ctx context.Context, p lot.Principal, m *lot.Material) (*lot.Proxy, error) {
	mine, pool, err := s.userProxy(ctx, m, p)
	if err != nil {
		return nil, err
	}
	if mine != nil && mine.State != lot.ProxyFailed {
		return mine, nil
	}
	if pool == nil { // a failed proxy of one's own was read alone
		if pool, err = s.Store.ListProxies(ctx, m.ID); err != nil {
			return nil, err
		}
	}
	now := s.Clock.Now().UTC()
	for _, px := range pool {
		if px.State != lot.ProxyPooled {
			continue
		}
		claimed, err := s.Store.UpdateProxy(ctx, px.ID, func(px *lot.Proxy) (bool, error) {
			if px.State != lot.ProxyPooled {
				return false, errTaken
			}
			px.State, px.User, px.UserName, px.Partner, px.AssignedAt = lot.ProxyReady, p.Subject, p.Name, p.Partner, now
			return true, nil
		})
		if errors.Is(err, errTaken) || lot.IsCode(err, lot.CodeConflict) {
			continue // someone else took it first
		}
		return claimed, err
	}
	return s.startProxy(ctx, p, m, mine)
}

var errTaken = errors.New("taken")

// startProxy records a proxy made on demand for the caller and starts the
// watermark flow; a second ask while it runs finds it and starts nothing.
func (s *Library) startProxy(ctx context.Context, p lot.Principal, m *lot.Material, failed *lot.Proxy) (*lot.Proxy, error) {
	if s.Flows == nil || s.Media == nil {
		return nil, &lot.Error{Code: lot.CodeUnavailable, Message: "the proxy pool of this title is empty and making proxies is not configured"}
	}
	id := lot.UserProxyID(m.ID, userKey(p))
	now := s.Clock.Now().UTC()
	var px *lot.Proxy
	var err error
	if failed != nil {
		px, err = s.Store.UpdateProxy(ctx, id, func(px *lot.Proxy) (bool, error) {
			if px.State != lot.ProxyFailed {
				return false, nil
			}
			px.State, px.Attempt, px.Error, px.CreatedAt = lot.ProxyProcessing, px.Attempt+1, "", now
			return true, nil
		})
	} else {
		px = &lot.Proxy{ID: id, MaterialID: m.ID, MovieID: m.MovieID, State: lot.ProxyProcessing, Code: s.watermarkCode(),
			User: p.Subject, UserName: p.Name, Email: p.Email, Partner: p.Partner, Attempt: 1, CreatedAt: now}
		if err = s.Store.CreateProxy(ctx, px); lot.IsCode(err, lot.CodeConflict) {
			return s.Store.GetProxy(ctx, id) // asked twice at once: the first one makes it
		}
	}
	if err != nil {
		return nil, err
	}
	if px.State == lot.ProxyProcessing {
		s.startWatermark(ctx, px)
	}
	return px, nil
}

// DownloadRange records that the blob server sent [from, to) of a tagged
// download; the download completes when every byte was sent.
func (s *Library) DownloadRange(ctx context.Context, id string, from, to int64) {
	s.recordDownload(ctx, id, func(d *lot.Download) bool { return d.Serve(from, to, s.Clock.Now().UTC()) })
}

// DownloadBytes records bytes a storage access log counted for a download.
func (s *Library) DownloadBytes(ctx context.Context, id string, n int64) {
	s.recordDownload(ctx, id, func(d *lot.Download) bool { return d.Sent(n, s.Clock.Now().UTC()) })
}

func (s *Library) recordDownload(ctx context.Context, id string, fn func(*lot.Download) bool) {
	if !lot.ValidID(id) {
		return
	}
	_, err := s.updateDownload(ctx, id, func(d *lot.Download) (bool, error) { return fn(d), nil })
	if err != nil && !lot.IsCode(err, lot.CodeNotFound) {
		s.Log.ErrorContext(ctx, "record download", "download", id, "err", err)
	}
}

// updateDownload applies fn to download id, again on a fresh read when a
// concurrent write won (the blob server counting the last bytes while the
// client reports the file complete): both are openlot's own facts about
// one download, never a user's edit to reload. It fails with conflict only
// after five lost races.
func (s *Library) updateDownload(ctx context.Context, id string, fn func(*lot.Download) (bool, error)) (*lot.Download, error) {
	var d *lot.Download
	var err error
	for range 5 {
		if d, err = s.Store.UpdateDownload(ctx, id, fn); !lot.IsCode(err, lot.CodeConflict) {
			break
		}
	}
	return d, err
}

// CompleteDownload records the client's word that it holds the whole file:
// the SHA-256 it computed must be the one of what it was handed.
func (s *Library) CompleteDownload(ctx context.Context, p lot.Principal, id, sum string) (*lot.Download, error) {
	if !lot.ValidID(id) {
		return nil, lot.Errorf(lot.CodeInvalid, "download ID %.40q is not an openlot ID", id)
	}
	d, err := s.Store.GetDownload(ctx, id)
	if lot.IsCode(err, lot.CodeNotFound) || err == nil && d.User != p.Subject {
		return nil, &lot.Error{Code: lot.CodeNotFound, Message: "no such download"}
	}
	if err != nil {
		return nil, err
	}
	if sum, err = delivery.CheckSum(sum); err != nil || sum == "" {
		return nil, lot.Errorf(lot.CodeInvalid, "sha256 must be the 64 hex digits of the file's SHA-256")
	}
	return s.updateDownload(ctx, id, func(d *lot.Download) (bool, error) {
		was := d.Completed()
		return !was, d.Confirm(sum, s.Clock.Now().UTC())
	})
}

// Downloads is the download history of a material's asset type for the
// caller's partner (everyone's for studio and QC operators' own), newest
// first; mine keeps the caller's own.
func (s *Library) Downloads(ctx context.Context, p lot.Principal, id string, mine bool) ([]*lot.Download, error) {
	m, err := s.material(ctx, p, id)
	if err != nil {
		return nil, err
	}
	all, err := s.Store.ListDownloads(ctx, m.MovieID, p.Partner)
	if err != nil {
		return nil, err
	}
	var out []*lot.Download
	for i := len(all) - 1; i >= 0; i-- {
		d := all[i]
		if d.AssetType == m.AssetType && d.Variant == m.Variant && (!mine || d.User == p.Subject) {
			out = append(out, d)
		}
	}
	return out, nil
}

// deliveryMaterials makes a processed delivery's files materials of its
// title (DeliveryMaterials); failures are logged: the delivery stands
// either way.
func (s *Library) deliveryMaterials(ctx context.Context, t *lot.Transfer, r *lot.Request) {
	if err := s.DeliveryMaterials(ctx, t, r); err != nil {
		s.Log.ErrorContext(ctx, "delivery materials", "transfer", t.ID, "err", err)
	}
}

// DeliveryMaterials makes a processed delivery's files materials of its
// title (asset type Earlier Delivery, one slot per source type, language and
// file), so partners working on the title may download them; a redelivery
// is the slot's next version. They are delivered when the delivery was
// processed. Running again for the same transfer adds nothing. Inspection
// and the studio's verification of an override call it; so does the demo
// for the deliveries it seeds.
func (s *Library) DeliveryMaterials(ctx context.Context, t *lot.Transfer, r *lot.Request) error {
	if t.Status != lot.TransferProcessed {
		return nil
	}
	all, err := s.Store.ListMaterials(ctx, r.MovieID)
	if err != nil {
		return err
	}
	at := t.ProcessedAt
	if at.IsZero() {
		at = s.Clock.Now()
	}
	var errs []error
	for i, f := range t.Files {
		m := &lot.Material{MovieID: r.MovieID, AssetType: lot.AssetDelivery, Variant: lot.DeliveryVariant(r.SourceType, r.Language, i+1),
			FileName: f.Name, Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType, Key: f.Key, DeliveredAt: at.UTC(),
			AddedBy: t.DeliveredBy, Transfer: t.ID, Note: fmt.Sprintf("delivered by %s for request %s", t.FulfillmentPartner, r.ID)}
		if t.Inspection != nil { // inspection probed the file already
			for _, in := range t.Inspection.Files {
				if in.Name == f.Name && in.Media != nil {
					m.SetMedia(*in.Media)
				}
			}
		}
		if slices.ContainsFunc(all, func(o *lot.Material) bool { return o.Transfer == t.ID && o.Slot() == m.Slot() }) {
			continue
		}
		if err := s.createVersion(ctx, m); err != nil {
			errs = append(errs, fmt.Errorf("file %d: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}
