package alert

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// View is an alert as its page shows it: its steps, who has it now, when
// it next escalates and to whom, and how to reach the client.
type View struct {
	Alert    Alert
	Events   []Event
	Messages []OnCallMessage
	// HeldBy are the people the alert was last sent to: the ones expected
	// to act now. OnCall marks that the latest step went to the on-call
	// clinician.
	HeldBy []string
	OnCall bool
	// RoundTheClock: the alert escalates at any hour (high severity, or
	// in the two weeks after a medicine session).
	RoundTheClock bool
	// NextDue and NextLevel say when the alert next escalates; NextTo
	// says to whom, in words. NextDue is zero once it is acknowledged.
	NextDue   time.Time
	NextLevel int
	NextTo    string
	// NoGateway: the practice has no text or call gateway, so the on-call
	// clinician hears by email alone.
	NoGateway bool
	Contact   ClientContact
}

// ClientContact is how the clinician who acts reaches the client and
// their emergency contact.
type ClientContact struct {
	Phone, EmergencyName, EmergencyRelationship, EmergencyPhone string
}

// Dial is a number as a tel: link dials it, without the spaces people
// type.
func (ClientContact) Dial(number string) string { return normalPhone(number) }

// Detail loads what the alert page shows at now.
func Detail(ctx context.Context, tx *store.Tx, practiceID, alertID string, now time.Time) (View, error) {
	var v View
	var err error
	if v.Alert, v.Events, err = Get(ctx, tx, practiceID, alertID); err != nil {
		return v, err
	}
	if v.Messages, err = onCallMessages(ctx, tx, practiceID, alertID); err != nil {
		return v, err
	}
	s, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return v, err
	}
	v.NoGateway = s.Gateway.URL == ""
	v.RoundTheClock = v.Alert.RoundTheClock()
	err = tx.QueryRow(ctx, `SELECT phone, emergency_name, emergency_relationship, emergency_phone FROM client WHERE id = ? AND practice_id = ?`,
		v.Alert.ClientID, practiceID).Scan(&v.Contact.Phone, &v.Contact.EmergencyName, &v.Contact.EmergencyRelationship, &v.Contact.EmergencyPhone)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v, err
	}
	if !v.Alert.Open() {
		return v, nil
	}
	seen := map[string]bool{}
	for _, e := range v.Events {
		if e.Level != v.Alert.Level {
			continue
		}
		if e.Kind == "escalated" && e.Recipient != "" {
			v.OnCall = true
		}
		if e.Kind == "emailed" && e.ToName != "" && !seen[e.Recipient] {
			seen[e.Recipient] = true
			name := e.ToName
			if e.Audience == string(safety.AudienceOnCall) {
				name += " (on call)"
			}
			v.HeldBy = append(v.HeldBy, name)
		}
	}
	due, level, ok := safety.NextEscalation(v.Alert.Alert, s.Escalation, now)
	if !ok {
		return v, nil
	}
	v.NextDue, v.NextLevel = due, level
	auds, onCall := s.Escalation.RecipientsAt(v.Alert.Alert, level, due)
	var words []string
	for _, a := range auds {
		switch a {
		case safety.AudienceOnCall:
			name := "the on-call clinician"
			if onCall != nil {
				var n string
				if err := tx.QueryRow(ctx, `SELECT full_name FROM staff WHERE id = ? AND practice_id = ?`, onCall.StaffID, practiceID).Scan(&n); err == nil {
					name = n + ", on call"
				}
			}
			words = append(words, name)
		case safety.AudiencePrescriber:
			words = append(words, "the client's prescriber")
		case safety.AudiencePracticeOwner:
			words = append(words, "the practice owner")
		case safety.AudienceCareTeam:
			words = append(words, "the whole care team")
		}
	}
	v.NextTo = joinWords(words)
	return v, nil
}

func joinWords(w []string) string {
	switch len(w) {
	case 0:
		return ""
	case 1:
		return w[0]
	}
	return strings.Join(w[:len(w)-1], ", ") + " and " + w[len(w)-1]
}
