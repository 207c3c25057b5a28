package lot

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// VisibleTo reports whether p may see r: an FP sees the requests assigned or
// subassigned to its facility, a CP the requests of its titles, studio and QC
// operators all of them.
func (r *Request) VisibleTo(p Principal) bool { return ScopeOf(p).Contains(r) }

// Deliverable reports whether a file may be delivered to r now. It returns a
// *Error with code not_deliverable when the request is not Open or Redelivery
// Requested, or (except for IMF) when its material status is not Received or
// Accepted.
func (r *Request) Deliverable() error {
	if err := r.mayFrom(OpDeliver); err != nil {
		return err
	}
	if r.SourceType != SourceIMF && !r.MaterialStatus.Usable() {
		return Errorf(CodeNotDeliverable, "set the material status to Received or Accepted before delivering; it is %s", r.MaterialStatus.Name())
	}
	return nil
}

// SetMaterialStatus changes the material status with a required reason and an
// optional comment. Only the fulfillment partner of record and studio
// operators may, and only while the request is open. Setting the status it
// already has changes nothing and records nothing.
func (r *Request) SetMaterialStatus(a Act, to MaterialStatus, reason, comment string) error {
	if err := r.may(OpSetMaterialStatus, a.By); err != nil {
		return err
	}
	if _, err := ParseMaterialStatus(string(to)); err != nil {
		return err
	}
	reason, err := CheckReason(reason, true)
	if err != nil {
		return err
	}
	if comment, err = CheckComment(comment, false); err != nil {
		return err
	}
	if err := r.mayFrom(OpSetMaterialStatus); err != nil {
		return err
	}
	if r.MaterialStatus == to {
		return nil
	}
	from := r.MaterialStatus
	r.MaterialStatus = to
	r.record(a, ruleOf[OpSetMaterialStatus].Action, "materialStatus", string(from), string(to), reason, comment)
	return nil
}

// mayCancel returns a forbidden error unless p may do op (cancel or
// uncancel) on r: studio operators may, on any request; the fulfillment
// partner of record only with the cancel permission, on the source types
// partners may cancel.
func (r *Request) mayCancel(p Principal, op Op) error {
	if err := r.may(op, p); err != nil {
		return err
	}
	if r.PartyOf(p) == PartyStudio {
		return nil
	}
	what := ruleOf[op].doing
	if !r.SourceType.PartnerCancellable() {
		return Errorf(CodeForbidden, "fulfillment partners can %s only Forced Sub and Dub Card Image requests; this is %s", what, r.SourceType.Name())
	}
	if !p.Has(PermCancel) {
		return MissingPermission(PermCancel)
	}
	return nil
}

// Cancel cancels an Open request with a required reason. Studio operators may
// cancel any request; fulfillment partners with the cancel permission only
// Forced Sub and Dub Card Image requests assigned to them.
func (r *Request) Cancel(a Act, reason, comment string) error {
	return r.flip(a, OpCancel, reason, comment)
}

// Uncancel reopens a Cancelled request, under the same permissions as Cancel.
func (r *Request) Uncancel(a Act, reason, comment string) error {
	return r.flip(a, OpUncancel, reason, comment)
}

// flip cancels or uncancels r (op), by the rule of op.
func (r *Request) flip(a Act, op Op, reason, comment string) error {
	if err := r.mayCancel(a.By, op); err != nil {
		return err
	}
	reason, err := CheckReason(reason, true)
	if err != nil {
		return err
	}
	if comment, err = CheckComment(comment, false); err != nil {
		return err
	}
	if err := r.mayFrom(op); err != nil {
		return err
	}
	rule := ruleOf[op]
	from := r.Status
	r.Status = rule.Next(from)
	r.record(a, rule.Action, "status", string(from), string(r.Status), reason, comment)
	return nil
}

// maySubassign returns a forbidden error unless the fulfillment partner of
// record p may subassign at all: its facility (p's own partner) lists
// approved subassignees and p holds the subassign permission. Studio
// operators need neither.
func (r *Request) maySubassign(p Principal, facility *Partner) error {
	if r.PartyOf(p) != PartyFP {
		return nil
	}
	if facility == nil || len(facility.Subassignees) == 0 {
		return Errorf(CodeForbidden, "your facility is not allowed to subassign requests")
	}
	if !p.Has(PermSubassign) {
		return MissingPermission(PermSubassign)
	}
	return nil
}

// Subassign hands the work on r to another approved fulfillment partner. The
// facility of record (facility) must list the target as an approved
// subassignee and the user needs the subassign permission; studio operators
// may subassign to any fulfillment partner. The request must be open.
func (r *Request) Subassign(a Act, facility *Partner, to *Partner, comment string) error {
	if err := r.may(OpSubassign, a.By); err != nil {
		return err
	}
	comment, err := CheckComment(comment, false)
	if err != nil {
		return err
	}
	if to == nil || to.Kind != PartnerFulfillment {
		return Errorf(CodeNotSubassignable, "requests can be subassigned only to a fulfillment partner")
	}
	if to.ID == r.FulfillmentPartner {
		return Errorf(CodeNotSubassignable, "%s is already the fulfillment partner of record", to.ID)
	}
	if err := r.maySubassign(a.By, facility); err != nil {
		return err
	}
	if r.PartyOf(a.By) == PartyFP && !facility.MaySubassignTo(to.ID) {
		return Errorf(CodeNotSubassignable, "%s is not an approved partner for your facility", to.ID)
	}
	if err := r.mayFrom(OpSubassign); err != nil {
		return err
	}
	if r.SubAssignee == to.ID {
		return nil
	}
	from := r.SubAssignee
	r.SubAssignee = to.ID
	r.record(a, ruleOf[OpSubassign].Action, "subAssignee", from, to.ID, "", comment)
	return nil
}

// TakeBack ends r's subassignment: the fulfillment partner of record (with
// the subassign permission, as for Subassign) or a studio operator takes
// the work back from the subassignee, while the request is open. A request
// that is not subassigned answers not_allowed.
func (r *Request) TakeBack(a Act, facility *Partner, comment string) error {
	if err := r.may(OpTakeBack, a.By); err != nil {
		return err
	}
	comment, err := CheckComment(comment, false)
	if err != nil {
		return err
	}
	if err := r.maySubassign(a.By, facility); err != nil {
		return err
	}
	if err := r.mayFrom(OpTakeBack); err != nil {
		return err
	}
	if err := r.subassigned(); err != nil {
		return err
	}
	from := r.SubAssignee
	r.SubAssignee = ""
	r.record(a, ruleOf[OpTakeBack].Action, "subAssignee", from, "", "", comment)
	return nil
}

// subassigned returns not_allowed unless r is subassigned.
func (r *Request) subassigned() error {
	if r.SubAssignee == "" {
		return Errorf(CodeNotAllowed, "this request is not subassigned; there is nothing to take back")
	}
	return nil
}

// SetEstimatedDelivery sets the estimated delivery date from a day, a time of
// day (HH:MM), an IANA time zone and a reason from EDDReasons (Other needs a
// comment). The fulfillment partner of record and studio operators may, while
// the request is open. It fails with invalid for a bad day, time or zone.
func (r *Request) SetEstimatedDelivery(a Act, day Date, clock string, zone string, reason EDDReason, comment string) error {
	if err := r.may(OpSetEstimatedDelivery, a.By); err != nil {
		return err
	}
	at, err := EDDAt(day, clock, zone)
	if err != nil {
		return err
	}
	if _, err := ParseEDDReason(string(reason)); err != nil {
		return err
	}
	if comment, err = CheckComment(comment, false); err != nil {
		return err
	}
	if reason == EDDOther && comment == "" {
		return Errorf(CodeInvalid, "the reason Other needs a comment that explains it")
	}
	if err := r.mayFrom(OpSetEstimatedDelivery); err != nil {
		return err
	}
	if at.Before(a.At.Add(-time.Minute)) {
		return Errorf(CodeInvalid, "the estimated delivery date %s is in the past", at.Format(time.RFC3339))
	}
	before := ""
	if !r.EstimatedDelivery.IsZero() {
		before = r.EstimatedDelivery.Local().Format(time.RFC3339) + " " + r.EstimatedDelivery.Zone
	}
	r.EstimatedDelivery = EDD{At: at.UTC(), Zone: zone}
	r.record(a, ruleOf[OpSetEstimatedDelivery].Action, "estimatedDeliveryDate", before, at.Format(time.RFC3339)+" "+zone, string(reason), comment)
	return nil
}

// EDDAt combines a day, a time of day (HH:MM, 24 h) and an IANA zone into an
// instant. It fails with invalid naming the bad part.
func EDDAt(day Date, clock, zone string) (time.Time, error) {
	if day.IsZero() {
		return time.Time{}, Errorf(CodeInvalid, "a date is required")
	}
	hm, err := time.Parse("15:04", strings.TrimSpace(clock))
	if err != nil {
		return time.Time{}, Errorf(CodeInvalid, "time %q is not a time of day such as 17:30", truncate(clock, 20))
	}
	if strings.TrimSpace(zone) == "" || strings.EqualFold(zone, "local") {
		return time.Time{}, Errorf(CodeInvalid, "a time zone such as America/Los_Angeles is required")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, Errorf(CodeInvalid, "time zone %q is not an IANA time zone such as Europe/Madrid", truncate(zone, 40))
	}
	return time.Date(day.Year, day.Month, day.Day, hm.Hour(), hm.Minute(), 0, 0, loc), nil
}

// serviceTypeEditable returns not_allowed unless r's source type has a
// service type people may edit.
func (r *Request) serviceTypeEditable() error {
	if !r.SourceType.ServiceTypeEditable() {
		return Errorf(CodeNotAllowed, "the service type can be edited only on Subtitle, SDH/CC, Forced Sub, Secondary Audio and Audio Description requests; this is %s", r.SourceType.Name())
	}
	return nil
}

// SettableServiceTypes are the service types a request may be set to:
// Unknown is only where a request starts, never a decision.
var SettableServiceTypes = []ServiceType{ServiceCreate, ServiceConform}

// ParseServiceTypeChange accepts a code or display name of a settable
// service type; it fails with CodeInvalid, also for Unknown.
func ParseServiceTypeChange(s string) (ServiceType, error) {
	return parseEnum("service type", s, SettableServiceTypes)
}

// SetServiceType changes the service type to Create or Conform (Unknown
// fails with invalid). It
// applies only to Subtitle, SDH/CC, Forced Sub, Secondary Audio and Audio
// Description requests that are open.
func (r *Request) SetServiceType(a Act, to ServiceType, comment string) error {
	if err := r.may(OpSetServiceType, a.By); err != nil {
		return err
	}
	if _, err := ParseServiceTypeChange(string(to)); err != nil {
		return err
	}
	comment, err := CheckComment(comment, false)
	if err != nil {
		return err
	}
	if err := r.serviceTypeEditable(); err != nil {
		return err
	}
	if err := r.mayFrom(OpSetServiceType); err != nil {
		return err
	}
	if r.ServiceType == to {
		return nil
	}
	from := r.ServiceType
	r.ServiceType = to
	r.record(a, ruleOf[OpSetServiceType].Action, "serviceType", string(from), string(to), "", comment)
	return nil
}

// AddComment adds a comment. Everyone who sees the request may comment
// (who sees it is the caller's check).
func (r *Request) AddComment(a Act, text string) error {
	if err := r.may(OpComment, a.By); err != nil {
		return err
	}
	text, err := CheckComment(text, true)
	if err != nil {
		return err
	}
	if err := r.mayFrom(OpComment); err != nil {
		return err
	}
	r.record(a, ruleOf[OpComment].Action, "", "", "", "", text)
	return nil
}

// RequestRedelivery rejects the delivered asset and opens the request for a new
// delivery (studio operators only; from Delivered or Processed).
func (r *Request) RequestRedelivery(a Act, reason, comment string) error {
	if err := r.may(OpRequestRedelivery, a.By); err != nil {
		return err
	}
	reason, err := CheckReason(reason, true)
	if err != nil {
		return err
	}
	if comment, err = CheckComment(comment, false); err != nil {
		return err
	}
	if err := r.mayFrom(OpRequestRedelivery); err != nil {
		return err
	}
	rule := ruleOf[OpRequestRedelivery]
	from := r.Status
	r.Status = rule.Next(from)
	r.record(a, rule.Action, "status", string(from), string(r.Status), reason, comment)
	return nil
}

// Upgrade marks a Delivered or Processed request Upgraded, pointing at the new
// request newID that asks for a better version (studio operators only).
func (r *Request) Upgrade(a Act, newID, reason string) error {
	if err := r.may(OpUpgrade, a.By); err != nil {
		return err
	}
	reason, err := CheckReason(reason, true)
	if err != nil {
		return err
	}
	if err := r.mayFrom(OpUpgrade); err != nil {
		return err
	}
	rule := ruleOf[OpUpgrade]
	from := r.Status
	r.Status = rule.Next(from)
	r.UpgradedTo = newID
	r.record(a, rule.Action, "status", string(from), string(r.Status), reason, "upgraded by request "+newID)
	return nil
}

// NewRequest is what a studio operator asks for when creating a request.
type NewRequest struct {
	Title              *Title
	Package            *Package
	FulfillmentPartner *Partner
	SourceType         SourceType
	Language           string
	ServiceType        ServiceType
	DueDate            Date
	MaterialStatus     MaterialStatus
	Issues             []string
	Comment            string
}

// Create builds a new Open request with ID id from n, recording its creation.
// Only studio operators may. It fails with invalid when the title, package or
// partner do not fit together or a field is missing.
func Create(a Act, id string, n NewRequest) (*Request, error) {
	rule := ruleOf[OpCreate]
	if err := rule.allow(partyOf(a.By, "", ""), a.By, ""); err != nil {
		return nil, err
	}
	if n.Title == nil || n.Package == nil || n.FulfillmentPartner == nil {
		return nil, Errorf(CodeInvalid, "a title, a package and a fulfillment partner are required")
	}
	if n.Package.MovieID != n.Title.MovieID {
		return nil, Errorf(CodeInvalid, "package %d belongs to title %d, not %d", n.Package.ID, n.Package.MovieID, n.Title.MovieID)
	}
	if n.FulfillmentPartner.Kind != PartnerFulfillment {
		return nil, Errorf(CodeInvalid, "%s is not a fulfillment partner", n.FulfillmentPartner.ID)
	}
	if _, err := ParseSourceType(string(n.SourceType)); err != nil {
		return nil, err
	}
	lang := ""
	if n.Language != "" {
		var err error
		if lang, err = CheckLanguage(n.Language); err != nil {
			return nil, err
		}
	} else if n.SourceType.NeedsLanguage() {
		return nil, Errorf(CodeInvalid, "%s requests need a language", n.SourceType.Name())
	}
	if n.ServiceType == "" {
		n.ServiceType = ServiceUnknown
	}
	if _, err := ParseServiceType(string(n.ServiceType)); err != nil {
		return nil, err
	}
	if n.MaterialStatus == "" {
		n.MaterialStatus = MaterialNotReceived
	}
	if _, err := ParseMaterialStatus(string(n.MaterialStatus)); err != nil {
		return nil, err
	}
	if n.DueDate.IsZero() {
		return nil, Errorf(CodeInvalid, "a due date is required")
	}
	comment, err := CheckComment(n.Comment, false)
	if err != nil {
		return nil, err
	}
	issues, err := CheckIssues(n.Issues)
	if err != nil {
		return nil, err
	}
	r := &Request{
		ID: id, MovieID: n.Title.MovieID, TitleName: n.Title.Name, MovieType: n.Title.MovieType, IsOriginal: n.Title.IsOriginal,
		PackageID: n.Package.ID, Countries: slices.Clone(n.Package.Countries),
		SourceType: n.SourceType, Language: lang, ServiceType: n.ServiceType, DueDate: n.DueDate,
		Status: rule.To, MaterialStatus: n.MaterialStatus, Issues: issues,
		FulfillmentPartner: n.FulfillmentPartner.ID, ContentPartner: n.Title.ContentPartner,
		CreatedAt: a.At,
	}
	r.record(a, rule.Action, "status", "", string(r.Status), "", comment)
	return r, nil
}

// UpgradeTo builds the Open request that replaces old (which Upgrade marks),
// with ID id, the same title, package, partner and language, and the new
// source type and due date where given.
func UpgradeTo(a Act, old *Request, id string, sourceType SourceType, due Date, reason string) (*Request, error) {
	if err := old.may(OpUpgrade, a.By); err != nil {
		return nil, err
	}
	n := old.Clone()
	n.ID, n.Version, n.CreatedAt = id, 0, a.At
	n.Status, n.UpgradedFrom, n.UpgradedTo = ruleOf[OpCreate].To, old.ID, ""
	n.EstimatedDelivery = EDD{}
	if sourceType != "" {
		if _, err := ParseSourceType(string(sourceType)); err != nil {
			return nil, err
		}
		n.SourceType = sourceType
	}
	if !due.IsZero() {
		n.DueDate = due
	}
	n.record(a, ActionCreatedByUpgrade, "status", "", string(n.Status), reason, "upgrade of request "+old.ID)
	return n, nil
}

// CheckIssues trims, deduplicates and bounds a list of issue names (at most 20,
// each 1–80 characters). It fails with invalid.
func CheckIssues(in []string) ([]string, error) {
	if len(in) > 20 {
		return nil, Errorf(CodeInvalid, "at most 20 issues may be named")
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		t := strings.TrimSpace(s)
		if t == "" || len([]rune(t)) > 80 {
			return nil, Errorf(CodeInvalid, "issue names must be 1–80 characters")
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

// SetMaterialsAvailable records whether the materials the request needs are
// there to download ("Materials Available" beside the partner's own
// material status): studio operators say so by hand, openlot when the
// title gets them (MaterialsNeeded). Only open requests take it; setting
// what is already set changes nothing and records nothing.
func (r *Request) SetMaterialsAvailable(a Act, available bool, comment string) error {
	if err := r.may(OpMarkMaterials, a.By); err != nil {
		return err
	}
	comment, err := CheckComment(comment, false)
	if err != nil {
		return err
	}
	if err := r.mayFrom(OpMarkMaterials); err != nil {
		return err
	}
	if r.MaterialsAvailable == available {
		return nil
	}
	r.MaterialsAvailable = available
	r.record(a, ruleOf[OpMarkMaterials].Action, "materialsAvailable", strconv.FormatBool(!available), strconv.FormatBool(available), "", comment)
	return nil
}

// MaterialsNeeded lists the asset types a partner needs to work on a
// request of this source type: a dub needs the picture and the M&E, audio
// description the picture and the printmaster, subtitles, scripts and dub
// cards the picture. Sources the studio's content partner delivers from
// its own masters (AV, IMF, printmaster, M&E, proxies) need none: openlot
// never marks their materials available by itself.
func (s SourceType) MaterialsNeeded() []AssetType {
	switch s {
	case SourceSecondaryAudio:
		return []AssetType{AssetProxyVideo, AssetME}
	case SourceAudioDescription:
		return []AssetType{AssetProxyVideo, AssetPrintmaster}
	case SourceSubtitle, SourceSDHCC, SourceForcedSub, SourceFinalScript, SourceDubCardImage:
		return []AssetType{AssetProxyVideo}
	case SourceSecondaryAVMuxed:
		return []AssetType{AssetFinalProxy}
	}
	return nil
}
