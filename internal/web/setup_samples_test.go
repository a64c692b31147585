package web

import (
	"time"

	"holdspace/internal/notify"
	"holdspace/internal/safety"
	"holdspace/internal/setup"
)

func init() {
	form := NewForm(nil)
	form.Set("country", "other")
	form.Fail("code", "This is not the setup code holdspace printed when it started.")
	at := time.Date(2026, 12, 7, 15, 4, 0, 0, time.UTC)
	addSamples(map[string]any{
		"setup": setupData{Country: form.Select("country", "Country", "US", "United States", "other", "Another country"),
			Zones: setupZones, Countries: safety.KnownCountries},
		"getting_started": setup.Checklist{Done: 1, MayReview: true, Steps: []setup.Step{
			{Key: setup.StepRooms, Title: "Add the rooms", Link: "/admin/rooms", LinkText: "Rooms", Done: true, DoneNote: "2 rooms"},
			{Key: setup.StepClinicalReview, Title: "A prescriber reviews the settings"},
			{Key: setup.StepTestEmail, Title: "Send yourself a test email"},
			{Key: setup.StepBackup, Title: "Take the first backup"},
		}, Email: &setup.EmailTest{By: "Ruth Okonjo", SentAt: at, Status: notify.Status{LastError: "connection refused"}}},
	})
}
