package web

import (
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
)

func init() {
	at := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	form := NewForm(nil)
	form.Fail("date_of_birth", "Give the date of birth as year-month-day, such as 1988-04-12.")
	staff := []string{"", "Choose", "s1", "Sam Okafor"}
	im := clinic.Import{ID: "i1", FileName: "clients.csv", Headers: []string{"Name", "DOB"}, Mapping: []string{"legal_name", "date_of_birth"},
		Example: []string{"Alex Rivera", "1988-04-12"}, Rows: 200, CreatedAt: at, ByName: "Olivia Hart",
		Problems:     []clinic.RowProblem{{Row: 4, Field: "date_of_birth", Message: "“12/04/1988” is not a date as year-month-day (ISO 8601): write it as 1988-04-12."}, {Row: 9, Field: "email", Message: "A client with this email is already in the practice.", ClientID: "c1"}},
		MappingProbs: access.Problems{}}
	done := im
	done.ImportedAt, done.Imported, done.Problems = &at, 200, nil
	addSamples(map[string]any{
		"clients_new": clientNewData{Therapist: form.Select("therapist_id", "Therapist", staff...).Req(), Prescriber: form.Select("prescriber_id", "Prescriber", staff...).Req(),
			Monitor: form.Select("monitor_id", "Monitor", staff...), Duplicates: []clinic.Match{{ID: "c1", LegalName: "Alex Rivera", DateOfBirth: "1988-04-12", Why: "name and date of birth"}}},
		"clients_import": importData{adminTabs: tabsFor("/client-imports"), Imports: []clinic.Import{im, done}, Bound: "1 MB"},
		"clients_import_file": importFileData{adminTabs: tabsFor("/client-imports"), Import: im, ProblemRows: 2,
			Columns:   []importColumn{{Index: 0, Heading: "Name", Value: "Alex Rivera", Field: form.Select("col0", "“Name” goes to", "", "Leave out", "legal_name", "Legal name").WithHint("In the first row: Alex Rivera")}},
			Therapist: form.Select("therapist_id", "Therapist for rows without one", staff...), Prescriber: form.Select("prescriber_id", "Prescriber for rows without one", staff...)},
	})
}
