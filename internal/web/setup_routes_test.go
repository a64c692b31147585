package web_test

// The setup page is there only while holdspace holds no practice: in the
// route walk's world it is not found for everyone. The checklist is the
// administrators'; recording the clinical review is a prescriber's or a
// clinical lead's, as changing the medicine settings is (the demo owner is
// no prescriber; the other practice's owner is).
func init() {
	admin := []string{signin, deny, deny, allow, deny, deny, deny, deny, allow, deny}
	gone := []string{hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden, hidden}
	addRoutes(map[string][]string{
		"GET /setup":                            gone,
		"POST /setup":                           gone,
		"GET /getting-started":                  admin,
		"POST /getting-started/test-email":      admin,
		"POST /getting-started/clinical-review": {signin, deny, deny, deny, allow, deny, deny, deny, allow, deny},
	})
}
