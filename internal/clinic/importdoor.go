package clinic

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/fault"
	"holdspace/internal/store"
)

// Import is a file of clients on its way in: its columns, how they map,
// and every row's problems, or, once imported, its report.
type Import struct {
	ID           string          `json:"id"`
	FileName     string          `json:"file_name"`
	Headers      []string        `json:"headers"`
	Mapping      []string        `json:"mapping"`
	TherapistID  string          `json:"therapist_id"`
	PrescriberID string          `json:"prescriber_id"`
	Rows         int             `json:"rows"`
	Problems     []RowProblem    `json:"problems"`
	MappingProbs access.Problems `json:"-"`
	// Example is the first row's cells, to see what each column holds.
	Example   []string  `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// ImportedAt is set once the clients are in; Imported counts them.
	ImportedAt *time.Time    `json:"imported_at,omitempty"`
	Imported   int           `json:"imported"`
	ByName     string        `json:"-"`
	Staff      NewClientForm `json:"-"`
}

// Ready says whether the import can run: a mapping with a name and no
// problem in any row.
func (im Import) Ready() bool {
	return im.ImportedAt == nil && len(im.MappingProbs) == 0 && len(im.Problems) == 0 && im.Rows > 0
}

var errImportNotFound = fault.New(fault.NotFound, "There is no such import in your practice.")

// StageImport keeps an uploaded file of clients for its mapping and
// preview. A file that cannot be read (too large, another encoding, not
// CSV) is refused and nothing is kept.
func (d *Door) StageImport(ctx context.Context, a access.Actor, fileName string, content []byte) (string, error) {
	f, err := ReadImportFile(content)
	if err != nil {
		return "", err
	}
	if len(f.Headers) == 0 || len(f.Rows) == 0 {
		return "", fileProblem("The file has no clients: it needs a heading row and a row for each client.")
	}
	if !utf8.ValidString(fileName) || utf8.RuneCountInString(fileName) > 200 {
		fileName = "clients.csv"
	}
	mapping, _ := json.Marshal(GuessMapping(f.Headers))
	id := store.NewID()
	err = d.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client_import", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		_, err := tx.Exec(ctx, `INSERT INTO client_import (id, practice_id, staff_id, file_name, content, mapping, row_count, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, a.PracticeID, a.StaffID, fileName, content, string(mapping), len(f.Rows), d.now())
		return err
	})
	return id, err
}

type importRecord struct {
	fileName, mapping, therapistID, prescriberID, byName string
	content                                              []byte
	rows, imported                                       int
	createdAt                                            time.Time
	importedAt                                           sql.NullTime
}

func loadImport(ctx context.Context, tx *store.Tx, practiceID, id string) (importRecord, error) {
	var r importRecord
	err := tx.QueryRow(ctx, `SELECT i.file_name, i.mapping, i.therapist_id, i.prescriber_id, COALESCE(s.full_name, ''), i.content, i.row_count, i.imported_count,
		i.created_at, i.imported_at FROM client_import i LEFT JOIN staff s ON s.id = i.staff_id WHERE i.id = ? AND i.practice_id = ?`, id, practiceID).
		Scan(&r.fileName, &r.mapping, &r.therapistID, &r.prescriberID, &r.byName, &r.content, &r.rows, &r.imported, &r.createdAt, &r.importedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errImportNotFound
	}
	return r, err
}

// loadExisting reads the practice's clients and staff once for checking
// every row against them.
func loadExisting(ctx context.Context, tx *store.Tx, practiceID string) (existing, error) {
	ex := existing{byNameBirth: map[string]string{}, byEmail: map[string]string{}, staffByEmail: map[string]StaffMember{}}
	rows, err := tx.Query(ctx, `SELECT id, legal_name, date_of_birth, email FROM client WHERE practice_id = ?`, practiceID)
	if err != nil {
		return ex, err
	}
	for rows.Next() {
		var id, name, dob, email string
		if err := rows.Scan(&id, &name, &dob, &email); err != nil {
			rows.Close()
			return ex, err
		}
		if dob != "" {
			ex.byNameBirth[foldName(name)+"|"+dob] = id
		}
		if email != "" {
			ex.byEmail[email] = id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ex, err
	}
	staff, err := Staff(ctx, tx, practiceID)
	if err != nil {
		return ex, err
	}
	byID := map[string]StaffMember{}
	for _, s := range staff {
		byID[s.ID] = s
	}
	rows, err = tx.Query(ctx, `SELECT id, email FROM staff WHERE practice_id = ?`, practiceID)
	if err != nil {
		return ex, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, email string
		if err := rows.Scan(&id, &email); err != nil {
			return ex, err
		}
		if s, ok := byID[id]; ok {
			ex.staffByEmail[access.NormaliseEmail(email)] = s
		}
	}
	return ex, rows.Err()
}

// preview reads the kept file through its mapping and checks every row.
func (d *Door) preview(ctx context.Context, tx *store.Tx, a access.Actor, id string) (Import, []NewClient, error) {
	r, err := loadImport(ctx, tx, a.PracticeID, id)
	if err != nil {
		return Import{}, nil, err
	}
	im := Import{ID: id, FileName: r.fileName, TherapistID: r.therapistID, PrescriberID: r.prescriberID, Rows: r.rows, Imported: r.imported,
		CreatedAt: r.createdAt, ByName: r.byName}
	if r.importedAt.Valid {
		t := r.importedAt.Time
		im.ImportedAt = &t
		return im, nil, nil
	}
	f, err := ReadImportFile(r.content)
	if err != nil {
		return im, nil, err
	}
	im.Headers = f.Headers
	if len(f.Rows) > 0 {
		im.Example = f.Rows[0]
	}
	if err := json.Unmarshal([]byte(r.mapping), &im.Mapping); err != nil {
		return im, nil, err
	}
	if im.MappingProbs = CheckMapping(f.Headers, im.Mapping); len(im.MappingProbs) > 0 {
		return im, nil, nil
	}
	loc, err := access.PracticeZone(ctx, tx, a.PracticeID)
	if err != nil {
		return im, nil, err
	}
	ex, err := loadExisting(ctx, tx, a.PracticeID)
	if err != nil {
		return im, nil, err
	}
	clients, ps := checkRows(f, im.Mapping, r.therapistID, r.prescriberID, d.now().In(loc), ex)
	for _, m := range []struct{ field, staffID, role, msg string }{
		{"therapist_id", r.therapistID, "therapist", "Choose a therapist of this practice."},
		{"prescriber_id", r.prescriberID, "prescriber", "Choose a prescriber of this practice."},
	} {
		if m.staffID == "" {
			continue
		}
		ok, err := holdsRole(ctx, tx, a.PracticeID, m.staffID, m.role)
		if err != nil {
			return im, nil, err
		}
		if !ok {
			im.MappingProbs = append(im.MappingProbs, &access.Problem{Field: m.field, Message: m.msg})
		}
	}
	im.Problems = ps
	return im, clients, nil
}

// Import reads a kept file with every row's problems under its mapping,
// or, once imported, its report. Nothing is written but the trail.
func (d *Door) Import(ctx context.Context, a access.Actor, id string) (Import, error) {
	var im Import
	err := d.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client_import", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if im, _, err = d.preview(ctx, tx, a, id); err != nil {
			return err
		}
		staff, err := Staff(ctx, tx, a.PracticeID)
		im.Staff = splitStaff(staff)
		return err
	})
	return im, err
}

// MapImport keeps how the file's columns map to a client's fields, and
// the care team of rows that name none. A mapping that names a field
// twice or no name at all is kept too, and shown with its problems.
func (d *Door) MapImport(ctx context.Context, a access.Actor, id string, mapping []string, therapistID, prescriberID string) error {
	return d.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client_import", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		r, err := loadImport(ctx, tx, a.PracticeID, id)
		if err != nil {
			return err
		}
		if r.importedAt.Valid {
			return fault.New(fault.Conflict, "This file has been imported already.")
		}
		for _, m := range mapping {
			if _, ok := importFieldNamed(m); m != "" && !ok {
				return access.Problems{&access.Problem{Field: "mapping", Message: "Choose one of the fields offered, or none, for each column."}}
			}
		}
		b, _ := json.Marshal(mapping)
		_, err = tx.Exec(ctx, `UPDATE client_import SET mapping = ?, therapist_id = ?, prescriber_id = ? WHERE id = ? AND practice_id = ?`,
			string(b), OneLine(therapistID), OneLine(prescriberID), id, a.PracticeID)
		return err
	})
}

// RunImport brings in every client of the file, or none: in one
// transaction, each row is checked again and written with its care team,
// and the import is one event on the trail with its counts. A row with a
// problem refuses the whole file (*ImportRefused). Imported clients start
// in preparation, with no portal invitation: the practice invites each
// when it is ready to.
func (d *Door) RunImport(ctx context.Context, a access.Actor, id string) (Import, error) {
	var im Import
	err := d.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client_import", ID: id}, func(tx *store.Tx, _ access.Decision) error {
		var clients []NewClient
		var err error
		if im, clients, err = d.preview(ctx, tx, a, id); err != nil {
			return err
		}
		switch {
		case im.ImportedAt != nil:
			return fault.New(fault.Conflict, "This file has been imported already.")
		case len(im.MappingProbs) > 0:
			return im.MappingProbs
		case len(im.Problems) > 0:
			return &ImportRefused{Problems: im.Problems}
		}
		loc, err := access.PracticeZone(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		now := d.now()
		team := 0
		for _, c := range clients {
			if _, err := insertClient(ctx, tx, a.PracticeID, c, loc.String(), now); err != nil {
				return err
			}
			team += len(careTeamOf(c))
		}
		if _, err := tx.Exec(ctx, `UPDATE client_import SET imported_at = ?, imported_count = ?, content = ? WHERE id = ? AND practice_id = ?`,
			now, len(clients), []byte{}, id, a.PracticeID); err != nil {
			return err
		}
		im.ImportedAt, im.Imported = &now, len(clients)
		return record(ctx, tx, a, now, "client.import", "client_import", id, "",
			fmt.Sprintf("%d clients imported with %d care-team places, from %d rows", len(clients), team, im.Rows))
	})
	return im, err
}

// Imports lists the practice's imports, newest first, for their reports.
func (d *Door) Imports(ctx context.Context, a access.Actor) ([]Import, error) {
	var out []Import
	err := d.Access.Do(ctx, a, access.ClientCreate, access.Ref{Type: "client_import"}, func(tx *store.Tx, _ access.Decision) error {
		rows, err := tx.Query(ctx, `SELECT i.id, i.file_name, COALESCE(s.full_name, ''), i.row_count, i.imported_count, i.created_at, i.imported_at
			FROM client_import i LEFT JOIN staff s ON s.id = i.staff_id WHERE i.practice_id = ? ORDER BY i.created_at DESC LIMIT 20`, a.PracticeID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var im Import
			var at sql.NullTime
			if err := rows.Scan(&im.ID, &im.FileName, &im.ByName, &im.Rows, &im.Imported, &im.CreatedAt, &at); err != nil {
				return err
			}
			if at.Valid {
				im.ImportedAt = &at.Time
			}
			out = append(out, im)
		}
		return rows.Err()
	})
	return out, err
}

func splitStaff(staff []StaffMember) NewClientForm {
	var f NewClientForm
	for _, m := range staff {
		for _, r := range m.Roles {
			switch r {
			case "therapist":
				f.Therapists = append(f.Therapists, m)
			case "prescriber":
				f.Prescribers = append(f.Prescribers, m)
			case "monitor":
				f.Monitors = append(f.Monitors, m)
			}
		}
	}
	return f
}
