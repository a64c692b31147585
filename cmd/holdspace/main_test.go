package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"holdspace/internal/audit"
	"holdspace/internal/store"
)

func runCmd(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// Bad flags and an unreachable database give one line that says what to
// fix, a non-zero exit, and write nothing.
func TestMistakesGiveOneLineAndWriteNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"unknown command", nil, []string{"serv"}, 2, `unknown command "serv"`},
		{"unknown flag", nil, []string{"serve", "--port", "80", "--data-dir", dir}, 2, "flag provided but not defined: -port"},
		{"bad address", nil, []string{"serve", "--addr", "8080", "--data-dir", dir}, 2, "must be host:port"},
		{"not a PostgreSQL URL", nil, []string{"serve", "--db", "mysql://x", "--data-dir", dir}, 2, "--db must be a PostgreSQL URL"},
		{"bad environment value", map[string]string{"HOLDSPACE_DEMO": "perhaps"}, []string{"serve", "--data-dir", dir}, 2, "HOLDSPACE_DEMO"},
		{"half a TLS pair", nil, []string{"serve", "--tls-cert", "c.pem", "--data-dir", dir}, 2, "go together"},
		{"unreachable database", nil, []string{"serve", "--db", "postgres://nobody@127.0.0.1:1/holdspace?connect_timeout=2", "--data-dir", dir}, 1, "cannot reach the database at 127.0.0.1:1/holdspace"},
		{"migrate without a verb", nil, []string{"migrate", "--data-dir", dir}, 2, "migrate up, or holdspace migrate status"},
		{"backup without a file", nil, []string{"backup", "--data-dir", dir}, 2, "name the file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tc.env, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (%s)", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n != 0 {
				t.Errorf("the error took %d lines: %q", n+1, stderr)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("the data directory was created")
			}
		})
	}
}

func TestEveryCommandDocumentsItsFlagsAndTheirEnvironment(t *testing.T) {
	code, out, _ := runCmd(t, nil, "help")
	if code != 0 {
		t.Fatal("help failed")
	}
	for name := range commands() {
		if !strings.Contains(out, name) {
			t.Errorf("holdspace help does not list %s", name)
		}
		code, out, _ := runCmd(t, nil, name, "-h")
		if code != 0 || !strings.Contains(out, "Usage: holdspace "+name) {
			t.Errorf("holdspace %s -h: exit %d, %q", name, code, out)
		}
		if name == "serve" {
			for _, env := range []string{"HOLDSPACE_ADDR", "HOLDSPACE_DATA_DIR", "HOLDSPACE_DB", "HOLDSPACE_DEMO", "HOLDSPACE_TLS_CERT", "HOLDSPACE_SMTP_HOST"} {
				if !strings.Contains(out, env) {
					t.Errorf("serve -h does not name %s", env)
				}
			}
		}
	}
}

// The commands an operator uses: demo, backup while it runs, restore that
// refuses to overwrite, restore --force, audit verify on the result.
func TestBackupRestoreAndVerifyThroughTheCommands(t *testing.T) {
	dir := t.TempDir()
	data, restored := filepath.Join(dir, "data"), filepath.Join(dir, "restored")
	if code, _, stderr := runCmd(t, nil, "demo", "--data-dir", data); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	file := filepath.Join(dir, "demo.hsbak")
	code, out, stderr := runCmd(t, nil, "backup", "--data-dir", data, file)
	if code != 0 || !strings.Contains(out, "Backed up") {
		t.Fatalf("backup: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := runCmd(t, nil, "backup", "--data-dir", data, file); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("a second backup to the same file: %d %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, nil, "restore", "--data-dir", restored, file); code != 0 {
		t.Fatalf("restore: %s", stderr)
	}
	if code, _, stderr := runCmd(t, nil, "restore", "--data-dir", restored, file); code != 1 || !strings.Contains(stderr, "--force") {
		t.Fatalf("restore over records: %d %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, nil, "restore", "--force", "--data-dir", restored, file); code != 0 {
		t.Fatalf("restore --force: %s", stderr)
	}
	code, out, stderr = runCmd(t, nil, "audit", "verify", "--data-dir", restored)
	if code != 0 || !strings.Contains(out, "whole") {
		t.Fatalf("audit verify on the restored copy: %d %s %s", code, out, stderr)
	}
	code, out, _ = runCmd(t, nil, "migrate", "status", "--data-dir", restored)
	if code != 0 || !strings.Contains(out, "0 pending") {
		t.Fatalf("migrate status: %s", out)
	}

	// Someone with the file edits an entry around the triggers: verify
	// names it and fails.
	tamperAuditEntry(t, restored, 1)
	code, out, stderr = runCmd(t, nil, "audit", "verify", "--data-dir", restored)
	if code != 1 || !strings.Contains(out, "broken at entry 1") || !strings.Contains(stderr, "broken") {
		t.Fatalf("audit verify on a tampered copy: exit %d, %q %q", code, out, stderr)
	}
}

// tamperAuditEntry edits audit entry seq of the database in dataDir as
// someone with the file could, around the triggers that forbid it.
func tamperAuditEntry(t *testing.T, dataDir string, seq int) {
	t.Helper()
	db, err := store.Open(context.Background(), store.Options{DataDir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.Exec(context.Background(), `DROP TRIGGER audit_event_no_update`); err != nil {
			return err
		}
		_, err := tx.Exec(context.Background(), `UPDATE audit_event SET reason = 'nothing happened' WHERE seq = ?`, seq)
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
}

// restore says what it checked: the backup's digest and the restored
// copy's audit trail; a backup edited after it was written, or one whose
// trail is broken, fails with one line and leaves no database behind.
func TestRestoreReportsTheDigestAndTheVerifiedTrail(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, stderr := runCmd(t, nil, "demo", "--data-dir", data); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	file := filepath.Join(dir, "demo.hsbak")
	if code, _, stderr := runCmd(t, nil, "backup", "--data-dir", data, file); code != 0 {
		t.Fatalf("backup: %s", stderr)
	}
	code, out, stderr := runCmd(t, nil, "restore", "--data-dir", filepath.Join(dir, "good"), file)
	if code != 0 || !strings.Contains(out, "matched its digest") || !strings.Contains(out, "Verified the restored audit trail") {
		t.Fatalf("restore: exit %d, %q %q", code, out, stderr)
	}

	edited := filepath.Join(dir, "edited.hsbak")
	editBackup(t, file, edited, func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"appointment.book"`), []byte(`"appointment.boom"`), 1)
	})
	tamperedData := filepath.Join(dir, "tampered-data")
	if code, _, stderr := runCmd(t, nil, "restore", "--data-dir", tamperedData, file); code != 0 {
		t.Fatalf("restore for the tampered copy: %s", stderr)
	}
	tamperAuditEntry(t, tamperedData, 2)
	broken := filepath.Join(dir, "broken.hsbak")
	if code, _, stderr := runCmd(t, nil, "backup", "--data-dir", tamperedData, broken); code != 0 {
		t.Fatalf("backup of the tampered copy: %s", stderr)
	}

	for _, tc := range []struct{ name, file, want string }{
		{"edited after it was written", edited, "does not match the digest"},
		{"a broken audit trail", broken, "broken at entry 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "data")
			code, out, stderr := runCmd(t, nil, "restore", "--data-dir", target, tc.file)
			if code != 1 || !strings.Contains(stderr, tc.want) || strings.Contains(out, "Restored") {
				t.Fatalf("restore: exit %d, %q %q; want exit 1 saying %q", code, out, stderr, tc.want)
			}
			if n := strings.Count(strings.TrimSpace(stderr), "\n"); n != 0 {
				t.Errorf("the error took %d lines: %q", n+1, stderr)
			}
			if _, err := os.Stat(filepath.Join(target, store.SQLiteFile)); err == nil {
				t.Error("a refused restore left a database behind")
			}
		})
	}
}

func editBackup(t *testing.T, from, to string, edit func([]byte) []byte) {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	changed := edit(bytes.Clone(plain))
	if bytes.Equal(plain, changed) {
		t.Fatal("the edit changed nothing")
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(changed)
	zw.Close()
	if err := os.WriteFile(to, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Text an older holdspace let in after the re-encoding migration ran is
// repaired by migrate up, which says so; audit verify then passes and says
// how many entries the repair accounts for.
func TestMigrateUpRepairsTextLetInSinceTheMigration(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCmd(t, nil, "demo", "--data-dir", data); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	db, err := store.Open(context.Background(), store.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(context.Background(), func(tx *store.Tx) error {
		_, err := audit.Append(context.Background(), tx, audit.Entry{ActorKind: "anonymous", Action: "page.read", UserAgent: "bot \xff\x00"})
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, nil, "migrate", "up", "--data-dir", data)
	if code != 0 || !strings.Contains(out, "Re-encoded text PostgreSQL could not store in 1 row(s)") {
		t.Fatalf("migrate up: exit %d, %q %q", code, out, stderr)
	}
	code, out, stderr = runCmd(t, nil, "audit", "verify", "--data-dir", data)
	if code != 0 || !strings.Contains(out, "1 of them had text re-encoded") {
		t.Fatalf("audit verify: exit %d, %q %q", code, out, stderr)
	}
	if code, out, _ := runCmd(t, nil, "migrate", "up", "--data-dir", data); code != 0 || strings.Contains(out, "Re-encoded") {
		t.Fatalf("a second migrate up: %q; want nothing re-encoded", out)
	}
}
