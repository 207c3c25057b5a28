package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/openlot/openlot/shared/httpapi"
)

// gatewayRoute is one route of the synthesized HTTP API: its key, the
// logical ID of the function its integration calls, and its authorization.
type gatewayRoute struct {
	method, path string // method "ANY" matches every method; key "$default" has path ""
	function     string
	auth         string // JWT or NONE
	authorizer   string
}

// gatewayRoutes reads the HTTP API's routes from the template.
func gatewayRoutes(t *testing.T, raw map[string]any) []gatewayRoute {
	t.Helper()
	var out []gatewayRoute
	for _, r := range resources(raw, "AWS::ApiGatewayV2::Route") {
		key := props(r)["RouteKey"].(string)
		fn, p := routeTarget(t, raw, key)
		gr := gatewayRoute{function: fn, auth: fmt.Sprint(p["AuthorizationType"])}
		if gr.auth == "<nil>" {
			gr.auth = "NONE"
		}
		if a, ok := p["AuthorizerId"]; ok {
			b, _ := json.Marshal(a)
			gr.authorizer = string(b)
		}
		if key == "$default" {
			gr.method = "ANY"
		} else {
			gr.method, gr.path, _ = strings.Cut(key, " ")
		}
		out = append(out, gr)
	}
	return out
}

// matches reports whether the route path pattern (API Gateway syntax:
// {name} one segment, {name+} greedy, the last segment only) matches path,
// and how specific the match is: more literal segments first, a greedy
// variable last.
func matches(pattern, path string) (ok bool, literal int, greedy bool) {
	if pattern == "" { // $default: everything, least of all
		return true, -1, true
	}
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	xs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "+}") {
			// Greedy: the rest of the path, at least one character.
			return i == len(ps)-1 && i < len(xs) && strings.Join(xs[i:], "/") != "", literal, true
		}
		if i >= len(xs) {
			return false, 0, false
		}
		switch {
		case strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}"):
			if xs[i] == "" {
				return false, 0, false
			}
		case p == xs[i]:
			literal++
		default:
			return false, 0, false
		}
	}
	return len(ps) == len(xs), literal, false
}

// route returns the route API Gateway picks for method and path, as its
// route selection documents it: the most specific path wins (literal
// segments before variables, a greedy variable last, $default when nothing
// else matches), a route of the method before ANY. It returns false when no
// route (nor $default) matches: the request never reaches a function.
func route(routes []gatewayRoute, method, path string) (gatewayRoute, bool) {
	var best gatewayRoute
	bestScore := []int{-10, -10, -10}
	found := false
	for _, r := range routes {
		if r.method != method && r.method != "ANY" {
			continue
		}
		ok, literal, greedy := matches(r.path, path)
		if !ok {
			continue
		}
		score := []int{1, literal, 0}
		if greedy {
			score[0] = 0
		}
		if r.path == "" {
			score[0] = -1
		}
		if r.method == method {
			score[2] = 1
		}
		if slices.Compare(score, bestScore) > 0 {
			best, bestScore, found = r, score, true
		}
	}
	return best, found
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// operation is one method + path of the API document.
type operation struct {
	method, path string
	public       bool // the document says it needs no token (security: [])
}

// documentedOperations builds the OpenAPI document the API serves, in
// process from shared/httpapi (the code, so the test cannot drift from
// it), and lists its operations.
func documentedOperations(t *testing.T) ([]operation, map[string]bool) {
	t.Helper()
	doc := httpapi.OpenAPI(httpapi.Config{})
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Security []map[string][]string `json:"security"`
		Paths    map[string]map[string]struct {
			Security   *[]map[string][]string `json:"security"`
			Parameters []struct{ In, Name string }
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	var ops []operation
	headers := map[string]bool{}
	for path, methods := range d.Paths {
		for m, op := range methods {
			method := strings.ToUpper(m)
			if !slices.Contains([]string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}, method) {
				continue
			}
			public := len(d.Security) == 0
			if op.Security != nil {
				public = len(*op.Security) == 0
			}
			ops = append(ops, operation{method: method, path: path, public: public})
			for _, p := range op.Parameters {
				if p.In == "header" {
					headers[p.Name] = true
				}
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].path+ops[i].method < ops[j].path+ops[j].method })
	if len(ops) < 50 {
		t.Fatalf("the API document has %d operations; did it build?", len(ops))
	}
	return ops, headers
}

func TestEveryDocumentedOperationIsRouted(t *testing.T) {
	// Ensures every operation (method + path) of the API document the code
	// serves reaches the function that answers it through the HTTP API's
	// routes, as API Gateway selects them, behind the Cognito authorizer;
	// that the portal's public paths reach the API's function without it;
	// and that CORS lets a browser send every method and header the API
	// documents.
	_, raw := synth(t, nil)
	routes := gatewayRoutes(t, raw)
	ops, headers := documentedOperations(t)
	var apiFn, jwtAuthorizer string
	for _, r := range routes {
		if r.method == "GET" && r.path == "/v1/{proxy+}" {
			apiFn, jwtAuthorizer = r.function, r.authorizer
		}
	}
	if !strings.HasPrefix(apiFn, "Api") || jwtAuthorizer == "" {
		t.Fatalf("GET /v1/{proxy+} calls %q with authorizer %q, want the Api function behind Cognito", apiFn, jwtAuthorizer)
	}
	// Functions other than the API's that answer documented operations.
	answeredBy := map[string]string{"POST " + exportRoute: "Export"}
	for _, op := range ops {
		path := pathParam.ReplaceAllString(op.path, "0196f5a0-0000-7000-8000-000000000001")
		r, ok := route(routes, op.method, path)
		key := op.method + " " + op.path
		if !ok {
			t.Errorf("%s (documented) matches no route of the HTTP API: it never reaches a function", key)
			continue
		}
		want := "Api"
		if fn, ok := answeredBy[key]; ok {
			want = fn
		}
		if !strings.HasPrefix(r.function, want) {
			t.Errorf("%s goes to route %s %s, which calls %s, want the %s function", key, r.method, r.path, r.function, want)
		}
		if op.public {
			continue
		}
		if r.auth != "JWT" || r.authorizer != jwtAuthorizer {
			t.Errorf("%s goes to route %s %s with authorization %s %s, want the Cognito JWT authorizer", key, r.method, r.path, r.auth, r.authorizer)
		}
	}
	// What a browser fetches before anyone signs in: the portal's pages,
	// its assets, its /config.json, and the API document.
	for _, path := range []string{"/", "/config.json", "/assets/index-3f2a.js", "/requests/0196f5a0-0000-7000-8000-000000000001", "/auth/callback", "/signed-out", "/openapi.json"} {
		r, ok := route(routes, "GET", path)
		if !ok {
			t.Errorf("GET %s (the portal) matches no route", path)
			continue
		}
		if !strings.HasPrefix(r.function, "Api") || r.auth != "NONE" {
			t.Errorf("GET %s goes to %s %s (%s, authorization %s), want the Api function without an authorizer", path, r.method, r.path, r.function, r.auth)
		}
	}

	apis := resources(raw, "AWS::ApiGatewayV2::Api")
	if len(apis) != 1 {
		t.Fatalf("%d HTTP APIs, want 1", len(apis))
	}
	cors, _ := props(apis[0])["CorsConfiguration"].(map[string]any)
	allowed := map[string]bool{}
	for _, m := range cors["AllowMethods"].([]any) {
		allowed[m.(string)] = true
	}
	for _, op := range ops {
		if !allowed[op.method] && !allowed["*"] {
			t.Errorf("CORS refuses %s, which %s %s uses", op.method, op.method, op.path)
		}
	}
	allowedHeaders := map[string]bool{}
	for _, h := range cors["AllowHeaders"].([]any) {
		allowedHeaders[strings.ToLower(h.(string))] = true
	}
	headers["Authorization"], headers["Content-Type"] = true, true // the bearer token, JSON bodies
	for h := range headers {
		if !allowedHeaders[strings.ToLower(h)] && !allowedHeaders["*"] {
			t.Errorf("CORS refuses the header %s, which the API documents", h)
		}
	}
	if !slices.ContainsFunc(cors["ExposeHeaders"].([]any), func(h any) bool { return strings.EqualFold(fmt.Sprint(h), "X-Request-Id") }) {
		t.Errorf("CORS does not expose X-Request-Id: %v", cors["ExposeHeaders"])
	}
}

func TestRouteSelection(t *testing.T) {
	// Ensures the route matcher the route test relies on picks routes as API
	// Gateway does: literal paths before variables, a greedy variable last,
	// the method's route before ANY, $default when nothing else matches.
	routes := []gatewayRoute{
		{method: "GET", path: "/v1/{proxy+}", function: "proxyGET"},
		{method: "ANY", path: "/v1/{proxy+}", function: "proxyANY"},
		{method: "POST", path: "/v1/requests/export", function: "export"},
		{method: "GET", path: "/v1/templates/{name}", function: "template"},
		{method: "GET", path: "/", function: "root"},
	}
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/v1/requests", "proxyGET"},
		{"PUT", "/v1/templates/a", "proxyANY"},
		{"GET", "/v1/templates/a", "template"},
		{"GET", "/v1/templates/a/b", "proxyGET"},
		{"POST", "/v1/requests/export", "export"},
		{"GET", "/v1/requests/export", "proxyGET"},
		{"GET", "/", "root"},
		{"GET", "/v1", ""},
		{"GET", "/config.json", ""},
	} {
		r, ok := route(routes, c.method, c.path)
		if got := map[bool]string{true: r.function}[ok]; got != c.want {
			t.Errorf("%s %s: route %q, want %q", c.method, c.path, got, c.want)
		}
	}
	r, ok := route(append(routes, gatewayRoute{method: "ANY", function: "default"}), "DELETE", "/x")
	if !ok || r.function != "default" {
		t.Errorf("DELETE /x with $default: %v %v", r, ok)
	}
}
