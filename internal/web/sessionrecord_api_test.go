package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/course"
	"holdspace/internal/demo"
	"holdspace/internal/dosing"
	"holdspace/internal/keyring"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// srSite is a server with the demo practice, API tokens for the prescriber and Sam the
// therapist, and a fresh booking of Alex's for now.
type srSite struct {
	url, alex, booking string
	tokens             map[string]string
}

func newSRSite(t *testing.T, db *store.DB) *srSite {
	t.Helper()
	ctx := context.Background()
	ring, _ := keyring.New(make([]byte, 32))
	cheap := access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 4)
	svc := &access.Service{DB: db, Hasher: cheap, Keys: ring, Now: time.Now, BaseURL: "http://127.0.0.1/", Policy: access.DefaultPolicy()}
	if _, err := demo.Load(ctx, db, demo.Options{Hasher: cheap, Keys: ring}, time.Now()); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Access: svc, Keys: ring, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(srv.Routes(), func(r Route) bool { return strings.HasPrefix(r.Pattern, "POST /api/v1/clients/{id}/session-records/") }) {
		t.Fatal("the session record API is not registered")
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	s := &srSite{url: ts.URL, tokens: map[string]string{}}
	zone, _ := time.LoadLocation("America/New_York")
	now := time.Now().In(zone)
	err = db.Write(ctx, func(tx *store.Tx) error {
		var practiceID, rx string
		if err := tx.QueryRow(ctx, `SELECT id, practice_id FROM client WHERE email = 'alex@client.example'`).Scan(&s.alex, &practiceID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM staff WHERE email = 'prescriber@stillwater.example'`).Scan(&rx); err != nil {
			return err
		}
		for who, email := range map[string]string{"rx": "prescriber@stillwater.example", "sam": "therapist@stillwater.example"} {
			var accountID string
			if err := tx.QueryRow(ctx, `SELECT id FROM account WHERE email = ?`, email).Scan(&accountID); err != nil {
				return err
			}
			tok := access.NewAPIToken()
			if _, err := tx.Exec(ctx, `INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				store.NewID(), practiceID, accountID, "session record test", "clients:read clients:write", access.HashToken(tok), time.Now()); err != nil {
				return err
			}
			s.tokens[who] = tok
		}
		if _, err := tx.Exec(ctx, `UPDATE course SET status = 'stopped', stop_reason = 'test', stopped_on = ? WHERE client_id = ? AND status = 'active'`, now.UTC(), s.alex); err != nil {
			return err
		}
		plan := course.DefaultPlan(dosing.DefaultSettings().Course)
		plan.IndicationCode, plan.IndicationText, plan.Route, plan.PlannedSessions, plan.Doses = "F33.1", "Depression", dosing.RouteSublingualRDT, 1, []float64{200}
		c, _, err := course.Create(ctx, tx, practiceID, s.alex, "", plan, rx, now.Add(-2*time.Hour))
		if err != nil {
			return err
		}
		if _, err := course.Activate(ctx, tx, s.alex, c.ID, rx, now.Add(-2*time.Hour)); err != nil {
			return err
		}
		at := now.Add(-time.Hour)
		if c, _, err = course.RecordSession(ctx, tx, practiceID, s.alex, c.ID, 1, course.Book, &at, rx, now.Add(-2*time.Hour)); err != nil {
			return err
		}
		s.booking = c.Sessions[0].ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *srSite) do(t *testing.T, who, method, path, body string, want int) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.tokens[who])
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	if want >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s %s: error as %s", method, path, res.Header.Get("Content-Type"))
	}
	var out map[string]any
	json.Unmarshal(raw, &out)
	return out
}

// The API runs a session: start, checklist (a stale save 409), pre-dose vitals, a dose
// refused with its numbers and one given, the hold override refused to a therapist, a signature
// refused for its password and given with it, then the lock (409).
func TestSessionRecordAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSRSite(t, db)
		client := "/api/v1/clients/" + s.alex
		gate := s.do(t, "sam", http.MethodGet, client+"/course-sessions/"+s.booking+"/gate", "", http.StatusOK)
		if gate["allowed"] != true {
			t.Fatalf("gate: %v", gate)
		}
		rec := s.do(t, "sam", http.MethodPost, client+"/course-sessions/"+s.booking+"/record", "", http.StatusCreated)
		base := client + "/session-records/" + rec["id"].(string)
		now := time.Now().UTC()
		checklist := `{"base_version": 0, "checklist": {"identity_confirmed": true, "last_food_at": "` + now.Add(-5*time.Hour).Format(time.RFC3339) +
			`", "last_liquid_at": "` + now.Add(-2*time.Hour).Format(time.RFC3339) + `", "escort_present": true, "escort_name": "Jo Rivera",
			"escort_phone": "+1 555 0199", "no_driving_acknowledged": true, "substances_asked": true, "intention": "Rest."}}`
		s.do(t, "sam", http.MethodPut, base+"/checklist", checklist, http.StatusOK)
		stale := s.do(t, "rx", http.MethodPut, base+"/checklist", checklist, http.StatusConflict)
		if errs, _ := stale["errors"].(map[string]any); errs["version"] == nil {
			t.Errorf("stale checklist: %v", stale)
		}
		s.do(t, "sam", http.MethodPost, base+"/readings", `{"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 98}`, http.StatusCreated)
		bad := s.do(t, "sam", http.MethodPost, base+"/readings", `{"systolic": 1280}`, http.StatusUnprocessableEntity)
		if errs, _ := bad["errors"].(map[string]any); errs["systolic"] == nil {
			t.Errorf("bad reading: %v", bad)
		}
		s.do(t, "sam", http.MethodPost, base+"/hold-override", `{"reason": "x"}`, http.StatusForbidden)
		refused := s.do(t, "sam", http.MethodPost, base+"/doses", `{"product": "Ketamine RDT", "strength": "100 mg", "lot": "L1", "dose_mg": 250}`, http.StatusUnprocessableEntity)
		errs, _ := refused["errors"].(map[string]any)
		if msg, _ := errs["dose_mg"].(string); !strings.Contains(msg, "200 mg planned, 250 mg entered") || refused["dose"] == nil {
			t.Fatalf("dose refusal: %v", refused)
		}
		s.do(t, "sam", http.MethodPost, base+"/doses", `{"product": "Ketamine RDT", "strength": "100 mg", "lot": "L1", "dose_mg": 200}`, http.StatusCreated)
		discharge := s.do(t, "sam", http.MethodPost, base+"/discharge", `{"alert_and_oriented": true}`, http.StatusUnprocessableEntity)
		if discharge["discharge"] == nil {
			t.Errorf("discharge refusal without the checklist: %v", discharge)
		}
		got := s.do(t, "rx", http.MethodGet, base, "", http.StatusOK)
		if tl, _ := got["timeline"].([]any); len(tl) < 4 || got["next_reading"] == nil {
			t.Errorf("record: %v", got)
		}
		// Sign: a dose was given, so discharge comes first.
		s.do(t, "sam", http.MethodPost, base+"/sign", `{"password": "`+demo.Password+`"}`, http.StatusUnprocessableEntity)
		// Move the pre-dose reading and the dose back three hours to reach discharge.
		db.Write(context.Background(), func(tx *store.Tx) error {
			if _, err := tx.Exec(context.Background(), `UPDATE session_reading SET taken_at = ? WHERE record_id = ?`, now.Add(-3*time.Hour-5*time.Minute), rec["id"]); err != nil {
				return err
			}
			_, err := tx.Exec(context.Background(), `UPDATE session_dose SET given_at = ? WHERE record_id = ?`, now.Add(-3*time.Hour), rec["id"])
			return err
		})
		s.do(t, "sam", http.MethodPost, base+"/readings", `{"systolic": 126, "diastolic": 80, "heart_rate": 72, "spo2": 98, "respiratory_rate": 14}`, http.StatusCreated)
		s.do(t, "sam", http.MethodPost, base+"/discharge", `{"alert_and_oriented": true, "walking_steadily": true, "escort_present": true, "aftercare_given": true}`, http.StatusOK)
		wrong := s.do(t, "sam", http.MethodPost, base+"/sign", `{"password": "not it"}`, http.StatusUnprocessableEntity)
		if errs, _ := wrong["errors"].(map[string]any); errs["password"] == nil {
			t.Errorf("wrong password: %v", wrong)
		}
		sig := s.do(t, "sam", http.MethodPost, base+"/sign", `{"password": "`+demo.Password+`"}`, http.StatusOK)
		if h, _ := sig["sha256"].(string); len(h) != 64 {
			t.Fatalf("signature: %v", sig)
		}
		s.do(t, "sam", http.MethodPost, base+"/observations", `{"kind": "nausea", "severity": "mild"}`, http.StatusConflict)
		s.do(t, "sam", http.MethodPost, base+"/addenda", `{"password": "`+demo.Password+`", "text": "Called next morning: well."}`, http.StatusCreated)
		v := s.do(t, "rx", http.MethodGet, base+"/version", "", http.StatusOK)
		if n, _ := v["version"].(float64); n < 8 {
			t.Errorf("version %v", v)
		}
	})
}

// TestAnOpenSafetyAlertStopsTheSessionUntilAClinicianAcknowledgesIt:
// once found, an unacknowledged, escalated self-harm check-in alert did
// not stop the session from starting or the first dose. Now the record
// does not start while one is open (the gate names it), and once a
// clinician has acknowledged it with the action taken, it starts.
func TestAnOpenSafetyAlertStopsTheSessionUntilAClinicianAcknowledgesIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := newSRSite(t, db)
		ctx := context.Background()
		var alertID string
		if err := db.Write(ctx, func(tx *store.Tx) error {
			var practiceID string
			if err := tx.QueryRow(ctx, `SELECT practice_id FROM client WHERE id = ?`, s.alex).Scan(&practiceID); err != nil {
				return err
			}
			// Close the demo's own alerts so this one is the only open one.
			if _, err := tx.Exec(ctx, `UPDATE safety_alert SET state = 'closed' WHERE client_id = ?`, s.alex); err != nil {
				return err
			}
			var err error
			alertID, err = alert.Raise(ctx, tx, practiceID, s.alex, safety.Trigger{Source: safety.SourceCheckInSelfHarm, Instrument: safety.InstrumentCheckIn,
				Severity: safety.SeverityModerate, AnsweredAt: time.Now().Add(-3 * time.Hour), Message: "Answered yes to thoughts of harming themselves."}, time.Now().Add(-3*time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		client := "/api/v1/clients/" + s.alex
		gate := s.do(t, "sam", http.MethodGet, client+"/course-sessions/"+s.booking+"/gate", "", http.StatusOK)
		if gate["allowed"] != false || !strings.Contains(mustJSON(gate), "open_safety_alert") {
			t.Fatalf("the gate allows a start with an open safety alert: %v", gate)
		}
		refused := s.do(t, "sam", http.MethodPost, client+"/course-sessions/"+s.booking+"/record", "", http.StatusUnprocessableEntity)
		if !strings.Contains(mustJSON(refused), "safety alert") {
			t.Fatalf("the refusal does not name the open alert: %v", refused)
		}
		s.do(t, "sam", http.MethodPost, "/api/v1/alerts/"+alertID+"/acknowledge", `{"action": "contacted_client", "note": ""}`, http.StatusOK)
		s.do(t, "sam", http.MethodPost, client+"/course-sessions/"+s.booking+"/record", "", http.StatusCreated)
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
