package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/search"
)

// materialSearchRoutes are the machine client's way to materials: find
// them across titles, then fetch a batch in one go (what Backlot's
// searchDownloadAssets and getDownloadAssetsManifests give).
func (a *api) materialSearchRoutes() []route {
	tags := []string{"Materials"}
	return []route{
		serve(huma.Operation{OperationID: "searchMaterials", Method: http.MethodGet, Path: "/v1/materials/search", Tags: tags,
			Errors:  []int{400, 401, 429},
			Summary: "Search downloadable materials across every title you may see",
			Description: "The newest version of each asset type (and variant) of the titles of the requests in your scope, as " +
				"GET /v1/materials lists them, in a stable order (movie ID, asset type in display order, variant). Values of one " +
				"modifier are comma-separated and OR-ed, modifiers are AND-ed; enums take codes or display names. Naming a title or " +
				"request you may not see finds nothing, as naming a missing one does. Page with limit and cursor (next)."}, a.searchMaterials),
		serve(huma.Operation{OperationID: "materialManifest", Method: http.MethodPost, Path: "/v1/materials/manifest", Tags: tags,
			Errors:  []int{400, 401, 413, 429, 503},
			Summary: "A manifest of up to 100 materials: each file's name, size, SHA-256 and a signed URL",
			Description: "Each material gets its own entry and a bad ID never stops the others: READY with the file's name, size, " +
				"SHA-256 and a signed URL that expires (GET it, with Range to resume); PROCESSING while your watermarked proxy of a proxy " +
				"video is made (ask again, or wait for the email); ERROR with a code: invalid (malformed ID), not_found (no such " +
				"material, or one of a title you may not see), not_allowed (a superseded version; the message names the newest). " +
				"Every URL handed out is a download started, in the download history like POST /v1/materials/{id}/downloads, " +
				"completed when every byte was sent or when you report the SHA-256 (POST /v1/downloads/{id}/complete)."}, a.materialManifest),
	}
}

type searchMaterialsInput struct {
	MovieID      string `query:"movieId" maxLength:"2000" doc:"Movie IDs."`
	AssetType    string `query:"assetType" maxLength:"400" doc:"Asset types (codes or names): FINAL_PROXY, PROXY_VIDEO, AUDIO_STEMS, PRINTMASTER, M_AND_E, SUBTITLE, SCRIPT, DELIVERY."`
	Language     string `query:"language" maxLength:"400" doc:"BCP 47 tags (es matches es-419 and es-ES) or English names, of the asset type's variant (an earlier delivery's: its request's language). Materials without a language (a proxy video) do not match."`
	RequestID    string `query:"requestId" maxLength:"4000" doc:"Request IDs: the titles of these requests."`
	PackageID    string `query:"packageId" maxLength:"2000" doc:"Package IDs: the titles of these packages."`
	NewlyAdded   bool   `query:"newlyAdded" doc:"Only materials delivered or QC-updated in the last 7 days."`
	UpdatedSince string `query:"updatedSince" maxLength:"40" doc:"RFC 3339 (2026-11-20T00:00:00Z): only materials delivered or QC-updated at or after it."`
	Cursor       string `query:"cursor" maxLength:"140" doc:"The next value of the previous page."`
	Limit        int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

// MaterialSearchOutputBody is a page of a materials search.
type MaterialSearchOutputBody struct {
	Materials []MaterialJSON `json:"materials"`
	Next      string         `json:"next" doc:"Cursor of the next page, or empty at the end."`
}

type materialSearchOutput struct{ Body MaterialSearchOutputBody }

// commaList splits a comma-separated parameter, trimmed, without empties.
func commaList(s string) []string {
	var out []string
	for v := range strings.SplitSeq(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// commaIDs parses a comma-separated list of positive numeric IDs; it fails with invalid.
func commaIDs(what, s string) ([]int64, error) {
	var out []int64
	for _, v := range commaList(s) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, lot.Errorf(lot.CodeInvalid, "%s %.20q is not a positive number", what, v)
		}
		out = append(out, n)
	}
	return out, nil
}

// materialSearch reads the query's modifiers; it fails with invalid
// naming what a modifier takes.
func materialSearch(in *searchMaterialsInput) (portal.MaterialSearch, error) {
	q := portal.MaterialSearch{NewlyAdded: in.NewlyAdded, Requests: commaList(in.RequestID), After: in.Cursor, Limit: in.Limit}
	var err error
	if q.MovieIDs, err = commaIDs("movie ID", in.MovieID); err != nil {
		return q, err
	}
	if q.Packages, err = commaIDs("package ID", in.PackageID); err != nil {
		return q, err
	}
	for _, v := range commaList(in.AssetType) {
		at, err := lot.ParseAssetType(v)
		if err != nil {
			return q, err
		}
		q.AssetTypes = append(q.AssetTypes, at)
	}
	for _, v := range commaList(in.Language) {
		tag, err := search.ParseLanguage(v)
		if err != nil {
			return q, err
		}
		q.Languages = append(q.Languages, tag)
	}
	if s := strings.TrimSpace(in.UpdatedSince); s != "" {
		if q.UpdatedSince, err = time.Parse(time.RFC3339, s); err != nil {
			return q, lot.Errorf(lot.CodeInvalid, "updatedSince %.40q is not an RFC 3339 time such as 2026-11-20T00:00:00Z", s)
		}
	}
	return q, nil
}

// searchMaterials answers a page of the materials the modifiers find
// across the caller's titles, with the caller's "Downloaded" labels.
func (a *api) searchMaterials(ctx context.Context, in *searchMaterialsInput) (*materialSearchOutput, error) {
	q, err := materialSearch(in)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	p := who(ctx)
	items, next, err := a.svc.Library.Search(ctx, p, q)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	now := a.clock.Now()
	out := &materialSearchOutput{Body: MaterialSearchOutputBody{Materials: make([]MaterialJSON, len(items)), Next: next}}
	for i, it := range items {
		mj := materialJSON(it.Material, it.Title, now)
		mj.Downloaded = downloadedAs(it)
		mj.Watermarked = it.Material.AssetType.Watermarked() && !p.Internal()
		out.Body.Materials[i] = mj
	}
	return out, nil
}

// ManifestRequest names the materials of a manifest.
type ManifestRequest struct {
	IDs []string `json:"ids" doc:"Up to 100 material IDs (movie.ASSET_TYPE[.variant].vN), each answered once, in this order."`
}

type manifestInput struct{ Body ManifestRequest }

// ManifestEntryJSON is one material of a manifest.
type ManifestEntryJSON struct {
	MaterialID    string            `json:"materialId" doc:"As asked."`
	Status        string            `json:"status" enum:"READY,PROCESSING,ERROR"`
	Code          string            `json:"code,omitempty" doc:"ERROR: why (invalid, not_found, not_allowed, ...)."`
	Message       string            `json:"message,omitempty"`
	MovieID       int64             `json:"movieId,omitempty"`
	Title         string            `json:"title,omitempty"`
	AssetType     string            `json:"assetType,omitempty"`
	AssetTypeName string            `json:"assetTypeName,omitempty"`
	Variant       string            `json:"variant,omitempty"`
	Version       int               `json:"version,omitempty"`
	FileName      string            `json:"fileName,omitempty" doc:"READY: the name to save the file as (the URL's Content-Disposition); a watermarked proxy's carries its code."`
	Size          int64             `json:"size,omitempty" doc:"READY: bytes of the file the URL gives."`
	SHA256        string            `json:"sha256,omitempty" doc:"READY: SHA-256 (hex) of the file the URL gives (a watermarked proxy's own)."`
	ContentType   string            `json:"contentType,omitempty"`
	Download      string            `json:"download,omitempty" doc:"READY: the download's ID, for POST /v1/downloads/{id}/complete."`
	Method        string            `json:"method,omitempty"`
	URL           string            `json:"url,omitempty"`
	Header        map[string]string `json:"header,omitempty"`
	Expires       time.Time         `json:"expires,omitzero" doc:"READY: when the URL stops working; ask for a new manifest after."`
	Proxy         *ProxyJSON        `json:"proxy,omitempty" doc:"Proxy videos: the caller's watermarked proxy (PROCESSING while it is made)."`
}

// ManifestOutputBody is a manifest: one entry per material asked for.
type ManifestOutputBody struct {
	Entries []ManifestEntryJSON `json:"entries"`
	URLTTL  int                 `json:"urlTtlSeconds" doc:"How long each URL lives from now."`
}

type manifestOutput struct{ Body ManifestOutputBody }

// materialManifest starts a download of each material named and answers
// its file's name, size, SHA-256 and signed URL, or why there is none.
func (a *api) materialManifest(ctx context.Context, in *manifestInput) (*manifestOutput, error) {
	entries, err := a.svc.Library.Manifest(ctx, who(ctx), in.Body.IDs)
	if err != nil {
		return nil, a.fail(ctx, err)
	}
	out := &manifestOutput{Body: ManifestOutputBody{Entries: make([]ManifestEntryJSON, len(entries)), URLTTL: int(portal.DownloadURLTTL / time.Second)}}
	for i, e := range entries {
		out.Body.Entries[i] = a.manifestEntry(ctx, e)
	}
	return out, nil
}

func (a *api) manifestEntry(ctx context.Context, e portal.ManifestEntry) ManifestEntryJSON {
	j := ManifestEntryJSON{MaterialID: e.ID}
	if e.Err != nil {
		j.Status = "ERROR"
		j.Code, j.Message = a.failure(ctx, e.Err)
		return j
	}
	st, m := e.Start, e.Start.Material
	j.MovieID, j.Title, j.AssetType, j.AssetTypeName, j.Variant, j.Version = m.MovieID, e.Title, string(m.AssetType), m.AssetType.Name(), m.Variant, m.Version
	if st.Proxy != nil {
		j.Proxy = proxyJSON(st.Proxy)
	}
	if st.Download == nil { // the caller's proxy is being made: nothing to fetch yet
		j.Status = "PROCESSING"
		if st.Proxy.State == lot.ProxyFailed {
			j.Status, j.Code, j.Message = "ERROR", lot.CodeUnavailable, st.Proxy.Error
		}
		return j
	}
	d := st.Download
	if d.Proxy != "" { // the caller's own watermarked proxy, whose code the file name carries
		j.Proxy = &ProxyJSON{ID: d.Proxy, State: string(lot.ProxyReady), Code: d.Code}
	}
	j.Status, j.FileName, j.Size, j.SHA256, j.ContentType, j.Download = "READY", st.FileName, d.Size, d.SHA256, m.ContentType, d.ID
	j.Method, j.URL, j.Header, j.Expires = st.URL.Method, st.URL.URL, st.URL.Header, st.URL.Expires
	return j
}
