package jsonbody_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/jsonbody"
)

type reading struct {
	Systolic int    `json:"systolic"`
	Note     string `json:"note,omitempty"`
}

type entry struct {
	Text  string `json:"text"`
	Phone string `json:"phone,omitempty"`
}

type body struct {
	Name     string         `json:"name"`
	Answers  map[string]int `json:"answers"`
	Readings []reading      `json:"readings"`
	Plan     struct {
		WarningSigns []entry `json:"warning_signs"`
	} `json:"plan"`
	Summary  string     `json:"summary"`
	Mood     *int       `json:"mood"`
	Tags     []string   `json:"tags"`
	TakenAt  *time.Time `json:"taken_at"`
	Extra    any        `json:"extra"`
	Children map[string]reading
}

func request(ct, b string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(b))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

// fields returns the refusal's fields and messages, or the status of a
// body refused whole.
func fields(t *testing.T, err error) (map[string]string, int) {
	t.Helper()
	var ref *jsonbody.Refused
	if errors.As(err, &ref) {
		return nil, ref.Status
	}
	var ps access.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %T %v is neither Problems nor Refused", err, err)
	}
	out := map[string]string{}
	for _, p := range ps {
		out[p.Field] = p.Message
	}
	return out, http.StatusUnprocessableEntity
}

func TestTheDecoderRefusesWhatIsNotPlainlyMeant(t *testing.T) {
	long := strings.Repeat("é", 10_001)
	cases := []struct {
		name, ct, body string
		optional       bool
		status         int
		field, words   string
	}{
		{"null into a number", "", `{"readings":[{"systolic":null}]}`, false, 422, "readings[0].systolic", "not null"},
		{"null as an answer", "", `{"answers":{"phq9_1":1,"phq9_9":null}}`, false, 422, "answers.phq9_9", "not null"},
		{"null into text", "", `{"name":null}`, false, 422, "name", "not null"},
		{"null as the body", "", `null`, false, 422, "body", "not null"},
		{"null in a list of text", "", `{"tags":["a",null]}`, false, 422, "tags[1]", "not null"},
		{"unknown field", "", `{"name":"a","nmae":"b"}`, false, 422, "nmae", "does not know"},
		{"unknown field, nested", "", `{"readings":[{"systolic":120},{"systolic":1,"diastolic":80}]}`, false, 422, "readings[1].diastolic", "does not know"},
		{"a field's case matters", "", `{"Name":"a"}`, false, 422, "Name", "does not know"},
		{"duplicate key", "", `{"name":"a","name":"b"}`, false, 422, "name", "twice"},
		{"duplicate key, nested", "", `{"answers":{"phq9_9":0,"phq9_9":3}}`, false, 422, "answers.phq9_9", "twice"},
		{"duplicate key, in a list", "", `{"readings":[{"systolic":1},{"systolic":1,"systolic":2}]}`, false, 422, "readings[1].systolic", "twice"},
		{"wrong type", "", `{"readings":[{"systolic":"120"}]}`, false, 422, "readings[0].systolic", "whole number"},
		{"a fraction for a whole number", "", `{"answers":{"phq9_9":1.5}}`, false, 422, "answers.phq9_9", "whole number"},
		{"text for a list", "", `{"tags":"a"}`, false, 422, "tags", "list"},
		{"a list for the body", "", `[]`, false, 422, "body", "JSON object"},
		{"trailing object", "", `{}{}`, false, 422, "body", "follows"},
		{"trailing word", "", `{} x`, false, 422, "body", "follows"},
		{"invalid UTF-8", "", "{\"name\":\"caf\xe9\"}", false, 422, "name", "UTF-8"},
		{"invalid UTF-8 in a name", "", "{\"n\xffme\":\"a\"}", false, 422, "body", "UTF-8"},
		{"a lone surrogate", "", `{"name":"\udc00"}`, false, 422, "name", "UTF-8"},
		{"NUL escape", "", `{"name":"a\u0000b"}`, false, 422, "name", "NUL"},
		{"NUL in a map key", "", `{"answers":{"phq9\u0000":1}}`, false, 422, "answers", "NUL"},
		{"NUL in a list", "", `{"tags":["\u0000"]}`, false, 422, "tags[0]", "NUL"},
		{"too long for a name", "", `{"name":"` + strings.Repeat("a", 201) + `"}`, false, 422, "name", "at most 200 characters"},
		{"too long for the default", "", `{"readings":[{"systolic":1,"note":"` + long + `"}]}`, false, 422, "readings[0].note", "at most 10,000 characters; it has 10,001"},
		{"too long for a plan entry", "", `{"plan":{"warning_signs":[{"text":"` + strings.Repeat("x", 501) + `"}]}}`, false, 422, "plan.warning_signs[0].text", "at most 500"},
		{"too long for a narrative", "", `{"summary":"` + strings.Repeat("x", 50_001) + `"}`, false, 422, "summary", "at most 50,000"},
		{"not JSON", "", `{"name":`, false, 422, "body", "ends before"},
		{"empty body", "", ``, false, 422, "body", "empty"},
		{"blank body", "application/json", " \n", false, 422, "body", "empty"},
		{"too big", "", `{"summary":"` + strings.Repeat("x", jsonbody.MaxBytes) + `"}`, false, 413, "", ""},
		{"form content type", "application/x-www-form-urlencoded", `{}`, false, 415, "", ""},
		{"text content type", "text/plain", `{}`, false, 415, "", ""},
		{"no content type", "-", `{}`, false, 415, "", ""},
		{"another charset", "application/json; charset=latin1", `{}`, false, 415, "", ""},
		{"wrong content type, empty optional body", "text/plain", ``, true, 415, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ct := c.ct
			switch ct {
			case "":
				ct = "application/json"
			case "-":
				ct = ""
			}
			var v body
			err := jsonbody.Decode(request(ct, c.body), &v, jsonbody.Options{Optional: c.optional})
			if err == nil {
				t.Fatalf("accepted; want %d", c.status)
			}
			got, status := fields(t, err)
			if status != c.status {
				t.Fatalf("status %d (%v); want %d", status, err, c.status)
			}
			if c.field == "" {
				return
			}
			msg, ok := got[c.field]
			if !ok {
				t.Fatalf("no problem named %q: %v", c.field, got)
			}
			if !strings.Contains(msg, c.words) {
				t.Fatalf("%s: %q does not say %q", c.field, msg, c.words)
			}
		})
	}
}

func TestTheDecoderTakesWhatIsPlainlyMeant(t *testing.T) {
	cases := []struct {
		name, ct, body string
		optional       bool
		check          func(body) bool
	}{
		{"a whole body", "application/json", `{"name":"Alex","answers":{"phq9_9":0},"readings":[{"systolic":120,"note":"calm"}],
			"plan":{"warning_signs":[{"text":"` + strings.Repeat("x", 500) + `"}]},"mood":null,"tags":null,"taken_at":null,"extra":null}`, false,
			func(b body) bool {
				return b.Name == "Alex" && b.Answers["phq9_9"] == 0 && len(b.Answers) == 1 && b.Mood == nil && b.Readings[0].Systolic == 120
			}},
		{"a +json type", "application/merge-patch+json; charset=utf-8", `{"name":"a"}`, false, func(b body) bool { return b.Name == "a" }},
		{"an empty optional body", "", ``, true, func(b body) bool { return b.Name == "" }},
		{"an empty optional body with its type", "application/json", ``, true, func(b body) bool { return b.Name == "" }},
		{"null for an optional body", "application/json", `null`, true, func(b body) bool { return b.Name == "" }},
		{"a narrative at its limit", "application/json", `{"summary":"` + strings.Repeat("é", 50_000) + `"}`, false, func(b body) bool { return len(b.Summary) == 100_000 }},
		{"line breaks as CR LF count once", "application/json", `{"name":"` + strings.Repeat(`a\r\n`, 100) + `"}`, false, func(b body) bool { return len(b.Name) == 300 }},
		{"escaped text", "application/json", `{"name":"caf\u00e9 \ud83d\ude00"}`, false, func(b body) bool { return b.Name == "café 😀" }},
		{"white space around the value", "application/json", " \n{\"name\":\"a\"}\n ", false, func(b body) bool { return b.Name == "a" }},
		{"a Go field name without a tag", "application/json", `{"Children":{"x":{"systolic":1}}}`, false, func(b body) bool { return b.Children["x"].Systolic == 1 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v body
			if err := jsonbody.Decode(request(c.ct, c.body), &v, jsonbody.Options{Optional: c.optional}); err != nil {
				t.Fatalf("refused: %v", err)
			}
			if !c.check(v) {
				t.Fatalf("decoded as %+v", v)
			}
		})
	}
}
