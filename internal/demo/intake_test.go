package demo

import (
	"context"
	"testing"

	"holdspace/internal/eligibility"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The demo clients stand at each stage of intake and screening.
func TestTheDemoIntakesAndScreenings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		status := map[string]eligibility.St{}
		loaded(t, db, func(ctx context.Context, tx *store.Tx, w *world) error {
			for key, id := range w.clients {
				st, err := eligibility.Status(ctx, tx, id)
				if err != nil {
					return err
				}
				status[key] = st
			}
			return nil
		})
		cases := []struct {
			key                        string
			submitted, blocked, settle bool
			outcome                    string
		}{
			{"jamie", false, false, false, ""},
			{"robert", true, true, false, "blocked"},
			{"priscilla", true, false, false, "needs_acknowledgement"},
			{"alex", true, false, true, "clear_with_cautions"},
			{"maya", true, false, true, "clear"},
			{"daniel", true, false, true, "needs_acknowledgement"},
		}
		for _, c := range cases {
			st := status[c.key]
			if st.IntakeSubmitted != c.submitted || st.Blocked != c.blocked || st.Settled != c.settle || st.Outcome != c.outcome {
				t.Errorf("%s: %+v; want submitted %v, blocked %v, settled %v, outcome %q", c.key, st, c.submitted, c.blocked, c.settle, c.outcome)
			}
		}
		if p := status["priscilla"].Pending; len(p) != 1 {
			t.Errorf("priscilla pending %v; want the prescriber's acknowledgement alone", p)
		}
	})
}
