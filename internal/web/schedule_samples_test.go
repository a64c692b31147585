package web

import (
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
)

func init() {
	at := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	med := schedule.Appointment{ID: "a1", Kind: schedule.MedicineSession, Start: at, End: at.Add(150 * time.Minute), RoomID: "r1", RoomName: "Cedar room",
		Status: schedule.Booked, Staff: []schedule.Person{{ID: "s1", Name: "Sam Okafor"}, {ID: "s2", Name: "Jordan Lee"}},
		Clients:   []schedule.Attendee{{ClientID: "c1", Name: "Alex", CourseID: "k1", SessionNumber: 4, CourseSessionID: "cs1"}},
		CreatedBy: "Morgan Avery", CreatedAt: at, UpdatedAt: at, OverrideReason: "Evening slot agreed with the client."}
	group := schedule.Appointment{ID: "a2", Kind: schedule.GroupSession, Title: "Integration circle", Start: at.Add(48 * time.Hour), End: at.Add(51 * time.Hour),
		RoomName: "Willow room", Status: schedule.Cancelled, CancelReason: "Facilitator unwell.", Staff: []schedule.Person{{ID: "s1", Name: "Sam Okafor"}},
		Clients: []schedule.Attendee{{ClientID: "c1", Name: "Alex"}, {ClientID: "c2", Hidden: true}}}
	rooms := []schedule.Room{{ID: "r1", Name: "Cedar room", Active: true}, {ID: "r2", Name: "Old room"}}
	staff := []clinic.StaffMember{{ID: "s1", Name: "Sam Okafor", Roles: []string{"therapist"}}}
	day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	var rows []bookingRow
	for i := range maxGroupRows {
		rows = append(rows, bookingRow{I: i, N: i + 1})
	}
	addSamples(map[string]any{
		"schedule_calendar": calendarPage{View: "week", Date: "2026-11-23", Heading: "Week of 23 November 2026", Staff: staff, Rooms: rooms, Admin: true,
			Days: []calendarDay{{Date: day, Today: true, Items: []schedule.Appointment{med, group}}, {Date: day.AddDate(0, 0, 1)}}},
		"schedule_new": bookingPage{Kinds: schedule.Kinds, Rooms: rooms, Staff: staff, Clients: []clinic.Client{{ID: "c1", LegalName: "Alex Rivera"}},
			Courses: []schedule.CourseOption{{ID: "k1", ClientID: "c1", Label: "Alex: course for F33.1, 6 sessions"}}, Rows: rows,
			Minutes: schedule.DefaultSettings().Minutes, Admin: true, Gate: []string{"Consent is not current."}, Warnings: []string{"The weight is old."}},
		"schedule_appointment": appointmentPage{Appointment: &med, Rooms: rooms, CanManage: true, Admin: true,
			History: []schedule.HistoryEntry{{At: at, By: "Sam Okafor", Action: "appointment.move", What: "moved from Mon 23 Nov 10:00–12:30 to Tue 24 Nov 10:00–12:30"}}},
		"schedule_portal":       portalAppointmentsPage{Upcoming: []schedule.Appointment{med}, Past: []schedule.Appointment{group}, Instructions: textBlocks("Dear Alex,\n\nEating and drinking\n- No food for 2 hours."), NextMedicine: at, FromReminder: true, HasMedicine: true, Now: at},
		"schedule_rooms":        roomsPage{adminTabs: tabsFor("/admin/rooms"), Rooms: rooms},
		"schedule_settings":     scheduleSettingsPage{adminTabs: tabsFor("/admin/schedule-settings"), Kinds: schedule.Kinds, Defaults: schedule.DefaultSettings()},
		"schedule_availability": availabilityPage{StaffID: "s1", StaffName: "Sam Okafor", Staff: staff, Admin: true, Slots: []int{0, 1}, Days: []time.Weekday{time.Monday, time.Sunday}},
		"schedule_feed":         feedPage{Feed: &schedule.Feed{ID: "f1", CreatedAt: at}, URL: "https://example.org/ics/abc"},
	})
}
