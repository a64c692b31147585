package web

// routesSchedule registers the pages and API of the calendar, appointments, rooms, availability, group sessions and the dosing gate at booking.
func (s *Server) routesSchedule() {}
