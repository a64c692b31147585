package safety

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// The escalation clock counts only business hours in the practice's zone
// (KAP.md §2 last line: a positive answer must reach a clinician; §1: the
// two weeks after ketamine are when suicidal thoughts can rise). 2025 US
// DST: spring forward Sunday 9 March 02:00, fall back Sunday 2 November
// 02:00 in America/New_York.

func openAlert(raised time.Time, sev Severity) Alert {
	return Alert{ID: "a1", ClientID: "c1", State: AlertRaised, RaisedAt: raised,
		Trigger: Trigger{Severity: sev, Message: "m"}}
}

func TestFirstEscalationCountsOnlyBusinessHours(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	cases := []struct {
		name   string
		raised string
		want   string // wall time in New York
		wantZ  string // the same instant in UTC, so a wall-clock slip shows
	}{
		{"weekday morning: one hour later", "2025-03-05 10:00", "2025-03-05 11:00", "2025-03-05T16:00:00Z"},
		{"an hour before closing ends exactly at closing", "2025-03-05 16:00", "2025-03-05 17:00", "2025-03-05T22:00:00Z"},
		{"raised at closing waits for the next opening", "2025-03-05 17:00", "2025-03-06 10:00", "2025-03-06T15:00:00Z"},
		{"evening: clock starts at 09:00 next day", "2025-03-04 20:00", "2025-03-05 10:00", "2025-03-05T15:00:00Z"},
		{"one minute before opening", "2025-03-05 08:59", "2025-03-05 10:00", "2025-03-05T15:00:00Z"},
		{"Friday 16:30 runs into Monday 09:30 (spring-forward weekend)", "2025-03-07 16:30", "2025-03-10 09:30", "2025-03-10T13:30:00Z"},
		{"Friday 16:30 runs into Monday 09:30 (fall-back weekend)", "2025-10-31 16:30", "2025-11-03 09:30", "2025-11-03T14:30:00Z"},
		{"Saturday noon waits for Monday", "2025-03-08 12:00", "2025-03-10 10:00", "2025-03-10T14:00:00Z"},
		{"Sunday during the spring-forward gap", "2025-03-09 03:30", "2025-03-10 10:00", "2025-03-10T14:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := openAlert(local(t, ny, c.raised), SeverityModerate)
			due, level, ok := NextEscalation(a, s, a.RaisedAt)
			if !ok || level != 1 {
				t.Fatalf("level %d ok %v, want level 1", level, ok)
			}
			if want := local(t, ny, c.want); !due.Equal(want) {
				t.Errorf("due %s, want %s", due.In(ny), want)
			}
			if !due.Equal(utc(t, c.wantZ)) {
				t.Errorf("due %s UTC, want %s", due.UTC(), c.wantZ)
			}
		})
	}
}

func TestEscalateAtTheWindowNotBefore(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	a := openAlert(local(t, ny, "2025-03-07 16:30"), SeverityModerate)
	cases := []struct {
		name      string
		now       string
		wantLevel int // 0: nothing happens
	}{
		{"one second before the window", "2025-03-10 09:29:59", 0},
		{"exactly at the window", "2025-03-10 09:30:00", 1},
		{"during the closed weekend", "2025-03-09 12:00:00", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, events := Escalate(a, s, local(t, ny, c.now))
			if c.wantLevel == 0 {
				if len(events) != 0 || got.Level != 0 || got.State != AlertRaised {
					t.Fatalf("escalated early: %+v %+v", got, events)
				}
				return
			}
			if len(events) != 1 {
				t.Fatalf("want one event, got %d", len(events))
			}
			e := events[0]
			if e.Kind != EventEscalated || e.Level != c.wantLevel || e.By != SystemActor ||
				got.Level != c.wantLevel || got.State != AlertEscalated || !got.EscalatedAt.Equal(e.At) {
				t.Fatalf("bad escalation: %+v %+v", got, e)
			}
			if want := []Audience{AudiencePrescriber, AudiencePracticeOwner}; !slices.Equal(e.Notify, want) {
				t.Errorf("level 1 notifies %v, want %v", e.Notify, want)
			}
		})
	}
}

func TestFurtherEscalationsRepeatInBusinessHours(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	// Raised Thursday 15:30: level 1 at 16:30; level 2 needs another open
	// hour, 30 minutes on Thursday and 30 on Friday morning.
	a := openAlert(local(t, ny, "2025-03-06 15:30"), SeverityModerate)
	steps := []struct {
		now    string
		level  int
		notify []Audience
	}{
		{"2025-03-06 16:30", 1, []Audience{AudiencePrescriber, AudiencePracticeOwner}},
		{"2025-03-07 09:30", 2, []Audience{AudiencePrescriber, AudiencePracticeOwner, AudienceCareTeam}},
		{"2025-03-07 10:30", 3, []Audience{AudiencePrescriber, AudiencePracticeOwner, AudienceCareTeam}},
	}
	for _, st := range steps {
		now := local(t, ny, st.now)
		if _, ev := Escalate(a, s, now.Add(-time.Second)); len(ev) != 0 {
			t.Fatalf("level %d fired a second early", st.level)
		}
		var ev []Event
		a, ev = Escalate(a, s, now)
		if len(ev) != 1 || ev[0].Level != st.level || !ev[0].Due.Equal(now) {
			t.Fatalf("at %s want level %d, got %+v", st.now, st.level, ev)
		}
		if !slices.Equal(ev[0].Notify, st.notify) {
			t.Errorf("level %d notifies %v, want %v", st.level, ev[0].Notify, st.notify)
		}
	}
}

func TestLateWorkerCatchesUpInOneEscalation(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	a := openAlert(local(t, ny, "2025-03-05 10:00"), SeverityModerate)
	now := local(t, ny, "2025-03-05 12:30")
	due, level, ok := NextEscalation(a, s, now)
	if !ok || level != 2 || !due.Equal(local(t, ny, "2025-03-05 12:00")) {
		t.Fatalf("got %s level %d ok %v, want 12:00 level 2", due.In(ny), level, ok)
	}
	a, ev := Escalate(a, s, now)
	if len(ev) != 1 || a.Level != 2 || !ev[0].At.Equal(now) || !ev[0].Due.Equal(due) {
		t.Fatalf("want one level-2 event, got %+v", ev)
	}
	due, level, _ = NextEscalation(a, s, now)
	if level != 3 || !due.Equal(local(t, ny, "2025-03-05 13:00")) {
		t.Errorf("next is %s level %d, want 13:00 level 3", due.In(ny), level)
	}
}

func TestHighSeverityWindowRunsRoundTheClock(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	// A document saved before the bounds existed may say 0, which used to
	// mean "keep business hours"; it is held to the bound instead.
	legacy := s
	legacy.HighSeverityWindowMinutes = 0
	cases := []struct {
		name     string
		s        EscalationSettings
		sev      Severity
		raisedZ  string
		wantZ    string
		wantNext string // level 2, UTC
	}{
		// Saturday 23:50 EST: 15 minutes later is Sunday 00:05, then hourly.
		{"high on a Saturday night", s, SeverityHigh, "2025-03-09T04:50:00Z", "2025-03-09T05:05:00Z", "2025-03-09T06:05:00Z"},
		// 01:50 EST + 15 min is 03:05 EDT: real minutes, not wall minutes.
		{"high across spring forward", s, SeverityHigh, "2025-03-09T06:50:00Z", "2025-03-09T07:05:00Z", "2025-03-09T08:05:00Z"},
		// 01:50 EDT + 15 min is 01:05 EST.
		{"high across fall back", s, SeverityHigh, "2025-11-02T05:50:00Z", "2025-11-02T06:05:00Z", "2025-11-02T07:05:00Z"},
		// Moderate alerts with no session before them keep business hours:
		// Saturday night → Monday 10:00 EDT.
		{"moderate on a Saturday night", s, SeverityModerate, "2025-03-09T04:50:00Z", "2025-03-10T14:00:00Z", "2025-03-10T15:00:00Z"},
		{"high with a stored 0 never waits for Monday", legacy, SeverityHigh, "2025-03-09T04:50:00Z", "2025-03-09T05:05:00Z", "2025-03-09T06:05:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := openAlert(utc(t, c.raisedZ), c.sev)
			due, level, _ := NextEscalation(a, c.s, a.RaisedAt)
			if level != 1 || !due.Equal(utc(t, c.wantZ)) {
				t.Fatalf("level 1 due %s, want %s", due.UTC(), c.wantZ)
			}
			a, ev := Escalate(a, c.s, due)
			if len(ev) != 1 {
				t.Fatal("did not escalate at the due time")
			}
			due, level, _ = NextEscalation(a, c.s, due)
			if level != 2 || !due.Equal(utc(t, c.wantNext)) {
				t.Errorf("level 2 due %s, want %s", due.UTC(), c.wantNext)
			}
		})
	}
}

// KAP.md §1: the risk lasts up to two weeks after a session. A moderate
// alert raised Friday 16:30 within 14 days of a session escalates at 17:30
// that evening to the on-call clinician; one day past the window it waits
// for Monday 09:30 and goes to the prescriber and owner as before.
func TestTheRiskWindowEscalatesOnTheClockToWhoeverIsOnCall(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	s.OnCall = OnCall{Clinician: "rx", Phone: "+15550100",
		Rota: []OnCallSlot{{Day: time.Saturday, From: TimeOfDay{0, 0}, Until: TimeOfDay{24, 0}, Clinician: "sam", Phone: "+15550101"}}}
	friday := local(t, ny, "2025-03-07 16:30")
	inside := openAlert(friday, SeverityModerate)
	inside.LastSessionAt = friday.Add(-13 * 24 * time.Hour)
	outside := openAlert(friday, SeverityModerate)
	outside.LastSessionAt = friday.Add(-15 * 24 * time.Hour)

	due, level, _ := NextEscalation(inside, s, friday)
	if want := local(t, ny, "2025-03-07 17:30"); level != 1 || !due.Equal(want) {
		t.Fatalf("in the window: level %d due %s, want level 1 at %s", level, due.In(ny), want.In(ny))
	}
	next, evs := Escalate(inside, s, due)
	if len(evs) != 1 || !slices.Equal(evs[0].Notify, []Audience{AudienceOnCall}) || evs[0].OnCall == nil || evs[0].OnCall.StaffID != "rx" {
		t.Fatalf("Friday 17:30 escalation %+v, want the named on-call clinician alone", evs)
	}
	// Saturday the rota says Sam; level 2 and on widen to the usual chain.
	sat := local(t, ny, "2025-03-08 02:00")
	_, evs = Escalate(next, s, sat)
	if len(evs) != 1 || evs[0].OnCall == nil || evs[0].OnCall.StaffID != "sam" || evs[0].OnCall.Phone != "+15550101" ||
		!slices.Equal(evs[0].Notify, []Audience{AudienceOnCall, AudiencePrescriber, AudiencePracticeOwner, AudienceCareTeam}) {
		t.Fatalf("Saturday 02:00 escalation %+v, want Sam from the rota and the level's audiences", evs)
	}

	due, _, _ = NextEscalation(outside, s, friday)
	if want := local(t, ny, "2025-03-10 09:30"); !due.Equal(want) {
		t.Errorf("past the window: due %s, want Monday 09:30", due.In(ny))
	}
	if _, evs := Escalate(outside, s, due); len(evs) != 1 || evs[0].OnCall != nil ||
		!slices.Equal(evs[0].Notify, []Audience{AudiencePrescriber, AudiencePracticeOwner}) {
		t.Errorf("a business-hours escalation %+v, want the prescriber and the owner", evs)
	}
	// On the clock in business hours, the usual chain too.
	tuesday := openAlert(local(t, ny, "2025-03-11 10:00"), SeverityHigh)
	if _, evs := Escalate(tuesday, s, local(t, ny, "2025-03-11 10:15")); len(evs) != 1 || evs[0].OnCall != nil {
		t.Errorf("an escalation in business hours went to the on-call clinician: %+v", evs)
	}
}

func TestOnCallMustCoverEveryClosedHour(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	var se *Error
	if err := s.Validate(); !errors.As(err, &se) || !strings.Contains(se.Message, "on-call clinician") {
		t.Fatalf("nobody on call: %v, want a refusal naming the on-call clinician", err)
	}
	// Weeknights and weekends by rota, but Sunday night left open.
	for d := time.Monday; d <= time.Friday; d++ {
		s.OnCall.Rota = append(s.OnCall.Rota, OnCallSlot{Day: d, From: TimeOfDay{0, 0}, Until: TimeOfDay{9, 0}, Clinician: "sam"},
			OnCallSlot{Day: d, From: TimeOfDay{17, 0}, Until: TimeOfDay{24, 0}, Clinician: "sam"})
	}
	s.OnCall.Rota = append(s.OnCall.Rota, OnCallSlot{Day: time.Saturday, From: TimeOfDay{0, 0}, Until: TimeOfDay{24, 0}, Clinician: "rx"},
		OnCallSlot{Day: time.Sunday, From: TimeOfDay{0, 0}, Until: TimeOfDay{20, 0}, Clinician: "rx"})
	err := s.Validate()
	if !errors.As(err, &se) || !strings.Contains(se.Message, "Sunday from 20:00 to 24:00") {
		t.Fatalf("a rota with a gap: %v, want the gap named", err)
	}
	s.OnCall.Rota[len(s.OnCall.Rota)-1].Until = TimeOfDay{24, 0}
	wantCode(t, s.Validate(), "")
	// Or one named clinician for every gap.
	s.OnCall = OnCall{Clinician: "rx"}
	wantCode(t, s.Validate(), "")
	s.OnCall.Rota = []OnCallSlot{{Day: time.Sunday, From: TimeOfDay{10, 0}, Until: TimeOfDay{9, 0}, Clinician: "sam"}}
	wantCode(t, s.Validate(), CodeInvalid)
}

func TestInRiskWindow(t *testing.T) {
	raised := time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		session time.Time
		want    bool
	}{
		{time.Time{}, false},
		{raised.Add(-14 * 24 * time.Hour), true},
		{raised.Add(-14*24*time.Hour - time.Minute), false},
		{raised.Add(-time.Hour), true},
		{raised.Add(time.Hour), false},
	} {
		if got := InRiskWindow(c.session, raised); got != c.want {
			t.Errorf("session %s: %v, want %v", c.session, got, c.want)
		}
	}
}

func TestNoEscalationOnceAcknowledged(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	a := openAlert(local(t, ny, "2025-03-05 10:00"), SeverityHigh)
	now := local(t, ny, "2025-03-05 10:10")
	acked, _, err := Acknowledge(a, Acknowledgement{By: "u1", Role: RolePrescriber, Action: ActionContactedClient, At: now})
	wantCode(t, err, "")
	closed, _, err := Close(acked, Closure{By: "u1", Role: RolePrescriber, At: now})
	wantCode(t, err, "")
	for _, x := range []Alert{acked, closed} {
		if _, _, ok := NextEscalation(x, s, now.Add(48*time.Hour)); ok {
			t.Errorf("%s alert still has an escalation", x.State)
		}
		if _, ev := Escalate(x, s, now.Add(48*time.Hour)); len(ev) != 0 {
			t.Errorf("%s alert escalated", x.State)
		}
	}
}

func TestBusinessHoursAcrossDSTWhenOpenAtWeekends(t *testing.T) {
	ny := newYork(t)
	everyDay := BusinessHours{Zone: ny}
	allDay := BusinessHours{Zone: ny}
	for d := time.Sunday; d <= time.Saturday; d++ {
		everyDay.Open = append(everyDay.Open, OpenHours{Day: d, Opens: TimeOfDay{9, 0}, Closes: TimeOfDay{17, 0}})
		allDay.Open = append(allDay.Open, OpenHours{Day: d, Opens: TimeOfDay{0, 0}, Closes: TimeOfDay{24, 0}})
	}
	cases := []struct {
		name  string
		hours BusinessHours
		start string // UTC
		add   time.Duration
		wantZ string
	}{
		// Saturday 16:30 EST + 1 h → Sunday 09:30 EDT.
		{"open daily, spring forward overnight", everyDay, "2025-03-08T21:30:00Z", time.Hour, "2025-03-09T13:30:00Z"},
		// Saturday 16:30 EDT + 1 h → Sunday 09:30 EST.
		{"open daily, fall back overnight", everyDay, "2025-11-01T20:30:00Z", time.Hour, "2025-11-02T14:30:00Z"},
		// Sunday 01:30 EST + 1 h of real time is 03:30 EDT.
		{"open round the clock, spring-forward hour", allDay, "2025-03-09T06:30:00Z", time.Hour, "2025-03-09T07:30:00Z"},
		// Sunday 00:30 EDT + 2 h of real time is 01:30 EST.
		{"open round the clock, fall-back hour", allDay, "2025-11-02T04:30:00Z", 2 * time.Hour, "2025-11-02T06:30:00Z"},
		// Spring-forward Sunday has 23 hours, so 48 real hours from
		// Saturday midnight EST end Monday 01:00 EDT, not at midnight.
		{"open round the clock, whole short day", allDay, "2025-03-08T05:00:00Z", 48 * time.Hour, "2025-03-10T05:00:00Z"},
		// 1 h + 8 h + 1 h: Friday 16:00 → Monday 09:00 → Tuesday 10:00.
		{"weekdays, ten open hours over a weekend", DefaultBusinessHours(ny), "2025-03-07T21:00:00Z", 10 * time.Hour, "2025-03-11T14:00:00Z"},
		{"no open hours: wall time so nothing stalls", BusinessHours{Zone: ny}, "2025-03-08T21:30:00Z", time.Hour, "2025-03-08T22:30:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.hours.AddOpenTime(utc(t, c.start), c.add)
			if !got.Equal(utc(t, c.wantZ)) {
				t.Errorf("got %s (%s), want %s", got.UTC(), got.In(ny), c.wantZ)
			}
		})
	}
}

func TestIsOpenAtTheEdges(t *testing.T) {
	ny := newYork(t)
	b := DefaultBusinessHours(ny)
	cases := []struct {
		at   string
		want bool
	}{
		{"2025-03-05 08:59:59", false},
		{"2025-03-05 09:00:00", true},
		{"2025-03-05 16:59:59", true},
		{"2025-03-05 17:00:00", false},
		{"2025-03-08 12:00:00", false}, // Saturday
		{"2025-03-10 09:00:00", true},  // first Monday after spring forward
	}
	for _, c := range cases {
		if got := b.IsOpen(local(t, ny, c.at)); got != c.want {
			t.Errorf("IsOpen(%s) = %v, want %v", c.at, got, c.want)
		}
	}
}

func TestLunchBreakSpansAreSkipped(t *testing.T) {
	ny := newYork(t)
	b := BusinessHours{Zone: ny, Open: []OpenHours{
		{Day: time.Wednesday, Opens: TimeOfDay{13, 0}, Closes: TimeOfDay{17, 0}},
		{Day: time.Wednesday, Opens: TimeOfDay{9, 0}, Closes: TimeOfDay{12, 0}},
	}}
	got := b.AddOpenTime(local(t, ny, "2025-03-05 11:30"), time.Hour)
	if want := local(t, ny, "2025-03-05 13:30"); !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(ny), want)
	}
}

func TestEscalationSettingsValidate(t *testing.T) {
	ny := newYork(t)
	ok := DefaultEscalationSettings(ny)
	ok.OnCall = OnCall{Clinician: "rx"}
	cases := []struct {
		name   string
		change func(*EscalationSettings)
		want   Code
	}{
		{"defaults", func(*EscalationSettings) {}, ""},
		{"no zone", func(s *EscalationSettings) { s.Hours.Zone = nil }, CodeInvalid},
		{"no hours", func(s *EscalationSettings) { s.Hours.Open = nil }, CodeInvalid},
		{"closes before opens", func(s *EscalationSettings) { s.Hours.Open[0].Closes = TimeOfDay{8, 0} }, CodeInvalid},
		{"closes at opening", func(s *EscalationSettings) { s.Hours.Open[0].Closes = TimeOfDay{9, 0} }, CodeInvalid},
		{"24:30", func(s *EscalationSettings) { s.Hours.Open[0].Closes = TimeOfDay{24, 30} }, CodeInvalid},
		{"24:00 is the end of the day", func(s *EscalationSettings) { s.Hours.Open[0].Closes = TimeOfDay{24, 0} }, ""},
		{"weekday 7", func(s *EscalationSettings) { s.Hours.Open[0].Day = 7 }, CodeInvalid},
		{"zero ack window", func(s *EscalationSettings) { s.AckWindowMinutes = 0 }, CodeInvalid},
		{"one-minute ack window", func(s *EscalationSettings) { s.AckWindowMinutes = 1 }, ""},
		{"zero repeat", func(s *EscalationSettings) { s.RepeatMinutes = 0 }, CodeInvalid},
		{"high-severity window off", func(s *EscalationSettings) { s.HighSeverityWindowMinutes = 0 }, CodeInvalid},
		{"negative high-severity window", func(s *EscalationSettings) { s.HighSeverityWindowMinutes = -1 }, CodeInvalid},
		{"high severity waits more than a quarter hour", func(s *EscalationSettings) { s.HighSeverityWindowMinutes = 16 }, CodeInvalid},
		{"high severity at the bound", func(s *EscalationSettings) { s.HighSeverityWindowMinutes = 15 }, ""},
		{"an ack window of a day", func(s *EscalationSettings) { s.AckWindowMinutes = 24 * 60 }, CodeInvalid},
		{"nobody on call", func(s *EscalationSettings) { s.OnCall = OnCall{} }, CodeInvalid},
		{"nobody told at raise", func(s *EscalationSettings) { s.RaiseTo = nil }, CodeInvalid},
		{"no levels", func(s *EscalationSettings) { s.Levels = nil }, CodeInvalid},
		{"an empty level", func(s *EscalationSettings) { s.Levels = append(s.Levels, nil) }, CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := ok
			s.Hours.Open = slices.Clone(ok.Hours.Open)
			s.Levels = slices.Clone(ok.Levels)
			c.change(&s)
			wantCode(t, s.Validate(), c.want)
		})
	}
}

func TestBrokenSettingsStillEscalate(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	s.AckWindowMinutes, s.RepeatMinutes = 0, -5
	a := openAlert(local(t, ny, "2025-03-05 10:00"), SeverityModerate)
	due, level, ok := NextEscalation(a, s, local(t, ny, "2025-03-05 13:30"))
	if !ok || level != 3 || !due.Equal(local(t, ny, "2025-03-05 13:00")) {
		t.Errorf("got %s level %d; broken windows should fall back to one hour", due.In(ny), level)
	}
}

func TestEmptyAudiencesFallBackSoSomeoneHears(t *testing.T) {
	ny := newYork(t)
	s := DefaultEscalationSettings(ny)
	s.RaiseTo, s.Levels = nil, [][]Audience{{AudiencePracticeOwner}, {}}
	_, ev := Raise("a1", "c1", Trigger{Severity: SeverityModerate}, local(t, ny, "2025-03-05 10:00"), s)
	if !slices.Equal(ev.Notify, []Audience{AudienceCareTeam}) {
		t.Errorf("raised event notifies %v", ev.Notify)
	}
	cases := []struct {
		level int
		want  []Audience
	}{
		{1, []Audience{AudiencePracticeOwner}},
		{2, []Audience{AudiencePrescriber, AudiencePracticeOwner, AudienceCareTeam}},
		{5, []Audience{AudiencePrescriber, AudiencePracticeOwner, AudienceCareTeam}},
	}
	for _, c := range cases {
		if got := s.RecipientsFor(c.level); !slices.Equal(got, c.want) {
			t.Errorf("level %d: %v, want %v", c.level, got, c.want)
		}
	}
	s.Levels = nil
	if got := s.RecipientsFor(1); !slices.Equal(got, []Audience{AudiencePrescriber, AudiencePracticeOwner}) {
		t.Errorf("no levels: %v", got)
	}
}
