package web

import (
	"net/http"
	"strings"
	"time"

	"holdspace/internal/schedule"
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
	v, err := s.scheduleDoor().Portal(r.Context(), sess.Actor, sess.Zone)
	if s.readFailed(w, r, err) {
		return
	}
	d := portalAppointmentsPage{Upcoming: v.Upcoming, Past: v.Past, NextMedicine: v.NextMedicine, FromReminder: v.FromReminder,
		HasMedicine: v.HasMedicine, Now: v.Now}
	if v.HasMedicine {
		d.Instructions = textBlocks(v.Instructions)
	}
	s.render(w, r, http.StatusOK, "schedule_portal", s.page(w, r, "Your appointments", d))
}
