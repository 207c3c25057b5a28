// Package record maps domain values to the JSON documents the stores keep
// (SQLite data columns, DynamoDB data attributes). The domain carries no tags;
// both stores share these shapes, so data moves between them unchanged.
package record

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/openlot/openlot/shared/lot"
)

type Partner struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	Subassignees []string `json:"subassignees,omitempty"`
}

// FromPartner and the other From… functions turn domain values into records;
// each record's Domain method turns it back.
func FromPartner(p *lot.Partner) Partner {
	return Partner{ID: p.ID, Name: p.Name, Kind: string(p.Kind), Subassignees: p.Subassignees}
}

func (r Partner) Domain() *lot.Partner {
	return &lot.Partner{ID: r.ID, Name: r.Name, Kind: lot.PartnerKind(r.Kind), Subassignees: r.Subassignees}
}

type Title struct {
	MovieID     int64  `json:"movieId"`
	Name        string `json:"name"`
	ReleaseYear int    `json:"releaseYear"`
	MovieType   string `json:"movieType"`
	IsOriginal  bool   `json:"isOriginal"`
	CP          string `json:"contentPartner"`
	DOB         bool   `json:"dob,omitempty"`
	DAB         bool   `json:"dab,omitempty"`
}

func FromTitle(t *lot.Title) Title {
	return Title{t.MovieID, t.Name, t.ReleaseYear, string(t.MovieType), t.IsOriginal, t.ContentPartner, t.DayOfBroadcast, t.DayAfterBroadcast}
}

func (r Title) Domain() *lot.Title {
	return &lot.Title{MovieID: r.MovieID, Name: r.Name, ReleaseYear: r.ReleaseYear, MovieType: lot.MovieType(r.MovieType),
		IsOriginal: r.IsOriginal, ContentPartner: r.CP, DayOfBroadcast: r.DOB, DayAfterBroadcast: r.DAB}
}

type Package struct {
	ID        int64    `json:"id"`
	MovieID   int64    `json:"movieId"`
	Countries []string `json:"countries,omitempty"`
}

func FromPackage(p *lot.Package) Package {
	return Package{ID: p.ID, MovieID: p.MovieID, Countries: p.Countries}
}

func (r Package) Domain() *lot.Package {
	return &lot.Package{ID: r.ID, MovieID: r.MovieID, Countries: r.Countries}
}

type Request struct {
	ID                 string    `json:"id"`
	MovieID            int64     `json:"movieId"`
	TitleName          string    `json:"titleName"`
	MovieType          string    `json:"movieType,omitempty"`
	IsOriginal         bool      `json:"isOriginal,omitempty"`
	PackageID          int64     `json:"packageId"`
	Countries          []string  `json:"countries,omitempty"`
	SourceType         string    `json:"sourceType"`
	Language           string    `json:"language,omitempty"`
	ServiceType        string    `json:"serviceType"`
	DueDate            string    `json:"dueDate"`
	EDD                time.Time `json:"edd,omitzero"`
	EDDZone            string    `json:"eddZone,omitempty"`
	Status             string    `json:"status"`
	MaterialStatus     string    `json:"materialStatus"`
	MaterialsAvailable bool      `json:"materialsAvailable,omitempty"`
	Issues             []string  `json:"issues,omitempty"`
	FP                 string    `json:"fp"`
	Sub                string    `json:"sub,omitempty"`
	CP                 string    `json:"cp"`
	UpgradedFrom       string    `json:"upgradedFrom,omitempty"`
	UpgradedTo         string    `json:"upgradedTo,omitempty"`
	Delivery           string    `json:"delivery,omitempty"`
	DeliveryStatus     string    `json:"deliveryStatus,omitempty"`
	QCStatus           string    `json:"qcStatus,omitempty"`
	CreatedAt          time.Time `json:"createdAt"`
	UpdatedAt          time.Time `json:"updatedAt,omitzero"`
}

func FromRequest(r *lot.Request) Request {
	return Request{
		ID: r.ID, MovieID: r.MovieID, TitleName: r.TitleName, MovieType: string(r.MovieType), IsOriginal: r.IsOriginal,
		PackageID: r.PackageID, Countries: r.Countries,
		SourceType: string(r.SourceType), Language: r.Language, ServiceType: string(r.ServiceType),
		DueDate: r.DueDate.String(), EDD: r.EstimatedDelivery.At, EDDZone: r.EstimatedDelivery.Zone,
		Status: string(r.Status), MaterialStatus: string(r.MaterialStatus), MaterialsAvailable: r.MaterialsAvailable,
		Issues: r.Issues, FP: r.FulfillmentPartner, Sub: r.SubAssignee, CP: r.ContentPartner,
		UpgradedFrom: r.UpgradedFrom, UpgradedTo: r.UpgradedTo, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Delivery: r.DeliveryID, DeliveryStatus: string(r.DeliveryStatus), QCStatus: string(r.QCStatus),
	}
}

func (w Request) Domain() (*lot.Request, error) {
	due := lot.Date{}
	if w.DueDate != "" {
		var err error
		if due, err = lot.ParseDate(w.DueDate); err != nil {
			return nil, err
		}
	}
	return &lot.Request{
		ID: w.ID, MovieID: w.MovieID, TitleName: w.TitleName, MovieType: lot.MovieType(w.MovieType), IsOriginal: w.IsOriginal,
		PackageID: w.PackageID, Countries: w.Countries,
		SourceType: lot.SourceType(w.SourceType), Language: w.Language, ServiceType: lot.ServiceType(w.ServiceType),
		DueDate: due, EstimatedDelivery: lot.EDD{At: w.EDD, Zone: w.EDDZone},
		Status: lot.RequestStatus(w.Status), MaterialStatus: lot.MaterialStatus(w.MaterialStatus),
		MaterialsAvailable: w.MaterialsAvailable, Issues: w.Issues, FulfillmentPartner: w.FP,
		SubAssignee: w.Sub, ContentPartner: w.CP, UpgradedFrom: w.UpgradedFrom, UpgradedTo: w.UpgradedTo,
		DeliveryID: w.Delivery, DeliveryStatus: lot.TransferStatus(w.DeliveryStatus), QCStatus: lot.QCStatus(w.QCStatus),
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
	}, nil
}

type History struct {
	RequestID string    `json:"requestId"`
	Version   int64     `json:"version"`
	Seq       int       `json:"seq"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	ActorName string    `json:"actorName,omitempty"`
	Role      string    `json:"role"`
	Partner   string    `json:"partner,omitempty"`
	Action    string    `json:"action"`
	Field     string    `json:"field,omitempty"`
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Comment   string    `json:"comment,omitempty"`
}

func FromHistory(e lot.HistoryEntry) History {
	return History{e.RequestID, e.Version, e.Seq, e.At, e.Actor, e.ActorName, string(e.Role), e.Partner,
		string(e.Action), e.Field, e.Before, e.After, e.Reason, e.Comment}
}

func (h History) Domain() lot.HistoryEntry {
	e := lot.HistoryEntry{RequestID: h.RequestID, Version: h.Version, Seq: h.Seq, At: h.At, Actor: h.Actor,
		ActorName: h.ActorName, Role: lot.Role(h.Role), Partner: h.Partner, Action: lot.Action(h.Action),
		Field: h.Field, Before: h.Before, After: h.After, Reason: h.Reason, Comment: h.Comment}
	// Entries stored before openlot named itself: no actor was openlot
	// (inspection); an actor without a role was the QC operator who
	// finished QC (the QC outcome).
	switch {
	case e.Actor == "" && e.Role == "":
		e.Actor, e.ActorName, e.Role = lot.System.Subject, lot.System.Name, lot.System.Role
	case e.Role == "":
		e.Role = lot.RoleQC
	}
	return e
}

type Client struct {
	ID          string    `json:"id"`
	SecretHash  []byte    `json:"secretHash"`
	Name        string    `json:"name"`
	Role        string    `json:"role"`
	Partner     string    `json:"partner,omitempty"`
	Permissions []string  `json:"permissions,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
	Email       string    `json:"email,omitempty"`
}

func FromClient(c *lot.Client) Client {
	perms := make([]string, len(c.Permissions))
	for i, p := range c.Permissions {
		perms[i] = string(p)
	}
	return Client{c.ID, c.SecretHash, c.Name, string(c.Role), c.Partner, perms, c.CreatedAt, c.Email}
}

func (r Client) Domain() *lot.Client {
	perms := make([]lot.Permission, len(r.Permissions))
	for i, p := range r.Permissions {
		perms[i] = lot.Permission(p)
	}
	return &lot.Client{ID: r.ID, SecretHash: r.SecretHash, Name: r.Name, Role: lot.Role(r.Role), Partner: r.Partner, Permissions: perms, CreatedAt: r.CreatedAt, Email: r.Email}
}

// DecodeRequest decodes a stored request document and sets its version.
func DecodeRequest(data []byte, version int64) (*lot.Request, error) {
	var row Request
	if err := json.Unmarshal(data, &row); err != nil {
		return nil, fmt.Errorf("decode request: %w", err)
	}
	r, err := row.Domain()
	if err != nil {
		return nil, err
	}
	r.Version = version
	return r, nil
}

// JSON encodes a record; records hold only plain values, so it cannot fail.
func JSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// Template is a saved search.
type Template struct {
	Owner     string    `json:"owner"`
	Name      string    `json:"name"`
	Query     string    `json:"query"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func FromTemplate(t *lot.Template) Template { return Template{t.Owner, t.Name, t.Query, t.UpdatedAt} }

func (r Template) Domain() *lot.Template {
	return &lot.Template{Owner: r.Owner, Name: r.Name, Query: r.Query, UpdatedAt: r.UpdatedAt}
}

// Transfer is a delivery.
type Transfer struct {
	ID           string          `json:"id"`
	RequestID    string          `json:"requestId"`
	FP           string          `json:"fp"`
	Sub          string          `json:"sub,omitempty"`
	CP           string          `json:"cp"`
	Method       string          `json:"method"`
	DeliveredBy  string          `json:"deliveredBy"`
	Files        []TransferFile  `json:"files"`
	Status       string          `json:"status"`
	ErrorCode    string          `json:"errorCode,omitempty"`
	ErrorMessage string          `json:"errorMessage,omitempty"`
	Timeline     []TransferEvent `json:"timeline"`
	CreatedAt    time.Time       `json:"createdAt"`
	DeliveredAt  time.Time       `json:"deliveredAt,omitzero"`
	ProcessedAt  time.Time       `json:"processedAt,omitzero"`
	Inspection   *lot.Inspection `json:"inspection,omitempty"`
	QC           *lot.QC         `json:"qc,omitempty"`
}

// TransferFile is one file of a transfer.
type TransferFile struct {
	Name        string            `json:"name"`
	Size        int64             `json:"size"`
	SHA256      string            `json:"sha256"`
	ContentType string            `json:"contentType"`
	Metadata    map[string]string `json:"metadata,omitempty"`
	Key         string            `json:"key"`
	UploadID    string            `json:"uploadId,omitempty"`
	PartSize    int64             `json:"partSize"`
}

// TransferEvent is one step of a timeline.
type TransferEvent struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Note   string    `json:"note,omitempty"`
}

func FromTransfer(t *lot.Transfer) Transfer {
	out := Transfer{ID: t.ID, RequestID: t.RequestID, FP: t.FulfillmentPartner, Sub: t.SubAssignee, CP: t.ContentPartner,
		Method: string(t.Method), DeliveredBy: t.DeliveredBy, Status: string(t.Status), ErrorCode: t.ErrorCode,
		ErrorMessage: t.ErrorMessage, CreatedAt: t.CreatedAt, DeliveredAt: t.DeliveredAt, ProcessedAt: t.ProcessedAt,
		Inspection: t.Inspection, QC: t.QC}
	for _, f := range t.Files {
		out.Files = append(out.Files, TransferFile{f.Name, f.Size, f.SHA256, f.ContentType, f.Metadata, f.Key, f.UploadID, f.PartSize})
	}
	for _, e := range t.Timeline {
		out.Timeline = append(out.Timeline, TransferEvent{string(e.Status), e.At, e.By, e.Note})
	}
	return out
}

func (r Transfer) Domain() *lot.Transfer {
	t := &lot.Transfer{ID: r.ID, RequestID: r.RequestID, FulfillmentPartner: r.FP, SubAssignee: r.Sub, ContentPartner: r.CP,
		Method: lot.DeliveryMethod(r.Method), DeliveredBy: r.DeliveredBy, Status: lot.TransferStatus(r.Status),
		ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage, CreatedAt: r.CreatedAt, DeliveredAt: r.DeliveredAt, ProcessedAt: r.ProcessedAt,
		Inspection: r.Inspection, QC: r.QC}
	for _, f := range r.Files {
		t.Files = append(t.Files, lot.TransferFile{Name: f.Name, Size: f.Size, SHA256: f.SHA256, ContentType: f.ContentType,
			Metadata: f.Metadata, Key: f.Key, UploadID: f.UploadID, PartSize: f.PartSize})
	}
	for _, e := range r.Timeline {
		t.Timeline = append(t.Timeline, lot.TransferEvent{Status: lot.TransferStatus(e.Status), At: e.At, By: e.By, Note: e.Note})
	}
	return t
}

// DecodeTransfer decodes a stored transfer document and sets its version.
func DecodeTransfer(data []byte, version int64) (*lot.Transfer, error) {
	var row Transfer
	if err := json.Unmarshal(data, &row); err != nil {
		return nil, fmt.Errorf("decode transfer: %w", err)
	}
	t := row.Domain()
	t.Version = version
	return t, nil
}
