package api

import (
	"errors"
	"net/http"
	"slices"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/inquiry"
	"holdspace/internal/jsonbody"
	"holdspace/internal/textlimit"
)

func (s *Server) routesInquiryAPI() {
	// The public form's JSON twin: no token (anyone may write to a
	// practice), so it is registered as public and answers problem+json
	// itself.
	s.public("POST /api/v1/practices/{slug}/inquiries", s.apiSubmitInquiry)
	s.handle("GET /api/v1/inquiries", s.api(s.apiInquiries))
	s.handle("GET /api/v1/inquiries/{id}", s.api(s.apiInquiry))
	s.handle("POST /api/v1/inquiries/{id}/reply", s.api(s.apiInquiryReply))
	s.handle("POST /api/v1/inquiries/{id}/decline", s.api(s.apiInquiryDecline))
	s.handle("POST /api/v1/inquiries/{id}/convert", s.api(s.apiInquiryConvert))
}

// readInquiryJSON reads a JSON body of at most limit bytes into v through
// the one decoder; an empty body is an empty object, so that the queue's
// own rules, which decide access before they judge the input, answer a
// missing field. It answers a refused body itself and reports false.
func (s *Server) readInquiryJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	if err := jsonbody.Decode(r, v, jsonbody.Options{MaxBytes: limit, Optional: true}); err != nil {
		s.Error(w, r, err)
		return false
	}
	return true
}

// received is the answer to every submission that is not refused for its
// input: the same for a person and a program caught by the honeypot.
var received = map[string]string{"status": "received",
	"message": "Thank you. Your message has reached the practice, and someone from the care team will contact you."}

func (s *Server) apiSubmitInquiry(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	var sub inquiry.Submission
	if !s.readInquiryJSON(w, r, textlimit.MaxPublicBody, &sub) {
		return
	}
	if sub.Automated() {
		if _, err := s.doors.Inquiries.Public(r.Context(), slug); errors.Is(err, inquiry.ErrNoPractice) {
			s.Error(w, r, err)
			return
		}
		WriteJSON(w, http.StatusAccepted, received)
		return
	}
	_, err := s.doors.Inquiries.Submit(r.Context(), slug, sub, inquiry.AddressKey(s.cookieKey, access.MetaFrom(r.Context()).Address))
	switch {
	case err == nil:
		WriteJSON(w, http.StatusAccepted, received)
	case errors.Is(err, inquiry.ErrRateLimited):
		w.Header().Set("Retry-After", "3600")
		WriteProblem(w, r, http.StatusTooManyRequests, "Too many requests", "Several inquiries came from this address in the last hour. Please wait an hour and send it again.", nil)
	default:
		s.Error(w, r, err)
	}
}

func (s *Server) apiInquiries(w http.ResponseWriter, r *http.Request, a access.Actor) {
	status := inquiry.Status(r.URL.Query().Get("status"))
	if status != "" && !slices.Contains(inquiry.Statuses, status) {
		s.Error(w, r, fault.InvalidField("status", "Use one of new, replied, declined, converted, or leave it out for all."))
		return
	}
	list, counts, err := s.doors.Inquiries.List(r.Context(), a, status)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if list == nil {
		list = []inquiry.Inquiry{}
	}
	c := map[string]int{}
	for _, st := range inquiry.Statuses {
		c[string(st)] = counts[st]
	}
	WriteJSON(w, http.StatusOK, map[string]any{"inquiries": list, "counts": c})
}

func (s *Server) apiInquiry(w http.ResponseWriter, r *http.Request, a access.Actor) {
	d, err := s.doors.Inquiries.Get(r.Context(), a, r.PathValue("id"))
	s.reply(w, r, err, http.StatusOK, d.Inquiry)
}

// apiInquiryAfter answers a change with the inquiry as it now is.
func (s *Server) apiInquiryAfter(w http.ResponseWriter, r *http.Request, a access.Actor, status int, extra map[string]any) {
	d, err := s.doors.Inquiries.Get(r.Context(), a, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if extra == nil {
		WriteJSON(w, status, d.Inquiry)
		return
	}
	extra["inquiry"] = d.Inquiry
	WriteJSON(w, status, extra)
}

func (s *Server) apiInquiryReply(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in inquiry.ReplyInput
	if !s.readInquiryJSON(w, r, 1<<20, &in) {
		return
	}
	if err := s.doors.Inquiries.Reply(r.Context(), a, r.PathValue("id"), in); err != nil {
		s.Error(w, r, err)
		return
	}
	s.apiInquiryAfter(w, r, a, http.StatusOK, nil)
}

func (s *Server) apiInquiryDecline(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in inquiry.DeclineInput
	if !s.readInquiryJSON(w, r, 1<<20, &in) {
		return
	}
	if err := s.doors.Inquiries.Decline(r.Context(), a, r.PathValue("id"), in); err != nil {
		s.Error(w, r, err)
		return
	}
	s.apiInquiryAfter(w, r, a, http.StatusOK, nil)
}

func (s *Server) apiInquiryConvert(w http.ResponseWriter, r *http.Request, a access.Actor) {
	var in inquiry.ConvertInput
	if !s.readInquiryJSON(w, r, 1<<20, &in) {
		return
	}
	clientID, err := s.doors.Inquiries.Convert(r.Context(), a, r.PathValue("id"), in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/clients/"+clientID)
	s.apiInquiryAfter(w, r, a, http.StatusCreated, map[string]any{"client_id": clientID})
}
