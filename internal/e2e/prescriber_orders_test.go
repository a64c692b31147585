package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
	"holdspace/internal/store"
)

// Findings 5 and 9 in the room, on tablets 820 px wide: Daniel's prescriber orders a hold of
// 160/100, stricter than the practice's 180/100, lorazepam held 24 h and ondansetron 4 mg ODT
// 30 min before dosing, and no additional dose without her; 150 mg is planned and her maximum
// is 400 mg. The therapist confirms the held substance, records the ondansetron, is held at
// 165/95 (below the practice's hold), gives the planned dose at 148/90; two alarms are
// acknowledged; a further 250 mg is refused after them until a reading below the hold, and
// then still refused as beyond the plan until the prescriber authorises it from her tablet.
func TestAnAdditionalDoseWaitsForTheAlarmsAndThePrescriber(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s, clk, zone := startSessionMorning(t, db)
		if s == nil {
			return
		}
		record := danielBookedUnderOrders(t, s)
		local := func(d time.Duration) time.Time { return clk.Now().In(zone).Add(d) }

		elena := signedIn(t, s, "therapist2@stillwater.example", "", withWindow(820, 1180))
		rx := signedIn(t, s, "prescriber@stillwater.example", "", withWindow(820, 1180))
		tablets := []context.Context{elena, rx}
		visit(t, elena, record)
		clickButton(t, elena, "Start the session record")
		waitText(t, elena, "The session record is started.")
		waitText(t, elena, "The prescriber's orders")
		// Per number, the stricter: the prescriber's systolic 160, the practice's diastolic 100.
		waitText(t, elena, "at or above 160/100 mmHg, the prescriber's hold for this client where stricter, else the practice's")
		waitText(t, elena, "no lorazepam in the 24 h before the session")
		waitText(t, elena, "Pre-medication: ondansetron 4 mg ODT, 30 min before dosing. not yet given")

		// The checklist, with the prescriber's held substance confirmed.
		sessionTick(t, elena, "Identity confirmed")
		sessionTick(t, elena, "No driving acknowledged")
		setValue(t, elena, `input[name="checklist.last_food_at"]`, local(-4*time.Hour).Format("2006-01-02T15:04"))
		setValue(t, elena, `input[name="checklist.last_liquid_at"]`, local(-45*time.Minute).Format("2006-01-02T15:04"))
		sessionTick(t, elena, "Escort is here")
		fill(t, elena, "Escort's name", "Miguel Ortiz")
		fill(t, elena, "Escort's phone", "+1 555 0146")
		sessionTick(t, elena, "Asked about alcohol and benzodiazepines")
		sessionTick(t, elena, "Confirmed with the client: no lorazepam")
		fill(t, elena, "Intention for today", "To stay with the memory without bracing.")
		clickButton(t, elena, "Save the checklist")
		waitText(t, elena, "The checklist is saved.")
		screenshot(t, elena, "checklist-with-orders")

		// The ondansetron, given on arrival 35 minutes before.
		setValue(t, elena, `input[name="premed.at"]`, local(-35*time.Minute).Format("15:04"))
		clickButton(t, elena, "Record the pre-medication")
		waitText(t, elena, "The pre-medication is recorded.")
		waitText(t, elena, "given "+local(-35*time.Minute).Format("15:04")+" by Elena Brooks")
		if n := s.count(t, `SELECT COUNT(*) FROM session_premedication WHERE drug = 'ondansetron'`); n != 1 {
			t.Fatalf("%d pre-medications recorded; want 1", n)
		}

		// 165/95 holds under the prescriber's 160/100, though not the practice's 180/100.
		sessionReading(t, elena, "165", "95", "80", "98", "14")
		waitText(t, elena, "Dosing is held.")
		waitText(t, elena, "the prescriber's hold for this client")
		screenshot(t, elena, "held-by-the-clients-hold")
		sessionAdvance(t, clk, 5*time.Minute, record, tablets...)
		sessionReading(t, elena, "148", "90", "78", "98", "14")
		sessionDose(t, elena, "150", "Ketamine HCl RDT", "50 mg", "KT2611A")
		waitText(t, elena, "The dose is recorded.")

		// Two alarms, each acknowledged.
		sessionAdvance(t, clk, 30*time.Minute, record, tablets...)
		sessionReading(t, elena, "188", "112", "96", "96", "16")
		waitText(t, elena, "an alert is raised at the top of the record")
		sessionAdvance(t, clk, 3*time.Minute, record, tablets...)
		sessionReading(t, elena, "194", "116", "102", "95", "18")
		waitText(t, elena, "an alert is raised at the top of the record")
		screenshot(t, elena, "two-alarms")
		acknowledgeAlert(t, elena, "Systolic 194", "Second rise: Dr. Raman at the bedside, lights down.")
		acknowledgeAlert(t, elena, "Systolic 188", "Client resting, music lowered; reading repeated.")

		// A further dose waits for a reading below the hold since the alarms.
		sessionAdvance(t, clk, 2*time.Minute, record, tablets...)
		waitText(t, elena, "take a blood pressure after it, below the pre-dose hold")
		sessionDose(t, elena, "250", "Ketamine HCl RDT", "50 mg", "KT2611A")
		refusal := textOf(t, elena, "form.dose-form")
		for _, want := range []string{"take a blood pressure after it", "no additional dose after the planned first dose"} {
			if !strings.Contains(refusal, want) {
				t.Fatalf("the additional dose after the alarms was refused without %q: %q", want, refusal)
			}
		}
		screenshot(t, elena, "refused-after-the-alarms")
		sessionAdvance(t, clk, 5*time.Minute, record, tablets...)
		sessionReading(t, elena, "150", "92", "84", "97", "14")
		sessionDose(t, elena, "250", "Ketamine HCl RDT", "50 mg", "KT2611A")
		refusal = textOf(t, elena, "form.dose-form")
		if !strings.Contains(refusal, "no additional dose after the planned first dose") || strings.Contains(refusal, "take a blood pressure after it") {
			t.Fatalf("the additional dose below the hold: %q; want refused as beyond the plan only", refusal)
		}
		if count(t, elena, "form.authorise-form") != 0 {
			t.Fatal("a therapist is offered the prescriber's authorisation")
		}
		screenshot(t, elena, "refused-beyond-the-plan")

		// The prescriber authorises 250 mg from her tablet.
		visit(t, rx, record)
		openDetails(t, rx, "Authorise an additional dose beyond the plan")
		fill(t, rx, "Up to (mg)", "250")
		fill(t, rx, "Why a dose beyond the plan", "Little effect at 45 min; BP settled at 150/92 after the two rises.")
		screenshot(t, rx, "authorise")
		clickButton(t, rx, "Authorise the dose")
		waitText(t, rx, "The additional dose is authorised")

		visit(t, elena, record)
		waitText(t, elena, "Authorised, not yet given:")
		sessionDose(t, elena, "250", "Ketamine HCl RDT", "50 mg", "KT2611A")
		waitText(t, elena, "The dose is recorded.")
		screenshot(t, elena, "authorised-dose-given")
		if n := s.count(t, `SELECT COUNT(*) FROM session_dose_authorisation WHERE dose_id IS NOT NULL AND dose_mg = 250`); n != 1 {
			t.Errorf("%d authorisations used; want 1", n)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM session_dose WHERE additional = ? AND dose_mg = 250`, true); n != 1 {
			t.Errorf("%d additional doses of 250 mg; want 1", n)
		}
	})
}

// openDetails opens the disclosure whose summary reads text.
func openDetails(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	n := one(t, ctx, fmt.Sprintf(`//summary[contains(normalize-space(.), %s)]`, xpathLiteral(text)), "a disclosure "+xpathLiteral(text))
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.NodeIDs{n.NodeID})); err != nil {
		t.Fatalf("opening %q: %v", text, err)
	}
}

// danielBookedUnderOrders signs a new evaluation of Daniel's with the prescriber's orders
// (the demo's maximum of 400 mg sublingual kept), makes his planned course active with 150 mg
// planned for session 1 and books it for now; it returns the record's address.
func danielBookedUnderOrders(t *testing.T, s *site) string {
	t.Helper()
	ctx := context.Background()
	now := s.now()
	var address string
	err := s.App.DB.Write(ctx, func(tx *store.Tx) error {
		var danID, practiceID, rx, courseID string
		if err := tx.QueryRow(ctx, `SELECT id, practice_id FROM client WHERE email = 'dan@client.example'`).Scan(&danID, &practiceID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = 'prescriber@stillwater.example'`).Scan(&rx); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM course WHERE client_id = ? AND status = 'planned'`, danID).Scan(&courseID); err != nil {
			return err
		}
		signer, err := prescribing.LoadSigner(ctx, tx, practiceID, rx)
		if err != nil {
			return err
		}
		if _, err := prescribing.Sign(ctx, tx, practiceID, danID, "", prescribing.Draft{Decision: prescribing.ApprovedWithConditions,
			Conditions: "BP under 160/100 before dosing; hold lorazepam 24 h.", Limits: []dosing.Limit{{Route: dosing.RouteSublingualRDT, MaxMg: 400}},
			Orders: dosing.ClientConditions{Hold: &dosing.HoldThreshold{SystolicMmHg: 160, DiastolicMmHg: 100},
				HeldSubstances: []dosing.HeldSubstance{{Substance: "lorazepam", Hours: 24}},
				PreMedications: []dosing.PreMedicationOrder{{Drug: "ondansetron", DoseMg: 4, Route: "ODT", MinutesBefore: 30}}}},
			signer, now.Add(-2*time.Hour)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE course_dose SET planned_mg = 150 WHERE course_id = ? AND session_number = 1`, courseID); err != nil {
			return err
		}
		session, err := bookFirstSession(ctx, tx, practiceID, danID, courseID, rx, now, now.Add(-10*time.Minute))
		if err != nil {
			return err
		}
		address = s.at("/clients/" + danID + "/sessions/" + session)
		return nil
	})
	if err != nil {
		t.Fatalf("readying Daniel's session: %v", err)
	}
	return address
}
