package web

import (
	"time"

	"holdspace/docs"
	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/hazard"
	"holdspace/internal/preparation"
)

func init() {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	items := dosing.Readiness(dosing.ReadinessFacts{IntakeSubmitted: true, PreparationSessionHeld: true})
	intentions := []preparation.Intention{{ID: "i2", Text: "To feel less stuck.\nTo be kinder to myself.", WrittenBy: "client", CreatedAt: at},
		{ID: "i1", Text: "To understand my low moods.", WrittenBy: "client", CreatedAt: at.Add(-48 * time.Hour)}}
	addSamples(map[string]any{
		"portal_preparation": portalPreparationData{Intentions: intentions, Instructions: preparation.CurrentInstructions(), Acknowledged: &at, Items: items},
		"readiness": readinessData{Client: clinic.Client{ID: "c1", LegalName: "Alex Rivera"}, Items: items, Intentions: intentions,
			Sessions: []preparation.Session{{ID: "p1", StaffName: "Sam Okafor", HeldOn: "2026-11-19", Note: "Covered set and setting."}}, CanRecord: true, Today: "2026-11-23"},
	})
}

func init() {
	log, err := hazard.Parse(docs.Hazards)
	if err != nil {
		panic(err)
	}
	addSamples(map[string]any{"hazards": log})
}
