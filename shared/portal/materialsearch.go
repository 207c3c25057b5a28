package portal

import (
	"context"
	"slices"
	"time"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// Bounds of a materials search.
const (
	DefaultMaterialsPage = 50  // materials on a page when no limit is given
	MaxMaterialsPage     = 200 // the largest page
	MaxSearchValues      = 100 // values of one modifier
)

// MaxManifest bounds the materials of one manifest.
const MaxManifest = 100

// MaterialSearch selects downloadable materials across every title the
// caller may see. Modifiers combine with AND, the values of one modifier
// with OR; an empty modifier keeps everything.
type MaterialSearch struct {
	MovieIDs     []int64
	AssetTypes   []lot.AssetType
	Languages    []string // BCP 47 tags (search.ParseLanguage); es also finds es-419
	Requests     []string // the titles of these requests
	Packages     []int64  // the titles of these packages
	NewlyAdded   bool     // delivered or QC-updated in the last 7 days
	UpdatedSince time.Time
	After        string // cursor: the ID of the last material of the previous page
	Limit        int    // 1 to MaxMaterialsPage; 0 means DefaultMaterialsPage
}

func (q *MaterialSearch) check() error {
	if q.Limit == 0 {
		q.Limit = DefaultMaterialsPage
	}
	if q.Limit < 1 || q.Limit > MaxMaterialsPage {
		return lot.Errorf(lot.CodeInvalid, "limit must be from 1 to %d", MaxMaterialsPage)
	}
	for what, n := range map[string]int{"movie IDs": len(q.MovieIDs), "asset types": len(q.AssetTypes),
		"languages": len(q.Languages), "request IDs": len(q.Requests), "package IDs": len(q.Packages)} {
		if n > MaxSearchValues {
			return lot.Errorf(lot.CodeInvalid, "name at most %d %s; got %d", MaxSearchValues, what, n)
		}
	}
	for _, id := range q.Requests {
		if err := checkID(id); err != nil {
			return err
		}
	}
	return nil
}

// keeps reports whether a request in the caller's scope names a title the
// search looks in.
func (q *MaterialSearch) keeps(r *lot.Request) bool {
	return (len(q.MovieIDs) == 0 || slices.Contains(q.MovieIDs, r.MovieID)) &&
		(len(q.Requests) == 0 || slices.Contains(q.Requests, r.ID)) &&
		(len(q.Packages) == 0 || slices.Contains(q.Packages, r.PackageID))
}

// matches reports whether a material of a title looked in is found.
func (q *MaterialSearch) matches(m *lot.Material, now time.Time) bool {
	return (len(q.AssetTypes) == 0 || slices.Contains(q.AssetTypes, m.AssetType)) &&
		(len(q.Languages) == 0 || m.Language() != "" &&
			slices.ContainsFunc(q.Languages, func(l string) bool { return search.LanguageMatches(m.Language(), l) })) &&
		(!q.NewlyAdded || m.NewlyAdded(now)) &&
		(q.UpdatedSince.IsZero() || !m.UpdatedAt().Before(q.UpdatedSince))
}

// Search finds the newest version of each slot of every title whose
// materials the caller may download — the titles of the requests in the
// caller's scope, the same index every material check reads — that the
// modifiers match, with the caller's downloads and proxies as the
// materials page shows them. Materials come in a stable order (title,
// asset type in display order, variant), a page of up to q.Limit after
// the cursor q.After; next is the cursor of the next page, "" at the end.
// It fails with invalid for a bad limit, cursor or request ID, or too
// many values of a modifier. Titles the caller may not see are not looked
// in: naming one finds nothing, as naming a missing one does.
func (s *Library) Search(ctx context.Context, p lot.Principal, q MaterialSearch) (page []MaterialItem, next string, err error) {
	if err := q.check(); err != nil {
		return nil, "", err
	}
	var after *lot.Material
	if q.After != "" {
		movie, at, variant, _, err := lot.ParseMaterialID(q.After)
		if err != nil {
			return nil, "", lot.Errorf(lot.CodeInvalid, "cursor %.60q is not one this API gave; start again without it", q.After)
		}
		after = &lot.Material{MovieID: movie, AssetType: at, Variant: variant}
	}
	names := map[int64]string{} // title names as the requests carry them
	if err := s.tenancy.withIndex(ctx, p, func(x *search.Index) error {
		for _, r := range x.Requests() {
			if q.keeps(r) {
				names[r.MovieID] = r.TitleName
			}
		}
		return nil
	}); err != nil {
		return nil, "", err
	}
	movies := make([]int64, 0, len(names))
	for m := range names {
		if after == nil || m >= after.MovieID {
			movies = append(movies, m)
		}
	}
	slices.Sort(movies)
	now := s.Clock.Now()
	for _, movie := range movies {
		items, err := s.titleMaterials(ctx, p, &lot.Title{MovieID: movie, Name: names[movie]}, now)
		if err != nil {
			return nil, "", err
		}
		found := len(page)
		for _, it := range items {
			if (after == nil || lot.CompareSlots(after, it.Material) < 0) && q.matches(it.Material, now) {
				page = append(page, it)
			}
		}
		if len(page) > found { // the title's own name, when it has one
			if t, err := s.Store.GetTitle(ctx, movie); err == nil {
				for i := found; i < len(page); i++ {
					page[i].Title = t.Name
				}
			} else if !lot.IsCode(err, lot.CodeNotFound) {
				return nil, "", err
			}
		}
		if len(page) > q.Limit {
			break
		}
	}
	if len(page) > q.Limit {
		page = page[:q.Limit]
		next = page[q.Limit-1].Material.ID
	}
	return page, next, nil
}

// ManifestEntry is one material of a manifest: the download started for
// it (a URL, or a watermarked proxy being made), or why there is none.
type ManifestEntry struct {
	ID    string         // the material ID as asked
	Title string         // its title's name
	Start *DownloadStart // nil when Err is set
	Err   error
}

// Manifest starts a download of each named material (up to MaxManifest,
// each once, in the order given) as StartDownload does, so every URL it
// hands out is in the download history and counts its bytes like any
// other: a manifest is a batch of downloads, not a second way around
// them. Each ID gets its own entry and a bad one never stops the others:
// malformed IDs answer invalid, missing materials and those of titles the
// caller may not see alike not_found, superseded versions not_allowed;
// proxy videos not ready yet come with their proxy being made. It fails as
// a whole with invalid for no IDs, too_large for too many, and unavailable
// without file storage.
func (s *Library) Manifest(ctx context.Context, p lot.Principal, ids []string) ([]ManifestEntry, error) {
	if err := s.mayDownload(); err != nil {
		return nil, err
	}
	var once []string
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			once = append(once, id)
		}
	}
	if len(once) == 0 {
		return nil, lot.Errorf(lot.CodeInvalid, "name 1 to %d material IDs", MaxManifest)
	}
	if len(once) > MaxManifest {
		return nil, lot.Errorf(lot.CodeTooLarge, "a manifest takes at most %d materials; got %d", MaxManifest, len(once))
	}
	titles := map[int64]string{}
	out := make([]ManifestEntry, len(once))
	for i, id := range once {
		out[i].ID = id
		st, err := s.StartDownload(ctx, p, id)
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i].Start = st
		movie := st.Material.MovieID
		if _, ok := titles[movie]; !ok {
			t, err := s.Store.GetTitle(ctx, movie)
			if err == nil {
				titles[movie] = t.Name
			} else if titles[movie] = ""; !lot.IsCode(err, lot.CodeNotFound) { // the downloads stand; only the name is missing
				s.Log.ErrorContext(ctx, "manifest title", "movie", movie, "err", err)
			}
		}
		out[i].Title = titles[movie]
	}
	return out, nil
}
