package setup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/consent"
	"holdspace/internal/inquiry"
	"holdspace/internal/notify"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
)

// StepKey names one step of the setup checklist.
type StepKey string

// The checklist's steps, in the order a practice is best set up: the
// people and places first, then what clients will read and the safety net,
// then the mail and the backup that keep it running. Each is done by what
// holdspace can see in the records, except the prescriber's review and the
// test email, which are a person's word (setup_step).
const (
	StepRooms          StepKey = "rooms"
	StepStaff          StepKey = "staff"
	StepConsent        StepKey = "consent"
	StepClinicalReview StepKey = "clinical_review"
	StepOnCall         StepKey = "on_call"
	StepPublicPage     StepKey = "public_page"
	StepTestEmail      StepKey = "test_email"
	StepBackup         StepKey = "backup"
)

// Step is one line of the checklist.
type Step struct {
	Key StepKey
	// Title says what to do; Detail why, or what is left.
	Title, Detail string
	// Link is the page where it is done.
	Link, LinkText string
	Done           bool
	// DoneNote says what made it done ("2 rooms", "sent 7 Dec").
	DoneNote string
}

// Checklist is the practice's setup, step by step.
type Checklist struct {
	Steps []Step
	Done  int
	// Email is the latest test email, when one was sent.
	Email *EmailTest
	// MailConfigured: without an SMTP server the test email waits in the
	// queue, and the page says how to set one.
	MailConfigured bool
	// MayReview says the viewer may record the prescriber's review.
	MayReview bool
}

// Finished says every step is done: the owner's home page stops showing it.
func (c Checklist) Finished() bool { return c.Done == len(c.Steps) }

// EmailTest is where the test email stands.
type EmailTest struct {
	// By is who asked for it; it went to their own address.
	By     string
	SentAt time.Time // when it was asked for
	Status notify.Status
}

// Progress is how far the setup is, for the banner on the owner's home
// page: decided but not written to the trail, as the checklist holds no
// client data and the page it leads to is audited. ok is false for a
// person the checklist is not for.
func (d *Door) Progress(ctx context.Context, a access.Actor) (done, total int, ok bool, err error) {
	err = d.Access.DB.Read(ctx, func(tx *store.Tx) error {
		if _, err := d.Access.Check(ctx, tx, a, access.SettingsManage, access.Ref{Type: "practice", ID: a.PracticeID}); err != nil {
			var denied *access.Denied
			if errors.As(err, &denied) {
				return nil
			}
			return err
		}
		c, err := d.checklist(ctx, tx, a)
		done, total, ok = c.Done, len(c.Steps), true
		return err
	})
	return done, total, ok, err
}

// Checklist reads the practice's setup checklist, for its administrators.
func (d *Door) Checklist(ctx context.Context, a access.Actor) (Checklist, error) {
	var c Checklist
	err := d.Access.Do(ctx, a, access.SettingsManage, access.Ref{Type: "practice", ID: a.PracticeID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if c, err = d.checklist(ctx, tx, a); err != nil {
			return err
		}
		// Whether to offer the review button is a question, not an
		// attempt: an owner who is not a prescriber is not refused for
		// opening the checklist.
		_, err = d.Access.Check(ctx, tx, a, access.ClinicalSettingsChange, access.Ref{Type: "practice_setting", ID: "medicine"})
		var denied *access.Denied
		c.MayReview = err == nil
		if errors.As(err, &denied) {
			err = nil
		}
		return err
	})
	if err != nil {
		return Checklist{}, err
	}
	c.MailConfigured = d.MailConfigured
	return c, nil
}

func (d *Door) checklist(ctx context.Context, tx *store.Tx, a access.Actor) (Checklist, error) {
	pid := a.PracticeID
	var c Checklist
	add := func(s Step, done bool, note string) {
		s.Done, s.DoneNote = done, note
		if done {
			c.Done++
		}
		c.Steps = append(c.Steps, s)
	}

	rooms, err := schedule.Rooms(ctx, tx, pid)
	if err != nil {
		return c, err
	}
	active := 0
	for _, r := range rooms {
		if r.Active {
			active++
		}
	}
	add(Step{Key: StepRooms, Title: "Add the rooms where medicine sessions are held",
		Detail: "A medicine session is booked into a room, so no two sessions share one.", Link: "/admin/rooms", LinkText: "Rooms"},
		active > 0, plural(active, "room"))

	staff, err := access.ActiveStaff(ctx, tx, pid)
	if err != nil {
		return c, err
	}
	add(Step{Key: StepStaff, Title: "Invite your staff, each with their roles",
		Detail: "Prescribers, therapists and session monitors each see what their role needs; each chooses their own password from the invitation.",
		Link:   "/admin/staff/new", LinkText: "Invite a staff member"}, staff > 1, plural(staff, "person")+" on staff")

	// The defaults are seeded when the consent pages are first opened;
	// until then there is nothing published by the practice either.
	docs, err := consent.Documents(ctx, tx, pid)
	if err != nil {
		return c, err
	}
	required, own := 0, 0
	for _, doc := range docs {
		if !doc.Required {
			continue
		}
		required++
		for _, v := range doc.Versions {
			if v.Published && v.PublishedByName != "" {
				own++
				break
			}
		}
	}
	add(Step{Key: StepConsent, Title: "Review and publish your consent documents",
		Detail: consentDetail(own, required),
		Link:   "/admin/consents", LinkText: "Consent documents"}, required > 0 && own == required, "every required document published")

	review, err := loadStep(ctx, tx, pid, StepClinicalReview)
	if err != nil {
		return c, err
	}
	add(Step{Key: StepClinicalReview, Title: "A prescriber reviews the medicine and safety settings",
		Detail: "The vital-sign hold, alarms, discharge and fasting numbers, and the escalation of safety alerts: holdspace's defaults are a starting point, not your clinical decision.",
		Link:   "/admin/medicine-settings", LinkText: "Medicine settings"}, review != nil, review.note("reviewed by"))

	safetySettings, err := alert.LoadSettings(ctx, tx, pid)
	if err != nil {
		return c, err
	}
	add(Step{Key: StepOnCall, Title: "Name who is on call for safety alerts",
		Detail: "An alert nobody acknowledges in business hours goes to the clinician on call, at any hour; until someone is named it waits for the next business day.",
		Link:   "/admin/safety-settings", LinkText: "Safety settings"}, safetySettings.Escalation.OnCall.Set(), "someone is on call")

	name, err := access.PracticeName(ctx, tx, pid)
	if err != nil {
		return c, err
	}
	page, err := inquiry.LoadPage(ctx, tx, pid, name)
	if err != nil {
		return c, err
	}
	add(Step{Key: StepPublicPage, Title: "Write your public page",
		Detail: "The page above your inquiry form, in your own words about your practice and KAP.",
		Link:   "/admin/practice-page", LinkText: "Public page"}, page.UpdatedAt != nil, "written")

	email, err := loadStep(ctx, tx, pid, StepTestEmail)
	if err != nil {
		return c, err
	}
	sent := false
	if email != nil && email.messageID != "" {
		st, err := notify.StatusOf(ctx, tx, email.messageID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return c, err
		}
		if err == nil {
			c.Email = &EmailTest{By: email.by, SentAt: email.at, Status: st}
			sent = st.SentAt != nil
		}
	}
	add(Step{Key: StepTestEmail, Title: "Send yourself a test email",
		Detail: "Invitations, sign-in codes, reminders and safety alerts all go by email: see that one arrives."}, sent, "delivered")

	last, ok, err := store.LastBackup(ctx, tx)
	if err != nil {
		return c, err
	}
	note := ""
	if ok {
		zone, err := access.PracticeZone(ctx, tx, pid)
		if err != nil {
			return c, err
		}
		note = "last on " + last.In(zone).Format("2 Jan 2006 at 15:04")
	}
	add(Step{Key: StepBackup, Title: "Take the first backup",
		Detail: "On the server, run holdspace backup with a file name, and keep the key file in a separate safe place: a backup cannot be read without it."},
		ok, note)
	return c, nil
}

func consentDetail(own, required int) string {
	if required == 0 {
		return "holdspace's default texts (the KAP treatment consent, telehealth, release of information and the financial policy) wait for your review; adapt each required one to your practice and publish it."
	}
	return fmt.Sprintf("holdspace ships a default text for each; adapt each required one to your practice and publish it (%d of %d published by your practice).", own, required)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if word == "person" {
		return fmt.Sprintf("%d people", n)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// doneStep is a setup_step row: who gave their word, when.
type doneStep struct {
	by, messageID string
	at            time.Time
}

func (s *doneStep) note(what string) string {
	if s == nil {
		return ""
	}
	return what + " " + s.by
}

func loadStep(ctx context.Context, tx *store.Tx, practiceID string, key StepKey) (*doneStep, error) {
	var s doneStep
	err := tx.QueryRow(ctx, `SELECT st.full_name, s.message_id, s.done_at FROM setup_step s JOIN staff st ON st.id = s.done_by
		WHERE s.practice_id = ? AND s.step = ?`, practiceID, string(key)).Scan(&s.by, &s.messageID, &s.at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &s, err
}

// saveStep records a person's word for a step, replacing an earlier one
// (a second test email is the one the checklist follows).
func saveStep(ctx context.Context, tx *store.Tx, practiceID string, key StepKey, by, messageID string, now time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM setup_step WHERE practice_id = ? AND step = ?`, practiceID, string(key)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO setup_step (practice_id, step, done_by, done_at, message_id) VALUES (?, ?, ?, ?, ?)`,
		practiceID, string(key), by, now.UTC(), messageID)
	return err
}

// RecordClinicalReview is a prescriber's (or clinical lead's) word that
// they have read the medicine and safety settings and hold them right for
// the practice; the trail keeps who and when.
func (d *Door) RecordClinicalReview(ctx context.Context, a access.Actor) error {
	return d.Access.Do(ctx, a, access.ClinicalSettingsChange, access.Ref{Type: "practice_setting", ID: "medicine"}, func(tx *store.Tx, _ access.Decision) error {
		return saveStep(ctx, tx, a.PracticeID, StepClinicalReview, a.StaffID, "", d.now())
	})
}

// SendTestEmail queues a short email to the person asking, through the
// same outbox as every other, and wakes the sender.
func (d *Door) SendTestEmail(ctx context.Context, a access.Actor) (to string, err error) {
	err = d.Access.Do(ctx, a, access.SettingsManage, access.Ref{Type: "practice", ID: a.PracticeID}, func(tx *store.Tx, _ access.Decision) error {
		name, email, err := access.StaffContact(ctx, tx, a.PracticeID, a.StaffID)
		if err != nil {
			return err
		}
		to = email
		practice, err := access.PracticeName(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		zone, err := access.PracticeZone(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		id, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: a.PracticeID, To: to, Subject: "holdspace test email for " + practice,
			Text: "Hello " + name + ",\n\nThis is the test email you asked for from " + practice + "'s setup checklist, sent " +
				d.now().In(zone).Format("Monday 2 January 2006 at 15:04 MST") + ".\n\nIt arrived, so invitations, sign-in codes, reminders and safety alerts will reach people too.\n"}, d.now())
		if err != nil {
			return err
		}
		return saveStep(ctx, tx, a.PracticeID, StepTestEmail, a.StaffID, id, d.now())
	})
	if err == nil && d.Access.MailQueued != nil {
		d.Access.MailQueued()
	}
	return to, err
}
