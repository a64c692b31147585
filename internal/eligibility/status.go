package eligibility

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"holdspace/internal/screening"
	"holdspace/internal/store"
)

// St is where a client stands on intake and screening, for the readiness
// tracker.
type St struct {
	IntakeSubmitted bool
	// ScreeningID is the newest screening, "" before the first.
	ScreeningID string
	// Outcome is the newest screening's outcome (screening.Outcome).
	Outcome string
	// Blocked: an absolute contraindication; no acknowledgement lifts it.
	Blocked bool
	// Settled: the screening is clear, clear with cautions, or every finding
	// that needs the prescriber's acknowledgement has it; never while
	// blocked or incomplete.
	Settled bool
	// Pending says in words what is still needed, and who can do it.
	Pending []string
}

// ReadyForACourse says whether the screening lets a prescriber approve
// medicine sessions and a course start: the intake is submitted, a
// screening of it has run with every question answered, nothing in it is
// absolute, and every relative finding has been acknowledged by a
// prescriber (KAP.md §1 Contraindications and interactions). why says
// what is still missing, in the tracker's words.
func (st St) ReadyForACourse() (ok bool, why []string) {
	if st.IntakeSubmitted && st.ScreeningID != "" && st.Settled && !st.Blocked && st.Outcome != "incomplete" {
		return true, nil
	}
	why = st.Pending
	if len(why) == 0 {
		why = []string{"The screening is not complete."}
	}
	return false, why
}

// Status reports where the client stands. It runs inside a use case that
// access has allowed for this client.
func Status(ctx context.Context, tx *store.Tx, clientID string) (St, error) {
	var st St
	var status, practiceID string
	err := tx.QueryRow(ctx, `SELECT status, practice_id FROM intake WHERE client_id = ?`, clientID).Scan(&status, &practiceID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		st.Pending = []string{"Intake questionnaire not started: the client fills it in the portal, or staff with the client."}
		return st, nil
	case err != nil:
		return st, err
	case status != string(Submitted):
		st.Pending = []string{"Intake questionnaire not yet submitted: the client finishes it in the portal, or staff with the client."}
		return st, nil
	}
	st.IntakeSubmitted = true
	u := Use{Tx: tx, PracticeID: practiceID}
	s, err := u.latest(ctx, clientID)
	if err != nil {
		return st, err
	}
	if s == nil {
		st.Pending = []string{"Screening has not run: staff re-open the intake and save it, or record a resting blood pressure."}
		return st, nil
	}
	st.ScreeningID = s.ID
	st.Outcome = string(s.Outcome)
	st.Blocked = s.Outcome == screening.Blocked
	st.Settled = s.Settled
	st.Pending = []string{}
	for _, id := range s.Pending {
		fd, _ := s.finding(id)
		if fd.Class == screening.Absolute {
			st.Pending = append(st.Pending, "Absolute contraindication, blocks a course: "+firstSentence(fd.Message))
		} else {
			st.Pending = append(st.Pending, "Awaiting the prescriber's acknowledgement: "+firstSentence(fd.Message))
		}
	}
	st.Pending = append(st.Pending, UnansweredInWords(s.Unanswered)...)
	return st, nil
}

// UnansweredInWords says what to do about facts the rules still need.
func UnansweredInWords(list []screening.Unanswered) []string {
	desc := map[string]string{}
	for _, f := range screening.Catalogue() {
		desc[f.Name] = f.Description
	}
	var out []string
	var bp bool
	for _, u := range list {
		if strings.HasPrefix(u.Fact, "vitals.bp_") {
			if !bp {
				out = append(out, "Resting blood pressure for the screening not recorded: any clinician on the care team can record it.")
			}
			bp = true
			continue
		}
		out = append(out, "Answer needed for the screening ("+desc[u.Fact]+"): resolve it with the client and correct the intake.")
	}
	return out
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}
