package alert

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"holdspace/internal/notify"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// planHorizon is how far back a held session still gets check-ins planned:
// the two weeks after ketamine in which mood and suicidal thoughts can
// worsen (KAP.md §1). Older sessions get none, so turning the feature on
// does not flood the care team with "missed" notices for last year.
const planHorizon = 14 * 24 * time.Hour

// CheckIn is one planned post-session check-in and, once given, its answers.
type CheckIn struct {
	ID, ClientID, ClientName, CourseSessionID string
	Session, DaysAfter                        int
	Occasion, DueDate                         string
	WindowOpens, DueBy, WindowCloses          time.Time
	Mood                                      *int
	Sleep                                     safety.SleepQuality
	SelfHarm                                  *bool
	ForCareTeam                               string
	AnsweredAt, EmailedAt, MissedAt           *time.Time
	AlertID                                   string
}

// Answered says whether the client has given the check-in.
func (c CheckIn) Answered() bool { return c.AnsweredAt != nil }

// Open says whether the client can answer it at now.
func (c CheckIn) Open(now time.Time) bool { return !c.Answered() && !now.Before(c.WindowOpens) }

// PlanCheckIns adds the check-ins due after each held medicine session of
// the last two weeks (safety.CheckInsFor), for one client or, with
// clientID empty, the whole practice. It is idempotent: a check-in exists
// once per session and day.
func PlanCheckIns(ctx context.Context, tx *store.Tx, practiceID, clientID string, now time.Time) (int, error) {
	s, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return 0, err
	}
	q := `SELECT id, client_id, session_number, scheduled_at FROM course_session
		WHERE practice_id = ? AND status = 'held' AND scheduled_at IS NOT NULL AND scheduled_at >= ? AND scheduled_at <= ?`
	args := []any{practiceID, now.Add(-planHorizon), now}
	if clientID != "" {
		q += ` AND client_id = ?`
		args = append(args, clientID)
	}
	type held struct {
		id, client string
		n          int
		at         time.Time
	}
	sessions, err := store.All(ctx, tx, func(r store.Scanner) (h held, err error) {
		err = r.Scan(&h.id, &h.client, &h.n, &h.at)
		return h, err
	}, q, args...)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, h := range sessions {
		for i, d := range safety.CheckInsFor(h.n, h.at, s.CheckIns) {
			days := daysOf(s.CheckIns, i)
			res, err := tx.Exec(ctx, `INSERT INTO check_in (id, practice_id, client_id, course_session_id, session_number, days_after,
				occasion, due_date, window_opens, due_by, window_closes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (course_session_id, days_after) DO NOTHING`,
				store.NewID(), practiceID, h.client, h.id, h.n, days, d.Occasion, d.DueDate, d.WindowOpens, d.DueBy, d.WindowCloses, now)
			if err != nil {
				return added, fmt.Errorf("planning check-in: %w", err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
	}
	return added, nil
}

// daysOf returns the i-th distinct positive day in the settings, in the
// order safety.CheckInsFor plans them.
func daysOf(s safety.CheckInSettings, i int) int {
	seen := map[int]bool{}
	var days []int
	for _, d := range s.DaysAfter {
		if d >= 1 && !seen[d] {
			seen[d] = true
			days = append(days, d)
		}
	}
	for a := 1; a < len(days); a++ {
		for b := a; b > 0 && days[b] < days[b-1]; b-- {
			days[b], days[b-1] = days[b-1], days[b]
		}
	}
	return days[i]
}

const checkInColumns = `k.id, k.client_id, c.legal_name, c.preferred_name, k.course_session_id, k.session_number, k.days_after,
	k.occasion, k.due_date, k.window_opens, k.due_by, k.window_closes, k.mood, k.sleep, k.self_harm, k.for_care_team,
	k.answered_at, k.emailed_at, k.missed_at, COALESCE(k.alert_id, '')`

func scanCheckIn(r store.Scanner) (CheckIn, error) {
	var k CheckIn
	var legal, preferred, sleep string
	var mood sql.NullInt64
	var harm sql.NullBool
	var answered, emailed, missed sql.NullTime
	if err := r.Scan(&k.ID, &k.ClientID, &legal, &preferred, &k.CourseSessionID, &k.Session, &k.DaysAfter, &k.Occasion,
		&k.DueDate, &k.WindowOpens, &k.DueBy, &k.WindowCloses, &mood, &sleep, &harm, &k.ForCareTeam,
		&answered, &emailed, &missed, &k.AlertID); err != nil {
		return k, err
	}
	k.ClientName = legal
	if preferred != "" {
		k.ClientName = preferred
	}
	k.Sleep = safety.SleepQuality(sleep)
	if mood.Valid {
		m := int(mood.Int64)
		k.Mood = &m
	}
	if harm.Valid {
		h := harm.Bool
		k.SelfHarm = &h
	}
	k.AnsweredAt, k.EmailedAt, k.MissedAt = timePtr(answered), timePtr(emailed), timePtr(missed)
	k.WindowOpens, k.DueBy, k.WindowCloses = k.WindowOpens.UTC(), k.DueBy.UTC(), k.WindowCloses.UTC()
	return k, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// CheckIns lists a client's check-ins, latest due first.
func CheckIns(ctx context.Context, tx *store.Tx, practiceID, clientID string) ([]CheckIn, error) {
	return queryCheckIns(ctx, tx, ` WHERE k.practice_id = ? AND k.client_id = ? ORDER BY k.due_by DESC, k.id`, practiceID, clientID)
}

// MissedCheckIns lists the practice's missed check-ins flagged since, for
// the lower-level notices on /alerts.
func MissedCheckIns(ctx context.Context, tx *store.Tx, practiceID string, since time.Time) ([]CheckIn, error) {
	return queryCheckIns(ctx, tx, ` WHERE k.practice_id = ? AND k.missed_at IS NOT NULL AND k.missed_at >= ? ORDER BY k.missed_at DESC, k.id`, practiceID, since)
}

func queryCheckIns(ctx context.Context, tx *store.Tx, where string, args ...any) ([]CheckIn, error) {
	return store.All(ctx, tx, scanCheckIn, `SELECT `+checkInColumns+` FROM check_in k JOIN client c ON c.id = k.client_id`+where, args...)
}

// GetCheckIn returns one check-in of the client.
func GetCheckIn(ctx context.Context, tx *store.Tx, practiceID, clientID, id string) (CheckIn, error) {
	k, err := scanCheckIn(tx.QueryRow(ctx, `SELECT `+checkInColumns+` FROM check_in k JOIN client c ON c.id = k.client_id
		WHERE k.id = ? AND k.practice_id = ? AND k.client_id = ?`, id, practiceID, clientID))
	if errors.Is(err, sql.ErrNoRows) {
		return k, ErrNotFound
	}
	return k, err
}

// Answers are a client's answers to a check-in, as typed.
type Answers struct {
	Mood        *int                `json:"mood"`
	Sleep       safety.SleepQuality `json:"sleep"`
	SelfHarm    *bool               `json:"self_harm_thoughts"`
	ForCareTeam string              `json:"for_care_team,omitempty"`
}

// Submit stores the client's answers. A yes to self-harm raises an alert
// at once (safety.CheckInTrigger, then Raise) in the same transaction;
// alertID is then set. A check-in is answered once; a check-in not yet open
// is refused. Answers after the window are still taken, because what the
// client says matters more than when.
func Submit(ctx context.Context, tx *store.Tx, practiceID, clientID, id string, ans Answers, now time.Time) (CheckIn, string, error) {
	k, err := GetCheckIn(ctx, tx, practiceID, clientID, id)
	if err != nil {
		return k, "", err
	}
	if k.Answered() {
		return k, "", &safety.Error{Code: safety.CodeConflict, Message: "this check-in has already been sent; thank you"}
	}
	if now.Before(k.WindowOpens) {
		return k, "", &safety.Error{Code: safety.CodeConflict, Message: "this check-in opens on " + k.DueDate}
	}
	s, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return k, "", err
	}
	c := safety.CheckIn{Session: k.Session, Mood: ans.Mood, Sleep: ans.Sleep, SelfHarmThoughts: ans.SelfHarm,
		ForCareTeam: ans.ForCareTeam, AnsweredAt: now}
	t, fire, err := safety.CheckInTrigger(c, s.CheckIns)
	if err != nil {
		return k, "", err
	}
	alertID := ""
	if fire {
		if alertID, err = Raise(ctx, tx, practiceID, clientID, t, now); err != nil {
			return k, "", err
		}
	}
	res, err := tx.Exec(ctx, `UPDATE check_in SET mood = ?, sleep = ?, self_harm = ?, for_care_team = ?, answered_at = ?, alert_id = ?
		WHERE id = ? AND answered_at IS NULL`, *ans.Mood, string(ans.Sleep), *ans.SelfHarm, c.ForCareTeam, now, nullable(alertID), id)
	if err != nil {
		return k, "", err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return k, "", &safety.Error{Code: safety.CodeConflict, Message: "this check-in has already been sent; thank you"}
	}
	k.Mood, k.Sleep, k.SelfHarm, k.ForCareTeam, k.AnsweredAt, k.AlertID = ans.Mood, ans.Sleep, ans.SelfHarm, c.ForCareTeam, &now, alertID
	return k, alertID, nil
}

// sendDueCheckIns emails each client whose check-in has opened, once, to
// arrive at 09:00 on the due day in the practice zone (not at midnight).
func sendDueCheckIns(ctx context.Context, tx *store.Tx, practiceID string, s Settings, now time.Time) (int, error) {
	type due struct {
		id, email, name string
		opens           time.Time
	}
	dues, err := store.All(ctx, tx, func(r store.Scanner) (d due, err error) {
		var legal, preferred string
		if err := r.Scan(&d.id, &d.opens, &d.email, &legal, &preferred); err != nil {
			return d, err
		}
		d.name = legal
		if preferred != "" {
			d.name = preferred
		}
		return d, nil
	}, `SELECT k.id, k.window_opens, c.email, c.legal_name, c.preferred_name FROM check_in k
		JOIN client c ON c.id = k.client_id JOIN course_session cs ON cs.id = k.course_session_id AND cs.status = 'held'
		WHERE k.practice_id = ? AND k.answered_at IS NULL AND k.emailed_at IS NULL AND k.missed_at IS NULL
		AND k.window_opens <= ? AND k.window_closes > ?`, practiceID, now, now)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, d := range dues {
		res, err := tx.Exec(ctx, `UPDATE check_in SET emailed_at = ? WHERE id = ? AND emailed_at IS NULL`, now, d.id)
		if err != nil {
			return sent, err
		}
		if n, _ := res.RowsAffected(); n != 1 || d.email == "" {
			continue
		}
		local := d.opens.In(s.Zone)
		morning := time.Date(local.Year(), local.Month(), local.Day(), 9, 0, 0, 0, s.Zone)
		body := "Hello " + d.name + ",\n\n" +
			"Your care team would like to hear how you are doing since your session. The check-in is four short questions " +
			"and takes a minute or two:\n" + link(ctx, "/portal/checkins/"+d.id) + "\n\n" +
			"If you are struggling right now, you do not have to wait for your care team: the crisis lines are always " +
			"listed here: " + link(ctx, "/portal/crisis") + "\n"
		if _, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: practiceID, To: d.email,
			Subject: "A short check-in from " + orPractice(s.PracticeName), Text: body, SendAfter: morning}, now); err != nil {
			if errors.Is(err, notify.ErrInvalid) {
				continue
			}
			return sent, err
		}
		sent++
	}
	return sent, nil
}

func orPractice(name string) string {
	if name == "" {
		return "your care team"
	}
	return name
}

// flagMissedCheckIns tells the care team, once, of each check-in whose
// grace period has passed unanswered (safety.MissedCheckIns).
func flagMissedCheckIns(ctx context.Context, tx *store.Tx, practiceID string, s Settings, now time.Time) (int, error) {
	cands, err := queryCheckIns(ctx, tx, ` JOIN course_session cs ON cs.id = k.course_session_id AND cs.status = 'held'
		WHERE k.practice_id = ? AND k.answered_at IS NULL AND k.missed_at IS NULL AND k.due_by <= ? ORDER BY k.due_by, k.id`, practiceID, now)
	if err != nil {
		return 0, err
	}
	flagged := 0
	for _, k := range cands {
		due := safety.Due{Instrument: safety.InstrumentCheckIn, Occasion: k.Occasion, Session: k.Session, DueDate: k.DueDate,
			DueBy: k.DueBy, WindowOpens: k.WindowOpens, WindowCloses: k.WindowCloses}
		if len(safety.MissedCheckIns([]safety.Due{due}, nil, now, s.CheckIns.Grace())) == 0 {
			continue
		}
		res, err := tx.Exec(ctx, `UPDATE check_in SET missed_at = ? WHERE id = ? AND missed_at IS NULL AND answered_at IS NULL`, now, k.ID)
		if err != nil {
			return flagged, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			continue
		}
		flagged++
		people, _, err := recipients(ctx, tx, practiceID, k.ClientID, []safety.Audience{safety.AudienceCareTeam}, nil)
		if err != nil {
			return flagged, err
		}
		name, err := clientName(ctx, tx, k.ClientID)
		if err != nil {
			return flagged, err
		}
		for _, p := range people {
			body := fmt.Sprintf("Dear %s,\n\n%s did not answer the check-in due on %s (%d day(s) after medicine session %d).\n"+
				"This is a notice, not a safety alert: nothing the client said raised one. You may want to reach out.\n\n%s\n",
				p.name, name, k.DueDate, k.DaysAfter, k.Session, link(ctx, "/alerts"))
			if _, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: practiceID, To: p.email,
				Subject: "Missed check-in: " + name, Text: body}, now); err != nil && !errors.Is(err, notify.ErrInvalid) {
				return flagged, err
			}
		}
	}
	return flagged, nil
}

// SaidYes says whether the client answered yes to thoughts of self-harm.
func (c CheckIn) SaidYes() bool { return c.SelfHarm != nil && *c.SelfHarm }

// MoodScore is the mood answer, or -1 when there is none.
func (c CheckIn) MoodScore() int {
	if c.Mood == nil {
		return -1
	}
	return *c.Mood
}
