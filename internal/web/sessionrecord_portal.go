package web

import (
	"net/http"
	"slices"
	"strconv"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/reminder"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// portalSessionItem is one signed session as the client sees it: the
// date, what their clinician wrote for them, and who signed it. Never the
// process notes, never the vitals.
type portalSessionItem struct {
	sessionrecord.Shared
	// SessionID is the booked session, the address of its page.
	SessionID string
}

type portalSessionsPage struct {
	Sessions []portalSessionItem
}

type portalSessionPage struct {
	Session   portalSessionItem
	Aftercare string
}

// sharedSessions lists the client's signed sessions with the address of
// each; records not yet signed are not shared.
func sharedSessions(r *http.Request, tx *store.Tx, clientID string) ([]portalSessionItem, error) {
	shared, err := sessionrecord.SharedSummaries(r.Context(), tx, clientID)
	if err != nil {
		return nil, err
	}
	all, err := sessionrecord.List(r.Context(), tx, clientID)
	if err != nil {
		return nil, err
	}
	out := make([]portalSessionItem, 0, len(shared))
	for _, sh := range shared {
		i := slices.IndexFunc(all, func(o sessionrecord.Overview) bool { return o.ID == sh.RecordID })
		if i < 0 {
			continue
		}
		out = append(out, portalSessionItem{Shared: sh, SessionID: all[i].CourseSessionID})
	}
	return out, nil
}

func (s *Server) portalSessions(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	var d portalSessionsPage
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "session_summary", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		d.Sessions, err = sharedSessions(r, tx, a.ClientID)
		return err
	})
	if s.chartFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "sessionrecord_portal_list", s.page(w, r, "Your medicine sessions", d))
}

func (s *Server) portalSession(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	sessionID := r.PathValue("sessionID")
	var d portalSessionPage
	found := false
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "session_summary", ID: sessionID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		list, err := sharedSessions(r, tx, a.ClientID)
		if err != nil {
			return err
		}
		for _, it := range list {
			if it.SessionID == sessionID {
				d.Session, found = it, true
			}
		}
		if !found {
			return nil
		}
		c, err := clinic.LoadClient(r.Context(), tx, a.PracticeID, a.ClientID)
		if err != nil {
			return err
		}
		rs, err := reminder.Load(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		med, err := settings.MedicineSettings(r.Context(), tx, a.PracticeID)
		if err != nil {
			return err
		}
		v := reminder.ValuesFor(rs, med, reminder.Session{Number: d.Session.SessionNumber, At: d.Session.SessionDate,
			ClientLegal: c.LegalName, ClientPref: c.PreferredName, PracticeName: sess.PracticeName, Zone: sess.Zone})
		d.Aftercare = reminder.Render(rs.After.Body, v)
		return nil
	})
	if s.chartFailed(w, r, err) {
		return
	}
	if !found {
		s.notFoundMsg(w, r, "There is no signed session summary here. Your clinician shares the summary once they have signed the session's record.")
		return
	}
	s.render(w, r, http.StatusOK, "sessionrecord_portal_session", s.page(w, r, "Medicine session "+strconv.Itoa(d.Session.SessionNumber), d))
}
