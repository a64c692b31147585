package access

import (
	"context"
	"fmt"
	"strings"
	"time"

	"holdspace/internal/audit"
	"holdspace/internal/notify"
	"holdspace/internal/store"
)

// BreakGlass opens a client's chart to a clinician outside the care team
// for Policy.BreakGlass, after they give a reason. The grant is flagged on
// the trail and the practice's owners are emailed at once (45 CFR
// 164.312(a)(2)(ii), emergency access procedure).
func (s *Service) BreakGlass(ctx context.Context, a Actor, clientID, reason string) (time.Time, error) {
	reason = strings.TrimSpace(reason)
	if len(reason) < 10 {
		return time.Time{}, &Problem{Field: "reason", Message: "Say why you need emergency access (at least a sentence); the practice owner will read it."}
	}
	now := s.now()
	until := now.Add(s.Policy.BreakGlass)
	defer s.mailQueued()
	err := s.Do(ctx, a, BreakGlassStart, Ref{Type: "client", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ Decision) error {
		id := store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO break_glass (id, practice_id, staff_id, client_id, reason, started_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, a.PracticeID, a.StaffID, clientID, reason, now, until); err != nil {
			return err
		}
		if err := s.log(ctx, tx, a, "break_glass.granted", Record{Type: "break_glass", ID: id, PracticeID: a.PracticeID, ClientID: clientID}, audit.Allowed, reason); err != nil {
			return err
		}
		var who string
		if err := tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ?`, a.StaffID).Scan(&who); err != nil {
			return err
		}
		// The email names the clinician and links to the trail; it
		// carries no client data.
		owners, err := ownerEmails(ctx, tx, a.PracticeID, "")
		if err != nil {
			return err
		}
		// Times in messages are the practice's, as on its pages.
		zone, err := PracticeZone(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		for _, to := range owners {
			if _, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: a.PracticeID, To: to,
				Subject: "Emergency access to a client record",
				Text: fmt.Sprintf("%s used emergency (break-glass) access to a client's record outside their care team, until %s.\n\nTheir reason and every page they open are on the audit trail:\n%s\n",
					who, until.In(zone).Format("2 Jan 2006 15:04 MST"), strings.TrimRight(s.BaseURL, "/")+"/admin/audit?action=break_glass.granted")}, now); err != nil {
				return err
			}
		}
		return nil
	})
	return until, err
}
