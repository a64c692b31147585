package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/store"
)

// The route table's rows for the intake and screening. The table fills
// {id} but not {section} or {screeningID}: a request that access lets
// through then finds no such section or screening, and answers 404, shown
// here as "hidden"; the tests below walk the real pages.
func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice
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

// intakeSite is a practice with a prescriber, a therapist, a therapist off
// the care team, and two clients with portal accounts.
type intakeSite struct {
	*adminSite
	alex, jamie string
	rx, sam     string
}

func newIntakeSite(t *testing.T, db *store.DB) *intakeSite {
	t.Helper()
	s := &intakeSite{adminSite: newAdminSite(t, db, adminTime)}
	s.rx = s.addStaff(s.practice, "Dr. Priya Raman", "rx@example.org", access.Prescriber)
	s.sam = s.addStaff(s.practice, "Sam Okafor", "sam@example.org", access.Therapist)
	s.addStaff(s.practice, "Elena Brooks", "elena@example.org", access.Therapist)
	s.alex = s.addClient("Alex Rivera", "alex@client.example")
	s.jamie = s.addClient("Jamie Chen", "jamie@client.example")
	for _, c := range []string{s.alex, s.jamie} {
		s.exec(`INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, 'prescriber', ?), (?, ?, 'therapist', ?)`,
			c, s.rx, adminTime, c, s.sam, adminTime)
	}
	return s
}

// answers is a complete intake as a browser posts it, page by page.
func answers() map[string]url.Values {
	no := func(paths ...string) url.Values {
		v := url.Values{}
		for _, p := range paths {
			v.Set(p, "no")
		}
		return v
	}
	medical := no("medical.heart_disease", "medical.hypertension", "medical.stroke", "medical.aneurysm_or_avm", "medical.intracerebral_haemorrhage",
		"medical.brain_injury", "medical.raised_intracranial_pressure", "medical.glaucoma", "medical.liver_disease", "medical.seizures",
		"medical.urinary_or_bladder_problems", "medical.pregnancy", "medical.breastfeeding", "medical.eclampsia_or_pre_eclampsia", "medical.ketamine_allergy")
	psych := no("psychiatric.psychosis_current", "psychiatric.psychosis_history", "psychiatric.mania_current", "psychiatric.mania_history",
		"psychiatric.bipolar_diagnosis", "psychiatric.suicide_attempt", "psychiatric.suicidal_thoughts_current", "psychiatric.eating_disorder",
		"psychiatric.dissociative_disorder")
	subst := url.Values{"substances.alcohol": {"monthly"}, "substances.ketamine": {"never"}, "substances.cannabis": {"never"},
		"substances.stimulants": {"never"}, "substances.opioids": {"never"}, "substances.other": {"never"}, "substances.use_disorder": {"no"}}
	return map[string]url.Values{
		"medical": medical, "psychiatric": psych, "substances": subst,
		"medications": {"medications.takes_medications": {"no"}},
		"experience":  no("experience.prior_ketamine_treatment", "experience.prior_psychedelic_experience"),
		"goals":       {"goals.text": {"To sleep through the night again."}},
	}
}

func (b *adminBrowser) save(base, section string, v url.Values) (*http.Response, string) {
	b.t.Helper()
	form := url.Values{"action": {"continue"}}
	for k, vs := range v {
		form[k] = vs
	}
	return b.post(base+"/"+section, form)
}

func TestAClientFillsTheIntakeAPageAtATimeAndNothingTypedIsLost(t *testing.T) {
	each(t, newIntakeSite, func(t *testing.T, s *intakeSite) {
		alex := s.signIn("alex@client.example")
		body := alex.getOK(t, "/portal/intake")
		pageSays(t, body, "Your health questionnaire", "Not started", "Start")
		dumpPage(t, "intake_overview_new", body)

		body = alex.getOK(t, "/portal/intake/medical")
		pageHas(t, body, `<legend>`, `type="radio"`, `name="medical.stroke"`, `value="not_sure"`, "/static/intake.js")
		dumpPage(t, "intake_medical", body)

		// The first page, half done, saved to come back later.
		half := url.Values{"action": {"save"}, "medical.heart_disease": {"yes"}, "medical.stroke": {"no"}}
		res, _ := alex.post("/portal/intake/medical", half)
		wantStatus(t, res, http.StatusSeeOther)
		res, body = alex.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Saved. You can come back and carry on at any time.")
		pageHas(t, body, `id="f-medical-heart_disease-yes" name="medical.heart_disease" value="yes" checked`)
		pageSays(t, body, "If yes or not sure:")

		// Medicines with a dose that is no number: refused beside the box, the text kept, the rest saved.
		res, body = alex.post("/portal/intake/medications", url.Values{"action": {"continue"}, "rows": {"3"},
			"medications.takes_medications": {"yes"}, "medications.list[0].name": {"Sertraline"}, "medications.list[0].dose": {"a hundred"},
			"medications.list[1].name": {"Lorazepam"}, "medications.list[1].daily_dose_mg": {"1"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `value="a hundred"`, `id="f-medications-list-0-dose-error"`, `href="#f-medications-list-0-dose"`)
		pageSays(t, body, "Please enter the dose as a number, such as 10 or 0.5.", "everything else on this page is saved")
		dumpPage(t, "intake_medications_refused", body)
		body = alex.getOK(t, "/portal/intake/medications")
		pageHas(t, body, `value="Sertraline"`, `value="Lorazepam"`)
		if strings.Contains(body, "a hundred") {
			t.Error("the unreadable dose was stored")
		}

		// "Add another medicine" works without script: one more row.
		res, body = alex.post("/portal/intake/medications", url.Values{"action": {"add-row"}, "rows": {"3"},
			"medications.takes_medications": {"yes"}, "medications.list[0].name": {"Sertraline"}, "medications.list[1].name": {"Lorazepam"},
			"medications.list[1].daily_dose_mg": {"1"}})
		wantStatus(t, res, http.StatusOK)
		pageHas(t, body, `name="medications.list[3].name"`, `name="rows" value="4"`)

		// Resume: the overview sends the client back to the first open part.
		body = alex.getOK(t, "/portal/intake")
		pageHas(t, body, `href="/portal/intake/medical">Carry on where you left off`)
		pageSays(t, body, "to answer")
		dumpPage(t, "intake_overview_started", body)

		// Another client sees only their own questionnaire, and no staff page.
		jamie := s.signIn("jamie@client.example")
		body = jamie.getOK(t, "/portal/intake/medications")
		if strings.Contains(body, "Sertraline") {
			t.Error("Jamie saw Alex's medicines")
		}
		res, _ = jamie.get("/clients/" + s.alex + "/intake/medications")
		wantStatus(t, res, http.StatusForbidden)
	})
}

func TestSubmittingScreensAndAPrescriberAcknowledges(t *testing.T) {
	each(t, newIntakeSite, func(t *testing.T, s *intakeSite) {
		alex := s.signIn("alex@client.example")
		all := answers()
		all["psychiatric"].Set("psychiatric.mania_history", "yes")
		all["medical"].Del("medical.pregnancy")
		for _, name := range []string{"medical", "psychiatric", "substances", "medications", "experience", "goals"} {
			res, _ := alex.save("/portal/intake", name, all[name])
			wantStatus(t, res, http.StatusSeeOther)
		}
		body := alex.getOK(t, "/portal/intake/review")
		pageSays(t, body, "one question still needs an answer", "Are you pregnant, or is there any chance you could be?")
		res, body := alex.post("/portal/intake/submit", url.Values{"name": {"Alex Rivera"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Not sent yet:", "Are you pregnant, or is there any chance you could be?")
		dumpPage(t, "intake_review_refused", body)
		if n := s.count(`SELECT COUNT(*) FROM screening`); n != 0 {
			t.Fatalf("%d screenings after a refused submit", n)
		}

		all["medical"].Set("medical.pregnancy", "no")
		res, _ = alex.save("/portal/intake", "medical", all["medical"])
		wantStatus(t, res, http.StatusSeeOther)
		res, _ = alex.post("/portal/intake/submit", url.Values{"name": {"Alex Rivera"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = alex.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Thank you. Your answers are with your care team")
		dumpPage(t, "intake_overview_sent", body)
		if n := s.count(`SELECT COUNT(*) FROM screening WHERE client_id = ? AND outcome = 'incomplete'`, s.alex); n != 1 {
			t.Fatalf("%d incomplete screenings; want the one run on submit, without a blood pressure", n)
		}
		// The client can no longer change the questionnaire.
		res, _ = alex.save("/portal/intake", "goals", url.Values{"goals.text": {"changed"}})
		wantStatus(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/portal/intake" {
			t.Fatalf("sent to %q", loc)
		}

		// Staff record the resting blood pressure: a new screening awaits the prescriber.
		sam := s.signIn("sam@example.org")
		res, body = sam.post("/clients/"+s.alex+"/screening/blood-pressure", url.Values{"bp_systolic": {"abc"}, "bp_diastolic": {"80"},
			"taken_at": {"2026-11-23T08:30"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `value="abc"`, `id="f-bp_systolic-error"`)
		res, _ = sam.post("/clients/"+s.alex+"/screening/blood-pressure", url.Values{"bp_systolic": {"128"}, "bp_diastolic": {"82"},
			"taken_at": {"2026-11-23T08:30"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = sam.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Awaiting the prescriber's acknowledgement", "Current or past mania or hypomania", "Source: Spravato (esketamine) prescribing information",
			"128/82 mmHg", "rule set 2025.2")
		screeningID := idOf(t, s.db, `SELECT id FROM screening WHERE client_id = ? AND outcome = 'needs_acknowledgement'`, s.alex)
		ack := "/clients/" + s.alex + "/screening/" + screeningID + "/acknowledge"
		res, _ = sam.post(ack, url.Values{"rule_id": {"rel-mania-bipolar"}, "reason": {"fine"}})
		wantStatus(t, res, http.StatusForbidden)

		rx := s.signIn("rx@example.org")
		body = rx.getOK(t, "/clients/"+s.alex+"/screening")
		pageHas(t, body, `action="`+ack+`"`)
		dumpPage(t, "screening_awaiting", body)
		res, body = rx.post(ack, url.Values{"rule_id": {"rel-mania-bipolar"}, "reason": {"  "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-reason-error"`)
		res, _ = rx.post(ack, url.Values{"rule_id": {"rel-mania-bipolar"}, "reason": {"One hypomanic episode in 2015 on an SSRI; stable since. Watch sleep."}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = rx.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Cleared by the prescriber", "Acknowledged", "by Dr. Priya Raman", "One hypomanic episode in 2015")
		dumpPage(t, "screening_acknowledged", body)
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'screening.acknowledge' AND outcome = 'allowed' AND client_id = ?
			AND record_type = 'screening_acknowledgement'`, s.alex); n != 1 {
			t.Fatalf("%d audited acknowledgements; want 1", n)
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'screening.acknowledge' AND outcome = 'denied'`); n != 1 {
			t.Fatalf("%d audited refusals; want the therapist's", n)
		}

		// A staff change to the medicines after submission screens again.
		body = sam.getOK(t, "/clients/"+s.alex+"/intake/medications")
		pageSays(t, body, "This intake has been submitted.")
		res, _ = sam.post("/clients/"+s.alex+"/intake/medications", url.Values{"action": {"save"}, "medications.takes_medications": {"yes"},
			"medications.list[0].name": {"Klonopin"}, "medications.list[0].daily_dose_mg": {"0.5"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = sam.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "The change ran a new screening")
		if n := s.count(`SELECT COUNT(*) FROM screening WHERE client_id = ?`, s.alex); n != 3 {
			t.Fatalf("%d screenings; want 3 (submitted, blood pressure, medicines)", n)
		}
		body = sam.getOK(t, "/clients/"+s.alex+"/screening")
		pageSays(t, body, "Takes a benzodiazepine", "carried forward", "All screenings")
		body = sam.getOK(t, "/clients/"+s.alex+"/intake/review")
		pageSays(t, body, "Klonopin", "benzodiazepine", "diazepam-equivalent")
		dumpPage(t, "intake_review_staff", body)
	})
}

func TestAnAbsoluteContraindicationBlocks(t *testing.T) {
	each(t, newIntakeSite, func(t *testing.T, s *intakeSite) {
		sam := s.signIn("sam@example.org")
		base := "/clients/" + s.jamie + "/intake"
		all := answers()
		all["medical"].Set("medical.aneurysm_or_avm", "yes")
		for name, v := range all {
			res, _ := sam.save(base, name, v)
			wantStatus(t, res, http.StatusSeeOther)
		}
		res, _ := sam.post("/clients/"+s.jamie+"/screening/blood-pressure", url.Values{"bp_systolic": {"122"}, "bp_diastolic": {"78"}, "taken_at": {"2026-11-23T08:30"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, _ = sam.post(base+"/submit", url.Values{"name": {"Sam Okafor"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body := sam.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Blocked: absolute contraindication", "blocks a course", "Aneurysmal vascular disease")
		dumpPage(t, "screening_blocked", body)
		body = sam.getOK(t, base)
		pageSays(t, body, "by Sam Okafor")
	})
}

func TestTheIntakeAPI(t *testing.T) {
	each(t, newIntakeSite, func(t *testing.T, s *intakeSite) {
		tok := s.apiToken(s.sam)
		call := func(method, path, body string) (int, map[string]any) {
			t.Helper()
			res, out := sendJSON(t, method, s.srv.URL+path, tok, "application/json", body)
			return res.StatusCode, out
		}
		base := "/api/v1/clients/" + s.alex
		code, out := call("PUT", base+"/intake/medical", `{"stroke": "maybe", "pregnancy": "no"}`)
		if code != 422 || out["errors"].(map[string]any)["medical.stroke"] == nil {
			t.Fatalf("%d %v; want 422 naming medical.stroke", code, out)
		}
		code, out = call("PUT", base+"/intake/medical", `{"strokes": "no"}`)
		if code != 422 {
			t.Fatalf("%d %v; want an unknown field refused", code, out)
		}
		code, out = call("PUT", base+"/intake/medical", `{"stroke": "no", "pregnancy": "no"}`)
		if code != 200 || out["changed"] != true {
			t.Fatalf("%d %v", code, out)
		}
		code, out = call("POST", base+"/intake/submit", `{"name": "Sam Okafor", "confirm": true}`)
		if code != 422 || out["errors"].(map[string]any)["medical.heart_disease"] == nil {
			t.Fatalf("%d %v; want 422 naming the missing answers", code, out)
		}
		code, out = call("GET", base+"/intake", "")
		if code != 200 || out["status"] != "draft" {
			t.Fatalf("%d %v", code, out)
		}
		code, out = call("GET", "/api/v1/screening-rules", "")
		if code != 200 || out["version"] != "2025.2" || len(out["rules"].([]any)) < 30 {
			t.Fatalf("%d %v", code, out["version"])
		}
		code, out = call("POST", base+"/screening-vitals", `{"bp_systolic": 120, "bp_diastolic": 80, "taken_at": "2026-11-23T08:00:00Z"}`)
		if code != 201 {
			t.Fatalf("%d %v", code, out)
		}
		code, out = call("GET", base+"/screenings", "")
		if code != 200 || len(out["screenings"].([]any)) != 0 {
			t.Fatalf("%d %v; want no screening before submit", code, out)
		}
	})
}

// The client sends the intake with their typed name and the confirmation;
// a refusal keeps what was typed and sends nothing; staff see the
// attestation on the review, and that a later change of theirs broke it.
func TestTheClientAttestsTheIntakeAndStaffSeeItOnTheReview(t *testing.T) {
	each(t, newIntakeSite, func(t *testing.T, s *intakeSite) {
		alex := s.signIn("alex@client.example")
		all := answers()
		for _, name := range []string{"medical", "psychiatric", "substances", "medications", "experience", "goals"} {
			res, _ := alex.save("/portal/intake", name, all[name])
			wantStatus(t, res, http.StatusSeeOther)
		}
		body := alex.getOK(t, "/portal/intake/review")
		pageHas(t, body, `name="name"`, `autocomplete="name"`, `name="confirm"`, `type="checkbox"`)
		pageSays(t, body, "Type it as we have it on file: Alex Rivera. Capital letters and spaces do not matter.",
			"My answers are true and complete to the best of my knowledge.")

		res, body := alex.post("/portal/intake/submit", url.Values{"name": {"Alex Rivers"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `value="Alex Rivers"`, `id="f-name-error"`, `id="f-confirm-error"`, `aria-invalid="true"`)
		pageSays(t, body, "This does not match the name we have on file (Alex Rivera)", "Tick the box to confirm")
		dumpPage(t, "intake_attest_refused", body)
		res, body = alex.post("/portal/intake/submit", url.Values{"confirm": {"yes"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-name-error"`, `checked`)
		pageSays(t, body, "Type your full name to confirm your answers.")
		if n := s.count(`SELECT COUNT(*) FROM screening`) + s.count(`SELECT COUNT(*) FROM intake WHERE status = 'submitted'`); n != 0 {
			t.Fatalf("a refused attestation sent the intake (%d)", n)
		}

		res, _ = alex.post("/portal/intake/submit", url.Values{"name": {" alex rivera "}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusSeeOther)
		body = alex.getOK(t, "/portal/intake/review")
		pageSays(t, body, "You confirmed that these answers were true and complete", "typing “alex rivera”", "Mon 23 Nov 2026, 09:00 EST")
		pageSaysNot(t, body, "Your full name")

		sam := s.signIn("sam@example.org")
		review := "/clients/" + s.alex + "/intake/review"
		body = sam.getOK(t, review)
		pageSays(t, body, "Attested by alex rivera on Mon 23 Nov 2026, 09:00 EST: the client, in the portal.", "still match the fingerprint")
		pageSaysNot(t, body, "changed since the attestation")
		dumpPage(t, "intake_attested_staff", body)

		// A staff change after submission shows on the review, with who made it.
		res, _ = sam.save("/clients/"+s.alex+"/intake", "goals", url.Values{"goals.text": {"To sleep, and to stop dreading Mondays."}})
		wantStatus(t, res, http.StatusSeeOther)
		body = sam.getOK(t, review)
		pageSays(t, body, "Attested by alex rivera", "The answers have changed since the attestation.",
			"Your hopes for this work: changed by Sam Okafor on Mon 23 Nov 2026, 09:00 EST")
		pageSaysNot(t, body, "still match the fingerprint")
		dumpPage(t, "intake_attested_changed", body)
		body = alex.getOK(t, "/portal/intake/review")
		pageSays(t, body, "Your care team has since changed some answers with you: Your hopes for this work.")
	})
}

// Staff sending the intake for a client confirm it under their own name.
func TestStaffSendTheIntakeUnderTheirOwnName(t *testing.T) {
	each(t, newIntakeSite, func(t *testing.T, s *intakeSite) {
		sam := s.signIn("sam@example.org")
		base := "/clients/" + s.jamie + "/intake"
		for name, v := range answers() {
			res, _ := sam.save(base, name, v)
			wantStatus(t, res, http.StatusSeeOther)
		}
		body := sam.getOK(t, base+"/review")
		pageSays(t, body, "as your staff account has it: Sam Okafor", "The client has told me that these answers are true and complete")
		res, body := sam.post(base+"/submit", url.Values{"name": {"Jamie Chen"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `value="Jamie Chen"`, `id="f-name-error"`)
		pageSays(t, body, "This does not match the name on your staff account (Sam Okafor)")
		res, _ = sam.post(base+"/submit", url.Values{"name": {"Sam Okafor"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusSeeOther)
		body = sam.getOK(t, base+"/review")
		pageSays(t, body, "Attested by Sam Okafor on Mon 23 Nov 2026, 09:00 EST: Sam Okafor, staff, on the client")
		dumpPage(t, "intake_attested_by_staff", body)
	})
}

func TestTheIntakeAPISubmitsWithAnAttestation(t *testing.T) {
	each(t, newIntakeSite, func(t *testing.T, s *intakeSite) {
		tok := access.NewAPIToken()
		s.exec(`INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at)
			SELECT ?, practice_id, id, 'test', 'clients:read clients:write', ?, ? FROM account WHERE email = 'sam@example.org'`,
			store.NewID(), access.HashToken(tok), adminTime)
		call := func(method, path, body string) (int, map[string]any) {
			t.Helper()
			res, out := sendJSON(t, method, s.srv.URL+path, tok, "application/json", body)
			return res.StatusCode, out
		}
		sam := s.signIn("sam@example.org")
		for name, v := range answers() {
			res, _ := sam.save("/clients/"+s.alex+"/intake", name, v)
			wantStatus(t, res, http.StatusSeeOther)
		}
		submit := "/api/v1/clients/" + s.alex + "/intake/submit"
		errs := func(out map[string]any) map[string]any { m, _ := out["errors"].(map[string]any); return m }
		for _, c := range []struct{ body, want string }{
			{"", "confirm"},
			{`{}`, "name"},
			{`{"name": "Alex Rivera", "confirm": true}`, "name"},
			{`{"name": "Sam Okafor", "confirm": false}`, "confirm"},
			{`{"name": null, "confirm": true}`, "name"},
			{`{"name": "Sam Okafor", "confirm": true, "name": "Sam Okafor"}`, "name"},
			{`{"name": "Sam Okafor", "confirm": true, "witness": "x"}`, "witness"},
		} {
			code, out := call("POST", submit, c.body)
			if code != 422 || errs(out)[c.want] == nil {
				t.Errorf("%q: %d %v; want 422 naming %s", c.body, code, out, c.want)
			}
		}
		if n := s.count(`SELECT COUNT(*) FROM screening`); n != 0 {
			t.Fatalf("%d screenings after refusals", n)
		}
		code, out := call("POST", submit, `{"name": "sam OKAFOR", "confirm": true}`)
		att, _ := out["attestation"].(map[string]any)
		if code != 200 || att["typed_name"] != "sam OKAFOR" || len(att["answers_sha256"].(string)) != 64 {
			t.Fatalf("%d %v", code, out)
		}
		code, out = call("GET", "/api/v1/clients/"+s.alex+"/intake", "")
		got, _ := out["attestation"].(map[string]any)
		if code != 200 || got["matches"] != true || got["answers_sha256"] != att["answers_sha256"] || got["by"].(map[string]any)["kind"] != "api" {
			t.Errorf("%d %v", code, out["attestation"])
		}
	})
}

// Finding 10: the three medicines a client lists on the intake, lorazepam among them, are offered
// to the chart when the intake is submitted; a clinician confirms two (one corrected), declines
// the third through the API; the evaluation shows what is confirmed and what is still only the
// client's word; the benzodiazepine finding gives the diazepam equivalent (Ashton Manual:
// lorazepam 1 mg ≈ diazepam 10 mg, so 1 mg twice daily ≈ 20 mg/day).
func TestIntakeMedicationsReachTheChartTheEvaluationAndTheScreening(t *testing.T) {
	each(t, newIntakeSite, func(t *testing.T, s *intakeSite) {
		alex := s.signIn("alex@client.example")
		all := answers()
		all["medications"] = url.Values{"rows": {"3"}, "medications.takes_medications": {"yes"},
			"medications.list[0].name": {"lorazepam"}, "medications.list[0].dose": {"1"}, "medications.list[0].unit": {"mg"},
			"medications.list[0].frequency": {"twice daily"}, "medications.list[0].daily_dose_mg": {"2"},
			"medications.list[1].name": {"Sertraline"}, "medications.list[1].dose": {"100"}, "medications.list[1].unit": {"mg"},
			"medications.list[1].frequency": {"every morning"},
			"medications.list[2].name":      {"Lamictal"}, "medications.list[2].dose": {"50"}, "medications.list[2].unit": {"mg"},
			"medications.list[2].frequency": {"daily"}}
		for _, name := range []string{"medical", "psychiatric", "substances", "medications", "experience", "goals"} {
			res, body := alex.save("/portal/intake", name, all[name])
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("saving %s: %d\n%s", name, res.StatusCode, body)
			}
		}
		res, _ := alex.post("/portal/intake/submit", url.Values{"name": {"Alex Rivera"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusSeeOther)
		if n := s.count(`SELECT COUNT(*) FROM medication WHERE client_id = ?`, s.alex); n != 0 {
			t.Fatalf("%d chart medications on the client's word alone", n)
		}

		rx := s.signIn("rx@example.org")
		base := "/clients/" + s.alex
		body := rx.getOK(t, base+"/intake/review")
		// Words of the template itself, which reach the page as written.
		pageHas(t, body, "offered to the chart's medication list on submission")
		body = rx.getOK(t, base+"/medical")
		pageSays(t, body, "Offered from the intake (3)", "lorazepam 1 mg, twice daily", "Sertraline 100 mg, every morning", "Lamictal 50 mg, daily",
			"their total in a usual day: 2 mg", "No current medications recorded.")
		dumpPage(t, "rx_medical_offered", body)
		body = rx.getOK(t, base+"/evaluation/new")
		pageSays(t, body, "listed by the client, not yet confirmed", "lorazepam 1 mg twice daily; Sertraline 100 mg every morning; Lamictal 50 mg daily")
		pageHas(t, body, "<dt>Medications</dt><dd>\n")
		if strings.Contains(body, `<dt>Medications</dt><dd><span class="muted">none recorded`) {
			t.Error("the evaluation says no medications are recorded while three are offered")
		}
		body = rx.getOK(t, base+"/screening")
		pageSays(t, body, "Takes a benzodiazepine", "lorazepam 1 mg twice daily (2 mg a day, the client's own total) ≈ diazepam 20 mg/day (Ashton Manual)",
			"above 8 mg diazepam-equivalent")

		var lorazepam, sertraline, lamictal string
		for _, row := range []struct {
			name string
			id   *string
		}{{"lorazepam", &lorazepam}, {"Sertraline", &sertraline}, {"Lamictal", &lamictal}} {
			*row.id = idOf(t, s.db, `SELECT id FROM medication_offer WHERE client_id = ? AND name = ?`, s.alex, row.name)
		}
		// A start date in the future is refused beside its field, and the offer stays.
		p := "offer-" + sertraline + "-"
		res, body = rx.post(base+"/medical/offered/"+sertraline+"/confirm", url.Values{p + "name": {"Sertraline"}, p + "dose": {"150 mg"},
			p + "frequency": {"every morning"}, p + "started_on": {"2099-01-01"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `value="150 mg"`, `id="f-`+p+`started_on-error"`)
		res, _ = rx.post(base+"/medical/offered/"+sertraline+"/confirm", url.Values{p + "name": {"Sertraline"}, p + "dose": {"150 mg"},
			p + "frequency": {"every morning"}, p + "started_on": {"2025-06-01"}})
		wantStatus(t, res, http.StatusSeeOther)
		p = "offer-" + lorazepam + "-"
		res, _ = rx.post(base+"/medical/offered/"+lorazepam+"/confirm", url.Values{p + "name": {"lorazepam"}, p + "dose": {"1 mg"}, p + "frequency": {"twice daily"}})
		wantStatus(t, res, http.StatusSeeOther)
		_, body = rx.follow(res)
		pageSays(t, body, "The medication from the intake is on the chart.", "Offered from the intake (1)", "from the intake")

		// The API, the other face: decline lamotrigine, then read the offers and the chart.
		tok := s.apiToken(s.rx)
		api := s.srv.URL + "/api/v1/clients/" + s.alex
		res, out := sendJSON(t, "POST", api+"/medications/offered/"+lamictal+"/decline", tok, "application/json", `{"reason": "Stopped in October"}`)
		if res.StatusCode != http.StatusCreated || out["screening"] == nil {
			t.Fatalf("decline: %d %v; want 201 with the new screening", res.StatusCode, out)
		}
		res, out = sendJSON(t, "POST", api+"/medications/offered/"+lamictal+"/confirm", tok, "application/json", `{}`)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("confirming a declined offer: %d %v; want 422", res.StatusCode, out)
		}
		res, out = sendJSON(t, "GET", api+"/medications/offered", tok, "", "")
		offers, _ := out["offers"].([]any)
		if res.StatusCode != http.StatusOK || len(offers) != 3 {
			t.Fatalf("offers: %d %v", res.StatusCode, out)
		}
		statuses := map[string]string{}
		for _, o := range offers {
			m := o.(map[string]any)
			statuses[m["name"].(string)] = m["status"].(string) + " by " + m["decided_by"].(string)
		}
		if statuses["lorazepam"] != "confirmed by Dr. Priya Raman" || statuses["Lamictal"] != "declined by Dr. Priya Raman" {
			t.Errorf("statuses %v", statuses)
		}
		res, out = sendJSON(t, "GET", api+"/medical", tok, "", "")
		meds, _ := out["medications"].([]any)
		if res.StatusCode != http.StatusOK || len(meds) != 2 || len(out["offered_from_intake"].([]any)) != 0 {
			t.Fatalf("medical: %d %v", res.StatusCode, out)
		}
		for _, m := range meds {
			if m.(map[string]any)["source_intake_id"] == nil {
				t.Errorf("medication %v has no source intake", m)
			}
		}

		body = rx.getOK(t, base+"/evaluation/new")
		pageSays(t, body, "lorazepam 1 mg twice daily; Sertraline 150 mg every morning")
		pageSaysNot(t, body, "listed by the client, not yet confirmed", "Lamictal")
		body = rx.getOK(t, base+"/screening")
		pageSays(t, body, "lorazepam 1 mg twice daily ≈ diazepam 20 mg/day (Ashton Manual)", "Medication from the intake declined")
		dumpPage(t, "screening_benzodiazepine_equivalent", body)
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE client_id = ? AND action = 'client.update' AND outcome = 'allowed' AND record_type = 'medication_offer'`, s.alex); n != 3 {
			t.Errorf("%d audited decisions; want 3 (two confirmed, one declined)", n)
		}
	})
}
