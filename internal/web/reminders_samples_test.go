package web

import "holdspace/internal/reminder"

func init() {
	refused := NewForm(nil)
	refused.Set("course.planned_sessions", "0")
	refused.Fail("course.planned_sessions", "Planned medicine sessions must be more than 0; it is 0.")
	refused.Set("hold.at_or_above", "on")
	rs := reminder.DefaultSettings()
	form := reminderForm(rs)
	form.Fail("before.body", "holdspace does not know the placeholder {{client_surname}}; use one of those listed on this page, or remove it.")
	v := reminder.SampleValues()
	addSamples(map[string]any{
		"reminders_medicine": newMedicinePage("/admin/medicine-settings", refused),
		"reminders_settings": remindersPage{adminTabs: tabsFor("/admin/reminders"), Placeholders: reminder.Placeholders(), Kinds: reminder.Kinds(), Restored: "after",
			Previews: []reminderPreview{{Kind: reminder.Before, Subject: reminder.Render(rs.Before.Subject, v), Body: reminder.Render(rs.Before.Body, v)},
				{Kind: reminder.After, Subject: reminder.Render(rs.After.Subject, v), Body: reminder.Render(rs.After.Body, v)}}},
	})
}
