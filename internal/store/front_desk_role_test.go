package store_test

import (
	"testing"
	"time"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// TestTheFrontDeskIsARoleBothDatabasesKeep: after migration 27 a staff
// member may hold front_desk, kept beside the roles they had, and a role
// holdspace does not know is still refused by the database itself.
func TestTheFrontDeskIsARoleBothDatabasesKeep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		practice, staff := store.NewID(), store.NewID()
		err := db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
				practice, "front-desk", "Front Desk Practice", "UTC", time.Now()); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO staff (id, practice_id, email, full_name, created_at) VALUES (?, ?, ?, ?, ?)`,
				staff, practice, "desk@example.org", "Casey Desk", time.Now()); err != nil {
				return err
			}
			for _, role := range []string{"front_desk", "admin"} {
				if _, err := tx.Exec(ctx, `INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, staff, role); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("a front-desk role: %v", err)
		}
		var n int
		if err := db.Read(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM staff_role WHERE staff_id = ?`, staff).Scan(&n)
		}); err != nil || n != 2 {
			t.Fatalf("%d roles kept (%v); want 2", n, err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, staff, "receptionist")
			return err
		})
		if err == nil {
			t.Fatal("the database took a role holdspace does not know")
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO staff_role (staff_id, role) VALUES (?, ?)`, store.NewID(), "front_desk")
			return err
		})
		if err == nil {
			t.Fatal("the rebuilt table lost its key to staff")
		}
	})
}
