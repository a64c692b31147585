package web

// routesSessionRecord registers the pages and API of the live dosing-session record.
func (s *Server) routesSessionRecord() {}
