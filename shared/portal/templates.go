package portal

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/search"
)

// MaxTemplates bounds the saved searches of one user.
const MaxTemplates = 100

func checkTemplateName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 64 || strings.ContainsFunc(name, unicode.IsControl) {
		return "", lot.Errorf(lot.CodeInvalid, "a template name is 1 to 64 characters, without control characters")
	}
	return name, nil
}

// Templates returns p's saved searches by name.
func (s *Requests) Templates(ctx context.Context, p lot.Principal) ([]*lot.Template, error) {
	return s.Store.ListTemplates(ctx, p.Subject)
}

// Template returns one of p's saved searches; another user's is not_found.
func (s *Requests) Template(ctx context.Context, p lot.Principal, name string) (*lot.Template, error) {
	name, err := checkTemplateName(name)
	if err != nil {
		return nil, err
	}
	return s.Store.GetTemplate(ctx, p.Subject, name)
}

// SaveTemplate keeps the modifiers, groupings, columns, sort and bucket of
// query (a search query string; paging is not kept) under name for p. It
// refuses groupKey, which names one group of the rows at hand, with invalid.
func (s *Requests) SaveTemplate(ctx context.Context, p lot.Principal, name, query string) (*lot.Template, error) {
	name, err := checkTemplateName(name)
	if err != nil {
		return nil, err
	}
	v, err := url.ParseQuery(query)
	if err != nil {
		return nil, lot.Errorf(lot.CodeInvalid, "the query is not a valid query string")
	}
	if v.Has("template") {
		return nil, lot.Errorf(lot.CodeInvalid, "a template cannot name another template")
	}
	if v.Has("groupKey") {
		return nil, lot.Errorf(lot.CodeInvalid, "a template keeps a bucket but not groupKey (one group's rows); save it without groupKey")
	}
	q, err := search.Parse(v)
	if err != nil {
		return nil, err
	}
	if _, err := s.Store.GetTemplate(ctx, p.Subject, name); lot.IsCode(err, lot.CodeNotFound) {
		list, err := s.Store.ListTemplates(ctx, p.Subject)
		if err != nil {
			return nil, err
		}
		if len(list) >= MaxTemplates {
			return nil, lot.Errorf(lot.CodeNotAllowed, "you have %d saved templates, the most one user may keep; delete one first", len(list))
		}
	} else if err != nil {
		return nil, err
	}
	t := &lot.Template{Owner: p.Subject, Name: name, Query: q.Encode().Encode(), UpdatedAt: s.Clock.Now().UTC()}
	if err := s.Store.PutTemplate(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// DeleteTemplate removes one of p's saved searches.
func (s *Requests) DeleteTemplate(ctx context.Context, p lot.Principal, name string) error {
	name, err := checkTemplateName(name)
	if err != nil {
		return err
	}
	return s.Store.DeleteTemplate(ctx, p.Subject, name)
}

// withTemplate applies the template= parameter: the template's parameters,
// and the explicit ones added to them. An explicit modifier's values join
// the saved ones (values of one modifier are OR-ed), explicit groupings nest
// under the saved ones, and an explicit columns, sort or bucket (one
// choice each) replaces the saved one.
func (s *Requests) withTemplate(ctx context.Context, p lot.Principal, v url.Values) (url.Values, error) {
	name := v.Get("template")
	if name == "" {
		return v, nil
	}
	t, err := s.Template(ctx, p, name)
	if lot.IsCode(err, lot.CodeNotFound) {
		return nil, lot.Errorf(lot.CodeInvalid, "you have no template named %q", name)
	}
	if err != nil {
		return nil, err
	}
	saved, err := url.ParseQuery(t.Query)
	if err != nil {
		return nil, lot.Errorf(lot.CodeInvalid, "template %q is damaged; save it again", name)
	}
	out := url.Values{}
	for k, vs := range saved {
		out[k] = vs
	}
	for k, vs := range v {
		switch {
		case k == "template":
		case k == "group":
			out[k] = []string{joinGroups(out[k], vs)}
		case slices.Contains(search.Modifiers, k):
			out[k] = append(slices.Clone(out[k]), vs...)
		default:
			out[k] = vs
		}
	}
	return out, nil
}

// joinGroups nests the groupings of more under those of saved, each field
// once.
func joinGroups(saved, more []string) string {
	var fields []string
	for _, raw := range append(slices.Clone(saved), more...) {
		for _, f := range strings.Split(raw, ",") {
			if f = strings.TrimSpace(f); f != "" && !slices.ContainsFunc(fields, func(g string) bool { return strings.EqualFold(g, f) }) {
				fields = append(fields, f)
			}
		}
	}
	return strings.Join(fields, ",")
}
