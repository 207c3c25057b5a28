package lot

import (
	"strings"
)

// Enumerations are strings holding their wire code (UPPER_SNAKE_CASE); Name
// gives the display name users read in the articles.

type enum interface {
	~string
	Name() string
}

// parseEnum accepts a code or a display name, case-insensitively, ignoring
// surrounding blanks. It returns an invalid error naming what and the choices.
func parseEnum[T enum](what, s string, all []T) (T, error) {
	t := strings.TrimSpace(s)
	for _, v := range all {
		if strings.EqualFold(t, string(v)) || strings.EqualFold(t, v.Name()) {
			return v, nil
		}
	}
	codes := make([]string, len(all))
	for i, v := range all {
		codes[i] = string(v)
	}
	var zero T
	return zero, Errorf(CodeInvalid, "%s %q is not one of %s", what, truncate(s, 40), strings.Join(codes, ", "))
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// RequestStatus is the status of a source request.
type RequestStatus string

const (
	StatusOpen                RequestStatus = "OPEN"
	StatusRedeliveryRequested RequestStatus = "REDELIVERY_REQUESTED"
	StatusDelivered           RequestStatus = "DELIVERED"
	StatusProcessed           RequestStatus = "PROCESSED"
	StatusUpgraded            RequestStatus = "UPGRADED"
	StatusCancelled           RequestStatus = "CANCELLED"
)

// RequestStatuses lists every request status in display order.
var RequestStatuses = []RequestStatus{StatusOpen, StatusRedeliveryRequested, StatusDelivered, StatusProcessed, StatusUpgraded, StatusCancelled}

var requestStatusNames = map[RequestStatus]string{
	StatusOpen: "Open", StatusRedeliveryRequested: "Redelivery Requested", StatusDelivered: "Delivered",
	StatusProcessed: "Processed", StatusUpgraded: "Upgraded", StatusCancelled: "Cancelled",
}

func (s RequestStatus) Name() string { return requestStatusNames[s] }

// ParseRequestStatus accepts a code or display name; it fails with CodeInvalid.
func ParseRequestStatus(s string) (RequestStatus, error) {
	return parseEnum("request status", s, RequestStatuses)
}

// MaterialStatus tells how far the partner got with the materials it needs.
type MaterialStatus string

const (
	MaterialNotReceived MaterialStatus = "NOT_RECEIVED"
	MaterialAssigned    MaterialStatus = "ASSIGNED"
	MaterialReceived    MaterialStatus = "RECEIVED"
	MaterialAccepted    MaterialStatus = "ACCEPTED"
	MaterialRejected    MaterialStatus = "REJECTED"
)

// MaterialStatuses lists every material status.
var MaterialStatuses = []MaterialStatus{MaterialNotReceived, MaterialAssigned, MaterialReceived, MaterialAccepted, MaterialRejected}

var materialStatusNames = map[MaterialStatus]string{
	MaterialNotReceived: "Not Received", MaterialAssigned: "Assigned", MaterialReceived: "Received",
	MaterialAccepted: "Accepted", MaterialRejected: "Rejected",
}

func (s MaterialStatus) Name() string { return materialStatusNames[s] }

// Usable reports whether material in status s allows a delivery (Received or Accepted).
func (s MaterialStatus) Usable() bool { return s == MaterialReceived || s == MaterialAccepted }

// ParseMaterialStatus accepts a code or display name; it fails with CodeInvalid.
func ParseMaterialStatus(s string) (MaterialStatus, error) {
	return parseEnum("material status", s, MaterialStatuses)
}

// ServiceType says whether the partner creates the asset or conforms an existing one.
type ServiceType string

const (
	ServiceCreate  ServiceType = "CREATE"
	ServiceConform ServiceType = "CONFORM"
	ServiceUnknown ServiceType = "UNKNOWN"
)

// ServiceTypes lists every service type.
var ServiceTypes = []ServiceType{ServiceCreate, ServiceConform, ServiceUnknown}

var serviceTypeNames = map[ServiceType]string{ServiceCreate: "Create", ServiceConform: "Conform", ServiceUnknown: "Unknown"}

func (s ServiceType) Name() string { return serviceTypeNames[s] }

// ParseServiceType accepts a code or display name; it fails with CodeInvalid.
func ParseServiceType(s string) (ServiceType, error) {
	return parseEnum("service type", s, ServiceTypes)
}

// SourceType is the kind of asset a request asks for.
type SourceType string

const (
	SourceAVMuxed               SourceType = "AV_MUXED"
	SourceSecondaryAVMuxed      SourceType = "SECONDARY_AV_MUXED"
	SourceIMF                   SourceType = "IMF"
	SourceAudioPrintMaster      SourceType = "AUDIO_PRINT_MASTER"
	SourceAudioME               SourceType = "AUDIO_ME"
	SourceSecondaryAudio        SourceType = "SECONDARY_AUDIO"
	SourceAudioDescription      SourceType = "AUDIO_DESCRIPTION"
	SourceSubtitle              SourceType = "SUBTITLE"
	SourceSDHCC                 SourceType = "SDH_CC"
	SourceForcedSub             SourceType = "FORCED_SUB"
	SourceFinalScript           SourceType = "FINAL_SCRIPT"
	SourceDubCardImage          SourceType = "DUB_CARD_IMAGE"
	SourceProductionLockedProxy SourceType = "PRODUCTION_LOCKED_PROXY"
	SourceNonIMFDelivery        SourceType = "NON_IMF_DELIVERY"
)

// SourceTypes lists every source type.
var SourceTypes = []SourceType{
	SourceAVMuxed, SourceSecondaryAVMuxed, SourceIMF, SourceAudioPrintMaster, SourceAudioME,
	SourceSecondaryAudio, SourceAudioDescription, SourceSubtitle, SourceSDHCC, SourceForcedSub,
	SourceFinalScript, SourceDubCardImage, SourceProductionLockedProxy, SourceNonIMFDelivery,
}

var sourceTypeNames = map[SourceType]string{
	SourceAVMuxed: "AV Muxed", SourceSecondaryAVMuxed: "Secondary AV Muxed", SourceIMF: "IMF",
	SourceAudioPrintMaster: "Audio Print Master", SourceAudioME: "Audio M&E",
	SourceSecondaryAudio: "Secondary Audio", SourceAudioDescription: "Audio Description",
	SourceSubtitle: "Subtitle", SourceSDHCC: "SDH/CC", SourceForcedSub: "Forced Sub",
	SourceFinalScript: "Final Script", SourceDubCardImage: "Dub Card Image",
	SourceProductionLockedProxy: "Production Locked Proxy", SourceNonIMFDelivery: "Non-IMF delivery",
}

func (s SourceType) Name() string { return sourceTypeNames[s] }

// ParseSourceType accepts a code or display name; it fails with CodeInvalid.
func ParseSourceType(s string) (SourceType, error) { return parseEnum("source type", s, SourceTypes) }

// NeedsLanguage reports whether requests of this source type name a language
// (dubs, subtitles, scripts ...). The others may, but need not.
func (s SourceType) NeedsLanguage() bool {
	switch s {
	case SourceSecondaryAudio, SourceAudioDescription, SourceSubtitle, SourceSDHCC, SourceForcedSub,
		SourceFinalScript, SourceDubCardImage, SourceSecondaryAVMuxed:
		return true
	}
	return false
}

// ServiceTypeEditable reports whether the service type of requests of this
// source type may be edited (Subtitle, SDH/CC, Forced Sub, Secondary Audio,
// Audio Description).
func (s SourceType) ServiceTypeEditable() bool {
	switch s {
	case SourceSubtitle, SourceSDHCC, SourceForcedSub, SourceSecondaryAudio, SourceAudioDescription:
		return true
	}
	return false
}

// PartnerCancellable reports whether fulfillment partners (with the cancel
// permission) may cancel and uncancel requests of this source type.
func (s SourceType) PartnerCancellable() bool {
	return s == SourceForcedSub || s == SourceDubCardImage
}

// MovieType is the kind of title.
type MovieType string

const (
	MovieStandalone   MovieType = "STANDALONE"
	MovieEpisode      MovieType = "EPISODE"
	MovieSupplemental MovieType = "SUPPLEMENTAL"
)

// MovieTypes lists every movie type.
var MovieTypes = []MovieType{MovieStandalone, MovieEpisode, MovieSupplemental}

var movieTypeNames = map[MovieType]string{MovieStandalone: "Standalone", MovieEpisode: "Episode", MovieSupplemental: "Supplemental"}

func (m MovieType) Name() string { return movieTypeNames[m] }

// ParseMovieType accepts a code or display name; it fails with CodeInvalid.
func ParseMovieType(s string) (MovieType, error) { return parseEnum("movie type", s, MovieTypes) }

// EDDReason is why an estimated delivery date changed.
type EDDReason string

const (
	EDDMaterialsLate  EDDReason = "MATERIALS_LATE"
	EDDTechnicalIssue EDDReason = "TECHNICAL_ISSUE"
	EDDCapacity       EDDReason = "CAPACITY"
	EDDStudioRequest  EDDReason = "STUDIO_REQUEST"
	EDDOther          EDDReason = "OTHER"
)

// EDDReasons lists every reason for an estimated delivery date change.
var EDDReasons = []EDDReason{EDDMaterialsLate, EDDTechnicalIssue, EDDCapacity, EDDStudioRequest, EDDOther}

var eddReasonNames = map[EDDReason]string{
	EDDMaterialsLate: "Materials late", EDDTechnicalIssue: "Technical issue", EDDCapacity: "Capacity",
	EDDStudioRequest: "Studio request", EDDOther: "Other",
}

func (r EDDReason) Name() string { return eddReasonNames[r] }

// ParseEDDReason accepts a code or display name; it fails with CodeInvalid.
func ParseEDDReason(s string) (EDDReason, error) {
	return parseEnum("estimated delivery date reason", s, EDDReasons)
}

// Role is what kind of user (or machine client) acts.
type Role string

const (
	RoleFP     Role = "FP"
	RoleCP     Role = "CP"
	RoleStudio Role = "STUDIO"
	RoleQC     Role = "QC"
	// RoleSystem is openlot itself (inspection, QC outcomes): it appears on
	// history entries, never as a user's or client's role.
	RoleSystem Role = "SYSTEM"
)

// Roles lists every role a user or machine client may have.
var Roles = []Role{RoleFP, RoleCP, RoleStudio, RoleQC}

// ActorRoles lists every role a history entry may name: Roles and RoleSystem.
var ActorRoles = []Role{RoleFP, RoleCP, RoleStudio, RoleQC, RoleSystem}

var roleNames = map[Role]string{RoleFP: "Fulfillment Partner", RoleCP: "Content Partner", RoleStudio: "Studio operator", RoleQC: "QC operator",
	RoleSystem: "openlot (automatic)"}

func (r Role) Name() string { return roleNames[r] }

// ParseRole accepts a code or display name; it fails with CodeInvalid.
func ParseRole(s string) (Role, error) { return parseEnum("role", s, Roles) }

// Action names what a history entry records.
type Action string

const (
	ActionCreated             Action = "CREATED"
	ActionMaterialStatus      Action = "MATERIAL_STATUS_CHANGED"
	ActionCancelled           Action = "CANCELLED"
	ActionUncancelled         Action = "UNCANCELLED"
	ActionSubassigned         Action = "SUBASSIGNED"
	ActionEDDChanged          Action = "ESTIMATED_DELIVERY_DATE_CHANGED"
	ActionServiceType         Action = "SERVICE_TYPE_CHANGED"
	ActionCommented           Action = "COMMENTED"
	ActionRedeliveryRequested Action = "REDELIVERY_REQUESTED"
	ActionUpgraded            Action = "UPGRADED"
	ActionCreatedByUpgrade    Action = "CREATED_BY_UPGRADE"
	ActionDelivered           Action = "DELIVERED"
	ActionProcessed           Action = "PROCESSED"
	ActionInspectionFailed    Action = "INSPECTION_FAILED"
	ActionOverridden          Action = "INSPECTION_OVERRIDDEN"
	ActionOverrideVerified    Action = "OVERRIDE_VERIFIED"
	ActionTransferIgnored     Action = "DELIVERY_IGNORED"
	ActionQCPassed            Action = "QC_PASSED"
	ActionQCFailed            Action = "QC_FAILED"
	ActionMaterialsAvailable  Action = "MATERIALS_AVAILABILITY_CHANGED"
)

// Actions lists every history action.
var Actions = []Action{
	ActionCreated, ActionMaterialStatus, ActionCancelled, ActionUncancelled, ActionSubassigned,
	ActionEDDChanged, ActionServiceType, ActionCommented, ActionRedeliveryRequested, ActionUpgraded,
	ActionCreatedByUpgrade, ActionDelivered, ActionProcessed, ActionInspectionFailed,
	ActionOverridden, ActionOverrideVerified, ActionTransferIgnored, ActionQCPassed, ActionQCFailed,
	ActionMaterialsAvailable,
}

var actionNames = map[Action]string{
	ActionCreated: "Request created", ActionMaterialStatus: "Material status changed",
	ActionCancelled: "Request cancelled", ActionUncancelled: "Request uncancelled",
	ActionSubassigned: "Request subassigned", ActionEDDChanged: "Estimated delivery date changed",
	ActionServiceType: "Service type changed", ActionCommented: "Comment added",
	ActionRedeliveryRequested: "Redelivery requested", ActionUpgraded: "Request upgraded",
	ActionCreatedByUpgrade: "Request created by upgrade", ActionDelivered: "Files delivered",
	ActionProcessed: "Delivery passed inspection", ActionInspectionFailed: "Delivery failed inspection",
	ActionOverridden: "Override submitted, pending verification", ActionOverrideVerified: "Override verified: Overridden",
	ActionTransferIgnored: "Delivery ignored",
	ActionQCPassed:        "QC passed", ActionQCFailed: "QC failed",
	ActionMaterialsAvailable: "Materials availability changed",
}

func (a Action) Name() string { return actionNames[a] }

// Permission is a right granted to a principal beyond its role.
type Permission string

const (
	PermCancel    Permission = "cancel"
	PermSubassign Permission = "subassign"
)

// Permissions lists every permission.
var Permissions = []Permission{PermCancel, PermSubassign}

// PartnerKind says which side of the supply chain a partner is on.
type PartnerKind string

const (
	PartnerFulfillment PartnerKind = "FULFILLMENT"
	PartnerContent     PartnerKind = "CONTENT"
)

var partnerKindNames = map[PartnerKind]string{PartnerFulfillment: "Fulfillment Partner", PartnerContent: "Content Partner"}

func (k PartnerKind) Name() string { return partnerKindNames[k] }

// PartnerKinds lists every partner kind.
var PartnerKinds = []PartnerKind{PartnerFulfillment, PartnerContent}
