// Package demo fills an empty database with a demo practice: enough staff
// and clients, at enough stages of care, to try every part of holdspace.
// Each capability adds its part here. All people are invented.
package demo

import (
	"context"
	"fmt"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audit"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// Password is every demo account's password.
const Password = "calm harbour morning"

// OwnerTOTPKey is the demo owner's authenticator key (base32), published so
// the second sign-in step can be tried: add it to any authenticator app.
const OwnerTOTPKey = "JBSWY3DPEHPK3PXPHOLDSPACEDEMOKEY"

// Options are what the demo needs from the running holdspace.
type Options struct {
	Hasher *access.Hasher
	Keys   *keyring.Ring
}

// PracticeSlug names the demo practice.
const PracticeSlug = "stillwater"

// Person is someone in the demo practice, for the sign-in details printed
// at start.
type Person struct {
	Name  string
	Email string
	Roles []string
	Note  string
}

// Summary says what was loaded.
type Summary struct {
	Practice string
	Staff    []Person
	Clients  []Person
}

var staff = []struct {
	key, name, email, credentials, licence, npi, dea string
	roles                                            []string
}{
	{"owner", "Morgan Avery", "owner@stillwater.example", "", "", "", "", []string{"owner", "admin"}},
	{"rx", "Dr. Priya Raman", "prescriber@stillwater.example", "MD", "MD-NY-284613", "1598742630", "BR4839201", []string{"prescriber"}},
	{"sam", "Sam Okafor", "therapist@stillwater.example", "LCSW", "LCSW-NY-091734", "1487263905", "", []string{"therapist"}},
	{"elena", "Elena Brooks", "therapist2@stillwater.example", "PsyD", "PSY-NY-022871", "1730592846", "", []string{"therapist"}},
	{"jordan", "Jordan Lee", "monitor@stillwater.example", "RN", "RN-NY-553190", "", "", []string{"monitor"}},
}

var clients = []struct {
	key, legal, preferred, pronouns, dob, email, phone string
	team                                               []string // staff keys: therapist, prescriber, monitor
}{
	{"alex", "Alex Rivera", "Alex", "they/them", "1988-04-12", "alex@client.example", "+1 555 0101", []string{"sam", "rx", "jordan"}},
	{"jamie", "Jamie Chen", "", "she/her", "1979-09-30", "jamie@client.example", "+1 555 0102", []string{"sam", "rx"}},
	{"robert", "Robert Haines", "Rob", "he/him", "1965-01-17", "rob@client.example", "+1 555 0103", []string{"sam", "rx", "jordan"}},
	{"maya", "Maya Thompson", "", "she/her", "1993-06-05", "maya@client.example", "+1 555 0104", []string{"elena", "rx"}},
	{"daniel", "Daniel Ortiz", "Dan", "he/him", "1984-11-22", "dan@client.example", "+1 555 0105", []string{"elena", "rx"}},
	{"priscilla", "Priscilla Nwosu", "Cilla", "she/her", "1971-03-08", "cilla@client.example", "+1 555 0106", []string{"elena", "rx", "jordan"}},
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
func Load(ctx context.Context, db *store.DB, o Options, now time.Time) (Summary, error) {
	sum := Summary{Practice: "Stillwater Ketamine Therapy"}
	phc, err := o.Hasher.Hash(ctx, Password)
	if err != nil {
		return sum, err
	}
	staffIDs := map[string]string{}
	clientIDs := map[string]string{}
	err = db.Write(ctx, func(tx *store.Tx) error {
		pid := store.NewID()
		// Staff MFA is off in the demo so that anyone can look around; the
		// owner has an authenticator to show the second step. A real
		// practice keeps the default (required).
		if _, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at, staff_mfa_required) VALUES (?, ?, ?, ?, ?, ?)`,
			pid, PracticeSlug, sum.Practice, "America/New_York", now, false); err != nil {
			return fmt.Errorf("demo practice: %w", err)
		}
		if _, err := audit.Append(ctx, tx, audit.Entry{Chain: pid, At: now, ActorKind: "system", Action: "practice.create",
			RecordType: "practice", RecordID: pid, Reason: "demo practice"}); err != nil {
			return err
		}
		account := func(kind, personID, email string) (string, error) {
			id, err := access.CreateAccount(ctx, tx, pid, kind, personID, email, now)
			if err != nil {
				return "", err
			}
			return id, access.SetPasswordHash(ctx, tx, id, phc, now)
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
			staffIDs[s.key] = id
			accountID, err := account("staff", id, s.email)
			if err != nil {
				return err
			}
			p := Person{Name: s.name, Email: s.email, Roles: s.roles}
			if s.key == "owner" {
				if err := access.SetTOTP(ctx, tx, o.Keys, accountID, OwnerTOTPKey); err != nil {
					return err
				}
				p.Note = "authenticator key " + OwnerTOTPKey
			}
			sum.Staff = append(sum.Staff, p)
		}
		for _, c := range clients {
			cid := store.NewID()
			if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, preferred_name, pronouns, date_of_birth, email, phone, time_zone, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, cid, pid, c.legal, c.preferred, c.pronouns, c.dob, c.email, c.phone, "America/New_York", now); err != nil {
				return fmt.Errorf("demo client: %w", err)
			}
			for i, key := range c.team {
				role := [...]string{"therapist", "prescriber", "monitor"}[i]
				if _, err := tx.Exec(ctx, `INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, ?, ?)`,
					cid, staffIDs[key], role, now); err != nil {
					return err
				}
			}
			if _, err := account("client", cid, c.email); err != nil {
				return err
			}
			clientIDs[c.key] = cid
			sum.Clients = append(sum.Clients, Person{Name: c.legal, Email: c.email})
		}
		w := &world{ctx: ctx, tx: tx, practiceID: pid, staff: staffIDs, clients: clientIDs, now: now, keys: o.Keys}
		for _, part := range w.parts() {
			if err := part(); err != nil {
				return err
			}
		}
		return nil
	})
	return sum, err
}

// world is the demo practice as it is being built: what each capability's
// part of the demo needs to add its records. Staff keys: owner, rx, sam,
// elena, jordan. Client keys: alex, jamie, robert, maya, daniel,
// priscilla.
type world struct {
	ctx        context.Context
	tx         *store.Tx
	practiceID string
	staff      map[string]string
	clients    map[string]string
	now        time.Time
	keys       *keyring.Ring
}

// parts lists each capability's part of the demo, in the order they build
// on each other.
func (w *world) parts() []func() error {
	return []func() error{w.inquiries, w.intake, w.prescribing, w.consent, w.preparation, w.courses, w.schedule, w.sessionRecords, w.reminders, w.measures, w.safety}
}
