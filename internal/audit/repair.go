package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"holdspace/internal/store"
)

// ActionReencoded is the entry that accounts for text the store re-encoded
// because PostgreSQL could not hold it (invalid UTF-8, NUL). An audit
// entry's own text is among what may be re-encoded, which changes what its
// hash covers; the entry keeps its original hash, so the chain's links
// still hold, and a later text.reencoded entry in the same chain names it
// with its hash before and the hash of its content after. Verify accepts
// exactly that pair and nothing else: any other change to the entry, or to
// the list (which its own entry's hash covers), still breaks the chain.
const ActionReencoded = "text.reencoded"

// reencodedPerEntry bounds one text.reencoded entry's list, so that an old
// database with many such rows gets several readable entries rather than
// one enormous one.
const reencodedPerEntry = 100

func init() {
	store.RecordRepairsWith(recordReencoded)
}

// reencodedItem is one changed row in a text.reencoded entry. Rows other
// than audit entries are named by table and id, with the SHA-256 of their
// changed values rather than the values: the trail never copies personal
// data.
type reencodedItem struct {
	Entry   string   `json:"entry,omitempty"`
	Seq     int64    `json:"seq,omitempty"`
	Table   string   `json:"table,omitempty"`
	Record  string   `json:"record,omitempty"`
	Columns []string `json:"columns"`
	Before  string   `json:"before"`
	After   string   `json:"after"`
}

type reencodedNote struct {
	Note  string          `json:"note"`
	Items []reencodedItem `json:"items"`
}

const reencodedText = "text that was not valid UTF-8 or held NUL was re-encoded (each bad sequence and each NUL became U+FFFD); " +
	"for an audit entry, before and after are its hash and the hash of its content now; for another row, the SHA-256 of its changed values"

func recordReencoded(ctx context.Context, tx *store.Tx, rows []store.RepairedRow) error {
	byChain := map[string][]reencodedItem{}
	for _, r := range rows {
		chain := r.Practice
		if chain == "" {
			chain = SystemChain
		}
		if r.Table == "audit_event" {
			e, err := entryByID(ctx, tx, r.Key)
			if err != nil {
				return err
			}
			byChain[e.Chain] = append(byChain[e.Chain], reencodedItem{Entry: e.ID, Seq: e.Seq, Columns: r.Columns,
				Before: e.Hash, After: e.computeHash()})
			continue
		}
		byChain[chain] = append(byChain[chain], reencodedItem{Table: r.Table, Record: r.Key, Columns: r.Columns,
			Before: valuesHash(r.Before), After: valuesHash(r.After)})
	}
	chains := make([]string, 0, len(byChain))
	for c := range byChain {
		chains = append(chains, c)
	}
	sort.Strings(chains)
	now := time.Now()
	for _, c := range chains {
		items := byChain[c]
		for len(items) > 0 {
			part := items[:min(len(items), reencodedPerEntry)]
			items = items[len(part):]
			reason, err := json.Marshal(reencodedNote{Note: reencodedText, Items: part})
			if err != nil {
				return err
			}
			if _, err := appendEntry(ctx, tx, Entry{Chain: c, At: now, ActorKind: "system", Action: ActionReencoded,
				RecordType: "text", Reason: string(reason)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// valuesHash commits to a list of values without copying them; each is
// length-prefixed so that two lists never run together into one.
func valuesHash(vals []string) string {
	h := sha256.New()
	for _, v := range vals {
		fmt.Fprintf(h, "%d:", len(v))
		h.Write([]byte(v))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func entryByID(ctx context.Context, tx *store.Tx, id string) (Entry, error) {
	var e Entry
	err := tx.QueryRow(ctx, `SELECT id, chain, seq, at, actor_kind, actor_id, action, record_type, record_id, client_id,
		outcome, reason, address, user_agent, request_id, prev_hash, hash FROM audit_event WHERE id = ?`, id).Scan(
		&e.ID, &e.Chain, &e.Seq, &e.At, &e.ActorKind, &e.ActorID, &e.Action, &e.RecordType, &e.RecordID,
		&e.ClientID, &e.Outcome, &e.Reason, &e.Address, &e.UserAgent, &e.RequestID, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, fmt.Errorf("reading re-encoded audit entry %s: %w", id, err)
	}
	return e, nil
}

// reencodings maps an audit entry's id to what a text.reencoded entry says
// of it.
type reencodings map[string]reencodedFix

type reencodedFix struct {
	before, after string
	by            int64 // the seq of the text.reencoded entry
}

// accounts reports whether a text.reencoded entry after e names e with the
// hash it carries and the hash its content has now.
func (r reencodings) accounts(e Entry, now string) bool {
	f, ok := r[e.ID]
	return ok && f.by > e.Seq && f.before == e.Hash && f.after == now
}

// reencodedIn reads a chain's text.reencoded entries. One whose list does
// not parse accounts for nothing, so the entries it named show as changed;
// its own content is checked against its hash like any other entry's.
func reencodedIn(ctx context.Context, tx *store.Tx, chain string) (reencodings, error) {
	rows, err := tx.Query(ctx, `SELECT seq, reason FROM audit_event WHERE chain = ? AND action = ?`, chain, ActionReencoded)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := reencodings{}
	for rows.Next() {
		var seq int64
		var reason string
		if err := rows.Scan(&seq, &reason); err != nil {
			return nil, err
		}
		var note reencodedNote
		if json.Unmarshal([]byte(reason), &note) != nil {
			continue
		}
		for _, it := range note.Items {
			if it.Entry != "" {
				out[it.Entry] = reencodedFix{before: it.Before, after: it.After, by: seq}
			}
		}
	}
	return out, rows.Err()
}
