// Package demo seeds a store with a deterministic, realistic data set for
// `openlot serve --demo`: partners, titles, packages and 2,000+ source
// requests whose dates are relative to the day it runs, so overdue, due-soon
// and far-off requests all exist. Every request past Open got there the way
// the product moves requests (story.go): its deliveries, their inspection,
// overrides and QC, the studio's decisions and people's comments are made
// with the domain's methods, so its history tells how it reached its status.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/openlot/openlot/shared/ids"
	"github.com/openlot/openlot/shared/inspect"
	"github.com/openlot/openlot/shared/lot"
)

// Client is a demo OAuth2 client; its secret is "<ID>-secret".
type Client struct {
	ID          string
	Name        string
	Role        lot.Role
	Partner     string
	Permissions []lot.Permission
	Email       string
}

// Secret returns the demo client's secret.
func (c Client) Secret() string { return c.ID + "-secret" }

// Clients are the demo OAuth2 clients.
var Clients = []Client{
	{"fp-juniper", "Juniper Post (robot)", lot.RoleFP, "juniper", []lot.Permission{lot.PermCancel, lot.PermSubassign}, "ops@juniper.example"},
	{"fp-lumen", "Lumen Localization (robot)", lot.RoleFP, "lumen", nil, "ops@lumen.example"},
	{"cp-northstar", "Northstar Pictures (robot)", lot.RoleCP, "northstar", nil, "ops@northstar.example"},
	{"studio-ops", "Studio Operations", lot.RoleStudio, "", nil, "studio-ops@openlot.example"},
	{"qc-ops", "QC Operations", lot.RoleQC, "", nil, "qc-ops@openlot.example"},
}

// Partners are the demo facilities.
var Partners = []*lot.Partner{
	{ID: "juniper", Name: "Juniper Post", Kind: lot.PartnerFulfillment, Subassignees: []string{"lumen", "harbor"}},
	{ID: "lumen", Name: "Lumen Localization", Kind: lot.PartnerFulfillment},
	{ID: "harbor", Name: "Harbor Sound & Picture", Kind: lot.PartnerFulfillment},
	{ID: "northstar", Name: "Northstar Pictures", Kind: lot.PartnerContent},
	{ID: "aurora", Name: "Aurora Media", Kind: lot.PartnerContent},
}

// Seeded reports whether the demo data is already in s.
func Seeded(ctx context.Context, s lot.Store) (bool, error) {
	_, err := s.GetPartner(ctx, "juniper")
	if lot.IsCode(err, lot.CodeNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Stats counts what Seed wrote.
type Stats struct {
	Partners, Titles, Packages, Requests int
	Transfers                            int // deliveries to the requests that are not Open
	QC                                   int // the deliveries among them with a QC request
}

// Options size a generated data set.
type Options struct {
	// TitleSets repeats the catalogue of 60 titles this many times (as
	// "Vol. 2", "Vol. 3"…); each title gets 30–41 requests. Default 1.
	TitleSets int
	// FPWeights share the requests among juniper, lumen and harbor
	// (default 45, 35, 20).
	FPWeights [3]int
	// JuniperCap, when set, stops juniper at exactly this many requests (the
	// rest go to the other partners), for a benchmark of an exact size.
	JuniperCap int
	// Progress, when set, is called after each batch with the requests so far.
	Progress func(requests int)
	// Deliveries, when set, gives every delivered file real content, made
	// before the transfers that declare it (NewDeliveries); without, the
	// deliveries' sizes and checksums are made up.
	Deliveries *Deliveries
}

// sink is where a telling of the demo goes: the store, or nowhere (the
// telling that collects the media a demo's deliveries hold).
type sink interface {
	PutPartner(context.Context, *lot.Partner) error
	PutTitle(context.Context, *lot.Title) error
	PutPackage(context.Context, *lot.Package) error
	CreateRequests(context.Context, ...*lot.Request) error
	CreateTransfer(context.Context, *lot.Transfer) error
}

// nowhere is a sink that keeps nothing.
type nowhere struct{}

func (nowhere) PutPartner(context.Context, *lot.Partner) error        { return nil }
func (nowhere) PutTitle(context.Context, *lot.Title) error            { return nil }
func (nowhere) PutPackage(context.Context, *lot.Package) error        { return nil }
func (nowhere) CreateRequests(context.Context, ...*lot.Request) error { return nil }
func (nowhere) CreateTransfer(context.Context, *lot.Transfer) error   { return nil }

// Seed writes the demo data set for the day today into s. The same day gives
// the same data (IDs included).
func Seed(ctx context.Context, s lot.Store, today time.Time) (Stats, error) {
	return SeedWith(ctx, s, today, Options{})
}

// SeedWith writes a data set shaped like the demo's, sized by o (the search
// benchmark uses it for 100,000 requests of one partner). With
// o.Deliveries, the demo is told twice: first nowhere, to learn which
// media its deliveries hold, which are then made (with ffmpeg), then into
// s, each delivered file declaring its content's size and SHA-256; what
// is left to store is saved in the Deliveries' folder (LoadPending).
func SeedWith(ctx context.Context, s lot.Store, today time.Time, o Options) (Stats, error) {
	d := o.Deliveries
	if d == nil {
		return seed(ctx, s, today, o)
	}
	dry := o
	dry.Progress = nil
	d.dry = true
	_, err := seed(ctx, nowhere{}, today, dry)
	d.dry = false
	if err != nil {
		return Stats{}, err
	}
	if err := d.makeMedia(ctx); err != nil {
		return Stats{}, fmt.Errorf("demo delivery media: %w", err)
	}
	st, err := seed(ctx, s, today, o)
	if err != nil {
		return st, err
	}
	return st, d.save()
}

func seed(ctx context.Context, s sink, today time.Time, o Options) (Stats, error) {
	if o.TitleSets <= 0 {
		o.TitleSets = 1
	}
	if o.FPWeights == [3]int{} {
		o.FPWeights = [3]int{45, 35, 20}
	}
	var st Stats
	day := lot.DateOf(today.UTC())
	rnd := rand.New(rand.NewPCG(2026, 11))
	gen := ids.NewSeeded(42, day.Time().AddDate(0, 0, -90))
	for _, p := range Partners {
		if err := s.PutPartner(ctx, p); err != nil {
			return st, err
		}
		st.Partners++
	}
	titles := titles(o.TitleSets)
	countries := []string{"US", "CA", "MX", "BR", "AR", "ES", "FR", "DE", "IT", "GB", "NL", "JP", "KR", "IN", "AU"}
	langs := []string{"es", "es-419", "fr", "fr-CA", "de", "it", "pt-BR", "ja", "ko", "nl", "hi", "ar", "zh-Hans", "en"}
	zones := []string{"America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Madrid", "Asia/Seoul", "Asia/Kolkata"}
	studio := lot.Principal{Subject: "studio-ops", Name: "Studio Operations", Role: lot.RoleStudio}
	fpUser := func(p string) lot.Principal {
		return lot.Principal{Subject: "fp-" + p, Name: Partners[map[string]int{"juniper": 0, "lumen": 1, "harbor": 2}[p]].Name, Role: lot.RoleFP, Partner: p}
	}
	fps := []*lot.Partner{Partners[0], Partners[1], Partners[2]}
	issues := []string{"Forced Narrative", "Content Typos", "Color Issues", "Audio Sync", "Missing Materials"}

	qcOps := lot.Principal{Subject: "qc-ops", Name: "QC Operations", Role: lot.RoleQC}
	cpUser := func(p string) lot.Principal {
		return lot.Principal{Subject: "cp-" + p, Name: Partners[map[string]int{"northstar": 3, "aurora": 4}[p]].Name, Role: lot.RoleCP, Partner: p}
	}
	// What happens after a partner has its materials draws on its own
	// random numbers and IDs, so the requests themselves stay as they were.
	srnd := rand.New(rand.NewPCG(2026, 15))
	sgen := ids.NewSeeded(15, day.Time().AddDate(0, 0, -90))

	var batch []*lot.Request
	var transfers []*lot.Transfer
	var tales []told // the stories of a title's requests past Open
	juniper := 0
	for ti, t := range titles {
		if err := s.PutTitle(ctx, t); err != nil {
			return st, err
		}
		st.Titles++
		pk := &lot.Package{ID: 500000 + int64(ti), MovieID: t.MovieID} // ti counts across title sets
		for _, c := range countries {
			if rnd.IntN(3) > 0 {
				pk.Countries = append(pk.Countries, c)
			}
		}
		if err := s.PutPackage(ctx, pk); err != nil {
			return st, err
		}
		st.Packages++
		n := 30 + rnd.IntN(12)
		from := len(batch) // the title's requests are batch[from:]
		for k := 0; k < n; k++ {
			stype := lot.SourceTypes[(k+ti)%len(lot.SourceTypes)]
			lang := ""
			if stype.NeedsLanguage() || rnd.IntN(4) == 0 {
				lang = langs[rnd.IntN(len(langs))]
			}
			fp := fps[weighted(rnd, o.FPWeights[:]...)]
			if o.JuniperCap > 0 && fp == fps[0] {
				if juniper >= o.JuniperCap {
					fp = fps[1+rnd.IntN(2)]
				} else {
					juniper++
				}
			}
			created := day.Time().AddDate(0, 0, -80+rnd.IntN(60)).Add(time.Duration(rnd.IntN(36000)) * time.Second)
			at := func(h int) lot.Act { return lot.Act{By: studio, At: created.Add(time.Duration(h) * time.Hour)} }
			svc := lot.ServiceCreate
			if stype.ServiceTypeEditable() {
				svc = lot.ServiceTypes[rnd.IntN(3)]
			}
			var iss []string
			if rnd.IntN(10) == 0 {
				iss = []string{issues[rnd.IntN(len(issues))]}
			}
			r, err := lot.Create(at(0), gen.NewID(), lot.NewRequest{
				Title: t, Package: pk, FulfillmentPartner: fp, SourceType: stype, Language: lang,
				ServiceType: svc, DueDate: day.AddDays(-30 + rnd.IntN(120)), Issues: iss,
			})
			if err != nil {
				return st, fmt.Errorf("demo request: %w", err)
			}
			who := lot.Act{By: fpUser(fp.ID), At: created.Add(time.Duration(24+rnd.IntN(200)) * time.Hour)}
			if who.At.After(today) {
				who.At = today.Add(-time.Hour)
			}
			want := []lot.RequestStatus{lot.StatusOpen, lot.StatusRedeliveryRequested, lot.StatusDelivered, lot.StatusProcessed,
				lot.StatusUpgraded, lot.StatusCancelled}[weighted(rnd, 50, 8, 6, 25, 3, 8)]
			switch want {
			case lot.StatusOpen:
				ms := lot.MaterialStatuses[weighted(rnd, 30, 20, 25, 20, 5)]
				if ms != lot.MaterialNotReceived {
					_ = r.SetMaterialStatus(who, ms, []string{"materials arrived", "proxy downloaded", "reviewed, usable", "assigned by studio", "wrong frame rate"}[rnd.IntN(5)], "")
				}
				r.MaterialsAvailable = ms == lot.MaterialNotReceived && rnd.IntN(6) == 0
				if rnd.IntN(5) < 2 {
					zone := zones[rnd.IntN(len(zones))]
					loc, _ := time.LoadLocation(zone)
					d := r.DueDate.AddDays(-5 + rnd.IntN(11))
					r.EstimatedDelivery = lot.EDD{At: time.Date(d.Year, d.Month, d.Day, 17, 0, 0, 0, loc).UTC(), Zone: zone}
				}
				if fp.ID == "juniper" && rnd.IntN(25) == 0 {
					_ = r.Subassign(lot.Act{By: lot.Principal{Subject: "fp-juniper", Role: lot.RoleFP, Partner: "juniper", Permissions: []lot.Permission{lot.PermSubassign}}, At: who.At}, fp, fps[1+rnd.IntN(2)], "overflow capacity")
				}
			case lot.StatusCancelled:
			default: // a delivery follows: the partner accepted its materials first
				_ = r.SetMaterialStatus(who, lot.MaterialAccepted, "reviewed, usable", "")
			}
			var note string
			if rnd.IntN(8) == 0 {
				note = []string{
					"Materials received, starting work this week.", "Waiting on the final script from the studio.",
					"Frame rate of the proxy differs from the IMF; please confirm.", "Delivery planned ahead of the due date.",
				}[rnd.IntN(4)]
			}
			comment := func() {
				if note != "" {
					_ = r.AddComment(lot.Act{By: fpUser(fp.ID), At: who.At.Add(time.Hour)}, note)
				}
			}
			switch want {
			case lot.StatusOpen:
				comment()
			case lot.StatusCancelled: // in the order it happened
				cancel := func() { _ = r.Cancel(at(30), "not required for this launch", "") }
				if note != "" && who.At.Add(time.Hour).Before(at(30).At) {
					comment()
					cancel()
				} else {
					cancel()
					comment()
				}
			default:
				comment()
				if want == lot.StatusDelivered && !(&story{r: r, pol: inspect.PolicyFor(r.SourceType)}).overridable() {
					want = lot.StatusProcessed // nothing inspection finds in such a delivery may be overridden
				}
				if want == lot.StatusUpgraded && o.JuniperCap > 0 && fp == fps[0] {
					if juniper >= o.JuniperCap {
						want = lot.StatusProcessed // the new request would pass juniper's cap
					} else {
						juniper++
					}
				}
				tales = append(tales, told{&story{rnd: srnd, ids: sgen, r: r, prog: programmeOf(r), look: newLook(srnd, r),
					pol: inspect.PolicyFor(r.SourceType), at: who.At.Add(90 * time.Minute), end: today.Add(-30 * time.Minute),
					fp: fpUser(fp.ID), studio: studio, qc: qcOps, cp: cpUser(r.ContentPartner), files: o.Deliveries}, want})
			}
			batch = append(batch, r)
		}
		// The title's stories: its primary videos' first, since its
		// secondary assets wait for one of them to be processed.
		slices.SortStableFunc(tales, func(a, b told) int { return cmpBool(!isPrimary(a.r), !isPrimary(b.r)) })
		var waits primaries
		for i, tl := range tales {
			if i == 0 || isPrimary(tales[i-1].r) && !isPrimary(tl.r) {
				waits = primariesOf(batch[from:])
			}
			tl.primaries = waits
			if tl.want == lot.StatusUpgraded {
				up, err := tl.upgrade(sgen.NewID())
				if err != nil {
					return st, fmt.Errorf("demo request %s: %w", tl.r.ID, err)
				}
				batch = append(batch, up)
			} else if err := tl.tell(tl.want); err != nil {
				return st, err
			}
			transfers = append(transfers, tl.transfers...)
		}
		tales = tales[:0]
		if len(batch) >= 2000 || ti == len(titles)-1 {
			if err := s.CreateRequests(ctx, batch...); err != nil {
				return st, err
			}
			st.Requests += len(batch)
			batch = batch[:0]
			for _, t := range transfers {
				if err := s.CreateTransfer(ctx, t); err != nil {
					return st, err
				}
				if o.Deliveries != nil {
					o.Deliveries.delivered(t)
				}
				st.Transfers++
				if t.QC != nil {
					st.QC++
				}
			}
			transfers = transfers[:0]
			if o.Progress != nil {
				o.Progress(st.Requests)
			}
		}
	}
	return st, nil
}

func weighted(r *rand.Rand, w ...int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

func titles(sets int) []*lot.Title {
	var out []*lot.Title
	for set := 1; set <= sets; set++ {
		out = append(out, titleSet(set)...)
	}
	return out
}

func titleSet(set int) []*lot.Title {
	var out []*lot.Title
	id := int64(81000000 + (set-1)*1000)
	add := func(name string, year int, mt lot.MovieType, orig bool, cp string, dab bool) {
		id++
		if set > 1 {
			name = fmt.Sprintf("%s (Vol. %d)", name, set)
		}
		out = append(out, &lot.Title{MovieID: id, Name: name, ReleaseYear: year, MovieType: mt, IsOriginal: orig, ContentPartner: cp, DayAfterBroadcast: dab})
	}
	for _, s := range []struct {
		name string
		eps  int
		cp   string
		dab  bool
	}{{"Orbital", 8, "northstar", false}, {"House of Tides", 10, "aurora", true}, {"The Quiet Coast", 6, "northstar", false}} {
		for e := 1; e <= s.eps; e++ {
			add(fmt.Sprintf("%s: Season 1: Episode %d", s.name, e), 2026, lot.MovieEpisode, s.cp == "northstar", s.cp, s.dab)
		}
	}
	films := []string{"House, M.D.: The Reunion", "House of Lanterns", "Paper Moons", "The Last Ferry", "Salt & Iron",
		"Northern Lights Over Lagos", "Kinfolk", "The Cartographer", "Midnight in Montevideo", "Glass Harbor",
		"Quiet Thunder", "Señora Álvarez", "The Long Table", "Static", "Wildflower Road", "Blue Hour",
		"The Understudy", "Copper Sky", "Echo Park Nights", "Saltwater Saints", "Aftershock", "Little Giants",
		"The Ninth Gate Keeper", "Emberfall", "Parallel Lines", "Tiny Revolutions"}
	for i, f := range films {
		add(f, 2020+i%7, lot.MovieStandalone, i%3 == 0, []string{"northstar", "aurora"}[i%2], false)
	}
	for i, s := range []string{"Orbital: Behind the Scenes", "Orbital: Official Trailer", "House of Tides: Official Trailer",
		"Paper Moons: Director's Commentary", "The Last Ferry: Teaser", "Kinfolk: Making Of", "Glass Harbor: Trailer 2",
		"Emberfall: Featurette", "The Quiet Coast: Recap", "Blue Hour: Cast Interviews"} {
		add(s, 2026, lot.MovieSupplemental, i%2 == 0, []string{"northstar", "aurora"}[i%2], false)
	}
	return out
}
