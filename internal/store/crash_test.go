package store_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"holdspace/internal/store"
)

const crashChildEnv = "HOLDSPACE_CRASH_CHILD_DIR"

// TestMain lets the test binary play the part of a server being killed: run
// with crashChildEnv set, it writes until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	os.Exit(m.Run())
}

func crashChild(dir string) {
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	if _, err := db.Migrate(ctx); err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES ('p', 'p', 'P', 'UTC', ?)`, time.Now())
		return err
	})
	for i := 0; ; i++ {
		err := db.Write(ctx, func(tx *store.Tx) error {
			// Two rows per transaction: after a crash both or neither exist.
			for _, suffix := range []string{"a", "b"} {
				if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, 'p', ?, ?)`,
					fmt.Sprintf("%08d%s", i, suffix), strings.Repeat("x", 200), time.Now()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(2)
		}
		// Tell the parent what is committed.
		fmt.Println("committed", i)
	}
}

func TestKilledDuringWritesTheDatabaseOpensMigratesAndIsWhole(t *testing.T) {
	dir := t.TempDir()
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		lastCommitted := -1
		for lines.Scan() {
			var n int
			if _, err := fmt.Sscanf(lines.Text(), "committed %d", &n); err != nil {
				t.Fatalf("child said %q", lines.Text())
			}
			lastCommitted = n
			if n >= 200 {
				break
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if lastCommitted < 200 {
			t.Fatalf("round %d: child stopped after %d commits", round, lastCommitted)
		}

		db, err := store.Open(ctx, store.Options{DataDir: dir})
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("round %d: migrate after SIGKILL: %v", round, err)
		}
		var check string
		var total, orphans, committed int
		err = db.Read(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM client`).Scan(&total); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM client WHERE id LIKE ?`, fmt.Sprintf("%08da", lastCommitted)).Scan(&committed); err != nil {
				return err
			}
			// A transaction wrote an "a" and a "b" row: never one alone.
			return tx.QueryRow(ctx, `SELECT COUNT(*) FROM client c WHERE NOT EXISTS (
				SELECT 1 FROM client d WHERE substr(d.id, 1, 8) = substr(c.id, 1, 8) AND d.id <> c.id)`).Scan(&orphans)
		})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		if check != "ok" {
			t.Fatalf("round %d: integrity_check = %q", round, check)
		}
		if committed != 1 {
			t.Fatalf("round %d: the last transaction reported committed (%d) is missing", round, lastCommitted)
		}
		if orphans != 0 {
			t.Fatalf("round %d: %d rows of half-written transactions", round, orphans)
		}
		if total%2 != 0 {
			t.Fatalf("round %d: odd row count %d", round, total)
		}
		// Each round starts ids again at 0: clear them so rounds do not collide.
		db, _ = store.Open(ctx, store.Options{DataDir: dir})
		db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, `DELETE FROM client`); return err })
		db.Close()
	}
}
