package audittrail_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/audittrail"
	"holdspace/internal/fault"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

type fixture struct {
	db       *store.DB
	svc      *access.Service
	door     *audittrail.Door
	practice string
	owner    access.Actor
	sam      string
	client   string
	now      time.Time
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	ring, _ := keyring.New(make([]byte, 32))
	svc := &access.Service{DB: db, Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2),
		Keys: ring, Now: func() time.Time { return now }, BaseURL: "http://127.0.0.1:8080/", Policy: access.DefaultPolicy()}
	pid, err := access.CreatePractice(ctx, db, "Test Practice", "test", "America/New_York", now)
	if err != nil {
		t.Fatal(err)
	}
	ana, _, err := svc.AddStaffBySystem(ctx, pid, access.StaffInput{Name: "Ana Ruiz", Email: "ana@example.org", Roles: []access.Role{access.Owner}}, "tangerine quietly orbits")
	if err != nil {
		t.Fatal(err)
	}
	sam, _, err := svc.AddStaffBySystem(ctx, pid, access.StaffInput{Name: "Sam Okafor", Email: "sam@example.org", Roles: []access.Role{access.Therapist}}, "")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, svc: svc, door: &audittrail.Door{Access: svc, Now: svc.Now}, practice: pid, sam: sam, client: store.NewID(), now: now,
		owner: access.Actor{Kind: access.StaffActor, StaffID: ana, PracticeID: pid, Roles: []access.Role{access.Owner}}}
	if err := db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, email, created_at) VALUES (?, ?, ?, ?, ?)`, f.client, pid, "Harriet Osei", "h@example.org", now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	return storetest.Count(t, f.db, q, args...)
}

func TestTheTrailIsSearchedAndExportedWithinThePractice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		// The owner opens the client's record: an entry naming both.
		if err := f.svc.May(ctx, f.owner, access.ClientRead, access.Ref{Type: "client", ID: f.client, ClientID: f.client}); err != nil {
			t.Fatal(err)
		}

		// Only the choices, for a filter that could not be read.
		got, err := f.door.Search(ctx, f.owner, nil, 10)
		if err != nil || got.Entries != nil || len(got.Staff) != 2 || got.Staff[0].Name != "Ana Ruiz" || got.Staff[1].ID != f.sam {
			t.Fatalf("choices %+v %v", got, err)
		}
		for _, want := range []string{"practice.create", "client.read", "staff.add"} {
			found := false
			for _, a := range got.Actions {
				found = found || a == want
			}
			if !found {
				t.Errorf("actions %v lack %s", got.Actions, want)
			}
		}

		got, err = f.door.Search(ctx, f.owner, &audittrail.Filter{Client: f.client}, 10)
		if err != nil || got.ClientName != "Harriet Osei" || len(got.Entries) != 1 {
			t.Fatalf("by client %+v %v", got, err)
		}
		e := got.Entries[0]
		if e.Action != "client.read" || e.ActorName != "Ana Ruiz" || e.ClientName != "Harriet Osei" || e.Outcome != "allowed" {
			t.Errorf("entry %+v", e)
		}

		all, err := f.door.Search(ctx, f.owner, &audittrail.Filter{}, 3)
		if err != nil || len(all.Entries) != 3 || all.Entries[0].Seq <= all.Entries[1].Seq {
			t.Fatalf("newest first, three: %+v %v", all.Entries, err)
		}
		older, err := f.door.Search(ctx, f.owner, &audittrail.Filter{Before: all.Entries[2].Seq}, 100)
		if err != nil || len(older.Entries) == 0 || older.Entries[0].Seq >= all.Entries[2].Seq {
			t.Fatalf("older page %+v %v", older.Entries, err)
		}

		var exported []audittrail.Entry
		begun := 0
		err = f.door.Export(ctx, f.owner, audittrail.Filter{Staff: f.owner.StaffID, Before: 1}, func() { begun++ }, func(e audittrail.Entry) error {
			if begun != 1 {
				t.Error("an entry came before the export began")
			}
			exported = append(exported, e)
			return nil
		})
		if err != nil || begun != 1 || len(exported) < 3 {
			t.Fatalf("export began %d times with %d entries: %v", begun, len(exported), err)
		}
		for i, e := range exported {
			if e.ActorID != f.owner.StaffID || (i > 0 && e.Seq <= exported[i-1].Seq) {
				t.Fatalf("export entry %d %+v: want the owner's, oldest first", i, e)
			}
		}
		stop := errors.New("the disk is full")
		if err := f.door.Export(ctx, f.owner, audittrail.Filter{}, func() {}, func(audittrail.Entry) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("a broken export: %v", err)
		}

		// Another practice's client names no one here.
		got, err = f.door.Search(ctx, f.owner, &audittrail.Filter{Client: "elsewhere"}, 10)
		if err != nil || got.ClientName != "" || len(got.Entries) != 0 {
			t.Fatalf("unknown client %+v %v", got, err)
		}
	})
}

func TestATherapistIsRefusedTheTrailAndTheRefusalIsOnIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := context.Background()
		sam := access.Actor{Kind: access.StaffActor, StaffID: f.sam, PracticeID: f.practice, Roles: []access.Role{access.Therapist}}
		var denied *access.Denied
		if got, err := f.door.Search(ctx, sam, &audittrail.Filter{}, 10); !errors.As(err, &denied) || got.Entries != nil || got.Staff != nil {
			t.Fatalf("a therapist searched the trail: %+v %v", got, err)
		}
		begun := false
		if err := f.door.Export(ctx, sam, audittrail.Filter{}, func() { begun = true }, func(audittrail.Entry) error { return nil }); !errors.As(err, &denied) || begun {
			t.Fatalf("a therapist exported the trail (begun %v): %v", begun, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_event WHERE actor_id = ? AND outcome = 'denied' AND action IN ('audit.read', 'audit.export')`, f.sam); n != 2 {
			t.Errorf("%d refusals on the trail; want 2", n)
		}
	})
}

func TestATypedFilterIsReadInThePracticeZone(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	f, err := audittrail.ReadFilter(audittrail.Typed{Staff: "s1", Outcome: "denied", From: "2026-11-01", To: "2026-11-23", Before: "40"}, ny)
	if err != nil {
		t.Fatal(err)
	}
	if !f.From.Equal(time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)) || !f.To.Equal(time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)) || f.Before != 40 || f.Staff != "s1" {
		t.Errorf("filter %+v: want 1 Nov local midnight to the end of 23 Nov, before 40", f)
	}
	_, err = audittrail.ReadFilter(audittrail.Typed{Outcome: "maybe", From: "1 Nov", To: "2026-11-23"}, ny)
	fe := fault.Of(err)
	if fe == nil || fe.Code != fault.Invalid {
		t.Fatalf("%v; want an invalid fault", err)
	}
	if m := fe.FieldMap(); len(m) != 2 || m["outcome"] == "" || m["from"] == "" {
		t.Errorf("fields %v; want outcome and from", m)
	}
	_, err = audittrail.ReadFilter(audittrail.Typed{From: "2026-11-23", To: "2026-11-01"}, ny)
	if fe := fault.Of(err); fe == nil || len(fe.Fields) != 1 || fe.Fields[0].Name != "to" || fe.Message != "The end date is before the start date." {
		t.Errorf("%v; want the end date refused", err)
	}
}
