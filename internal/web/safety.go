package web

// routesSafety registers the pages and API of safety alerts and their escalation, check-ins, crisis resources and safety plans.
func (s *Server) routesSafety() {}
