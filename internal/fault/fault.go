// Package fault is holdspace's one error vocabulary. Every refusal a door
// gives is, or converts to, an *Error with one of six codes; the faces map
// a code once each: the pages to a page or the form again with each
// problem beside its field, the JSON API to an RFC 9457 problem, the FHIR
// face to an OperationOutcome. A person who can fix what was refused reads
// what to fix in Message and Fields; nothing of a failure's cause is shown.
//
// Packages whose refusals carry more than a message (a dose check with its
// numbers, a stale version) keep their own type and say what it is by
// implementing Coded, so the faces still need only Of.
package fault

import (
	"errors"
	"net/http"
	"strings"
)

// Code sorts a refusal by what the person can do about it.
type Code string

const (
	// Invalid: what was entered breaks a rule; fix the fields named.
	Invalid Code = "invalid"
	// NotFound: no such record here (also a record of another practice,
	// whose existence is not confirmed).
	NotFound Code = "not_found"
	// Forbidden: this person may not do this; someone else may.
	Forbidden Code = "forbidden"
	// Conflict: the record is not in a state that allows this now (already
	// done, changed meanwhile, superseded).
	Conflict Code = "conflict"
	// Locked: the record is signed and closed; only an addendum may follow.
	Locked Code = "locked"
	// Unavailable: holdspace cannot reach what it needs (its database);
	// try again shortly. Nothing was written.
	Unavailable Code = "unavailable"
)

// Field is one problem with one field of what was entered.
type Field struct {
	Name    string `json:"field"`
	Message string `json:"message"`
}

// Error is a refusal a person can act on.
type Error struct {
	Code Code
	// Title is a short heading; empty means the code's own.
	Title string
	// Message says what was refused and what to do, in a sentence.
	Message string
	// Fields places problems beside the fields they concern, in order; a
	// field may appear more than once.
	Fields []Field
	// Extra holds a rule's own answer (its numbers, the refusals behind
	// the message) as further members of the JSON problem.
	Extra map[string]any
	// Status overrides the HTTP status the code maps to, for refusals of a
	// request as a whole (a body too large, of the wrong media type).
	Status int
	// Err is the cause, for logs and errors.Is; never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	var msgs []string
	for _, f := range e.Fields {
		msgs = append(msgs, f.Message)
	}
	if len(msgs) > 0 {
		return strings.Join(msgs, " ")
	}
	return string(e.Code)
}

func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus is the status a face answers with.
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	switch e.Code {
	case Invalid:
		return http.StatusUnprocessableEntity
	case NotFound:
		return http.StatusNotFound
	case Forbidden:
		return http.StatusForbidden
	case Conflict, Locked:
		return http.StatusConflict
	case Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// Heading is Title, or the code's own heading.
func (e *Error) Heading() string {
	if e.Title != "" {
		return e.Title
	}
	switch e.Code {
	case Invalid:
		return "Invalid input"
	case NotFound:
		return "Not found"
	case Forbidden:
		return "Forbidden"
	case Conflict:
		return "Conflict"
	case Locked:
		return "Signed and locked"
	case Unavailable:
		return "Service unavailable"
	}
	return "Refused"
}

// FieldMap joins the messages of each field, for a JSON problem's errors.
func (e *Error) FieldMap() map[string]string {
	if len(e.Fields) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		if prev, ok := out[f.Name]; ok {
			out[f.Name] = prev + " " + f.Message
			continue
		}
		out[f.Name] = f.Message
	}
	return out
}

// Coded is a package's own refusal type that says which fault it is.
type Coded interface {
	Fault() *Error
}

// Fault makes *Error a Coded like the packages' own types.
func (e *Error) Fault() *Error { return e }

// Of is the outermost fault in err's chain, or nil when err is a failure
// no person can fix (a bug, a broken disk): the faces answer that with a
// request id and log it.
func Of(err error) *Error {
	var c Coded
	if err == nil || !errors.As(err, &c) {
		return nil
	}
	return c.Fault()
}

// New is a refusal with a message.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Wrap is a refusal with a message whose cause is err, so errors.Is(…, err)
// still finds it.
func Wrap(code Code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Invalids is a refusal of what was entered, its problems beside their
// fields in order: one problem's message is the refusal's own, so that
// every face says a single problem alike.
func Invalids(fields []Field) *Error {
	e := &Error{Code: Invalid, Message: "Some fields need attention.", Fields: fields}
	if len(fields) == 1 {
		e.Message = fields[0].Message
	}
	return e
}

// InvalidField is a refusal of one field.
func InvalidField(field, message string) *Error {
	return &Error{Code: Invalid, Message: message, Fields: []Field{{field, message}}}
}
