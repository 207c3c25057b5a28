package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	_ "modernc.org/sqlite" // the peer baseline's plain SQLite table

	"github.com/openlot/openlot/shared/app"
	"github.com/openlot/openlot/shared/awsapp"
	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/dynamo"
	"github.com/openlot/openlot/shared/httpapi"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/search"
)

func benchCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "bench", Short: "Measure openlot on this machine"}
	cmd.AddCommand(benchSearchCmd(), benchUploadCmd(), benchInspectCmd(), benchProxyCmd())
	return cmd
}

// The search mix a partner's day is made of.
var benchQueries = []struct{ name, query string }{
	{"default", ""},
	{"modifiers", "status=Open,Redelivery%20Requested&sourceType=SUBTITLE,AUDIO_ME,SDH_CC&language=es,fr,ko"},
	{"group2", "group=sourceType,language"},
	{"bucket", "group=sourceType&bucket=critical&groupKey=SUBTITLE"},
	{"title", "title=house&group=status"},
}

type benchResult struct {
	Store      string  `json:"store"`
	Requests   int     `json:"requests"`
	Stored     int     `json:"stored"`
	Queries    int     `json:"queries"`
	P50        float64 `json:"p50_ms"`
	P99        float64 `json:"p99_ms"`
	Group2P99  float64 `json:"group2_p99_ms"`
	PeerP50    float64 `json:"peer_p50_ms"`
	PeerP99    float64 `json:"peer_p99_ms"`
	Ratio      float64 `json:"ratio"`
	PeerAgrees bool    `json:"peer_agrees"`
	SeedS      float64 `json:"seed_s"`
	// DynamoDB only: request items read by the warm searches (whole
	// requests: the change index's small entries are counted apart), per
	// search and per item in the caller's scope, and how many Scan calls
	// the searches made (must be 0).
	ItemsRead      int64   `json:"items_read"`
	ItemsPerSearch float64 `json:"items_read_per_search"`
	ItemsPerScope  float64 `json:"items_read_per_item_in_scope"`
	ChangeKeysRead int64   `json:"change_keys_read,omitempty"`
	Scans          int64   `json:"scans"`
	DynamoQueries  int64   `json:"dynamodb_queries,omitempty"`
	// DynamoDB only: the first search of a cold instance without a
	// snapshot (it reads the whole scope, then writes the snapshot), and of
	// another cold instance that starts from that snapshot; the snapshot's
	// size and the request items that second cold start read.
	ColdFullMS         float64 `json:"cold_without_snapshot_ms,omitempty"`
	ColdSnapshotMS     float64 `json:"cold_from_snapshot_ms,omitempty"`
	ColdSnapshotItems  int64   `json:"cold_from_snapshot_items_read"`
	SnapshotBytes      int64   `json:"snapshot_bytes,omitempty"`
	ChangesPerSearch   int     `json:"changes_per_search,omitempty"`
	Changes            int64   `json:"changes,omitempty"`
	ChangedP50         float64 `json:"changed_p50_ms,omitempty"`
	ChangedP99         float64 `json:"changed_p99_ms,omitempty"`
	ChangedItemsRead   int64   `json:"changed_items_read,omitempty"`
	ChangedItemsSearch float64 `json:"changed_items_read_per_search,omitempty"`
	// MaxOverChanged is the largest excess, after any search, of request
	// items read so far over requests changed so far: the goal is ≤ 2.
	MaxOverChanged  int64 `json:"changed_max_items_over_changed"`
	ChangedKeysRead int64 `json:"changed_change_keys_read,omitempty"`
	// Embedded: the same searches over the embedded SQLite store at the
	// same scale, in the same run (--store dynamo with --compare).
	Embedded *benchResult `json:"embedded,omitempty"`
}

func benchSearchCmd() *cobra.Command {
	var requests, rounds, changes int
	var store, endpoint string
	var compare bool
	var table string
	var poll time.Duration
	cmd := &cobra.Command{
		Use:   "search",
		Short: "Seed a partner with many requests and time searches through the HTTP API",
		Long: "Seeds --requests requests for the fulfillment partner juniper (plus other partners' noise) in a " +
			"temporary data folder, runs a mix of searches (default view, three modifiers, two-level grouping, a " +
			"bucket expansion, a fuzzy title) through the real HTTP handler on loopback, times the same per-group " +
			"bucket counts as one SQL GROUP BY on a plain indexed SQLite table (the peer baseline), and prints one JSON line.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if store == "dynamo" && endpoint == "" {
				return fmt.Errorf("--store dynamo needs --endpoint (a dynalite URL)")
			}
			if store != "sqlite" && store != "dynamo" {
				return fmt.Errorf("--store is sqlite or dynamo, not %q", store)
			}
			if store == "dynamo" && !cmd.Flags().Changed("requests") {
				requests = 5000
			}
			if cmd.Flags().Changed("poll") {
				portal.FollowPoll = poll
			}
			res, err := benchSearch(cmd.Context(), requests, rounds, store, endpoint, table, changes, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if store == "dynamo" && compare {
				b, _ := json.Marshal(res) // the DynamoDB figures, while the embedded store's are measured
				fmt.Fprintf(cmd.ErrOrStderr(), "%s\n", b)
				emb, err := benchSearch(cmd.Context(), requests, rounds, "sqlite", "", "", 0, cmd.ErrOrStderr())
				if err != nil {
					return err
				}
				res.Embedded = &emb
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
		},
	}
	cmd.Flags().IntVar(&requests, "requests", 100000, "requests of the measured partner")
	cmd.Flags().IntVar(&rounds, "rounds", 60, "times each search of the mix runs")
	cmd.Flags().StringVar(&store, "store", "sqlite", "sqlite (embedded) or dynamo (a DynamoDB stand-in at --endpoint; default 5,000 requests)")
	cmd.Flags().StringVar(&endpoint, "endpoint", "", "DynamoDB endpoint for --store dynamo, e.g. http://127.0.0.1:8000 (dynalite)")
	cmd.Flags().IntVar(&changes, "changes-per-search", 0, "--store dynamo: after the warm searches, time searches again with this many requests changed by another instance before each")
	cmd.Flags().StringVar(&table, "table", "", "--store dynamo: the table to seed (default: a new one); a table a previous run seeded with the same --requests is used as it is, unseeded")
	cmd.Flags().BoolVar(&compare, "compare", true, "--store dynamo: run the embedded store's searches at the same scale too")
	cmd.Flags().DurationVar(&poll, "poll", portal.FollowPoll, "--store dynamo: how often an instance reads the change index at most")
	return cmd
}

var benchToday = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func benchSearch(ctx context.Context, requests, rounds int, store, endpoint, table string, changes int, progress io.Writer) (benchResult, error) {
	res := benchResult{Store: store}
	dir, err := os.MkdirTemp("", "openlot-bench-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	local := func(dir string, s lot.Store, blobs lot.Blobs) (*app.Local, error) {
		cfg := app.LocalConfig{Addr: "127.0.0.1:0", DataDir: dir, Clock: lot.ClockFunc(func() time.Time { return benchToday }),
			Log: slog.New(slog.DiscardHandler), RatePerSecond: 1e6, Burst: 1e6, Store: s, Blobs: blobs, DigestEvery: -1}
		l := app.NewLocal(cfg)
		return l, l.Open(ctx)
	}
	var calls sync.Map
	var dyn *dynamo.Store
	if table == "" {
		table = fmt.Sprintf("openlot-bench-%d", time.Now().UnixNano())
	}
	if store == "dynamo" {
		if dyn, err = awsapp.StandInDynamo(ctx, endpoint, table, &calls); err != nil {
			return res, err
		}
	}
	var ls lot.Store
	if dyn != nil {
		ls = dyn
	}
	l, err := local(dir, ls, nil)
	if err != nil {
		return res, err
	}
	defer l.Close()

	start := time.Now()
	// juniper gets 80% of the requests, capped at exactly requests; a title
	// set yields about 2,130, so a few percent more sets make sure of the count.
	sets := max(1, (requests*10/8*105/100+2129)/2130)
	var seedInto lot.Store = l.Store
	var par *parallelSeed
	if dyn != nil { // dynalite takes one write at a time per connection: write on several
		par = &parallelSeed{Store: l.Store, sem: make(chan struct{}, 8)}
		seedInto = par
	}
	var st demo.Stats
	seeded := false
	if dyn != nil { // a table seeded before (--table) is used as it is
		some, _, err := dyn.ListRequests(ctx, lot.Scope{All: true}, "", 1)
		if err != nil {
			return res, err
		}
		seeded = len(some) > 0
	}
	if !seeded {
		st, err = demo.SeedWith(ctx, seedInto, benchToday, demo.Options{TitleSets: sets, FPWeights: [3]int{80, 10, 10}, JuniperCap: requests,
			Progress: func(n int) { fmt.Fprintf(progress, "\rseeding %s: %d requests", store, n) }})
		fmt.Fprintln(progress)
	}
	if par != nil && err == nil {
		err = par.wait()
	}
	if err != nil {
		return res, err
	}
	res.SeedS = round(time.Since(start).Seconds())
	res.Stored = st.Requests
	if seeded {
		all, err := l.Store.ScopeRequests(ctx, lot.Scope{All: true})
		if err != nil {
			return res, err
		}
		res.Stored = len(all)
	}
	juniper := lot.Principal{Subject: "bench", Name: "Bench", Role: lot.RoleFP, Partner: "juniper"}
	scope, err := l.Store.ScopeRequests(ctx, lot.ScopeOf(juniper))
	if err != nil {
		return res, err
	}
	res.Requests = len(scope)
	getter := func(l *app.Local) (func(string) ([]byte, error), error) {
		token, _, err := l.Issuer.Issue(juniper)
		if err != nil {
			return nil, err
		}
		return func(query string) ([]byte, error) {
			req, _ := http.NewRequestWithContext(ctx, "GET", l.URL+"/v1/requests?"+query, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return nil, err
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err == nil && resp.StatusCode != 200 {
				err = fmt.Errorf("%s: %d %s", query, resp.StatusCode, b)
			}
			return b, err
		}, nil
	}
	get, err := getter(l)
	if err != nil {
		return res, err
	}
	for i, q := range benchQueries { // warm up: over DynamoDB the first search reads the scope and writes the snapshot
		t := time.Now()
		if _, err := get(q.query); err != nil {
			return res, err
		}
		if i == 0 && dyn != nil {
			res.ColdFullMS = ms(time.Since(t))
		}
	}
	count := func(op string) int64 {
		if n, ok := calls.Load(op); ok {
			return n.(*atomic.Int64).Load()
		}
		return 0
	}
	var readBefore, keysBefore, queriesBefore int64
	if dyn != nil {
		readBefore, keysBefore, queriesBefore = dyn.ItemsRead(), dyn.ChangesRead(), count("Query")
	}
	scansBefore := count("Scan")
	var all, group2 []time.Duration
	for range rounds {
		for _, q := range benchQueries {
			t := time.Now()
			if _, err := get(q.query); err != nil {
				return res, err
			}
			d := time.Since(t)
			all = append(all, d)
			if q.name == "group2" {
				group2 = append(group2, d)
			}
		}
	}
	res.Queries = len(all)
	res.P50, res.P99, res.Group2P99 = pct(all, 50), pct(all, 99), pct(group2, 99)
	res.Scans = count("Scan") - scansBefore
	if dyn != nil {
		res.ItemsRead = dyn.ItemsRead() - readBefore
		res.ChangeKeysRead = dyn.ChangesRead() - keysBefore
		res.DynamoQueries = count("Query") - queriesBefore
		res.ItemsPerSearch = round(float64(res.ItemsRead) / float64(res.Queries))
		res.ItemsPerScope = round(float64(res.ItemsRead) / float64(res.Queries) / float64(res.Requests))
		if err := benchCold(ctx, &res, l, table, endpoint, dir, local, getter); err != nil {
			return res, err
		}
		if changes > 0 {
			if err := benchChanges(ctx, &res, dyn, table, endpoint, scope, changes, rounds, get); err != nil {
				return res, err
			}
		}
	}

	ours, err := get("group=sourceType,language")
	if err != nil {
		return res, err
	}
	peer, agrees, err := peerBaseline(ctx, filepath.Join(dir, "peer.db"), l, rounds*len(benchQueries), ours)
	if err != nil {
		return res, err
	}
	res.PeerP50, res.PeerP99, res.PeerAgrees = pct(peer, 50), pct(peer, 99), agrees
	res.Ratio = round(res.Group2P99 / res.PeerP99)
	return res, nil
}

// parallelSeed seeds a store on several connections at once: requests in
// chunks, transfers as they come (waited for at the end). Only the bench
// uses it: the order of writes within a batch does not matter to it.
type parallelSeed struct {
	lot.Store
	sem  chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	fail error
}

func (p *parallelSeed) do(fn func() error) {
	p.sem <- struct{}{}
	p.wg.Add(1)
	go func() {
		defer func() { <-p.sem; p.wg.Done() }()
		if err := fn(); err != nil {
			p.mu.Lock()
			p.fail = errors.Join(p.fail, err)
			p.mu.Unlock()
		}
	}()
}

func (p *parallelSeed) wait() error {
	p.wg.Wait()
	return p.fail
}

func (p *parallelSeed) CreateRequests(ctx context.Context, rs ...*lot.Request) error {
	for chunk := range slices.Chunk(rs, 50) {
		p.do(func() error { return p.Store.CreateRequests(ctx, chunk...) })
	}
	return p.wait() // transfers of this batch may wait on their requests
}

func (p *parallelSeed) CreateTransfer(ctx context.Context, t *lot.Transfer) error {
	p.do(func() error { return p.Store.CreateTransfer(ctx, t) })
	return nil
}

func ms(d time.Duration) float64 { return round(float64(d.Microseconds()) / 1000) }

// benchCold starts another instance (its own client, portal and server)
// on the same table and blob store, and times its first search: it starts
// from the snapshot the first instance wrote.
func benchCold(ctx context.Context, res *benchResult, l *app.Local, table, endpoint, dir string,
	local func(string, lot.Store, lot.Blobs) (*app.Local, error), getter func(*app.Local) (func(string) ([]byte, error), error)) error {
	info, err := l.Blobs.Head(ctx, portal.SnapshotKey(lot.Scope{FulfillmentPartner: "juniper"}))
	if err != nil {
		return fmt.Errorf("the first instance wrote no snapshot: %w", err)
	}
	res.SnapshotBytes = info.Size
	var calls sync.Map
	dyn2, err := awsapp.StandInDynamo(ctx, endpoint, table, &calls)
	if err != nil {
		return err
	}
	l2, err := local(filepath.Join(dir, "second"), dyn2, l.Blobs)
	if err != nil {
		return err
	}
	defer l2.Close()
	get2, err := getter(l2)
	if err != nil {
		return err
	}
	t := time.Now()
	if _, err := get2(benchQueries[0].query); err != nil {
		return err
	}
	res.ColdSnapshotMS, res.ColdSnapshotItems = ms(time.Since(t)), dyn2.ItemsRead()
	return nil
}

// benchChanges times searches again, with n of the partner's requests
// changed before each by another instance (its own client on the table),
// so the searching instance learns them from the change index.
func benchChanges(ctx context.Context, res *benchResult, dyn *dynamo.Store, table, endpoint string, scope []*lot.Request, n, rounds int, get func(string) ([]byte, error)) error {
	var calls sync.Map
	writer, err := awsapp.StandInDynamo(ctx, endpoint, table, &calls)
	if err != nil {
		return err
	}
	res.ChangesPerSearch = n
	by := lot.Principal{Subject: "bench-writer", Name: "Bench Writer", Role: lot.RoleStudio}
	readBefore, keysBefore := dyn.ItemsRead(), dyn.ChangesRead()
	var times []time.Duration
	next := 0
	for range rounds {
		for _, q := range benchQueries {
			for range n {
				r := scope[next%len(scope)]
				next++
				if _, err := writer.UpdateRequest(ctx, r.ID, func(r *lot.Request) error {
					r.MaterialsAvailable = !r.MaterialsAvailable
					return r.AddComment(lot.Act{By: by, At: benchToday}, "bench change")
				}); err != nil {
					return err
				}
				res.Changes++
			}
			t := time.Now()
			if _, err := get(q.query); err != nil {
				return err
			}
			times = append(times, time.Since(t))
			res.MaxOverChanged = max(res.MaxOverChanged, dyn.ItemsRead()-readBefore-res.Changes)
		}
	}
	// A search waits for the change index when it was last read over FollowWait
	// ago: then the instance has every change (the peer baseline compares).
	time.Sleep(portal.FollowWait + 100*time.Millisecond)
	res.ChangedP50, res.ChangedP99 = pct(times, 50), pct(times, 99)
	res.ChangedItemsRead = dyn.ItemsRead() - readBefore
	res.ChangedKeysRead = dyn.ChangesRead() - keysBefore
	res.ChangedItemsSearch = round(float64(res.ChangedItemsRead) / float64(len(times)))
	return nil
}

func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return round(float64(s[max(i, 0)].Microseconds()) / 1000)
}

func round(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// peerBaseline puts the same requests in a plain indexed SQLite table and
// times what a developer would write instead: one GROUP BY computing the
// same per-group bucket counts for the partner. It also checks that its
// counts equal the ones our API answered.
func peerBaseline(ctx context.Context, path string, l *app.Local, runs int, ours []byte) ([]time.Duration, bool, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, false, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE plain (id TEXT PRIMARY KEY, fp TEXT NOT NULL, sub TEXT NOT NULL,
		source_type TEXT NOT NULL, language TEXT NOT NULL, status TEXT NOT NULL, material_status TEXT NOT NULL,
		materials_available INTEGER NOT NULL, due INTEGER NOT NULL, edd_at INTEGER, edd_day INTEGER);
		CREATE INDEX plain_fp ON plain(fp, source_type, language);
		CREATE INDEX plain_sub ON plain(sub, source_type, language);`); err != nil {
		return nil, false, err
	}
	all, err := l.Store.ScopeRequests(ctx, lot.Scope{All: true})
	if err != nil {
		return nil, false, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, false, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO plain VALUES (?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return nil, false, err
	}
	day := func(d lot.Date) int { return d.Year*10000 + int(d.Month)*100 + d.Day }
	for _, r := range all {
		var eddAt, eddDay any
		if !r.EstimatedDelivery.IsZero() {
			eddAt, eddDay = r.EstimatedDelivery.At.UnixMilli(), day(lot.DateOf(r.EstimatedDelivery.Local()))
		}
		if _, err := ins.ExecContext(ctx, r.ID, r.FulfillmentPartner, r.SubAssignee, string(r.SourceType), r.Language,
			string(r.Status), string(r.MaterialStatus), r.MaterialsAvailable, day(r.DueDate), eddAt, eddDay); err != nil {
			return nil, false, err
		}
	}
	ins.Close()
	if err := tx.Commit(); err != nil {
		return nil, false, err
	}
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return nil, false, err
	}
	today := lot.DateOf(benchToday)
	r := search.DefaultRules
	const query = `
	SELECT source_type, language, COUNT(*), SUM(open), SUM(open AND crit), SUM(open AND NOT crit AND risk),
	       SUM(open AND NOT crit AND NOT risk), SUM(open AND NOT mat), SUM(open AND mat), SUM(open AND due < :today)
	FROM (SELECT *, status IN ('OPEN', 'REDELIVERY_REQUESTED') AS open,
	             (due <= :crit OR (edd_at IS NOT NULL AND edd_at < :now)) AS crit,
	             (due <= :risk OR (edd_day IS NOT NULL AND edd_day > due) OR
	              (NOT (material_status IN ('RECEIVED', 'ACCEPTED') OR materials_available) AND due <= :miss)) AS risk,
	             (material_status IN ('RECEIVED', 'ACCEPTED') OR materials_available) AS mat
	      FROM plain WHERE fp = :fp AND status != 'CANCELLED'
	      UNION ALL
	      SELECT *, status IN ('OPEN', 'REDELIVERY_REQUESTED'),
	             (due <= :crit OR (edd_at IS NOT NULL AND edd_at < :now)),
	             (due <= :risk OR (edd_day IS NOT NULL AND edd_day > due) OR
	              (NOT (material_status IN ('RECEIVED', 'ACCEPTED') OR materials_available) AND due <= :miss)),
	             (material_status IN ('RECEIVED', 'ACCEPTED') OR materials_available)
	      FROM plain WHERE sub = :fp AND fp != :fp AND status != 'CANCELLED')
	GROUP BY source_type, language`
	args := []any{sql.Named("today", day(today)), sql.Named("crit", day(today.AddDays(r.CriticalDays))),
		sql.Named("risk", day(today.AddDays(r.AtRiskDays))), sql.Named("miss", day(today.AddDays(r.MaterialsDays))),
		sql.Named("now", benchToday.UnixMilli()), sql.Named("fp", "juniper")}
	type counts [8]int
	run := func() (map[[2]string]counts, error) {
		rows, err := db.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[[2]string]counts{}
		for rows.Next() {
			var k [2]string
			var c counts
			if err := rows.Scan(&k[0], &k[1], &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]); err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, rows.Err()
	}
	for range 3 { // warm up the page cache
		if _, err := run(); err != nil {
			return nil, false, err
		}
	}
	var times []time.Duration
	var last map[[2]string]counts
	for range runs {
		t := time.Now()
		if last, err = run(); err != nil {
			return nil, false, err
		}
		times = append(times, time.Since(t))
	}
	var api httpapi.SearchOutputBody
	if err := json.Unmarshal(ours, &api); err != nil {
		return nil, false, err
	}
	agrees := len(api.Groups) == len(last)
	for _, g := range api.Groups {
		b := g.Buckets
		want := counts{g.Total, b.Requests, b.Critical, b.AtRisk, b.OnTrack, b.AwaitingMaterials, b.MaterialsAvailable, b.OverdueUndelivered}
		if last[[2]string{g.Key["sourceType"], g.Key["language"]}] != want {
			agrees = false
		}
	}
	return times, agrees, nil
}
