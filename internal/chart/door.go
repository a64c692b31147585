// Package chart is the front door of a client's chart as the care team
// and the client read it: the client list, the chart page, the portal's
// home and who has seen the record. Each read composes several packages
// (clinic, readiness, course, prescribing, alert, measure …) in one
// transaction, under one access decision, so the page never sees a
// half-changed record.
package chart

import (
	"context"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/measure"
	"holdspace/internal/prescribing"
	"holdspace/internal/readiness"
	"holdspace/internal/safety"
	"holdspace/internal/schedule"
	"holdspace/internal/sessionrecord"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Door reads the chart.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// List is the client list: every client of the practice for an admin,
// the clients of one's own care teams for anyone else; query narrows it
// by name.
func (d *Door) List(ctx context.Context, a access.Actor, query string) ([]clinic.Client, error) {
	var clients []clinic.Client
	err := d.Access.Do(ctx, a, access.ClientList, access.Ref{Type: "client_list"}, func(tx *store.Tx, _ access.Decision) error {
		f := clinic.ClientFilter{PracticeID: a.PracticeID, Query: query, Now: d.now()}
		if !a.SeesEveryClient() {
			f.StaffID = a.StaffID
		}
		var err error
		clients, err = clinic.ListClients(ctx, tx, f)
		return err
	})
	return clients, err
}

// View is what the chart page shows.
type View struct {
	Client    clinic.Client
	Readiness dosing.ReadinessList
	Team      []clinic.CareTeamMember
	// Staff is the practice's staff, to add to the care team; only for
	// someone who may manage it.
	Staff     []clinic.StaffMember
	CanManage bool
	// BreakGlass: the chart is open through emergency access.
	BreakGlass bool
	Treatment  Treatment
}

// Treatment is the chart's short account of the medicine phase: the
// course under way, the medicine session of today or the next one (with
// its live record), and safety alerts still open.
type Treatment struct {
	Course *course.Course
	// Session is today's medicine session if there is one, else the next
	// booked one.
	Session *course.Session
	Today   bool
	Alerts  []alert.Alert
	// Orders are the current evaluation's structured orders, for the room; nil when the
	// prescriber set none.
	Orders *dosing.ClientConditions
}

// View reads a client's chart; zone is the practice's, in which "today"
// and a stalled course's words are told. A refusal is the *access.Denied
// of the decision, so that the face can offer emergency access.
func (d *Door) View(ctx context.Context, a access.Actor, clientID string, zone *time.Location) (View, error) {
	var v View
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "client", ID: clientID, ClientID: clientID}, func(tx *store.Tx, dec access.Decision) error {
		var err error
		if v.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if v.Team, err = clinic.CareTeam(ctx, tx, clientID); err != nil {
			return err
		}
		if v.Readiness, err = readiness.List(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if v.Treatment, err = d.treatment(ctx, tx, a.PracticeID, clientID, zone); err != nil {
			return err
		}
		v.BreakGlass = dec.ViaBreakGlass
		v.CanManage = access.Decide(a, access.CareTeamManage, access.Record{PracticeID: a.PracticeID}).Allow
		if v.CanManage {
			v.Staff, err = clinic.Staff(ctx, tx, a.PracticeID)
		}
		return err
	})
	return v, err
}

func (d *Door) treatment(ctx context.Context, tx *store.Tx, practiceID, clientID string, zone *time.Location) (Treatment, error) {
	var t Treatment
	if zone == nil {
		zone = time.UTC
	}
	// The course's words (a stall's reason) name times in the practice's zone.
	now := d.now().In(zone)
	ms, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return t, err
	}
	courses, err := course.List(ctx, tx, clientID, now, ms.Course)
	if err != nil {
		return t, err
	}
	if ev, err := prescribing.Current(ctx, tx, clientID); err != nil {
		return t, err
	} else if ev.Approved() && !ev.Orders.Empty() {
		t.Orders = &ev.Orders
	}
	for i := range courses {
		if c := &courses[i]; c.Status == dosing.CourseActive || (t.Course == nil && c.Status == dosing.CoursePlanned) {
			t.Course = c
		}
	}
	if t.Course != nil {
		today := now.In(zone).Format("2006-01-02")
		for i := range t.Course.Sessions {
			cs := &t.Course.Sessions[i]
			if cs.ScheduledAt == nil || cs.Status != dosing.SessionBooked {
				continue
			}
			if cs.ScheduledAt.In(zone).Format("2006-01-02") == today {
				t.Session, t.Today = cs, true
				break
			}
			if cs.ScheduledAt.After(now) && (t.Session == nil || cs.ScheduledAt.Before(*t.Session.ScheduledAt)) {
				t.Session = cs
			}
		}
	}
	list, err := alert.List(ctx, tx, practiceID, alert.Filter{ClientID: clientID, Since: now})
	for _, al := range list {
		if al.Open() {
			t.Alerts = append(t.Alerts, al)
		}
	}
	return t, err
}

// Disclosures is who has opened a client's record, in words.
type Disclosures struct {
	Client clinic.Client
	// List is every entry, newest first; Outside the ones that left the
	// practice (downloads, integrations), listed apart as well.
	List    []Says
	Outside []Says
	// Zone is the practice's, in which the times are shown.
	Zone *time.Location
}

// disclosuresShown is how many of the latest openings the list shows.
const disclosuresShown = 500

// Disclosures reads, for the care team, who has opened a client's record.
func (d *Door) Disclosures(ctx context.Context, a access.Actor, clientID string) (Disclosures, error) {
	var out Disclosures
	err := d.Access.Do(ctx, a, access.DisclosureRead, access.Ref{Type: "disclosures", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if out.Zone, err = access.PracticeZone(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		all, err := clinic.Disclosures(ctx, tx, a.PracticeID, clientID, disclosuresShown)
		// The name the client goes by: the page's heading gives the rest.
		name := out.Client.PreferredName
		if name == "" {
			name = out.Client.LegalName
		}
		out.add(all, name+"’s", name)
		return err
	})
	return out, err
}

// OwnDisclosures reads, for a client in the portal, who else has opened
// their record.
func (d *Door) OwnDisclosures(ctx context.Context, a access.Actor) (Disclosures, error) {
	var out Disclosures
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "disclosures", ID: a.ClientID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, a.ClientID); err != nil {
			return err
		}
		if out.Zone, err = access.PracticeZone(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		// The client sees who opened their record; their own visits are
		// left out to keep the list about others.
		all, err := clinic.Disclosures(ctx, tx, a.PracticeID, a.ClientID, disclosuresShown)
		var others []clinic.Disclosure
		for _, dc := range all {
			if dc.ActorKind != "client" && dc.Outcome == "allowed" {
				others = append(others, dc)
			}
		}
		out.add(others, "your", "you")
		return err
	})
	return out, err
}

func (out *Disclosures) add(list []clinic.Disclosure, whose, whom string) {
	for _, dc := range list {
		s := inWords(dc, whose, whom)
		if dc.ActorKind == "client" {
			// The client's own use of the portal, on the staff page.
			s = inWords(dc, "their own", "themselves")
		}
		out.List = append(out.List, s)
		if s.Outside {
			out.Outside = append(out.Outside, s)
		}
	}
}

// Portal is the portal's home.
type Portal struct {
	Client clinic.Client
	Team   []clinic.CareTeamMember
	Next   Next
}

// Next is what the portal's home puts first: what the client has to do
// or look forward to, so nobody has to search the menus for it.
type Next struct {
	Appointment    *schedule.Appointment
	Questionnaires int
	CheckIns       []alert.CheckIn
	Summary        *sessionrecord.Shared
	Crisis         safety.CrisisResources
}

// Portal reads the portal's home for the client signed in.
func (d *Door) Portal(ctx context.Context, a access.Actor) (Portal, error) {
	var out Portal
	now := d.now()
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "client", ID: a.ClientID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, a.ClientID); err != nil {
			return err
		}
		if out.Team, err = clinic.CareTeam(ctx, tx, a.ClientID); err != nil {
			return err
		}
		appts, err := schedule.List(ctx, tx, schedule.Filter{PracticeID: a.PracticeID, ClientID: a.ClientID, From: now})
		if err != nil {
			return err
		}
		for i := range appts {
			if appts[i].Status == schedule.Booked {
				out.Next.Appointment = &appts[i]
				break
			}
		}
		sched, err := measure.ClientSchedule(ctx, tx, a.PracticeID, a.ClientID, now)
		if err != nil {
			return err
		}
		out.Next.Questionnaires = len(measure.Outstanding(sched))
		checkIns, err := alert.CheckIns(ctx, tx, a.PracticeID, a.ClientID)
		if err != nil {
			return err
		}
		for _, ci := range checkIns {
			if ci.Open(now) {
				out.Next.CheckIns = append(out.Next.CheckIns, ci)
			}
		}
		shared, err := sessionrecord.SharedSummaries(ctx, tx, a.ClientID)
		if err != nil {
			return err
		}
		for i := range shared {
			if out.Next.Summary == nil || shared[i].SignedAt.After(out.Next.Summary.SignedAt) {
				out.Next.Summary = &shared[i]
			}
		}
		out.Next.Crisis, err = alert.Crisis(ctx, tx, a.PracticeID)
		return err
	})
	return out, err
}
