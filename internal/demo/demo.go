// Package demo fills an empty database with a demo practice: enough staff
// and clients, at enough stages of care, to try every part of holdspace.
// Each capability adds its part here. All people are invented.
package demo

import (
	"context"
	"fmt"
	"time"

	"holdspace/internal/store"
)

// PracticeSlug names the demo practice.
const PracticeSlug = "stillwater"

// Person is someone in the demo practice, for the sign-in details printed
// at start.
type Person struct {
	Name  string
	Email string
	Roles []string
}

// Summary says what was loaded.
type Summary struct {
	Practice string
	Staff    []Person
	Clients  []Person
}

var staff = []struct {
	name, email, credentials, licence, npi, dea string
	roles                                       []string
}{
	{"Morgan Avery", "owner@stillwater.example", "", "", "", "", []string{"owner", "admin"}},
	{"Dr. Priya Raman", "prescriber@stillwater.example", "MD", "MD-NY-284613", "1598742630", "BR4839201", []string{"prescriber"}},
	{"Sam Okafor", "therapist@stillwater.example", "LCSW", "LCSW-NY-091734", "1487263905", "", []string{"therapist"}},
	{"Elena Brooks", "therapist2@stillwater.example", "PsyD", "PSY-NY-022871", "1730592846", "", []string{"therapist"}},
	{"Jordan Lee", "monitor@stillwater.example", "RN", "RN-NY-553190", "", "", []string{"monitor"}},
}

var clients = []struct {
	legal, preferred, pronouns, dob, email, phone string
}{
	{"Alex Rivera", "Alex", "they/them", "1988-04-12", "alex@client.example", "+1 555 0101"},
	{"Jamie Chen", "", "she/her", "1979-09-30", "jamie@client.example", "+1 555 0102"},
	{"Robert Haines", "Rob", "he/him", "1965-01-17", "rob@client.example", "+1 555 0103"},
	{"Maya Thompson", "", "she/her", "1993-06-05", "maya@client.example", "+1 555 0104"},
	{"Daniel Ortiz", "Dan", "he/him", "1984-11-22", "dan@client.example", "+1 555 0105"},
	{"Priscilla Nwosu", "Cilla", "she/her", "1971-03-08", "cilla@client.example", "+1 555 0106"},
}

// Empty reports whether the database holds no practice yet.
func Empty(ctx context.Context, db *store.DB) (bool, error) {
	var n int
	err := db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM practice`).Scan(&n)
	})
	return n == 0, err
}

// Load writes the demo practice in one transaction.
func Load(ctx context.Context, db *store.DB, now time.Time) (Summary, error) {
	sum := Summary{Practice: "Stillwater Ketamine Therapy"}
	err := db.Write(ctx, func(tx *store.Tx) error {
		pid := store.NewID()
		if _, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
			pid, PracticeSlug, sum.Practice, "America/New_York", now); err != nil {
			return fmt.Errorf("demo practice: %w", err)
		}
		for _, s := range staff {
			id := store.NewID()
			if _, err := tx.Exec(ctx, `INSERT INTO staff (id, practice_id, email, full_name, credentials, licence_number, npi, dea_number, active, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, pid, s.email, s.name, s.credentials, s.licence, s.npi, s.dea, true, now); err != nil {
				return fmt.Errorf("demo staff: %w", err)
			}
			for _, role := range s.roles {
				if _, err := tx.Exec(ctx, `INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, id, role); err != nil {
					return err
				}
			}
			sum.Staff = append(sum.Staff, Person{Name: s.name, Email: s.email, Roles: s.roles})
		}
		for _, c := range clients {
			if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, preferred_name, pronouns, date_of_birth, email, phone, time_zone, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), pid, c.legal, c.preferred, c.pronouns, c.dob, c.email, c.phone, "America/New_York", now); err != nil {
				return fmt.Errorf("demo client: %w", err)
			}
			sum.Clients = append(sum.Clients, Person{Name: c.legal, Email: c.email})
		}
		return nil
	})
	return sum, err
}
