package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
)

// MaterialJSON is one version of one asset type of a title.
type MaterialJSON struct {
	ID            string              `json:"id"`
	MovieID       int64               `json:"movieId"`
	Title         string              `json:"title,omitempty"`
	AssetType     string              `json:"assetType"`
	AssetTypeName string              `json:"assetTypeName"`
	Variant       string              `json:"variant,omitempty" doc:"A language, or for earlier deliveries the source type and language."`
	Version       int                 `json:"version"`
	FileName      string              `json:"fileName"`
	Size          int64               `json:"size"`
	SHA256        string              `json:"sha256"`
	ContentType   string              `json:"contentType"`
	QC            string              `json:"qc,omitempty" doc:"Audio materials: QC_PENDING or READY_FOR_MIX."`
	QCName        string              `json:"qcName,omitempty"`
	NewlyAdded    bool                `json:"newlyAdded" doc:"Delivered or QC-updated in the last 7 days."`
	DeliveredOn   time.Time           `json:"deliveredOn"`
	Note          string              `json:"note,omitempty"`
	Downloaded    *DownloadedAs       `json:"downloaded,omitempty" doc:"The caller's latest download of this version, or the proxy being made."`
	Media         *MediaJSON          `json:"media,omitempty" doc:"Technical metadata of audio and video files, read when the material was added."`
	QCChanges     []QCLabelChangeJSON `json:"qcChanges,omitempty" doc:"Audio materials: every change of the QC label, oldest first (the update history)."`
	Watermarked   bool                `json:"watermarked,omitempty" doc:"The caller receives it (and previews it) as a proxy with their own visible watermark, made on demand when the pool is empty."`
}

// QCLabelChangeJSON is one change of a material's QC label.
type QCLabelChangeJSON struct {
	At       time.Time `json:"at"`
	By       string    `json:"by" doc:"Who changed it (subject)."`
	ByName   string    `json:"byName"`
	From     string    `json:"from,omitempty" doc:"The label before; absent when it had none."`
	FromName string    `json:"fromName,omitempty"`
	To       string    `json:"to"`
	ToName   string    `json:"toName"`
}

// MediaJSON is a material's technical metadata.
type MediaJSON struct {
	Duration   float64          `json:"durationS" doc:"Seconds."`
	VideoCodec string           `json:"videoCodec,omitempty" doc:"Of the first video stream; absent for audio alone."`
	Width      int              `json:"width,omitempty"`
	Height     int              `json:"height,omitempty"`
	FrameRate  float64          `json:"frameRate,omitempty" doc:"Frames per second, e.g. 23.976."`
	Audio      []AudioTrackJSON `json:"audio" doc:"Each audio stream, in file order."`
	Subtitles  []string         `json:"subtitles" doc:"The language of each subtitle stream in the file (\"\" when untagged)."`
	Languages  []string         `json:"languages" doc:"The languages tagged on the audio, then subtitle streams, each once (ISO 639-2, e.g. eng)."`
}

// AudioTrackJSON is one audio stream of a material.
type AudioTrackJSON struct {
	Codec    string `json:"codec"`
	Channels int    `json:"channels"`
	Layout   string `json:"layout,omitempty" doc:"e.g. stereo, 5.1(side)."`
	Language string `json:"language,omitempty"`
}

func mediaJSON(m *lot.Material) *MediaJSON {
	if !m.HasMedia() {
		return nil
	}
	j := &MediaJSON{Duration: m.Duration, VideoCodec: m.VideoCodec, Width: m.Width, Height: m.Height, FrameRate: m.FrameRate,
		Audio: []AudioTrackJSON{}, Subtitles: append([]string{}, m.Subtitles...), Languages: append([]string{}, m.Languages()...)}
	for _, a := range m.Audio {
		j.Audio = append(j.Audio, AudioTrackJSON(a))
	}
	return j
}

// DownloadedAs is the caller's "Downloaded" label: STARTED (a URL was
// handed out), COMPLETED (every byte reached the client) or PROCESSING (a
// watermarked proxy is being made).
type DownloadedAs struct {
	State       string    `json:"state" enum:"STARTED,COMPLETED,PROCESSING"`
	Download    string    `json:"download,omitempty"`
	StartedAt   time.Time `json:"startedAt,omitzero"`
	CompletedAt time.Time `json:"completedAt,omitzero"`
}

// AssetTypeJSON is one asset type of the materials page.
type AssetTypeJSON struct {
	AssetType string         `json:"assetType"`
	Name      string         `json:"name"`
	Count     int            `json:"count" doc:"Files that may be downloaded; 0: nothing available (greyed out)."`
	Materials []MaterialJSON `json:"materials"`
}

// DownloadJSON is one download of a material version.
type DownloadJSON struct {
	ID          string    `json:"id"`
	MaterialID  string    `json:"materialId"`
	AssetType   string    `json:"assetType"`
	Variant     string    `json:"variant,omitempty"`
	Version     int       `json:"version"`
	User        string    `json:"user"`
	UserName    string    `json:"userName,omitempty"`
	State       string    `json:"state" enum:"STARTED,COMPLETED"`
	StartedAt   time.Time `json:"startedAt"`
	CompletedAt time.Time `json:"completedAt,omitzero"`
	CompletedBy string    `json:"completedBy,omitempty" doc:"blob-server, access-log or client."`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Code        string    `json:"code,omitempty" doc:"The watermark code of the proxy handed out."`
}

// ProxyJSON is a watermarked proxy being made or made.
type ProxyJSON struct {
	ID    string `json:"id"`
	State string `json:"state" enum:"POOLED,PROCESSING,READY,FAILED"`
	Code  string `json:"code"`
	Error string `json:"error,omitempty"`
}

func materialJSON(m *lot.Material, title string, now time.Time) MaterialJSON {
	return MaterialJSON{ID: m.ID, MovieID: m.MovieID, Title: title, AssetType: string(m.AssetType), AssetTypeName: m.AssetType.Name(),
		Variant: m.Variant, Version: m.Version, FileName: m.FileName, Size: m.Size, SHA256: m.SHA256, ContentType: m.ContentType,
		QC: string(m.QC), QCName: m.QC.Name(), NewlyAdded: m.NewlyAdded(now), DeliveredOn: m.DeliveredAt.UTC(), Note: m.Note,
		Media: mediaJSON(m), QCChanges: qcChangesJSON(m.QCChanges)}
}

func qcChangesJSON(cs []lot.MaterialQCChange) []QCLabelChangeJSON {
	var out []QCLabelChangeJSON
	for _, c := range cs {
		out = append(out, QCLabelChangeJSON{At: c.At.UTC(), By: c.By, ByName: c.ByName, From: string(c.From), FromName: c.From.Name(),
			To: string(c.To), ToName: c.To.Name()})
	}
	return out
}

func downloadJSON(d *lot.Download) DownloadJSON {
	state := "STARTED"
	if d.Completed() {
		state = "COMPLETED"
	}
	return DownloadJSON{ID: d.ID, MaterialID: d.MaterialID, AssetType: string(d.AssetType), Variant: d.Variant, Version: d.Version,
		User: d.User, UserName: d.UserName, State: state, StartedAt: d.StartedAt.UTC(), CompletedAt: d.CompletedAt.UTC(),
		CompletedBy: d.CompletedBy, Size: d.Size, SHA256: d.SHA256, Code: d.Code}
}

func proxyJSON(p *lot.Proxy) *ProxyJSON {
	return &ProxyJSON{ID: p.ID, State: string(p.State), Code: p.Code, Error: p.Error}
}

type materialIDPath struct {
	ID string `path:"id" maxLength:"120" doc:"Material ID: movie.ASSET_TYPE[.variant].vN."`
}

type materialOutput struct{ Body MaterialJSON }

// MaterialsOutputBody is the materials of one or many titles, by asset type.
type MaterialsOutputBody struct {
	Titles     []TitleRef      `json:"titles"`
	AssetTypes []AssetTypeJSON `json:"assetTypes"`
	Total      int             `json:"total"`
}

type materialsOutput struct{ Body MaterialsOutputBody }

// TitleRef names a title.
type TitleRef struct {
	MovieID int64  `json:"movieId"`
	Name    string `json:"name"`
}

type downloadStartOutput struct {
	Status int
	Body   DownloadStartJSON
}

// DownloadStartJSON answers a download: a URL (READY) or a proxy being made.
type DownloadStartJSON struct {
	Status   string            `json:"status" enum:"READY,PROCESSING" doc:"PROCESSING: a watermarked proxy is being made; ask again (or wait for the email) when it is ready."`
	Download *DownloadJSON     `json:"download,omitempty"`
	Method   string            `json:"method,omitempty"`
	URL      string            `json:"url,omitempty"`
	Header   map[string]string `json:"header,omitempty"`
	Expires  time.Time         `json:"expires,omitzero"`
	Proxy    *ProxyJSON        `json:"proxy,omitempty"`
}

// VersionsOutputBody is every version of a material's asset type, newest first.
type VersionsOutputBody struct {
	Versions []MaterialJSON `json:"versions"`
}

type versionsOutput struct{ Body VersionsOutputBody }

type uploadOutput struct {
	Body struct {
		Upload  string            `json:"upload" doc:"Give this to POST /v1/materials once the file is uploaded."`
		Method  string            `json:"method"`
		URL     string            `json:"url"`
		Header  map[string]string `json:"header,omitempty"`
		Expires time.Time         `json:"expires"`
	}
}

type poolOutput struct {
	Body struct {
		Removed int `json:"removed"`
	}
}

type downloadsOutput struct {
	Body struct {
		Downloads []DownloadJSON `json:"downloads"`
	}
}

func (a *api) materialRoutes() []route {
	tags := []string{"Materials"}
	reads := []int{400, 401, 404, 429}
	writes := []int{400, 401, 403, 404, 409, 422, 429, 503}
	return []route{
		serve(huma.Operation{OperationID: "listMaterials", Method: http.MethodGet, Path: "/v1/materials", Tags: tags, Errors: reads,
			Summary: "The materials of the titles of one or many requests, by asset type",
			Description: "Only the newest version of each asset type is listed (and downloadable); every asset type is listed, " +
				"those with nothing to download with count 0. group: all (default), available, downloaded (the caller's), new " +
				"(delivered or QC-updated in the last 7 days)."}, a.listMaterials),
		serve(huma.Operation{OperationID: "materialHistory", Method: http.MethodGet, Path: "/v1/materials/{id}/history", Tags: tags, Errors: reads,
			Summary: "Every version of a material's asset type, newest first (the update history)"}, a.materialHistory),
		serve(huma.Operation{OperationID: "materialUpload", Method: http.MethodPost, Path: "/v1/materials/uploads", Tags: tags, Errors: writes,
			Summary: "Studio operators: a URL to upload a material file in one PUT (up to 5 GiB)"}, a.materialUpload),
		serve(huma.Operation{OperationID: "addMaterial", Method: http.MethodPost, Path: "/v1/materials", DefaultStatus: 201, Tags: tags, Errors: writes,
			Summary: "Studio operators: add an uploaded file as the next version of an asset type of a title",
			Description: "The new version supersedes the previous one (only it may be downloaded) and clears \"Downloaded\" for it. " +
				"The stored file's SHA-256 must be the one given."}, a.addMaterial),
		serve(huma.Operation{OperationID: "setMaterialQC", Method: http.MethodPost, Path: "/v1/materials/{id}/qc", Tags: tags, Errors: writes,
			Summary: "Studio and QC operators: set an audio material's QC label"}, a.setMaterialQC),
		serve(huma.Operation{OperationID: "startDownload", Method: http.MethodPost, Path: "/v1/materials/{id}/downloads", DefaultStatus: 201,
			Responses: map[string]*huma.Response{"202": {Description: "A watermarked proxy is being made (PROCESSING)",
				Content: map[string]*huma.MediaType{"application/json": {Schema: schemaRef[DownloadStartJSON]()}}}},
			Tags: tags, Errors: writes,
			Summary: "Download the newest version of a material: a signed URL that expires, or PROCESSING",
			Description: "201 with the URL (GET it, with Range to resume). Partners receive proxy videos with their own visible " +
				"watermark: from the title's pool, or made on demand (202, PROCESSING; an email says when it is ready, then ask again). " +
				"The download counts as completed when every byte was sent, or when the client reports the SHA-256 it computed " +
				"(POST /v1/downloads/{id}/complete)."}, a.startDownload),
		serve(huma.Operation{OperationID: "previewMaterial", Method: http.MethodPost, Path: "/v1/materials/{id}/preview",
			Responses: map[string]*huma.Response{"202": {Description: "A watermarked proxy is being made (PROCESSING)",
				Content: map[string]*huma.MediaType{"application/json": {Schema: schemaRef[DownloadStartJSON]()}}}},
			Tags: tags, Errors: writes,
			Summary: "Play the newest version of a video material in the browser: a signed URL that expires, or PROCESSING",
			Description: "200 with a URL to play (the video element's src; it answers Range). Partners play proxy videos with their " +
				"own visible watermark, the proxy a download hands out (made on demand when the pool is empty: 202, PROCESSING, " +
				"then an email). A preview records no download. A material that is not video answers 400 invalid."}, a.previewMaterial),
		serve(huma.Operation{OperationID: "emptyProxyPool", Method: http.MethodPost, Path: "/v1/materials/{id}/pool/empty", Tags: tags, Errors: writes,
			Summary:     "Studio operators: remove the proxies of a proxy video's pool that nobody has taken",
			Description: "Partners then get proxies made on demand (PROCESSING, then an email). Proxies already handed out stay theirs."}, a.emptyProxyPool),
		serve(huma.Operation{OperationID: "listDownloads", Method: http.MethodGet, Path: "/v1/materials/{id}/downloads", Tags: tags, Errors: reads,
			Summary: "The download history of a material's asset type for the caller's partner, newest first"}, a.listDownloads),
		serve(huma.Operation{OperationID: "completeDownload", Method: http.MethodPost, Path: "/v1/downloads/{id}/complete", Tags: tags, Errors: writes,
			Summary:     "Report a download complete with the SHA-256 the client computed",
			Description: "422 checksum_mismatch when the SHA-256 is not the one of the file handed out."}, a.completeDownload),
	}
}

type listMaterialsInput struct {
	Requests  string `query:"requests" required:"true" maxLength:"4000" doc:"Comma-separated request IDs (1 to 100)."`
	Group     string `query:"group" enum:"all,available,downloaded,new," doc:"Which materials; default all."`
	AssetType string `query:"assetType" maxLength:"40" doc:"One asset type (code or name)."`
}

// listMaterials answers the materials of the titles of the requests asked
// for, grouped by asset type, with the caller's "Downloaded" labels.
func (a *api) listMaterials(ctx context.Context, in *listMaterialsInput) (*materialsOutput, error) {
	q := portal.MaterialsQuery{Group: in.Group}
	for id := range strings.SplitSeq(in.Requests, ",") {
		if id = strings.TrimSpace(id); id != "" {
			q.Requests = append(q.Requests, id)
		}
	}
	if in.AssetType != "" {
		at, err := lot.ParseAssetType(in.AssetType)
		if err != nil {
			return nil, a.fail(ctx, err)
		}
		q.AssetType = at
	}
	v, err := a.svc.Library.Materials(ctx, who(ctx), q)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	now := a.clock.Now()
	out := &materialsOutput{}
	out.Body.Titles = []TitleRef{}
	for _, t := range v.Titles {
		out.Body.Titles = append(out.Body.Titles, TitleRef{t.MovieID, t.Name})
	}
	out.Body.AssetTypes = []AssetTypeJSON{}
	for _, g := range v.Groups {
		j := AssetTypeJSON{AssetType: string(g.AssetType), Name: g.AssetType.Name(), Count: len(g.Items), Materials: []MaterialJSON{}}
		for _, it := range g.Items {
			mj := materialJSON(it.Material, it.Title, now)
			mj.Downloaded = downloadedAs(it)
			mj.Watermarked = it.Material.AssetType.Watermarked() && !who(ctx).Internal()
			j.Materials = append(j.Materials, mj)
		}
		out.Body.Total += j.Count
		out.Body.AssetTypes = append(out.Body.AssetTypes, j)
	}
	return out, nil
}

// materialHistory answers every version of a material's asset type, newest first.
func (a *api) materialHistory(ctx context.Context, in *materialIDPath) (*versionsOutput, error) {
	vs, err := a.svc.Library.MaterialHistory(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &versionsOutput{}
	out.Body.Versions = []MaterialJSON{}
	for _, m := range vs {
		out.Body.Versions = append(out.Body.Versions, materialJSON(m, "", a.clock.Now()))
	}
	return out, nil
}

type materialUploadRequest struct {
	FileName    string `json:"fileName" minLength:"1" maxLength:"255"`
	ContentType string `json:"contentType,omitempty" maxLength:"200"`
	Size        int64  `json:"size" minimum:"1" maximum:"5368709120" doc:"The file's length in bytes: the URL takes a body of this length only."`
	SHA256      string `json:"sha256" minLength:"64" maxLength:"64" doc:"The file's SHA-256 (hex): the URL takes this file only, once, and for an hour."`
}

type materialUploadInput struct{ Body materialUploadRequest }

// materialUpload hands a studio operator a signed URL to upload a material
// file in one PUT.
func (a *api) materialUpload(ctx context.Context, in *materialUploadInput) (*uploadOutput, error) {
	key, u, err := a.svc.Library.MaterialUploadURL(ctx, who(ctx), in.Body.FileName, in.Body.ContentType, in.Body.Size, in.Body.SHA256)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &uploadOutput{}
	out.Body.Upload, out.Body.Method, out.Body.URL, out.Body.Header, out.Body.Expires = key, u.Method, u.URL, u.Header, u.Expires
	return out, nil
}

type addMaterialRequest struct {
	MovieID     int64  `json:"movieId" minimum:"1"`
	AssetType   string `json:"assetType" maxLength:"40"`
	Variant     string `json:"variant,omitempty" maxLength:"40"`
	FileName    string `json:"fileName" minLength:"1" maxLength:"255"`
	SHA256      string `json:"sha256" maxLength:"64"`
	ContentType string `json:"contentType,omitempty" maxLength:"200"`
	QC          string `json:"qc,omitempty" maxLength:"20" doc:"Audio materials: QC_PENDING (default) or READY_FOR_MIX."`
	Note        string `json:"note,omitempty" maxLength:"1000"`
	Upload      string `json:"upload" maxLength:"300"`
}

type addMaterialInput struct{ Body addMaterialRequest }

// addMaterial adds an uploaded file as the next version of an asset type of a title.
func (a *api) addMaterial(ctx context.Context, in *addMaterialInput) (*materialOutput, error) {
	b := in.Body
	at, err := lot.ParseAssetType(b.AssetType)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	var qc lot.MaterialQC
	if b.QC != "" {
		if qc, err = lot.ParseMaterialQC(b.QC); err != nil {
			return nil, a.fail(ctx, err)
		}
	}
	m, err := a.svc.Library.AddMaterial(ctx, who(ctx), portal.NewMaterial{MovieID: b.MovieID, AssetType: at, Variant: b.Variant,
		FileName: b.FileName, SHA256: b.SHA256, ContentType: b.ContentType, QC: qc, Note: b.Note, Upload: b.Upload})
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &materialOutput{Body: materialJSON(m, "", a.clock.Now())}, nil
}

type setMaterialQCRequest struct {
	QC string `json:"qc" maxLength:"20" doc:"QC_PENDING or READY_FOR_MIX."`
}

type setMaterialQCInput struct {
	ID   string `path:"id" maxLength:"120" doc:"Material ID: movie.ASSET_TYPE[.variant].vN."`
	Body setMaterialQCRequest
}

// setMaterialQC sets an audio material's QC label.
func (a *api) setMaterialQC(ctx context.Context, in *setMaterialQCInput) (*materialOutput, error) {
	qc, err := lot.ParseMaterialQC(in.Body.QC)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	m, err := a.svc.Library.SetMaterialQC(ctx, who(ctx), in.ID, qc)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &materialOutput{Body: materialJSON(m, "", a.clock.Now())}, nil
}

// startDownload answers 201 with a signed URL of the newest version of a
// material, or 202 while a watermarked proxy is being made for the caller.
// A proxy that failed to be made answers unavailable.
func (a *api) startDownload(ctx context.Context, in *materialIDPath) (*downloadStartOutput, error) {
	st, err := a.svc.Library.StartDownload(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &downloadStartOutput{Status: 201}
	if st.Download == nil {
		out.Status = 202
		out.Body.Status, out.Body.Proxy = "PROCESSING", proxyJSON(st.Proxy)
		if st.Proxy.State == lot.ProxyFailed {
			return nil, a.fail(ctx, &lot.Error{Code: lot.CodeUnavailable, Message: st.Proxy.Error})
		}
		return out, nil
	}
	d := downloadJSON(st.Download)
	out.Body.Status, out.Body.Download = "READY", &d
	out.Body.Method, out.Body.URL, out.Body.Header, out.Body.Expires = st.URL.Method, st.URL.URL, st.URL.Header, st.URL.Expires
	return out, nil
}

// previewMaterial answers 200 with a signed URL to play a video material,
// or 202 while the caller's watermarked proxy is being made.
func (a *api) previewMaterial(ctx context.Context, in *materialIDPath) (*downloadStartOutput, error) {
	st, err := a.svc.Library.Preview(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &downloadStartOutput{Status: 200}
	if st.Proxy != nil {
		out.Body.Proxy = proxyJSON(st.Proxy)
	}
	if st.URL.URL == "" {
		if st.Proxy.State == lot.ProxyFailed {
			return nil, a.fail(ctx, &lot.Error{Code: lot.CodeUnavailable, Message: st.Proxy.Error})
		}
		out.Status, out.Body.Status = 202, "PROCESSING"
		return out, nil
	}
	out.Body.Status = "READY"
	out.Body.Method, out.Body.URL, out.Body.Header, out.Body.Expires = st.URL.Method, st.URL.URL, st.URL.Header, st.URL.Expires
	return out, nil
}

// emptyProxyPool removes the proxies of a proxy video's pool that nobody has taken.
func (a *api) emptyProxyPool(ctx context.Context, in *materialIDPath) (*poolOutput, error) {
	n, err := a.svc.Library.EmptyPool(ctx, who(ctx), in.ID)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &poolOutput{}
	out.Body.Removed = n
	return out, nil
}

type listDownloadsInput struct {
	ID   string `path:"id" maxLength:"120" doc:"Material ID: movie.ASSET_TYPE[.variant].vN."`
	Mine bool   `query:"mine" doc:"Only the caller's own downloads."`
}

// listDownloads answers the download history of a material's asset type for
// the caller's partner (or the caller alone), newest first.
func (a *api) listDownloads(ctx context.Context, in *listDownloadsInput) (*downloadsOutput, error) {
	ds, err := a.svc.Library.Downloads(ctx, who(ctx), in.ID, in.Mine)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &downloadsOutput{}
	out.Body.Downloads = []DownloadJSON{}
	for _, d := range ds {
		out.Body.Downloads = append(out.Body.Downloads, downloadJSON(d))
	}
	return out, nil
}

// CompleteDownloadRequest reports the SHA-256 a client computed of what it downloaded.
type CompleteDownloadRequest struct {
	SHA256 string `json:"sha256" maxLength:"64"`
}

type completeDownloadInput struct {
	ID   string `path:"id" maxLength:"64" doc:"Download ID."`
	Body CompleteDownloadRequest
}

type downloadOutput struct{ Body DownloadJSON }

// completeDownload records a download complete with the SHA-256 the client
// computed; a different SHA-256 answers checksum_mismatch.
func (a *api) completeDownload(ctx context.Context, in *completeDownloadInput) (*downloadOutput, error) {
	d, err := a.svc.Library.CompleteDownload(ctx, who(ctx), in.ID, in.Body.SHA256)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	return &downloadOutput{Body: downloadJSON(d)}, nil
}

func downloadedAs(it portal.MaterialItem) *DownloadedAs {
	if px := it.Proxy; px != nil && px.State == lot.ProxyProcessing {
		return &DownloadedAs{State: "PROCESSING", StartedAt: px.CreatedAt.UTC()}
	}
	d := it.Mine
	if d == nil {
		return nil
	}
	out := &DownloadedAs{State: "STARTED", Download: d.ID, StartedAt: d.StartedAt.UTC()}
	if d.Completed() {
		out.State, out.CompletedAt = "COMPLETED", d.CompletedAt.UTC()
	}
	return out
}
