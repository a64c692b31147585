package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/consent"
	"holdspace/internal/store"
)

// What every role gets from the consent routes. Ids other than {id} stay
// unknown in the table's walk, so a route that lets the actor through
// answers 404 for them; the tests below use real ones.
func init() {
	addRoutes(map[string][]string{
		// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice, front-desk
		"GET /portal/consents":                                    {signin, allow, allow, deny, deny, deny, deny, deny, deny, deny},
		"GET /portal/consents/{ref}":                              {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"POST /portal/consents/{versionID}":                       {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"POST /portal/consents/{signatureID}/revoke":              {signin, hidden, hidden, deny, deny, deny, deny, deny, deny, deny},
		"GET /clients/{id}/consents":                              {signin, deny, deny, allow, allow, allow, deny, allow, hidden, deny},
		"GET /clients/{id}/consents/{file}":                       {signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny},
		"POST /clients/{id}/consents/{signatureID}/countersign":   {signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny},
		"POST /clients/{id}/consents/{signatureID}/revoke":        {signin, deny, deny, hidden, hidden, hidden, deny, hidden, hidden, deny},
		"GET /admin/consents":                                     {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"GET /admin/consents/new":                                 {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"POST /admin/consents/new":                                {signin, deny, deny, allow, deny, deny, deny, deny, allow, deny},
		"GET /admin/consents/{versionID}":                         {signin, deny, deny, hidden, deny, deny, deny, deny, hidden, deny},
		"POST /admin/consents/{versionID}/publish":                {signin, deny, deny, hidden, deny, deny, deny, deny, hidden, deny},
		"GET /api/v1/consent-documents":                           {unauth, unauth, unauth, allow, allow, allow, allow, allow, allow, allow},
		"GET /api/v1/clients/{id}/consents":                       {unauth, unauth, unauth, allow, allow, allow, deny, allow, hidden, deny},
		"POST /api/v1/clients/{id}/consents/{signatureID}/revoke": {unauth, unauth, unauth, hidden, hidden, hidden, deny, hidden, hidden, deny},
	})
}

// consentSite is a practice with an owner, a therapist on Alex's care
// team, one who is not, and two clients with portal accounts.
type consentSite struct {
	*adminSite
	sam, elena, alex, jamie string
}

func newConsentSite(t *testing.T, db *store.DB) *consentSite {
	t.Helper()
	s := &consentSite{adminSite: newAdminSite(t, db, adminTime)}
	s.sam = s.addStaff(s.practice, "Sam Okafor", "sam@example.org", access.Therapist)
	s.elena = s.addStaff(s.practice, "Elena Brooks", "elena@example.org", access.Therapist)
	s.alex = s.addClient("Alex Rivera", "alex@example.org")
	s.jamie = s.addClient("Jamie Chen", "jamie@example.org")
	s.exec(`INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, 'therapist', ?)`, s.alex, s.sam, adminTime)
	return s
}

// alexSigned signs the treatment consent in force in Alex's portal, and
// returns Alex's browser, that version and the signature's id.
func (s *consentSite) alexSigned() (alex *adminBrowser, kap consent.Version, sig string) {
	s.t.Helper()
	kap = s.latest(consent.KAPTreatment)
	alex = s.signIn("alex@example.org")
	res, _ := alex.post("/portal/consents/"+kap.ID, url.Values{"name": {"Alex Rivera"}, "agree": {"yes"}, "sha256": {kap.SHA256}})
	wantStatus(s.t, res, http.StatusSeeOther)
	return alex, kap, s.signatureOf(s.alex)
}

// latest is the practice's published version of a kind (seeding the
// defaults if need be).
func (s *consentSite) latest(kind consent.Kind) consent.Version {
	s.t.Helper()
	var out consent.Version
	err := s.db.Write(context.Background(), func(tx *store.Tx) error {
		if err := consent.EnsureDefaults(context.Background(), tx, s.practice, adminTime); err != nil {
			return err
		}
		vs, err := consent.Published(context.Background(), tx, s.practice)
		for _, v := range vs {
			if v.Kind == kind {
				out = v
			}
		}
		return err
	})
	if err != nil || out.ID == "" {
		s.t.Fatalf("no published %s: %v", kind, err)
	}
	return out
}

func (s *consentSite) current(client string) bool {
	s.t.Helper()
	var ok bool
	if err := s.db.Write(context.Background(), func(tx *store.Tx) error {
		var err error
		ok, _, err = consent.Current(context.Background(), tx, s.practice, client)
		return err
	}); err != nil {
		s.t.Fatal(err)
	}
	return ok
}

func (s *consentSite) signatureOf(client string) string {
	s.t.Helper()
	return idOf(s.t, s.db, `SELECT id FROM consent_signature WHERE client_id = ? ORDER BY signed_at DESC LIMIT 1`, client)
}

func TestAClientReadsAndSignsTheTreatmentConsentInThePortal(t *testing.T) {
	each(t, newConsentSite, func(t *testing.T, s *consentSite) {
		alex := s.signIn("alex@example.org")
		body := alex.getOK(t, "/portal/consents")
		pageSays(t, body, "Informed consent to ketamine-assisted psychotherapy", "needed before treatment", "Not signed yet", "Consent to telehealth",
			"Please read and sign this before your first medicine session.")
		dumpPage(t, "consent_portal_unsigned", body)

		kap := s.latest(consent.KAPTreatment)
		body = alex.getOK(t, "/portal/consents/"+kap.ID)
		pageSays(t, body, "What ketamine is", "off-label", "I have read this document, had the chance to ask questions, and agree.", kap.SHA256,
			"Type it as we have it on file: Alex Rivera.")
		pageHas(t, body, `name="sha256" value="`+kap.SHA256+`"`)
		dumpPage(t, "consent_portal_sign", body)

		// A name that is not the one on file, and no agreement: both named, the name kept.
		res, body := alex.post("/portal/consents/"+kap.ID, url.Values{"name": {"Alex Rivers"}, "sha256": {kap.SHA256}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "This does not match the legal name we have on file (Alex Rivera).", "Tick the box to say that you have read the document")
		pageHas(t, body, `value="Alex Rivers"`, `href="#f-name"`, `href="#f-agree"`, `href="#h-sign"`)
		dumpPage(t, "consent_portal_sign_refused", body)

		// The page showed another text than the one held.
		res, body = alex.post("/portal/consents/"+kap.ID, url.Values{"name": {"alex rivera"}, "agree": {"yes"}, "sha256": {consent.Hash("older text")}})
		wantStatus(t, res, http.StatusConflict)
		pageSays(t, body, "Nothing was signed.", "The text on your screen is not the text we hold for this document")
		pageHas(t, body, `value="alex rivera"`)
		if s.current(s.alex) {
			t.Fatal("a refused signature made consent current")
		}

		res, _ = alex.post("/portal/consents/"+kap.ID, url.Values{"name": {" alex  RIVERA "}, "agree": {"yes"}, "sha256": {kap.SHA256}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = alex.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Thank you. You signed “Informed consent to ketamine-assisted psychotherapy”, version 1.", "You have signed everything needed before treatment.")
		dumpPage(t, "consent_portal_signed", body)
		if !s.current(s.alex) {
			t.Fatal("signing did not make consent current")
		}
		if n := s.count(`SELECT COUNT(*) FROM consent_signature WHERE client_id = ? AND typed_name = 'alex RIVERA' AND address = '127.0.0.1'
			AND user_agent <> '' AND text_sha256 = ?`, s.alex, kap.SHA256); n != 1 {
			t.Fatalf("%d signatures stored with the typed name, address, browser and hash; want 1", n)
		}

		// Read again: no form, and a way to the signed copy.
		body = alex.getOK(t, "/portal/consents/"+kap.ID)
		pageSays(t, body, "You signed this version on", "Download a signed copy (PDF)")
		if strings.Contains(body, `name="sha256"`) {
			t.Error("a signed version offers to be signed again")
		}

		// The signed copy, audited as an export.
		sig := s.signatureOf(s.alex)
		res, body = alex.get("/portal/consents/" + sig + ".pdf")
		wantStatus(t, res, http.StatusOK)
		if !strings.HasPrefix(body, "%PDF-") || !strings.Contains(body, kap.SHA256) || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("not a PDF carrying the hash (%s)", res.Header.Get("Content-Type"))
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'consent.export' AND record_id = ? AND actor_id = ? AND client_id = ?`, sig, s.alex, s.alex); n != 1 {
			t.Fatalf("%d consent.export entries; want 1", n)
		}

		// Withdrawn at once from the portal.
		res, _ = alex.post("/portal/consents/"+sig+"/revoke", url.Values{"reason": {"I want to think it over."}})
		wantStatus(t, res, http.StatusSeeOther)
		_, body = alex.follow(res)
		pageSays(t, body, "You withdrew “Informed consent to ketamine-assisted psychotherapy”. It stopped applying just now", "Withdrawn")
		dumpPage(t, "consent_portal_revoked", body)
		if s.current(s.alex) {
			t.Fatal("the withdrawal did not take effect")
		}
	})
}

func TestAnotherClientCannotReadOrSignForSomeoneElse(t *testing.T) {
	each(t, newConsentSite, func(t *testing.T, s *consentSite) {
		_, kap, sig := s.alexSigned()

		jamie := s.signIn("jamie@example.org")
		for _, try := range []func() (*http.Response, string){
			func() (*http.Response, string) { return jamie.get("/portal/consents/" + sig + ".pdf") },
			func() (*http.Response, string) { return jamie.post("/portal/consents/"+sig+"/revoke", nil) },
		} {
			res, body := try()
			wantStatus(t, res, http.StatusNotFound)
			pageSaysNot(t, body, "Alex")
		}
		// Alex's name does not sign Jamie's consent.
		res, _ := jamie.post("/portal/consents/"+kap.ID, url.Values{"name": {"Alex Rivera"}, "agree": {"yes"}, "sha256": {kap.SHA256}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if s.current(s.jamie) || !s.current(s.alex) {
			t.Fatal("one client's actions changed the other's consent")
		}
		// Nor can a client reach the staff's view or an administrator's draft.
		res, _ = jamie.get("/clients/" + s.alex + "/consents")
		wantStatus(t, res, http.StatusForbidden)
		res, _ = jamie.get("/clients/" + s.alex + "/consents/" + sig + ".pdf")
		wantStatus(t, res, http.StatusForbidden)
	})
}

func TestTheCareTeamCountersignsAndRecordsAWithdrawal(t *testing.T) {
	each(t, newConsentSite, func(t *testing.T, s *consentSite) {
		_, kap, sig := s.alexSigned()
		page := "/clients/" + s.alex + "/consents"

		// Elena is not on the care team; the owner may see the chart but is not a clinician.
		elena := s.signIn("elena@example.org")
		res, _ := elena.get(page)
		wantStatus(t, res, http.StatusForbidden)
		owner := s.signIn("ana@example.org")
		body := owner.getOK(t, page)
		pageSaysNot(t, body, "Countersign as witness")
		res, body = owner.post(page+"/"+sig+"/countersign", nil)
		wantStatus(t, res, http.StatusForbidden)
		pageSays(t, body, "Only a clinician on the client's care team may countersign.")
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'client.update' AND outcome = 'denied' AND record_id = ?`, sig); n != 1 {
			t.Fatalf("%d denied countersignatures on the trail; want 1", n)
		}

		sam := s.signIn("sam@example.org")
		body = sam.getOK(t, page)
		pageSays(t, body, "Consent is current", "Alex Rivera", kap.SHA256, "Countersign as witness")
		res, _ = sam.post(page+"/"+sig+"/countersign", nil)
		wantStatus(t, res, http.StatusSeeOther)
		_, body = sam.follow(res)
		pageSays(t, body, "Countersigned as witness.", "Sam Okafor")
		pageSaysNot(t, body, "Countersign as witness")

		// A withdrawal said aloud needs a reason; the message sits beside that form.
		res, body = sam.post(page+"/"+sig+"/revoke", url.Values{"reason": {"  "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Say how the client withdrew their consent")
		pageHas(t, body, `id="f-reason-`+sig+`-error"`, `href="#f-reason-`+sig+`"`, "<details class=\"withdraw\" open>")
		dumpPage(t, "consent_staff_refused", body)
		res, _ = sam.post(page+"/"+sig+"/revoke", url.Values{"reason": {"Called on Monday: wants to pause treatment."}})
		wantStatus(t, res, http.StatusSeeOther)
		_, body = sam.follow(res)
		pageSays(t, body, "Consent is not current.", "Called on Monday: wants to pause treatment.", "recorded by staff")
		dumpPage(t, "consent_staff", body)
		if s.current(s.alex) {
			t.Fatal("the recorded withdrawal did not take effect")
		}

		body = sam.getOK(t, page+"/"+sig+".pdf")
		if !strings.HasPrefix(body, "%PDF-") || !strings.Contains(body, kap.SHA256) {
			t.Fatal("the staff PDF does not carry the hash")
		}
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'consent.export' AND actor_id = ?`, s.sam); n != 1 {
			t.Fatalf("%d exports by Sam on the trail; want 1", n)
		}
	})
}

func TestAnAdministratorPublishesANewVersionAndClientsAreAskedAgain(t *testing.T) {
	each(t, newConsentSite, func(t *testing.T, s *consentSite) {
		alex, kap, _ := s.alexSigned()

		sam := s.signIn("sam@example.org")
		res, _ := sam.get("/admin/consents")
		wantStatus(t, res, http.StatusForbidden)

		owner := s.signIn("ana@example.org")
		body := owner.getOK(t, "/admin/consents")
		pageSays(t, body, "KAP treatment consent", "Telehealth consent", "Release of information", "Financial policy", "required before treatment")
		dumpPage(t, "consent_admin", body)
		body = owner.getOK(t, "/admin/consents/new?kind=kap_treatment")
		pageSays(t, body, "The text starts from Informed consent to ketamine-assisted psychotherapy, version 1.", "## What ketamine is")
		dumpPage(t, "consent_admin_new", body)

		res, body = owner.post("/admin/consents/new", url.Values{"kind": {"kap_treatment"}, "title": {""}, "text": {"  "}, "required": {"yes"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageSays(t, body, "Give the document a title", "Write the text clients will read and sign.")
		pageHas(t, body, `<input id="f-required" type="checkbox" name="required" value="yes" checked>`)

		res, _ = owner.post("/admin/consents/new", url.Values{"kind": {"kap_treatment"}, "title": {kap.Title}, "required": {"yes"},
			"text": {kap.Body + "\r\n\r\n## Music\r\n\r\nYou may bring your own music."}, "note": {"music"}})
		wantStatus(t, res, http.StatusSeeOther)
		preview := res.Header.Get("Location")
		res, body = owner.follow(res)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Preview: clients do not see this draft yet", "Publishing makes it version 2, replacing version 1",
			"1 client who signed an earlier version will be asked to sign again", "You may bring your own music.")
		dumpPage(t, "consent_admin_version", body)
		draftID := strings.TrimPrefix(preview, "/admin/consents/")
		// A client cannot open a draft.
		res, _ = alex.get("/portal/consents/" + draftID)
		wantStatus(t, res, http.StatusNotFound)

		res, _ = owner.post(preview+"/publish", nil)
		wantStatus(t, res, http.StatusSeeOther)
		_, body = owner.follow(res)
		pageSays(t, body, "is published", "1 client who signed an earlier version will be asked to sign again.", "version 2, published")
		if s.current(s.alex) {
			t.Fatal("version 2 did not ask Alex to sign again")
		}
		res, _ = owner.post(preview+"/publish", nil)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if n := s.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'consent_document.publish' AND record_id = ?`, draftID); n != 1 {
			t.Fatalf("%d publications on the trail; want 1", n)
		}

		body = alex.getOK(t, "/portal/consents")
		pageSays(t, body, "New version to sign", "We have updated this document since you signed version 1.")
		dumpPage(t, "consent_portal_reconsent", body)
		// The old page, still open, is refused with the way to the new one.
		res, body = alex.post("/portal/consents/"+kap.ID, url.Values{"name": {"Alex Rivera"}, "agree": {"yes"}, "sha256": {kap.SHA256}})
		wantStatus(t, res, http.StatusConflict)
		pageSays(t, body, "version 2 replaces version 1", "You may bring your own music.")
		v2 := s.latest(consent.KAPTreatment)
		if v2.ID != draftID || v2.Number != 2 {
			t.Fatalf("in force: %+v", v2)
		}
		res, _ = alex.post("/portal/consents/"+draftID, url.Values{"name": {"Alex Rivera"}, "agree": {"yes"}, "sha256": {v2.SHA256}})
		wantStatus(t, res, http.StatusSeeOther)
		if !s.current(s.alex) {
			t.Fatal("signing version 2 did not restore consent")
		}
	})
}

func TestTheConsentAPI(t *testing.T) {
	each(t, newConsentSite, func(t *testing.T, s *consentSite) {
		_, kap, sig := s.alexSigned()
		tok := s.apiToken(s.sam)
		call := func(method, path, body string) (*http.Response, map[string]any) {
			return sendJSON(t, method, s.srv.URL+path, tok, "application/json", body)
		}
		res, out := call("GET", "/api/v1/consent-documents?text=false", "")
		wantStatus(t, res, http.StatusOK)
		docs := out["documents"].([]any)
		if len(docs) != 4 || docs[0].(map[string]any)["sha256"] != kap.SHA256 || docs[0].(map[string]any)["text"] != nil {
			t.Fatalf("documents %v", out)
		}
		res, out = call("GET", "/api/v1/clients/"+s.alex+"/consents", "")
		wantStatus(t, res, http.StatusOK)
		if out["current"] != true || len(out["signatures"].([]any)) != 1 {
			t.Fatalf("consents %v", out)
		}
		res, out = call("POST", "/api/v1/clients/"+s.alex+"/consents/"+sig+"/revoke", `{}`)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if errs, _ := out["errors"].(map[string]any); errs["reason"] == nil {
			t.Fatalf("a withdrawal without a reason: %v", out)
		}
		res, out = call("POST", "/api/v1/clients/"+s.alex+"/consents/"+sig+"/revoke", `{"reason": "said so by phone"}`)
		wantStatus(t, res, http.StatusOK)
		if rv, _ := out["revocation"].(map[string]any); rv["by"] != "staff" || rv["reason"] != "said so by phone" {
			t.Fatalf("revocation %v", out)
		}
		res, _ = call("POST", "/api/v1/clients/"+s.alex+"/consents/"+sig+"/revoke", `{"reason": "again"}`)
		wantStatus(t, res, http.StatusConflict)
		res, out = call("GET", "/api/v1/clients/"+s.alex+"/consents", "")
		wantStatus(t, res, http.StatusOK)
		if out["current"] != false || len(out["missing"].([]any)) != 1 {
			t.Fatalf("after the withdrawal: %v", out)
		}
		res, _ = call("GET", "/api/v1/clients/"+s.jamie+"/consents", "")
		wantStatus(t, res, http.StatusForbidden)
	})
}
