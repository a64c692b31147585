package web_test

func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
	addRoutes(map[string][]string{
		"GET /clients/new":                 {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"POST /clients/new":                {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"POST /api/v1/clients":             {unauth, unauth, unauth, allow, allow, allow, allow, deny, allow, allow},
		"GET /client-imports":              {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"POST /client-imports":             {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"GET /client-imports/template.csv": {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"GET /client-imports/{id}":         {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /client-imports/{id}":        {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /client-imports/{id}/run":    {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
	})
}
