package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// RestoreOptions says how a restore may proceed.
type RestoreOptions struct {
	// Force replaces a database that already holds records.
	Force bool
	// Undigested accepts a backup of format 1, from before backups carried
	// a digest. It must be asked for: otherwise an edited file could pass
	// by claiming to be that old.
	Undigested bool
	// Check runs on the restored copy, migrated to this holdspace's schema,
	// before the restore counts as done; its error fails the restore. The
	// caller passes the audit trail's verification here: store cannot
	// import audit, which imports store.
	Check func(ctx context.Context, db *DB) error
}

// RestoreFile replaces the database described by o with the backup at path.
//
// The backup is read end to end first, so a damaged or altered file changes
// nothing. A database that holds any record is refused unless r.Force is
// set. On SQLite the restore is built in a new file beside the old one and
// moved into place only when complete and checked; on PostgreSQL the rows
// go in one transaction, and a copy that fails the check is dropped again.
func RestoreFile(ctx context.Context, o Options, path string, r RestoreOptions) (BackupSummary, error) {
	a, err := openArchive(path)
	if err != nil {
		return BackupSummary{}, err
	}
	if !a.sum.Digested && !r.Undigested {
		return BackupSummary{}, fmt.Errorf("%s is a backup from before backups carried a digest, so an edit to it cannot be detected; "+
			"restore it only if you trust the file, with --allow-undigested", path)
	}
	if o.Postgres != "" && a.unportable != nil {
		u := a.unportable
		return BackupSummary{}, fmt.Errorf("the backup's table %s, column %s, holds %s, which PostgreSQL cannot store; nothing was restored. "+
			"Run holdspace migrate up on the database the backup came from (it re-encodes such text and records that in the audit trail), then back it up again and restore the new file",
			u.Table, u.Column, u.Why)
	}
	sqlitePath := filepath.Join(cmp.Or(o.DataDir, "holdspace-data"), SQLiteFile)
	_, statErr := os.Stat(sqlitePath)
	madeHere := o.Postgres == "" && os.IsNotExist(statErr)
	target, err := Open(ctx, o)
	if err != nil {
		return BackupSummary{}, err
	}
	latest, err := target.latestVersion()
	if err != nil {
		target.Close()
		return BackupSummary{}, err
	}
	if a.header.SchemaVersion > latest {
		target.Close()
		return BackupSummary{}, fmt.Errorf("the backup is from a newer holdspace (schema %d; this one knows up to %d): upgrade holdspace first", a.header.SchemaVersion, latest)
	}
	if _, err := target.Migrate(ctx); err != nil {
		target.Close()
		return BackupSummary{}, err
	}
	n, err := target.rowCount(ctx)
	if err != nil {
		target.Close()
		return BackupSummary{}, err
	}
	if n > 0 && !r.Force {
		target.Close()
		return BackupSummary{}, fmt.Errorf("%w (%d rows at %s): restore refuses to overwrite them; pass --force to replace everything", ErrNotEmpty, n, target.Where)
	}
	if target.dialect.Name() == "sqlite" {
		target.Close()
		if err := restoreSQLite(ctx, o, a, r.Check); err != nil {
			if madeHere {
				// The empty database opened above to count rows was this
				// restore's own; leaving it would look like a restored one.
				for _, suffix := range []string{"", "-wal", "-shm"} {
					os.Remove(sqlitePath + suffix)
				}
			}
			return BackupSummary{}, err
		}
		return a.sum, nil
	}
	defer target.Close()
	if n > 0 {
		if err := target.dropAll(ctx); err != nil {
			return BackupSummary{}, err
		}
	}
	if err := target.restoreInto(ctx, a); err != nil {
		return BackupSummary{}, err
	}
	if r.Check != nil {
		if err := r.Check(ctx, target); err != nil {
			// An operator who missed the error must not find a database
			// that serves as if the restore had worked.
			if derr := target.dropAll(ctx); derr != nil {
				return BackupSummary{}, fmt.Errorf("the restored copy failed its check (%w), and removing it failed too: %w", err, derr)
			}
			return BackupSummary{}, fmt.Errorf("the restored copy failed its check and was removed again, leaving %s empty: %w", target.Where, err)
		}
	}
	return a.sum, nil
}

// restoreInto migrates an empty database to the backup's schema, fills it,
// then brings it up to date: a backup from an older holdspace restores into
// the schema it was made with before newer migrations run over it.
func (db *DB) restoreInto(ctx context.Context, a *archive) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, a.header.SchemaVersion); err != nil {
		return err
	}
	if err := db.restoreRows(ctx, a); err != nil {
		return err
	}
	_, err = db.Migrate(ctx)
	return err
}

func restoreSQLite(ctx context.Context, o Options, a *archive, check func(context.Context, *DB) error) error {
	dir := cmp.Or(o.DataDir, "holdspace-data")
	var rnd [6]byte
	rand.Read(rnd[:])
	tmpDir := filepath.Join(dir, ".restore-"+hex.EncodeToString(rnd[:]))
	defer os.RemoveAll(tmpDir)
	tmp, err := Open(ctx, Options{DataDir: tmpDir})
	if err != nil {
		return err
	}
	if err := tmp.restoreInto(ctx, a); err != nil {
		tmp.Close()
		return err
	}
	if check != nil {
		// The copy is still beside the database it would replace, which
		// stays as it was if the check fails.
		if err := check(ctx, tmp); err != nil {
			tmp.Close()
			return fmt.Errorf("the restored copy failed its check, so %s was left as it was: %w", filepath.Join(dir, SQLiteFile), err)
		}
	}
	// Fold the WAL into the file so the single file is the whole database.
	if _, err := tmp.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	final := filepath.Join(dir, SQLiteFile)
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(final + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return os.Rename(filepath.Join(tmpDir, SQLiteFile), final)
}

// dropAll removes every holdspace table and the migration record, in one
// transaction (PostgreSQL's DDL is transactional).
func (db *DB) dropAll(ctx context.Context) error {
	return db.Write(ctx, func(tx *Tx) error {
		tables, err := tablesInOrder(ctx, tx)
		if err != nil {
			return err
		}
		tables = append(tables, migrationTable)
		for i := len(tables) - 1; i >= 0; i-- {
			if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+quote(tables[i])+" CASCADE"); err != nil {
				return err
			}
		}
		q := tx.d.functionsSQL()
		if q == "" {
			return nil
		}
		rows, err := tx.Query(ctx, q)
		if err != nil {
			return err
		}
		var fns []string
		for rows.Next() {
			var f string
			if err := rows.Scan(&f); err != nil {
				rows.Close()
				return err
			}
			fns = append(fns, f)
		}
		rows.Close()
		for _, f := range fns {
			// f is a regprocedure rendered by PostgreSQL itself.
			if _, err := tx.Exec(ctx, "DROP FUNCTION IF EXISTS "+f+" CASCADE"); err != nil {
				return err
			}
		}
		return nil
	})
}
