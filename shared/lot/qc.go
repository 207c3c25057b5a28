package lot

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// QCStatus is where a quality-control request stands.
type QCStatus string

// QC statuses.
const (
	QCNotReady         QCStatus = "NOT_READY"
	QCReady            QCStatus = "READY"
	QCInProgress       QCStatus = "IN_PROGRESS"
	QCOnHold           QCStatus = "ON_HOLD"
	QCFixNotesNeeded   QCStatus = "FIX_NOTES_NEEDED"
	QCPassed           QCStatus = "PASSED"
	QCPassedWithIssues QCStatus = "PASSED_WITH_ISSUES"
	QCFailed           QCStatus = "FAILED"
	QCCanceled         QCStatus = "CANCELED"
)

// QCStatuses lists every QC status.
var QCStatuses = []QCStatus{QCNotReady, QCReady, QCInProgress, QCOnHold, QCFixNotesNeeded, QCPassed, QCPassedWithIssues, QCFailed, QCCanceled}

var qcStatusNames = map[QCStatus]string{QCNotReady: "Not Ready", QCReady: "Ready", QCInProgress: "In Progress", QCOnHold: "On Hold",
	QCFixNotesNeeded: "Fix Notes Needed", QCPassed: "Passed", QCPassedWithIssues: "Passed With Issues", QCFailed: "Failed", QCCanceled: "Canceled"}

// Name is the status as people read it.
func (s QCStatus) Name() string { return qcStatusNames[s] }

// Queue names a work queue a delivery waits in: the studio's verification
// of an override, or QC in one status. Stores index transfers by it.
type Queue string

// QueueVerify holds overridden deliveries waiting for the studio to verify
// or reject the override.
const QueueVerify Queue = "VERIFY"

// QueueQC is the queue of the deliveries whose QC is in status s.
func QueueQC(s QCStatus) Queue { return Queue("QC#" + string(s)) }

// Queue is the one queue t waits in, "" for none. An override waiting for
// the studio comes first: a delivery processed once (with QC) and
// overridden after a new inspection waits for the studio, its QC with it.
func (t *Transfer) Queue() Queue {
	switch {
	case t.Status == TransferOverridden:
		return QueueVerify
	case t.QC != nil:
		return QueueQC(t.QC.Status)
	}
	return ""
}

// ParseQCStatus accepts a code or a display name, any case.
func ParseQCStatus(s string) (QCStatus, error) { return parseEnum("QC status", s, QCStatuses) }

// Finished reports whether QC ended.
func (s QCStatus) Finished() bool {
	return s == QCPassed || s == QCPassedWithIssues || s == QCFailed || s == QCCanceled
}

// Severity is how much a QC event matters.
type Severity string

// Severities, from least to most.
const (
	SeverityFYI     Severity = "FYI"
	SeverityIssue   Severity = "ISSUE"
	SeverityBlocker Severity = "BLOCKER"
)

// Severities lists them.
var Severities = []Severity{SeverityFYI, SeverityIssue, SeverityBlocker}

// QCCategory is one entry of the numbered QC glossary: what an event is
// about, and help a partner reads to fix it.
type QCCategory struct {
	Code string `json:"code"` // e.g. "1.3"
	Name string `json:"name"`
	Help string `json:"help"`
}

// QCGlossary is the numbered list of what QC events are about.
var QCGlossary = []QCCategory{
	{"1.1", "Video: black or blank frames", "Picture missing where the programme has picture: unintended black, blank or frozen frames. Check the edit and the render around the timecode; intended fades belong in a note with the delivery."},
	{"1.2", "Video: dropped or repeated frames", "Frames missing or shown twice, seen as a stutter or jump. Usually a frame-rate conversion or capture fault: render again from the source at the delivery's frame rate."},
	{"1.3", "Video: compression artefacts", "Blocking, banding, mosquito noise or smearing beyond what the reference shows. Encode again at the bit rate the source type's specification asks for."},
	{"1.4", "Video: aspect ratio or framing", "The picture is stretched, squeezed, cropped or letterboxed differently from the reference. Check the active picture area and the display aspect ratio flag."},
	{"1.5", "Video: colour or levels", "Colour, contrast or luma/chroma levels differ from the reference or go outside legal range. Check the colour space, range (full or limited) and the grade applied."},
	{"1.6", "Video: burnt-in text or graphics", "Text, subtitles, logos or watermarks in the picture that the delivery must not carry, or that are missing where the reference has them. Deliver the textless or texted version asked for."},
	{"2.1", "Audio: sync", "Sound and picture drift or are offset (lip sync). Measure the offset at the timecode and at the end; a constant offset is an edit fault, a growing one a rate mismatch."},
	{"2.2", "Audio: dropout or silence", "Sound missing where the programme has sound: a dropout, a gap or a muted channel. Check the mix and the stems at the timecode."},
	{"2.3", "Audio: distortion, clicks or noise", "Clipping, crackle, clicks, hum or hiss not in the reference. Check the levels of the mix and the conversion of the source."},
	{"2.4", "Audio: levels or loudness", "The programme is too loud or too quiet for the loudness the specification asks for, or its dialogue level moves. Measure integrated loudness and true peak over the whole programme."},
	{"2.5", "Audio: channel layout or phase", "Channels in the wrong order, missing, swapped or out of phase (e.g. dialogue not in the centre of a 5.1). Check the layout against the delivery metadata."},
	{"2.6", "Audio: wrong language or mix", "The track carries another language or another mix (M&E, a temp mix) than the request asks for. Check the language of each track and the mix version."},
	{"3.1", "Subtitles: timing", "Subtitles appear too early, too late or stay too long against the dialogue or shot changes. Re-time against the delivered video, at its frame rate."},
	{"3.2", "Subtitles: translation or spelling", "A mistranslation, a spelling or grammar error, or terms that do not follow the title's glossary. Correct the text; keep names and terms consistent."},
	{"3.3", "Subtitles: reading speed or line length", "More characters per second or per line than the style guide allows, or more than two lines. Condense the text or split the event."},
	{"3.4", "Subtitles: positioning", "A subtitle covers burnt-in text or a speaker's face, or sits where the style guide does not allow. Move it, usually to the top, for the span of the conflict."},
	{"3.5", "Subtitles: missing or extra events", "Dialogue, forced narrative or songs without a subtitle, or subtitles with no dialogue. Compare against the script and the reference."},
	{"4.1", "Content: edit differs from the reference", "Shots or scenes added, missing or in another order than the reference cut. Conform the delivery to the locked picture."},
	{"4.2", "Content: slate, credits or cards", "The slate, head or tail credits, dub cards or title cards are missing, wrong or in the wrong language. Check them against the request's specification."},
	{"4.3", "Content: compliance", "Content that needs a change for the territories of the package (ratings, legal text, product placement). The note says what; the studio decides if it blocks."},
}

// QCEvent is one note a QC operator makes, at a timecode range.
type QCEvent struct {
	N         int       `json:"n"` // 1, 2, … in the order they were added
	In        string    `json:"in"`
	Out       string    `json:"out"`
	Severity  Severity  `json:"severity"`
	Category  string    `json:"category"`
	Note      string    `json:"note"`
	By        string    `json:"by"`
	ByName    string    `json:"byName,omitempty"` // the person's name when the event was added
	At        time.Time `json:"at"`
	SignedOff bool      `json:"signedOff,omitempty"` // an Issue accepted as it is
}

// QCChange is one step of a QC request's timeline.
type QCChange struct {
	Status QCStatus  `json:"status"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	ByName string    `json:"byName,omitempty"` // the person's name at the time
	Note   string    `json:"note,omitempty"`
}

// QC is the quality-control request of a processed delivery.
type QC struct {
	Status    QCStatus   `json:"status"`
	FrameRate float64    `json:"frameRate"` // of the delivered video: timecodes count its frames
	DropFrame bool       `json:"dropFrame,omitempty"`
	Events    []QCEvent  `json:"events"`
	Timeline  []QCChange `json:"timeline"`
	Applied   bool       `json:"applied,omitempty"` // its outcome is in the request's history
}

func (q *QC) move(a Act, to QCStatus, note string) {
	by := a.By.Subject
	if by == "" {
		by = "openlot"
	}
	q.Status = to
	q.Timeline = append(q.Timeline, QCChange{Status: to, At: a.At, By: by, ByName: a.By.Name, Note: note})
}

// Counts is how many events of each severity QC holds.
func (q *QC) Counts() map[Severity]int {
	out := map[Severity]int{}
	for _, e := range q.Events {
		out[e.Severity]++
	}
	return out
}

// Why a delivery's QC turns Ready: the two ways a delivery becomes
// Processed.
const (
	QCReadyInspected = "the delivery passed inspection"
	QCReadyVerified  = "the studio verified the override of its failed inspection"
)

// NewQC opens QC on a processed delivery: Not Ready, then Ready at once
// (the delivery is processed, so there is something to check), the
// timeline saying why (QCReadyInspected or QCReadyVerified).
func NewQC(a Act, frameRate float64, why string) *QC {
	if frameRate <= 0 {
		frameRate = 24
	}
	q := &QC{FrameRate: frameRate, Events: []QCEvent{}}
	q.move(a, QCNotReady, "")
	q.move(a, QCReady, why)
	return q
}

// qcOnly returns a forbidden error unless p works on QC: whoever may finish
// QC, by the status rule of a failed QC, may take every QC action.
func qcOnly(p Principal) error {
	return ruleOf[OpQCFailed].allow(partyOf(p, "", ""), p, "")
}

// QCAction is a change of a QC request's status.
type QCAction string

// QC actions.
const (
	QCStart    QCAction = "start"
	QCHold     QCAction = "hold"
	QCFixNotes QCAction = "fix-notes"
	QCResume   QCAction = "resume"
	QCFinish   QCAction = "finish"
	QCCancel   QCAction = "cancel"
	QCAddEvent QCAction = "event"
	QCSignOff  QCAction = "sign-off"
)

var qcMoves = map[QCAction]struct {
	from []QCStatus
	to   QCStatus
}{
	QCStart:    {[]QCStatus{QCReady}, QCInProgress},
	QCHold:     {[]QCStatus{QCInProgress}, QCOnHold},
	QCFixNotes: {[]QCStatus{QCInProgress, QCOnHold}, QCFixNotesNeeded},
	QCResume:   {[]QCStatus{QCOnHold, QCFixNotesNeeded}, QCInProgress},
	QCCancel:   {[]QCStatus{QCNotReady, QCReady, QCInProgress, QCOnHold, QCFixNotesNeeded}, QCCanceled},
}

// QCActions lists every QC action, in the order a QC card offers them.
var QCActions = []QCAction{QCStart, QCHold, QCFixNotes, QCResume, QCFinish, QCCancel, QCAddEvent, QCSignOff}

// ready returns not_allowed unless QC in its status takes action now: a
// status change from one of the statuses it leaves, the rest while QC is
// In Progress. It answers invalid for an unknown action.
func (q *QC) ready(action QCAction) error {
	switch action {
	case QCFinish:
		if q.Status != QCInProgress {
			return Errorf(CodeNotAllowed, "QC that is %s cannot finish; start or resume it first", q.Status.Name())
		}
	case QCAddEvent:
		if q.Status != QCInProgress {
			return Errorf(CodeNotAllowed, "events are added while QC is In Progress; it is %s", q.Status.Name())
		}
	case QCSignOff:
		if q.Status != QCInProgress {
			return Errorf(CodeNotAllowed, "issues are signed off while QC is In Progress; it is %s", q.Status.Name())
		}
	default:
		m, ok := qcMoves[action]
		if !ok {
			return Errorf(CodeInvalid, "no QC action %q (start, hold, fix-notes, resume, finish, cancel)", truncate(string(action), 20))
		}
		if !slices.Contains(m.from, q.Status) {
			return Errorf(CodeNotAllowed, "QC that is %s cannot %s", q.Status.Name(), action)
		}
	}
	return nil
}

// Act applies a status change (start, hold, fix-notes, resume, cancel).
func (q *QC) Act(a Act, action QCAction, note string) error {
	if err := qcOnly(a.By); err != nil {
		return err
	}
	m, ok := qcMoves[action]
	if !ok {
		return Errorf(CodeInvalid, "no QC action %q (start, hold, fix-notes, resume, finish, cancel)", truncate(string(action), 20))
	}
	note, err := CheckNote(note, action == QCFixNotes || action == QCCancel)
	if err != nil {
		return err
	}
	if err := q.ready(action); err != nil {
		return err
	}
	q.move(a, m.to, note)
	return nil
}

// Finish ends QC with the outcome its events give: Passed with none,
// Passed With Issues with only FYIs or signed-off Issues, Failed with a
// Blocker or an open Issue.
func (q *QC) Finish(a Act, note string) (QCStatus, error) {
	if err := qcOnly(a.By); err != nil {
		return "", err
	}
	note, err := CheckNote(note, false)
	if err != nil {
		return "", err
	}
	if err := q.ready(QCFinish); err != nil {
		return "", err
	}
	out := QCPassed
	for _, e := range q.Events {
		switch {
		case e.Severity == SeverityBlocker || e.Severity == SeverityIssue && !e.SignedOff:
			out = QCFailed
		case out == QCPassed:
			out = QCPassedWithIssues
		}
	}
	q.move(a, out, note)
	return out, nil
}

// AddEvent records an event while QC is in progress.
func (q *QC) AddEvent(a Act, e QCEvent) (QCEvent, error) {
	if err := qcOnly(a.By); err != nil {
		return e, err
	}
	if err := q.ready(QCAddEvent); err != nil {
		return e, err
	}
	// The timecodes are labels of the delivered video, of its kind.
	in, err := ReadTimecode(e.In, q.FrameRate, q.DropFrame)
	if err != nil {
		return e, Errorf(CodeInvalid, "in: %v", err)
	}
	out, err := ReadTimecode(e.Out, q.FrameRate, q.DropFrame)
	if err != nil {
		return e, Errorf(CodeInvalid, "out: %v", err)
	}
	if out < in {
		return e, Errorf(CodeInvalid, "the event ends (%s) before it begins (%s)", e.Out, e.In)
	}
	if !slices.Contains(Severities, e.Severity) {
		return e, Errorf(CodeInvalid, "severity %q is not one of FYI, ISSUE, BLOCKER", truncate(string(e.Severity), 20))
	}
	if !slices.ContainsFunc(QCGlossary, func(c QCCategory) bool { return c.Code == e.Category }) {
		return e, Errorf(CodeInvalid, "category %q is not in the QC glossary (GET /v1/qc/glossary)", truncate(e.Category, 20))
	}
	if e.Note, err = CheckNote(e.Note, true); err != nil {
		return e, err
	}
	e.In, e.Out = FormatTimecode(in, q.FrameRate, q.DropFrame), FormatTimecode(out, q.FrameRate, q.DropFrame)
	e.N, e.By, e.ByName, e.At, e.SignedOff = len(q.Events)+1, a.By.Subject, a.By.Name, a.At, false
	q.Events = append(q.Events, e)
	return e, nil
}

// SignOff accepts an Issue as it is (it no longer fails QC).
func (q *QC) SignOff(a Act, n int) error {
	if err := qcOnly(a.By); err != nil {
		return err
	}
	if err := q.ready(QCSignOff); err != nil {
		return err
	}
	if n < 1 || n > len(q.Events) {
		return Errorf(CodeNotFound, "no event %d", n)
	}
	if q.Events[n-1].Severity != SeverityIssue {
		return Errorf(CodeNotAllowed, "only Issues are signed off; event %d is %s", n, q.Events[n-1].Severity)
	}
	q.Events[n-1].SignedOff = true
	return nil
}

var smpte = regexp.MustCompile(`^(\d{2}):([0-5]\d):([0-5]\d)([:;])(\d{2})$`)

// ParseTimecode reads SMPTE HH:MM:SS:FF (or ;FF, drop-frame) at a frame
// rate and returns the frame count from 00:00:00:00.
func ParseTimecode(tc string, rate float64) (int64, error) {
	m := smpte.FindStringSubmatch(strings.TrimSpace(tc))
	if m == nil {
		return 0, fmt.Errorf("%q is not a timecode HH:MM:SS:FF", truncate(tc, 20))
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	s, _ := strconv.Atoi(m[3])
	f, _ := strconv.Atoi(m[5])
	nominal := int(math.Round(rate))
	if f >= nominal {
		return 0, fmt.Errorf("frame %d in %q: at %g fps frames go to %d", f, tc, rate, nominal-1)
	}
	frames := int64(((h*60+mi)*60+s)*nominal + f)
	if m[4] == ";" { // drop-frame: two (or four) frame numbers skipped each minute but every tenth
		if nominal != 30 && nominal != 60 {
			return 0, fmt.Errorf("drop-frame timecode %q needs 29.97 or 59.94 fps", tc)
		}
		drop := int64(nominal / 15)
		minutes := int64(h*60 + mi)
		if s == 0 && f < int(drop) && mi%10 != 0 {
			return 0, fmt.Errorf("%q does not exist in drop-frame timecode", tc)
		}
		frames -= drop * (minutes - minutes/10)
	}
	return frames, nil
}

// ReadTimecode reads tc as a label of a video whose timecode is drop-frame
// (dropFrame, at 29.97 or 59.94 fps) or not, whatever separator it was
// typed with, and returns its frame count from 00:00:00:00; it fails as
// ParseTimecode does. FormatTimecode with the same kind writes it back.
func ReadTimecode(tc string, rate float64, dropFrame bool) (int64, error) {
	t := strings.TrimSpace(tc)
	if smpte.MatchString(t) {
		sep := ":"
		if n := math.Round(rate); dropFrame && (n == 30 || n == 60) {
			sep = ";"
		}
		t = t[:8] + sep + t[9:]
	}
	return ParseTimecode(t, rate)
}

// FormatTimecode writes a frame count as SMPTE timecode.
func FormatTimecode(frames int64, rate float64, dropFrame bool) string {
	nominal := int64(math.Round(rate))
	sep := ":"
	if dropFrame && (nominal == 30 || nominal == 60) {
		sep = ";"
		drop := nominal / 15
		per10 := nominal*600 - drop*9 // frames in ten minutes
		per1 := nominal*60 - drop     // frames in a dropped minute
		d, m := frames/per10, frames%per10
		if m > drop {
			frames += drop*9*d + drop*((m-drop)/per1)
		} else {
			frames += drop * 9 * d
		}
	}
	f := frames % nominal
	s := frames / nominal
	return fmt.Sprintf("%02d:%02d:%02d%s%02d", s/3600, s/60%60, s%60, sep, f)
}
