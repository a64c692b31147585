package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/textlimit"
)

// maxFormBody bounds a form post behind a sign-in: room for the longest
// narrative the limits table allows, percent-encoded in any script.
const maxFormBody = 1 << 20

// edge decides, on every route and before its handler runs, that the text
// of the request is text holdspace can store: the path, every query
// parameter and every form field, name and value, must be valid UTF-8
// without NUL and fit its kind in internal/textlimit. A refusal is a 422
// naming each field, and nothing is stored. Doing it once here, rather than
// in each handler, means a new form cannot forget it, and SQLite and
// PostgreSQL (which refuses invalid UTF-8 with an error) see the same
// input. It runs behind the gate, so whoever may not use a route hears
// that first.
//
// A form body is parsed here, bounded (64 KiB on public routes, 1 MiB
// behind a sign-in); a handler's own r.ParseForm then finds it parsed. JSON
// bodies are left to the one decoder (decodeJSON), which applies the same
// table to every string.
func (s *Server) edge(g Gate, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		api := strings.HasPrefix(r.URL.Path, "/api/")
		if textlimit.CheckText(r.URL.Path) != "" {
			// No record has such an id and no page such an address.
			if api {
				writeProblem(w, r, http.StatusNotFound, "Not found", "There is no API endpoint or record at this address.", nil)
			} else {
				s.notFound(w, r)
			}
			return
		}
		values := r.URL.Query()
		if !api {
			limit := int64(maxFormBody)
			if g == GatePublic {
				limit = maxPublicBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			err := r.ParseForm()
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				s.render(w, r, http.StatusRequestEntityTooLarge, "error", s.page(w, r, "Too long",
					errorData{"What you sent is too long", "Nothing was saved. Please go back, shorten the longest text and send it again."}))
				return
			case err != nil:
				s.render(w, r, http.StatusBadRequest, "error", s.page(w, r, "Not read",
					errorData{"This form could not be read", "Nothing was saved. Please go back, reload the page and try again."}))
				return
			}
			values = r.Form
		}
		ps := checkValues(values)
		if len(ps) == 0 {
			h(w, r)
			return
		}
		if api {
			s.apiFace.Error(w, r, ps)
			return
		}
		var msg strings.Builder
		for _, p := range ps {
			msg.WriteString("The field “" + p.Field + "”: " + p.Message + " ")
		}
		msg.WriteString("Nothing was saved. Please go back, correct it and send the form again.")
		s.render(w, r, http.StatusUnprocessableEntity, "error", s.page(w, r, "Not saved",
			errorData{"Some of what you sent cannot be stored", msg.String()}))
	}
}

// checkValues applies the text rules and the limits table to every name
// and value, in name order so the answer is the same each time.
func checkValues(values url.Values) access.Problems {
	var ps access.Problems
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if msg := textlimit.CheckText(name); msg != "" {
			ps = append(ps, &access.Problem{Field: printable(name), Message: "Its name: " + msg})
			continue
		}
		if msg := textlimit.CheckLength(name, textlimit.MaxMemberName); msg != "" {
			ps = append(ps, &access.Problem{Field: printable(name), Message: "Its name is too long. " + msg})
			continue
		}
		for _, v := range values[name] {
			if msg := textlimit.Check(name, v); msg != "" {
				ps = append(ps, &access.Problem{Field: name, Message: msg})
				break
			}
		}
	}
	return ps
}

// printable shows a field name that is not itself valid text, cut short.
func printable(name string) string {
	if textlimit.CheckText(name) != "" {
		q := strconv.QuoteToASCII(name)
		name = q[1 : len(q)-1]
	}
	if utf8.RuneCountInString(name) > 40 {
		name = string([]rune(name)[:40]) + "…"
	}
	return name
}
