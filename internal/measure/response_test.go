package measure_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/instrument"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// The default schedule must name instruments the catalog holds, or a
// scheduled measure could never be filled in (the C-SSRS code was once
// spelt two ways).
func TestDefaultScheduleNamesCatalogInstruments(t *testing.T) {
	cat, err := instrument.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range safety.DefaultSchedule(time.UTC).Instruments {
		if _, ok := cat.Get(p.Code); !ok {
			t.Errorf("the default schedule names %q, which is not in the instrument catalog", p.Code)
		}
	}
}

func TestADraftIsSavedSubmittedOnceAndCorrectedWithAReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		alex := f.client(t, "Alex", "alex@example.org")
		now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
		courseID := f.course(t, alex, "F33.1", "iv", "active", now.AddDate(0, 0, -3), now.AddDate(0, 0, -2), "")
		slot := measure.Slot{CourseID: courseID, Instrument: "phq9", Occasion: safety.OccasionBaseline}
		client := measure.Filler{Kind: measure.FilledByClient}
		var id string
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			r, err := measure.Start(ctx, tx, f.cat, f.practice, alex, slot, client, now)
			if err != nil {
				return err
			}
			id = r.ID
			again, err := measure.Start(ctx, tx, f.cat, f.practice, alex, slot, client, now)
			if err != nil || again.ID != id {
				t.Errorf("starting the same slot again gave %v, %v; want the open draft back", again, err)
			}
			// Save and come back: the answers so far are kept.
			r, err = measure.SaveDraft(ctx, tx, f.cat, alex, id, map[string]int{"phq9_1": 2, "phq9_2": 3}, now)
			if err != nil || r.Answers["phq9_2"] != 3 || r.Status != measure.StatusDraft {
				t.Errorf("draft = %+v, %v", r, err)
			}
			// A value the form never offers is refused beside its item.
			_, err = measure.SaveDraft(ctx, tx, f.cat, alex, id, map[string]int{"phq9_3": 7}, now)
			var ps clinic.Problems
			if !errors.As(err, &ps) || ps[0].Field != "phq9_3" {
				t.Errorf("out-of-range answer: %v", err)
			}
			// The safety item missing: refused, naming it (never guessed).
			a := phq9(12, 0)
			delete(a, "phq9_9")
			_, err = measure.Submit(ctx, tx, f.cat, alex, id, a, now, true)
			var ae *instrument.AnswerError
			if !errors.As(err, &ae) || ae.Items["phq9_9"] == "" {
				t.Fatalf("submit without item 9: %v; want an answer error naming phq9_9", err)
			}
			return nil
		})
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			sub, err := measure.Submit(ctx, tx, f.cat, alex, id, phq9(12, 0), now, true)
			if err != nil {
				return err
			}
			r := sub.Response
			if r.Status != measure.StatusSubmitted || r.Result.Total != 12 || r.Result.Band != "Moderate" || r.Result.Version == "" || sub.Trigger != nil {
				t.Errorf("submitted = %+v %+v trigger %v", r, r.Result, sub.Trigger)
			}
			if _, err := measure.SaveDraft(ctx, tx, f.cat, alex, id, map[string]int{"phq9_1": 0}, now); err == nil {
				t.Error("a submitted response changed")
			}
			if _, err := measure.Start(ctx, tx, f.cat, f.practice, alex, slot, client, now); err == nil || !strings.Contains(err.Error(), "correction") {
				t.Errorf("starting a submitted slot: %v; want a pointer to a correction", err)
			}
			if _, err := measure.Correct(ctx, tx, f.practice, alex, id, " ", f.staff, now); err == nil {
				t.Error("a correction without a reason was accepted")
			}
			fix, err := measure.Correct(ctx, tx, f.practice, alex, id, "Client meant 'several days' for question 1.", f.staff, now)
			if err != nil {
				return err
			}
			if fix.Supersedes != id || fix.Answers["phq9_1"] != 3 || fix.FilledBy != measure.FilledByStaff {
				t.Errorf("correction draft = %+v", fix)
			}
			a := phq9(12, 0)
			a["phq9_1"] = 1
			if _, err := measure.Submit(ctx, tx, f.cat, alex, fix.ID, a, now.Add(time.Hour), true); err != nil {
				return err
			}
			orig, err := measure.Load(ctx, tx, alex, id)
			if err != nil {
				return err
			}
			if orig.SupersededBy != fix.ID || orig.Current() || orig.Result.Total != 12 {
				t.Errorf("original after correction = %+v", orig)
			}
			return nil
		})
	})
}

// KAP.md §2: PHQ-9 item 9 above 0 must reach a clinician.
func TestItem9AboveZeroComesBackAsATrigger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client(t, "Jamie", "jamie@example.org")
		now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			r, err := measure.Start(ctx, tx, f.cat, f.practice, c, measure.Slot{Instrument: "phq9", Occasion: measure.OccasionAdHoc}, measure.Filler{Kind: measure.FilledByClient}, now)
			if err != nil {
				return err
			}
			sub, err := measure.Submit(ctx, tx, f.cat, c, r.ID, phq9(14, 1), now, true)
			if err != nil {
				return err
			}
			if sub.Trigger == nil || sub.Trigger.Source != safety.SourcePHQ9Item9 || sub.Trigger.Severity != safety.SeverityModerate {
				t.Errorf("trigger = %+v", sub.Trigger)
			}
			return nil
		})
	})
}

// The C-SSRS screener asks Q3-5 only after a yes to Q2, and "in the past
// three months" only after a yes to Q6 (KAP.md §2; Posner et al. 2011, the
// screener's published flow). A yes to one of them that the client gave is
// never thrown away: sent whole (strict order, as the API sends it) the
// set is refused, naming the question and the answer it waits on, and the
// yes still calls for a high-severity alert; left over in a draft after an
// earlier answer changed (the forms), it is kept and raises that alert.
func TestCSSRSAnswersToQuestionsNotDueAreNeverThrownAway(t *testing.T) {
	cases := []struct {
		name     string
		draft    map[string]int
		submit   map[string]int
		strict   bool
		refused  []string // fields refused, in strict order
		severity safety.Severity
		kept     []string // answers kept on the submitted response
	}{
		{"intent after a no to Q2, sent whole", nil, map[string]int{"cssrs_1": 1, "cssrs_2": 0, "cssrs_4": 1, "cssrs_6": 0}, true,
			[]string{"cssrs_4"}, safety.SeverityHigh, nil},
		{"behaviour in the past 3 months after a no to Q6, sent whole", nil, map[string]int{"cssrs_1": 0, "cssrs_2": 0, "cssrs_6": 0, "cssrs_6_recent": 1}, true,
			[]string{"cssrs_6_recent"}, safety.SeverityHigh, nil},
		{"a no to a question not due, sent whole: refused, no alert", nil, map[string]int{"cssrs_1": 0, "cssrs_2": 0, "cssrs_3": 0, "cssrs_6": 0}, true,
			[]string{"cssrs_3"}, "", nil},
		{"the form: Q2 changed to no after a yes to Q3", map[string]int{"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 1}, map[string]int{"cssrs_2": 0, "cssrs_6": 0}, false,
			nil, safety.SeverityHigh, []string{"cssrs_3"}},
		{"the form: Q2 changed to no after a no to Q3: nothing to raise", map[string]int{"cssrs_1": 0, "cssrs_2": 1, "cssrs_3": 0}, map[string]int{"cssrs_2": 0, "cssrs_6": 0}, false,
			nil, "", []string{"cssrs_3"}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.client(t, "Rob", "rob@example.org")
		now := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				write(t, db, func(ctx context.Context, tx *store.Tx) error {
					r, err := measure.Start(ctx, tx, f.cat, f.practice, c, measure.Slot{Instrument: "cssrs-screener", Occasion: measure.OccasionAdHoc}, measure.Filler{Kind: measure.FilledByStaff, StaffID: f.staff}, now)
					if err != nil {
						return err
					}
					if tc.draft != nil {
						if _, err := measure.SaveDraft(ctx, tx, f.cat, c, r.ID, tc.draft, now); err != nil {
							return err
						}
					}
					sub, err := measure.Submit(ctx, tx, f.cat, c, r.ID, tc.submit, now, tc.strict)
					var nd *measure.NotDueError
					trigger := sub.Trigger
					if tc.refused != nil {
						if !errors.As(err, &nd) {
							t.Fatalf("err = %v; want the set refused for answers not due", err)
						}
						for _, field := range tc.refused {
							found := false
							for _, p := range nd.Problems {
								found = found || (p.Field == field && strings.Contains(p.Message, "is asked only after"))
							}
							if !found {
								t.Errorf("no problem names %s: %v", field, nd.Problems)
							}
						}
						trigger = nd.Trigger
					} else if err != nil {
						return err
					}
					switch {
					case tc.severity == "" && trigger != nil:
						t.Errorf("an alert for answers that were all no: %+v", trigger)
					case tc.severity != "" && (trigger == nil || trigger.Severity != tc.severity || !strings.Contains(trigger.Message, "Treat it as given")):
						t.Errorf("trigger %+v; want a %s alert that quotes the answer", trigger, tc.severity)
					}
					for _, id := range tc.kept {
						if _, ok := sub.Response.Answers[id]; !ok {
							t.Errorf("the answer to %s was thrown away", id)
						}
					}
					return nil
				})
			})
		}
	})
}
