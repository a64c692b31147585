package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/store"
)

// Questionnaires: clients fill in their own in the portal; the care team
// reads (ClientRead) and administers or corrects (ClientUpdate); the
// practice schedule is for administrators; outcomes for everyone but
// monitors. {responseID} and {code} stay literal, so those past the access
// decision get 404.
func init() {
	portal := []string{signin, allow, allow, deny, deny, deny, deny, deny, deny, deny}
	portalOne := []string{signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny}
	chart := []string{signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny}
	one := []string{signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny}
	admin := []string{signin, deny, deny, allow, deny, deny, deny, deny, allow, deny}
	outcomes := []string{signin, deny, deny, allow, allow, allow, allow, deny, allow, deny}
	apiChart := []string{unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny}
	addRoutes(map[string][]string{
		"GET /portal/measures":                             portal,
		"POST /portal/measures/start":                      portal,
		"GET /portal/measures/{responseID}":                portalOne,
		"POST /portal/measures/{responseID}":               portalOne,
		"GET /clients/{id}/measures":                       chart,
		"POST /clients/{id}/measures/administer":           chart,
		"POST /clients/{id}/measures/overrides":            chart,
		"GET /clients/{id}/measures/{responseID}":          one,
		"POST /clients/{id}/measures/{responseID}":         one,
		"POST /clients/{id}/measures/{responseID}/correct": one,
		"GET /admin/measure-settings":                      admin,
		"POST /admin/measure-settings":                     admin,
		"GET /outcomes":                                    outcomes,
		"GET /outcomes.csv":                                outcomes,
		"GET /api/v1/instruments":                          {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
		"GET /api/v1/instruments/{code}":                   {unauth, unauth, unauth, hidden, hidden, hidden, hidden, hidden, hidden, hidden},
		"GET /api/v1/clients/{id}/measures":                apiChart,
		"GET /api/v1/clients/{id}/responses":               apiChart,
		"POST /api/v1/clients/{id}/responses":              apiChart,
		"GET /api/v1/clients/{id}/responses/{responseID}":  {unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny},
	})
}

// msrDump writes a page for screenshots when MEASURES_PAGES_DUMP is set.
func msrDump(t *testing.T, name, body string) {
	t.Helper()
	dir := os.Getenv("MEASURES_PAGES_DUMP")
	if dir == "" || !strings.HasSuffix(t.Name(), "/sqlite") {
		return
	}
	os.MkdirAll(dir, 0o755)
	css, _ := os.ReadFile(filepath.Join("static", "style.css"))
	os.WriteFile(filepath.Join(dir, "style.css"), css, 0o644)
	body = regexp.MustCompile(`/static/style\.css\?v=[^"]*`).ReplaceAllString(body, "style.css")
	os.WriteFile(filepath.Join(dir, name+".html"), []byte(body), 0o644)
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(u)
	return res, read(t, res, err)
}

// postStatus posts v to u and returns the page, which must answer want.
func postStatus(t *testing.T, c *http.Client, u string, v url.Values, want int) string {
	t.Helper()
	res, body := post(t, c, u, v)
	status(t, res, want, body)
	return body
}

// getOK is the page at u, which must answer 200.
func getOK(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	return getStatus(t, c, u, http.StatusOK)
}

// getStatus is the page at u, which must answer want.
func getStatus(t *testing.T, c *http.Client, u string, want int) string {
	t.Helper()
	res, body := get(t, c, u)
	status(t, res, want, body)
	return body
}

func post(t *testing.T, c *http.Client, u string, v url.Values) (*http.Response, string) {
	t.Helper()
	res, err := postForm(c, u, v)
	return res, read(t, res, err)
}

// Issue 6 "done when", in the portal: a client completes a scheduled PHQ-9
// on their phone with item 9 positive, saving halfway; the missing answers
// are shown for review; after sending they see the crisis resources at
// once; the care team sees the alert, the score and the critical item.
func TestAClientCompletesAScheduledPHQ9WithItem9Positive(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		// Alex's next medicine session is tomorrow, so its PHQ-9 is open.
		if err := s.db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE course_session SET scheduled_at = ? WHERE client_id = ? AND status = 'booked'
				AND session_number = (SELECT MAX(session_number) FROM course_session WHERE client_id = ? AND status = 'booked')`, time.Now().Add(20*time.Hour).UTC(), s.alexID, s.alexID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		alex := s.client(t, "client")
		res, body := get(t, alex, s.url+"/portal/measures")
		status(t, res, http.StatusOK, body)
		pageSays(t, body, "Ready for you", "Patient Health Questionnaire", "Before medicine session")
		msrDump(t, "portal_list", body)
		m := regexp.MustCompile(`name="course_id" value="([^"]+)"><input type="hidden" name="instrument" value="phq9"><input type="hidden" name="occasion" value="(pre_session:\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no PHQ-9 before session 4 to start:\n%s", body)
		}
		res, body = post(t, alex, s.url+"/portal/measures/start", url.Values{"course_id": {m[1]}, "instrument": {"phq9"}, "occasion": {m[2]}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("start: %d %s", res.StatusCode, body)
		}
		form := res.Header.Get("Location")
		res, body = get(t, alex, s.url+form)
		status(t, res, http.StatusOK, body)
		pageHas(t, body, `<fieldset class="msr-q"`, `type="radio" name="phq9_9"`, "Save and come back later")
		msrDump(t, "portal_fill", body)

		// Half done: saved as a draft, listed to continue.
		res, _ = post(t, alex, s.url+form, url.Values{"action": {"save"}, "phq9_1": {"2"}, "phq9_2": {"2"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d", res.StatusCode)
		}
		_, body = get(t, alex, s.url+"/portal/measures")
		pageSays(t, body, "Continue", "started, not yet sent")

		// Review shows what is missing, kept answers checked.
		answers := url.Values{"action": {"review"}, "phq9_3": {"1"}, "phq9_4": {"2"}, "phq9_5": {"1"}, "phq9_6": {"1"}, "phq9_7": {"1"}, "phq9_8": {"0"}}
		res, body = post(t, alex, s.url+form, answers)
		status(t, res, http.StatusOK, body)
		pageSays(t, body, "Check your answers", "1 question has no answer yet", "Not answered", "Send my answers")
		msrDump(t, "portal_review", body)

		// Sending without item 9 is refused, naming it; nothing is scored.
		res, body = post(t, alex, s.url+form, url.Values{"action": {"submit"}})
		status(t, res, http.StatusUnprocessableEntity, body)
		pageSays(t, body, "Please choose an answer to question 9.")
		pageHas(t, body, `href="#f-phq9_9"`, `checked> <span>More than half the days`)

		res, _ = post(t, alex, s.url+form, url.Values{"action": {"submit"}, "phq9_9": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d", res.StatusCode)
		}
		res, body = get(t, alex, s.url+form)
		status(t, res, http.StatusOK, body)
		pageSays(t, body, "Thank you for telling us", "988 Suicide & Crisis Lifeline", "call or text 988", "911", "Open my safety plan")
		pageSaysNot(t, body, "Your total was") // the practice has not let clients see scores
		msrDump(t, "portal_done", body)
		if n := s.count(t, `SELECT COUNT(*) FROM safety_alert WHERE client_id = ? AND source = 'phq9_item9'`, s.alexID); n != 1 {
			t.Errorf("%d safety alerts; want 1 raised with the answer", n)
		}
		// Submitted once: posting again changes nothing.
		res, _ = post(t, alex, s.url+form, url.Values{"action": {"submit"}, "phq9_9": {"0"}})
		if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusSeeOther {
			t.Errorf("a second submit: %d", res.StatusCode)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM measure_response WHERE client_id = ? AND answers LIKE '%"phq9_9":1%' AND status = 'submitted'`, s.alexID); n != 1 {
			t.Errorf("the submitted answers changed")
		}

		sam := s.client(t, "therapist-on-team")
		res, body = get(t, sam, s.url+"/clients/"+s.alexID+"/measures")
		status(t, res, http.StatusOK, body)
		pageSays(t, body, "Scores over time", "Critical: item phq9_9", "client (portal)", "Before medicine session")
		pageHas(t, body, `<svg class="scorechart"`)
		msrDump(t, "staff_client", body)
		id := strings.TrimPrefix(form, "/portal/measures/")
		res, body = get(t, sam, s.url+"/clients/"+s.alexID+"/measures/"+id)
		status(t, res, http.StatusOK, body)
		pageSays(t, body, "Safety trigger", "Critical item phq9_9", "Several days", "Instrument version")
		msrDump(t, "staff_response", body)

		// Another client cannot open it.
		jamie := s.client(t, "other-client")
		res, _ = get(t, jamie, s.url+form)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("another client opened the response: %d", res.StatusCode)
		}
	})
}

// Without script the C-SSRS screener shows Q3-5 only after Q2 is saved as
// yes.
func TestTheCSSRSScreenerAdaptsWithoutScript(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		sam := s.client(t, "therapist-on-team")
		base := s.url + "/clients/" + s.alexID + "/measures"
		res, body := post(t, sam, base+"/administer", url.Values{"instrument": {"cssrs-screener"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("administer: %d %s", res.StatusCode, body)
		}
		form := s.url + res.Header.Get("Location")
		_, body = get(t, sam, form)
		pageHas(t, body, `id="f-cssrs_3" hidden`, "Continue")
		res, _ = post(t, sam, form, url.Values{"action": {"continue"}, "cssrs_1": {"1"}, "cssrs_2": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("continue: %d", res.StatusCode)
		}
		_, body = get(t, sam, form)
		if strings.Contains(body, `id="f-cssrs_3" hidden`) {
			t.Error("Q3 still hidden after a yes to Q2")
		}
		res, _ = post(t, sam, form, url.Values{"action": {"submit"}, "cssrs_3": {"0"}, "cssrs_4": {"0"}, "cssrs_5": {"0"}, "cssrs_6": {"0"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d", res.StatusCode)
		}
		_, body = get(t, sam, form)
		pageSays(t, body, "Risk level", "low")
		msrDump(t, "staff_cssrs", body)
	})
}

func TestTheMeasuresAPIServesDefinitionsAndScoresResponses(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		tok := s.tokens["prescriber"]
		res, got := getJSON(t, s.url, "/api/v1/instruments/phq9", tok)
		if res.StatusCode != http.StatusOK || got["code"] != "phq9" {
			t.Fatalf("phq9: %d %v", res.StatusCode, got)
		}
		loinc, _ := got["loinc"].(map[string]any)
		items, _ := got["items"].([]any)
		if loinc["panel"] != "44249-1" || len(items) != 10 {
			t.Errorf("definition: loinc %v, %d items", loinc, len(items))
		}
		res, got = getJSON(t, s.url, "/api/v1/instruments", tok)
		if list, _ := got["instruments"].([]any); res.StatusCode != http.StatusOK || len(list) < 7 {
			t.Errorf("instruments: %d %d", res.StatusCode, len(list))
		}
		base := "/api/v1/clients/" + s.alexID + "/responses"
		answers := map[string]any{"gad7_1": 1, "gad7_2": 2, "gad7_3": 1, "gad7_4": 1, "gad7_5": 0, "gad7_6": 1}
		res, got = postJSON(t, s.url, base, tok, map[string]any{"instrument": "gad7", "answers": answers})
		if res.StatusCode != http.StatusUnprocessableEntity || res.Header.Get("Content-Type") != "application/problem+json" || fieldError(got, "answers.gad7_7") == "" {
			t.Fatalf("missing item: %d %v", res.StatusCode, got)
		}
		answers["gad7_7"] = 3
		res, got = postJSON(t, s.url, base, tok, map[string]any{"instrument": "gad7", "answers": answers})
		result, _ := got["result"].(map[string]any)
		if res.StatusCode != http.StatusCreated || result["total"] != float64(9) || result["band"] != "Mild" {
			t.Fatalf("scored: %d %v", res.StatusCode, got)
		}
		res, got = getJSON(t, s.url, base+"/"+got["id"].(string), tok)
		if res.StatusCode != http.StatusOK || got["status"] != "submitted" {
			t.Errorf("read back: %d %v", res.StatusCode, got)
		}
		res, got = getJSON(t, s.url, "/api/v1/clients/"+s.alexID+"/measures", tok)
		if courses, _ := got["courses"].([]any); res.StatusCode != http.StatusOK || len(courses) == 0 {
			t.Errorf("schedule: %d %v", res.StatusCode, got)
		}
	})
}

func TestOutcomesPageAndDefusedCSV(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		owner := s.client(t, "owner")
		res, body := get(t, owner, s.url+"/outcomes")
		status(t, res, http.StatusOK, body)
		pageSays(t, body, "Induction completion", "Response and remission", "How these numbers are counted")
		msrDump(t, "outcomes", body)
		res, body = get(t, owner, s.url+"/outcomes?from=not-a-date")
		status(t, res, http.StatusUnprocessableEntity, body)
		pageSays(t, body, "Give a date such as 2026-01-31.")
		// A stop reason or indication that looks like a formula is defused.
		s.db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `UPDATE course SET indication_code = '=HYPERLINK(1)' WHERE client_id = ?`, s.alexID)
			return err
		})
		res, err := owner.Get(s.url + "/outcomes.csv")
		if err != nil {
			t.Fatal(err)
		}
		csv, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(string(csv), "section,group") {
			t.Fatalf("csv: %s\n%s", res.Header.Get("Content-Type"), csv)
		}
		if strings.Contains(string(csv), ",=HYPERLINK") || strings.Contains(string(csv), "\n=") {
			t.Errorf("a formula cell was not defused:\n%s", csv)
		}
		res, body = get(t, owner, s.url+"/admin/measure-settings")
		status(t, res, http.StatusOK, body)
		msrDump(t, "settings", body)
		res, body = post(t, owner, s.url+"/admin/measure-settings", url.Values{"plan.phq9.baseline": {"1"}, "fu.1.label": {"2w"}, "fu.1.days": {"fourteen"}})
		status(t, res, http.StatusUnprocessableEntity, body)
		pageSays(t, body, "Give a whole number of days")
		pageHas(t, body, `value="fourteen"`)
	})
}

// TestAYesToIntentSentOutOfOrderIsRefusedAndStillReachesAClinician: once
// found, the API dropped a C-SSRS yes to intent given after a no to Q2,
// scored the screen low and raised nothing. Now the set is refused with a
// 422 naming the question and the answer it is asked after, nothing of the
// response is stored, and a high-severity alert quoting the answers is
// raised and audited all the same.
func TestAYesToIntentSentOutOfOrderIsRefusedAndStillReachesAClinician(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		responses := s.count(t, `SELECT COUNT(*) FROM measure_response WHERE client_id = ?`, s.alexID)
		alerts := s.count(t, `SELECT COUNT(*) FROM safety_alert WHERE client_id = ? AND severity = 'high'`, s.alexID)
		res := s.ownerJSON(t, "/api/v1/clients/"+s.alexID+"/responses", map[string]any{"instrument": "cssrs-screener",
			"answers": map[string]int{"cssrs_1": 1, "cssrs_2": 0, "cssrs_4": 1, "cssrs_6": 0}})
		body := readBody(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `"answers.cssrs_4"`) || !strings.Contains(body, "asked only after a yes to question 2") {
			t.Fatalf("%d %s; want 422 naming answers.cssrs_4 and the answer it waits on", res.StatusCode, body)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM measure_response WHERE client_id = ?`, s.alexID); n != responses {
			t.Errorf("the refused response was stored")
		}
		if n := s.count(t, `SELECT COUNT(*) FROM safety_alert WHERE client_id = ? AND severity = 'high' AND message LIKE '%intention%'`, s.alexID); n != alerts+1 {
			t.Fatalf("%d new high-severity alerts quoting the answer; want 1", n-alerts)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE client_id = ? AND record_type = 'safety_alert' AND outcome = 'allowed'`, s.alexID); n < 1 {
			t.Errorf("the alert raised for the refused answers is not on the trail")
		}
		// Sent in order, the same yes is taken and raises its alert.
		res = s.ownerJSON(t, "/api/v1/clients/"+s.alexID+"/responses", map[string]any{"instrument": "cssrs-screener",
			"answers": map[string]int{"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 0, "cssrs_4": 1, "cssrs_5": 0, "cssrs_6": 0}})
		if body := readBody(t, res); res.StatusCode != http.StatusCreated || !strings.Contains(body, "safety_alert_id") {
			t.Fatalf("in order: %d %s; want 201 with the alert", res.StatusCode, body)
		}
	})
}

// TestAnAlertFromTheClinicSaysWhoRecordedIt: a PHQ-9 given in the clinic
// and entered by staff once raised an alert reading "the client answered",
// as if from the portal. It now names who recorded it.
func TestAnAlertFromTheClinicSaysWhoRecordedIt(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		answers := map[string]int{}
		for i := 1; i <= 9; i++ {
			answers["phq9_"+string(rune('0'+i))] = 0
		}
		answers["phq9_9"] = 1
		answers["phq9_difficulty"] = 0
		res := s.ownerJSON(t, "/api/v1/clients/"+s.alexID+"/responses", map[string]any{"instrument": "phq9", "answers": answers})
		if body := readBody(t, res); res.StatusCode != http.StatusCreated {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM safety_alert WHERE client_id = ? AND message LIKE '%recorded in the clinic by Morgan Avery%'`, s.alexID); n != 1 {
			t.Fatalf("%d alerts naming who recorded the answer; want 1", n)
		}
	})
}

// TestThePortalC_SSRSDoesNotShowTheInterviewersInstructions: the screener's
// instructions ("If NO to 2, go directly to question 6") are for the
// clinician who asks the questions; a client filling it in alone in the
// portal once saw them. The clinic's form still shows them.
func TestThePortalC_SSRSDoesNotShowTheInterviewersInstructions(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		var id string
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			var practiceID string
			if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practiceID); err != nil {
				return err
			}
			var course string
			if err := tx.QueryRow(ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, s.alexID).Scan(&course); err != nil {
				return err
			}
			// As the practice's schedule would put it in the portal.
			r, err := measure.Start(ctx, tx, instrumentCatalog(t), practiceID, s.alexID, measure.Slot{CourseID: course, Instrument: "cssrs-screener", Occasion: "follow_up:1m"},
				measure.Filler{Kind: measure.FilledByClient}, time.Now())
			if err != nil {
				return err
			}
			id = r.ID
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		const interviewer = "go directly to question 6"
		res, err := s.client(t, "client").Get(s.url + "/portal/measures/" + id)
		if err != nil {
			t.Fatal(err)
		}
		if body := readBody(t, res); res.StatusCode != http.StatusOK || strings.Contains(body, interviewer) || !strings.Contains(body, "thoughts of killing yourself") {
			t.Fatalf("portal: %d, or it shows the interviewer's instructions", res.StatusCode)
		}
		res, err = s.client(t, "therapist-on-team").Get(s.url + "/clients/" + s.alexID + "/measures/" + id)
		if err != nil {
			t.Fatal(err)
		}
		if body := readBody(t, res); res.StatusCode != http.StatusOK || !strings.Contains(body, interviewer) {
			t.Fatalf("clinic: %d, or the clinician's form lacks the instructions", res.StatusCode)
		}
	})
}

func instrumentCatalog(t *testing.T) *instrument.Catalog {
	t.Helper()
	c, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
