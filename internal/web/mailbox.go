package web

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"holdspace/internal/notify"
)

// The demo's mailbox (--demo only): every email the demo practice has
// queued or sent, as its recipient would read it, so the flows that run on
// email (invitations, sign-in codes, reminders, alerts) can be followed
// without a mail server. Outside demo mode the route does not exist.

const mailboxPath = "/demo/mailbox"

func (s *Server) routesMailbox() {
	if !s.demo {
		return
	}
	s.handle(GateStaff, "GET "+mailboxPath, s.mailbox)
}

// withMailbox adds the mailbox to a staff member's navigation in demo mode,
// before their account.
func (s *Server) withMailbox(items []NavItem, path string) []NavItem {
	item := NavItem{Label: "Mailbox", Href: mailboxPath, Current: path == mailboxPath}
	if n := len(items); n > 0 && items[n-1].Href == "/account" {
		return append(items[:n-1:n-1], item, items[n-1])
	}
	return append(items, item)
}

// letterView is one email as the mailbox shows it.
type letterView struct {
	notify.Letter
	From  string
	Parts []textPart
	// Due: queued for later (a reminder for the day before).
	Due bool
}

// textPart is a run of an email's text; Href marks a link.
type textPart struct{ Text, Href string }

// linkInText finds the web addresses in an email's text. A sentence's
// closing punctuation after an address is left out of the link.
var linkInText = regexp.MustCompile(`https?://[^\s<>"]+[^\s<>".,;:!?)]`)

func textParts(text string) []textPart {
	var out []textPart
	last := 0
	for _, m := range linkInText.FindAllStringIndex(text, -1) {
		if m[0] > last {
			out = append(out, textPart{Text: text[last:m[0]]})
		}
		out = append(out, textPart{Text: text[m[0]:m[1]], Href: text[m[0]:m[1]]})
		last = m[1]
	}
	if last < len(text) {
		out = append(out, textPart{Text: strings.TrimRight(text[last:], "\n")})
	}
	return out
}

func (s *Server) mailbox(w http.ResponseWriter, r *http.Request) {
	sess, _ := sessionFrom(r.Context())
	letters, err := s.doors.Mailbox.Letters(r.Context(), sess.Actor)
	if s.pageFailed(w, r, err, false, "") {
		return
	}
	now := s.now()
	views := make([]letterView, 0, len(letters))
	for _, l := range letters {
		views = append(views, letterView{Letter: l, From: s.mailFrom, Parts: textParts(l.Text),
			Due: l.SentAt == nil && l.FailedAt == nil && l.SendAfter.After(now.Add(time.Minute))})
	}
	s.render(w, r, http.StatusOK, "mailbox", s.page(w, r, "Demo mailbox", map[string]any{"Letters": views}))
}
