package mailbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/keyring"
	"holdspace/internal/mailbox"
	"holdspace/internal/notify"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

func TestTheMailboxOpensSealedMailOfItsOwnPracticeOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
		ring, _ := keyring.New(make([]byte, 32))
		acc := &access.Service{DB: db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2),
			Keys: ring, Now: func() time.Time { return at }, Policy: access.DefaultPolicy()}
		door := &mailbox.Door{Access: acc}
		mine, err := access.CreatePractice(ctx, db, "Stillwater", "stillwater", "UTC", at)
		if err != nil {
			t.Fatal(err)
		}
		other, err := access.CreatePractice(ctx, db, "Elsewhere", "elsewhere", "UTC", at)
		if err != nil {
			t.Fatal(err)
		}
		var sentID string
		if err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := notify.EnqueueSealed(ctx, tx, ring, notify.Message{PracticeID: mine, To: "noor@client.test", Subject: "Your code", Text: "Your code is 482913."}, at); err != nil {
				return err
			}
			if sentID, err = notify.Enqueue(ctx, tx, notify.Message{PracticeID: mine, To: "sam@stillwater.test", Subject: "Reminder", Text: "Tomorrow."}, at.Add(-time.Hour)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE outbox SET sent_at = ?, body_text = '' WHERE id = ?`, at, sentID); err != nil {
				return err
			}
			_, err := notify.Enqueue(ctx, tx, notify.Message{PracticeID: other, To: "x@elsewhere.test", Subject: "Theirs", Text: "Not yours."}, at)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		monitor := access.Actor{Kind: access.StaffActor, StaffID: "s1", PracticeID: mine, Roles: []access.Role{access.Monitor}}
		got, err := door.Letters(ctx, monitor)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Subject != "Your code" || got[0].Text != "Your code is 482913.\n" || !got[1].Emptied || got[1].SentAt == nil {
			t.Fatalf("letters: %+v", got)
		}
		client := access.Actor{Kind: access.ClientActor, ClientID: "c1", PracticeID: mine}
		var denied *access.Denied
		if _, err := door.Letters(ctx, client); !errors.As(err, &denied) {
			t.Fatalf("a client read the mailbox: %v", err)
		}
	})
}
