package web

import (
	"net/url"
	"strings"

	"holdspace/internal/textlimit"
)

// Form carries what a person typed and what was wrong with it, so a refused
// form comes back with every value kept and each error beside its field.
type Form struct {
	Values url.Values
	Errors map[string]string
	order  []string
}

// NewForm wraps submitted values (nil for an empty form).
func NewForm(v url.Values) *Form {
	if v == nil {
		v = url.Values{}
	}
	return &Form{Values: v, Errors: map[string]string{}}
}

// Get returns the trimmed value of a field.
func (f *Form) Get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// Set puts a value in, for a form filled from a record.
func (f *Form) Set(name, value string) { f.Values.Set(name, value) }

// Fail records an error against a field; the first error for a field wins.
func (f *Form) Fail(name, message string) {
	if _, ok := f.Errors[name]; ok {
		return
	}
	f.Errors[name] = message
	f.order = append(f.order, name)
}

// Required fails each named field that is empty.
func (f *Form) Required(fields map[string]string) {
	for name, label := range fields {
		if f.Get(name) == "" {
			f.Fail(name, label+" is needed.")
		}
	}
}

// HasErrors reports whether anything failed.
func (f *Form) HasErrors() bool { return len(f.Errors) > 0 }

// FieldError is one entry of the error summary at the top of a form.
type FieldError struct{ ID, Message string }

// ErrorList is the summary in the order the errors were found.
func (f *Form) ErrorList() []FieldError {
	out := make([]FieldError, 0, len(f.order))
	for _, n := range f.order {
		out = append(out, FieldError{ID: fieldID(n), Message: f.Errors[n]})
	}
	return out
}

func fieldID(name string) string {
	return "f-" + strings.NewReplacer(".", "-", "[", "-", "]", "").Replace(name)
}

// Field is what the "field" template draws.
type Field struct {
	ID, Name, Label, Type, Value, Error, Hint, Autocomplete, Inputmode string
	Required                                                           bool
	Rows                                                               int
	Options                                                            []Option
	// MaxLength is the field's limit from the limits table, so the
	// browser stops typing where the edge would refuse; 0 for none.
	MaxLength int
}

// Option is one choice of a select.
type Option struct{ Value, Label string }

// Input describes a field of the given type with its kept value and error.
func (f *Form) Input(name, label, typ string) Field {
	v := f.Values.Get(name)
	if typ == "password" {
		v = "" // never send a password back into a page
	}
	fl := Field{ID: fieldID(name), Name: name, Label: label, Type: typ, Value: v, Error: f.Errors[name]}
	switch typ {
	case "text", "textarea", "email", "tel", "search", "url":
		fl.MaxLength = textlimit.For(name).Max
	}
	return fl
}

// Select describes a select field; options alternate value and label.
func (f *Form) Select(name, label string, options ...string) Field {
	fl := f.Input(name, label, "select")
	for i := 0; i+1 < len(options); i += 2 {
		fl.Options = append(fl.Options, Option{Value: options[i], Label: options[i+1]})
	}
	return fl
}

// Req marks a field required.
func (fl Field) Req() Field { fl.Required = true; return fl }

// WithHint adds help text under the label.
func (fl Field) WithHint(h string) Field { fl.Hint = h; return fl }

// Auto sets the autocomplete token.
func (fl Field) Auto(token string) Field { fl.Autocomplete = token; return fl }

// Mode sets the inputmode (numeric keypad on a tablet, for instance).
func (fl Field) Mode(m string) Field { fl.Inputmode = m; return fl }

// As gives the field an id of its own, for a page that asks for the same
// value in more than one form.
func (fl Field) As(id string) Field { fl.ID = id; return fl }

// Lines sets a textarea's height.
func (fl Field) Lines(n int) Field { fl.Rows = n; return fl }
