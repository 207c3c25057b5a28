package record

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

// DocStore keeps versioned JSON documents of a kind, each under a parent
// it is listed by. SQLite and DynamoDB implement it; Materials builds the
// domain's materials, proxies and downloads on top, so both stores keep
// them the same way.
type DocStore interface {
	// CreateDoc stores a document at version 1; conflict when (kind, id) exists.
	CreateDoc(ctx context.Context, kind, id, parent string, data []byte) error
	// GetDoc fails with not_found.
	GetDoc(ctx context.Context, kind, id string) (data []byte, version int64, err error)
	// ReplaceDoc writes the document at version+1 only if it is still at
	// version (conflict otherwise).
	ReplaceDoc(ctx context.Context, kind, id, parent string, data []byte, version int64) error
	// ListDocs returns a parent's documents of a kind by ID, ascending.
	ListDocs(ctx context.Context, kind, parent string) (data [][]byte, versions []int64, err error)
}

// Document kinds.
const (
	KindMaterial = "material"
	KindProxy    = "proxy"
	KindDownload = "download"
	KindUser     = "user"
	// KindUserEmail reserves an email for the person AddUser made.
	KindUserEmail = "user-email"
)

// Material is one version of an asset type of a title.
type Material struct {
	ID          string             `json:"id"`
	MovieID     int64              `json:"movieId"`
	AssetType   string             `json:"assetType"`
	Variant     string             `json:"variant,omitempty"`
	Version     int                `json:"version"`
	FileName    string             `json:"fileName"`
	Size        int64              `json:"size"`
	SHA256      string             `json:"sha256"`
	ContentType string             `json:"contentType"`
	Key         string             `json:"key"`
	QC          string             `json:"qc,omitempty"`
	DeliveredAt time.Time          `json:"deliveredAt"`
	QCUpdatedAt time.Time          `json:"qcUpdatedAt,omitzero"`
	QCChanges   []MaterialQCChange `json:"qcChanges,omitempty"`
	AddedBy     string             `json:"addedBy"`
	Note        string             `json:"note,omitempty"`
	Transfer    string             `json:"transfer,omitempty"`
	// Technical metadata (audio and video files).
	Duration   float64         `json:"durationS,omitempty"`
	VideoCodec string          `json:"videoCodec,omitempty"`
	Width      int             `json:"width,omitempty"`
	Height     int             `json:"height,omitempty"`
	FrameRate  float64         `json:"frameRate,omitempty"`
	Audio      []MaterialAudio `json:"audio,omitempty"`
	Subtitles  []string        `json:"subtitles,omitempty"`
}

// MaterialAudio is one audio stream of a material.
type MaterialAudio struct {
	Codec    string `json:"codec"`
	Channels int    `json:"channels"`
	Layout   string `json:"layout,omitempty"`
	Language string `json:"language,omitempty"`
}

// Proxy is a watermarked rendition of a proxy-video material.
type Proxy struct {
	ID         string    `json:"id"`
	MaterialID string    `json:"materialId"`
	MovieID    int64     `json:"movieId"`
	State      string    `json:"state"`
	Code       string    `json:"code"`
	Key        string    `json:"key,omitempty"`
	Size       int64     `json:"size,omitempty"`
	SHA256     string    `json:"sha256,omitempty"`
	User       string    `json:"user,omitempty"`
	UserName   string    `json:"userName,omitempty"`
	Email      string    `json:"email,omitempty"`
	Partner    string    `json:"partner,omitempty"`
	Attempt    int       `json:"attempt,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
	AssignedAt time.Time `json:"assignedAt,omitzero"`
	ReadyAt    time.Time `json:"readyAt,omitzero"`
	Error      string    `json:"error,omitempty"`
}

// Download is one download of a material version by one user.
type Download struct {
	ID          string      `json:"id"`
	MaterialID  string      `json:"materialId"`
	MovieID     int64       `json:"movieId"`
	AssetType   string      `json:"assetType"`
	Variant     string      `json:"variant,omitempty"`
	Version     int         `json:"version"`
	User        string      `json:"user"`
	UserName    string      `json:"userName,omitempty"`
	Partner     string      `json:"partner,omitempty"`
	Key         string      `json:"key"`
	Size        int64       `json:"size"`
	SHA256      string      `json:"sha256"`
	Proxy       string      `json:"proxy,omitempty"`
	Code        string      `json:"code,omitempty"`
	StartedAt   time.Time   `json:"startedAt"`
	CompletedAt time.Time   `json:"completedAt,omitzero"`
	CompletedBy string      `json:"completedBy,omitempty"`
	Served      []lot.Range `json:"served,omitempty"`
	BytesSent   int64       `json:"bytesSent,omitempty"`
}

func fromMaterial(m *lot.Material) Material {
	r := Material{m.ID, m.MovieID, string(m.AssetType), m.Variant, m.Version, m.FileName, m.Size, m.SHA256, m.ContentType,
		m.Key, string(m.QC), m.DeliveredAt, m.QCUpdatedAt, nil, m.AddedBy, m.Note, m.Transfer,
		m.Duration, m.VideoCodec, m.Width, m.Height, m.FrameRate, nil, m.Subtitles}
	for _, a := range m.Audio {
		r.Audio = append(r.Audio, MaterialAudio(a))
	}
	for _, c := range m.QCChanges {
		r.QCChanges = append(r.QCChanges, MaterialQCChange{c.At, c.By, c.ByName, string(c.From), string(c.To)})
	}
	return r
}

// MaterialQCChange is one change of a material's QC label.
type MaterialQCChange struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	ByName string    `json:"byName,omitempty"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to"`
}

func (r Material) domain(rev int64) *lot.Material {
	m := &lot.Material{ID: r.ID, MovieID: r.MovieID, AssetType: lot.AssetType(r.AssetType), Variant: r.Variant, Version: r.Version,
		FileName: r.FileName, Size: r.Size, SHA256: r.SHA256, ContentType: r.ContentType, Key: r.Key, QC: lot.MaterialQC(r.QC),
		DeliveredAt: r.DeliveredAt, QCUpdatedAt: r.QCUpdatedAt, AddedBy: r.AddedBy, Note: r.Note, Transfer: r.Transfer,
		Duration: r.Duration, VideoCodec: r.VideoCodec, Width: r.Width, Height: r.Height, FrameRate: r.FrameRate,
		Subtitles: r.Subtitles, Rev: rev}
	for _, a := range r.Audio {
		m.Audio = append(m.Audio, lot.MaterialAudio(a))
	}
	for _, c := range r.QCChanges {
		m.QCChanges = append(m.QCChanges, lot.MaterialQCChange{At: c.At, By: c.By, ByName: c.ByName, From: lot.MaterialQC(c.From), To: lot.MaterialQC(c.To)})
	}
	return m
}

func fromProxy(p *lot.Proxy) Proxy {
	return Proxy{p.ID, p.MaterialID, p.MovieID, string(p.State), p.Code, p.Key, p.Size, p.SHA256, p.User, p.UserName, p.Email, p.Partner,
		p.Attempt, p.CreatedAt, p.AssignedAt, p.ReadyAt, p.Error}
}

func (r Proxy) domain(rev int64) *lot.Proxy {
	return &lot.Proxy{ID: r.ID, MaterialID: r.MaterialID, MovieID: r.MovieID, State: lot.ProxyState(r.State), Code: r.Code,
		Key: r.Key, Size: r.Size, SHA256: r.SHA256, User: r.User, UserName: r.UserName, Email: r.Email, Partner: r.Partner, Attempt: r.Attempt,
		CreatedAt: r.CreatedAt, AssignedAt: r.AssignedAt, ReadyAt: r.ReadyAt, Error: r.Error, Rev: rev}
}

func fromDownload(d *lot.Download) Download {
	return Download{d.ID, d.MaterialID, d.MovieID, string(d.AssetType), d.Variant, d.Version, d.User, d.UserName, d.Partner,
		d.Key, d.Size, d.SHA256, d.Proxy, d.Code, d.StartedAt, d.CompletedAt, d.CompletedBy, d.Served, d.BytesSent}
}

func (r Download) domain(rev int64) *lot.Download {
	return &lot.Download{ID: r.ID, MaterialID: r.MaterialID, MovieID: r.MovieID, AssetType: lot.AssetType(r.AssetType),
		Variant: r.Variant, Version: r.Version, User: r.User, UserName: r.UserName, Partner: r.Partner, Key: r.Key, Size: r.Size,
		SHA256: r.SHA256, Proxy: r.Proxy, Code: r.Code, StartedAt: r.StartedAt, CompletedAt: r.CompletedAt,
		CompletedBy: r.CompletedBy, Served: r.Served, BytesSent: r.BytesSent, Rev: rev}
}

// Parents documents are listed by.
func titleParent(movie int64) string { return strconv.FormatInt(movie, 10) }

func downloadParent(movie int64, partner string) string { return titleParent(movie) + "/" + partner }

// kindOf binds a domain type to its document kind, record shape and parent.
type kindOf[D any, R any] struct {
	kind   string
	from   func(*D) R
	domain func(R, int64) *D
	id     func(*D) string
	parent func(*D) string
	rev    func(*D) *int64
}

func (k kindOf[D, R]) create(ctx context.Context, s DocStore, v *D) error {
	if err := s.CreateDoc(ctx, k.kind, k.id(v), k.parent(v), JSON(k.from(v))); err != nil {
		return err
	}
	*k.rev(v) = 1
	return nil
}

func (k kindOf[D, R]) decode(data []byte, version int64) (*D, error) {
	var r R
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("decode %s: %w", k.kind, err)
	}
	return k.domain(r, version), nil
}

func (k kindOf[D, R]) get(ctx context.Context, s DocStore, id string) (*D, error) {
	data, version, err := s.GetDoc(ctx, k.kind, id)
	if err != nil {
		return nil, err
	}
	return k.decode(data, version)
}

func (k kindOf[D, R]) update(ctx context.Context, s DocStore, id string, fn func(*D) (bool, error)) (*D, error) {
	v, err := k.get(ctx, s, id)
	if err != nil {
		return nil, err
	}
	changed, err := fn(v)
	if err != nil || !changed {
		return v, err
	}
	if err := s.ReplaceDoc(ctx, k.kind, id, k.parent(v), JSON(k.from(v)), *k.rev(v)); err != nil {
		return nil, err
	}
	*k.rev(v)++
	return v, nil
}

func (k kindOf[D, R]) list(ctx context.Context, s DocStore, parent string) ([]*D, error) {
	data, versions, err := s.ListDocs(ctx, k.kind, parent)
	if err != nil {
		return nil, err
	}
	out := make([]*D, 0, len(data))
	for i, b := range data {
		v, err := k.decode(b, versions[i])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

var (
	materials = kindOf[lot.Material, Material]{KindMaterial, fromMaterial, Material.domain,
		func(m *lot.Material) string { return m.ID }, func(m *lot.Material) string { return titleParent(m.MovieID) },
		func(m *lot.Material) *int64 { return &m.Rev }}
	proxies = kindOf[lot.Proxy, Proxy]{KindProxy, fromProxy, Proxy.domain,
		func(p *lot.Proxy) string { return p.ID }, func(p *lot.Proxy) string { return p.MaterialID },
		func(p *lot.Proxy) *int64 { return &p.Rev }}
	downloads = kindOf[lot.Download, Download]{KindDownload, fromDownload, Download.domain,
		func(d *lot.Download) string { return d.ID }, func(d *lot.Download) string { return downloadParent(d.MovieID, d.Partner) },
		func(d *lot.Download) *int64 { return &d.Rev }}
)

// Materials implements lot.Materials over a DocStore.
type Materials struct{ Docs DocStore }

var _ lot.Materials = Materials{}

func (m Materials) CreateMaterial(ctx context.Context, v *lot.Material) error {
	return materials.create(ctx, m.Docs, v)
}

func (m Materials) GetMaterial(ctx context.Context, id string) (*lot.Material, error) {
	return materials.get(ctx, m.Docs, id)
}

func (m Materials) UpdateMaterial(ctx context.Context, id string, fn func(*lot.Material) (bool, error)) (*lot.Material, error) {
	return materials.update(ctx, m.Docs, id, fn)
}

func (m Materials) ListMaterials(ctx context.Context, movieID int64) ([]*lot.Material, error) {
	return materials.list(ctx, m.Docs, titleParent(movieID))
}

func (m Materials) CreateProxy(ctx context.Context, p *lot.Proxy) error {
	return proxies.create(ctx, m.Docs, p)
}

func (m Materials) GetProxy(ctx context.Context, id string) (*lot.Proxy, error) {
	return proxies.get(ctx, m.Docs, id)
}

func (m Materials) UpdateProxy(ctx context.Context, id string, fn func(*lot.Proxy) (bool, error)) (*lot.Proxy, error) {
	return proxies.update(ctx, m.Docs, id, fn)
}

func (m Materials) ListProxies(ctx context.Context, materialID string) ([]*lot.Proxy, error) {
	return proxies.list(ctx, m.Docs, materialID)
}

func (m Materials) CreateDownload(ctx context.Context, d *lot.Download) error {
	return downloads.create(ctx, m.Docs, d)
}

func (m Materials) GetDownload(ctx context.Context, id string) (*lot.Download, error) {
	return downloads.get(ctx, m.Docs, id)
}

func (m Materials) UpdateDownload(ctx context.Context, id string, fn func(*lot.Download) (bool, error)) (*lot.Download, error) {
	return downloads.update(ctx, m.Docs, id, fn)
}

func (m Materials) ListDownloads(ctx context.Context, movieID int64, partner string) ([]*lot.Download, error) {
	return downloads.list(ctx, m.Docs, downloadParent(movieID, partner))
}

// User is a person (see lot.User).
type User struct {
	Subject       string            `json:"subject"`
	Name          string            `json:"name"`
	Email         string            `json:"email,omitempty"`
	Role          string            `json:"role"`
	Partner       string            `json:"partner,omitempty"`
	SeenAt        time.Time         `json:"seenAt"`
	DigestDay     string            `json:"digestDay,omitempty"`
	Digested      map[string]string `json:"digested,omitempty"`
	Permissions   []string          `json:"permissions,omitempty"`
	PasswordHash  string            `json:"passwordHash,omitempty"` // bcrypt's own text form
	Disabled      bool              `json:"disabled,omitempty"`
	CreatedAt     time.Time         `json:"createdAt,omitzero"`
	FailedSignIns int               `json:"failedSignIns,omitempty"`
	LockedUntil   time.Time         `json:"lockedUntil,omitzero"`
	Sessions      []Session         `json:"sessions,omitempty"`
}

// Session is one sign-in's family of refresh tokens (see lot.Session).
type Session struct {
	ID         string    `json:"id"`
	Client     string    `json:"client"`
	Generation int       `json:"generation"`
	Scope      string    `json:"scope,omitempty"`
	Started    time.Time `json:"started"`
	Refreshed  time.Time `json:"refreshed"`
	Expires    time.Time `json:"expires"`
	Ended      time.Time `json:"ended,omitzero"`
}

func fromUser(u *lot.User) User {
	r := User{Subject: u.Subject, Name: u.Name, Email: u.Email, Role: string(u.Role), Partner: u.Partner, SeenAt: u.SeenAt,
		DigestDay: u.DigestDay, Digested: u.Digested, PasswordHash: string(u.PasswordHash), Disabled: u.Disabled,
		CreatedAt: u.CreatedAt, FailedSignIns: u.FailedSignIns, LockedUntil: u.LockedUntil}
	for _, p := range u.Permissions {
		r.Permissions = append(r.Permissions, string(p))
	}
	for _, s := range u.Sessions {
		r.Sessions = append(r.Sessions, Session(s))
	}
	return r
}

func (r User) domain(rev int64) *lot.User {
	u := &lot.User{Subject: r.Subject, Name: r.Name, Email: r.Email, Role: lot.Role(r.Role), Partner: r.Partner,
		SeenAt: r.SeenAt, DigestDay: r.DigestDay, Digested: r.Digested, Disabled: r.Disabled, CreatedAt: r.CreatedAt,
		FailedSignIns: r.FailedSignIns, LockedUntil: r.LockedUntil, Rev: rev}
	if r.PasswordHash != "" {
		u.PasswordHash = []byte(r.PasswordHash)
	}
	for _, p := range r.Permissions {
		u.Permissions = append(u.Permissions, lot.Permission(p))
	}
	for _, s := range r.Sessions {
		u.Sessions = append(u.Sessions, lot.Session(s))
	}
	return u
}

var users = kindOf[lot.User, User]{KindUser, fromUser, User.domain,
	func(u *lot.User) string { return u.Subject }, func(u *lot.User) string { return u.Partner },
	func(u *lot.User) *int64 { return &u.Rev }}

var _ lot.Users = Materials{}

// PutUser creates the user, or replaces what a sign-in says of it at
// whatever version it is.
func (m Materials) PutUser(ctx context.Context, u *lot.User) error {
	err := users.create(ctx, m.Docs, u)
	if !lot.IsCode(err, lot.CodeConflict) {
		return err
	}
	_, err = users.update(ctx, m.Docs, u.Subject, func(have *lot.User) (bool, error) {
		keep := *have
		*have = *u
		// Sign-ins reset neither the digest nor how the person signs in here.
		have.DigestDay, have.Digested, have.Rev = keep.DigestDay, keep.Digested, keep.Rev
		have.Permissions, have.PasswordHash, have.Disabled, have.CreatedAt = keep.Permissions, keep.PasswordHash, keep.Disabled, keep.CreatedAt
		have.FailedSignIns, have.LockedUntil, have.Sessions = keep.FailedSignIns, keep.LockedUntil, keep.Sessions
		return true, nil
	})
	return err
}

// emailKey is how an email is compared: trimmed, lower case.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// emailIndex is the document that reserves an email for one person: kind
// KindUserEmail, ID the email's key, one parent for all, so ListPeople
// lists them.
type emailIndex struct {
	Subject string `json:"subject"`
}

// AddUser reserves the email, then creates the user. An email whose
// reservation names a user that does not exist (a crash between the two
// writes) is taken over.
func (m Materials) AddUser(ctx context.Context, u *lot.User) error {
	key := emailKey(u.Email)
	if key == "" {
		return lot.Errorf(lot.CodeInvalid, "a person who signs in needs an email")
	}
	data := JSON(emailIndex{u.Subject})
	err := m.Docs.CreateDoc(ctx, KindUserEmail, key, "", data)
	if lot.IsCode(err, lot.CodeConflict) {
		raw, version, gerr := m.Docs.GetDoc(ctx, KindUserEmail, key)
		if gerr != nil {
			return gerr
		}
		var idx emailIndex
		if jerr := json.Unmarshal(raw, &idx); jerr != nil {
			return fmt.Errorf("decode %s: %w", KindUserEmail, jerr)
		}
		if have, gerr := m.GetUser(ctx, idx.Subject); gerr == nil && emailKey(have.Email) == key {
			return lot.Errorf(lot.CodeConflict, "a user with the email %s exists", u.Email)
		} else if gerr != nil && !lot.IsCode(gerr, lot.CodeNotFound) {
			return gerr
		}
		err = m.Docs.ReplaceDoc(ctx, KindUserEmail, key, "", data, version)
	}
	if err != nil {
		return err
	}
	if err := users.create(ctx, m.Docs, u); lot.IsCode(err, lot.CodeConflict) {
		return lot.Errorf(lot.CodeConflict, "a user with the subject %s exists", u.Subject)
	} else if err != nil {
		return err
	}
	return nil
}

// UserByEmail follows the email's reservation to its user.
func (m Materials) UserByEmail(ctx context.Context, email string) (*lot.User, error) {
	key := emailKey(email)
	if key == "" {
		return nil, lot.Errorf(lot.CodeNotFound, "no such user")
	}
	raw, _, err := m.Docs.GetDoc(ctx, KindUserEmail, key)
	if err != nil {
		return nil, err
	}
	var idx emailIndex
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("decode %s: %w", KindUserEmail, err)
	}
	u, err := m.GetUser(ctx, idx.Subject)
	if err != nil {
		return nil, err
	}
	if emailKey(u.Email) != key {
		return nil, lot.Errorf(lot.CodeNotFound, "no such user")
	}
	return u, nil
}

// ListPeople reads every email reservation and its user.
func (m Materials) ListPeople(ctx context.Context) ([]*lot.User, error) {
	raws, _, err := m.Docs.ListDocs(ctx, KindUserEmail, "")
	if err != nil {
		return nil, err
	}
	out := make([]*lot.User, 0, len(raws))
	for _, raw := range raws {
		var idx emailIndex
		if err := json.Unmarshal(raw, &idx); err != nil {
			return nil, fmt.Errorf("decode %s: %w", KindUserEmail, err)
		}
		u, err := m.GetUser(ctx, idx.Subject)
		if lot.IsCode(err, lot.CodeNotFound) {
			continue // a reservation whose user was never made
		} else if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(out, func(o *lot.User) bool { return o.Subject == u.Subject }) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b *lot.User) int { return strings.Compare(emailKey(a.Email), emailKey(b.Email)) })
	return out, nil
}

func (m Materials) GetUser(ctx context.Context, subject string) (*lot.User, error) {
	return users.get(ctx, m.Docs, subject)
}

func (m Materials) UpdateUser(ctx context.Context, subject string, fn func(*lot.User) (bool, error)) (*lot.User, error) {
	return users.update(ctx, m.Docs, subject, fn)
}

func (m Materials) ListUsers(ctx context.Context, partner string) ([]*lot.User, error) {
	return users.list(ctx, m.Docs, partner)
}
