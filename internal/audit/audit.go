// Package audit keeps holdspace's audit trail: every read and change of
// client data, every sign-in, MFA and permission change, export and
// break-glass, on a record that cannot be quietly altered.
//
// Entries are appended in the same transaction as what they record, so a
// change is never unlogged: if the entry cannot be written the change fails.
// The database refuses UPDATE and DELETE on the trail (triggers on both
// SQLite and PostgreSQL), and each entry carries the hash of the one before
// it in its practice's chain, so an edit made around the triggers breaks the
// chain at that entry and Verify names it.
//
// Entries name people and records by id, never by copied personal data.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"holdspace/internal/store"
)

// SystemChain holds events that belong to no practice.
const SystemChain = "system"

// Outcome of an access decision.
const (
	Allowed = "allowed"
	Denied  = "denied"
)

// Entry is one event on the trail.
type Entry struct {
	ID         string    `json:"id"`
	Chain      string    `json:"chain"` // the practice id, or SystemChain
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorKind  string    `json:"actor_kind"` // staff, client, api, anonymous, system
	ActorID    string    `json:"actor_id"`
	Action     string    `json:"action"`
	RecordType string    `json:"record_type"`
	RecordID   string    `json:"record_id"`
	ClientID   string    `json:"client_id"`
	Outcome    string    `json:"outcome"`
	Reason     string    `json:"reason"`
	Address    string    `json:"address"`
	UserAgent  string    `json:"user_agent"`
	RequestID  string    `json:"request_id"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// canonical is the hashed form: a fixed field order, the time in UTC to the
// microsecond (what PostgreSQL keeps), and every field but the hash itself.
func (e Entry) canonical() []byte {
	b, _ := json.Marshal(struct {
		ID, Chain  string
		Seq        int64
		At         string
		ActorKind  string
		ActorID    string
		Action     string
		RecordType string
		RecordID   string
		ClientID   string
		Outcome    string
		Reason     string
		Address    string
		UserAgent  string
		RequestID  string
		PrevHash   string
	}{e.ID, e.Chain, e.Seq, store.Instant(e.At).Format("2006-01-02T15:04:05.000000Z"), e.ActorKind, e.ActorID, e.Action,
		e.RecordType, e.RecordID, e.ClientID, e.Outcome, e.Reason, e.Address, e.UserAgent, e.RequestID, e.PrevHash})
	return b
}

func (e Entry) computeHash() string {
	sum := sha256.Sum256(e.canonical())
	return hex.EncodeToString(sum[:])
}

// Append numbers, chains and writes e inside tx. The caller's transaction
// commits it with the change it records, or neither.
func Append(ctx context.Context, tx *store.Tx, e Entry) (Entry, error) {
	e.UserAgent = truncate(e.UserAgent, 300)
	e.Reason = truncate(e.Reason, 1000)
	return appendEntry(ctx, tx, e)
}

// appendEntry is Append without the length limits, for the trail's own
// entries whose reason is a list that must be kept whole.
func appendEntry(ctx context.Context, tx *store.Tx, e Entry) (Entry, error) {
	if e.Chain == "" {
		e.Chain = SystemChain
	}
	if e.Outcome == "" {
		e.Outcome = Allowed
	}
	if e.Action == "" || e.ActorKind == "" {
		return e, fmt.Errorf("audit entry needs an action and an actor kind")
	}
	e.ID = store.NewID()
	e.At = store.Instant(e.At)
	if _, err := tx.Exec(ctx, `INSERT INTO audit_head (chain, seq, hash) VALUES (?, 0, '') ON CONFLICT (chain) DO NOTHING`, e.Chain); err != nil {
		return e, fmt.Errorf("audit: %w", err)
	}
	// Locking the head serialises appends to one chain across instances.
	var seq int64
	var prev string
	if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE chain = ?`+tx.Dialect().LockForUpdate(), e.Chain).Scan(&seq, &prev); err != nil {
		return e, fmt.Errorf("audit: %w", err)
	}
	e.Seq = seq + 1
	e.PrevHash = prev
	e.Hash = e.computeHash()
	if _, err := tx.Exec(ctx, `INSERT INTO audit_event (id, chain, seq, at, actor_kind, actor_id, action, record_type, record_id,
		client_id, outcome, reason, address, user_agent, request_id, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Chain, e.Seq, e.At, e.ActorKind, e.ActorID, e.Action, e.RecordType, e.RecordID, e.ClientID,
		e.Outcome, e.Reason, e.Address, e.UserAgent, e.RequestID, e.PrevHash, e.Hash); err != nil {
		return e, fmt.Errorf("audit: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE chain = ?`, e.Seq, e.Hash, e.Chain); err != nil {
		return e, fmt.Errorf("audit: %w", err)
	}
	return e, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// Break describes the first entry at which a chain stops being whole.
type Break struct {
	Chain string
	Seq   int64
	ID    string
	What  string
}

func (b Break) Error() string {
	return fmt.Sprintf("audit chain %s is broken at entry %d (id %s): %s", b.Chain, b.Seq, b.ID, b.What)
}

// Report is what Verify found.
type Report struct {
	Chains  int
	Entries int64
	// Reencoded counts the entries whose text a later text.reencoded entry
	// accounts for (see repair.go).
	Reencoded int64
	Breaks    []Break // the first break of each broken chain
}

// Verify walks every chain from its first entry and checks numbering,
// links and hashes, and that each chain's head matches its last entry.
func Verify(ctx context.Context, db *store.DB) (Report, error) {
	var rep Report
	err := db.Read(ctx, func(tx *store.Tx) error {
		heads := map[string][2]string{}
		rows, err := tx.Query(ctx, `SELECT chain, seq, hash FROM audit_head ORDER BY chain`)
		if err != nil {
			return err
		}
		var chains []string
		for rows.Next() {
			var c, h string
			var seq int64
			if err := rows.Scan(&c, &seq, &h); err != nil {
				rows.Close()
				return err
			}
			heads[c] = [2]string{fmt.Sprint(seq), h}
			chains = append(chains, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Chains with entries but no head (a deleted head row) are checked too.
		rows, err = tx.Query(ctx, `SELECT DISTINCT chain FROM audit_event ORDER BY chain`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			if _, ok := heads[c]; !ok {
				chains = append(chains, c)
			}
		}
		rows.Close()
		for _, c := range chains {
			n, fixed, brk, err := verifyChain(ctx, tx, c, heads)
			if err != nil {
				return err
			}
			rep.Chains++
			rep.Entries += n
			rep.Reencoded += fixed
			if brk != nil {
				rep.Breaks = append(rep.Breaks, *brk)
			}
		}
		return nil
	})
	return rep, err
}

func verifyChain(ctx context.Context, tx *store.Tx, chain string, heads map[string][2]string) (int64, int64, *Break, error) {
	fixes, err := reencodedIn(ctx, tx, chain)
	if err != nil {
		return 0, 0, nil, err
	}
	rows, err := tx.Query(ctx, `SELECT id, chain, seq, at, actor_kind, actor_id, action, record_type, record_id, client_id,
		outcome, reason, address, user_agent, request_id, prev_hash, hash FROM audit_event WHERE chain = ? ORDER BY seq`, chain)
	if err != nil {
		return 0, 0, nil, err
	}
	defer rows.Close()
	var n, fixed int64
	prev := ""
	var last Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.Chain, &e.Seq, &e.At, &e.ActorKind, &e.ActorID, &e.Action, &e.RecordType, &e.RecordID,
			&e.ClientID, &e.Outcome, &e.Reason, &e.Address, &e.UserAgent, &e.RequestID, &e.PrevHash, &e.Hash); err != nil {
			return n, fixed, nil, err
		}
		n++
		switch {
		case e.Seq != n:
			return n, fixed, &Break{chain, e.Seq, e.ID, fmt.Sprintf("entry %d is missing", n)}, nil
		case e.PrevHash != prev:
			return n, fixed, &Break{chain, e.Seq, e.ID, "it does not name the hash of the entry before it"}, nil
		}
		if h := e.computeHash(); h != e.Hash {
			if !fixes.accounts(e, h) {
				return n, fixed, &Break{chain, e.Seq, e.ID, "its content does not match its hash (it was changed)"}, nil
			}
			fixed++
		}
		prev = e.Hash
		last = e
	}
	if err := rows.Err(); err != nil {
		return n, fixed, nil, err
	}
	head, ok := heads[chain]
	switch {
	case !ok && n > 0:
		return n, fixed, &Break{chain, last.Seq, last.ID, "the chain's head record is missing"}, nil
	case ok && (head[0] != fmt.Sprint(n) || head[1] != prev):
		return n, fixed, &Break{chain, n + 1, "", fmt.Sprintf("the chain's head says %s entries but %d remain (entries were removed from the end)", head[0], n)}, nil
	}
	return n, fixed, nil, nil
}
