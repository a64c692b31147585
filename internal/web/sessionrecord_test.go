package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/keyring"
	"holdspace/internal/prescribing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/web"
)

// The live record: read by the care team; recorded into by clinicians on
// it; the hold overridden by a prescriber only; signed by a therapist or
// prescriber; process notes written by either. {sessionID} stays literal,
// so those past the access decision get 404.
func init() {
	page := []string{signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny}
	write := []string{signin, deny, deny, deny, hidden, hidden, deny, hidden, hidden, deny}
	prescriber := []string{signin, deny, deny, deny, hidden, deny, deny, deny, hidden, deny}
	sign := []string{signin, deny, deny, deny, hidden, hidden, deny, deny, hidden, deny}
	base := "/clients/{id}/sessions/{sessionID}"
	addRoutes(map[string][]string{
		"GET " + base:                                    page,
		"GET " + base + "/changes":                       page,
		"POST " + base + "/start":                        write,
		"POST " + base + "/checklist":                    write,
		"POST " + base + "/vitals":                       write,
		"POST " + base + "/override":                     prescriber,
		"POST " + base + "/dose-authorisations":          prescriber,
		"POST " + base + "/premedications":               write,
		"POST " + base + "/doses":                        write,
		"POST " + base + "/alerts/{alertID}/acknowledge": write,
		"POST " + base + "/observations":                 write,
		"POST " + base + "/interventions":                write,
		"POST " + base + "/adverse-events":               write,
		"POST " + base + "/summary":                      write,
		"POST " + base + "/process-notes":                sign,
		"POST " + base + "/discharge":                    write,
		"POST " + base + "/sign":                         sign,
		"POST " + base + "/addenda":                      sign,
		"GET /portal/sessions":                           {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/sessions/{sessionID}":               {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
	})
}

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

// sessionClock is the test's clock: a medicine session takes hours, and
// discharge waits for the observation time.
type sessionClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *sessionClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *sessionClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// sessionSite is the demo site served again on a clock the test moves,
// with a fresh course for Alex whose first session is booked half an
// hour ago.
func sessionSite(t *testing.T, db *store.DB) (*routeSite, *sessionClock, string) {
	t.Helper()
	s, _ := buildSite(t, db)
	ctx := context.Background()
	clk := &sessionClock{t: time.Now().UTC().Truncate(time.Minute)}
	ring, _ := keyring.New(make([]byte, 32))
	cheap := access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 4)
	svc := &access.Service{DB: db, Hasher: cheap, Keys: ring, Now: clk.Now, BaseURL: "http://127.0.0.1/", Policy: access.DefaultPolicy()}
	svc.Policy.AddressMaxFailures = 1 << 30
	var logTo io.Writer = io.Discard
	if testing.Verbose() {
		logTo = os.Stderr
	}
	srv, err := web.New(web.Deps{DB: db, Log: slog.New(slog.NewTextHandler(logTo, nil)), Access: svc, Keys: ring, Version: "test", Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	site := *s
	site.url = ts.URL
	var sessionID string
	err = db.Write(ctx, func(tx *store.Tx) error {
		var practiceID, rx, jordan string
		if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practiceID); err != nil {
			return err
		}
		for email, dst := range map[string]*string{"prescriber@stillwater.example": &rx, "monitor@stillwater.example": &jordan} {
			if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = ?`, email).Scan(dst); err != nil {
				return err
			}
		}
		zone, _ := time.LoadLocation("America/New_York")
		now := clk.Now().In(zone)
		// One course is active at a time: stop the demo's.
		rows, err := tx.Query(ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'active'`, s.alexID)
		if err != nil {
			return err
		}
		var active []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			active = append(active, id)
		}
		rows.Close()
		for _, id := range active {
			if _, err := course.Stop(ctx, tx, s.alexID, id, "Replaced by a test course", rx, now.Add(-2*time.Hour)); err != nil {
				return err
			}
		}
		ms, err := settings.MedicineSettings(ctx, tx, practiceID)
		if err != nil {
			return err
		}
		plan := course.DefaultPlan(ms.Course)
		plan.IndicationCode, plan.IndicationText = "F33.1", "Major depressive disorder, recurrent, moderate"
		plan.Route, plan.PlannedSessions, plan.Doses = dosing.RouteSublingualRDT, 2, []float64{200, 250}
		c, _, err := course.Create(ctx, tx, practiceID, s.alexID, "", plan, rx, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if _, err := course.Activate(ctx, tx, s.alexID, c.ID, rx, now.Add(-time.Hour)); err != nil {
			return err
		}
		at := now.Add(-30 * time.Minute)
		if c, _, err = course.RecordSession(ctx, tx, practiceID, s.alexID, c.ID, 1, course.Book, &at, jordan, now.Add(-time.Hour)); err != nil {
			return err
		}
		sessionID = c.Sessions[0].ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return &site, clk, sessionID
}

// sessionPageDump writes a page and the stylesheet beside it when
// PAGES_DUMP names a folder (SQLite run only), for screenshots.
func sessionPageDump(t *testing.T, name, body string) {
	t.Helper()
	dir := os.Getenv("PAGES_DUMP")
	if dir == "" || !strings.HasSuffix(t.Name(), "/sqlite") {
		return
	}
	os.MkdirAll(filepath.Join(dir, "static"), 0o755)
	css, _ := os.ReadFile(filepath.Join("static", "style.css"))
	os.WriteFile(filepath.Join(dir, "static", "style.css"), css, 0o644)
	body = regexp.MustCompile(`/static/style\.css\?v=[^"]*`).ReplaceAllString(body, "static/style.css")
	os.WriteFile(filepath.Join(dir, name+".html"), []byte(body), 0o644)
}

// srGet fetches a page and checks its status.
func srGet(t *testing.T, c *http.Client, u string, want int) string {
	t.Helper()
	res, err := c.Get(u)
	body := read(t, res, err)
	status(t, res, want, body)
	return body
}

// srPost sends a form and checks its status.
func srPost(t *testing.T, c *http.Client, u string, v url.Values, want int) string {
	t.Helper()
	res, err := postForm(c, u, v)
	body := read(t, res, err)
	status(t, res, want, body)
	return body
}

var alertAction = regexp.MustCompile(`action="(/clients/[^"]+/alerts/[^"]+/acknowledge)"`)

// TestAMedicineSessionThroughThePages runs a whole session on the tablet
// pages (KAP.md §1): start, checklist, a pre-dose hold and a prescriber's
// override (a therapist's refused), the planned dose, an alarm reading
// acknowledged, an over-limit dose refused with its numbers, discharge
// refused then recorded, sign-off, an addendum, and the client's portal
// showing the summary and not the process notes.
func TestAMedicineSessionThroughThePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk, sid := sessionSite(t, db)
		page := s.url + "/clients/" + s.alexID + "/sessions/" + sid
		sam := s.client(t, "therapist-on-team")

		body := srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Medicine session 1", "Start the session record", "200 mg")
		sessionPageDump(t, "session_unstarted", body)
		srGet(t, s.client(t, "therapist-off-team"), page, http.StatusForbidden)
		// Nothing is recorded before the record is started.
		body = srPost(t, sam, page+"/vitals", url.Values{"vitals.systolic": {"120"}, "vitals.diastolic": {"80"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "not started yet")
		srPost(t, sam, page+"/start", nil, http.StatusSeeOther)
		// The course page links to the record.
		courseID := idOf(t, db, `SELECT course_id FROM course_session WHERE id = ?`, sid)
		body = srGet(t, sam, s.url+"/clients/"+s.alexID+"/courses/"+courseID, http.StatusOK)
		pageHas(t, body, `href="/clients/`+s.alexID+`/sessions/`+sid+`"`)

		// The checklist: a gap is named beside its field and what was typed is kept.
		now := func() string { return clk.Now().Add(-5 * time.Hour).In(zoneNY()).Format("2006-01-02T15:04") }
		checklist := url.Values{"checklist.base_version": {"0"}, "checklist.last_food_at": {now()},
			"checklist.last_liquid_at": {clk.Now().Add(-2 * time.Hour).In(zoneNY()).Format("2006-01-02T15:04")},
			"checklist.escort_present": {"yes"}, "checklist.escort_name": {"Jo Rivera"}, "checklist.escort_phone": {"+1 555 0199"},
			"checklist.no_driving_acknowledged": {"yes"}, "checklist.substances_asked": {"yes"}, "checklist.intention": {"To meet the grief with less fear."}}
		srPost(t, sam, page+"/checklist", checklist, http.StatusSeeOther)
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Confirm the client's identity.")
		checklist.Set("checklist.identity_confirmed", "yes")
		checklist.Set("checklist.base_version", "1")
		srPost(t, sam, page+"/checklist", checklist, http.StatusSeeOther)
		// A second tablet still holding version 1 does not overwrite version 2.
		jordan := s.client(t, "monitor")
		checklist.Set("checklist.escort_name", "Someone Else")
		body = srPost(t, jordan, page+"/checklist", checklist, http.StatusUnprocessableEntity)
		pageSays(t, body, "saved the checklist")
		pageHas(t, body, `value="Someone Else"`)
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Complete.", "Jo Rivera")

		// A pre-dose reading at the threshold holds dosing; a therapist cannot override.
		srPost(t, jordan, page+"/vitals", url.Values{"vitals.systolic": {"180"}, "vitals.diastolic": {"104"}, "vitals.heart_rate": {"80"},
			"vitals.spo2": {"98"}, "vitals.respiratory_rate": {"14"}}, http.StatusSeeOther)
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Dosing is held.", "Only a prescriber can override the hold")
		pageSaysNot(t, body, "Override the hold")
		sessionPageDump(t, "session_held", body)
		body = srPost(t, sam, page+"/doses", url.Values{"dose.dose_mg": {"200"}, "dose.product": {"Ketamine HCl RDT"}, "dose.strength": {"100 mg"}, "dose.lot": {"KT2611A"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "Hold")
		pageHas(t, body, `value="KT2611A"`)
		srPost(t, sam, page+"/override", url.Values{"override.reason": {"I think it is fine."}}, http.StatusForbidden)
		rx := s.client(t, "prescriber")
		body = srGet(t, rx, page, http.StatusOK)
		pageSays(t, body, "override", "Override the hold")
		body = srPost(t, rx, page+"/override", url.Values{"override.reason": {" "}}, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-override-reason-error"`)
		srPost(t, rx, page+"/override", url.Values{"override.reason": {"Known white-coat rise; 150/90 at home this morning."}}, http.StatusSeeOther)

		// The first dose is the planned one; the refusal shows both numbers.
		dose := url.Values{"dose.dose_mg": {"250"}, "dose.product": {"Ketamine HCl RDT"}, "dose.strength": {"100 mg"}, "dose.lot": {"KT2611A"}, "dose.route": {"sublingual_rdt"}}
		body = srPost(t, sam, page+"/doses", dose, http.StatusUnprocessableEntity)
		pageSays(t, body, "200 mg planned, 250 mg entered")
		pageHas(t, body, `value="250"`, `id="f-dose-dose_mg-error"`)
		sessionPageDump(t, "session_dose_refused", body)
		dose.Set("dose.dose_mg", "200")
		srPost(t, sam, page+"/doses", dose, http.StatusSeeOther)
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Hold overridden", "mg/kg", "Next reading due at")

		// Fifteen minutes on, an alarm reading raises an alert at the top.
		clk.add(15 * time.Minute)
		sam, jordan = s.client(t, "therapist-on-team"), s.client(t, "monitor")
		srPost(t, jordan, page+"/vitals", url.Values{"vitals.systolic": {"186"}, "vitals.diastolic": {"112"}, "vitals.heart_rate": {"96"},
			"vitals.spo2": {"96"}, "vitals.respiratory_rate": {"16"}}, http.StatusSeeOther)
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "needs acknowledgement", "186 mmHg")
		sessionPageDump(t, "session_alert", body)
		m := alertAction.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no acknowledgement form on the page")
		}
		ack := s.url + m[1]
		alertID := strings.TrimSuffix(m[1][strings.Index(m[1], "/alerts/")+len("/alerts/"):], "/acknowledge")
		body = srPost(t, sam, ack, url.Values{"ack-" + alertID + ".action": {""}}, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-ack-`+alertID+`-action-error"`)
		srPost(t, sam, ack, url.Values{"ack-" + alertID + ".action": {"Rested, dimmed the lights; repeat in 5 min."}}, http.StatusSeeOther)
		body = srGet(t, sam, page, http.StatusOK)
		pageSaysNot(t, body, "needs acknowledgement")

		// Forty minutes after the first dose: a further dose waits for a blood pressure taken
		// since the alarm, below the hold; then an additional 150 mg would pass the
		// prescriber's 300 mg.
		clk.add(25 * time.Minute)
		sam, rx, jordan = s.client(t, "therapist-on-team"), s.client(t, "prescriber"), s.client(t, "monitor")
		dose.Set("dose.dose_mg", "50")
		dose.Set("dose.strength", "50 mg")
		body = srPost(t, sam, page+"/doses", dose, http.StatusUnprocessableEntity)
		pageSays(t, body, "take a blood pressure after it, below the pre-dose hold")
		srPost(t, jordan, page+"/vitals", url.Values{"vitals.systolic": {"148"}, "vitals.diastolic": {"88"}, "vitals.heart_rate": {"82"},
			"vitals.spo2": {"98"}, "vitals.respiratory_rate": {"14"}}, http.StatusSeeOther)
		dose.Set("dose.dose_mg", "150")
		dose.Set("dose.strength", "50 mg")
		body = srPost(t, sam, page+"/doses", dose, http.StatusUnprocessableEntity)
		pageSays(t, body, "350 mg", "300 mg")
		dose.Set("dose.dose_mg", "50")
		srPost(t, sam, page+"/doses", dose, http.StatusSeeOther)

		// The live page's script asks for the version; it moves with each entry.
		var v1, v2 struct {
			Version int64 `json:"version"`
		}
		json.Unmarshal([]byte(srGet(t, sam, page+"/changes?since=0", http.StatusOK)), &v1)
		srPost(t, sam, page+"/observations", url.Values{"obs.kind": {"dissociation"}, "obs.severity": {"moderate"}, "obs.text": {"Eyes closed, calm, floating."}}, http.StatusSeeOther)
		json.Unmarshal([]byte(srGet(t, rx, page+"/changes?since=0", http.StatusOK)), &v2)
		if v1.Version == 0 || v2.Version <= v1.Version {
			t.Errorf("versions %d then %d; want a rising version", v1.Version, v2.Version)
		}
		getStatus(t, s.client(t, "therapist-off-team"), page+"/changes", http.StatusForbidden)
		srPost(t, rx, page+"/interventions", url.Values{"int.text": {"Ondansetron 4 mg ODT given."}}, http.StatusSeeOther)
		srPost(t, sam, page+"/observations", url.Values{"obs.kind": {"other"}, "obs.severity": {"mild"}}, http.StatusUnprocessableEntity)
		srPost(t, sam, page+"/summary", url.Values{"summary.summary": {"You stayed with the grief today, and it softened."}}, http.StatusSeeOther)
		srPost(t, sam, page+"/process-notes", url.Values{"pn.process_note": {"Countertransference: my own father's illness."}}, http.StatusSeeOther)
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Dissociation", "Ondansetron 4 mg ODT given.", "Countertransference: my own father")
		body = srGet(t, rx, page, http.StatusOK)
		pageSaysNot(t, body, "Countertransference")

		// Discharge is refused while monitoring must go on, naming what is missing.
		discharge := url.Values{"discharge.alert_and_oriented": {"yes"}, "discharge.walking_steadily": {"yes"}, "discharge.escort_present": {"yes"}, "discharge.aftercare_given": {"yes"}}
		body = srPost(t, sam, page+"/discharge", discharge, http.StatusUnprocessableEntity)
		pageSays(t, body, "Not yet: monitoring continues.")
		sessionPageDump(t, "session_discharge_refused", body)
		clk.add(2*time.Hour + 5*time.Minute)
		sam, jordan, rx = s.client(t, "therapist-on-team"), s.client(t, "monitor"), s.client(t, "prescriber")
		srPost(t, jordan, page+"/vitals", url.Values{"vitals.systolic": {"165"}, "vitals.diastolic": {"96"}, "vitals.heart_rate": {"78"},
			"vitals.spo2": {"98"}, "vitals.respiratory_rate": {"14"}}, http.StatusSeeOther)
		body = srGet(t, sam, page, http.StatusOK)
		sessionPageDump(t, "session_live", body)
		srPost(t, sam, page+"/discharge", discharge, http.StatusSeeOther)
		if n := s.count(t, `SELECT COUNT(*) FROM course_session WHERE id = ? AND status = 'held'`, sid); n != 1 {
			t.Error("discharge did not mark the session held")
		}

		// Sign with the password; then only addenda.
		body = srPost(t, sam, page+"/sign", url.Values{"sign.password": {"not my password"}}, http.StatusUnprocessableEntity)
		pageHas(t, body, `id="f-sign-password-error"`)
		srPost(t, sam, page+"/sign", url.Values{"sign.password": {testPassword}}, http.StatusSeeOther)
		body = srPost(t, jordan, page+"/vitals", url.Values{"vitals.systolic": {"120"}, "vitals.diastolic": {"80"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "signed")
		srPost(t, sam, page+"/addenda", url.Values{"addendum.text": {"Client called the next morning: slept well."}, "addendum.password": {testPassword}}, http.StatusSeeOther)
		body = srGet(t, rx, page, http.StatusOK)
		pageSays(t, body, "Signed by", "You stayed with the grief today", "Client called the next morning")
		pageSaysNot(t, body, "Countertransference", "Record the reading")
		sessionPageDump(t, "session_signed", body)

		// The client sees the summary, the date and aftercare, never the process notes.
		alex := s.client(t, "client")
		body = srGet(t, alex, s.url+"/portal/sessions", http.StatusOK)
		pageSays(t, body, "Session 1")
		sessionPageDump(t, "portal_sessions", body)
		body = srGet(t, alex, s.url+"/portal/sessions/"+sid, http.StatusOK)
		pageSays(t, body, "You stayed with the grief today, and it softened.", "Looking after yourself")
		// The readings stay with the care team; an id may contain any digits, so look for the reading as shown.
		pageSaysNot(t, body, "Countertransference", "186 mmHg", "186/112")
		sessionPageDump(t, "portal_session", body)
		srGet(t, s.client(t, "other-client"), s.url+"/portal/sessions/"+sid, http.StatusNotFound)
	})
}

func zoneNY() *time.Location {
	z, err := time.LoadLocation("America/New_York")
	if err != nil {
		return time.UTC
	}
	return z
}

// Findings 5, 9 and 14a at both faces, page and API: the prescriber's orders (BP under
// 160/100, lorazepam held 24 h, ondansetron 4 mg ODT 30 min before, no additional dose
// without the prescriber) reach the room; with 150 mg planned, a therapist's additional 250 mg
// (400 mg in all) is refused on the page and through the API until the prescriber authorises
// it, and then given; a monitor is never offered or accepted as the giver.
func TestThePrescribersOrdersAtBothFaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk, sid := sessionSite(t, db)
		ctx := context.Background()
		var rxID, jordanID, recordID string
		err := db.Write(ctx, func(tx *store.Tx) error {
			var practiceID string
			if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alexID).Scan(&practiceID); err != nil {
				return err
			}
			for email, dst := range map[string]*string{"prescriber@stillwater.example": &rxID, "monitor@stillwater.example": &jordanID} {
				if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = ?`, email).Scan(dst); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE course_dose SET planned_mg = 150 WHERE session_number = 1 AND course_id = (SELECT course_id FROM course_session WHERE id = ?)`, sid); err != nil {
				return err
			}
			_, err := prescribing.Sign(ctx, tx, practiceID, s.alexID, "", prescribing.Draft{Decision: prescribing.ApprovedWithConditions,
				Conditions: "BP under 160/100; hold lorazepam 24 h.", Limits: []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 400}},
				Orders: dosing.ClientConditions{Hold: &dosing.HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100},
					HeldSubstances: []dosing.HeldSubstance{{Substance: "lorazepam", Hours: 24}},
					PreMedications: []dosing.PreMedicationOrder{{Drug: "ondansetron", DoseMg: 4, Route: "ODT", MinutesBefore: 30}}}},
				prescribing.Signer{StaffID: rxID, Name: "Dr. Priya Raman, MD"}, clk.Now().Add(-90*time.Minute))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		page := s.url + "/clients/" + s.alexID + "/sessions/" + sid
		sam, rx := s.client(t, "therapist-on-team"), s.client(t, "prescriber")
		srPost(t, sam, page+"/start", nil, http.StatusSeeOther)
		storetest.Scan(t, db, `SELECT id FROM session_record WHERE course_session_id = ?`, []any{sid}, &recordID)
		api := "/api/v1/clients/" + s.alexID + "/session-records/" + recordID
		body := srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "160/100 mmHg", "the prescriber", "no lorazepam in the 24 h before the session", "ondansetron 4 mg ODT, 30 min before dosing",
			"not yet given", "Confirmed with the client: no lorazepam")

		zone := zoneNY()
		at := func(d time.Duration) string { return clk.Now().Add(d).In(zone).Format("2006-01-02T15:04") }
		checklist := url.Values{"checklist.base_version": {"0"}, "checklist.identity_confirmed": {"yes"}, "checklist.last_food_at": {at(-5 * time.Hour)},
			"checklist.last_liquid_at": {at(-2 * time.Hour)}, "checklist.escort_present": {"yes"}, "checklist.escort_name": {"Jo Rivera"},
			"checklist.escort_phone": {"+1 555 0199"}, "checklist.no_driving_acknowledged": {"yes"}, "checklist.substances_asked": {"yes"},
			"checklist.intention": {"Rest."}}
		srPost(t, sam, page+"/checklist", checklist, http.StatusSeeOther)
		srPost(t, sam, page+"/vitals", url.Values{"vitals.systolic": {"164"}, "vitals.diastolic": {"94"}, "vitals.heart_rate": {"76"}}, http.StatusSeeOther)
		dose := url.Values{"dose.dose_mg": {"150"}, "dose.product": {"Ketamine HCl RDT"}, "dose.strength": {"50 mg"}, "dose.lot": {"KT2611A"}}
		body = srPost(t, sam, page+"/doses", dose, http.StatusUnprocessableEntity)
		pageSays(t, body, "the prescriber", "hold for this client", "Confirm with the client: no lorazepam", "record it given before the dose")

		// Through the API, the same refusal with its fields.
		res, out := apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/doses", `{"product": "Ketamine HCl RDT", "strength": "50 mg", "lot": "KT2611A", "dose_mg": 150}`)
		errs, _ := out["errors"].(map[string]any)
		if res.StatusCode != http.StatusUnprocessableEntity || errs["hold"] == nil || errs["checklist.held_substances"] == nil || errs["premedication"] == nil {
			t.Fatalf("first dose through the API: %d %v", res.StatusCode, out)
		}
		// A monitor is not given the dose form's choice, nor accepted by the API.
		pageSaysNot(t, body, "<option value=\""+jordanID+"\"")
		res, out = apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/doses", `{"product": "Ketamine HCl RDT", "strength": "50 mg", "lot": "KT2611A", "dose_mg": 150, "given_by": "`+jordanID+`"}`)
		if errs, _ := out["errors"].(map[string]any); res.StatusCode != http.StatusUnprocessableEntity || errs["given_by"] == nil {
			t.Fatalf("a monitor as the giver: %d %v", res.StatusCode, out)
		}

		checklist.Set("checklist.base_version", "1")
		checklist.Set("checklist.held_substance", "lorazepam")
		srPost(t, sam, page+"/checklist", checklist, http.StatusSeeOther)
		res, out = apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/premedications", `{"drug": "Ondansetron", "at": "`+clk.Now().Add(-35*time.Minute).Format(time.RFC3339)+`"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("pre-medication through the API: %d %v", res.StatusCode, out)
		}
		body = srPost(t, sam, page+"/premedications", url.Values{"premed.drug": {"meclizine"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "Record any other medicine as an intervention")
		srPost(t, sam, page+"/vitals", url.Values{"vitals.systolic": {"148"}, "vitals.diastolic": {"90"}, "vitals.heart_rate": {"76"}}, http.StatusSeeOther)
		srPost(t, sam, page+"/doses", dose, http.StatusSeeOther)
		// Forty minutes in the room, both tablets in use (an idle sign-in lapses).
		for range 4 {
			clk.add(10 * time.Minute)
			srGet(t, sam, page, http.StatusOK)
			srGet(t, rx, page, http.StatusOK)
		}
		srPost(t, sam, page+"/vitals", url.Values{"vitals.systolic": {"136"}, "vitals.diastolic": {"84"}, "vitals.heart_rate": {"76"}}, http.StatusSeeOther)

		// The finding: 150 mg planned, the therapist gives 250 mg more.
		dose.Set("dose.dose_mg", "250")
		body = srPost(t, sam, page+"/doses", dose, http.StatusUnprocessableEntity)
		pageSays(t, body, "no additional dose after the planned first dose")
		pageHas(t, body, `value="250"`)
		res, out = apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/doses", `{"product": "Ketamine HCl RDT", "strength": "50 mg", "lot": "KT2611A", "dose_mg": 250}`)
		if errs, _ := out["errors"].(map[string]any); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(errs["dose_mg"].(string), "no additional dose") {
			t.Fatalf("the additional 250 mg through the API: %d %v", res.StatusCode, out)
		}
		srPost(t, sam, page+"/dose-authorisations", url.Values{"auth.dose_mg": {"250"}, "auth.reason": {"x"}}, http.StatusForbidden)
		res, _ = apiDo(t, s, "therapist-on-team", http.MethodPost, api+"/dose-authorisations", `{"dose_mg": 250, "reason": "x"}`)
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("a therapist authorises through the API: %d", res.StatusCode)
		}
		body = srPost(t, rx, page+"/dose-authorisations", url.Values{"auth.dose_mg": {"300"}, "auth.reason": {"Little effect at 40 min."}}, http.StatusUnprocessableEntity)
		pageSays(t, body, "at most 250 mg more can be authorised")
		pageHas(t, body, "Little effect at 40 min.")
		res, out = apiDo(t, s, "prescriber", http.MethodPost, api+"/dose-authorisations", `{"dose_mg": 250, "reason": "Little effect at 40 min; BP 136/84."}`)
		if res.StatusCode != http.StatusCreated || out["dose_mg"] != 250.0 {
			t.Fatalf("the prescriber authorises through the API: %d %v", res.StatusCode, out)
		}
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Authorised, not yet given:", "up to 250 mg", "Little effect at 40 min; BP 136/84.")
		srPost(t, sam, page+"/doses", dose, http.StatusSeeOther)
		_, out = apiDo(t, s, "prescriber", http.MethodGet, api, "")
		if out["given_mg"] != 400.0 || len(out["dose_authorisations"].([]any)) != 1 || len(out["premedications"].([]any)) != 1 {
			t.Fatalf("the record: given %v, authorisations %v, pre-medications %v", out["given_mg"], out["dose_authorisations"], out["premedications"])
		}
		body = srGet(t, sam, page, http.StatusOK)
		pageSays(t, body, "Authorisation used:", "Pre-medication given: ondansetron 4 mg ODT")
		sessionPageDump(t, "session_orders", body)
	})
}
