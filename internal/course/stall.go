package course

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/dosing"
	"holdspace/internal/notify"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// NotifyStalls emails the clinicians on the care team of each of the
// practice's active courses that has stalled, once per stall, with the
// reason and a link to the course, so that someone reaches out (KAP.md §1
// Session and course). base starts the link. It returns how many courses
// it told of. Runs as the system, in the worker's own transaction.
func NotifyStalls(ctx context.Context, tx *store.Tx, practiceID, base string, now time.Time, s dosing.CourseSettings) (int, error) {
	list, err := Overview(ctx, tx, OverviewFilter{PracticeID: practiceID, Status: dosing.CourseActive}, now, s)
	if err != nil {
		return 0, err
	}
	told := 0
	for _, c := range list {
		if !c.Stalled {
			continue
		}
		key := "none"
		if l := latestRow(c.Sessions); l != nil {
			key = l.ID
		}
		res, err := tx.Exec(ctx, `INSERT INTO stall_notice (course_id, session_key, practice_id, client_id, reason, notified_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (course_id, session_key) DO NOTHING`, c.ID, key, practiceID, c.ClientID, c.StallReason, now)
		if err != nil {
			return told, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			// Told already (or by another instance just now).
			continue
		}
		if err := tellCareTeam(ctx, tx, practiceID, base, c, now); err != nil {
			return told, err
		}
		told++
	}
	return told, nil
}

// latestRow is the session row recorded last, whatever its number.
func latestRow(sessions []Session) *Session {
	var out *Session
	for i := range sessions {
		if out == nil || sessions[i].UpdatedAt.After(out.UpdatedAt) {
			out = &sessions[i]
		}
	}
	return out
}

func tellCareTeam(ctx context.Context, tx *store.Tx, practiceID, base string, c Summary, now time.Time) error {
	rows, err := tx.Query(ctx, `SELECT DISTINCT s.full_name, s.email FROM care_team ct JOIN staff s ON s.id = ct.staff_id
		WHERE ct.client_id = ? AND s.practice_id = ? AND s.active AND ct.role IN ('therapist', 'prescriber')
		ORDER BY s.full_name, s.email`, c.ClientID, practiceID)
	if err != nil {
		return err
	}
	type person struct{ name, email string }
	var people []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.name, &p.email); err != nil {
			rows.Close()
			return err
		}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	link := strings.TrimSuffix(base, "/") + "/clients/" + c.ClientID + "/courses/" + c.ID
	subject := "Course stalled: " + c.ClientName
	body := fmt.Sprintf("%s's %s course (%s) has stalled.\n\n%s\n\nMany clients do not finish the induction course; a call now may help them decide, with you, how to go on.\n\nOpen the course:\n%s\n",
		c.ClientName, c.Route.Label(), c.IndicationCode, c.StallReason, link)
	for _, p := range people {
		if _, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: practiceID, To: p.email, Subject: subject,
			Text: "Dear " + p.name + ",\n\n" + body}, now); err != nil && !errors.Is(err, notify.ErrInvalid) {
			return err
		}
	}
	return nil
}

// StallWorker tells care teams of stalled courses; the app calls Tick
// every quarter of an hour, as a stall is a matter of days.
type StallWorker struct {
	DB *store.DB
	// BaseURL starts the link in the email.
	BaseURL string
}

// Tick looks at every practice's active courses once, each practice in its
// own transaction, and returns how many stalls it told of.
func (w *StallWorker) Tick(ctx context.Context, now time.Time) (int, error) {
	var practices []string
	err := w.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		practices, err = tx.Strings(ctx, `SELECT DISTINCT practice_id FROM course WHERE status = 'active' ORDER BY practice_id`)
		return err
	})
	if err != nil {
		return 0, err
	}
	told := 0
	for _, p := range practices {
		err := w.DB.Write(ctx, func(tx *store.Tx) error {
			loc, err := access.PracticeZone(ctx, tx, p)
			if err != nil {
				return err
			}
			ms, err := settings.MedicineSettings(ctx, tx, p)
			if err != nil {
				return err
			}
			n, err := NotifyStalls(ctx, tx, p, w.BaseURL, now.In(loc), ms.Course)
			told += n
			return err
		})
		if err != nil {
			return told, err
		}
	}
	return told, nil
}
