package web_test

func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
	addRoutes(map[string][]string{
		"GET /alerts":                                     {signin, deny, deny, allow, allow, allow, allow, allow, allow, allow},
		"GET /alerts/{id}":                                {signin, deny, deny, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /alerts/{id}/acknowledge":                   {signin, deny, deny, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /alerts/{id}/close":                         {signin, deny, deny, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"GET /admin/safety-settings":                      {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"POST /admin/safety-settings":                     {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"GET /clients/{id}/safety-plan":                   {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"POST /clients/{id}/safety-plan":                  {signin, deny, deny, deny, allow, allow, deny, deny, hidden, deny},
		"GET /clients/{id}/check-ins":                     {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"GET /portal/checkins":                            {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/checkins/{id}":                       {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"POST /portal/checkins/{id}":                      {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/crisis":                              {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/safety-plan":                         {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /api/v1/alerts":                              {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
		"GET /api/v1/alerts/{id}":                         {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /api/v1/alerts/{id}/acknowledge":            {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"POST /api/v1/alerts/{id}/close":                  {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"GET /api/v1/clients/{id}/check-ins":              {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"POST /api/v1/clients/{id}/check-ins/{checkInID}": {unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny},
		"GET /api/v1/clients/{id}/safety-plan":            {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"PUT /api/v1/clients/{id}/safety-plan":            {unauth, unauth, unauth, deny, allow, allow, deny, deny, hidden, deny},
	})
}
