package web_test

// The route table's rows for the intake and screening. The table fills
// {id} but not {section} or {screeningID}: a request that access lets
// through then finds no such section or screening, and answers 404, shown
// here as "hidden"; the tests in intake_test.go walk the real pages.
func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
	addRoutes(map[string][]string{
		"GET /portal/intake":                                                  {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/intake/review":                                           {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"POST /portal/intake/submit":                                          {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/intake/{section}":                                        {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"POST /portal/intake/{section}":                                       {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"GET /clients/{id}/intake":                                            {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"GET /clients/{id}/intake/review":                                     {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"POST /clients/{id}/intake/submit":                                    {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"GET /clients/{id}/intake/{section}":                                  {signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny},
		"POST /clients/{id}/intake/{section}":                                 {signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny},
		"GET /clients/{id}/screening":                                         {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"POST /clients/{id}/screening/{screeningID}/acknowledge":              {signin, deny, deny, deny, hidden, deny, deny, deny, hidden, deny},
		"POST /clients/{id}/screening/blood-pressure":                         {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"GET /api/v1/clients/{id}/intake":                                     {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"PUT /api/v1/clients/{id}/intake/{section}":                           {unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny},
		"POST /api/v1/clients/{id}/intake/submit":                             {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"GET /api/v1/clients/{id}/screenings":                                 {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"POST /api/v1/clients/{id}/screenings/{screeningID}/acknowledgements": {unauth, unauth, unauth, deny, hidden, deny, deny, deny, hidden, deny},
		"POST /api/v1/clients/{id}/screening-vitals":                          {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"GET /api/v1/screening-rules":                                         {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
	})
}
