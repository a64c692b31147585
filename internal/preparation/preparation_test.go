package preparation_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/preparation"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var ctx = context.Background()

func seed(t *testing.T, db *store.DB) (practice, client, staff string) {
	t.Helper()
	practice, client, staff = store.NewID(), store.NewID(), store.NewID()
	err := db.Write(ctx, func(tx *store.Tx) error {
		now := time.Now()
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, 'p', 'P', 'America/New_York', ?)`, []any{practice, now}},
			{`INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, 'Alex Rivera', ?)`, []any{client, practice, now}},
			{`INSERT INTO staff (id, practice_id, email, full_name, created_at) VALUES (?, ?, 's@example.org', 'Sam Okafor', ?)`, []any{staff, practice, now}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return
}

func problemField(err error) string {
	var p *preparation.Problem
	if errors.As(err, &p) {
		return p.Field
	}
	return ""
}

func TestIntentionsKeepEveryVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		practice, client, _ := seed(t, db)
		at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		db.Write(ctx, func(tx *store.Tx) error {
			for i, text := range []string{"To feel less stuck.", "  To be kinder to myself.  "} {
				if _, err := preparation.SaveIntention(ctx, tx, practice, client, "client", client, text, at.Add(time.Duration(i)*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := preparation.SaveIntention(ctx, tx, practice, client, "client", client, "   ", at); problemField(err) != "text" {
				t.Errorf("an empty intention: %v", err)
			}
			if _, err := preparation.SaveIntention(ctx, tx, practice, client, "client", client, strings.Repeat("x", preparation.MaxIntention+1), at); problemField(err) != "text" {
				t.Errorf("an intention over the limit: %v", err)
			}
			list, err := preparation.Intentions(ctx, tx, client)
			if err != nil || len(list) != 2 || list[0].Text != "To be kinder to myself." {
				t.Fatalf("intentions %+v, %v; want two, newest first, trimmed", list, err)
			}
			return nil
		})
	})
}

func TestAPreparationSessionIsRecordedOnlyOnceHeld(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		practice, client, staff := seed(t, db)
		zone, _ := time.LoadLocation("America/New_York")
		// 23:30 on the 22nd in New York is already the 23rd in UTC.
		now := time.Date(2026, 11, 23, 4, 30, 0, 0, time.UTC)
		db.Write(ctx, func(tx *store.Tx) error {
			cases := []struct {
				day, note, field string
			}{
				{"2026-11-23", "Covered set and setting.", "held_on"}, // tomorrow in the practice's zone
				{"23/11/2026", "Covered set and setting.", "held_on"},
				{"2026-11-22", "   ", "note"},
				{"2026-11-22", "Covered set and setting.", ""},
			}
			for _, c := range cases {
				_, err := preparation.RecordSession(ctx, tx, practice, client, staff, c.day, c.note, zone, now)
				if problemField(err) != c.field || (c.field == "" && err != nil) {
					t.Errorf("%s %q: %v; want a problem with %q", c.day, c.note, err, c.field)
				}
			}
			list, err := preparation.Sessions(ctx, tx, client)
			if err != nil || len(list) != 1 || list[0].StaffName != "Sam Okafor" {
				t.Fatalf("sessions %+v, %v", list, err)
			}
			return nil
		})
	})
}

func TestTheInstructionsAcknowledgementIsBoundToTheTextRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		practice, client, _ := seed(t, db)
		cur := preparation.CurrentInstructions()
		if !strings.Contains(cur.Text, "cannot drive") || len(cur.SHA256) != 64 {
			t.Fatalf("instructions %q / %s", cur.Text[:40], cur.SHA256)
		}
		now := time.Now()
		db.Write(ctx, func(tx *store.Tx) error {
			if err := preparation.Acknowledge(ctx, tx, practice, client, cur.SHA256, "127.0.0.1", false, now); problemField(err) != "agree" {
				t.Errorf("without the box ticked: %v", err)
			}
			if err := preparation.Acknowledge(ctx, tx, practice, client, strings.Repeat("0", 64), "127.0.0.1", true, now); problemField(err) != "agree" {
				t.Errorf("for another text: %v", err)
			}
			if at, _ := preparation.Acknowledged(ctx, tx, client); at != nil {
				t.Fatal("acknowledged without a valid acknowledgement")
			}
			if err := preparation.Acknowledge(ctx, tx, practice, client, cur.SHA256, "127.0.0.1", true, now); err != nil {
				t.Fatal(err)
			}
			if at, _ := preparation.Acknowledged(ctx, tx, client); at == nil {
				t.Fatal("not acknowledged after a valid acknowledgement")
			}
			return nil
		})
	})
}
