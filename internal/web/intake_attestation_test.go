package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The client sends the intake with their typed name and the confirmation;
// a refusal keeps what was typed and sends nothing; staff see the
// attestation on the review, and that a later change of theirs broke it.
func TestTheClientAttestsTheIntakeAndStaffSeeItOnTheReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newIntakeSite(t, db)
		alex := s.signIn("alex@client.example")
		all := answers()
		for _, name := range []string{"medical", "psychiatric", "substances", "medications", "experience", "goals"} {
			res, _ := alex.save("/portal/intake", name, all[name])
			wantStatus(t, res, http.StatusSeeOther)
		}
		res, body := alex.get("/portal/intake/review")
		wantStatus(t, res, http.StatusOK)
		pageHas(t, body, `name="name"`, `autocomplete="name"`, `name="confirm"`, `type="checkbox"`)
		pageSays(t, body, "Type it as we have it on file: Alex Rivera. Capital letters and spaces do not matter.",
			"My answers are true and complete to the best of my knowledge.")

		res, body = alex.post("/portal/intake/submit", url.Values{"name": {"Alex Rivers"}})
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
		res, body = alex.get("/portal/intake/review")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "You confirmed that these answers were true and complete", "typing “alex rivera”", "Mon 23 Nov 2026, 09:00 EST")
		pageSaysNot(t, body, "Your full name")

		sam := s.signIn("sam@example.org")
		review := "/clients/" + s.alex + "/intake/review"
		res, body = sam.get(review)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Attested by alex rivera on Mon 23 Nov 2026, 09:00 EST: the client, in the portal.", "still match the fingerprint")
		pageSaysNot(t, body, "changed since the attestation")
		dumpPage(t, "intake_attested_staff", body)

		// A staff change after submission shows on the review, with who made it.
		res, _ = sam.save("/clients/"+s.alex+"/intake", "goals", url.Values{"goals.text": {"To sleep, and to stop dreading Mondays."}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = sam.get(review)
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Attested by alex rivera", "The answers have changed since the attestation.",
			"Your hopes for this work: changed by Sam Okafor on Mon 23 Nov 2026, 09:00 EST")
		pageSaysNot(t, body, "still match the fingerprint")
		dumpPage(t, "intake_attested_changed", body)
		res, body = alex.get("/portal/intake/review")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Your care team has since changed some answers with you: Your hopes for this work.")
	})
}

// Staff sending the intake for a client confirm it under their own name.
func TestStaffSendTheIntakeUnderTheirOwnName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newIntakeSite(t, db)
		sam := s.signIn("sam@example.org")
		base := "/clients/" + s.jamie + "/intake"
		for name, v := range answers() {
			res, _ := sam.save(base, name, v)
			wantStatus(t, res, http.StatusSeeOther)
		}
		res, body := sam.get(base + "/review")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "as your staff account has it: Sam Okafor", "The client has told me that these answers are true and complete")
		res, body = sam.post(base+"/submit", url.Values{"name": {"Jamie Chen"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		pageHas(t, body, `value="Jamie Chen"`, `id="f-name-error"`)
		pageSays(t, body, "This does not match the name on your staff account (Sam Okafor)")
		res, _ = sam.post(base+"/submit", url.Values{"name": {"Sam Okafor"}, "confirm": {"yes"}})
		wantStatus(t, res, http.StatusSeeOther)
		res, body = sam.get(base + "/review")
		wantStatus(t, res, http.StatusOK)
		pageSays(t, body, "Attested by Sam Okafor on Mon 23 Nov 2026, 09:00 EST: Sam Okafor, staff, on the client")
		dumpPage(t, "intake_attested_by_staff", body)
	})
}

func TestTheIntakeAPISubmitsWithAnAttestation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newIntakeSite(t, db)
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
