// Package textlimit is holdspace's one table of how much text each kind of
// field may hold, and the rule every stored string obeys: valid UTF-8,
// without the NUL character. The web layer applies it to every form field,
// query parameter and JSON string before a handler sees them, and
// internal/access applies Clean to the request headers it records.
//
// The limits are outer walls, generous enough for every honest use; the
// rule packages keep their own, often tighter, limits with messages that
// fit the field (an intake answer is 4,000 characters, a process note
// 10,000). A limit here never stands below a rule package's own, so that
// the rule's message is the one a person meets.
package textlimit

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is a kind of field and the most characters it may hold.
type Kind struct {
	Name string
	Max  int
	// About says what the kind is for, for the documentation.
	About string
}

// The kinds of field. A character is a Unicode code point, and a line
// break sent as CR LF counts as one, as a person sees it (browsers send
// every line break of a textarea as CR LF).
var (
	// Name: a person's names, a title, a subject line, a code.
	Name = Kind{"name", 200, "names, titles, subject lines, codes and short labels"}
	// Email: an address, as long as RFC 5321 lets one be.
	Email = Kind{"email", 254, "email addresses"}
	// Line: one line of an address, a phone number, a dose, one entry of
	// a safety plan.
	Line = Kind{"line", 500, "single-line fields: addresses, phone numbers, doses, safety-plan entries"}
	// Note: reasons, notes and clinical free text; the default.
	Note = Kind{"note", 10_000, "reasons, notes and clinical free text, and any field not listed"}
	// Narrative: the long texts: a document, a session summary, a
	// letter, an intake story.
	Narrative = Kind{"narrative", 50_000, "long narratives: documents, summaries, letters, messages"}
)

// Default is the kind of every field the table does not name.
var Default = Note

// Kinds lists the kinds, shortest first, for the documentation and tests.
func Kinds() []Kind { return []Kind{Name, Email, Line, Note, Narrative} }

// Header bounds, in characters, for request headers holdspace records.
const (
	MaxUserAgent = 300
	MaxAddress   = 100
)

// MaxMemberName bounds a JSON object's member names: a field name or a
// map key (a questionnaire item id) is never long.
const MaxMemberName = 200

// fields maps a field's name, or the end of its path, to its kind. A path
// is matched by its longest listed ending, with list positions left out:
// "plan.warning_signs[3].text" and the form's "warning_signs.3.text" both
// match "warning_signs.text" before "text".
var fields = map[string]Kind{
	// Names and short labels.
	"name": Name, "legal_name": Name, "preferred_name": Name, "pronouns": Name, "relationship": Name,
	"title": Name, "subject": Name, "code": Name, "substance": Name, "unit": Name,
	"weight_unit": Name, "height_unit": Name, "other_name": Name, "kind": Name, "status": Name,
	"instrument": Name, "occasion": Name, "role": Name,

	"email": Email,

	// One line.
	"phone": Line, "line1": Line, "line2": Line, "city": Line, "region": Line, "postal_code": Line,
	"country": Line, "dose": Line, "frequency": Line, "reaction": Line,
	"time_zone": Line, "heard_other": Line, "suicide_attempt_when": Line,
	"warning_signs.text": Line, "internal_coping.text": Line, "social_distraction.text": Line,
	"people_to_ask.text": Line, "professionals.text": Line, "safe_environment.text": Line,

	// Long narratives. "text" is the body of a document, a summary, an
	// addendum or a letter; where it is one line (a safety-plan entry) a
	// longer ending above says so.
	"text": Narrative, "body": Narrative, "summary": Narrative, "message": Narrative,
	"story": Narrative,
}

// For returns the kind of the field at path: a JSON path such as
// "readings[2].note" or a form field name such as "warning_signs.0.text".
func For(path string) Kind {
	segs := segments(path)
	for i := range segs {
		if k, ok := fields[strings.Join(segs[i:], ".")]; ok {
			return k
		}
	}
	return Default
}

// segments splits a path into its names, leaving out list positions.
func segments(path string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
		if _, err := strconv.Atoi(part); err == nil {
			continue
		}
		out = append(out, part)
	}
	return out
}

// Count is the number of characters in s as a person sees them: code
// points, with CR LF counted once.
func Count(s string) int {
	return utf8.RuneCountInString(s) - strings.Count(s, "\r\n")
}

// Check says what is wrong with s as the value of the field at path, or ""
// when nothing is: it must be valid UTF-8, hold no NUL, and fit its kind.
func Check(path, s string) string {
	if msg := CheckText(s); msg != "" {
		return msg
	}
	return CheckLength(s, For(path).Max)
}

// CheckText says what keeps s from being stored as text, or "".
func CheckText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "This is not valid text: it holds bytes that are not UTF-8. Type or paste it again."
	case strings.IndexByte(s, 0) >= 0:
		return "This holds a NUL character (U+0000), which holdspace does not store. Remove it and send it again."
	}
	return ""
}

// CheckLength says that s is longer than max characters, or "".
func CheckLength(s string, max int) string {
	if n := Count(s); n > max {
		return fmt.Sprintf("Keep this to at most %s characters; it has %s.", Thousands(max), Thousands(n))
	}
	return ""
}

// Clean makes s storable, for text holdspace records but cannot refuse,
// such as a browser's User-Agent header: bytes that are not UTF-8 and NUL
// characters become U+FFFD, and it is cut to max characters.
func Clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

// Thousands writes n with commas between the thousands: 10,000.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MaxPublicBody bounds, in bytes, what an anonymous request (the public
// inquiry form, or its JSON twin) may send: enough for the longest
// inquiry, too little to fill a disk.
const MaxPublicBody = 64 << 10
