package prescribing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/clinic"
	"holdspace/internal/dosing"
	"holdspace/internal/eligibility"
	"holdspace/internal/store"
)

// LoadSigner reads the printed name a staff member signs with. Only an
// active staff member of the practice may sign.
func LoadSigner(ctx context.Context, tx *store.Tx, practiceID, staffID string) (Signer, error) {
	var name, credentials string
	err := tx.QueryRow(ctx, `SELECT full_name, credentials FROM staff WHERE id = ? AND practice_id = ? AND active = ?`,
		staffID, practiceID, true).Scan(&name, &credentials)
	if errors.Is(err, sql.ErrNoRows) {
		return Signer{}, clinic.ErrNotFound
	}
	return Signer{StaffID: staffID, Name: PrintedName(name, credentials)}, err
}

// Sign validates the draft and stores it signed by s at the given time.
// The caller has already made sure the signature is a deliberate act of
// the signer (the password re-entered: 21 CFR 11.200) and that they may
// write evaluations for this client. id names the new evaluation; one is
// made when empty.
func Sign(ctx context.Context, tx *store.Tx, practiceID, clientID, id string, d Draft, s Signer, at time.Time) (*Evaluation, error) {
	d = d.Normalised()
	w, err := clinic.LatestWeight(ctx, tx, clientID, at)
	if err != nil {
		return nil, err
	}
	kg := 0.0
	if w != nil {
		kg = w.Kg
	}
	if err := d.ValidateAt(kg).Err(); err != nil {
		return nil, err
	}
	if s.StaffID == "" || s.Name == "" {
		return nil, errors.New("prescribing: a signature needs the signer's id and printed name")
	}
	if MeaningOf(d.Decision) == MeaningApproval {
		// An approval rests on the screening: it cannot come before the
		// intake is in and screened, nor over a finding no prescriber has
		// acknowledged.
		st, err := eligibility.Status(ctx, tx, clientID)
		if err != nil {
			return nil, err
		}
		if ok, why := st.ReadyForACourse(); !ok {
			var ps clinic.Problems
			ps.Add("decision", "Medicine sessions can be approved only on a current screening that is clear or whose findings a prescriber has acknowledged: %s", strings.Join(why, " "))
			return nil, ps
		}
	}
	if id == "" {
		id = store.NewID()
	}
	e := &Evaluation{ID: id, ClientID: clientID, Draft: d, Addenda: []Addendum{},
		Signature: Signature{SignerID: s.StaffID, SignerName: s.Name, SignedAt: store.Instant(at), Meaning: MeaningOf(d.Decision)}}
	e.Hash = hash(e.Content())
	limits, err := json.Marshal(e.Limits)
	if err != nil {
		return nil, err
	}
	orders, err := json.Marshal(e.PreMedication)
	if err != nil {
		return nil, err
	}
	structured, err := json.Marshal(e.Orders)
	if err != nil {
		return nil, err
	}
	confirmed, err := json.Marshal(e.AboveBound)
	if err != nil {
		return nil, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO evaluation (id, practice_id, client_id, decision, conditions, reason, limits, premedication, notes,
		signer_id, signer_name, signed_at, meaning, content_hash, orders, above_bound) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, practiceID, clientID, string(e.Decision), e.Conditions, e.Reason, string(limits), string(orders), e.Notes,
		e.SignerID, e.SignerName, e.SignedAt, string(e.Meaning), e.Hash, string(structured), string(confirmed))
	if err != nil {
		return nil, err
	}
	return e, nil
}

// AddAddendum appends signed text to a signed evaluation of the client;
// the evaluation itself is not touched. id names the addendum; one is
// made when empty.
func AddAddendum(ctx context.Context, tx *store.Tx, practiceID, clientID, evaluationID, id, text string, s Signer, at time.Time) (*Addendum, error) {
	text = cleanText(text)
	var ps clinic.Problems
	switch {
	case text == "":
		ps.Add("text", "Write the addendum.")
	case utf8.RuneCountInString(text) > maxText:
		ps.Add("text", "Keep an addendum under %d characters; add another for more.", maxText)
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var evalHash string
	err := tx.QueryRow(ctx, `SELECT content_hash FROM evaluation WHERE id = ? AND client_id = ?`, evaluationID, clientID).Scan(&evalHash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, clinic.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = store.NewID()
	}
	a := &Addendum{ID: id, EvaluationID: evaluationID, EvaluationHash: evalHash, Text: text,
		Signature: Signature{SignerID: s.StaffID, SignerName: s.Name, SignedAt: store.Instant(at), Meaning: MeaningAddendum}}
	a.Hash = hash(a.Content(clientID))
	_, err = tx.Exec(ctx, `INSERT INTO evaluation_addendum (id, practice_id, client_id, evaluation_id, evaluation_hash, body,
		signer_id, signer_name, signed_at, meaning, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.ID, practiceID, clientID, a.EvaluationID, a.EvaluationHash, a.Text, a.SignerID, a.SignerName, a.SignedAt, string(a.Meaning), a.Hash)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// History lists the client's evaluations, newest first, each with its
// addenda oldest first. Every one but the newest is superseded.
func History(ctx context.Context, tx *store.Tx, clientID string) ([]Evaluation, error) {
	return load(ctx, tx, clientID, 0)
}

// Current is the client's newest evaluation, the one the readiness tracker
// and the dosing gate go by; nil when there is none.
func Current(ctx context.Context, tx *store.Tx, clientID string) (*Evaluation, error) {
	list, err := load(ctx, tx, clientID, 1)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

func load(ctx context.Context, tx *store.Tx, clientID string, limit int) ([]Evaluation, error) {
	q := `SELECT id, client_id, decision, conditions, reason, limits, premedication, notes, signer_id, signer_name, signed_at, meaning, content_hash,
		orders, above_bound FROM evaluation WHERE client_id = ? ORDER BY signed_at DESC, id DESC`
	args := []any{clientID}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := tx.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []Evaluation
	index := map[string]int{}
	for rows.Next() {
		var e Evaluation
		var decision, meaning, limits, orders, structured, confirmed string
		if err := rows.Scan(&e.ID, &e.ClientID, &decision, &e.Conditions, &e.Reason, &limits, &orders, &e.Notes,
			&e.SignerID, &e.SignerName, &e.SignedAt, &meaning, &e.Hash, &structured, &confirmed); err != nil {
			rows.Close()
			return nil, err
		}
		e.Decision, e.Meaning = Decision(decision), Meaning(meaning)
		if err := json.Unmarshal([]byte(limits), &e.Limits); err != nil {
			rows.Close()
			return nil, fmt.Errorf("prescribing: limits of evaluation %s: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(orders), &e.PreMedication); err != nil {
			rows.Close()
			return nil, fmt.Errorf("prescribing: orders of evaluation %s: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(structured), &e.Orders); err != nil {
			rows.Close()
			return nil, fmt.Errorf("prescribing: structured orders of evaluation %s: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(confirmed), &e.AboveBound); err != nil {
			rows.Close()
			return nil, fmt.Errorf("prescribing: confirmations of evaluation %s: %w", e.ID, err)
		}
		if e.Orders.HeldSubstances == nil {
			e.Orders.HeldSubstances = []dosing.HeldSubstance{}
		}
		if e.Orders.PreMedications == nil {
			e.Orders.PreMedications = []dosing.PreMedicationOrder{}
		}
		e.Addenda = []Addendum{}
		e.Superseded = len(out) > 0
		index[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	rows, err = tx.Query(ctx, `SELECT id, evaluation_id, evaluation_hash, body, signer_id, signer_name, signed_at, meaning, content_hash
		FROM evaluation_addendum WHERE client_id = ? ORDER BY signed_at, id`, clientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a Addendum
		var meaning string
		if err := rows.Scan(&a.ID, &a.EvaluationID, &a.EvaluationHash, &a.Text, &a.SignerID, &a.SignerName, &a.SignedAt, &meaning, &a.Hash); err != nil {
			return nil, err
		}
		a.Meaning = Meaning(meaning)
		if i, ok := index[a.EvaluationID]; ok {
			out[i].Addenda = append(out[i].Addenda, a)
		}
	}
	return out, rows.Err()
}
