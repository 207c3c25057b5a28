package lot

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Date is a calendar day without a time zone (a due date).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads YYYY-MM-DD; it fails with CodeInvalid for anything else,
// including days that do not exist (2026-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, Errorf(CodeInvalid, "date %q is not a valid YYYY-MM-DD day", truncate(s, 40))
	}
	return DateOf(t), nil
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time().AddDate(0, 0, n)) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Ord() < e.Ord() }

// Ord is a number that orders days as the calendar does (for fast compares).
func (d Date) Ord() int { return d.Year<<9 | int(d.Month)<<5 | d.Day }

// String gives YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// ValidID reports whether s has the shape of an openlot ID: a canonical,
// lower-case UUID (8-4-4-4-12 hex digits).
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// ValidPartnerID reports whether s is a partner ID: 2–40 characters of
// lower-case letters, digits and '-', starting with a letter.
func ValidPartnerID(s string) bool {
	if len(s) < 2 || len(s) > 40 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Text limits.
const (
	MaxReasonLen  = 500
	MaxCommentLen = 4000
)

// CheckReason trims a reason and fails with CodeInvalid when it is empty (and
// required), longer than MaxReasonLen characters, not valid UTF-8, or holds a
// control character other than newline and tab (CRLF becomes LF).
func CheckReason(s string, required bool) (string, error) {
	return checkText("reason", s, required, MaxReasonLen)
}

// CheckComment trims a comment and fails with CodeInvalid when it is empty
// (and required), longer than MaxCommentLen characters, not valid UTF-8, or
// holds a control character other than newline and tab (CRLF becomes LF).
func CheckComment(s string, required bool) (string, error) {
	return checkText("comment", s, required, MaxCommentLen)
}

// CheckNote is CheckComment for a QC note (the field a QC action or event
// calls note): its errors say "note".
func CheckNote(s string, required bool) (string, error) {
	return checkText("note", s, required, MaxCommentLen)
}

func checkText(what, s string, required bool, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(CodeInvalid, "%s is not valid UTF-8 text", what)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "", Errorf(CodeInvalid, "%s holds a control character (U+%04X) at character %d; only newlines and tabs are allowed", what, r, n)
		}
	}
	t := strings.TrimSpace(s)
	if required && t == "" {
		return "", Errorf(CodeInvalid, "a %s is required", what)
	}
	if n := utf8.RuneCountInString(t); n > max {
		return "", Errorf(CodeInvalid, "%s is %d characters long; at most %d are allowed", what, n, max)
	}
	return t, nil
}

// CheckLanguage validates a BCP 47 tag for well-formedness (RFC 5646 §2.1:
// language, then optional script, region and variants, extensions and private
// use) and returns it in canonical case (en-US, zh-Hant-TW, es-419). It fails
// with CodeInvalid.
func CheckLanguage(tag string) (string, error) {
	bad := Errorf(CodeInvalid, "language %q is not a BCP 47 tag such as en, pt-BR or zh-Hant", truncate(tag, 40))
	t := strings.TrimSpace(tag)
	if t == "" || len(t) > 35 {
		return "", bad
	}
	parts := strings.Split(strings.ReplaceAll(t, "_", "-"), "-")
	isAlpha := func(s string) bool {
		for i := 0; i < len(s); i++ {
			c := s[i] | 0x20
			if c < 'a' || c > 'z' {
				return false
			}
		}
		return s != ""
	}
	isDigit := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
		return s != ""
	}
	isAlnum := func(s string) bool {
		for i := 0; i < len(s); i++ {
			c := s[i] | 0x20
			if !(c >= 'a' && c <= 'z' || s[i] >= '0' && s[i] <= '9') {
				return false
			}
		}
		return s != ""
	}
	out := make([]string, 0, len(parts))
	// language: 2-3 letters (extlang not supported), or 5-8 letters (registered).
	l := parts[0]
	if !isAlpha(l) || len(l) == 4 || len(l) > 8 || len(l) < 2 {
		return "", bad
	}
	out = append(out, strings.ToLower(l))
	i := 1
	if i < len(parts) && len(parts[i]) == 4 && isAlpha(parts[i]) { // script
		s := strings.ToLower(parts[i])
		out = append(out, strings.ToUpper(s[:1])+s[1:])
		i++
	}
	if i < len(parts) && (len(parts[i]) == 2 && isAlpha(parts[i]) || len(parts[i]) == 3 && isDigit(parts[i])) { // region
		out = append(out, strings.ToUpper(parts[i]))
		i++
	}
	afterSingleton := false
	for ; i < len(parts); i++ { // variants, then extensions and private use
		p := parts[i]
		switch {
		case len(p) == 1 && isAlnum(p):
			if i+1 >= len(parts) { // a singleton needs a subtag after it
				return "", bad
			}
			afterSingleton = true
		case afterSingleton && isAlnum(p) && len(p) <= 8:
		case isAlnum(p) && (len(p) >= 5 && len(p) <= 8 || len(p) == 4 && isDigit(p[:1])): // variant
		default:
			return "", bad
		}
		out = append(out, strings.ToLower(p))
	}
	return strings.Join(out, "-"), nil
}
