package store

import (
	"context"
	"database/sql"
	"time"
)

// Tx is a transaction that speaks the dialect: callers write `?`
// placeholders and pass times in any zone; Tx stores UTC, truncated to the
// microsecond PostgreSQL keeps, and hands times back in UTC.
type Tx struct {
	tx *sql.Tx
	d  Dialect
}

// Dialect reports which database the transaction is on.
func (t *Tx) Dialect() Dialect { return t.d }

// Exec runs a statement.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.Rebind(query), normalise(args)...)
}

// Query runs a query.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*Rows, error) {
	rows, err := t.tx.QueryContext(ctx, t.d.Rebind(query), normalise(args)...)
	if err != nil {
		return nil, err
	}
	return &Rows{Rows: rows}, nil
}

// Set runs a query of one text column and returns its values as a set:
// the ids of the clients on a care team, of the alerts escalated to
// someone.
func (t *Tx) Set(ctx context.Context, query string, args ...any) (map[string]bool, error) {
	vs, err := t.Strings(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, v := range vs {
		out[v] = true
	}
	return out, nil
}

// Strings runs a query of one text column and returns its values in the
// query's order: the ids of the practices, of a record's clinicians.
func (t *Tx) Strings(ctx context.Context, query string, args ...any) ([]string, error) {
	return All(ctx, t, func(r Scanner) (v string, err error) {
		err = r.Scan(&v)
		return v, err
	}, query, args...)
}

// Scanner is a row to read: one of a query's rows, or QueryRow's one.
type Scanner = interface{ Scan(dest ...any) error }

// All runs a query and reads each of its rows with scan, in the query's
// order (nil when there are none). It is the one loop over a query's
// rows, so that none forgets to close them or to ask why they ended.
func All[T any](ctx context.Context, tx *Tx, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// QueryRow runs a query expected to return at most one row.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *Row {
	return &Row{row: t.tx.QueryRowContext(ctx, t.d.Rebind(query), normalise(args)...)}
}

// Rows wraps sql.Rows so that scanned times come back in UTC.
type Rows struct{ *sql.Rows }

// Scan scans the current row.
func (r *Rows) Scan(dest ...any) error {
	if err := r.Rows.Scan(dest...); err != nil {
		return err
	}
	utc(dest)
	return nil
}

// Row wraps sql.Row so that scanned times come back in UTC.
type Row struct{ row *sql.Row }

// Scan scans the row; sql.ErrNoRows when there is none.
func (r *Row) Scan(dest ...any) error {
	if err := r.row.Scan(dest...); err != nil {
		return err
	}
	utc(dest)
	return nil
}

// Instant is the one conversion of a time for storage: UTC, microseconds.
func Instant(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func normalise(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = Instant(v)
		case *time.Time:
			if v == nil {
				args[i] = nil
			} else {
				args[i] = Instant(*v)
			}
		case sql.NullTime:
			if v.Valid {
				v.Time = Instant(v.Time)
				args[i] = v
			}
		}
	}
	return args
}

func utc(dest []any) {
	for _, d := range dest {
		switch v := d.(type) {
		case *time.Time:
			*v = v.UTC()
		case *sql.NullTime:
			if v.Valid {
				v.Time = v.Time.UTC()
			}
		case **time.Time:
			if *v != nil {
				u := (*v).UTC()
				*v = &u
			}
		}
	}
}
