package alert

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// SettingsView is what the safety settings page edits.
type SettingsView struct {
	Settings Settings
	// Clinicians are the practice's active therapists and prescribers:
	// the people who may be put on call.
	Clinicians []clinic.StaffMember
	// SecretSetAt is when the gateway's secret was last set, zero if none.
	SecretSetAt time.Time
}

// Settings reads the practice's safety settings for the page that
// changes them.
func (d *Door) Settings(ctx context.Context, a access.Actor) (SettingsView, error) {
	var out SettingsView
	err := d.Access.Do(ctx, a, access.SettingsManage, access.Ref{Type: "practice_setting", ID: "safety"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Settings, err = LoadSettings(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		if out.SecretSetAt, err = GatewaySecretSetAt(ctx, tx, a.PracticeID); err != nil {
			return err
		}
		staff, err := clinic.Staff(ctx, tx, a.PracticeID)
		for _, m := range staff {
			if slices.Contains(m.Roles, "prescriber") || slices.Contains(m.Roles, "therapist") {
				out.Clinicians = append(out.Clinicians, m)
			}
		}
		return err
	})
	return out, err
}

// SettingsChange is what a practice changes of its safety settings; who
// hears at each level is kept as stored.
type SettingsChange struct {
	AckWindowMinutes, RepeatMinutes, HighSeverityWindowMinutes int
	Hours                                                      []safety.OpenHours
	DaysAfter                                                  []int
	GraceMinutes                                               int
	SelfHarmSeverity                                           safety.Severity
	Crisis                                                     safety.CrisisResources
	Contact                                                    string
	OnCall                                                     safety.OnCall
	Gateway                                                    Gateway
	// GatewaySecret replaces the gateway's stored secret; empty keeps it.
	GatewaySecret string
}

// over is st with the change made.
func (c SettingsChange) over(st Settings) Settings {
	e := &st.Escalation
	e.AckWindowMinutes, e.RepeatMinutes, e.HighSeverityWindowMinutes = c.AckWindowMinutes, c.RepeatMinutes, c.HighSeverityWindowMinutes
	e.Hours.Open = c.Hours
	e.OnCall = c.OnCall
	st.CheckIns.DaysAfter, st.CheckIns.GraceMinutes, st.CheckIns.SelfHarmSeverity = c.DaysAfter, c.GraceMinutes, c.SelfHarmSeverity
	st.Crisis, st.Contact = c.Crisis, c.Contact
	st.Gateway = c.Gateway
	if st.Gateway.URL == "" {
		// No gateway, no way for it to reach anyone.
		st.Gateway.Channel = ""
	}
	return st
}

// SaveSettings changes the practice's safety settings, and the gateway's
// secret when one is given. unread is the face's refusal of the fields it
// could not read (a fault naming them): once access is decided they are
// refused together with every rule the change breaks, each beside its
// field, and nothing is saved. A rota line's refusal names it by its
// place among the rota's lines ("rota.N.clinician").
func (d *Door) SaveSettings(ctx context.Context, a access.Actor, in SettingsChange, unread error) error {
	return d.Access.Do(ctx, a, access.SettingsManage, access.Ref{Type: "practice_setting", ID: "safety"}, func(tx *store.Tx, _ access.Decision) error {
		refused := &fault.Error{Code: fault.Invalid, Message: "Some settings need attention."}
		if unread != nil {
			f := fault.Of(unread)
			if f == nil {
				return unread
			}
			refused.Fields = append(refused.Fields, f.Fields...)
		}
		st, err := LoadSettings(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		st = in.over(st)
		for _, part := range []struct {
			name  string
			check func() error
		}{{"escalation", st.Escalation.Validate}, {"checkins", st.CheckIns.Validate}, {"crisis", st.Crisis.Validate}} {
			var se *safety.Error
			if err := part.check(); errors.As(err, &se) {
				refused.Fields = append(refused.Fields, fault.Field{Name: settingsField(part.name, se), Message: se.Message})
			} else if err != nil {
				return err
			}
		}
		if len(refused.Fields) > 0 {
			return refused
		}
		if in.GatewaySecret != "" {
			if err := SetGatewaySecret(ctx, tx, d.Keys, a.PracticeID, in.GatewaySecret, a.StaffID, d.now()); err != nil {
				return settingsRefusal(err)
			}
		}
		return settingsRefusal(SaveSettings(ctx, tx, a.PracticeID, st, a.StaffID, d.now()))
	})
}

// settingsRefusal places a refusal of the save (a gateway without its
// secret, an on-call clinician who cannot acknowledge) beside its field.
func settingsRefusal(err error) error {
	var se *safety.Error
	if errors.As(err, &se) && se.Code == safety.CodeInvalid {
		return &fault.Error{Code: fault.Invalid, Message: se.Message, Err: se,
			Fields: []fault.Field{{Name: settingsField("", se), Message: se.Message}}}
	}
	return err
}

// settingsField puts a Validate refusal of part of the settings beside
// the field it is about.
func settingsField(part string, se *safety.Error) string {
	if se.Field != "" {
		return se.Field
	}
	msg := se.Message
	switch {
	case part == "crisis" && strings.Contains(msg, "emergency"):
		return "emergency"
	case part == "crisis":
		return "line.0.name"
	case part == "checkins" && strings.Contains(msg, "grace"):
		return "grace_hours"
	case part == "checkins" && strings.Contains(msg, "severity"):
		return "self_harm_severity"
	case part == "checkins":
		return "days_after"
	case strings.Contains(msg, "acknowledgement window"):
		return "ack_window_minutes"
	case strings.Contains(msg, "repeat"):
		return "repeat_minutes"
	case strings.Contains(msg, "high-severity"):
		return "high_severity_window_minutes"
	}
	return "hours"
}
