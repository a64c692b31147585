package measure_test

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/instrument"
	"holdspace/internal/store"
)

// fixture is a practice with one staff member, made with plain SQL so the
// tests set course dates and sessions exactly.
type fixture struct {
	db       *store.DB
	cat      *instrument.Catalog
	practice string
	staff    string
	zone     *time.Location
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	cat, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	zone, _ := time.LoadLocation("America/New_York")
	f := &fixture{db: db, cat: cat, practice: store.NewID(), staff: store.NewID(), zone: zone}
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	f.exec(t, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`, f.practice, "p"+f.practice[:8], "Test Practice", "America/New_York", at)
	f.exec(t, `INSERT INTO staff (id, practice_id, email, full_name, created_at) VALUES (?, ?, ?, ?, ?)`, f.staff, f.practice, "rx@example.org", "Dr Test", at)
	return f
}

func (f *fixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if err := f.db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (f *fixture) client(t *testing.T, name, email string) string {
	t.Helper()
	id := store.NewID()
	f.exec(t, `INSERT INTO client (id, practice_id, legal_name, email, created_at) VALUES (?, ?, ?, ?, ?)`, id, f.practice, name, email, time.Now())
	return id
}

// course adds a course planned at planned; started zero leaves it planned.
func (f *fixture) course(t *testing.T, clientID, indication, route, status string, planned, started time.Time, reason string) string {
	t.Helper()
	id := store.NewID()
	var starts any
	if !started.IsZero() {
		starts = started.UTC()
	}
	f.exec(t, `INSERT INTO course (id, practice_id, client_id, indication_code, indication_text, route, planned_sessions, window_days, min_gap_hours, status,
		starts_on, stop_reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, 6, 21, 48, ?, ?, ?, ?, ?)`,
		id, f.practice, clientID, indication, "indication", route, status, starts, reason, f.staff, planned.UTC())
	return id
}

func (f *fixture) session(t *testing.T, clientID, courseID string, n int, at time.Time, status string) string {
	t.Helper()
	id := store.NewID()
	f.exec(t, `INSERT INTO course_session (id, practice_id, client_id, course_id, session_number, scheduled_at, status, updated_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, f.practice, clientID, courseID, n, at.UTC(), status, f.staff, at.UTC(), at.UTC())
	return id
}

// phq9 gives PHQ-9 answers adding up to total, item 9 answered safe
// (0) unless nine says otherwise.
func phq9(total, nine int) map[string]int {
	a := map[string]int{"phq9_9": nine}
	left := total - nine
	for i := 1; i <= 8; i++ {
		v := min(left, 3)
		a["phq9_"+string(rune('0'+i))] = v
		left -= v
	}
	return a
}

func write(t *testing.T, db *store.DB, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *store.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
}
