package web

// routesReminders registers the pages and API of reminder emails before and after medicine sessions, their practice-edited texts, and clinicians' ICS feeds.
func (s *Server) routesReminders() {}
