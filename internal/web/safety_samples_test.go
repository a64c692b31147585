package web

import (
	"strings"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/safety"
)

func init() {
	at := time.Date(2026, 11, 20, 15, 4, 0, 0, time.UTC)
	mood, yes, no := 3, true, false
	tr := safety.Trigger{Source: safety.SourceCheckInSelfHarm, Instrument: safety.InstrumentCheckIn, Severity: safety.SeverityModerate, AnsweredAt: at,
		Answers: []safety.QuotedAnswer{{Question: "Since your session, have you had any thoughts of harming yourself?", Answer: "Yes"}, {Question: "Mood", Answer: "3"}},
		Message: "Check-in after medicine session 2: the client answered “Yes”."}
	open := alert.Alert{Alert: safety.Alert{ID: "a1", ClientID: "c1", Trigger: tr, State: safety.AlertEscalated, RaisedAt: at, Level: 1}, ClientName: "Maya"}
	hi := tr
	hi.Severity = safety.SeverityHigh
	done := alert.Alert{Alert: safety.Alert{ID: "a2", ClientID: "c1", Trigger: hi, State: safety.AlertAcknowledged, RaisedAt: at,
		Acknowledgement: &safety.Acknowledgement{By: "s1", Role: "therapist", Action: safety.ActionOther, Note: "Called her sister.", At: at.Add(time.Hour)}},
		ClientName: "Alex", AckName: "Sam Okafor"}
	due := at.Add(time.Hour)
	events := []alert.Event{{Kind: "raised", At: at}, {Kind: "emailed", At: at, ToName: "Sam Okafor", Audience: "care_team"},
		{Kind: "escalated", At: due, Level: 1, Due: &due}, {Kind: "acknowledged", At: due, ByName: "Sam Okafor", Action: "other", Note: "Called."}}
	ci := alert.CheckIn{ID: "k1", ClientID: "c1", ClientName: "Alex", Session: 2, DaysAfter: 1, DueDate: "2026-11-21", WindowOpens: at, DueBy: at.Add(24 * time.Hour)}
	answered := ci
	answered.Mood, answered.Sleep, answered.SelfHarm, answered.AnsweredAt, answered.AlertID = &mood, safety.SleepPoor, &yes, &at, "a1"
	missed := ci
	missed.DaysAfter, missed.MissedAt = 3, &at
	fine := ci
	fine.Mood, fine.Sleep, fine.SelfHarm, fine.AnsweredAt = &mood, safety.SleepGood, &no, &at
	client := clinic.Client{ID: "c1", LegalName: "Alex Rivera"}
	plan := safety.SafetyPlan{WarningSigns: []safety.PlanEntry{{Text: "Not sleeping"}}, InternalCoping: []safety.PlanEntry{{Text: "Walk the dog"}},
		PeopleToAsk: []safety.PlanEntry{{Text: "Sam", Phone: "555-0100"}}, Professionals: []safety.PlanEntry{{Text: "988 Lifeline", Phone: "988"}}, WorthLivingFor: "My daughter"}
	v2 := alert.PlanVersion{PlanVersion: safety.PlanVersion{ClientID: "c1", Version: 2, Plan: plan, Author: "s1", SavedAt: at}, AuthorName: "Sam Okafor"}
	v1 := v2
	v1.Version, v1.Plan.WorthLivingFor = 1, ""
	crisis := alert.CrisisView{Resources: safety.USCrisisResources(), Contact: "(555) 010-0200, weekdays 9-5", Practice: "Stillwater"}
	form := NewForm(nil)
	sfFillPlanForm(form, plan)
	addSamples(map[string]any{
		"safety_alerts": sfAlertsPage{Open: []alert.Alert{open}, Recent: []alert.Alert{done}, Missed: []alert.CheckIn{missed}},
		"safety_alert": sfAlertPage{Alert: open, Events: events, Actions: sfActionLabels(), CanAck: true,
			Messages: []alert.OnCallMessage{{StaffName: "Dr. Priya Raman", Channel: alert.ChannelSMS, Level: 1, CreatedAt: due, SentAt: &due, Attempts: 1}},
			View: alert.View{Alert: open, HeldBy: []string{"Dr. Priya Raman (on call)"}, OnCall: true, RoundTheClock: true, NextDue: due.Add(time.Hour), NextLevel: 2,
				NextTo:  "Dr. Priya Raman, on call, the client's prescriber and the practice owner",
				Contact: alert.ClientContact{Phone: "+1 555 0104", EmergencyName: "Rosa Rivera", EmergencyRelationship: "sister", EmergencyPhone: "+1 555 0141"}}},
		"safety_plan":     safetyPlanPage{Nav: chartNav{Client: client}, Current: &v2, Shown: &v2, History: []alert.PlanVersion{v2, v1}, Steps: sfPlanSteps(plan), Form: sfPlanForm(form), CanWrite: true},
		"safety_checkins": clientCheckInsPage{Nav: chartNav{Client: client}, CheckIns: []alert.CheckIn{answered, missed, fine, ci}, Now: at},
		"safety_settings": safetySettingsPage{Days: []sfDayRow{{1, "Monday"}, {0, "Sunday"}}, LineRows: []int{0, 1}, Zone: "America/New_York",
			OnCall: form.Select("on_call_clinician", "On-call clinician", "", "Nobody named", "s1", "Sam Okafor"), Channel: form.Select("gateway_channel", "Channel", "sms", "Text message"),
			Rota:      []sfRotaRow{{N: 0, Day: form.Select("rota.0.day", "Day", "6", "Saturday"), Clinician: form.Select("rota.0.clinician", "Who", "s1", "Sam Okafor"), From: "00:00", Until: "24:00"}},
			SecretSet: "1 Dec 2026 10:00 EST", HighMin: 1, HighMax: 15, MaxMinutes: 240, MaxDay: 14},
		"safety_portal_checkins": portalCheckInsPage{Open: []alert.CheckIn{ci}, Later: []alert.CheckIn{missed}, Done: []alert.CheckIn{fine}},
		"safety_portal_checkin": portalCheckInPage{CheckIn: ci, Questions: safety.CheckInQuestions(), Sleep: sfSleepOptions(), Moods: []int{0, 1, 2, 10}, Open: true, Crisis: crisis,
			Message: strings.Split(safety.PositiveAnswerMessage(crisis.Resources, "Stillwater"), "\n\n")},
		"safety_portal_crisis": crisis,
		"safety_portal_plan":   portalPlanPage{Plan: &v2, Steps: sfPlanSteps(plan), Crisis: crisis},
	})
}
