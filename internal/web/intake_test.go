package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

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
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newIntakeSite(t, db)
		alex := s.signIn("alex@client.example")
		res, body := alex.get("/portal/intake")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Your health questionnaire", "Not started", "Start")
		dumpPage(t, "intake_overview_new", body)

		res, body = alex.get("/portal/intake/medical")
		wantStatus(t, res, http.StatusOK)
		pageHas(t, body, `<legend>`, `type="radio"`, `name="medical.stroke"`, `value="not_sure"`, "/static/intake.js")
		dumpPage(t, "intake_medical", body)

		// The first page, half done, saved to come back later.
		half := url.Values{"action": {"save"}, "medical.heart_disease": {"yes"}, "medical.stroke": {"no"}}
		res, _ = alex.post("/portal/intake/medical", half)
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
		res, body = alex.get("/portal/intake/medications")
		wantStatus(t, res, http.StatusOK)
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
		res, body = alex.get("/portal/intake")
		wantStatus(t, res, http.StatusOK)
		pageHas(t, body, `href="/portal/intake/medical">Carry on where you left off`)
		pageSays(t, body, "to answer")
		dumpPage(t, "intake_overview_started", body)

		// Another client sees only their own questionnaire, and no staff page.
		jamie := s.signIn("jamie@client.example")
		res, body = jamie.get("/portal/intake/medications")
		wantStatus(t, res, http.StatusOK)
		if strings.Contains(body, "Sertraline") {
			t.Error("Jamie saw Alex's medicines")
		}
		res, _ = jamie.get("/clients/" + s.alex + "/intake/medications")
		wantStatus(t, res, http.StatusForbidden)
	})
}

func TestSubmittingScreensAndAPrescriberAcknowledges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newIntakeSite(t, db)
		alex := s.signIn("alex@client.example")
		all := answers()
		all["psychiatric"].Set("psychiatric.mania_history", "yes")
		all["medical"].Del("medical.pregnancy")
		for _, name := range []string{"medical", "psychiatric", "substances", "medications", "experience", "goals"} {
			res, _ := alex.save("/portal/intake", name, all[name])
			wantStatus(t, res, http.StatusSeeOther)
		}
		res, body := alex.get("/portal/intake/review")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "one question still needs an answer", "Are you pregnant, or is there any chance you could be?")
		res, body = alex.post("/portal/intake/submit", url.Values{"name": {"Alex Rivera"}, "confirm": {"yes"}})
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
		screeningID := idOf(t, db, `SELECT id FROM screening WHERE client_id = ? AND outcome = 'needs_acknowledgement'`, s.alex)
		ack := "/clients/" + s.alex + "/screening/" + screeningID + "/acknowledge"
		res, _ = sam.post(ack, url.Values{"rule_id": {"rel-mania-bipolar"}, "reason": {"fine"}})
		wantStatus(t, res, http.StatusForbidden)

		rx := s.signIn("rx@example.org")
		res, body = rx.get("/clients/" + s.alex + "/screening")
		wantStatus(t, res, http.StatusOK)
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
		res, body = sam.get("/clients/" + s.alex + "/intake/medications")
		wantStatus(t, res, http.StatusOK)
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
		res, body = sam.get("/clients/" + s.alex + "/screening")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Takes a benzodiazepine", "carried forward", "All screenings")
		res, body = sam.get("/clients/" + s.alex + "/intake/review")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Klonopin", "benzodiazepine", "diazepam-equivalent")
		dumpPage(t, "intake_review_staff", body)
	})
}

func TestAnAbsoluteContraindicationBlocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newIntakeSite(t, db)
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
		res, body = sam.get(base)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "by Sam Okafor")
	})
}

func TestTheIntakeAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newIntakeSite(t, db)
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
