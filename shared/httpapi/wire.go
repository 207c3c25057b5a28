package httpapi

import (
	"fmt"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openlot/openlot/shared/lot"
)

// Enumerations travel as their codes. Each wire enum type documents its codes
// with their display names (x-enum-names) in the OpenAPI document.

func enumSchema[T interface {
	~string
	Name() string
}](all []T, what string) *huma.Schema {
	codes := make([]any, len(all))
	names := make(map[string]string, len(all))
	var lines []string
	for i, v := range all {
		codes[i] = string(v)
		names[string(v)] = v.Name()
		lines = append(lines, fmt.Sprintf("`%s` (%s)", v, v.Name()))
	}
	return &huma.Schema{
		Type: huma.TypeString, Enum: codes,
		Description: what + ": " + strings.Join(lines, ", ") + ".",
		Extensions:  map[string]any{"x-enum-names": names},
	}
}

type (
	RequestStatus  string
	MaterialStatus string
	ServiceType    string
	SourceType     string
	MovieType      string
	EDDReason      string
	Role           string
	ActorRole      string
	Action         string
)

// MaterialStatusIn, ServiceTypeIn, SourceTypeIn and EDDReasonIn are enums a
// client sends: a code or its display name, as search takes them (README).
type (
	MaterialStatusIn string
	ServiceTypeIn    string
	SourceTypeIn     string
	EDDReasonIn      string
	// ServiceTypeChangeIn is a service type a request is set to (not Unknown).
	ServiceTypeChangeIn string
)

func (ServiceTypeChangeIn) Schema(huma.Registry) *huma.Schema {
	return inputEnumSchema(lot.SettableServiceTypes, "Service type")
}
func (v ServiceTypeChangeIn) code() lot.ServiceType { return codeOf(string(v), lot.ServiceTypes) }

func (MaterialStatusIn) Schema(huma.Registry) *huma.Schema {
	return inputEnumSchema(lot.MaterialStatuses, "Material status")
}
func (ServiceTypeIn) Schema(huma.Registry) *huma.Schema {
	return inputEnumSchema(lot.ServiceTypes, "Service type")
}
func (SourceTypeIn) Schema(huma.Registry) *huma.Schema {
	return inputEnumSchema(lot.SourceTypes, "Source type")
}
func (EDDReasonIn) Schema(huma.Registry) *huma.Schema {
	return inputEnumSchema(lot.EDDReasons, "Reason for an estimated delivery date change")
}

func (v MaterialStatusIn) code() lot.MaterialStatus { return codeOf(string(v), lot.MaterialStatuses) }
func (v ServiceTypeIn) code() lot.ServiceType       { return codeOf(string(v), lot.ServiceTypes) }
func (v SourceTypeIn) code() lot.SourceType         { return codeOf(string(v), lot.SourceTypes) }
func (v EDDReasonIn) code() lot.EDDReason           { return codeOf(string(v), lot.EDDReasons) }

// inputEnumSchema is enumSchema for a value a client sends: every code,
// then every display name that differs from its code.
func inputEnumSchema[T interface {
	~string
	Name() string
}](all []T, what string) *huma.Schema {
	s := enumSchema(all, what+" (a code, or its display name)")
	for _, v := range all {
		if v.Name() != string(v) {
			s.Enum = append(s.Enum, v.Name())
		}
	}
	return s
}

// codeOf is the code s names (a code or a display name, any case); s
// itself when it names none, for the domain to refuse.
func codeOf[T interface {
	~string
	Name() string
}](s string, all []T) T {
	t := strings.TrimSpace(s)
	for _, v := range all {
		if strings.EqualFold(t, string(v)) || strings.EqualFold(t, v.Name()) {
			return v
		}
	}
	return T(s)
}

func (RequestStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema(lot.RequestStatuses, "Request status")
}
func (MaterialStatus) Schema(huma.Registry) *huma.Schema {
	return enumSchema(lot.MaterialStatuses, "Material status")
}
func (ServiceType) Schema(huma.Registry) *huma.Schema {
	return enumSchema(lot.ServiceTypes, "Service type")
}
func (SourceType) Schema(huma.Registry) *huma.Schema {
	return enumSchema(lot.SourceTypes, "Source type")
}
func (MovieType) Schema(huma.Registry) *huma.Schema { return enumSchema(lot.MovieTypes, "Movie type") }
func (EDDReason) Schema(huma.Registry) *huma.Schema {
	return enumSchema(lot.EDDReasons, "Reason for an estimated delivery date change")
}
func (Role) Schema(huma.Registry) *huma.Schema { return enumSchema(lot.Roles, "Role") }
func (ActorRole) Schema(huma.Registry) *huma.Schema {
	return enumSchema(lot.ActorRoles, "Role of who made the change")
}
func (Action) Schema(huma.Registry) *huma.Schema { return enumSchema(lot.Actions, "History action") }

// RequestJSON is a source request on the wire.
type RequestJSON struct {
	ID                        string         `json:"id" doc:"Request ID."`
	MovieID                   int64          `json:"movieId" doc:"Movie ID of the title."`
	Title                     string         `json:"title" doc:"Title name."`
	PackageID                 int64          `json:"packageId"`
	SourceType                SourceType     `json:"sourceType"`
	Language                  string         `json:"language,omitempty" doc:"BCP 47 language tag, where the source type has one."`
	ServiceType               ServiceType    `json:"serviceType"`
	DueDate                   string         `json:"dueDate" format:"date"`
	EstimatedDeliveryDate     string         `json:"estimatedDeliveryDate,omitempty" format:"date-time" doc:"RFC 3339 with the offset of its time zone."`
	EstimatedDeliveryTimeZone string         `json:"estimatedDeliveryTimeZone,omitempty" doc:"IANA time zone the estimated delivery date was given in."`
	Status                    RequestStatus  `json:"status"`
	MaterialStatus            MaterialStatus `json:"materialStatus"`
	MaterialsAvailable        bool           `json:"materialsAvailable" doc:"The materials the request needs are there: marked by a studio operator, or by openlot when the title got them."`
	Issues                    []string       `json:"issues" doc:"Named issues flagged on the request."`
	FulfillmentPartner        string         `json:"fulfillmentPartner"`
	SubAssignee               string         `json:"subAssignee,omitempty"`
	ContentPartner            string         `json:"contentPartner"`
	UpgradedFrom              string         `json:"upgradedFrom,omitempty"`
	UpgradedTo                string         `json:"upgradedTo,omitempty"`
	DeliveryID                string         `json:"deliveryId,omitempty" doc:"The request's delivery: its newest transfer whose upload finished."`
	DeliveryStatus            TransferStatus `json:"deliveryStatus,omitempty" doc:"That delivery's status."`
	QCStatus                  QCStatus       `json:"qcStatus,omitempty" doc:"That delivery's QC status, once it has QC."`
	CreatedAt                 time.Time      `json:"createdAt"`
	UpdatedAt                 *time.Time     `json:"updatedAt,omitempty"`
	Version                   int64          `json:"version" doc:"Counts committed changes."`
}

func requestJSON(r *lot.Request) RequestJSON {
	out := RequestJSON{
		ID: r.ID, MovieID: r.MovieID, Title: r.TitleName, PackageID: r.PackageID,
		SourceType: SourceType(r.SourceType), Language: r.Language, ServiceType: ServiceType(r.ServiceType),
		DueDate: r.DueDate.String(), Status: RequestStatus(r.Status), MaterialStatus: MaterialStatus(r.MaterialStatus),
		MaterialsAvailable: r.MaterialsAvailable, Issues: r.Issues, FulfillmentPartner: r.FulfillmentPartner,
		SubAssignee: r.SubAssignee, ContentPartner: r.ContentPartner, UpgradedFrom: r.UpgradedFrom,
		UpgradedTo: r.UpgradedTo, CreatedAt: r.CreatedAt.UTC(), Version: r.Version,
		DeliveryID: r.DeliveryID, DeliveryStatus: TransferStatus(r.DeliveryStatus), QCStatus: QCStatus(r.QCStatus),
	}
	if out.Issues == nil {
		out.Issues = []string{}
	}
	if !r.EstimatedDelivery.IsZero() {
		out.EstimatedDeliveryDate = r.EstimatedDelivery.Local().Format(time.RFC3339)
		out.EstimatedDeliveryTimeZone = r.EstimatedDelivery.Zone
	}
	if !r.UpdatedAt.IsZero() {
		u := r.UpdatedAt.UTC()
		out.UpdatedAt = &u
	}
	return out
}

// TitleJSON is a title on the wire.
type TitleJSON struct {
	MovieID           int64     `json:"movieId"`
	Name              string    `json:"name"`
	ReleaseYear       int       `json:"releaseYear"`
	MovieType         MovieType `json:"movieType"`
	IsOriginal        bool      `json:"isOriginal"`
	ContentPartner    string    `json:"contentPartner"`
	DayOfBroadcast    bool      `json:"dayOfBroadcast" doc:"DOB title."`
	DayAfterBroadcast bool      `json:"dayAfterBroadcast" doc:"DAB title."`
}

// PackageJSON is a package on the wire.
type PackageJSON struct {
	ID        int64    `json:"id"`
	MovieID   int64    `json:"movieId"`
	Countries []string `json:"countries" doc:"ISO 3166-1 alpha-2 codes of the countries the package launches in."`
}

// HistoryJSON is one history entry on the wire.
type HistoryJSON struct {
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	ActorName string    `json:"actorName,omitempty"`
	Role      ActorRole `json:"role"`
	Partner   string    `json:"partner,omitempty"`
	Action    Action    `json:"action"`
	Field     string    `json:"field,omitempty"`
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Comment   string    `json:"comment,omitempty"`
	Version   int64     `json:"version"`
}

func historyJSON(e lot.HistoryEntry) HistoryJSON {
	return HistoryJSON{At: e.At.UTC(), Actor: e.Actor, ActorName: e.ActorName, Role: ActorRole(e.Role), Partner: e.Partner,
		Action: Action(e.Action), Field: e.Field, Before: e.Before, After: e.After, Reason: e.Reason, Comment: e.Comment, Version: e.Version}
}

// CommentJSON is a comment on the wire.
type CommentJSON struct {
	At         time.Time `json:"at"`
	Author     string    `json:"author"`
	AuthorName string    `json:"authorName,omitempty"`
	Role       Role      `json:"role"`
	Partner    string    `json:"partner,omitempty"`
	Text       string    `json:"text"`
}

func commentJSON(e lot.HistoryEntry) CommentJSON {
	return CommentJSON{At: e.At.UTC(), Author: e.Actor, AuthorName: e.ActorName, Role: Role(e.Role), Partner: e.Partner, Text: e.Comment}
}
