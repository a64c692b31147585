package store

import (
	"strconv"
	"strings"
)

// Dialect is the one place where SQLite and PostgreSQL differ. Queries in
// holdspace are written once, with `?` placeholders; everything that cannot be
// written once lives behind this interface.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Rebind turns `?` placeholders into the dialect's own.
	Rebind(query string) string
	// LockForUpdate is the suffix that locks the selected rows until the
	// transaction ends. SQLite needs none: its single writer serialises.
	LockForUpdate() string

	tablesSQL() string
	// columnsSQL lists one table's columns in their order; its one
	// parameter is the table's name.
	columnsSQL() string
	referencesSQL() string
	// functionsSQL lists stored functions the migrations made (for a
	// restore that replaces everything); empty where there are none.
	functionsSQL() string
}

type sqliteDialect struct{}

func (sqliteDialect) Name() string           { return "sqlite" }
func (sqliteDialect) Rebind(q string) string { return q }
func (sqliteDialect) LockForUpdate() string  { return "" }

type postgresDialect struct{}

func (postgresDialect) Name() string          { return "postgres" }
func (postgresDialect) LockForUpdate() string { return " FOR UPDATE" }

// Rebind numbers the placeholders ($1, $2, …), leaving question marks inside
// quoted literals alone.
func (postgresDialect) Rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// The catalogue queries are the other place the two databases differ: they
// list holdspace's tables and which tables each one references.
func (sqliteDialect) tablesSQL() string {
	return `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
}

func (sqliteDialect) referencesSQL() string {
	return `SELECT m.name, p."table" FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'`
}

func (sqliteDialect) columnsSQL() string {
	return `SELECT name FROM pragma_table_info(?) ORDER BY cid`
}

func (postgresDialect) columnsSQL() string {
	return `SELECT column_name FROM information_schema.columns
	        WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`
}

func (postgresDialect) tablesSQL() string {
	return `SELECT table_name FROM information_schema.tables
	        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
}

func (postgresDialect) referencesSQL() string {
	return `SELECT tc.table_name, ccu.table_name
	        FROM information_schema.table_constraints tc
	        JOIN information_schema.constraint_column_usage ccu
	          ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema
	        WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`
}

func (sqliteDialect) functionsSQL() string { return "" }

func (postgresDialect) functionsSQL() string {
	return `SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	        WHERE n.nspname = current_schema()`
}
