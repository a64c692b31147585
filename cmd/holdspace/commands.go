package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/app"
	"holdspace/internal/audit"
	"holdspace/internal/config"
	"holdspace/internal/demo"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// parse fills a Config for one command; -h prints the flags with their
// environment variables.
func parse(e *env, name, summary string, args []string, groups func(*config.Flags)) (config.Config, []string, error) {
	var c config.Config
	f := config.NewFlags(name, &c, e.getenv)
	groups(f)
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.Usage(e.stdout, summary)
			return c, nil, err
		}
		return c, nil, usageError{err}
	}
	return c, f.Args(), nil
}

func newLogger(e *env, c config.Config) *slog.Logger {
	level := slog.LevelInfo
	level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

func openDB(ctx context.Context, c config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, store.Options{Postgres: c.DB, DataDir: c.DataDir})
	if err != nil {
		return nil, fmt.Errorf("%w (check --db / HOLDSPACE_DB, or --data-dir)", err)
	}
	return db, nil
}

// openMigrated opens the database and brings it up to date, for the
// commands that write records (serve does the same through app.Open).
func openMigrated(ctx context.Context, c config.Config) (*store.DB, error) {
	db, err := openDB(ctx, c)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func cmdServe(ctx context.Context, e *env, args []string) error {
	c, rest, err := parse(e, "serve", "Usage: holdspace serve [flags]\n\nStarts the holdspace web server. With no flags it keeps its records in SQLite under ./holdspace-data/ and listens on 127.0.0.1:8080.", args,
		func(f *config.Flags) { f.Database().Keys().Server() })
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", rest[0])}
	}
	log := newLogger(e, c)
	a, err := app.Open(ctx, c, log, versionString())
	if err != nil {
		return err
	}
	defer a.Close()
	if c.Demo {
		empty, err := demo.Empty(ctx, a.DB)
		if err != nil {
			return err
		}
		if empty {
			sum, err := demo.Load(ctx, a.DB, demo.Options{Hasher: a.Access.Hasher, Keys: a.Keys}, time.Now())
			if err != nil {
				return fmt.Errorf("loading the demo practice: %w", err)
			}
			printDemo(e, sum)
		} else {
			fmt.Fprintln(e.stdout, "The database already holds records; the demo practice was not loaded again.")
		}
	}
	ln, err := a.Listen()
	if err != nil {
		return err
	}
	code, err := a.Doors.Setup.Open(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "holdspace %s is running at %s (%s database at %s)\n", a.Version, a.URL(ln), a.DB.Dialect().Name(), a.DB.Where)
	if code != "" {
		// On standard output only, never in the log: whoever reads it may
		// found the practice.
		fmt.Fprintf(e.stdout, "\nNo practice is set up yet. Open %s/setup and give this one-time setup code:\n\n    %s\n\n", strings.TrimSuffix(a.Access.BaseURL, "/"), code)
	}
	if a.MetricsListener != nil {
		fmt.Fprintf(e.stdout, "metrics for monitoring at http://%s/metrics\n", a.MetricsListener.Addr())
	}
	return a.Serve(ctx, ln)
}

func printDemo(e *env, sum demo.Summary) {
	fmt.Fprintf(e.stdout, "Loaded the demo practice %q (invented people). Every account's password is %q.\nStaff:\n", sum.Practice, demo.Password)
	for _, p := range sum.Staff {
		fmt.Fprintf(e.stdout, "  %-31s %-18s %s\n", p.Email, strings.Join(p.Roles, ", "), p.Name)
		if p.Note != "" {
			fmt.Fprintf(e.stdout, "  %-31s %s\n", "", p.Note)
		}
	}
	fmt.Fprintln(e.stdout, "Clients (portal):")
	for _, p := range sum.Clients {
		fmt.Fprintf(e.stdout, "  %-31s %s\n", p.Email, p.Name)
	}
}

func cmdMigrate(ctx context.Context, e *env, args []string) error {
	c, rest, err := parse(e, "migrate", "Usage: holdspace migrate [flags] up|status\n\n  up      apply every pending migration (serve also does this at start) and re-encode any text\n          that is not valid UTF-8 or holds NUL, recording that in the audit trail\n  status  list the migrations and whether each is applied", args,
		func(f *config.Flags) { f.Database() })
	if err != nil {
		return err
	}
	if len(rest) != 1 || (rest[0] != "up" && rest[0] != "status") {
		return usageError{errors.New("say what to do: holdspace migrate up, or holdspace migrate status")}
	}
	db, err := openDB(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	if rest[0] == "up" {
		n, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		// The re-encoding migration ran once; text let in since (an older
		// holdspace writing to this database) is caught here, so that an
		// operator told to migrate before moving to PostgreSQL can.
		fixed, err := db.RepairText(ctx)
		if err != nil {
			return err
		}
		if fixed > 0 {
			fmt.Fprintf(e.stdout, "Re-encoded text PostgreSQL could not store in %d row(s); the audit trail records which.\n", fixed)
		}
		fmt.Fprintf(e.stdout, "Applied %d migration(s); the %s database at %s is current.\n", n, db.Dialect().Name(), db.Where)
		return nil
	}
	states, err := db.Migrations(ctx)
	if err != nil {
		return err
	}
	pending := 0
	for _, s := range states {
		mark := "applied"
		if !s.Applied {
			mark = "pending"
			pending++
		}
		fmt.Fprintf(e.stdout, "%5d  %-8s %s\n", s.Version, mark, s.Name)
	}
	fmt.Fprintf(e.stdout, "%d pending.\n", pending)
	return nil
}

func cmdBackup(ctx context.Context, e *env, args []string) error {
	c, rest, err := parse(e, "backup", "Usage: holdspace backup [flags] FILE\n\nWrites a consistent snapshot of every record to FILE (gzip'd JSON lines), safe while the server runs.\nThe key file is not in it: keep a copy of the key file apart (see docs/OPERATING.md).", args,
		func(f *config.Flags) { f.Database() })
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{errors.New("name the file to write: holdspace backup FILE")}
	}
	path := rest[0]
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", path)
	}
	db, err := openDB(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	sum, err := db.Backup(ctx, f, time.Now())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	// The file is kept whether or not this note is; a practice's checklist
	// alone would miss it, so a failure is said and not fatal.
	if err := db.NoteBackup(ctx, sum.Rows, time.Now()); err != nil {
		fmt.Fprintf(e.stderr, "The backup is written, but holdspace could not note it for the setup checklist: %v\n", err)
	}
	abs, _ := filepath.Abs(path)
	fmt.Fprintf(e.stdout, "Backed up %d rows in %d tables (schema %d) to %s\n", sum.Rows, sum.Tables, sum.SchemaVersion, abs)
	return nil
}

func cmdRestore(ctx context.Context, e *env, args []string) error {
	var force, undigested bool
	c, rest, err := parse(e, "restore", "Usage: holdspace restore [flags] FILE\n\nRestores every record from a backup FILE. Stop the server first. A database that holds records is\nrefused unless --force is given, which replaces everything in it. A backup whose content does not\nmatch its digest is refused before anything is written, and the restored copy's audit trail is\nverified before the restore reports success.", args,
		func(f *config.Flags) {
			f.Database()
			f.FlagSet().BoolVar(&force, "force", false, "replace a database that already holds records")
			f.FlagSet().BoolVar(&undigested, "allow-undigested", false, "accept a backup from before backups carried a digest (its edits cannot be detected)")
		})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{errors.New("name the backup file: holdspace restore FILE")}
	}
	var rep audit.Report
	check := func(ctx context.Context, db *store.DB) error {
		var err error
		if rep, err = audit.Verify(ctx, db); err != nil {
			return fmt.Errorf("verifying the audit trail: %w", err)
		}
		if len(rep.Breaks) > 0 {
			msgs := make([]string, len(rep.Breaks))
			for i, b := range rep.Breaks {
				msgs[i] = b.Error()
			}
			return fmt.Errorf("the audit trail in the backup is broken in %d of %d chains: %s", len(rep.Breaks), rep.Chains, strings.Join(msgs, "; "))
		}
		return nil
	}
	sum, err := store.RestoreFile(ctx, store.Options{Postgres: c.DB, DataDir: c.DataDir}, rest[0], store.RestoreOptions{Force: force, Undigested: undigested, Check: check})
	if err != nil {
		return err
	}
	digest := "its content matched its digest"
	if !sum.Digested {
		digest = "it is from an older holdspace and carries no digest, so only its row counts were checked"
	}
	fmt.Fprintf(e.stdout, "Restored %d rows in %d tables from %s; %s.\n", sum.Rows, sum.Tables, rest[0], digest)
	fmt.Fprintf(e.stdout, "Verified the restored audit trail: %d entries in %d chains are whole.\n", rep.Entries, rep.Chains)
	return nil
}

func cmdDemo(ctx context.Context, e *env, args []string) error {
	c, _, err := parse(e, "demo", "Usage: holdspace demo [flags]\n\nFills an empty database with the demo practice (invented people only).", args,
		func(f *config.Flags) { f.Database().Keys() })
	if err != nil {
		return err
	}
	db, err := openMigrated(ctx, c)
	if err != nil {
		return err
	}
	defer db.Close()
	empty, err := demo.Empty(ctx, db)
	if err != nil {
		return err
	}
	if !empty {
		return errors.New("the database already holds a practice; the demo goes only into an empty database")
	}
	keys, err := keyring.LoadOrCreate(c.KeyFile)
	if err != nil {
		return err
	}
	sum, err := demo.Load(ctx, db, demo.Options{Hasher: access.NewHasher(access.RFC9106Params, 1), Keys: keys}, time.Now())
	if err != nil {
		return err
	}
	printDemo(e, sum)
	return nil
}
