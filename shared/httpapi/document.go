package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/auth"
	"github.com/openlot/openlot/shared/lot"
)

// documentPath is where the OpenAPI document is served as JSON.
const documentPath = "/openapi.json"

// document serves the OpenAPI document with, among the scopes of the
// oauth2 scheme, the scope of every partner the store holds now
// (openlot/partner.<ID>), so that it declares every scope a token carries.
// It renders the document again only when the partners changed.
type document struct {
	api   huma.API
	store lot.Store // nil: no partner scopes
	mu    sync.Mutex
	key   string // the partners the rendered document declares
	body  []byte
}

// handler answers GET and HEAD of documentPath and hands every other
// request to next.
func (d *document) handler(a *api, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == documentPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			d.serve(a, w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serve answers GET and HEAD of documentPath; a store that fails leaves the
// partner scopes out (logged), never the document.
func (d *document) serve(a *api, w http.ResponseWriter, r *http.Request) {
	var partners []*lot.Partner
	if d.store != nil {
		var err error
		if partners, err = d.store.ListPartners(r.Context()); err != nil {
			a.log.WarnContext(r.Context(), "openapi: partners not listed", "err", err)
		}
	}
	slices.SortFunc(partners, func(x, y *lot.Partner) int { return strings.Compare(x.ID, y.ID) })
	var key strings.Builder
	for _, p := range partners {
		key.WriteString(p.ID + "\x00" + p.Name + "\x00")
	}
	d.mu.Lock()
	if d.body == nil || d.key != key.String() {
		body, err := d.render(partners)
		if err != nil {
			d.mu.Unlock()
			a.log.ErrorContext(r.Context(), "openapi: render", "err", err)
			writeProblem(w, &internalProblem)
			return
		}
		d.key, d.body = key.String(), body
	}
	body := d.body
	d.mu.Unlock()
	w.Header().Set("Content-Type", "application/openapi+json")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// render marshals the document with the partners' scopes added to the
// oauth2 scheme's client credentials flow.
func (d *document) render(partners []*lot.Partner) ([]byte, error) {
	raw, err := json.Marshal(d.api.OpenAPI())
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	comp, _ := doc["components"].(map[string]any)
	schemes, _ := comp["securitySchemes"].(map[string]any)
	scheme, _ := schemes[oauth2Scheme].(map[string]any)
	flows, _ := scheme["flows"].(map[string]any)
	cc, _ := flows["clientCredentials"].(map[string]any)
	scopes, _ := cc["scopes"].(map[string]any)
	if scopes == nil {
		return raw, nil
	}
	for _, p := range partners {
		name := p.Name
		if name == "" {
			name = p.ID
		}
		scopes[auth.PartnerScope(p.ID)] = "acts for partner " + name + " (its FP or CP clients)"
	}
	return json.Marshal(doc)
}
