package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"
)

// A backup is a gzip stream of JSON lines: a header, then for each table a
// line naming its columns followed by one line per row, then a trailer with
// the counts and the SHA-256 of every line before it. It is read from one
// snapshot, so it is consistent while the server keeps writing, and it is
// the same on SQLite and PostgreSQL.
const backupFormat = "holdspace-backup"

// backupVersion 2 added the digest in the trailer and the s64 form of text
// that is not valid UTF-8. Version 1 files are still read, but restore
// takes one only when asked to (RestoreOptions.Undigested).
const backupVersion = 2

type backupHeader struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	Dialect       string    `json:"dialect"`
	SchemaVersion int64     `json:"schema_version"`
	CreatedAt     time.Time `json:"created_at"`
}

type backupTable struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

type backupTrailer struct {
	End    bool           `json:"end"`
	Tables int            `json:"tables"`
	Rows   int64          `json:"rows"`
	Counts map[string]int `json:"counts"`
	// SHA256 is the hex digest of every byte of the stream before the
	// trailer line. gzip's own CRC only catches accidents inside one
	// compression; a file decompressed, edited and recompressed passes it,
	// and this does not.
	SHA256 string `json:"sha256,omitempty"`
}

// BackupSummary says what a backup or restore held.
type BackupSummary struct {
	SchemaVersion int64
	Tables        int
	Rows          int64
	Counts        map[string]int
	// Digested says that the backup carried a digest of its content and
	// that it matched (every backup since format 2; never one of format 1).
	Digested bool
}

// Backup writes a consistent snapshot of the whole database to w.
func (db *DB) Backup(ctx context.Context, w io.Writer, now time.Time) (BackupSummary, error) {
	var sum BackupSummary
	version, err := db.schemaVersion(ctx)
	if err != nil {
		return sum, err
	}
	zw := gzip.NewWriter(w)
	digest := sha256.New()
	enc := json.NewEncoder(io.MultiWriter(zw, digest))
	err = db.Read(ctx, func(tx *Tx) error {
		if err := enc.Encode(backupHeader{backupFormat, backupVersion, db.dialect.Name(), version, Instant(now)}); err != nil {
			return err
		}
		tables, err := tablesInOrder(ctx, tx)
		if err != nil {
			return err
		}
		sum = BackupSummary{SchemaVersion: version, Counts: map[string]int{}, Digested: true}
		for _, t := range tables {
			n, err := dumpTable(ctx, tx, t, enc)
			if err != nil {
				return fmt.Errorf("backing up %s: %w", t, err)
			}
			sum.Tables++
			sum.Rows += int64(n)
			sum.Counts[t] = n
		}
		return json.NewEncoder(zw).Encode(backupTrailer{End: true, Tables: sum.Tables, Rows: sum.Rows, Counts: sum.Counts,
			SHA256: hex.EncodeToString(digest.Sum(nil))})
	})
	if err != nil {
		return sum, err
	}
	return sum, zw.Close()
}

func dumpTable(ctx context.Context, tx *Tx, table string, enc *json.Encoder) (int, error) {
	cols, err := columnsOf(ctx, tx, table)
	if err != nil {
		return 0, err
	}
	order := ""
	for _, c := range cols {
		if c == "id" {
			// Random ids are UUIDv7, so this is creation order: a row that
			// names an earlier row of its own table comes after it.
			order = " ORDER BY id"
		}
	}
	if err := enc.Encode(backupTable{Table: table, Columns: cols}); err != nil {
		return 0, err
	}
	rows, err := tx.Query(ctx, "SELECT "+quoteList(cols)+" FROM "+quote(table)+order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Rows.Scan(ptrs...); err != nil {
			return n, err
		}
		line := make([]any, len(vals))
		for i, v := range vals {
			line[i] = encodeValue(v)
		}
		if err := enc.Encode(line); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// columnsOf reads a table's columns, in order, from the catalogue. Not
// from a `SELECT *`: PostgreSQL's driver keeps each statement it has
// prepared on its connection, and a `SELECT *` prepared before a
// migration added a column fails when run again after it ("cached plan
// must not change result type"); a query naming its columns is a new
// statement whenever the columns change.
func columnsOf(ctx context.Context, tx *Tx, table string) ([]string, error) {
	cols, err := tx.Strings(ctx, tx.d.columnsSQL(), table)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s has no columns or does not exist", table)
	}
	return cols, nil
}

// Values keep their type through JSON: bytes and times are wrapped, so a
// restore can tell them from text. Text that is not valid UTF-8 (SQLite
// keeps whatever bytes it was given) is wrapped too, because a JSON string
// cannot hold it: encoding/json would silently turn each bad byte into
// U+FFFD, and an audit entry restored that way no longer matches its hash.
func encodeValue(v any) any {
	switch x := v.(type) {
	case []byte:
		return map[string]string{"b64": base64.StdEncoding.EncodeToString(x)}
	case string:
		if !utf8.ValidString(x) {
			return map[string]string{"s64": base64.StdEncoding.EncodeToString([]byte(x))}
		}
		return x
	case time.Time:
		return map[string]string{"t": Instant(x).Format(time.RFC3339Nano)}
	default:
		return x
	}
}

func decodeValue(raw json.RawMessage) (any, error) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "null":
		return nil, nil
	case s == "true":
		return true, nil
	case s == "false":
		return false, nil
	case strings.HasPrefix(s, `"`):
		var str string
		err := json.Unmarshal(raw, &str)
		return str, err
	case strings.HasPrefix(s, "{"):
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		if b, ok := m["b64"]; ok {
			return base64.StdEncoding.DecodeString(b)
		}
		if b, ok := m["s64"]; ok {
			raw, err := base64.StdEncoding.DecodeString(b)
			return string(raw), err
		}
		if t, ok := m["t"]; ok {
			return time.Parse(time.RFC3339Nano, t)
		}
		return nil, fmt.Errorf("unknown value %s", s)
	default:
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, err
		}
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
		return n.Float64()
	}
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

func quoteList(idents []string) string {
	q := make([]string, len(idents))
	for i, c := range idents {
		q[i] = quote(c)
	}
	return strings.Join(q, ", ")
}

func (db *DB) schemaVersion(ctx context.Context) (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// latestVersion is the newest migration this binary carries.
func (db *DB) latestVersion() (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	src := p.ListSources()
	if len(src) == 0 {
		return 0, nil
	}
	return src[len(src)-1].Version, nil
}

// ErrNotEmpty is returned when a restore would overwrite records.
var ErrNotEmpty = errors.New("the database already holds records")

// archive reads a backup file and checks it end to end before anything is
// written, so a truncated, corrupt or edited file is refused whole.
type archive struct {
	path   string
	header backupHeader
	sum    BackupSummary
	// unportable is the first text value PostgreSQL cannot store (not
	// valid UTF-8, or holding NUL), if the backup has one.
	unportable *unportableText
}

// unportableText says where a backup holds text that only SQLite can keep.
type unportableText struct {
	Table, Column, Why string
}

func openArchive(path string) (*archive, error) {
	a := &archive{path: path}
	err := a.each(func(table string, cols []string, row []any) error {
		if a.unportable != nil {
			return nil
		}
		for i, v := range row {
			if s, ok := v.(string); ok {
				if why := unportable(s); why != "" {
					a.unportable = &unportableText{table, cols[i], why}
					return nil
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// unportable says why PostgreSQL's text type would refuse s, or "".
func unportable(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "text that is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "a NUL byte"
	}
	return ""
}

// each calls fn for every row. It checks the trailer's counts and, from
// format 2 on, its digest of every line; a row handed to fn is therefore
// not yet known to be genuine, so fn must write only inside a transaction
// that each's error rolls back.
func (a *archive) each(fn func(table string, cols []string, row []any) error) error {
	f, err := os.Open(a.path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return fmt.Errorf("%s is not a holdspace backup (not gzip): %w", a.path, err)
	}
	r := bufio.NewReaderSize(zr, 1<<16)
	digest := sha256.New()
	// next returns one line; the encoder escapes every newline inside a
	// value, so a line is exactly one JSON value.
	next := func() ([]byte, error) {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) && len(line) > 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return line, err
	}
	line, err := next()
	if err != nil || json.Unmarshal(line, &a.header) != nil || a.header.Format != backupFormat {
		return fmt.Errorf("%s is not a holdspace backup", a.path)
	}
	if a.header.FormatVersion < 1 || a.header.FormatVersion > backupVersion {
		return fmt.Errorf("%s is a backup in format %d, which this holdspace cannot read", a.path, a.header.FormatVersion)
	}
	digest.Write(line)
	counts := map[string]int{}
	var table string
	var cols []string
	var total int64
	for {
		line, err := next()
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("%s ends early: the backup is incomplete", a.path)
			}
			return fmt.Errorf("%s is damaged: %w", a.path, err)
		}
		if line[0] == '{' {
			var probe struct {
				End bool `json:"end"`
			}
			json.Unmarshal(line, &probe)
			if probe.End {
				var tr backupTrailer
				if err := json.Unmarshal(line, &tr); err != nil {
					return fmt.Errorf("%s is damaged in its last line: %w", a.path, err)
				}
				if a.header.FormatVersion >= 2 && tr.SHA256 != hex.EncodeToString(digest.Sum(nil)) {
					return fmt.Errorf("%s is damaged or was altered: its content does not match the digest it carries", a.path)
				}
				if tr.Rows != total || len(tr.Counts) != len(counts) {
					return fmt.Errorf("%s is damaged: it says %d rows but holds %d", a.path, tr.Rows, total)
				}
				for t, n := range tr.Counts {
					if counts[t] != n {
						return fmt.Errorf("%s is damaged: table %s should hold %d rows but holds %d", a.path, t, n, counts[t])
					}
				}
				// Reading to the end also makes gzip check its own CRC.
				switch _, err := r.ReadByte(); {
				case err == nil:
					return fmt.Errorf("%s is damaged: it goes on after its last line", a.path)
				case !errors.Is(err, io.EOF):
					return fmt.Errorf("%s is damaged: %w", a.path, err)
				}
				a.sum = BackupSummary{SchemaVersion: a.header.SchemaVersion, Tables: tr.Tables, Rows: tr.Rows, Counts: tr.Counts,
					Digested: a.header.FormatVersion >= 2}
				return nil
			}
			digest.Write(line)
			var bt backupTable
			if err := json.Unmarshal(line, &bt); err != nil || bt.Table == "" {
				return fmt.Errorf("%s is damaged near table %q", a.path, table)
			}
			table, cols = bt.Table, bt.Columns
			counts[table] = 0
			continue
		}
		digest.Write(line)
		var cells []json.RawMessage
		if err := json.Unmarshal(line, &cells); err != nil || len(cells) != len(cols) || table == "" {
			return fmt.Errorf("%s is damaged in table %q", a.path, table)
		}
		row := make([]any, len(cells))
		for i, c := range cells {
			if row[i], err = decodeValue(c); err != nil {
				return fmt.Errorf("%s is damaged in table %q: %w", a.path, table, err)
			}
		}
		if err := fn(table, cols, row); err != nil {
			return err
		}
		counts[table]++
		total++
	}
}

// rowCount counts the records in every holdspace table.
func (db *DB) rowCount(ctx context.Context) (int64, error) {
	var total int64
	err := db.Read(ctx, func(tx *Tx) error {
		tables, err := tablesInOrder(ctx, tx)
		if err != nil {
			return err
		}
		for _, t := range tables {
			var n int64
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM "+quote(t)).Scan(&n); err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	return total, err
}

// restoreRows inserts every row of the archive in one transaction.
func (db *DB) restoreRows(ctx context.Context, a *archive) error {
	return db.Write(ctx, func(tx *Tx) error {
		if db.dialect.Name() == "sqlite" {
			if _, err := tx.Exec(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
				return err
			}
		}
		var stmt *sql.Stmt
		var kinds []string
		var cur string
		defer func() {
			if stmt != nil {
				stmt.Close()
			}
		}()
		return a.each(func(table string, cols []string, row []any) error {
			if table != cur {
				if stmt != nil {
					stmt.Close()
				}
				var err error
				kinds, err = columnKinds(ctx, tx, table, cols)
				if err != nil {
					return err
				}
				marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
				q := "INSERT INTO " + quote(table) + " (" + quoteList(cols) + ") VALUES (" + marks + ")"
				stmt, err = tx.tx.PrepareContext(ctx, tx.d.Rebind(q))
				if err != nil {
					return fmt.Errorf("restoring %s: %w", table, err)
				}
				cur = table
			}
			for i, k := range kinds {
				row[i] = coerce(row[i], k)
			}
			if _, err := stmt.ExecContext(ctx, normalise(row)...); err != nil {
				return fmt.Errorf("restoring a row of %s: %w", table, err)
			}
			return nil
		})
	})
}

// columnKinds reads the target's column types so that a value is stored in
// the form the target expects (SQLite keeps booleans as integers).
func columnKinds(ctx context.Context, tx *Tx, table string, cols []string) ([]string, error) {
	rows, err := tx.Query(ctx, "SELECT "+quoteList(cols)+" FROM "+quote(table)+" WHERE 1 = 0")
	if err != nil {
		return nil, fmt.Errorf("the backup's table %s does not match this database: %w", table, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	kinds := make([]string, len(types))
	for i, t := range types {
		kinds[i] = strings.ToUpper(t.DatabaseTypeName())
	}
	return kinds, nil
}

func coerce(v any, kind string) any {
	switch {
	case strings.HasPrefix(kind, "BOOL"):
		if i, ok := v.(int64); ok {
			return i != 0
		}
	case strings.HasPrefix(kind, "TIMESTAMP") || kind == "DATETIME":
		if s, ok := v.(string); ok {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00"} {
				if t, err := time.Parse(layout, s); err == nil {
					return t
				}
			}
		}
	}
	return v
}

// NoteBackup records that a backup of rows rows was written and kept, so
// each practice's setup checklist can see that one exists. A backup that
// failed is never noted.
func (db *DB) NoteBackup(ctx context.Context, rows int64, now time.Time) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO backup_taken (id, taken_at, rows) VALUES (?, ?, ?)`, NewID(), now.UTC(), rows)
		return err
	})
}

// LastBackup is when the latest noted backup was written; ok is false when
// none has been.
func LastBackup(ctx context.Context, tx *Tx) (at time.Time, ok bool, err error) {
	// Not MAX(): SQLite's aggregate would hand back text, not a time.
	err = tx.QueryRow(ctx, `SELECT taken_at FROM backup_taken ORDER BY taken_at DESC LIMIT 1`).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	return at, err == nil, err
}
