package web

import (
	"net/http"
	"strconv"

	"holdspace/internal/sessionrecord"
)

// The portal shows a client their signed sessions: the date, what their
// clinician wrote for them, and who signed it. Never the process notes,
// never the vitals.

type portalSessionsPage struct {
	Sessions []sessionrecord.SharedSession
}

type portalSessionPage struct {
	Session   sessionrecord.SharedSession
	Aftercare string
}

func (s *Server) portalSessions(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	list, err := s.sessionDoor().SharedSessions(r.Context(), sess.Actor)
	if s.chartFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "sessionrecord_portal_list", s.page(w, r, "Your medicine sessions", portalSessionsPage{Sessions: list}))
}

func (s *Server) portalSession(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	shared, err := s.sessionDoor().SharedSession(r.Context(), sess.Actor, r.PathValue("sessionID"))
	if s.chartFailed(w, r, err) {
		return
	}
	if shared == nil {
		s.notFoundMsg(w, r, "There is no signed session summary here. Your clinician shares the summary once they have signed the session's record.")
		return
	}
	d := portalSessionPage{Session: *shared, Aftercare: shared.Aftercare}
	s.render(w, r, http.StatusOK, "sessionrecord_portal_session", s.page(w, r, "Medicine session "+strconv.Itoa(d.Session.SessionNumber), d))
}
