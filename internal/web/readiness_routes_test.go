package web_test

func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
	addRoutes(map[string][]string{
		"GET /portal/preparation":                        {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"POST /portal/preparation/intentions":            {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"POST /portal/preparation/instructions":          {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /clients/{id}/readiness":                    {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"POST /clients/{id}/preparation-sessions":        {signin, deny, deny, deny, allow, allow, deny, deny, hidden, deny},
		"GET /api/v1/clients/{id}/readiness":             {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"GET /api/v1/clients/{id}/intentions":            {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"POST /api/v1/clients/{id}/preparation-sessions": {unauth, unauth, unauth, deny, allow, allow, deny, deny, hidden, deny},
	})
}
