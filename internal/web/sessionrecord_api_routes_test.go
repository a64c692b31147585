package web_test

// The session record's JSON API: read by the care team (and administrators), recorded by
// clinicians on the care team, the hold overridden by a prescriber, signed by a therapist or
// prescriber. Process notes need the process_notes:own scope, which the route test's tokens
// lack, so every token is refused at the route, before any record is looked at.
// {recordID}, {sessionID} and {alertID} stay literal, so those past the access decision get
// 404.
func init() {
	read := []string{unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny}
	write := []string{unauth, unauth, unauth, deny, hidden, hidden, deny, hidden, hidden, deny}
	override := []string{unauth, unauth, unauth, deny, hidden, deny, deny, deny, hidden, deny}
	sign := []string{unauth, unauth, unauth, deny, hidden, hidden, deny, deny, hidden, deny}
	notes := []string{unauth, unauth, unauth, deny, deny, deny, deny, deny, deny, deny}
	rec := "/api/v1/clients/{id}/session-records/{recordID}"
	addRoutes(map[string][]string{
		"GET /api/v1/clients/{id}/course-sessions/{sessionID}/gate":    read,
		"POST /api/v1/clients/{id}/course-sessions/{sessionID}/record": write,
		"GET /api/v1/clients/{id}/session-records":                     {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"GET " + rec:                                    read,
		"GET " + rec + "/version":                       read,
		"PUT " + rec + "/checklist":                     write,
		"POST " + rec + "/readings":                     write,
		"POST " + rec + "/hold-override":                override,
		"POST " + rec + "/dose-authorisations":          override,
		"POST " + rec + "/premedications":               write,
		"POST " + rec + "/doses":                        write,
		"POST " + rec + "/alerts/{alertID}/acknowledge": write,
		"POST " + rec + "/observations":                 write,
		"POST " + rec + "/interventions":                write,
		"POST " + rec + "/adverse-events":               write,
		"PUT " + rec + "/summary":                       write,
		"POST " + rec + "/process-notes":                notes,
		"GET " + rec + "/process-notes":                 notes,
		"POST " + rec + "/discharge":                    write,
		"POST " + rec + "/sign":                         sign,
		"POST " + rec + "/addenda":                      sign,
	})
}
