package alert_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/fault"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// doorFixture is the fixture's practice with a door on a fixed clock and
// one open alert about its client.
type doorFixture struct {
	fixture
	door  *alert.Door
	alert string
	now   time.Time
}

func newDoorFixture(t *testing.T, db *store.DB) doorFixture {
	t.Helper()
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	f := doorFixture{fixture: newFixture(t, db, "America/New_York", now), now: now}
	clock := func() time.Time { return f.now }
	f.door = &alert.Door{Access: &access.Service{DB: db, Now: clock}, Now: clock, BaseURL: "https://clinic.example/"}
	f.alert = raise(t, f.fixture, checkInTrigger(t, now), now)
	return f
}

func (f doorFixture) staff(id string, roles ...access.Role) access.Actor {
	return access.Actor{Kind: access.StaffActor, StaffID: id, PracticeID: f.practice, Roles: roles}
}

// trail counts the audit entries of action with outcome.
func trail(t *testing.T, db *store.DB, action access.Action, outcome string) int {
	t.Helper()
	return count(t, db, `SELECT COUNT(*) FROM audit_event WHERE action = ? AND outcome = ?`, string(action), outcome)
}

func fields(err error) map[string]string {
	f := fault.Of(err)
	if f == nil {
		return nil
	}
	return f.FieldMap()
}

// A clinician on the care team acknowledges an alert through the door;
// the step and the access are on record, and the alert reads as
// acknowledged by them.
func TestDoorAcknowledgeRecordsTheStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDoorFixture(t, db)
		theo := f.staff(f.therapist, access.Therapist)
		al, err := f.door.Acknowledge(ctx, theo, f.alert, alert.Acknowledgement{Action: safety.ActionContactedClient, Note: "Called her."}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if al.State != safety.AlertAcknowledged || al.Acknowledgement == nil || al.Acknowledgement.By != f.therapist {
			t.Fatalf("alert after acknowledging: %+v", al.Alert)
		}
		if n := trail(t, db, access.SafetyAlertAcknowledge, "allowed"); n != 1 {
			t.Errorf("allowed acknowledgements on the trail = %d, want 1", n)
		}
		v, err := f.door.Alert(ctx, theo, f.alert)
		if err != nil {
			t.Fatal(err)
		}
		if v.Alert.AckName != "Theo Therapist" || !v.MayAcknowledge {
			t.Errorf("alert view: acknowledged by %q, may acknowledge %v", v.Alert.AckName, v.MayAcknowledge)
		}
		if _, err := f.door.Close(ctx, theo, f.alert, "Safe, seen today.", nil); err != nil {
			t.Fatalf("close: %v", err)
		}
	})
}

// A therapist off the client's care team is refused, the refusal is on
// the trail as denied, and the alert stays open; the body they sent is not
// looked at.
func TestDoorAcknowledgeRefusesOffTheCareTeam(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDoorFixture(t, db)
		otto := f.staff(f.outsider, access.Therapist)
		unread := fault.InvalidField("note", "The body could not be read.")
		_, err := f.door.Acknowledge(ctx, otto, f.alert, alert.Acknowledgement{Action: safety.ActionContactedClient}, unread)
		var denied *access.Denied
		if !errors.As(err, &denied) {
			t.Fatalf("err = %v, want a denial before the body is read", err)
		}
		if denied.Record.ClientID != f.client {
			t.Errorf("denial names client %q, want %q", denied.Record.ClientID, f.client)
		}
		if n := trail(t, db, access.SafetyAlertAcknowledge, "denied"); n != 1 {
			t.Errorf("denied acknowledgements on the trail = %d, want 1", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert WHERE id = ? AND state IN ('raised', 'escalated')`, f.alert); n != 1 {
			t.Error("the alert was changed by a refused acknowledgement")
		}
		if _, err := f.door.Alert(ctx, otto, f.alert); !errors.As(err, &denied) {
			t.Errorf("reading the alert off the care team: %v, want a denial", err)
		}
		if _, err := f.door.Alert(ctx, otto, "no-such-alert"); !errors.Is(err, alert.ErrNotFound) {
			t.Errorf("reading an alert that does not exist: %v, want ErrNotFound", err)
		}
	})
}

// What the rules refuse names the input's field: the action, the note an
// "other" action needs, the note of a closure; a body the face could not
// read is refused once access is decided, and nothing changes.
func TestDoorAlertStepRefusalsNameTheirField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDoorFixture(t, db)
		theo := f.staff(f.therapist, access.Therapist)
		for _, c := range []struct {
			in    alert.Acknowledgement
			field string
		}{
			{alert.Acknowledgement{}, "action"},
			{alert.Acknowledgement{Action: safety.ActionOther}, "note"},
		} {
			_, err := f.door.Acknowledge(ctx, theo, f.alert, c.in, nil)
			if fault.Of(err) == nil || fault.Of(err).Code != fault.Invalid || fields(err)[c.field] == "" {
				t.Errorf("acknowledging with %+v: %v (fields %v), want invalid beside %q", c.in, err, fields(err), c.field)
			}
			var se *safety.Error
			if !errors.As(err, &se) {
				t.Errorf("acknowledging with %+v: the rule's own refusal is lost from %v", c.in, err)
			}
		}
		unread := fault.InvalidField("action", "The body could not be read.")
		if _, err := f.door.Acknowledge(ctx, theo, f.alert, alert.Acknowledgement{}, unread); !errors.Is(err, unread) {
			t.Errorf("unread body: %v, want it refused as read", err)
		}
		_, err := f.door.Close(ctx, theo, f.alert, "done", nil)
		if fault.Of(err) == nil || fault.Of(err).Code == fault.Invalid && fields(err)["note"] == "" {
			t.Errorf("closing an alert nobody acknowledged: %v (fields %v)", err, fields(err))
		}
		if n := count(t, db, `SELECT COUNT(*) FROM safety_alert_event WHERE alert_id = ? AND kind IN ('acknowledged', 'closed')`, f.alert); n != 0 {
			t.Errorf("refused steps recorded %d events", n)
		}
		if n := trail(t, db, access.SafetyAlertAcknowledge, "allowed"); n != 0 {
			t.Errorf("refused steps left %d allowed entries on the trail", n)
		}
	})
}

// The banner is a read: it lists the care team's open alert and writes
// nothing, not even to the trail.
func TestDoorBannerIsARead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDoorFixture(t, db)
		before := count(t, db, `SELECT COUNT(*) FROM audit_event`)
		items, err := f.door.Banner(ctx, f.staff(f.rx, access.Prescriber))
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].ID != f.alert || items[0].ClientName != "Maya" {
			t.Fatalf("banner = %+v, want the one open alert about Maya", items)
		}
		if items, _ := f.door.Banner(ctx, f.staff(f.outsider, access.Therapist)); len(items) != 0 {
			t.Errorf("banner off the care team = %+v, want none", items)
		}
		if items, _ := f.door.Banner(ctx, access.Actor{Kind: access.ClientActor, ClientID: f.client, PracticeID: f.practice}); items != nil {
			t.Errorf("banner for a client = %+v, want none", items)
		}
		if after := count(t, db, `SELECT COUNT(*) FROM audit_event`); after != before {
			t.Errorf("the banner wrote %d audit entries", after-before)
		}
	})
}

// The list shows the care team's alerts to its clinicians and every alert
// to the owner; the API's list (no Escalated) is the same for them.
func TestDoorListIsTheCareTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDoorFixture(t, db)
		for _, c := range []struct {
			who  access.Actor
			want int
		}{
			{f.staff(f.rx, access.Prescriber), 1},
			{f.staff(f.outsider, access.Therapist), 0},
			{f.staff(f.owner, access.Owner), 1},
		} {
			l, err := f.door.List(ctx, c.who, alert.ListQuery{Limit: 200, Escalated: true, Missed: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Open) != c.want || len(l.Recent) != 0 {
				t.Errorf("%s sees %d open, %d recent; want %d open", c.who.StaffID, len(l.Open), len(l.Recent), c.want)
			}
		}
	})
}

// A safety plan is saved with the care team and read back as the latest
// version; an empty one is refused beside "plan", and nothing is stored.
// Someone off the care team is refused and it is on the trail.
func TestDoorSavePlan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDoorFixture(t, db)
		theo := f.staff(f.therapist, access.Therapist)
		_, err := f.door.SavePlan(ctx, theo, f.client, safety.SafetyPlan{}, nil)
		if fault.Of(err) == nil || fault.Of(err).Code != fault.Invalid || fields(err)["plan"] == "" {
			t.Fatalf("empty plan: %v (fields %v), want invalid beside plan", err, fields(err))
		}
		p, err := f.door.Plans(ctx, theo, f.client)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.History) != 0 || p.Latest().Version != 0 || p.Latest().ClientID != f.client || !p.MayWrite {
			t.Fatalf("no plan yet: history %d, latest %+v, may write %v", len(p.History), p.Latest(), p.MayWrite)
		}
		plan := safety.SafetyPlan{WarningSigns: []safety.PlanEntry{{Text: "Not sleeping"}}, InternalCoping: []safety.PlanEntry{{Text: "Walk"}},
			PeopleToAsk: []safety.PlanEntry{{Text: "Sam", Phone: "555-0100"}}, Professionals: []safety.PlanEntry{{Text: "988 Lifeline", Phone: "988"}}}
		v, err := f.door.SavePlan(ctx, theo, f.client, plan, nil)
		if err != nil || v.Version != 1 || v.AuthorName != "Theo Therapist" {
			t.Fatalf("save: %+v %v", v, err)
		}
		if p, _ = f.door.Plans(ctx, theo, f.client); p.Latest().Version != 1 {
			t.Errorf("latest after saving = version %d, want 1", p.Latest().Version)
		}
		var denied *access.Denied
		if _, err := f.door.SavePlan(ctx, f.staff(f.outsider, access.Therapist), f.client, plan, nil); !errors.As(err, &denied) {
			t.Errorf("saving off the care team: %v, want a denial", err)
		}
		if n := trail(t, db, access.SafetyPlanWrite, "denied"); n != 1 {
			t.Errorf("denied plan saves on the trail = %d, want 1", n)
		}
		client := access.Actor{Kind: access.ClientActor, ClientID: f.client, PracticeID: f.practice}
		mine, err := f.door.MyPlan(ctx, client)
		if err != nil || mine.Plan == nil || mine.Plan.Version != 1 || mine.Crisis.Practice != "Riverside KAP" {
			t.Errorf("the client's own plan: %+v %v", mine, err)
		}
	})
}

// The settings are refused field by field: what the face could not read
// first, then what the rules refuse, each beside its field, and nothing is
// saved; an on-call clinician who cannot acknowledge is refused beside the
// rota line. Only the owner and administrators may change them.
func TestDoorSaveSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newDoorFixture(t, db)
		owner := f.staff(f.owner, access.Owner)
		v, err := f.door.Settings(ctx, owner)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Clinicians) != 3 {
			t.Errorf("clinicians who may be on call = %+v, want the prescriber and both therapists", v.Clinicians)
		}
		e, k := v.Settings.Escalation, v.Settings.CheckIns
		good := alert.SettingsChange{AckWindowMinutes: e.AckWindowMinutes, RepeatMinutes: e.RepeatMinutes, HighSeverityWindowMinutes: e.HighSeverityWindowMinutes,
			Hours: e.Hours.Open, DaysAfter: k.DaysAfter, GraceMinutes: k.GraceMinutes, Crisis: v.Settings.Crisis,
			OnCall: safety.OnCall{Clinician: f.rx}, Contact: "(555) 010-0200"}

		bad := good
		bad.AckWindowMinutes = 0
		unread := &fault.Error{Code: fault.Invalid, Fields: []fault.Field{{Name: "grace_hours", Message: "Give the grace period in hours."}}}
		err = f.door.SaveSettings(ctx, owner, bad, unread)
		fl := fault.Of(err)
		if fl == nil || fl.Code != fault.Invalid || len(fl.Fields) != 2 || fl.Fields[0].Name != "grace_hours" || fl.Fields[1].Name != "ack_window_minutes" {
			t.Fatalf("refused settings: %v, fields %+v; want grace_hours then ack_window_minutes", err, fl)
		}

		rota := good
		rota.OnCall = safety.OnCall{Clinician: f.rx, Rota: []safety.OnCallSlot{{Day: time.Saturday, From: safety.TimeOfDay{}, Until: safety.TimeOfDay{Hour: 24}, Clinician: f.owner}}}
		if err := f.door.SaveSettings(ctx, owner, rota, nil); fields(err)["rota.0.clinician"] == "" {
			t.Errorf("the owner on the rota: %v (fields %v), want a refusal beside rota.0.clinician", err, fields(err))
		}
		if n := count(t, db, `SELECT COUNT(*) FROM practice_setting WHERE practice_id = ? AND area = 'safety'`, f.practice); n != 0 {
			t.Fatalf("refused settings were stored (%d rows)", n)
		}

		var denied *access.Denied
		if err := f.door.SaveSettings(ctx, f.staff(f.therapist, access.Therapist), good, nil); !errors.As(err, &denied) {
			t.Errorf("a therapist saving the settings: %v, want a denial", err)
		}
		if n := trail(t, db, access.SettingsManage, "denied"); n != 1 {
			t.Errorf("denied settings saves on the trail = %d, want 1", n)
		}

		if err := f.door.SaveSettings(ctx, owner, good, nil); err != nil {
			t.Fatal(err)
		}
		if v, _ = f.door.Settings(ctx, owner); v.Settings.Escalation.OnCall.Clinician != f.rx || v.Settings.Contact != "(555) 010-0200" {
			t.Errorf("saved settings read back as %+v", v.Settings)
		}
		client := access.Actor{Kind: access.ClientActor, ClientID: f.client, PracticeID: f.practice}
		if c, err := f.door.Crisis(ctx, client); err != nil || c.Contact != "(555) 010-0200" || c.Practice != "Riverside KAP" {
			t.Errorf("crisis page after saving: %+v %v", c, err)
		}
	})
}
