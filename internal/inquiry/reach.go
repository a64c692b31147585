package inquiry

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/notify"
	"holdspace/internal/store"
)

// An inquiry must reach a person: staff are told by email that one
// arrived (the email carries nothing the person wrote, only a link), and
// every call or message to the person is logged on it, so whoever opens it
// next sees who has already been in touch.

// ContactMethods are the ways staff reach a person, as the log records them.
var ContactMethods = []Option{{"phone", "Phone call"}, {"email", "Email"}, {"text", "Text message"}}

// Contact is one call or message to the person, as logged.
type Contact struct {
	ID        string    `json:"id"`
	StaffName string    `json:"staff_name"`
	Method    string    `json:"method"`
	Note      string    `json:"note"`
	At        time.Time `json:"at"`
}

// MethodLabel is the method in words.
func (c Contact) MethodLabel() string {
	for _, o := range ContactMethods {
		if o.Value == c.Method {
			return o.Label
		}
	}
	return c.Method
}

// ContactInput is a call or message to log.
type ContactInput struct {
	Method string
	Note   string
}

const maxContactNote = 2000

// LogContact records that the staff member called, emailed or texted the
// person, with a note; it is audited and shown on the inquiry.
func (s *Door) LogContact(ctx context.Context, a access.Actor, id string, in ContactInput) error {
	return s.Access.Do(ctx, a, access.InquiryManage, access.Ref{Type: "inquiry", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		q, err := Load(ctx, tx, a.PracticeID, id)
		if err != nil {
			return err
		}
		var ps access.Problems
		if !slices.ContainsFunc(ContactMethods, func(o Option) bool { return o.Value == in.Method }) {
			ps = append(ps, &access.Problem{Field: "method", Message: "Choose how you were in touch: a phone call, an email or a text message."})
		}
		note := strings.TrimSpace(in.Note)
		switch {
		case note == "":
			ps = append(ps, &access.Problem{Field: "note", Message: "Write what happened: who you spoke to, or the message you left."})
		case utf8.RuneCountInString(note) > maxContactNote:
			ps = append(ps, &access.Problem{Field: "note", Message: "Keep the note under 2,000 characters."})
		}
		if len(ps) > 0 {
			return ps
		}
		if q.Status == Converted {
			return &Conflict{"This inquiry has become a client: log further contact in the client's record."}
		}
		now := s.now()
		cid := store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO inquiry_contact (id, practice_id, inquiry_id, staff_id, method, note, contacted_at, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, cid, a.PracticeID, id, a.StaffID, in.Method, note, now, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "inquiry.contact", "inquiry", id, "", in.Method)
	})
}

func loadContacts(ctx context.Context, tx *store.Tx, practiceID, id string) ([]Contact, error) {
	return store.All(ctx, tx, func(r store.Scanner) (c Contact, err error) {
		err = r.Scan(&c.ID, &c.StaffName, &c.Method, &c.Note, &c.At)
		return c, err
	}, `SELECT c.id, COALESCE(s.full_name, ''), c.method, c.note, c.contacted_at
		FROM inquiry_contact c LEFT JOIN staff s ON s.id = c.staff_id
		WHERE c.practice_id = ? AND c.inquiry_id = ? ORDER BY c.contacted_at, c.id`, practiceID, id)
}

// Notified is who is told of a new inquiry, for the settings page.
type Notified struct {
	// Chosen are the staff the practice chose; empty means the default,
	// its owner and administrators.
	Chosen []string
	// Staff are those who may be chosen: the staff who may read
	// inquiries, since the email's link leads to one.
	Staff []clinic.StaffMember
}

// Has reports whether the practice chose staffID.
func (n Notified) Has(staffID string) bool { return slices.Contains(n.Chosen, staffID) }

// mayReadInquiries says whether a staff member with roles may open an
// inquiry, as access decides.
func mayReadInquiries(roles []string) bool {
	a := access.Actor{Kind: access.StaffActor, PracticeID: "p"}
	for _, r := range roles {
		a.Roles = append(a.Roles, access.Role(r))
	}
	return access.Decide(a, access.InquiryRead, access.Record{PracticeID: "p"}).Allow
}

func readers(ctx context.Context, tx *store.Tx, practiceID string) ([]clinic.StaffMember, error) {
	staff, err := clinic.Staff(ctx, tx, practiceID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(staff, func(m clinic.StaffMember) bool { return !mayReadInquiries(m.Roles) }), nil
}

func chosen(ctx context.Context, tx *store.Tx, practiceID string) ([]string, error) {
	return tx.Strings(ctx, `SELECT staff_id FROM inquiry_notify WHERE practice_id = ? ORDER BY staff_id`, practiceID)
}

// LoadNotified reads who is told of a new inquiry.
func (s *Door) LoadNotified(ctx context.Context, a access.Actor) (Notified, error) {
	var n Notified
	err := s.Access.Do(ctx, a, access.SettingsManage, s.pageRef(a), func(tx *store.Tx, _ access.Decision) error {
		var err error
		if n.Chosen, err = chosen(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		n.Staff, err = readers(ctx, tx, a.PracticeID)
		return err
	})
	return n, err
}

// SaveNotified sets who is told of a new inquiry; none chosen is the
// default, the owner and administrators.
func (s *Door) SaveNotified(ctx context.Context, a access.Actor, staffIDs []string) error {
	return s.Access.Do(ctx, a, access.SettingsManage, s.pageRef(a), func(tx *store.Tx, _ access.Decision) error {
		may, err := readers(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		slices.Sort(staffIDs)
		staffIDs = slices.Compact(staffIDs)
		for _, id := range staffIDs {
			if !slices.ContainsFunc(may, func(m clinic.StaffMember) bool { return m.ID == id }) {
				return access.Problems{{Field: "notify", Message: "Choose from the staff listed: each of them may open an inquiry."}}
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM inquiry_notify WHERE practice_id = ?`, a.PracticeID); err != nil {
			return err
		}
		for _, id := range staffIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO inquiry_notify (practice_id, staff_id) VALUES (?, ?)`, a.PracticeID, id); err != nil {
				return err
			}
		}
		reason := "owner and administrators"
		if len(staffIDs) > 0 {
			reason = strings.Join(staffIDs, " ")
		}
		return s.record(ctx, tx, a, "inquiry.notify", "practice_page", a.PracticeID, "", reason)
	})
}

// tellStaff queues, in the transaction that filed inquiry id, an email to
// each person the practice has chosen (or its owner and administrators)
// saying that an inquiry arrived. It carries nothing the person wrote: an
// inbox is not the place for a stranger's health.
func (s *Door) tellStaff(ctx context.Context, tx *store.Tx, practiceID, id string, now time.Time) error {
	ids, err := chosen(ctx, tx, practiceID)
	if err != nil {
		return err
	}
	may, err := readers(ctx, tx, practiceID)
	if err != nil {
		return err
	}
	var name string
	if err := tx.QueryRow(ctx, `SELECT name FROM practice WHERE id = ?`, practiceID).Scan(&name); err != nil {
		return err
	}
	zone, err := access.PracticeZone(ctx, tx, practiceID)
	if err != nil {
		return err
	}
	for _, m := range may {
		wanted := slices.Contains(ids, m.ID)
		if len(ids) == 0 {
			wanted = slices.Contains(m.Roles, string(access.Owner)) || slices.Contains(m.Roles, string(access.Admin))
		}
		if !wanted {
			continue
		}
		var email string
		if err := tx.QueryRow(ctx, `SELECT email FROM staff WHERE id = ?`, m.ID).Scan(&email); err != nil {
			return err
		}
		text := "A new inquiry arrived on " + name + "'s public page at " + now.In(zone).Format("Mon 2 Jan 2006, 15:04 MST") + ".\n\n" +
			"Read it and answer in holdspace:\n" + strings.TrimRight(s.Access.BaseURL, "/") + "/inquiries/" + id + "\n\n" +
			"This email says nothing of what the person wrote; it is in holdspace only.\n" +
			"You get this email because " + name + " chose you to hear of new inquiries (Settings → public page).\n"
		if _, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: practiceID, To: email, Subject: "A new inquiry for " + name, Text: text}, now); err != nil {
			return err
		}
	}
	return nil
}
