package screening

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
)

// Kind is the type of a fact's value.
type Kind string

const (
	KindBool   Kind = "bool"
	KindNumber Kind = "number"
	KindText   Kind = "text"
)

// Value is one fact's value. The zero Value is "unknown": the question was not answered, or the
// answer was "not sure". Unknown is never read as false, so an incomplete intake cannot pass a rule
// by silence.
type Value struct {
	kind Kind
	b    bool
	n    float64
	s    string
}

// Bool is a known yes/no fact.
func Bool(b bool) Value { return Value{kind: KindBool, b: b} }

// Number is a known numeric fact. NaN and infinities are not measurements, so they give an
// unknown Value rather than a number a rule could compare against.
func Number(x float64) Value {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Value{}
	}
	return Value{kind: KindNumber, n: x}
}

// Text is a known text fact (for example a substance-use frequency).
func Text(s string) Value { return Value{kind: KindText, s: s} }

// Kind is the value's kind, or "" when unknown.
func (v Value) Kind() Kind { return v.kind }

// Known reports whether the fact was answered.
func (v Value) Known() bool { return v.kind != "" }

// AsBool returns the value and whether it is a known bool.
func (v Value) AsBool() (bool, bool) { return v.b, v.kind == KindBool }

// AsNumber returns the value and whether it is a known number.
func (v Value) AsNumber() (float64, bool) { return v.n, v.kind == KindNumber }

// AsText returns the value and whether it is a known text.
func (v Value) AsText() (string, bool) { return v.s, v.kind == KindText }

func (v Value) String() string {
	switch v.kind {
	case KindBool:
		if v.b {
			return "yes"
		}
		return "no"
	case KindNumber:
		return strconv.FormatFloat(v.n, 'f', -1, 64)
	case KindText:
		return v.s
	}
	return "unknown"
}

// MarshalJSON writes the plain JSON value (true, 12.5, "weekly"), or null when unknown.
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case KindBool:
		return json.Marshal(v.b)
	case KindNumber:
		return json.Marshal(v.n)
	case KindText:
		return json.Marshal(v.s)
	}
	return []byte("null"), nil
}

// UnmarshalJSON reads a plain JSON value; null reads as unknown.
func (v *Value) UnmarshalJSON(data []byte) error {
	var raw any
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	switch x := raw.(type) {
	case nil:
		*v = Value{}
	case bool:
		*v = Bool(x)
	case float64:
		*v = Number(x)
	case string:
		*v = Text(x)
	default:
		return fmt.Errorf("a fact must be true, false, a number, a text or null, not %s", data)
	}
	return nil
}

// Facts are the flat, named facts the screening rules read. A name that is absent, or present
// with the zero Value, is unknown.
type Facts map[string]Value

// Get returns the named fact, or the unknown Value.
func (f Facts) Get(name string) Value { return f[name] }

// Merge returns new Facts holding f and then every known fact of other, so the vitals taken at
// the screening visit can be laid over the facts from the intake.
func (f Facts) Merge(other Facts) Facts {
	out := make(Facts, len(f)+len(other))
	maps.Copy(out, f)
	for name, v := range other {
		if v.Known() {
			out[name] = v
		}
	}
	return out
}

// Check reports every fact that is not in the catalogue, has the wrong kind, or holds a value the
// catalogue does not allow. A misspelt or mistyped fact would otherwise sit unread while the rule
// that needs it reports it unanswered, or worse, reads nothing at all.
func (f Facts) Check() error {
	specs := catalogue()
	var errs []error
	names := slices.Sorted(maps.Keys(f))
	for _, name := range names {
		v := f[name]
		if !v.Known() {
			continue
		}
		spec, ok := specs[name]
		if !ok {
			errs = append(errs, fmt.Errorf("fact %q is not one the screening rules know", name))
			continue
		}
		if v.kind != spec.Kind {
			errs = append(errs, fmt.Errorf("fact %q must be a %s, not a %s", name, spec.Kind, v.kind))
			continue
		}
		switch spec.Kind {
		case KindNumber:
			if v.n < spec.Min || v.n > spec.Max {
				errs = append(errs, fmt.Errorf("fact %q is %s, outside %s–%s %s; check the entry",
					name, v, fmtNum(spec.Min), fmtNum(spec.Max), spec.Unit))
			}
		case KindText:
			if len(spec.Values) > 0 && !slices.Contains(spec.Values, v.s) {
				errs = append(errs, fmt.Errorf("fact %q is %q; it must be one of %v", name, v.s, spec.Values))
			}
		}
	}
	return errors.Join(errs...)
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// FactSpec describes one fact the rules may read.
type FactSpec struct {
	Name        string   `json:"name"`
	Kind        Kind     `json:"kind"`
	Description string   `json:"description"`
	Unit        string   `json:"unit,omitempty"`
	Min         float64  `json:"min,omitempty"`
	Max         float64  `json:"max,omitempty"`
	Values      []string `json:"values,omitempty"`
}

// Catalogue lists every fact the rules may read, sorted by name.
func Catalogue() []FactSpec {
	specs := catalogue()
	out := make([]FactSpec, 0, len(specs))
	for _, s := range specs {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
