// Package app is openlot's local composition root: Local wires the embedded
// adapters (SQLite, disk blobs, the local flow runner, the mailbox, ffmpeg
// on PATH, the demo) into one process, `openlot serve`. The AWS composition
// is shared/awsapp; neither links the other.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "time/tzdata" // IANA zones for estimated delivery dates, even on hosts without zoneinfo

	"github.com/openlot/openlot/shared/demo"
	"github.com/openlot/openlot/shared/diskblob"
	"github.com/openlot/openlot/shared/export/xlsx"
	"github.com/openlot/openlot/shared/ffmpeg"
	"github.com/openlot/openlot/shared/httpapi"
	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/localflow"
	"github.com/openlot/openlot/shared/lot"
	"github.com/openlot/openlot/shared/mailbox"
	"github.com/openlot/openlot/shared/oauth"
	"github.com/openlot/openlot/shared/portal"
	"github.com/openlot/openlot/shared/search"
	"github.com/openlot/openlot/shared/sqlite"
	"github.com/openlot/openlot/web"
)

// LocalConfig configures the all-in-one local server.
type LocalConfig struct {
	Addr    string // listen address; "127.0.0.1:0" picks a free port
	DataDir string // database, keys and (later) blobs live here
	Demo    bool   // seed demo data once and create the demo OAuth2 clients
	Log     *slog.Logger
	Clock   lot.Clock // nil: the system clock
	IDs     lot.IDs   // nil: UUIDv7
	// Rules are the bucket thresholds (zero: search.DefaultRules).
	Rules search.Rules
	// Blobs replaces the disk blob store (tests run deliveries over MinIO).
	Blobs lot.Blobs
	// Store replaces the embedded SQLite store (the benchmark runs the same
	// server over DynamoDB); Local closes it.
	Store lot.Store
	// MaxIdempotencyKeys caps the Idempotency-Keys one caller holds (zero:
	// the API's default, httpapi.DefaultMaxKeys).
	MaxIdempotencyKeys int
	// RatePerSecond and Burst bound each API caller (zero: the API's default).
	RatePerSecond float64
	Burst         int
	// Media reads deliveries for inspection (nil: ffprobe and ffmpeg on PATH).
	Media lot.Media
	// FlowsWithoutDelays makes inspection's waits and retry intervals take
	// no time (tests).
	FlowsWithoutDelays bool
	// Inspections is how many flows (inspections, proxies) run at once (0: 2).
	Inspections int
	// ProxyPool is how many watermarked proxies are made in advance per
	// proxy video (0: 1; negative: none, so every proxy is made on demand).
	ProxyPool int
	// DemoMaterials, with Demo, gives every demo title its materials at the
	// first start (media made with ffmpeg, a proxy pool per title).
	DemoMaterials bool
	// DigestEvery is how often the daily digests are looked at (0: 15
	// minutes; negative: never). Each user gets at most one a day, from 06:00 UTC.
	DigestEvery time.Duration
	// WebRedirectURIs are where the portal (public client openlot-web) may
	// receive sign-in codes; WebLogoutURIs where sign-out may send it back.
	// Empty: <URL>/auth/callback and <URL>/, and the same on localhost when
	// listening on 127.0.0.1.
	WebRedirectURIs, WebLogoutURIs []string
	// AuthLimits replaces the guards against guessing at the token endpoint
	// and the sign-in page (nil: oauth.DefaultLimits).
	AuthLimits *oauth.Limits
}

// Local is openlot running in one process on embedded parts.
type Local struct {
	cfg     LocalConfig
	Store   lot.Store
	Blobs   lot.Blobs
	Service *portal.Service
	Issuer  *oauth.Issuer
	Handler http.Handler
	URL     string // base URL, known after Open
	Seeded  demo.Stats

	Flows   *localflow.Runner
	Mailbox *mailbox.Box // mail written as .eml files under <data>/mail

	ln          net.Listener
	srv         *http.Server
	done        chan error
	stopFlows   context.CancelFunc
	stopDigests context.CancelFunc
	flowsDone   chan struct{}
}

// NewLocal returns a server that Open starts.
func NewLocal(cfg LocalConfig) *Local {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if cfg.Clock == nil {
		cfg.Clock = lot.SystemClock
	}
	if cfg.IDs == nil {
		cfg.IDs = ids.V7{}
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:8080"
	}
	return &Local{cfg: cfg}
}

// Open creates the data folder, opens the store, seeds the demo if asked,
// and starts serving.
func (l *Local) Open(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			l.Close()
		}
	}()
	started := l.cfg.Clock.Now() // Idempotency-Keys claimed before were in flight in a process that ended
	if l.cfg.DataDir == "" {
		return errors.New("a data folder is required")
	}
	if err := os.MkdirAll(l.cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	if l.cfg.Store != nil {
		l.Store = l.cfg.Store
	} else {
		// Assigned only once open: a nil *sqlite.Store in the interface
		// would make Close (on this failure) call through a nil pointer.
		db, err := sqlite.Open(ctx, l.cfg.DataDir)
		if err != nil {
			return err
		}
		l.Store = db
	}
	l.Service = portal.New(l.Store, l.cfg.Clock, l.cfg.IDs, l.cfg.Log)
	if l.cfg.Rules != (search.Rules{}) {
		l.Service.Deps.Rules = l.cfg.Rules
	}
	var media *materialMedia
	if l.cfg.Demo {
		// The titles' material files are made (with ffmpeg) while the demo
		// is seeded, and stored once the server listens.
		if media, err = l.makeMaterialFiles(ctx); err != nil {
			return fmt.Errorf("demo materials: %w", err)
		}
		defer media.discard()
		if err := l.seed(ctx); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	if l.ln, err = net.Listen("tcp", l.cfg.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", l.cfg.Addr, err)
	}
	l.URL = "http://" + l.ln.Addr().String()
	key, err := oauth.LoadOrCreateKey(filepath.Join(l.cfg.DataDir, "keys", "signing-es256.pem"))
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	if l.Issuer, err = oauth.New(l.URL, key, l.Store, l.cfg.Clock, l.cfg.IDs, l.cfg.Log); err != nil {
		return err
	}
	if l.cfg.AuthLimits != nil {
		l.Issuer.SetLimits(*l.cfg.AuthLimits)
	}
	l.Issuer.EnableSignIn(l.Store, l.webApp())
	mounts := map[string]http.Handler{}
	for pattern, h := range l.Issuer.Routes() { // sign-in page, revocation, sign-out, metadata
		mounts[pattern] = h
	}
	if l.cfg.Blobs != nil {
		l.Blobs = l.cfg.Blobs
	} else {
		disk, err := diskblob.Open(filepath.Join(l.cfg.DataDir, "blobs"), filepath.Join(l.cfg.DataDir, "keys", "blob-hmac.key"), l.URL, l.cfg.Clock)
		if err != nil {
			return err
		}
		disk.Served = l.Service.Library.DownloadRange // downloads complete when every byte was sent
		l.Blobs = disk
		mounts[diskblob.Prefix] = disk.Handler(l.cfg.Log) // signed URLs, no bearer token
	}
	l.Service.Deps.Blobs = l.Blobs
	l.Service.Deps.PublicURL, l.Service.Deps.PoolSize = l.URL, l.cfg.ProxyPool
	if l.Service.Deps.PoolSize == 0 {
		l.Service.Deps.PoolSize = 1 // one per title keeps the demo's first start light
	}
	l.Mailbox = &mailbox.Box{Dir: filepath.Join(l.cfg.DataDir, "mail"), From: mail.Address{Name: "openlot", Address: "no-reply@openlot.local"},
		Clock: l.cfg.Clock}
	l.Service.Deps.Mailer = l.Mailbox
	// Local mode only: studio operators read every mail, anyone else their own (a bearer token, as /v1).
	mailPage := l.Mailbox.Handler(func(r *http.Request) (lot.Principal, error) {
		return oauth.Authenticator{Issuer: l.Issuer}.Authenticate(r.Context(), r)
	})
	mounts["/mail"], mounts["/mail/"] = mailPage, mailPage
	if err := l.startFlows(ctx); err != nil {
		return err
	}
	l.Handler = httpapi.New(httpapi.Config{
		Service: l.Service, Auth: oauth.Authenticator{Issuer: l.Issuer}, Keys: l.Store, Clock: l.cfg.Clock,
		Log: l.cfg.Log, Token: l.Issuer.Token(), JWKS: l.Issuer.JWKS(), TokenURL: l.URL + "/oauth2/token", PublicURL: l.URL,
		RatePerSecond: l.cfg.RatePerSecond, Burst: l.cfg.Burst, Started: started, MaxKeys: l.cfg.MaxIdempotencyKeys,
		Mounts: mounts, Workbook: xlsx.Write, Web: web.Handler(l.portalConfig()),
	})
	l.srv = &http.Server{Handler: l.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(l.cfg.Log.Handler(), slog.LevelWarn)}
	l.done = make(chan error, 1)
	go func() { l.done <- l.srv.Serve(l.ln) }()
	l.startDigests()
	if l.cfg.Demo {
		// The deliveries first: the titles' materials start their proxy
		// pools, which then take the machine for a while.
		if err := l.storeDeliveries(ctx); err != nil {
			return fmt.Errorf("demo deliveries: %w", err)
		}
		if err := l.seedMaterials(ctx, media); err != nil {
			return fmt.Errorf("demo materials: %w", err)
		}
	}
	return nil
}

// webApp is the portal as an OAuth2 public client: its sign-in codes go to
// /auth/callback of the server's own origin (and of localhost's when it
// listens on 127.0.0.1, as a browser may name it either way).
func (l *Local) webApp() oauth.App {
	app := oauth.App{ID: oauth.WebAppID, Name: "the openlot portal", RedirectURIs: l.cfg.WebRedirectURIs, PostLogoutRedirectURIs: l.cfg.WebLogoutURIs}
	origins := []string{l.URL}
	if host, port, err := net.SplitHostPort(l.ln.Addr().String()); err == nil && host == "127.0.0.1" {
		origins = append(origins, "http://localhost:"+port)
	}
	for _, o := range origins {
		if len(l.cfg.WebRedirectURIs) == 0 {
			app.RedirectURIs = append(app.RedirectURIs, o+web.CallbackPath)
		}
		if len(l.cfg.WebLogoutURIs) == 0 {
			app.PostLogoutRedirectURIs = append(app.PostLogoutRedirectURIs, o+"/", o+"/signed-out")
		}
	}
	return app
}

// portalConfig is the portal's /config.json: people sign in at this server
// (the local issuer) as its public client, and the app sends the access
// token, which carries the claims the API reads.
func (l *Local) portalConfig() web.Config {
	return web.Config{Issuer: l.URL, ClientID: oauth.WebAppID, Scope: "openid profile email", Bearer: web.BearerAccessToken}
}

// materialMedia are the demo titles' material files, being made.
type materialMedia struct {
	dir   string
	files []demo.MaterialFile
	err   error
	done  chan struct{}
}

// makeMaterialFiles starts making the demo titles' material files with
// ffmpeg when their materials are not all there yet (nil when they are,
// or without materials). Only the first start makes them; a start that
// stopped before the last material makes them again.
func (l *Local) makeMaterialFiles(ctx context.Context) (*materialMedia, error) {
	if !l.cfg.DemoMaterials {
		return nil, nil
	}
	// Earlier deliveries are materials too: the last material made tells.
	if _, err := l.Store.GetMaterial(ctx, demo.LastMaterialID()); !lot.IsCode(err, lot.CodeNotFound) {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "openlot-demo-media-")
	if err != nil {
		return nil, err
	}
	m := &materialMedia{dir: dir, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		m.files, m.err = demo.MakeMaterialFiles(ctx, dir)
	}()
	return m, nil
}

// discard waits for the files and removes them.
func (m *materialMedia) discard() {
	if m != nil {
		<-m.done
		os.RemoveAll(m.dir)
	}
}

// seedMaterials gives every demo title its materials, once: the files
// (made with ffmpeg meanwhile, never committed) are stored once and
// shared, and each title's proxy video gets its pool, made by the flow
// runner meanwhile.
func (l *Local) seedMaterials(ctx context.Context, media *materialMedia) error {
	if media == nil {
		return nil
	}
	<-media.done
	if media.err != nil {
		return media.err
	}
	files, titles := media.files, demo.Titles()
	var stored []demo.Stored
	for _, f := range files {
		key := "materials/demo/" + f.Name
		size, sum, err := l.Service.Library.StoreFile(ctx, key, f.Path, f.ContentType)
		if err != nil {
			return err
		}
		st := demo.Stored{MaterialFile: f, Key: key, Size: size, SHA256: sum}
		if info, err := l.Service.Deps.Media.Probe(ctx, f.Path); err == nil { // the technical metadata, as AddMaterial reads it
			st.Media = &info
		}
		stored = append(stored, st)
	}
	n := 0
	for _, t := range titles {
		for _, m := range demo.Materials(t, stored, l.cfg.Clock.Now()) {
			if err := l.Store.CreateMaterial(ctx, m); lot.IsCode(err, lot.CodeConflict) {
				continue
			} else if err != nil {
				return err
			}
			n++
			if m.AssetType.Watermarked() {
				if err := l.Service.Library.FillPool(ctx, m, max(l.Service.Deps.PoolSize, 0)); err != nil {
					return err
				}
			}
		}
	}
	l.cfg.Log.Info("demo materials seeded", "materials", n, "titles", len(titles))
	return nil
}

// storeDeliveries stores the files of the demo's deliveries that the first
// start made (demo.Pending), those not stored yet, and makes each processed
// delivery an earlier delivery of its title, as inspection does; then the
// files' folder goes. A start that stopped halfway is finished by the next.
func (l *Local) storeDeliveries(ctx context.Context) error {
	p, err := demo.LoadPending(l.deliveriesDir())
	if err != nil || p == nil {
		return err
	}
	files := make(chan demo.Blob)
	errs := make(chan error, 4)
	stored := 0
	var mu sync.Mutex
	for range cap(errs) {
		go func() {
			var err error
			for f := range files {
				if err != nil {
					continue
				}
				if info, herr := l.Blobs.Head(ctx, f.Key); herr == nil && info.Size == f.Size {
					continue
				}
				var size int64
				var sum string
				if size, sum, err = l.Service.Library.StoreFile(ctx, f.Key, p.Path(f), f.ContentType); err == nil && (size != f.Size || sum != f.SHA256) {
					err = fmt.Errorf("%s holds %d bytes of SHA-256 %s; its deliveries declare %d bytes of %s", p.Path(f), size, sum, f.Size, f.SHA256)
				}
				if err == nil {
					mu.Lock()
					stored++
					mu.Unlock()
				}
			}
			errs <- err
		}()
	}
	for _, f := range p.Files {
		files <- f
	}
	close(files)
	var all []error
	for range cap(errs) {
		all = append(all, <-errs)
	}
	if err := errors.Join(all...); err != nil {
		return err
	}
	if err := l.earlierDeliveries(ctx, p.Processed); err != nil {
		return err
	}
	l.cfg.Log.Info("demo deliveries stored", "files", len(p.Files), "stored now", stored, "earlier deliveries", len(p.Processed))
	return p.Done()
}

// earlierDeliveries makes the processed deliveries (transfer IDs, in the
// order processed) earlier deliveries of their titles, a few titles at a
// time, each title's in order (a redelivery is its slot's next version).
func (l *Local) earlierDeliveries(ctx context.Context, ids []string) error {
	type delivery struct {
		t *lot.Transfer
		r *lot.Request
	}
	byTitle := map[int64][]delivery{}
	var titles []int64
	for _, id := range ids {
		t, err := l.Store.GetTransfer(ctx, id)
		if err != nil {
			return err
		}
		r, err := l.Store.GetRequest(ctx, t.RequestID)
		if err != nil {
			return err
		}
		if _, ok := byTitle[r.MovieID]; !ok {
			titles = append(titles, r.MovieID)
		}
		byTitle[r.MovieID] = append(byTitle[r.MovieID], delivery{t, r})
	}
	next := make(chan int64)
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() {
			var err error
			for movie := range next {
				for _, d := range byTitle[movie] {
					if err == nil {
						err = l.Service.Library.DeliveryMaterials(ctx, d.t, d.r)
					}
				}
			}
			errs <- err
		}()
	}
	for _, m := range titles {
		next <- m
	}
	close(next)
	var all []error
	for range cap(errs) {
		all = append(all, <-errs)
	}
	return errors.Join(all...)
}

// startFlows opens the durable flow runner (inspection) and runs it until
// Close: executions a stopped server left unfinished go on now.
func (l *Local) startFlows(ctx context.Context) error {
	l.Service.Deps.Media = l.cfg.Media
	if l.Service.Deps.Media == nil {
		l.Service.Deps.Media = ffmpeg.Media{}
	}
	limit := l.cfg.Inspections
	if limit == 0 {
		limit = 2 // decoding is heavy; two at once keep the API responsive
	}
	flows := portal.Flows()
	// Pools are filled under a second name of the watermark flow, one at a
	// time: inspections and proxies made on demand never wait behind them.
	const poolFlow = portal.WatermarkFlow + "-pool"
	flows[poolFlow] = portal.ProxyFlow()
	l.Service.Deps.PoolFlow = poolFlow
	// One slot more than the media flows take, so a mail or a QC outcome
	// (short, no media) starts while inspections run.
	runner, err := localflow.Open(ctx, l.cfg.DataDir, localflow.Config{
		Flows: flows, Steps: l.Service.Steps(), Limit: limit + 1, Log: l.cfg.Log, Clock: l.cfg.Clock,
		FlowLimits: map[string]int{portal.FlowInspection: limit, poolFlow: 1, portal.WatermarkFlow: max(1, limit-1)}})
	if err != nil {
		return fmt.Errorf("flow runner: %w", err)
	}
	if l.cfg.FlowsWithoutDelays {
		runner.WithoutDelays()
	}
	l.Flows, l.Service.Deps.Flows = runner, runner
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	l.stopFlows, l.flowsDone = cancel, make(chan struct{})
	go func() {
		defer close(l.flowsDone)
		runner.Run(runCtx)
	}()
	return nil
}

// deliveriesDir holds the files of the demo's deliveries from the first
// start until they are stored.
func (l *Local) deliveriesDir() string { return filepath.Join(l.cfg.DataDir, "demo-deliveries") }

func (l *Local) seed(ctx context.Context) error {
	done, err := demo.Seeded(ctx, l.Store)
	if err != nil {
		return err
	}
	if !done {
		// With materials, the deliveries hold real files too: made now,
		// declared by the transfers, stored once the server listens.
		o := demo.Options{}
		if l.cfg.DemoMaterials {
			if o.Deliveries, err = demo.NewDeliveries(l.deliveriesDir()); err != nil {
				return err
			}
		}
		if l.Seeded, err = demo.SeedWith(ctx, l.Store, l.cfg.Clock.Now(), o); err != nil {
			return err
		}
		l.cfg.Log.Info("demo data seeded", "requests", l.Seeded.Requests, "titles", l.Seeded.Titles, "transfers", l.Seeded.Transfers)
	}
	if err := l.seedPeople(ctx); err != nil {
		return err
	}
	for _, c := range demo.Clients {
		client, err := l.Store.GetClient(ctx, c.ID)
		if err != nil || client.Name != c.Name || client.Email != c.Email {
			hash, err := oauth.HashSecret(c.Secret())
			if err != nil {
				return err
			}
			client = &lot.Client{ID: c.ID, SecretHash: hash, Name: c.Name, Role: c.Role,
				Partner: c.Partner, Permissions: c.Permissions, Email: c.Email, CreatedAt: l.cfg.Clock.Now().UTC()}
			if err := l.Store.PutClient(ctx, client); err != nil {
				return err
			}
		}
		// Mail (the daily digest) reaches a client before its first token.
		if err := l.Service.Notifications.NoteClient(ctx, client); err != nil {
			return err
		}
	}
	return nil
}

// seedPeople adds the demo people who are not there yet, with their known
// passwords; people already there (maybe with a changed password) are left alone.
func (l *Local) seedPeople(ctx context.Context) error {
	for _, p := range demo.People {
		if _, err := l.Store.UserByEmail(ctx, p.Email); err == nil {
			continue
		} else if !lot.IsCode(err, lot.CodeNotFound) {
			return err
		}
		hash, err := oauth.HashPassword(p.Password())
		if err != nil {
			return err
		}
		err = l.Store.AddUser(ctx, &lot.User{Subject: l.cfg.IDs.NewID(), Name: p.Name, Email: p.Email, Role: p.Role, Partner: p.Partner,
			Permissions: p.Permissions, PasswordHash: hash, CreatedAt: l.cfg.Clock.Now().UTC()})
		if err != nil && !lot.IsCode(err, lot.CodeConflict) {
			return err
		}
	}
	return nil
}

// startDigests runs the daily digest locally on a ticker (EventBridge and
// functions/digest do it on AWS).
func (l *Local) startDigests() {
	every := l.cfg.DigestEvery
	if every < 0 {
		return
	}
	if every == 0 {
		every = 15 * time.Minute
	}
	ctx, cancel := context.WithCancel(context.Background())
	l.stopDigests = cancel
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if l.cfg.Clock.Now().UTC().Hour() < 6 {
					continue
				}
				if n, err := l.Service.Notifications.SendDigests(ctx); err != nil {
					l.cfg.Log.ErrorContext(ctx, "daily digests", "err", err)
				} else if n > 0 {
					l.cfg.Log.InfoContext(ctx, "daily digests sent", "mails", n)
				}
			}
		}
	}()
}

// Close stops accepting requests, lets in-flight ones finish (up to 20 s),
// and closes the store.
func (l *Local) Close() error {
	var errs []error
	if l.stopDigests != nil {
		l.stopDigests()
	}
	if l.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := l.srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
		if err := <-l.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		l.srv = nil
	} else if l.ln != nil {
		l.ln.Close()
	}
	if l.stopFlows != nil { // steps under way stop between states and go on at the next start
		l.stopFlows()
		<-l.flowsDone
		errs = append(errs, l.Flows.Close())
		l.stopFlows = nil
	}
	if l.Store != nil {
		errs = append(errs, l.Store.Close())
		l.Store = nil
	}
	return errors.Join(errs...)
}
