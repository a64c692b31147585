package demo

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/inquiry"
	"holdspace/internal/notify"
	"holdspace/internal/reminder"
	"holdspace/internal/safety"
)

// step is one moment of the story: what someone did, and when.
type step struct {
	at time.Time
	do func() error
}

// timeline gathers the steps of the story in any order and tells them in
// the order they happened; steps of one moment keep the order they were
// added in, so a step may follow another it needs at the same minute.
type timeline []step

func (t *timeline) at(when time.Time, do func() error) { *t = append(*t, step{when, do}) }

func (t timeline) run(c *clock) error {
	sort.SliceStable(t, func(i, j int) bool { return t[i].at.Before(t[j].at) })
	for _, s := range t {
		if err := c.Set(s.at); err != nil {
			return err
		}
		if err := s.do(); err != nil {
			return fmt.Errorf("at %s: %w", s.at.UTC().Format(time.RFC3339), err)
		}
	}
	return nil
}

// postbox is the mail server of the demo: it takes every email the
// practice sends, so the outbox shows each as delivered when it was, and
// nobody receives anything. It keeps the invitation links, for the demo's
// clients to follow as a client does.
type postbox struct {
	invited map[string]string // email address → the latest invitation link
}

var inviteLink = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `invite/(\S+)`)

func (p *postbox) Send(_ context.Context, _ string, m notify.Message) error {
	if l := inviteLink.FindStringSubmatch(m.Text); l != nil {
		p.invited[m.To] = l[1]
	}
	return nil
}

// deliver runs the practice's mail delivery at the story's present.
func (w *world) deliver() error {
	wk := &notify.Worker{DB: w.db, Sender: w.post, From: "Stillwater Ketamine Therapy <hello@stillwater.example>", Keys: w.keys,
		Log: slog.New(slog.DiscardHandler), Now: w.clock.Now}
	_, failed, err := wk.DrainOnce(w.ctx)
	if err == nil && failed > 0 {
		err = fmt.Errorf("demo mail: %d emails not delivered", failed)
	}
	return err
}

// zone is the practice's time zone, in which its days are told.
func (w *world) zone() *time.Location {
	z, err := time.LoadLocation("America/New_York")
	if err != nil {
		return time.UTC
	}
	return z
}

// day is the practice's day days from now (negative: past) at hour:minute.
func (w *world) day(days, hour, minute int) time.Time {
	d := w.now.In(w.zone()).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, w.zone())
}

// open opens the practice a year ago: the practice itself, its owner, the
// access settings, the rest of the staff with their accounts.
func (w *world) open() error {
	ctx, acc := w.ctx, w.doors.Access
	pid, err := access.CreatePractice(ctx, w.db, "Stillwater Ketamine Therapy", PracticeSlug, "America/New_York", w.clock.Now())
	if err != nil {
		return fmt.Errorf("demo practice: %w", err)
	}
	w.practiceID = pid
	for _, s := range staff {
		in := access.StaffInput{Name: s.name, Email: s.email, Credentials: s.credentials, Licence: s.licence, NPI: s.npi, DEA: s.dea}
		for _, r := range s.roles {
			in.Roles = append(in.Roles, access.Role(r))
		}
		id, _, err := acc.AddStaffBySystem(ctx, pid, in, Password)
		if err != nil {
			return fmt.Errorf("demo staff %s: %w", s.name, err)
		}
		w.staff[s.key] = id
		if w.as[s.key], err = acc.StaffActorByEmail(ctx, pid, s.email); err != nil {
			return err
		}
		if s.key == "owner" {
			// Staff MFA is off in the demo so that anyone can look
			// around; the owner has an authenticator to show the second
			// step. A real practice keeps the default (required).
			set, err := acc.LoadSettings(ctx, w.as["owner"])
			if err != nil {
				return err
			}
			set.StaffMFARequired = false
			if err := acc.SaveSettings(ctx, w.as["owner"], set); err != nil {
				return fmt.Errorf("demo access settings: %w", err)
			}
			if err := acc.SetTOTPBySystem(ctx, w.as["owner"].AccountID, OwnerTOTPKey); err != nil {
				return err
			}
		}
		if err := w.clock.Advance(10 * time.Minute); err != nil {
			return err
		}
	}
	return w.settle()
}

// settle is the owner's first afternoon at the settings: the practice's
// phone and address for the reminder emails, how clients reach it beside
// the crisis lines, who is on call when it is closed, and the calendar's
// rooms and hours.
func (w *world) settle() error {
	ctx, owner := w.ctx, w.as["owner"]
	if err := w.calendar(); err != nil {
		return err
	}
	rs := reminder.DefaultSettings()
	rs.Phone = "+1 555 0100"
	rs.Place = "Stillwater Ketamine Therapy, 18 Wall Street, 2nd floor, Kingston, NY"
	if _, err := w.doors.Reminders.SaveReminders(ctx, owner, rs); err != nil {
		return fmt.Errorf("demo reminders: %w", err)
	}
	v, err := w.doors.Safety.Settings(ctx, owner)
	if err != nil {
		return err
	}
	st, e := v.Settings, v.Settings.Escalation
	in := alert.SettingsChange{AckWindowMinutes: e.AckWindowMinutes, RepeatMinutes: e.RepeatMinutes, HighSeverityWindowMinutes: e.HighSeverityWindowMinutes,
		Hours: e.Hours.Open, DaysAfter: st.CheckIns.DaysAfter, GraceMinutes: st.CheckIns.GraceMinutes, SelfHarmSeverity: st.CheckIns.SelfHarmSeverity,
		Crisis: st.Crisis, Gateway: st.Gateway}
	in.Contact = "call +1 555 0100, weekdays 9am to 5pm"
	// The demo doses at weekends too, so someone is on call whenever the
	// practice is closed; no gateway is set, so they hear by email.
	in.OnCall = safety.OnCall{Clinician: w.staff["rx"], Phone: "+1 555 010 0120"}
	for _, d := range []time.Weekday{time.Saturday, time.Sunday} {
		in.OnCall.Rota = append(in.OnCall.Rota, safety.OnCallSlot{Day: d, From: safety.TimeOfDay{Hour: 0},
			Until: safety.TimeOfDay{Hour: 24}, Clinician: w.staff["sam"], Phone: "+1 555 010 0121"})
	}
	if err := w.doors.Safety.SaveSettings(ctx, owner, in, nil); err != nil {
		return fmt.Errorf("demo safety settings: %w", err)
	}
	return nil
}

// newcomer is a client as the practice first hears of them.
type newcomer struct {
	key, legal, preferred, pronouns, dob, email, phone string
	team                                               []string
	wrote, joined                                      time.Time
	message                                            string
	// reply is what the therapist wrote back before the first meeting,
	// if they wrote.
	reply *inquiry.ReplyInput
}

// arrivals are the clients coming to the practice: each writes through
// the public inquiry form; their therapist-to-be takes them on from the
// queue, which makes the client, the care team's therapist and
// prescriber, and the portal invitation; the owner adds the monitoring
// nurse to the care team, the therapist notes the pronouns on the chart;
// that evening the client follows the invitation and chooses a password.
func (w *world) arrivals(t *timeline) {
	var list []newcomer
	for _, c := range clients {
		n := newcomer{key: c.key, legal: c.legal, preferred: c.preferred, pronouns: c.pronouns, dob: c.dob, email: c.email, phone: c.phone,
			team: c.team, wrote: w.day(-c.wrote, 19, 30), joined: w.day(-c.joined, 11, 0), message: c.message}
		if c.key == "maya" {
			n.reply = &inquiry.ReplyInput{Subject: "Your message to Stillwater",
				Message: "Dear Maya,\n\nThank you for reaching out. I would be glad to meet you for a first conversation. Could you come in on Monday at 11 am?"}
		}
		list = append(list, n)
	}
	for _, pc := range pastCourses {
		// Each came a month before their course was planned.
		joined := -pc.startedDaysAgo - 1 - 30
		msg := "I've lived with depression for years and the usual treatments haven't been enough. My psychiatrist suggested I ask about ketamine-assisted therapy."
		if pc.indication[0] == "F43.10" {
			msg = "I live with PTSD and my therapist thinks ketamine-assisted therapy could help me work through it. Could we talk?"
		}
		list = append(list, newcomer{key: pc.email, legal: pc.legal, preferred: pc.preferred, pronouns: pc.pronouns, dob: pc.dob, email: pc.email,
			team: pc.team, wrote: w.day(joined-2, 19, 30), joined: w.day(joined, 11, 0), message: msg})
	}
	for _, n := range list {
		w.arrive(t, n)
	}
}

func (w *world) arrive(t *timeline, n newcomer) {
	ctx, d := w.ctx, w.doors
	var inquiryID string
	t.at(n.wrote, func() error {
		sub := inquiry.Submission{Name: n.legal, Email: n.email, Phone: n.phone, PreferredContact: "email", HeardFrom: "clinician",
			Message: n.message, Consent: true}
		var err error
		inquiryID, err = d.Inquiries.Submit(ctx, PracticeSlug, sub, "demo "+n.email)
		return err
	})
	therapist := n.team[0]
	if n.reply != nil {
		t.at(n.wrote.Add(14*time.Hour+30*time.Minute), func() error {
			if err := d.Inquiries.Reply(ctx, w.as[therapist], inquiryID, *n.reply); err != nil {
				return err
			}
			return w.deliver()
		})
	}
	t.at(n.joined, func() error {
		id, err := d.Inquiries.Convert(ctx, w.as[therapist], inquiryID, inquiry.ConvertInput{LegalName: n.legal, PreferredName: n.preferred,
			DateOfBirth: n.dob, Email: n.email, Phone: n.phone, TherapistID: w.staff[therapist], PrescriberID: w.staff[n.team[1]]})
		if err != nil {
			return fmt.Errorf("demo client %s: %w", n.legal, err)
		}
		w.clients[n.key] = id
		return w.deliver()
	})
	if len(n.team) > 2 {
		t.at(n.joined.Add(5*time.Minute), func() error {
			return d.Clients.SetCareTeam(ctx, w.as["owner"], w.clients[n.key], w.staff[n.team[2]], "monitor", true)
		})
	}
	if n.pronouns != "" {
		t.at(n.joined.Add(10*time.Minute), func() error {
			_, err := d.Prescribing.SaveDetails(ctx, w.as[therapist], w.clients[n.key], n.details(), nil)
			return err
		})
	}
	t.at(n.joined.Add(9*time.Hour), func() error {
		token, ok := w.post.invited[n.email]
		if !ok {
			return fmt.Errorf("demo client %s: no invitation arrived", n.legal)
		}
		a, err := d.Access.LinkAccount(ctx, "invite", token)
		if err != nil {
			return err
		}
		if err := d.Access.UseLink(ctx, "invite", token, Password, Password); err != nil {
			return fmt.Errorf("demo client %s: %w", n.legal, err)
		}
		w.as[n.key] = access.Actor{Kind: access.ClientActor, AccountID: a.ID, ClientID: a.ClientID, PracticeID: a.PracticeID}
		return nil
	})
}

// details are the newcomer's chart details as the therapist types them
// in, the whole form at once: what the inquiry gave, and the pronouns.
func (n newcomer) details() clinic.Details {
	return clinic.Details{LegalName: n.legal, PreferredName: n.preferred, Pronouns: n.pronouns, DateOfBirth: n.dob,
		Email: n.email, Phone: n.phone, TimeZone: "America/New_York"}
}
