package api

import (
	"encoding/json"
	"net/http"

	"holdspace/internal/fault"
	"holdspace/internal/requestid"
)

// Problem is an RFC 9457 problem detail.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
	// RequestID lets an operator find the log lines of a failure.
	RequestID string `json:"request_id,omitempty"`
}

// WriteProblem answers with a problem of the API's frame (no token, an
// address with no endpoint): the refusals that come before any door.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string, fields map[string]string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(Problem{Type: "about:blank", Title: title, Status: status, Detail: detail,
		Instance: r.URL.Path, Errors: fields, RequestID: requestid.From(r.Context())})
}

// WriteJSON answers with v. Records are never cached: each answer is a
// look at a chart, decided and on the record.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Error is the JSON API's one mapping of an error to its RFC 9457
// problem: a refusal (fault.Of) with its status, heading, message, fields
// and the rule's own members; anything else is a failure, logged with the
// request id and answered without its cause.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	f := fault.Of(err)
	if f == nil {
		s.log.Error("api error", "request_id", requestid.From(r.Context()), "route", r.Pattern, "err", err)
		WriteProblem(w, r, http.StatusInternalServerError, "Internal error", "holdspace could not finish this request; quote the request id when reporting it.", nil)
		return
	}
	if f.Code == fault.Unavailable {
		s.log.Error("api: database unavailable", "request_id", requestid.From(r.Context()), "err", err)
		w.Header().Set("Retry-After", "10")
	}
	WriteFault(w, r, f)
}

// WriteFault writes f as a problem, its Extra members beside the standard
// ones.
func WriteFault(w http.ResponseWriter, r *http.Request, f *fault.Error) {
	status := f.HTTPStatus()
	p := Problem{Type: "about:blank", Title: f.Heading(), Status: status, Detail: f.Message, Instance: r.URL.Path,
		Errors: f.FieldMap(), RequestID: requestid.From(r.Context())}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if len(f.Extra) == 0 {
		json.NewEncoder(w).Encode(p)
		return
	}
	members := map[string]any{}
	for k, v := range f.Extra {
		members[k] = v
	}
	b, _ := json.Marshal(p)
	var std map[string]any
	json.Unmarshal(b, &std)
	for k, v := range std {
		members[k] = v
	}
	json.NewEncoder(w).Encode(members)
}
