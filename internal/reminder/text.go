// Package reminder emails clients before and after each medicine session:
// before, with the practice's practical instructions (fasting, hydration,
// escort, no driving, what to bring, the time and place); after, with the
// aftercare instructions and whom to call. The practice edits both texts;
// placeholders such as {{client_first_name}} are filled in per email.
// A Worker finds the sessions that are due a reminder and queues exactly
// one email per session, kind and session time through the outbox.
package reminder

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/settings"
	"holdspace/internal/store"
)

// Kind is which reminder of a session.
type Kind string

// The two reminders of a medicine session.
const (
	Before Kind = "before"
	After  Kind = "after"
)

// Kinds lists them in the order pages show them.
func Kinds() []Kind { return []Kind{Before, After} }

// Label names the kind for staff.
func (k Kind) Label() string {
	if k == After {
		return "After the session"
	}
	return "Before the session"
}

// Text is one email as the practice writes it, placeholders and all.
type Text struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Settings are the practice's reminder choices, kept as the
// settings.Reminders document over DefaultSettings.
type Settings struct {
	// HoursBefore: how long before a medicine session the reminder goes.
	// One reminder, not two: it has to arrive while there is still time
	// to arrange an escort and a free day, and the fasting times are in
	// it; a second email the day before adds little for an anxious client
	// but one more message about their treatment in an inbox. 48 h gives
	// two evenings to arrange the ride home. A session booked inside the
	// window gets its reminder at once.
	HoursBefore int `json:"hours_before"`
	// Phone is the practice's number for clients, {{practice_phone}}.
	Phone string `json:"phone"`
	// CrisisLine is who to call in a crisis at any hour, {{crisis_line}}.
	CrisisLine string `json:"crisis_line"`
	// Place is where medicine sessions are held, {{session_place}}; empty
	// means the practice's name.
	Place  string `json:"place"`
	Before Text   `json:"before"`
	After  Text   `json:"after"`
}

// Limits of the settings page.
const (
	MinHoursBefore = 2
	MaxHoursBefore = 7 * 24
	maxSubject     = 200
	maxBody        = 20000
)

// DefaultCrisisLine is the US line (KAP.md §7): 988 by call or text, 911
// in immediate danger. A practice elsewhere writes its own.
const DefaultCrisisLine = "call or text 988 (the Suicide & Crisis Lifeline, in the US), or call 911 if you are in immediate danger"

// The default texts. They do not name the medicine: an inbox is not a
// private place, and the client knows what the session is. Numbers come
// from the practice's medicine settings through placeholders, so the
// email always says what the checklist on the day will check.
var defaultTexts = map[Kind]Text{
	Before: {
		Subject: "Your session at {{practice_name}} on {{session_date}}",
		Body: `Dear {{client_first_name}},

This is a reminder of your session with us:

  {{session_date}} at {{session_time}}
  {{session_place}}

Please arrive 15 minutes early so we can check your blood pressure and talk through your intention without rushing. Plan to stay about three hours, with a quiet rest of the day afterwards.

Eating and drinking
- Please have no food for {{food_fast}} before your session.
- Clear drinks (water, clear juice, tea without milk) are fine until {{liquid_fast}} before; then nothing more.
- Drink well the day before and on the morning of your session: being well hydrated helps.

Alcohol and medicines
- No alcohol or recreational drugs for {{substance_free}} before your session.
- Take your usual medicines unless your prescriber has told you otherwise, and tell us about any sleeping tablets or anxiety medicines you have taken in the last day.

Getting home
- An adult you trust needs to collect you and see you home. If you have not told us their name and phone number yet, please do; if nobody can collect you, we will not be able to hold the session.
- Please do not drive, cycle or operate machinery until the next day, after a night's sleep.

What to bring
- Comfortable, loose clothing and layers.
- An eye mask and headphones if you prefer your own (we have them too).
- A list of your current medicines, and anything that helps you feel at ease.

If you feel unwell, have a fever, something has changed in your health, or you need to move your session, please call us at {{practice_phone}}.

If you are in crisis at any time, {{crisis_line}}.

With warm wishes,
{{practice_name}}
`,
	},
	After: {
		Subject: "After your session at {{practice_name}}",
		Body: `Dear {{client_first_name}},

Thank you for coming in on {{session_date}}. We hope you are resting well.

For the rest of today
- Please do not drive, cycle or operate machinery until tomorrow, after a night's sleep.
- Keep the day quiet: no important decisions and no work that needs care.
- Eat something light when you feel ready, and drink water.
- Avoid alcohol for the rest of the day.

In the next few days
- Feelings and memories from the session may come up. This is common. Writing a few notes, resting and being gentle with yourself can help; bring what comes up to your integration session.
- Some people feel tired or unsteady, or have a headache, for a day. If anything worries you, please call us.

Whom to call
- Questions or concerns: {{practice_name}}, {{practice_phone}}.
- If you feel unsafe or in crisis at any time, {{crisis_line}}.

With warm wishes,
{{practice_name}}
`,
	},
}

// DefaultText is the text holdspace ships for kind, for the "restore the
// default text" button.
func DefaultText(k Kind) Text { return defaultTexts[k] }

// DefaultSettings are the settings of a practice that has saved none.
func DefaultSettings() Settings {
	return Settings{HoursBefore: 48, CrisisLine: DefaultCrisisLine, Before: DefaultText(Before), After: DefaultText(After)}
}

// Text returns the practice's text for kind.
func (s Settings) Text(k Kind) Text {
	if k == After {
		return s.After
	}
	return s.Before
}

// Placeholder is one name the texts may use, with what it becomes.
type Placeholder struct {
	Name, Meaning, Sample string
}

// Placeholders lists every name a text may use; anything else is refused
// when saving. Samples fill the preview.
func Placeholders() []Placeholder {
	return []Placeholder{
		{"client_first_name", "The client's preferred name, or the first word of their legal name", "Alex"},
		{"practice_name", "The practice's name", "Stillwater Ketamine Therapy"},
		{"practice_phone", "The practice's phone number (below)", "+1 555 0100"},
		{"crisis_line", "Who to call in a crisis (below)", DefaultCrisisLine},
		{"session_date", "The day of the session, in the practice's time zone", "Tuesday 24 November 2026"},
		{"session_time", "The time of the session, in the practice's time zone", "10:00 AM EST"},
		{"session_place", "Where sessions are held (below), or the practice's name", "41 Main Street, Kingston"},
		{"session_number", "Which session of the course it is", "4"},
		{"food_fast", "No food before dosing, from the medicine settings' checklist", "2 hours"},
		{"liquid_fast", "No liquid before dosing, from the medicine settings' checklist", "30 minutes"},
		{"substance_free", "No alcohol or benzodiazepine before dosing, from the medicine settings' checklist", "24 hours"},
	}
}

// Values are what the placeholders of one email become.
type Values map[string]string

// SampleValues fill the preview on the settings page.
func SampleValues() Values {
	v := Values{}
	for _, p := range Placeholders() {
		v[p.Name] = p.Sample
	}
	return v
}

var placeholder = regexp.MustCompile(`\{\{\s*([a-zA-Z0-9_.]*)\s*\}\}`)

// Unknown lists the placeholders of text that are not in Placeholders, in
// the order they appear, each once.
func Unknown(text string) []string {
	known := map[string]bool{}
	for _, p := range Placeholders() {
		known[p.Name] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if name := m[1]; !known[name] && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// Render fills the placeholders of text in one pass, so a value that
// itself looks like a placeholder (a name typed as "{{x}}") stays as
// typed. Control characters in values are dropped: a line break in a
// name must not become a header in the subject or a new line in the
// instructions. Email is plain text, so nothing else needs escaping.
func Render(text string, v Values) string {
	return placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		val, ok := v[name]
		if !ok {
			return ""
		}
		return strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, val)
	})
}

// Validate names each problem on the field it concerns: the fields are
// hours_before, phone, crisis_line, place, and before.subject,
// before.body, after.subject, after.body.
func (s Settings) Validate() clinic.Problems {
	var ps clinic.Problems
	if s.HoursBefore < MinHoursBefore || s.HoursBefore > MaxHoursBefore {
		ps.Add("hours_before", "Send the reminder between %d and %d hours before the session; %d was given.", MinHoursBefore, MaxHoursBefore, s.HoursBefore)
	}
	if strings.TrimSpace(s.CrisisLine) == "" {
		ps.Add("crisis_line", "Say whom a client can call in a crisis at any hour; the aftercare email names it.")
	}
	for _, f := range []struct{ field, value string }{{"phone", s.Phone}, {"crisis_line", s.CrisisLine}, {"place", s.Place}} {
		if strings.ContainsAny(f.value, "\r\n") || len(f.value) > 300 {
			ps.Add(f.field, "Keep this to one line of at most 300 characters.")
		}
	}
	for _, k := range Kinds() {
		t := s.Text(k)
		sf, bf := string(k)+".subject", string(k)+".body"
		switch {
		case strings.TrimSpace(t.Subject) == "":
			ps.Add(sf, "Write a subject line.")
		case strings.ContainsAny(t.Subject, "\r\n") || len([]rune(t.Subject)) > maxSubject:
			ps.Add(sf, "Keep the subject to one line of at most %d characters.", maxSubject)
		}
		if strings.TrimSpace(t.Body) == "" {
			ps.Add(bf, "Write the text of the email, or restore the default text.")
		}
		if len(t.Body) > maxBody {
			ps.Add(bf, "Keep the text under %d characters; it is %d.", maxBody, len(t.Body))
		}
		for _, f := range []struct{ field, text string }{{sf, t.Subject}, {bf, t.Body}} {
			if u := Unknown(f.text); len(u) > 0 {
				ps.Add(f.field, "holdspace does not know the placeholder %s; use one of those listed on this page, or remove it.", "{{"+strings.Join(u, "}}, {{")+"}}")
			}
		}
	}
	return ps
}

// Load returns the practice's reminder settings over the defaults.
func Load(ctx context.Context, tx *store.Tx, practiceID string) (Settings, error) {
	s := DefaultSettings()
	if _, err := settings.Load(ctx, tx, practiceID, settings.Reminders, &s); err != nil {
		return DefaultSettings(), err
	}
	return s, nil
}

// Save validates s and saves it for the practice; clinic.Problems when it
// cannot be saved. The caller holds SettingsManage.
func Save(ctx context.Context, tx *store.Tx, practiceID string, s Settings, by string, now time.Time) error {
	s.Phone, s.CrisisLine, s.Place = strings.TrimSpace(s.Phone), strings.TrimSpace(s.CrisisLine), strings.TrimSpace(s.Place)
	if ps := s.Validate(); len(ps) > 0 {
		return ps
	}
	return settings.Save(ctx, tx, practiceID, settings.Reminders, s, by, now)
}

// FirstName is how an email greets the client: the preferred name, or
// the first word of the legal name.
func FirstName(legal, preferred string) string {
	if p := strings.TrimSpace(preferred); p != "" {
		return p
	}
	if f := strings.Fields(legal); len(f) > 0 {
		return f[0]
	}
	return "there"
}

// Duration says minutes the way a client reads them: "2 hours",
// "30 minutes", "1 hour 30 minutes".
func Duration(minutes int) string {
	if minutes <= 0 {
		return "the time your care team gave you"
	}
	h, m := minutes/60, minutes%60
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case h == 0:
		return unit(m, "minute")
	case m == 0:
		return unit(h, "hour")
	}
	return unit(h, "hour") + " " + unit(m, "minute")
}

// Session is what one email is about.
type Session struct {
	Number       int
	At           time.Time
	ClientLegal  string
	ClientPref   string
	PracticeName string
	Zone         *time.Location
}

// ValuesFor fills the placeholders for one session, its time in the
// practice's zone and the fasting numbers from the practice's checklist.
func ValuesFor(s Settings, med dosing.Settings, ss Session) Values {
	zone := ss.Zone
	if zone == nil {
		zone = time.UTC
	}
	at := ss.At.In(zone)
	place := s.Place
	if place == "" {
		place = ss.PracticeName
	}
	phone := s.Phone
	if phone == "" {
		phone = "the number on our website"
	}
	return Values{
		"client_first_name": FirstName(ss.ClientLegal, ss.ClientPref),
		"practice_name":     ss.PracticeName,
		"practice_phone":    phone,
		"crisis_line":       s.CrisisLine,
		"session_date":      at.Format("Monday 2 January 2006"),
		"session_time":      at.Format("3:04 PM MST"),
		"session_place":     place,
		"session_number":    fmt.Sprint(ss.Number),
		"food_fast":         Duration(med.Checklist.FoodFastMinutes),
		"liquid_fast":       Duration(med.Checklist.LiquidFastMinutes),
		"substance_free":    Duration(med.Checklist.SubstanceFreeHours * 60),
	}
}
