// Package jsonbody is the one way holdspace reads a JSON request body. It
// decides at the edge, before any rule or store sees the input, with the
// semantics of encoding/json/v2 made strict: one JSON value of at most
// MaxBytes, valid UTF-8, no duplicate member names, no member the target
// does not know, no null where a value is needed, the right type for every
// field, and every string valid text that fits its kind in
// internal/textlimit.
//
// A refusal is an access.Problems whose fields are JSON paths
// ("answers.phq9_9", "readings[2].systolic", "body" for the whole), or a
// *Refused for a body refused as a whole (too large, not JSON at all).
package jsonbody

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/textlimit"
)

// MaxBytes is the largest body Decode reads unless told otherwise: room
// for the longest narrative textlimit allows, written in any script.
const MaxBytes = 1 << 20

// Options change what Decode accepts.
type Options struct {
	// MaxBytes bounds the body; 0 means MaxBytes.
	MaxBytes int64
	// Optional lets an empty body, or a bare null, stand for {}: for
	// actions that take no input, or only optional input, where "nothing"
	// is all either can mean.
	Optional bool
}

// Refused is a body refused as a whole, with the HTTP status that says why.
type Refused struct {
	Status int
	Title  string
	Detail string
}

func (e *Refused) Error() string { return e.Detail }

// Fault is the refusal of the body as a whole, with its own status.
func (e *Refused) Fault() *fault.Error {
	return &fault.Error{Code: fault.Invalid, Title: e.Title, Message: e.Detail, Status: e.Status, Err: e}
}

// Decode reads r's body into v, which must be a pointer.
func Decode(r *http.Request, v any, o Options) error {
	limit := o.MaxBytes
	if limit <= 0 {
		limit = MaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return &Refused{Status: http.StatusBadRequest, Title: "Body not read", Detail: "holdspace could not read the request body."}
	}
	if int64(len(data)) > limit {
		return &Refused{Status: http.StatusRequestEntityTooLarge, Title: "Body too large",
			Detail: fmt.Sprintf("The body is larger than this endpoint takes (%s bytes); send less.", textlimit.Thousands(int(limit)))}
	}
	ct := r.Header.Get("Content-Type")
	empty := len(bytes.TrimSpace(data)) == 0
	if (ct != "" || !empty) && !isJSON(ct) {
		return &Refused{Status: http.StatusUnsupportedMediaType, Title: "Unsupported media type",
			Detail: "Send the body as JSON, with the header Content-Type: application/json."}
	}
	if empty && !o.Optional {
		return problem("body", "Send a JSON object; the body was empty.")
	}
	if o.Optional && (empty || string(bytes.TrimSpace(data)) == "null") {
		data = []byte("{}")
	}
	return Bytes(data, v)
}

// isJSON reports whether a Content-Type names JSON: application/json or a
// +json type such as application/merge-patch+json.
func isJSON(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// Bytes decodes one JSON value in data into v under the same rules.
func Bytes(data []byte, v any) error {
	paths, err := scan(data)
	if err != nil {
		return err
	}
	err = json.Unmarshal(data, v,
		json.RejectUnknownMembers(true),
		json.WithUnmarshalers(json.UnmarshalFromFunc(refuseNull)))
	if err == nil {
		return nil
	}
	return paths.explain(err)
}

// errNull marks a null where the target needs a value.
var errNull = errors.New("null")

// refuseNull refuses a JSON null unless the target can mean "absent": a
// pointer, slice, map or interface. encoding/json/v2 would otherwise store
// the zero value, and an unanswered item would read as answered with 0.
func refuseNull(dec *jsontext.Decoder, v any) error {
	if dec.PeekKind() != 'n' {
		return json.SkipFunc
	}
	switch reflect.ValueOf(v).Elem().Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return json.SkipFunc
	}
	return errNull
}

// pathTable remembers, for each object and array in a body, which it was,
// so a JSON Pointer can be written as the path a person reads.
type pathTable map[string]jsontext.Kind

// path writes a JSON Pointer as "answers.phq9_9" or "readings[2].systolic";
// the whole body is "body".
func (t pathTable) path(p jsontext.Pointer) string {
	var b strings.Builder
	var at jsontext.Pointer
	for tok := range p.Tokens() {
		if t[string(at)] == '[' {
			b.WriteString("[" + tok + "]")
		} else {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(tok)
		}
		at = at.AppendToken(tok)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// scan reads the body token by token: it refuses what is wrong with the
// text itself (syntax, trailing data, invalid UTF-8, duplicate names) and
// every string that is not storable or too long for its field, and
// records the shape of the body for the paths of later errors.
func scan(data []byte) (pathTable, error) {
	t := pathTable{}
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	var ps access.Problems
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			return t, t.syntax(err, data)
		}
		switch k := tok.Kind(); k {
		case '{', '[':
			t[string(dec.StackPointer())] = k
		case '"':
			ptr := dec.StackPointer()
			kind, n := dec.StackIndex(dec.StackDepth())
			s := tok.String()
			if kind == '{' && n%2 == 1 {
				// A member name: it, not its value, is what is wrong.
				if msg := textlimit.CheckText(s); msg != "" {
					ps = append(ps, &access.Problem{Field: t.path(ptr.Parent()), Message: "A field name: " + lower(msg)})
				} else if msg := textlimit.CheckLength(s, textlimit.MaxMemberName); msg != "" {
					ps = append(ps, &access.Problem{Field: t.path(ptr), Message: "This field's name is too long. " + msg})
				}
				break
			}
			path := t.path(ptr)
			if msg := textlimit.Check(path, s); msg != "" {
				ps = append(ps, &access.Problem{Field: path, Message: msg})
			}
		}
		if dec.StackDepth() == 0 {
			break
		}
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return t, problem("body", "Send one JSON value; something follows it.")
	}
	if len(ps) > 0 {
		return t, ps
	}
	return t, nil
}

func lower(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToLower(string(r)) + s[n:]
}

// syntax explains an error of the JSON text.
func (t pathTable) syntax(err error, data []byte) error {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return problem("body", "The body ends before its JSON does; send the whole object.")
		}
		return problem("body", "The body is not valid JSON.")
	}
	field := t.path(se.JSONPointer)
	switch {
	case errors.Is(se.Err, jsontext.ErrDuplicateName):
		return problem(field, "This field is given twice; send it once.")
	case strings.Contains(se.Err.Error(), "UTF-8") || strings.Contains(se.Err.Error(), "surrogate") || !utf8.Valid(data):
		return problem(field, "This is not valid text: it holds bytes that are not UTF-8, or an escape that is not a character.")
	case errors.Is(se.Err, io.ErrUnexpectedEOF):
		return problem("body", "The body ends before its JSON does; send the whole object.")
	}
	return problem(field, "This is not valid JSON (at byte "+strconv.FormatInt(se.ByteOffset, 10)+").")
}

// explain turns an error of matching the body to its Go shape into a
// problem naming the field.
func (t pathTable) explain(err error) error {
	var se *json.SemanticError
	if !errors.As(err, &se) {
		return problem("body", "The body is not the JSON this endpoint takes.")
	}
	field := t.path(se.JSONPointer)
	switch {
	case errors.Is(se.Err, json.ErrUnknownName):
		return problem(field, "holdspace does not know this field here; check its name against the API documentation.")
	case errors.Is(se.Err, errNull):
		return problem(field, "A value is needed here, not null.")
	}
	if want := expected(se.GoType); want != "" {
		if field == "body" {
			return problem(field, "Send "+want+".")
		}
		return problem(field, "This should be "+want+".")
	}
	return problem(field, "This value is not one this field takes.")
}

// expected names what a Go type is written as in JSON.
func expected(t reflect.Type) string {
	if t == nil {
		return ""
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.PkgPath() == "time" && t.Name() == "Time" {
		return "a date and time such as 2026-03-04T09:30:00Z"
	}
	switch t.Kind() {
	case reflect.String:
		return "text in quotes"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	}
	return ""
}

func problem(field, msg string) access.Problems {
	return access.Problems{{Field: field, Message: msg}}
}
