package alert_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/keyring"
	"holdspace/internal/safety"
	"holdspace/internal/settings"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

const gatewaySecret = "whsec_9f2c7d41b0a3e8f65d21"

// fakeGateway is an SMS gateway on this machine: it checks each request's
// signature with the shared secret the way a real one would, and answers
// with the next status in its list (then 200).
type fakeGateway struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []alert.GatewayRequest
	badSig   int
}

func newFakeGateway(t *testing.T, statuses ...int) *fakeGateway {
	g := &fakeGateway{statuses: statuses}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get(alert.HeaderTimestamp)
		want := alert.Sign([]byte(gatewaySecret), ts, body)
		g.mu.Lock()
		defer g.mu.Unlock()
		if ts == "" || !hmac.Equal([]byte(want), []byte(r.Header.Get(alert.HeaderSignature))) {
			g.badSig++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var req alert.GatewayRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		g.got = append(g.got, req)
		status := http.StatusOK
		if len(g.statuses) > 0 {
			status, g.statuses = g.statuses[0], g.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *fakeGateway) requests() []alert.GatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]alert.GatewayRequest(nil), g.got...)
}

// onCallPractice names the prescriber as the practice's on-call clinician,
// reached by text through gatewayURL (none if empty).
func onCallPractice(t *testing.T, f fixture, ring *keyring.Ring, gatewayURL string, now time.Time) {
	t.Helper()
	ctx := context.Background()
	if err := f.db.Write(ctx, func(tx *store.Tx) error {
		s, err := alert.LoadSettings(ctx, tx, f.practice)
		if err != nil {
			return err
		}
		s.Escalation.OnCall = safety.OnCall{Clinician: f.rx, Phone: "+1 (555) 010-0199"}
		if gatewayURL != "" {
			if err := alert.SetGatewaySecret(ctx, tx, ring, f.practice, gatewaySecret, f.owner, now); err != nil {
				return err
			}
			s.Gateway = alert.Gateway{URL: gatewayURL, Channel: alert.ChannelSMS}
		}
		return alert.SaveSettings(ctx, tx, f.practice, s, f.owner, now)
	}); err != nil {
		t.Fatal(err)
	}
}

func detail(t *testing.T, f fixture, id string, now time.Time) alert.View {
	t.Helper()
	var v alert.View
	if err := f.db.Read(context.Background(), func(tx *store.Tx) (err error) {
		v, err = alert.Detail(context.Background(), tx, f.practice, id, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

// Finding 12: a moderate self-harm alert raised Friday 16:30, eleven days
// after a medicine session (KAP.md §1: the risk lasts two weeks), escalates
// at 17:30 that evening, not Monday 09:30, to the on-call clinician by email
// and by a text through the practice's gateway. The gateway gets a request
// signed with the shared secret; the first attempt fails and is retried
// after its backoff, not before. The email counts as sent only once the
// outbox has delivered it.
func TestAFridayAlertAfterASessionWakesTheOnCallClinician(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ny, _ := time.LoadLocation("America/New_York")
		friday := time.Date(2026, 3, 13, 16, 30, 0, 0, ny)
		f := newFixture(t, db, "America/New_York", friday.AddDate(0, 0, -20))
		heldSession(t, f, 3, time.Date(2026, 3, 2, 10, 0, 0, 0, ny))
		ring, _ := keyring.New(make([]byte, 32))
		gw := newFakeGateway(t, http.StatusServiceUnavailable)
		onCallPractice(t, f, ring, gw.URL+"/send", friday.AddDate(0, 0, -1))
		id := raise(t, f, checkInTrigger(t, friday), friday)
		w := &alert.Worker{DB: db, BaseURL: "https://clinic.example"}

		if r := tick(t, w, friday.Add(59*time.Minute)); r.Escalated != 0 {
			t.Fatal("escalated before the hour was up")
		}
		evening := friday.Add(time.Hour)
		if r := tick(t, w, evening); r.Escalated != 1 {
			t.Fatalf("Friday 17:30: %d escalations, want 1 (on the clock in the two weeks after a session)", r.Escalated)
		}
		lvl1 := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind = 'emailed' AND level = 1`, id)
		toRx := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind = 'emailed' AND level = 1 AND recipient = ? AND audience = 'on_call'`, id, f.rx)
		if lvl1 != 1 || toRx != 1 {
			t.Fatalf("level-1 emails: %d, %d to the on-call prescriber; want exactly one, to them (the owner is off duty)", lvl1, toRx)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM outbox WHERE to_addr = 'rx@example.org' AND subject LIKE 'Safety alert not yet acknowledged (level 1)%'`); n != 1 {
			t.Errorf("escalation emails to the on-call prescriber = %d, want 1", n)
		}

		v := detail(t, f, id, evening)
		if len(v.HeldBy) != 1 || v.HeldBy[0] != "Dr Rae Prescriber (on call)" || !v.OnCall || !v.RoundTheClock {
			t.Errorf("held by %v (on call %v, round the clock %v), want the on-call prescriber", v.HeldBy, v.OnCall, v.RoundTheClock)
		}
		if want := evening.Add(time.Hour); !v.NextDue.Equal(want) || v.NextLevel != 2 || !strings.Contains(v.NextTo, "Dr Rae Prescriber, on call") {
			t.Errorf("next escalation %s level %d to %q, want 18:30 level 2 to the on-call clinician and the rest", v.NextDue.In(ny), v.NextLevel, v.NextTo)
		}
		summary := func(v alert.View) string {
			for _, e := range v.Events {
				if e.Kind == "emailed" && e.Level == 1 {
					return e.Summary()
				}
			}
			return ""
		}
		if s := summary(v); !strings.Contains(s, "queued, not yet sent") {
			t.Errorf("a queued email reads %q; it must not say emailed before it is sent", s)
		}
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE outbox SET sent_at = ? WHERE to_addr = 'rx@example.org'`, evening.Add(time.Minute))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if s := summary(detail(t, f, id, evening)); s != "Emailed the level 1 escalation to Dr Rae Prescriber (on call)" {
			t.Errorf("a delivered email reads %q", s)
		}

		// The text: first attempt refused by the gateway, retried after 30 s.
		gs := &alert.GatewaySender{DB: db, Keys: ring}
		if sent, failed, err := gs.DeliverOnce(ctx, evening); err != nil || sent != 0 || failed != 1 {
			t.Fatalf("first delivery: sent %d failed %d (%v), want the gateway's 503 counted as a failure", sent, failed, err)
		}
		if sent, failed, err := gs.DeliverOnce(ctx, evening.Add(20*time.Second)); err != nil || sent+failed != 0 {
			t.Fatalf("retried before its backoff: sent %d failed %d (%v)", sent, failed, err)
		}
		if sent, _, err := gs.DeliverOnce(ctx, evening.Add(30*time.Second)); err != nil || sent != 1 {
			t.Fatalf("retry after 30 s: sent %d (%v)", sent, err)
		}
		if sent, failed, _ := gs.DeliverOnce(ctx, evening.Add(time.Hour)); sent+failed != 0 {
			t.Fatal("a delivered text was sent again")
		}
		reqs := gw.requests()
		if len(reqs) != 2 || gw.badSig != 0 {
			t.Fatalf("gateway saw %d signed requests and %d bad signatures, want 2 and 0", len(reqs), gw.badSig)
		}
		r := reqs[1]
		wantText := "Riverside KAP: a safety alert for a client needs you: https://clinic.example/alerts/" + id
		if r.Text != wantText || r.To != "+15550100199" || r.Channel != "sms" || r.ID != reqs[0].ID || r.Attempt != 2 {
			t.Errorf("gateway request %+v, want the bare text %q to +15550100199, same id on retry", r, wantText)
		}
		if strings.Contains(r.Text, "Maya") || strings.Contains(r.Text, "scared") {
			t.Errorf("the text carries clinical detail: %q", r.Text)
		}
		if r.QueuedAt != "2026-03-13T17:30:00-04:00" || r.TimeZone != "America/New_York" || r.Practice != "Riverside KAP" {
			t.Errorf("times are not in the practice's zone: %+v", r)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM oncall_message WHERE alert_id = ? AND sent_at IS NOT NULL AND attempts = 2`, id); n != 1 {
			t.Errorf("the delivered text is not recorded with its two attempts")
		}
		// The secret is sealed: neither the settings nor its own row hold it in clear.
		if n := count(t, db, `SELECT COUNT(*) FROM practice_setting WHERE value LIKE ?`, "%"+gatewaySecret+"%"); n != 0 {
			t.Error("the gateway secret is in the settings document")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_gateway_secret WHERE sealed LIKE ?`, "%"+gatewaySecret+"%"); n != 0 {
			t.Error("the gateway secret is stored in clear")
		}

		// Level 2 at 18:30 widens to the practice owner, whose banner now
		// shows the alert though they are on no care team.
		banner := func(staff string) int {
			var items []alert.BannerItem
			db.Read(ctx, func(tx *store.Tx) (err error) { items, err = alert.Banner(ctx, tx, f.practice, staff); return err })
			return len(items)
		}
		if banner(f.owner) != 0 {
			t.Fatal("the owner's banner shows an alert not yet sent to them")
		}
		if r := tick(t, w, evening.Add(time.Hour)); r.Escalated != 1 {
			t.Fatal("level 2 not reached at 18:30")
		}
		if banner(f.owner) != 1 || banner(f.outsider) != 0 {
			t.Errorf("banners: owner %d, outsider %d; want the escalated alert on the owner's only", banner(f.owner), banner(f.outsider))
		}
		// Acknowledging withdraws the level-2 text not yet sent.
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := alert.Acknowledge(ctx, tx, f.practice, id, f.rx, safety.ActionContactedClient, "Called her; safe with her sister tonight.", evening.Add(61*time.Minute))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if sent, _, _ := gs.DeliverOnce(ctx, evening.Add(2*time.Hour)); sent != 0 || len(gw.requests()) != 2 {
			t.Error("a text went out for an alert already acknowledged")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM oncall_message WHERE alert_id = ? AND level = 2 AND withdrawn_at IS NOT NULL`, id); n != 1 {
			t.Error("the level-2 text was not withdrawn")
		}
	})
}

// Outside the two weeks after a session the business-hours rule stands: a
// moderate alert on Friday 16:30, fifteen days after one, escalates Monday
// 09:30 to the prescriber and the owner, and nobody is texted.
func TestOutsideTheRiskWindowAlertsKeepBusinessHours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ny, _ := time.LoadLocation("America/New_York")
		friday := time.Date(2026, 3, 13, 16, 30, 0, 0, ny)
		f := newFixture(t, db, "America/New_York", friday.AddDate(0, 0, -20))
		heldSession(t, f, 6, friday.AddDate(0, 0, -15))
		ring, _ := keyring.New(make([]byte, 32))
		gw := newFakeGateway(t)
		onCallPractice(t, f, ring, gw.URL, friday.AddDate(0, 0, -1))
		id := raise(t, f, checkInTrigger(t, friday), friday)
		w := &alert.Worker{DB: db}
		if r := tick(t, w, time.Date(2026, 3, 16, 9, 29, 0, 0, ny)); r.Escalated != 0 {
			t.Fatal("escalated over the weekend outside the risk window")
		}
		if r := tick(t, w, time.Date(2026, 3, 16, 9, 30, 0, 0, ny)); r.Escalated != 1 {
			t.Fatal("not escalated Monday 09:30")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind = 'emailed' AND level = 1 AND audience IN ('prescriber', 'practice_owner')`, id); n != 2 {
			t.Errorf("level-1 emails to prescriber and owner = %d, want 2", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM oncall_message`); n != 0 {
			t.Errorf("%d texts queued for a business-hours escalation", n)
		}
	})
}

// A high-severity alert never waits for business hours, even under a
// settings document saved before the bound existed with the window at 0
// ("off"): raised Friday 17:30 with no session before it, it escalates to
// the on-call clinician within 15 minutes.
func TestHighSeverityNeverWaitsForMonday(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ny, _ := time.LoadLocation("America/New_York")
		friday := time.Date(2026, 3, 13, 17, 30, 0, 0, ny)
		f := newFixture(t, db, "America/New_York", friday)
		onCallPractice(t, f, nil, "", friday)
		if err := db.Write(ctx, func(tx *store.Tx) error {
			s, err := alert.LoadSettings(ctx, tx, f.practice)
			if err != nil {
				return err
			}
			s.Escalation.HighSeverityWindowMinutes = 0
			// Written past SaveSettings, as an old version would have.
			return settings.Save(ctx, tx, f.practice, settings.Safety, s, "", friday)
		}); err != nil {
			t.Fatal(err)
		}
		tr := checkInTrigger(t, friday)
		tr.Severity = safety.SeverityHigh
		id := raise(t, f, tr, friday)
		w := &alert.Worker{DB: db}
		if r := tick(t, w, friday.Add(15*time.Minute)); r.Escalated != 1 {
			t.Fatal("a high-severity alert did not escalate within 15 minutes on a Friday evening")
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind = 'emailed' AND level = 1 AND audience = 'on_call' AND recipient = ?`, id, f.rx); n != 1 {
			t.Errorf("the on-call clinician was not emailed the escalation")
		}
	})
}

// Saving safety settings with nobody on call, a high-severity window of 0,
// a gateway without its secret or an on-call clinician without a number is
// refused, each naming the field to fix.
func TestSafetySettingsNeedSomeoneToReach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
		f := newFixture(t, db, "America/New_York", now)
		ring, _ := keyring.New(make([]byte, 32))
		save := func(change func(tx *store.Tx, s *alert.Settings) error) error {
			return db.Write(ctx, func(tx *store.Tx) error {
				s, err := alert.LoadSettings(ctx, tx, f.practice)
				if err != nil {
					return err
				}
				s.Escalation.OnCall = safety.OnCall{Clinician: f.rx, Phone: "+15550100199"}
				if err := change(tx, &s); err != nil {
					return err
				}
				return alert.SaveSettings(ctx, tx, f.practice, s, f.owner, now)
			})
		}
		field := func(err error) string {
			var se *safety.Error
			if !errors.As(err, &se) || se.Code != safety.CodeInvalid {
				return "not refused: " + errString(err)
			}
			return se.Field
		}
		for _, c := range []struct {
			name, want string
			change     func(tx *store.Tx, s *alert.Settings) error
		}{
			{"nobody on call", "on_call_clinician", func(_ *store.Tx, s *alert.Settings) error { s.Escalation.OnCall = safety.OnCall{}; return nil }},
			{"the owner, who cannot acknowledge", "on_call_clinician", func(_ *store.Tx, s *alert.Settings) error {
				s.Escalation.OnCall.Clinician = f.owner
				return nil
			}},
			{"high severity off", "high_severity_window_minutes", func(_ *store.Tx, s *alert.Settings) error { s.Escalation.HighSeverityWindowMinutes = 0; return nil }},
			{"high severity after an hour", "high_severity_window_minutes", func(_ *store.Tx, s *alert.Settings) error { s.Escalation.HighSeverityWindowMinutes = 60; return nil }},
			{"no check-in days", "days_after", func(_ *store.Tx, s *alert.Settings) error { s.CheckIns.DaysAfter = nil; return nil }},
			{"a gateway without a secret", "gateway_secret", func(_ *store.Tx, s *alert.Settings) error {
				s.Gateway = alert.Gateway{URL: "https://sms.example/send", Channel: alert.ChannelSMS}
				return nil
			}},
			{"a plain-http gateway elsewhere", "gateway_url", func(_ *store.Tx, s *alert.Settings) error {
				s.Gateway = alert.Gateway{URL: "http://sms.example/send", Channel: alert.ChannelSMS}
				return nil
			}},
			{"a gateway and no number", "on_call_phone", func(tx *store.Tx, s *alert.Settings) error {
				s.Gateway = alert.Gateway{URL: "https://sms.example/send", Channel: alert.ChannelVoice}
				s.Escalation.OnCall.Phone = "call me"
				return alert.SetGatewaySecret(ctx, tx, ring, f.practice, gatewaySecret, f.owner, now)
			}},
			{"a short secret", "gateway_secret", func(tx *store.Tx, s *alert.Settings) error {
				return alert.SetGatewaySecret(ctx, tx, ring, f.practice, "abc", f.owner, now)
			}},
		} {
			if got := field(save(c.change)); got != c.want {
				t.Errorf("%s: refused on %q, want %q", c.name, got, c.want)
			}
		}
		if err := save(func(tx *store.Tx, s *alert.Settings) error {
			s.Gateway = alert.Gateway{URL: "https://sms.example/send", Channel: alert.ChannelVoice}
			return alert.SetGatewaySecret(ctx, tx, ring, f.practice, gatewaySecret, f.owner, now)
		}); err != nil {
			t.Fatalf("complete settings refused: %v", err)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// An on-call clinician off the client's care team still finds the alert
// escalated to them: in their banner, on their list, and named as the one
// who has it now.
func TestTheOnCallClinicianOffTheCareTeamFindsTheAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ny, _ := time.LoadLocation("America/New_York")
		sunday := time.Date(2026, 3, 15, 3, 0, 0, 0, ny)
		f := newFixture(t, db, "America/New_York", sunday)
		if err := db.Write(ctx, func(tx *store.Tx) error {
			s, err := alert.LoadSettings(ctx, tx, f.practice)
			if err != nil {
				return err
			}
			s.Escalation.OnCall = safety.OnCall{Clinician: f.outsider}
			return alert.SaveSettings(ctx, tx, f.practice, s, f.owner, sunday)
		}); err != nil {
			t.Fatal(err)
		}
		tr := checkInTrigger(t, sunday)
		tr.Severity = safety.SeverityHigh
		id := raise(t, f, tr, sunday)
		seen := func() (banner int, listed bool) {
			db.Read(ctx, func(tx *store.Tx) error {
				items, err := alert.Banner(ctx, tx, f.practice, f.outsider)
				banner = len(items)
				if err != nil {
					return err
				}
				mine, err := alert.EscalatedTo(ctx, tx, f.practice, f.outsider)
				listed = mine[id]
				return err
			})
			return
		}
		if b, l := seen(); b != 0 || l {
			t.Fatal("the outsider sees the alert before it is escalated to them")
		}
		if r := tick(t, &alert.Worker{DB: db}, sunday.Add(15*time.Minute)); r.Escalated != 1 {
			t.Fatal("not escalated at 03:15 on a Sunday")
		}
		if b, l := seen(); b != 1 || !l {
			t.Errorf("the on-call clinician's banner %d, listed %v; want the alert in both", b, l)
		}
		if v := detail(t, f, id, sunday.Add(15*time.Minute)); len(v.HeldBy) != 1 || v.HeldBy[0] != "Otto Outside (on call)" {
			t.Errorf("held by %v, want the on-call clinician", v.HeldBy)
		}
	})
}
