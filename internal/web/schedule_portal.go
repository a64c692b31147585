package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/preparation"
	"holdspace/internal/reminder"
	"holdspace/internal/schedule"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

type portalAppointmentsPage struct {
	Upcoming []schedule.Appointment
	Past     []schedule.Appointment
	// Instructions are for the next medicine session, NextMedicine.
	Instructions []textBlock
	NextMedicine time.Time
	// FromReminder: the instructions are the practice's reminder email.
	FromReminder bool
	HasMedicine  bool
	Now          time.Time
}

// textBlock is one paragraph of a plain-text message as a page shows it:
// a heading line, plain lines, and the "- " lines as a list.
type textBlock struct {
	Heading string
	Lines   []string
	Items   []string
}

// textBlocks splits plain text into blocks at blank lines. A short first
// line followed by a list is its heading.
func textBlocks(text string) []textBlock {
	var out []textBlock
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		var b textBlock
		for _, l := range strings.Split(para, "\n") {
			l = strings.TrimSpace(l)
			switch {
			case l == "":
			case strings.HasPrefix(l, "- "):
				b.Items = append(b.Items, strings.TrimSpace(l[2:]))
			default:
				b.Lines = append(b.Lines, l)
			}
		}
		if len(b.Lines) == 1 && len(b.Items) > 0 && len(b.Lines[0]) < 60 && !strings.HasSuffix(b.Lines[0], ".") {
			b.Heading, b.Lines = b.Lines[0], nil
		}
		if len(b.Lines)+len(b.Items) > 0 || b.Heading != "" {
			out = append(out, b)
		}
	}
	return out
}

func (s *Server) portalAppointments(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	a := sess.Actor
	now := s.now()
	d := portalAppointmentsPage{Now: now}
	err := s.access.Do(r.Context(), a, access.PortalUse, access.Ref{Type: "appointment_list", ID: a.ClientID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		ctx := r.Context()
		list, err := schedule.List(ctx, tx, schedule.Filter{PracticeID: a.PracticeID, ClientID: a.ClientID, IncludeCancelled: true})
		if err != nil {
			return err
		}
		var next *schedule.Attendee
		for _, ap := range list {
			// Only the client's own place in a group is theirs to see.
			own := ap.Clients[:0:0]
			for _, c := range ap.Clients {
				if c.ClientID == a.ClientID {
					own = append(own, c)
				}
			}
			ap.Clients = own
			if ap.End.After(now) && ap.Status == schedule.Booked {
				d.Upcoming = append(d.Upcoming, ap)
				// The instructions are for the next session still to
				// come; one under way is the next only when none follows.
				if len(own) > 0 && own[0].CourseID != "" && (next == nil || !d.NextMedicine.After(now)) {
					d.HasMedicine, d.NextMedicine, next = true, ap.Start, &own[0]
				}
			} else {
				d.Past = append([]schedule.Appointment{ap}, d.Past...)
			}
		}
		if next == nil {
			return nil
		}
		d.Instructions, d.FromReminder, err = sessionInstructions(ctx, tx, a.PracticeID, a.ClientID, next.SessionNumber, d.NextMedicine, sess.Zone)
		return err
	})
	if s.readFailed(w, r, err) {
		return
	}
	s.render(w, r, http.StatusOK, "schedule_portal", s.page(w, r, "Your appointments", d))
}

// sessionInstructions are the practical instructions for one medicine
// session, from one source per practice so the portal and the email never
// disagree: the practice's reminder email before a session (its own text
// or holdspace's default, with the fasting times of its medicine
// settings), filled in for this session exactly as the email will be;
// the preparation instructions the client acknowledged only when the
// reminder has no text.
func sessionInstructions(ctx context.Context, tx *store.Tx, practiceID, clientID string, n int, at time.Time, zone *time.Location) ([]textBlock, bool, error) {
	rs, err := reminder.Load(ctx, tx, practiceID)
	if err != nil {
		return nil, false, err
	}
	if strings.TrimSpace(rs.Before.Body) == "" {
		return textBlocks(preparation.CurrentInstructions().Text), false, nil
	}
	med, err := settings.MedicineSettings(ctx, tx, practiceID)
	if err != nil {
		return nil, false, err
	}
	cl, err := clinic.LoadClient(ctx, tx, practiceID, clientID)
	if err != nil {
		return nil, false, err
	}
	practiceName, err := access.PracticeName(ctx, tx, practiceID)
	if err != nil {
		return nil, false, err
	}
	v := reminder.ValuesFor(rs, med, reminder.Session{Number: n, At: at, ClientLegal: cl.LegalName, ClientPref: cl.PreferredName,
		PracticeName: practiceName, Zone: zone})
	return textBlocks(reminder.Render(rs.Before.Body, v)), true, nil
}
