package web

// routesMeasures registers the pages and API of questionnaires: schedules, responses, scores, charts and the outcomes dashboard.
func (s *Server) routesMeasures() {}
