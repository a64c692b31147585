package store_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// schemaDifferences are the ways the schemas the migrations render for the
// two databases may differ, each with why. Every other difference between
// the migrated SQLite and PostgreSQL schemas fails
// TestBothDatabasesHaveTheSameSchema, so a block written for one database
// that makes more or less than its counterpart, or a type word spelt as
// different kinds, is caught the day it is added.
var schemaDifferences = map[string]string{}

// TestBothDatabasesHaveTheSameSchema migrates a SQLite and a PostgreSQL
// database and compares what holdspace relies on: the tables, each
// column's name, kind and nullability, primary keys, unique constraints,
// indexes (their columns, uniqueness and whether partial) and foreign
// keys. Names of indexes and constraints are not compared: each database
// names implicit ones its own way.
func TestBothDatabasesHaveTheSameSchema(t *testing.T) {
	lite := describe(t, storetest.SQLite(t))
	pg := storetest.Postgres(t)
	if pg == nil {
		return
	}
	post := describe(t, pg)
	if len(lite) < 40 {
		t.Fatalf("only %d facts read from SQLite; the description is broken, not the schema", len(lite))
	}
	for _, f := range append(slices.Clone(lite), post...) {
		if strings.Contains(f, "other:") {
			t.Errorf("%s: a column kind the comparison does not know; add it to kind()", f)
		}
	}
	used := map[string]bool{}
	for _, diff := range []struct {
		only string
		a, b []string
	}{{"SQLite", lite, post}, {"PostgreSQL", post, lite}} {
		for _, f := range diff.a {
			if slices.Contains(diff.b, f) {
				continue
			}
			key := diff.only + ": " + f
			if _, ok := schemaDifferences[key]; ok {
				used[key] = true
				continue
			}
			t.Errorf("only in %s", key)
		}
	}
	for key := range schemaDifferences {
		if !used[key] {
			t.Errorf("schemaDifferences lists %q, which is no longer a difference: remove it", key)
		}
	}
}

// The comparison sees what a forgotten migration would leave behind: a
// column, its nullability, an index and a foreign key added to one
// database only.
func TestTheSchemaComparisonSeesAColumnAnIndexAndAKeyAddedToOneDatabase(t *testing.T) {
	db := storetest.SQLite(t)
	before := describe(t, db)
	err := db.Write(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			`ALTER TABLE outbox ADD COLUMN sealed_with TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE outbox ADD COLUMN staff_id TEXT REFERENCES staff(id)`,
			`CREATE UNIQUE INDEX outbox_sealed ON outbox(sealed_with, id) WHERE sealed_with <> ''`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after := describe(t, db)
	var added []string
	for _, f := range after {
		if !slices.Contains(before, f) {
			added = append(added, f)
		}
	}
	want := []string{
		"column outbox.sealed_with text not null",
		"column outbox.staff_id text null",
		"foreign key outbox(staff_id) -> staff(id)",
		"partial unique index outbox(sealed_with,id)",
	}
	if !slices.Equal(added, want) {
		t.Errorf("the comparison saw %q; want %q", added, want)
	}
}

// describe lists the schema as sorted one-line facts, in the same words
// for both databases.
func describe(t *testing.T, db *store.DB) []string {
	t.Helper()
	var facts []string
	add := func(format string, args ...any) { facts = append(facts, fmt.Sprintf(format, args...)) }
	err := db.Read(ctx, func(tx *store.Tx) error {
		if tx.Dialect().Name() == "postgres" {
			return describePostgres(tx, add)
		}
		return describeSQLite(tx, add)
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(facts)
	return slices.Compact(facts)
}

// kind is a column's declared type as one of the kinds holdspace stores.
func kind(declared string) string {
	d := strings.ToLower(strings.TrimSpace(declared))
	switch {
	case strings.Contains(d, "timestamp"), d == "datetime":
		return "time"
	case d == "boolean", d == "bool":
		return "boolean"
	case strings.Contains(d, "int"):
		return "integer"
	case d == "text", strings.Contains(d, "char"):
		return "text"
	case d == "real", strings.Contains(d, "double"), strings.Contains(d, "numeric"), strings.Contains(d, "decimal"):
		return "number"
	case d == "blob", d == "bytea":
		return "bytes"
	case d == "json", d == "jsonb":
		return "text"
	}
	return "other:" + d
}

var skipTable = regexp.MustCompile(`^(goose_db_version|sqlite_.*)$`)

func describeSQLite(tx *store.Tx, add func(string, ...any)) error {
	var tables []string
	rows, err := tx.Query(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		if !skipTable.MatchString(n) {
			tables = append(tables, n)
		}
	}
	rows.Close()
	for _, table := range tables {
		add("table %s", table)
		var pk []string
		rows, err := tx.Query(ctx, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk, cid`, table)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name, typ string
			var notNull bool
			var pkPos int
			if err := rows.Scan(&name, &typ, &notNull, &pkPos); err != nil {
				return err
			}
			// A primary key column is never null, whatever SQLite's
			// declaration says.
			add("column %s.%s %s %s", table, name, kind(typ), nullability(notNull || pkPos > 0))
			if pkPos > 0 {
				pk = append(pk, name)
			}
		}
		rows.Close()
		if len(pk) > 0 {
			add("primary key %s(%s)", table, strings.Join(pk, ","))
		}
		type index struct {
			name, origin string
			unique, part bool
		}
		var idx []index
		rows, err = tx.Query(ctx, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, table)
		if err != nil {
			return err
		}
		for rows.Next() {
			var i index
			if err := rows.Scan(&i.name, &i.unique, &i.origin, &i.part); err != nil {
				return err
			}
			idx = append(idx, i)
		}
		rows.Close()
		for _, i := range idx {
			if i.origin == "pk" {
				continue
			}
			var cols []string
			rows, err := tx.Query(ctx, `SELECT COALESCE(name, '(expression)') FROM pragma_index_info(?) ORDER BY seqno`, i.name)
			if err != nil {
				return err
			}
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					return err
				}
				cols = append(cols, c)
			}
			rows.Close()
			add("%s %s(%s)", indexKind(i.unique, i.part), table, strings.Join(cols, ","))
		}
		rows, err = tx.Query(ctx, `SELECT id, "table", "from", COALESCE("to", '') FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table)
		if err != nil {
			return err
		}
		fks := map[int][3][]string{}
		var order []int
		for rows.Next() {
			var id int
			var ref, from, to string
			if err := rows.Scan(&id, &ref, &from, &to); err != nil {
				return err
			}
			f, seen := fks[id]
			if !seen {
				order = append(order, id)
			}
			f[0] = []string{ref}
			f[1] = append(f[1], from)
			f[2] = append(f[2], to)
			fks[id] = f
		}
		rows.Close()
		for _, id := range order {
			f := fks[id]
			add("foreign key %s(%s) -> %s(%s)", table, strings.Join(f[1], ","), f[0][0], strings.Join(f[2], ","))
		}
	}
	return nil
}

func describePostgres(tx *store.Tx, add func(string, ...any)) error {
	rows, err := tx.Query(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO'
		FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var table, name, typ string
		var notNull bool
		if err := rows.Scan(&table, &name, &typ, &notNull); err != nil {
			return err
		}
		if skipTable.MatchString(table) {
			continue
		}
		add("table %s", table)
		add("column %s.%s %s %s", table, name, kind(typ), nullability(notNull))
	}
	rows.Close()
	// Every index, including those behind primary keys and unique
	// constraints, with its columns in order.
	rows, err = tx.Query(ctx, `SELECT t.relname, ix.indisprimary, ix.indisunique, ix.indpred IS NOT NULL,
			array_to_string(ARRAY(SELECT COALESCE(a.attname, '(expression)') FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, n)
				LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ',')
		FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
		WHERE ns.nspname = current_schema()`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var table, cols string
		var primary, unique, part bool
		if err := rows.Scan(&table, &primary, &unique, &part, &cols); err != nil {
			return err
		}
		if skipTable.MatchString(table) {
			continue
		}
		if primary {
			add("primary key %s(%s)", table, cols)
			continue
		}
		add("%s %s(%s)", indexKind(unique, part), table, cols)
	}
	rows.Close()
	rows, err = tx.Query(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,
			array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n), ','),
			array_to_string(ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
				JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n), ',')
		FROM pg_constraint c JOIN pg_namespace ns ON ns.oid = c.connamespace
		WHERE c.contype = 'f' AND ns.nspname = current_schema()`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var table, ref, from, to string
		if err := rows.Scan(&table, &ref, &from, &to); err != nil {
			return err
		}
		add("foreign key %s(%s) -> %s(%s)", table, from, ref, to)
	}
	rows.Close()
	return nil
}

func nullability(notNull bool) string {
	if notNull {
		return "not null"
	}
	return "null"
}

func indexKind(unique, partial bool) string {
	k := "index"
	if unique {
		k = "unique index"
	}
	if partial {
		k = "partial " + k
	}
	return k
}
