package demo

import (
	"fmt"
	"slices"
	"time"

	"holdspace/internal/alert"
	"holdspace/internal/safety"
)

// safety gives Alex check-ins 1, 3, 7 and 14 days after each held
// session (one missed, one whose yes raised an alert that Sam
// acknowledged and closed, the later ones still to come), and Maya one
// open alert from a check-in answered two hours ago that nobody has
// acknowledged yet. Each client answers in the portal on the evening of
// the day (Maya at six); the safety worker emails the check-in Alex
// leaves unanswered and tells the care team when its grace has passed.
// Every alert email is delivered when it is made: a demo load sends nobody
// anything. The on-call clinicians (Dr. Raman on weeknights, Sam at
// weekends) are the owner's, from settle; Alex's safety plan is
// safetyPlan's.
func (w *world) safety(t *timeline) {
	sessionDay := func(n int) int { return heldDays[n] }
	for n := 1; n <= 3; n++ {
		for _, after := range []int{1, 3, 7, 14} {
			evening := w.day(sessionDay(n)+after, 19, 0)
			switch {
			case n == 1 && after == 3:
				// The yes that raised Alex's past alert, acknowledged 40
				// minutes later and closed the next day.
				var alertID string
				t.at(evening, func() error {
					var err error
					alertID, err = w.checkIn("alex", n, after, 3, safety.SleepPoor, true, "The old thoughts came back last night. I'm okay now but wanted you to know.")
					return err
				})
				t.at(evening.Add(40*time.Minute), func() error {
					_, err := w.doors.Safety.Acknowledge(w.ctx, w.as["sam"], alertID, alert.Acknowledgement{Action: safety.ActionContactedClient,
						Note: "Spoke by phone for 25 minutes; no plan or intent; went through the safety plan together. Rosa staying over tonight."}, nil)
					if err != nil {
						return fmt.Errorf("demo acknowledge: %w", err)
					}
					return nil
				})
				t.at(evening.Add(15*time.Hour), func() error {
					if _, err := w.doors.Safety.Close(w.ctx, w.as["sam"], alertID, "Seen in the integration session the next morning; mood better.", nil); err != nil {
						return fmt.Errorf("demo close: %w", err)
					}
					return nil
				})
			case n == 2 && after == 3:
				// Left unanswered: the email went at nine that morning, and
				// the care team was told at midday the day after.
				w.watch(t, w.day(sessionDay(n)+after, 9, 0))
				w.watch(t, w.day(sessionDay(n)+after+1, 12, 0))
			case evening.Before(w.now):
				t.at(evening, func() error {
					_, err := w.checkIn("alex", n, after, 5+n, safety.SleepFair, false, "")
					return err
				})
			}
		}
	}

	maya := w.day(-10, 0, 0)
	for _, after := range []int{1, 3} {
		t.at(maya.AddDate(0, 0, after).Add(18*time.Hour), func() error {
			_, err := w.checkIn("maya", 1, after, 7-after, safety.SleepGood, false, "")
			return err
		})
	}
	// Answered late, two hours ago: the yes raised Maya's open alert.
	t.at(w.now.Add(-2*time.Hour), func() error {
		_, err := w.checkIn("maya", 1, 7, 2, safety.SleepVeryPoor, true, "Missing the last session made it worse. Hard week.")
		return err
	})
}

// checkIn is the client key answering, in the portal, their check-in of
// the given day after session n, and delivering the mail that raised;
// it returns the alert a yes raised.
func (w *world) checkIn(key string, n, after, mood int, sleep safety.SleepQuality, harm bool, note string) (string, error) {
	ctx, d, a := w.ctx, w.doors.Safety, w.as[key]
	mine, err := d.MyCheckIns(ctx, a)
	if err != nil {
		return "", err
	}
	for _, k := range mine.Open {
		if k.Session != n || k.DaysAfter != after {
			continue
		}
		_, alertID, err := d.SubmitCheckIn(ctx, a, "", k.ID, alert.Answers{Mood: &mood, Sleep: sleep, SelfHarm: &harm, ForCareTeam: note}, nil)
		if err != nil {
			return "", fmt.Errorf("demo check-in of %s: %w", key, err)
		}
		return alertID, w.deliver()
	}
	return "", fmt.Errorf("demo check-in of %s: session %d, day %d is not open", key, n, after)
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
	t.at(w.day(-16, 17, 40), func() error {
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
