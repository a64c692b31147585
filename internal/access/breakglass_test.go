package access_test

import (
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The owners' email about emergency access gives its end in the
// practice's time zone, as every time in a message is. Once found: it said
// "until 16:00 UTC" to a practice in New York.
func TestEmergencyAccessIsEmailedToTheOwnersInThePracticesZone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := meta("192.0.2.9")
		sam, _, err := f.svc.AddStaffBySystem(ctx, f.practice, access.StaffInput{Name: "Sam Okafor", Email: "sam@example.org", Roles: []access.Role{access.Therapist}}, goodPassword)
		if err != nil {
			t.Fatal(err)
		}
		clientID := store.NewID()
		if err := db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, 'Jordan Lee', ?)`, clientID, f.practice, f.clk.t)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		until, err := f.svc.BreakGlass(ctx, access.Actor{Kind: access.StaffActor, StaffID: sam, PracticeID: f.practice, Roles: []access.Role{access.Therapist}},
			clientID, "The client called in crisis and their therapist is away.")
		if err != nil {
			t.Fatal(err)
		}
		var body string
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT body_text FROM outbox WHERE to_addr = ? AND subject = 'Emergency access to a client record'`, f.email).Scan(&body)
		}); err != nil {
			t.Fatal(err)
		}
		ny, _ := time.LoadLocation("America/New_York")
		want := "until " + until.In(ny).Format("2 Jan 2006 15:04 MST") + "."
		if !strings.Contains(body, want) || strings.Contains(body, "UTC") {
			t.Errorf("the owners' email says:\n%s\nwant %q and no UTC", body, want)
		}
		if strings.Contains(body, "Jordan") {
			t.Error("the email names the client")
		}
	})
}
