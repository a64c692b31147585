package safety

import "holdspace/internal/fault"

// Code sorts a refusal so the web and API layers can map it to a status once.
// The values match the house error codes.
type Code string

const (
	// CodeInvalid: the input breaks a rule the user can fix (a missing
	// action, an empty safety-plan step).
	CodeInvalid Code = "invalid"
	// CodeForbidden: the actor's role may not do this (a non-clinician
	// acknowledging an alert).
	CodeForbidden Code = "forbidden"
	// CodeConflict: the record is not in a state that allows this (a second
	// acknowledgement, closing an alert nobody acknowledged).
	CodeConflict Code = "conflict"
)

// Error is a refusal with a message a person can act on.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Field names the setting or answer to fix, when the refusal is about
	// one ("on_call_clinician"); the pages put the message beside it.
	Field string `json:"field,omitempty"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Fault is the refusal in the house's vocabulary; the codes are the same.
func (e *Error) Fault() *fault.Error {
	f := &fault.Error{Code: fault.Code(e.Code), Message: e.Message, Err: e}
	if e.Field != "" {
		f.Fields = []fault.Field{{Name: e.Field, Message: e.Message}}
	}
	return f
}

func invalid(msg string) error { return &Error{Code: CodeInvalid, Message: msg} }

// Invalid is a refusal about one field, for the layers above that check
// what this package cannot see (who is on staff, what secret is stored).
func Invalid(field, msg string) error { return &Error{Code: CodeInvalid, Message: msg, Field: field} }
func forbidden(msg string) error      { return &Error{Code: CodeForbidden, Message: msg} }
func conflict(msg string) error       { return &Error{Code: CodeConflict, Message: msg} }
