package demo

import (
	"fmt"
	"slices"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/safety"
)

// safety gives Alex check-ins 1, 3, 7 and 14 days after each held session (one missed, one whose yes
// raised an alert that Sam acknowledged and closed, the later ones still to
// come), and Maya one open alert from a check-in answered two hours ago
// that nobody has acknowledged yet. It runs after courses, whose held
// sessions the check-ins follow. The on-call clinicians (Dr. Raman on
// weeknights, Sam at weekends) are the owner's, from settle; Alex's safety
// plan is safetyPlan's.
func (w *world) safety() error {
	ctx := w.ctx
	alex, maya := w.clients["alex"], w.clients["maya"]
	sam := w.staff["sam"]

	// Check-ins after the held sessions the courses part recorded.
	for _, c := range []string{alex, maya} {
		if _, err := alert.PlanCheckIns(ctx, w.tx, w.practiceID, c, w.now); err != nil {
			return fmt.Errorf("demo check-ins: %w", err)
		}
	}
	answer := func(k alert.CheckIn, mood int, sleep safety.SleepQuality, harm bool, note string, at time.Time) (string, error) {
		_, id, err := alert.Submit(ctx, w.tx, w.practiceID, k.ClientID, k.ID, alert.Answers{Mood: &mood, Sleep: sleep, SelfHarm: &harm, ForCareTeam: note}, at)
		return id, err
	}
	list, err := alert.CheckIns(ctx, w.tx, w.practiceID, alex)
	if err != nil {
		return err
	}
	for _, k := range list {
		evening := k.WindowOpens.Add(19 * time.Hour)
		switch {
		case k.Session == 1 && k.DaysAfter == 3:
			// The yes that raised Alex's past alert, acknowledged 40
			// minutes later and closed the next day.
			id, err := answer(k, 3, safety.SleepPoor, true, "The old thoughts came back last night. I'm okay now but wanted you to know.", evening)
			if err != nil {
				return fmt.Errorf("demo check-in: %w", err)
			}
			if _, err := alert.Acknowledge(ctx, w.tx, w.practiceID, id, sam, safety.ActionContactedClient,
				"Spoke by phone for 25 minutes; no plan or intent; went through the safety plan together. Rosa staying over tonight.", evening.Add(40*time.Minute)); err != nil {
				return fmt.Errorf("demo acknowledge: %w", err)
			}
			if _, err := alert.Close(ctx, w.tx, w.practiceID, id, sam, "Seen in the integration session the next morning; mood better.", evening.Add(15*time.Hour)); err != nil {
				return fmt.Errorf("demo close: %w", err)
			}
		case k.Session == 2 && k.DaysAfter == 3:
			// Left unanswered: the care team was told at midday the day after.
			if _, err := w.tx.Exec(ctx, `UPDATE check_in SET emailed_at = ?, missed_at = ? WHERE id = ?`,
				k.WindowOpens.Add(9*time.Hour), k.DueBy.Add(12*time.Hour), k.ID); err != nil {
				return err
			}
		case k.WindowOpens.Before(w.now):
			if _, err := answer(k, 5+k.Session, safety.SleepFair, false, "", evening); err != nil {
				return fmt.Errorf("demo check-in: %w", err)
			}
		}
	}

	list, err = alert.CheckIns(ctx, w.tx, w.practiceID, maya)
	if err != nil {
		return err
	}
	for _, k := range list {
		switch {
		case k.DaysAfter == 1 || k.DaysAfter == 3:
			if _, err := answer(k, 7-k.DaysAfter, safety.SleepGood, false, "", k.WindowOpens.Add(18*time.Hour)); err != nil {
				return fmt.Errorf("demo check-in: %w", err)
			}
		case k.DaysAfter == 7:
			// Answered late, two hours ago: the yes raised Maya's open alert.
			if _, err := answer(k, 2, safety.SleepVeryPoor, true, "Missing the last session made it worse. Hard week.", w.now.Add(-2*time.Hour)); err != nil {
				return fmt.Errorf("demo check-in: %w", err)
			}
		}
	}
	// The demo's alert emails count as delivered when they were made: a
	// demo load sends nobody anything.
	_, err = w.tx.Exec(ctx, `UPDATE outbox SET sent_at = created_at WHERE practice_id = ? AND sent_at IS NULL AND subject LIKE 'Safety alert%'`, w.practiceID)
	return err
}

// safetyPlan is Alex's safety plan, written with Sam in two sittings: the
// first before the course, the second adding a friend and what makes life
// worth living.
func (w *world) safetyPlan(t *timeline) {
	ctx, sam := w.ctx, w.as["sam"]
	plan := safety.SafetyPlan{
		WarningSigns:   []safety.PlanEntry{{Text: "Lying awake past 2am going over old arguments"}, {Text: "Cancelling on friends two weekends running"}},
		InternalCoping: []safety.PlanEntry{{Text: "Walk the long loop by the river with headphones on"}, {Text: "Cold water on my face, then the 4-7-8 breathing"}},
		SocialDistraction: []safety.PlanEntry{{Text: "The climbing gym on Thursday evenings"},
			{Text: "Call my cousin Dani just to talk about anything", Phone: "+1 555 0140"}},
		PeopleToAsk:     []safety.PlanEntry{{Text: "My sister Rosa", Phone: "+1 555 0141"}},
		Professionals:   []safety.PlanEntry{{Text: "Sam Okafor, Stillwater (weekdays)", Phone: "+1 555 0100"}, {Text: "988 Suicide & Crisis Lifeline", Phone: "988"}},
		SafeEnvironment: []safety.PlanEntry{{Text: "Rosa keeps the spare medication at her place"}},
	}

	first := plan
	t.at(w.now.AddDate(0, 0, -12), func() error {
		if _, err := w.doors.Safety.SavePlan(ctx, sam, w.clients["alex"], first, nil); err != nil {
			return fmt.Errorf("demo safety plan: %w", err)
		}
		return nil
	})
	second := plan
	second.PeopleToAsk = append(slices.Clone(plan.PeopleToAsk), safety.PlanEntry{Text: "My friend Theo (knows about the treatment)", Phone: "+1 555 0142"})
	second.WorthLivingFor = "Rosa's kids, and finishing the boat with my dad"
	t.at(w.now.AddDate(0, 0, -4), func() error {
		if _, err := w.doors.Safety.SavePlan(ctx, sam, w.clients["alex"], second, nil); err != nil {
			return fmt.Errorf("demo safety plan: %w", err)
		}
		return nil
	})
}
