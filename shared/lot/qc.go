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

// QCCategory is one entry of the numbered QC glossary.
type QCCategory struct {
	Code string `json:"code"` // e.g. "1.3"
	Name string `json:"name"`
}

// QCGlossary is the numbered list of what QC events are about.
var QCGlossary = []QCCategory{
	{"1.1", "Video: black or blank frames"}, {"1.2", "Video: dropped or repeated frames"}, {"1.3", "Video: compression artefacts"},
	{"1.4", "Video: aspect ratio or framing"}, {"1.5", "Video: colour or levels"}, {"1.6", "Video: burnt-in text or graphics"},
	{"2.1", "Audio: sync"}, {"2.2", "Audio: dropout or silence"}, {"2.3", "Audio: distortion, clicks or noise"},
	{"2.4", "Audio: levels or loudness"}, {"2.5", "Audio: channel layout or phase"}, {"2.6", "Audio: wrong language or mix"},
	{"3.1", "Subtitles: timing"}, {"3.2", "Subtitles: translation or spelling"}, {"3.3", "Subtitles: reading speed or line length"},
	{"3.4", "Subtitles: positioning"}, {"3.5", "Subtitles: missing or extra events"},
	{"4.1", "Content: edit differs from the reference"}, {"4.2", "Content: slate, credits or cards"}, {"4.3", "Content: compliance"},
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
	At        time.Time `json:"at"`
	SignedOff bool      `json:"signedOff,omitempty"` // an Issue accepted as it is
}

// QCChange is one step of a QC request's timeline.
type QCChange struct {
	Status QCStatus  `json:"status"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
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
	q.Timeline = append(q.Timeline, QCChange{Status: to, At: a.At, By: by, Note: note})
}

// Counts is how many events of each severity QC holds.
func (q *QC) Counts() map[Severity]int {
	out := map[Severity]int{}
	for _, e := range q.Events {
		out[e.Severity]++
	}
	return out
}

// NewQC opens QC on a processed delivery: Not Ready, then Ready at once
// (the delivery is processed, so there is something to check).
func NewQC(a Act, frameRate float64) *QC {
	if frameRate <= 0 {
		frameRate = 24
	}
	q := &QC{FrameRate: frameRate, Events: []QCEvent{}}
	q.move(a, QCNotReady, "")
	q.move(a, QCReady, "the delivery passed inspection")
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
	note, err := CheckComment(note, action == QCFixNotes || action == QCCancel)
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
	note, err := CheckComment(note, false)
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
	in, err := ParseTimecode(e.In, q.FrameRate)
	if err != nil {
		return e, Errorf(CodeInvalid, "in: %v", err)
	}
	out, err := ParseTimecode(e.Out, q.FrameRate)
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
	if e.Note, err = CheckComment(e.Note, true); err != nil {
		return e, err
	}
	e.In, e.Out = FormatTimecode(in, q.FrameRate, q.DropFrame), FormatTimecode(out, q.FrameRate, q.DropFrame)
	e.N, e.By, e.At, e.SignedOff = len(q.Events)+1, a.By.Subject, a.At, false
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
