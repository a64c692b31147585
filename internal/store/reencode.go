package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
)

// reencodeVersion is the migration that repairs text stored before
// holdspace refused invalid input. It is written in Go, not SQL, because
// it must visit every text column of every table and record what it
// changed in the audit trail. Later migrations take higher numbers.
const reencodeVersion = 17

const reencodeName = "reencode_text (built in: invalid UTF-8 and NUL become U+FFFD)"

func reencodeMigration(d Dialect) *goose.Migration {
	return goose.NewGoMigration(reencodeVersion, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		_, err := reencodeText(ctx, &Tx{tx: tx, d: d})
		return err
	}}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error {
		// The bytes it replaced are gone; going back needs no work.
		return nil
	}})
}

// RepairedRow is one row whose text the re-encoding changed.
type RepairedRow struct {
	Table string
	// Key is the row's id, or its position in the table where it has no id
	// column.
	Key string
	// Practice is the practice the row belongs to, where it says; for an
	// audit entry, its chain.
	Practice string
	// Columns are the columns that changed, with their values before and
	// after, index for index.
	Columns       []string
	Before, After []string
}

// repairRecorder writes the account of a re-encoding in the same
// transaction. The audit package sets it (see RecordRepairsWith).
var repairRecorder func(ctx context.Context, tx *Tx, rows []RepairedRow) error

// RecordRepairsWith names the function that accounts for re-encoded rows.
// The audit package calls it when it is loaded: only it knows how an
// entry is hashed, and store cannot import it. A re-encoding that changes
// rows with no recorder set fails rather than alter records silently.
func RecordRepairsWith(fn func(ctx context.Context, tx *Tx, rows []RepairedRow) error) {
	repairRecorder = fn
}

// RepairText re-encodes, in one transaction, any text that PostgreSQL could
// not store, as the reencode migration did once: for text written since
// by a path that let such bytes through. It returns how many rows it
// changed; zero changes nothing, not even the audit trail.
func (db *DB) RepairText(ctx context.Context) (int, error) {
	var n int
	err := db.Write(ctx, func(tx *Tx) error {
		var err error
		n, err = reencodeText(ctx, tx)
		return err
	})
	return n, err
}

// reencodeText replaces every run of invalid UTF-8 with U+FFFD and every NUL
// with U+FFFD, in every text value of every table. NUL becomes a visible
// mark rather than vanishing so that a reader of clinical text can see
// that something stood there.
func reencodeText(ctx context.Context, tx *Tx) (int, error) {
	tables, err := tablesInOrder(ctx, tx)
	if err != nil {
		return 0, err
	}
	var all []RepairedRow
	for _, t := range tables {
		fixed, err := reencodeTable(ctx, tx, t)
		if err != nil {
			return 0, fmt.Errorf("re-encoding text in %s: %w", t, err)
		}
		all = append(all, fixed...)
	}
	if len(all) == 0 {
		return 0, nil
	}
	if repairRecorder == nil {
		return 0, fmt.Errorf("%d rows hold text that must be re-encoded, but nothing is set to record that in the audit trail", len(all))
	}
	if err := repairRecorder(ctx, tx, all); err != nil {
		return 0, fmt.Errorf("recording the re-encoded text: %w", err)
	}
	return len(all), nil
}

// repaired is what the re-encoding makes of s.
func repaired(s string) string {
	if unportable(s) == "" {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

type pendingFix struct {
	loc  string // rowid on SQLite, ctid on PostgreSQL
	cols []int
	vals []string
	row  RepairedRow
}

func reencodeTable(ctx context.Context, tx *Tx, table string) ([]RepairedRow, error) {
	// The physical row address finds a row whatever its key looks like;
	// it stays valid here because each row is updated once, in this
	// transaction.
	loc, where := "rowid", "rowid = ?"
	if tx.d.Name() == "postgres" {
		loc, where = "ctid::text", "ctid = ?::tid"
	}
	cols, err := columnsOf(ctx, tx, table)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, "SELECT "+loc+", "+quoteList(cols)+" FROM "+quote(table))
	if err != nil {
		return nil, err
	}
	idCol, practiceCol := -1, -1
	for i, c := range cols {
		switch {
		case c == "id":
			idCol = i
		case c == "practice_id", table == "audit_event" && c == "chain":
			practiceCol = i
		}
	}
	vals := make([]any, len(cols)+1)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var fixes []pendingFix
	for rows.Next() {
		if err := rows.Rows.Scan(ptrs...); err != nil {
			rows.Close()
			return nil, err
		}
		var f pendingFix
		for i, v := range vals[1:] {
			s, ok := v.(string)
			if !ok || unportable(s) == "" {
				continue
			}
			f.cols = append(f.cols, i)
			f.vals = append(f.vals, repaired(s))
			f.row.Columns = append(f.row.Columns, cols[i])
			f.row.Before = append(f.row.Before, s)
			f.row.After = append(f.row.After, repaired(s))
		}
		if f.cols == nil {
			continue
		}
		f.loc = fmt.Sprint(vals[0])
		f.row.Table = table
		f.row.Key = table + " row " + f.loc
		if idCol >= 0 {
			f.row.Key = fmt.Sprint(vals[idCol+1])
		}
		if practiceCol >= 0 {
			f.row.Practice = fmt.Sprint(vals[practiceCol+1])
		}
		if table == "practice" && idCol >= 0 {
			f.row.Practice = f.row.Key
		}
		fixes = append(fixes, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(fixes) == 0 {
		return nil, nil
	}
	restore, err := suspendTriggers(ctx, tx, table)
	if err != nil {
		return nil, err
	}
	out := make([]RepairedRow, 0, len(fixes))
	for _, f := range fixes {
		set := make([]string, len(f.cols))
		args := make([]any, 0, len(f.cols)+1)
		for i, c := range f.cols {
			set[i] = quote(cols[c]) + " = ?"
			args = append(args, f.vals[i])
		}
		args = append(args, f.loc)
		if _, err := tx.Exec(ctx, "UPDATE "+quote(table)+" SET "+strings.Join(set, ", ")+" WHERE "+where, args...); err != nil {
			return nil, err
		}
		out = append(out, f.row)
	}
	return out, restore()
}

// suspendTriggers lifts the triggers that keep records such as the audit
// trail and signed notes unchangeable, for the re-encoding alone, and
// returns what puts them back. Both happen inside the migration's
// transaction, so no other writer ever sees the table unguarded.
func suspendTriggers(ctx context.Context, tx *Tx, table string) (func() error, error) {
	if tx.d.Name() == "postgres" {
		if _, err := tx.Exec(ctx, "ALTER TABLE "+quote(table)+" DISABLE TRIGGER USER"); err != nil {
			return nil, err
		}
		return func() error {
			_, err := tx.Exec(ctx, "ALTER TABLE "+quote(table)+" ENABLE TRIGGER USER")
			return err
		}, nil
	}
	rows, err := tx.Query(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?`, table)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := tx.Exec(ctx, "DROP TRIGGER "+quote(n)); err != nil {
			return nil, err
		}
	}
	return func() error {
		// SQLite keeps each trigger's own CREATE statement: putting it
		// back as written restores exactly what the migrations made.
		for _, d := range defs {
			if _, err := tx.Exec(ctx, d); err != nil {
				return err
			}
		}
		return nil
	}, nil
}
