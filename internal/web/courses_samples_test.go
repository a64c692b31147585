package web

import (
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/course"
	"holdspace/internal/dosing"
	"holdspace/internal/prescribing"
)

func init() {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	booked := at.Add(48 * time.Hour)
	client := clinic.Client{ID: "c1", LegalName: "Alex Rivera"}
	c := course.Course{ID: "k1", ClientID: "c1", IndicationCode: "F33.1", IndicationText: "Major depressive disorder, recurrent, moderate",
		Route: dosing.RouteSublingualRDT, Course: dosing.Course{Status: dosing.CourseActive, PlannedSessions: 3, WindowDays: 21, StartsOn: at},
		MinGapHours: 48, CreatedBy: "Dr. Priya Raman", CreatedAt: at,
		Doses:    []course.Dose{{Number: 1, Mg: 100}, {Number: 2, Mg: 150}, {Number: 3, Mg: 200}, {Number: 4, Mg: 200, TouchUp: true}},
		Changes:  []course.Change{{Number: 2, OldMg: 200, NewMg: 150, Reason: "Nausea at 100 mg.", StaffName: "Dr. Priya Raman", At: at}},
		Sessions: []course.Session{{ID: "s1", Number: 1, ScheduledAt: &at, Status: dosing.SessionHeld}, {ID: "s2", Number: 2, ScheduledAt: &booked, Status: dosing.SessionBooked}},
		Stalled:  true, StallReason: "The medicine session on 20 Nov was missed and has not been rebooked."}
	limit := dosing.Limit{Route: dosing.RouteSublingualRDT, MaxMg: 300, MaxMgPerKg: 4.5}
	ev := &prescribing.Evaluation{Draft: prescribing.Draft{Decision: prescribing.Approved, Limits: []dosing.Limit{limit}}}
	addSamples(map[string]any{
		"courses_overview": coursesOverviewPage{Courses: []course.Summary{{Course: c, ClientName: "Alex"}}, Statuses: []string{"active", "planned"}, Stalled: 1},
		"courses_client":   clientCoursesPage{Nav: chartNav{Client: client}, Courses: []course.Course{c}, CanPlan: true},
		"courses_new": courseNewPage{Nav: chartNav{Client: client}, Current: ev, Limit: &limit, Weight: &dosing.Weight{Kg: 70.3, MeasuredOn: at},
			Diagnoses: []clinic.Diagnosis{{Code: "F33.1", Description: "Major depressive disorder"}}, Routes: dosing.Routes(), Sessions: []int{1, 2},
			DoseFields: []string{"dose.1", "dose.2"}, NotReady: []string{"No prescriber evaluation is on file."}, Warnings: []string{"Session 1: old weight."}},
		"courses_detail": coursePage{Nav: chartNav{Client: client}, Course: &c, Limit: &limit, CanPlan: true, CanBook: true, Numbers: []int{1, 2, 3, 4}},
	})
}
