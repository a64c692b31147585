package web_test

func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice
	addRoutes(map[string][]string{
		"GET /clients/new":                       {signin, deny, deny, allow, allow, allow, allow, deny, allow},
		"POST /clients/new":                      {signin, deny, deny, allow, allow, allow, allow, deny, allow},
		"POST /api/v1/clients":                   {unauth, unauth, unauth, allow, allow, allow, allow, deny, allow},
		"GET /admin/import":                      {signin, deny, deny, allow, allow, allow, allow, deny, allow},
		"POST /admin/import":                     {signin, deny, deny, allow, allow, allow, allow, deny, allow},
		"GET /admin/import/clients-template.csv": {signin, deny, deny, allow, allow, allow, allow, deny, allow},
		"GET /admin/import/{id}":                 {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden},
		"POST /admin/import/{id}":                {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden},
		"POST /admin/import/{id}/run":            {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden},
	})
}
