package safety

import (
	"fmt"
	"strings"
	"time"
)

// RiskWindow is how long after a medicine session an alert escalates on the
// clock rather than in business hours: mood and suicidal thoughts can worsen
// for up to two weeks after ketamine (KAP.md §1 adverse effects), and a
// weekend is a fifth of that.
const RiskWindow = 14 * 24 * time.Hour

// InRiskWindow says whether an alert raised at raised follows the medicine
// session held at session closely enough to escalate round the clock. A zero
// session means the client has had none.
func InRiskWindow(session, raised time.Time) bool {
	return !session.IsZero() && !session.After(raised) && raised.Sub(session) <= RiskWindow
}

// AudienceOnCall is the practice's on-call clinician at the moment of an
// escalation outside business hours; the event names the person.
const AudienceOnCall Audience = "on_call"

// OnCallSlot is one weekly stretch of the rota: on Day, from From until
// Until in the practice zone, Clinician (a staff id) is the one to reach, on
// Phone when the practice texts or calls through its gateway. A slot does
// not cross midnight; a night is two slots.
type OnCallSlot struct {
	Day       time.Weekday `json:"day"`
	From      TimeOfDay    `json:"from"`
	Until     TimeOfDay    `json:"until"`
	Clinician string       `json:"clinician"`
	Phone     string       `json:"phone,omitempty"`
}

// OnCall says who is reached outside business hours: the rota slot that
// covers the moment, and otherwise the named clinician. A practice with one
// person on call names them and leaves the rota empty.
type OnCall struct {
	Clinician string       `json:"clinician,omitempty"`
	Phone     string       `json:"phone,omitempty"`
	Rota      []OnCallSlot `json:"rota,omitempty"`
}

// OnCallPerson is who is on call at one moment.
type OnCallPerson struct {
	StaffID string `json:"staff_id"`
	Phone   string `json:"phone,omitempty"`
}

// Set says whether anyone at all is named.
func (o OnCall) Set() bool {
	return strings.TrimSpace(o.Clinician) != "" || len(o.Rota) > 0
}

func minutes(t TimeOfDay) int { return t.Hour*60 + t.Minute }

// At returns who is on call at t in loc: the first rota slot covering t,
// else the named clinician. ok is false when nobody is.
func (o OnCall) At(t time.Time, loc *time.Location) (OnCallPerson, bool) {
	local := t.In(zoneOr(loc))
	m := local.Hour()*60 + local.Minute()
	for _, s := range o.Rota {
		if s.Day == local.Weekday() && s.Clinician != "" && minutes(s.From) <= m && m < minutes(s.Until) {
			return OnCallPerson{StaffID: s.Clinician, Phone: s.Phone}, true
		}
	}
	if o.Clinician != "" {
		return OnCallPerson{StaffID: o.Clinician, Phone: o.Phone}, true
	}
	return OnCallPerson{}, false
}

// Clinicians lists every staff id the on-call settings name, once each.
func (o OnCall) Clinicians() []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	add(o.Clinician)
	for _, s := range o.Rota {
		add(s.Clinician)
	}
	return out
}

// Validate refuses on-call settings that leave a moment outside business
// hours with nobody to reach: without a named clinician the rota must cover
// every hour the practice is closed. Error messages name the field.
func (o OnCall) Validate(hours BusinessHours) error {
	for i, s := range o.Rota {
		if strings.TrimSpace(s.Clinician) == "" {
			return Invalid(fmt.Sprintf("rota.%d.clinician", i), fmt.Sprintf("on-call rota line %d: choose who is on call", i+1))
		}
		if s.Day < time.Sunday || s.Day > time.Saturday {
			return Invalid(fmt.Sprintf("rota.%d.day", i), fmt.Sprintf("on-call rota line %d: weekday %d is not 0 (Sunday) to 6 (Saturday)", i+1, s.Day))
		}
		if !s.From.valid() || !s.Until.valid() || minutes(s.Until) <= minutes(s.From) {
			return Invalid(fmt.Sprintf("rota.%d.from", i), fmt.Sprintf("on-call rota line %d: %s %s-%s must end after it starts, within the day", i+1, s.Day, s.From, s.Until))
		}
	}
	if !o.Set() {
		return Invalid("on_call_clinician", "on-call clinician: name who is reached outside business hours; an alert in the two weeks after a medicine session, or a high-severity one, cannot wait for the morning")
	}
	if strings.TrimSpace(o.Clinician) != "" {
		return nil
	}
	if day, from, until, gap := o.firstGap(hours); gap {
		return Invalid("on_call_clinician", fmt.Sprintf("on-call clinician: nobody is on call on %s from %s to %s; add a rota line for it or name an on-call clinician for the gaps",
			day, from, until))
	}
	return nil
}

// firstGap finds the first stretch of the week, Sunday first, that is
// neither business hours nor covered by a rota slot.
func (o OnCall) firstGap(hours BusinessHours) (time.Weekday, TimeOfDay, TimeOfDay, bool) {
	const day = 24 * 60
	for d := time.Sunday; d <= time.Saturday; d++ {
		var covered [day]bool
		mark := func(from, until TimeOfDay) {
			for m := max(minutes(from), 0); m < min(minutes(until), day); m++ {
				covered[m] = true
			}
		}
		for _, h := range hours.Open {
			if h.Day == d && h.Opens.valid() && h.Closes.valid() {
				mark(h.Opens, h.Closes)
			}
		}
		for _, s := range o.Rota {
			if s.Day == d && s.Clinician != "" && s.From.valid() && s.Until.valid() {
				mark(s.From, s.Until)
			}
		}
		for m := 0; m < day; m++ {
			if covered[m] {
				continue
			}
			end := m
			for end < day && !covered[end] {
				end++
			}
			return d, TimeOfDay{m / 60, m % 60}, TimeOfDay{end / 60, end % 60}, true
		}
	}
	return 0, TimeOfDay{}, TimeOfDay{}, false
}
