package web_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// TestApprovalAndActivationNeedASettledScreening: once found, a prescriber
// could approve (and then plan and activate a course for) a client whose
// intake was half done and who had no screening, and one with a relative
// contraindication still unacknowledged. Approval now needs a current
// screening that is clear or fully acknowledged, and activation checks the
// same (KAP.md §1 Contraindications and interactions).
func TestApprovalAndActivationNeedASettledScreening(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		rx := s.client(t, "prescriber")
		for _, who := range []struct{ email, says string }{
			{"jamie@client.example", "Intake questionnaire not yet submitted"},
			{"cilla@client.example", "Awaiting the prescriber's acknowledgement"},
		} {
			id := s.clientByEmail(t, who.email)
			before := s.count(t, `SELECT COUNT(*) FROM evaluation WHERE client_id = ?`, id)
			res, err := postForm(rx, s.url+"/clients/"+id+"/evaluation/new", approvalForm(testPassword))
			if err != nil {
				t.Fatal(err)
			}
			body := readBody(t, res)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("approving %s: %d; want 422", who.email, res.StatusCode)
			}
			pageSays(t, body, "can be approved only on a current screening", who.says)
			if after := s.count(t, `SELECT COUNT(*) FROM evaluation WHERE client_id = ?`, id); after != before {
				t.Errorf("an approval for %s was stored", who.email)
			}
		}

		// Daniel is approved with a planned course; a newer screening that
		// is incomplete (a changed intake, not yet answered) stops its start.
		var daniel, course, intake string
		storetest.Scan(t, s.db, `SELECT c.client_id, c.id, i.id FROM course c JOIN client cl ON cl.id = c.client_id JOIN intake i ON i.client_id = cl.id
				WHERE cl.email = 'dan@client.example' AND c.status = 'planned'`, nil, &daniel, &course, &intake)
		if course == "" {
			t.Fatal("the demo has no planned course for Daniel")
		}
		if err := s.db.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO screening (id, practice_id, client_id, intake_id, screened_at, rule_set_version, outcome, findings, unanswered,
				parameters, facts, trigger_kind, run_by_kind, run_by_id)
				SELECT id || '-again', practice_id, client_id, intake_id, ?, rule_set_version, 'incomplete', '[]',
				'[{"fact":"vitals.bp_systolic","rule_ids":["bp-at-rest"]}]', parameters, facts, 'changed', run_by_kind, run_by_id
				FROM screening WHERE client_id = ? ORDER BY screened_at DESC LIMIT 1`, time.Now().UTC(), daniel)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		res, err := postForm(rx, s.url+"/clients/"+daniel+"/courses/"+course+"/activate", nil)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, res)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("activating Daniel's course on an incomplete screening: %d; want 422", res.StatusCode)
		}
		pageSays(t, body, "A course needs a current screening")
		if n := s.count(t, `SELECT COUNT(*) FROM course WHERE id = ? AND status = 'planned'`, course); n != 1 {
			t.Fatal("the course was activated")
		}
	})
}
