package setup_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/fault"
	"holdspace/internal/keyring"
	"holdspace/internal/schedule"
	"holdspace/internal/setup"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var now = time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)

func newDoor(db *store.DB) *setup.Door {
	ring, _ := keyring.New(make([]byte, 32))
	svc := &access.Service{DB: db, Keys: ring, Now: func() time.Time { return now }, BaseURL: "http://holdspace.test/", Policy: access.DefaultPolicy(),
		Hasher: access.NewHasher(access.Argon2Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2)}
	return &setup.Door{Access: svc, Now: svc.Now}
}

func founding(code string) setup.Input {
	return setup.Input{Code: code, Practice: access.Founding{Name: "Quiet Harbour Counselling", Zone: "Europe/London", Country: "GB",
		Address: "1 Harbour Row\nBristol", Phone: "+44 117 496 0000",
		Owner:    access.StaffInput{Name: "Ruth Okonjo", Email: "Ruth@Harbour.example"},
		Password: "tide pools at first light", Confirm: "tide pools at first light"}}
}

func fields(err error) map[string]string {
	f := fault.Of(err)
	if f == nil {
		return nil
	}
	return f.FieldMap()
}

// The first run founds one practice, with its owner able to sign in and
// its country's crisis lines, once: the code is spent, the page gone.
func TestTheFirstRunFoundsThePracticeOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDoor(db)
		if open, _ := d.Available(ctx); open {
			t.Fatal("the setup is open before any code was printed")
		}
		code, err := d.Open(ctx)
		if err != nil || len(code) != 14 || strings.Count(code, "-") != 2 {
			t.Fatalf("code %q, %v", code, err)
		}
		if open, _ := d.Available(ctx); !open {
			t.Fatal("the setup is closed with a fresh code")
		}
		// A person may type the code in small letters and without dashes.
		typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
		got, err := d.Complete(ctx, founding(typed))
		if err != nil {
			t.Fatalf("complete: %v", err)
		}
		if got.OwnerEmail != "ruth@harbour.example" || got.PracticeID == "" {
			t.Errorf("founded %+v", got)
		}
		if _, err := d.Access.SignIn(ctx, "ruth@harbour.example", "tide pools at first light"); err != nil {
			t.Errorf("the owner cannot sign in: %v", err)
		}
		var slug, zone, address, phone, country string
		db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT slug, time_zone, address, phone, country FROM practice WHERE id = ?`, got.PracticeID).Scan(&slug, &zone, &address, &phone, &country)
		})
		if slug != "quiet-harbour-counselling" || zone != "Europe/London" || address != "1 Harbour Row\nBristol" || phone != "+44 117 496 0000" || country != "GB" {
			t.Errorf("practice %q %q %q %q %q", slug, zone, address, phone, country)
		}
		if n := storetest.Count(t, db, `SELECT COUNT(*) FROM staff_role r JOIN staff s ON s.id = r.staff_id WHERE s.practice_id = ? AND r.role IN ('owner', 'admin')`, got.PracticeID); n != 2 {
			t.Errorf("the owner holds %d of owner and admin", n)
		}
		var st alert.Settings
		db.Read(ctx, func(tx *store.Tx) error {
			var err error
			st, err = alert.LoadSettings(ctx, tx, got.PracticeID)
			return err
		})
		if st.Crisis.Region != "GB" || st.Crisis.Emergency != "999" || st.Crisis.Lines[0].Call != "116 123" {
			t.Errorf("crisis lines %+v", st.Crisis)
		}
		if n := storetest.Count(t, db, `SELECT COUNT(*) FROM audit_event WHERE chain = ? AND action IN ('practice.create', 'staff.add')`, got.PracticeID); n != 2 {
			t.Errorf("%d trail entries for the founding", n)
		}
		if open, _ := d.Available(ctx); open {
			t.Error("the setup is still open after the founding")
		}
		if _, err := d.Complete(ctx, founding(code)); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
			t.Errorf("a second founding: %v", err)
		}
		if again, err := d.Open(ctx); err != nil || again != "" {
			t.Errorf("a restart with a practice prints code %q (%v)", again, err)
		}
	})
}

// Every refusal names its field, and nothing is written: the form comes
// back with all that was typed.
func TestTheSetupRefusesWhatIsWrongFieldByField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDoor(db)
		code, _ := d.Open(ctx)
		cases := []struct {
			name  string
			edit  func(*setup.Input)
			field string
		}{
			{"wrong code", func(in *setup.Input) { in.Code = "AAAA-BBBB-CCCC" }, "code"},
			{"no name", func(in *setup.Input) { in.Practice.Name = " " }, "name"},
			{"bad short name", func(in *setup.Input) { in.Practice.Slug = "Quiet Harbour" }, "slug"},
			{"unknown zone", func(in *setup.Input) { in.Practice.Zone = "Mars/Olympus" }, "time_zone"},
			{"no country", func(in *setup.Input) { in.Practice.Country = "" }, "country"},
			{"phone without digits", func(in *setup.Input) { in.Practice.Phone = "call us" }, "phone"},
			{"owner email", func(in *setup.Input) { in.Practice.Owner.Email = "ruth" }, "owner_email"},
			{"short password", func(in *setup.Input) { in.Practice.Password, in.Practice.Confirm = "short", "short" }, "password"},
			{"passwords differ", func(in *setup.Input) { in.Practice.Confirm = "tide pools at last light" }, "confirm"},
			{"other country without lines", func(in *setup.Input) { in.Practice.Country = setup.Other; in.OtherCountry = "DE" }, "emergency"},
			{"other country without a code", func(in *setup.Input) {
				in.Practice.Country, in.Emergency, in.CrisisName, in.CrisisCall = setup.Other, "112", "TelefonSeelsorge", "0800 111 0 111"
			}, "other_country"},
		}
		for _, c := range cases {
			in := founding(code)
			c.edit(&in)
			_, err := d.Complete(ctx, in)
			if f := fields(err); f[c.field] == "" {
				t.Errorf("%s: no problem on %s: %v", c.name, c.field, err)
			}
		}
		if n := storetest.Count(t, db, `SELECT COUNT(*) FROM practice`); n != 0 {
			t.Fatalf("%d practices written by refused setups", n)
		}
		// A practice elsewhere starts with the lines it typed.
		in := founding(code)
		in.Practice.Country, in.OtherCountry, in.Emergency, in.CrisisName, in.CrisisCall = setup.Other, "de", "112", "TelefonSeelsorge", "0800 111 0 111"
		got, err := d.Complete(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var st alert.Settings
		db.Read(ctx, func(tx *store.Tx) error { st, err = alert.LoadSettings(ctx, tx, got.PracticeID); return err })
		if st.Crisis.Region != "DE" || st.Crisis.Emergency != "112" || st.Crisis.Lines[0].Name != "TelefonSeelsorge" {
			t.Errorf("crisis lines %+v", st.Crisis)
		}
	})
}

// Ten wrong codes close the setup until a restart prints a new one, so
// the code cannot be guessed.
func TestWrongCodesCloseTheSetup(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	d := newDoor(db)
	code, _ := d.Open(ctx)
	var err error
	for range setup.MaxTries {
		_, err = d.Complete(ctx, founding("2222-2222-2222"))
	}
	if f := fault.Of(err); f == nil || f.Code != fault.Locked {
		t.Fatalf("the tenth wrong code: %v", err)
	}
	if open, _ := d.Available(ctx); open {
		t.Error("the setup is open after ten wrong codes")
	}
	if _, err := d.Complete(ctx, founding(code)); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
		t.Errorf("the right code after the setup closed: %v", err)
	}
	fresh, _ := d.Open(ctx)
	if _, err := d.Complete(ctx, founding(fresh)); err != nil {
		t.Errorf("the new code after a restart: %v", err)
	}
}

// The checklist ticks each step from the records; the clinical review is a
// prescriber's word, which an owner who is not one cannot give.
func TestTheChecklistFollowsTheRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDoor(db)
		code, _ := d.Open(ctx)
		got, err := d.Complete(ctx, founding(code))
		if err != nil {
			t.Fatal(err)
		}
		owner := access.Actor{Kind: access.StaffActor, StaffID: got.OwnerID, PracticeID: got.PracticeID, Roles: []access.Role{access.Owner, access.Admin}}
		done := func() map[setup.StepKey]bool {
			t.Helper()
			c, err := d.Checklist(ctx, owner)
			if err != nil {
				t.Fatal(err)
			}
			if c.MayReview {
				t.Error("an owner who is no prescriber is offered the clinical review")
			}
			m := map[setup.StepKey]bool{}
			for _, s := range c.Steps {
				m[s.Key] = s.Done
			}
			if len(m) != 8 {
				t.Errorf("%d steps", len(m))
			}
			return m
		}
		for k, v := range done() {
			if v {
				t.Errorf("a new practice has %s done", k)
			}
		}
		if n, total, ok, err := d.Progress(ctx, owner); err != nil || !ok || n != 0 || total != 8 {
			t.Errorf("progress %d/%d %v %v", n, total, ok, err)
		}
		db.Write(ctx, func(tx *store.Tx) error {
			_, err := schedule.AddRoom(ctx, tx, got.PracticeID, "Willow room", now)
			return err
		})
		if err := db.NoteBackup(ctx, 120, now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.SendTestEmail(ctx, owner); err != nil {
			t.Fatal(err)
		}
		m := done()
		if !m[setup.StepRooms] || !m[setup.StepBackup] {
			t.Errorf("rooms %v, backup %v", m[setup.StepRooms], m[setup.StepBackup])
		}
		if m[setup.StepTestEmail] {
			t.Error("a test email still queued is ticked as delivered")
		}
		if n := storetest.Count(t, db, `SELECT COUNT(*) FROM outbox WHERE practice_id = ?`, got.PracticeID); n != 1 {
			t.Errorf("%d emails queued", n)
		}
		err = d.RecordClinicalReview(ctx, owner)
		if f := fault.Of(err); f == nil || f.Code != fault.Forbidden {
			t.Errorf("an owner's clinical review: %v", err)
		}
		if n := storetest.Count(t, db, `SELECT COUNT(*) FROM audit_event WHERE chain = ? AND action = 'clinical_settings.change' AND outcome = 'denied'`, got.PracticeID); n != 1 {
			t.Errorf("%d denied reviews on the trail", n)
		}
		// A front desk or a monitor does not see the checklist at all.
		monitor := access.Actor{Kind: access.StaffActor, StaffID: got.OwnerID, PracticeID: got.PracticeID, Roles: []access.Role{access.Monitor}}
		if _, err := d.Checklist(ctx, monitor); fault.Of(err) == nil || fault.Of(err).Code != fault.Forbidden {
			t.Errorf("a monitor's checklist: %v", err)
		}
		if _, _, ok, err := d.Progress(ctx, monitor); ok || err != nil {
			t.Errorf("a monitor's progress: %v %v", ok, err)
		}
		prescriber := access.Actor{Kind: access.StaffActor, StaffID: got.OwnerID, PracticeID: got.PracticeID, Roles: []access.Role{access.Prescriber}}
		if err := d.RecordClinicalReview(ctx, prescriber); err != nil {
			t.Fatal(err)
		}
		if !done()[setup.StepClinicalReview] {
			t.Error("the prescriber's review is not ticked")
		}
	})
}
