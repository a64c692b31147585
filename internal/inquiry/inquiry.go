// Package inquiry is how a person first reaches a practice: the public page
// that explains ketamine-assisted psychotherapy in the practice's words,
// the inquiry form under it, and the staff queue where each inquiry is
// answered, declined or turned into a client with a portal invitation.
//
// Inquiries hold personal data of people who are not yet clients. They are
// records of the practice: every use case that reads or changes one runs
// through access.Service.Do with the InquiryManage action (or ClientCreate
// for a conversion), so it is decided and audited in its transaction. Only
// the public submission runs without an actor; it is audited as anonymous.
package inquiry

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
)

// Status is where an inquiry stands in the queue.
type Status string

const (
	New       Status = "new"
	Replied   Status = "replied"
	Declined  Status = "declined"
	Converted Status = "converted"
)

// Statuses lists the statuses in the order the queue shows them.
var Statuses = []Status{New, Replied, Declined, Converted}

// Label is the status as staff read it.
func (s Status) Label() string {
	switch s {
	case New:
		return "New"
	case Replied:
		return "Replied"
	case Declined:
		return "Declined"
	case Converted:
		return "Became a client"
	}
	return string(s)
}

// Inquiry is one message from a prospective client, with what the practice
// did about it.
type Inquiry struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Email            string    `json:"email"`
	Phone            string    `json:"phone,omitempty"`
	PreferredContact string    `json:"preferred_contact"`
	Message          string    `json:"message"`
	HeardFrom        string    `json:"heard_from,omitempty"`
	HeardOther       string    `json:"heard_other,omitempty"`
	ConsentAt        time.Time `json:"consent_at"`
	Status           Status    `json:"status"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	// Set when declined: the reason is the practice's own record and is
	// not sent to the person.
	DeclineReason  string     `json:"decline_reason,omitempty"`
	DeclinedAt     *time.Time `json:"declined_at,omitempty"`
	DeclinedByName string     `json:"declined_by,omitempty"`
	// Set when the inquiry became a client.
	ClientID        string     `json:"client_id,omitempty"`
	ConvertedAt     *time.Time `json:"converted_at,omitempty"`
	ConvertedByName string     `json:"converted_by,omitempty"`
	// Replies are the emails sent from the queue, oldest first (only on
	// a single inquiry, not in lists).
	Replies []Reply `json:"replies,omitempty"`
}

// HeardLabel says how the person heard of the practice, in words.
func (q Inquiry) HeardLabel() string {
	label := ""
	for _, o := range HeardOptions {
		if o.Value == q.HeardFrom && o.Value != "" {
			label = o.Label
		}
	}
	if q.HeardOther != "" {
		if label == "" || q.HeardFrom == "other" {
			return q.HeardOther
		}
		return label + ": " + q.HeardOther
	}
	return label
}

// Open reports whether the inquiry still waits for a decision.
func (q Inquiry) Open() bool { return q.Status == New || q.Status == Replied }

// Reply is one email sent to the person from the queue.
type Reply struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"` // reply or decline
	StaffName string    `json:"staff_name,omitempty"`
	To        string    `json:"to"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	SentAt    time.Time `json:"sent_at"`
}

// Option is one choice of a select, value and label.
type Option struct{ Value, Label string }

// HeardOptions are the answers to "how did you hear of us"; the first is
// the empty choice.
var HeardOptions = []Option{
	{"", "Choose one (optional)"},
	{"search", "A web search"},
	{"clinician", "My doctor, therapist or another clinician"},
	{"friend", "A friend or family member"},
	{"media", "A podcast, article or book"},
	{"social", "Social media"},
	{"event", "A talk, workshop or event"},
	{"other", "Somewhere else"},
}

// ContactOptions are the ways a person may ask to be contacted.
var ContactOptions = []Option{{"email", "By email"}, {"phone", "By phone"}}

// Submission is what a person sends with the public form (or the JSON
// endpoint).
type Submission struct {
	Name             string `json:"name"`
	Email            string `json:"email"`
	Phone            string `json:"phone"`
	PreferredContact string `json:"preferred_contact"`
	Message          string `json:"message"`
	HeardFrom        string `json:"heard_from"`
	HeardOther       string `json:"heard_other"`
	Consent          bool   `json:"consent"`
	// Website is the honeypot: hidden from people, filled by bots.
	Website string `json:"website"`
}

// Limits on what a person may type, generous for people and small enough
// that nobody can fill the database through a public form.
const (
	maxName    = 200
	maxMessage = 4000
	maxOther   = 200
	maxSubject = 200
	maxText    = 20000
)

// Automated reports whether the submission filled the honeypot, which a
// person cannot see or reach.
func (s Submission) Automated() bool { return strings.TrimSpace(s.Website) != "" }

// Check tidies the submission and says what is wrong with it, field by
// field, in words for someone who may be anxious about writing at all.
func (s *Submission) Check() access.Problems {
	var ps access.Problems
	s.Name = clinic.OneLine(s.Name)
	s.Email = access.NormaliseEmail(s.Email)
	s.Phone = clinic.OneLine(s.Phone)
	s.PreferredContact = strings.TrimSpace(s.PreferredContact)
	s.Message = strings.TrimSpace(strings.ReplaceAll(s.Message, "\r\n", "\n"))
	s.HeardFrom = strings.TrimSpace(s.HeardFrom)
	s.HeardOther = clinic.OneLine(s.HeardOther)
	switch {
	case s.Name == "":
		ps = append(ps, &access.Problem{Field: "name", Message: "Please tell us your name."})
	case utf8.RuneCountInString(s.Name) > maxName:
		ps = append(ps, &access.Problem{Field: "name", Message: "Please shorten your name to 200 characters."})
	}
	if p := checkEmail("email", s.Email, "Please give an email address such as name@example.org, so that we can answer you."); p != nil {
		ps = append(ps, p)
	}
	if s.Phone != "" && !clinic.PlausiblePhone(s.Phone) {
		ps = append(ps, &access.Problem{Field: "phone", Message: "Please give a phone number with its area code, such as 555 010 1234."})
	}
	switch s.PreferredContact {
	case "email":
	case "phone":
		if s.Phone == "" {
			ps = append(ps, &access.Problem{Field: "phone", Message: "Please give a phone number, or choose to be contacted by email."})
		}
	default:
		ps = append(ps, &access.Problem{Field: "preferred_contact", Message: "Please choose how you would like us to contact you."})
	}
	switch {
	case s.Message == "":
		ps = append(ps, &access.Problem{Field: "message", Message: "Please tell us a little about what brings you here. A sentence or two is enough."})
	case utf8.RuneCountInString(s.Message) > maxMessage:
		ps = append(ps, &access.Problem{Field: "message", Message: "Please keep this under 4,000 characters. We can talk about the rest."})
	}
	if !slices.ContainsFunc(HeardOptions, func(o Option) bool { return o.Value == s.HeardFrom }) {
		ps = append(ps, &access.Problem{Field: "heard_from", Message: "Please choose one of the answers offered, or leave it empty."})
	}
	if utf8.RuneCountInString(s.HeardOther) > maxOther {
		ps = append(ps, &access.Problem{Field: "heard_other", Message: "Please keep this to 200 characters."})
	}
	if !s.Consent {
		ps = append(ps, &access.Problem{Field: "consent", Message: "Please tick the box to let us contact you. We only use your details to answer this message."})
	}
	return ps
}

func checkEmail(field, email, msg string) *access.Problem {
	if !clinic.PlausibleEmail(email) {
		return &access.Problem{Field: field, Message: msg}
	}
	return nil
}

// Errors the web and API layers answer in their own way.
var (
	// ErrNoPractice: no practice has this short name; the page is 404.
	ErrNoPractice error = &fault.Error{Code: fault.NotFound, Message: "There is no practice with this short name."}
	// ErrRateLimited: this address has sent as many inquiries as the
	// limit allows for now.
	ErrRateLimited = errors.New("we have received several messages from your network in the last hour; please wait an hour and send it again, or telephone the practice")
	// ErrNotFound: no such inquiry in the actor's practice (or one of
	// another practice: the two look the same). It is clinic's error, so
	// every layer answers it as it answers any record not found.
	ErrNotFound = clinic.ErrNotFound
)

// Conflict is a change the inquiry's state does not allow (declining one
// that already became a client, converting one twice).
type Conflict struct{ Message string }

func (c *Conflict) Error() string { return c.Message }

// Fault is the conflict in the house's vocabulary.
func (c *Conflict) Fault() *fault.Error {
	return &fault.Error{Code: fault.Conflict, Message: c.Message, Err: c}
}

// Excerpt is the start of the message for a list, cut at a word.
func (q Inquiry) Excerpt(n int) string {
	text := strings.Join(strings.Fields(q.Message), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, ",;:.") + "…"
}
