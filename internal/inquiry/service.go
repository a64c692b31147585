package inquiry

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/clinic"
	"holdspace/internal/notify"
	"holdspace/internal/store"
)

// Door is the front door of inquiries: the public form, the queue and its
// replies, declines and conversions, and the public page's settings. It is
// cheap to build: a face makes one per request from what it already holds.
type Door struct {
	Access *access.Service
	Now    func() time.Time
	// RateLimit accepted inquiries per address per RateWindow; zero
	// means the defaults.
	RateLimit  int
	RateWindow time.Duration
}

func (s *Door) now() time.Time { return access.Now(s.Now) }

func (s *Door) mailQueued() {
	if s.Access.MailQueued != nil {
		s.Access.MailQueued()
	}
}

// record appends an audit entry for a specific change in tx.
func (s *Door) record(ctx context.Context, tx *store.Tx, a access.Actor, action, recordType, recordID, clientID, reason string) error {
	return audited(ctx, tx, a, s.now(), action, recordType, recordID, clientID, reason)
}

// audited appends an audit entry in tx with the request's origin, as
// access does for its own changes: the access decision is on the trail
// already (Service.Do); this names the specific change.
func audited(ctx context.Context, tx *store.Tx, a access.Actor, at time.Time, action, recordType, recordID, clientID, reason string) error {
	m := access.MetaFrom(ctx)
	kind := a.Kind
	if kind == "" {
		kind = access.Anonymous
	}
	_, err := audit.Append(ctx, tx, audit.Entry{Chain: a.PracticeID, At: at, ActorKind: string(kind), ActorID: a.ID(), Action: action,
		RecordType: recordType, RecordID: recordID, ClientID: clientID, Outcome: audit.Allowed, Reason: reason,
		Address: m.Address, UserAgent: m.UserAgent, RequestID: m.RequestID})
	return err
}

// PublicPage is what the practice's public page shows.
type PublicPage struct {
	PracticeID   string
	PracticeName string
	Slug         string
	Page         Page
}

// Public reads the practice's public page by its short name.
func (s *Door) Public(ctx context.Context, slug string) (PublicPage, error) {
	pp := PublicPage{Slug: slug}
	err := s.Access.DB.Read(ctx, func(tx *store.Tx) error {
		var err error
		if pp.PracticeID, pp.PracticeName, err = PublicPractice(ctx, tx, slug); err != nil {
			return err
		}
		pp.Page, err = LoadPage(ctx, tx, pp.PracticeID, pp.PracticeName)
		return err
	})
	return pp, err
}

// Submit files a person's inquiry with the practice, unless their address
// has reached the rate limit. The caller has turned away automated
// submissions (honeypot, timing) before: they write nothing at all. The
// submission is on the audit trail as an anonymous change.
func (s *Door) Submit(ctx context.Context, slug string, sub Submission, addressKey string) (string, error) {
	limit, window := s.RateLimit, s.RateWindow
	if limit <= 0 {
		limit = DefaultRateLimit
	}
	if window <= 0 {
		window = DefaultRateWindow
	}
	now := s.now()
	var id string
	err := s.Access.DB.Write(ctx, func(tx *store.Tx) error {
		practiceID, _, err := PublicPractice(ctx, tx, slug)
		if err != nil {
			return err
		}
		since := now.Add(-window)
		over, err := overLimit(ctx, tx, addressKey, since, limit)
		if err != nil {
			return err
		}
		if over {
			return ErrRateLimited
		}
		if ps := sub.Check(); len(ps) > 0 {
			return ps
		}
		if err := recordAttempt(ctx, tx, addressKey, practiceID, now, since); err != nil {
			return err
		}
		if id, err = Insert(ctx, tx, practiceID, sub, now); err != nil {
			return err
		}
		if err := s.tellStaff(ctx, tx, practiceID, id, now); err != nil {
			return err
		}
		return s.record(ctx, tx, access.Actor{Kind: access.Anonymous, PracticeID: practiceID}, "inquiry.create", "inquiry", id, "", "public form")
	})
	return id, err
}

// List reads the queue, newest first, with the count in each status.
func (s *Door) List(ctx context.Context, a access.Actor, status Status) ([]Inquiry, map[Status]int, error) {
	var list []Inquiry
	var counts map[Status]int
	err := s.Access.Do(ctx, a, access.InquiryRead, access.Ref{Type: "inquiry_list"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if list, err = List(ctx, tx, a.PracticeID, status); err != nil {
			return err
		}
		counts, err = Counts(ctx, tx, a.PracticeID)
		return err
	})
	return list, counts, err
}

// Detail is one inquiry with what its page needs to act on it.
type Detail struct {
	Inquiry      Inquiry
	PracticeName string
	// Staff who may be chosen for the new client's care team.
	Therapists, Prescribers []clinic.StaffMember
	// Contacts are the calls and messages logged, oldest first.
	Contacts []Contact
}

// Get reads one inquiry; the read is on the audit trail.
func (s *Door) Get(ctx context.Context, a access.Actor, id string) (Detail, error) {
	var d Detail
	err := s.Access.Do(ctx, a, access.InquiryRead, access.Ref{Type: "inquiry", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if d.Inquiry, err = Load(ctx, tx, a.PracticeID, id); err != nil {
			return err
		}
		if d.Contacts, err = loadContacts(ctx, tx, a.PracticeID, id); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT name FROM practice WHERE id = ?`, a.PracticeID).Scan(&d.PracticeName); err != nil {
			return err
		}
		staff, err := clinic.Staff(ctx, tx, a.PracticeID)
		for _, m := range staff {
			for _, r := range m.Roles {
				switch r {
				case string(access.Therapist):
					d.Therapists = append(d.Therapists, m)
				case string(access.Prescriber):
					d.Prescribers = append(d.Prescribers, m)
				}
			}
		}
		return err
	})
	return d, err
}

// ReplyInput is an email to the person from the queue.
type ReplyInput struct {
	Subject string `json:"subject"`
	Message string `json:"message"`
}

// Check tidies the reply and says what is wrong with it.
func (in *ReplyInput) Check() access.Problems {
	var ps access.Problems
	in.Subject = clinic.OneLine(in.Subject)
	in.Message = strings.TrimSpace(strings.ReplaceAll(in.Message, "\r\n", "\n"))
	ps = required(ps, "subject", in.Subject, maxSubject, "Give the email a subject.", "Keep the subject to 200 characters.")
	ps = required(ps, "message", in.Message, maxText, "Write the message to send.", "Keep the message under 20,000 characters.")
	return ps
}

// required adds to ps the problem of a text that must be given under
// field: missing, or longer than most characters.
func required(ps access.Problems, field, text string, most int, missing, tooLong string) access.Problems {
	switch {
	case text == "":
		return append(ps, &access.Problem{Field: field, Message: missing})
	case utf8.RuneCountInString(text) > most:
		return append(ps, &access.Problem{Field: field, Message: tooLong})
	}
	return ps
}

// crisisFooter ends every email from the queue: an inbox is not watched
// around the clock.
const crisisFooter = "This inbox is not watched around the clock. If you are in crisis, call or text 988 (Suicide & Crisis Lifeline). In an emergency, call 911."

// signature closes an email with who wrote it and for which practice.
func signature(ctx context.Context, tx *store.Tx, staffID, practiceID string) (string, error) {
	var name, creds, practice string
	if err := tx.QueryRow(ctx, `SELECT name FROM practice WHERE id = ?`, practiceID).Scan(&practice); err != nil {
		return "", err
	}
	if staffID != "" {
		if err := tx.QueryRow(ctx, `SELECT full_name, credentials FROM staff WHERE id = ?`, staffID).Scan(&name, &creds); err != nil {
			return "", err
		}
		if creds != "" {
			name += ", " + creds
		}
		return name + "\n" + practice, nil
	}
	return practice, nil
}

// send queues an email to the person in tx and records it on the inquiry.
func (s *Door) send(ctx context.Context, tx *store.Tx, a access.Actor, q Inquiry, kind, subject, message string) error {
	sig, err := signature(ctx, tx, a.StaffID, a.PracticeID)
	if err != nil {
		return err
	}
	body := message + "\n\n" + sig + "\n\n--\n" + crisisFooter + "\n"
	now := s.now()
	outboxID, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: a.PracticeID, To: q.Email, Subject: subject, Text: body}, now)
	if err != nil {
		return err
	}
	return AddReply(ctx, tx, a.PracticeID, q.ID, a.StaffID, kind, q.Email, subject, body, outboxID, now)
}

// Reply emails the person and records the reply; a new inquiry becomes
// replied.
func (s *Door) Reply(ctx context.Context, a access.Actor, id string, in ReplyInput) error {
	defer s.mailQueued()
	return s.Access.Do(ctx, a, access.InquiryManage, access.Ref{Type: "inquiry", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		q, err := Load(ctx, tx, a.PracticeID, id)
		if err != nil {
			return err
		}
		if ps := in.Check(); len(ps) > 0 {
			return ps
		}
		if err := s.send(ctx, tx, a, q, "reply", in.Subject, in.Message); err != nil {
			return err
		}
		if err := MarkReplied(ctx, tx, a.PracticeID, id, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "inquiry.reply", "inquiry", id, "", "")
	})
}

// DeclineInput closes an inquiry: the reason is the practice's record; the
// email, when chosen, is what the person reads.
type DeclineInput struct {
	Reason  string `json:"reason"`
	Notify  bool   `json:"notify"`
	Subject string `json:"subject"`
	Message string `json:"message"`
}

// Check tidies the input and says what is wrong with it.
func (in *DeclineInput) Check() access.Problems {
	var ps access.Problems
	in.Reason = strings.TrimSpace(strings.ReplaceAll(in.Reason, "\r\n", "\n"))
	switch {
	case in.Reason == "":
		ps = append(ps, &access.Problem{Field: "reason", Message: "Give the reason for declining. It stays in the practice's record and is not sent."})
	case utf8.RuneCountInString(in.Reason) > maxMessage:
		ps = append(ps, &access.Problem{Field: "reason", Message: "Keep the reason under 4,000 characters."})
	}
	if in.Notify {
		r := ReplyInput{Subject: in.Subject, Message: in.Message}
		ps = append(ps, r.Check()...)
		in.Subject, in.Message = r.Subject, r.Message
	}
	return ps
}

// DeclineEmail is the kind note offered when declining. It gives no
// reason (that is for a conversation, not an email) and points to help.
func DeclineEmail(name, practice string) (subject, body string) {
	first := strings.Fields(name)
	greeting := "Hello,"
	if len(first) > 0 {
		greeting = "Dear " + first[0] + ","
	}
	return "Your message to " + practice, greeting + "\n\n" +
		"Thank you for reaching out to " + practice + ", and for telling us what brings you. We know it can take a lot to write.\n\n" +
		"We have read your message carefully, and we are not able to offer you ketamine-assisted psychotherapy with us at this time. " +
		"This is not a judgement of you or of what you are going through.\n\n" +
		"Your doctor or a mental health professional near you can help you look at other options that may suit you better. " +
		"If you would like to talk this through, you are welcome to reply to this email.\n\n" +
		"With warm wishes,"
}

// Decline closes an open inquiry with a reason, and emails the person if
// asked to.
func (s *Door) Decline(ctx context.Context, a access.Actor, id string, in DeclineInput) error {
	defer s.mailQueued()
	return s.Access.Do(ctx, a, access.InquiryManage, access.Ref{Type: "inquiry", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		q, err := Load(ctx, tx, a.PracticeID, id)
		if err != nil {
			return err
		}
		if !q.Open() {
			return &Conflict{"This inquiry is no longer open: it was declined or became a client."}
		}
		if ps := in.Check(); len(ps) > 0 {
			return ps
		}
		if err := MarkDeclined(ctx, tx, a.PracticeID, id, a.StaffID, in.Reason, s.now()); err != nil {
			return err
		}
		reason := "declined"
		if in.Notify {
			if err := s.send(ctx, tx, a, q, "decline", in.Subject, in.Message); err != nil {
				return err
			}
			reason = "declined; the person was emailed"
		}
		return s.record(ctx, tx, a, "inquiry.decline", "inquiry", id, "", reason)
	})
}
