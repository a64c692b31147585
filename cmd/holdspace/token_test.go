package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/store"
)

// TestTokensFromTheCommandLine: an operator makes, lists and revokes API
// tokens as an owner, decided and audited as the page would; a therapist
// may not; the token is printed once and only its hash is kept.
func TestTokensFromTheCommandLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCmd(t, nil, "demo", "--data-dir", dir); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	code, out, stderr := runCmd(t, nil, "token", "add", "--data-dir", dir, "--practice", "stillwater", "--staff", "owner@stillwater.example",
		"--scopes", "clients:read,metrics:read", "--name", "nightly export")
	token := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(token, access.APITokenPrefix) || strings.Count(out, "\n") != 1 {
		t.Fatalf("token add: exit %d, %q, %q", code, out, stderr)
	}
	for _, bad := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--staff", "therapist@stillwater.example", "--scopes", "clients:read"}, 1, "may not make API tokens"},
		{[]string{"--staff", "nobody@stillwater.example", "--scopes", "clients:read"}, 1, "no active staff member"},
		{[]string{"--staff", "owner@stillwater.example", "--scopes", "clients:everything"}, 2, "Unknown scope"},
		{[]string{"--staff", "owner@stillwater.example"}, 2, "--scopes is needed"},
	} {
		args := append([]string{"token", "add", "--data-dir", dir, "--practice", "stillwater"}, bad.args...)
		code, out, stderr := runCmd(t, nil, args...)
		if code != bad.code || !strings.Contains(stderr, bad.says) || out != "" {
			t.Errorf("%v: exit %d, %q, %q; want exit %d saying %q", bad.args, code, out, stderr, bad.code, bad.says)
		}
	}

	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var id, scopes, stored, actor string
	var made, refused int
	err = db.Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT id, scopes, token_hash FROM api_token WHERE name = 'nightly export'`).Scan(&id, &scopes, &stored); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), MAX(actor_id) FROM audit_event WHERE action = 'api_token.create' AND outcome = 'allowed' AND record_id = ?`, id).Scan(&made, &actor); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_event WHERE action = 'api_token.manage' AND outcome = 'denied'`).Scan(&refused)
	})
	if err != nil {
		t.Fatal(err)
	}
	if scopes != "clients:read metrics:read" || stored != access.HashToken(token) || stored == token {
		t.Errorf("stored scopes %q; the token is kept as its hash: %v", scopes, stored == access.HashToken(token))
	}
	if made != 1 || actor == "" {
		t.Errorf("%d api_token.create entries (actor %q); want 1, naming the owner", made, actor)
	}
	if refused != 1 {
		t.Errorf("%d refused token changes on the trail; want 1 (the therapist's)", refused)
	}
	svc := &access.Service{DB: db, Now: time.Now, Policy: access.DefaultPolicy()}
	if _, err := svc.AuthenticateAPI(ctx, token); err != nil {
		t.Errorf("the printed token does not work: %v", err)
	}
	db.Close()

	code, out, _ = runCmd(t, nil, "token", "list", "--data-dir", dir, "--practice", "stillwater", "--staff", "owner@stillwater.example")
	if code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "nightly export") || strings.Contains(out, token) {
		t.Fatalf("token list: %d %q", code, out)
	}
	if code, out, stderr := runCmd(t, nil, "token", "revoke", "--data-dir", dir, "--practice", "stillwater", "--staff", "owner@stillwater.example", id); code != 0 {
		t.Fatalf("token revoke: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runCmd(t, nil, "token", "revoke", "--data-dir", dir, "--practice", "stillwater", "--staff", "owner@stillwater.example", id); code != 1 || !strings.Contains(stderr, "already revoked") {
		t.Fatalf("revoking twice: %d %q", code, stderr)
	}
	db, err = store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc.DB = db
	if _, err := svc.AuthenticateAPI(ctx, token); err == nil {
		t.Error("a revoked token still works")
	}
}
