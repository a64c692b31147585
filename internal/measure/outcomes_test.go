package measure_test

import (
	"context"
	"testing"
	"time"

	"holdspace/internal/dosing"
	"holdspace/internal/measure"
	"holdspace/internal/safety"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// A small practice counted by hand (see measure.Outcomes for the rules):
//
//	A  F33.1  sublingual  completed  PHQ-9 20 → end 8 (−60%: response, 8 ≥ 5 no remission) → 1m 4 (response, remission)
//	B  F33.1  IV          completed  PHQ-9 16 → end 10 (−37.5%: neither)
//	C  F33.1  sublingual  stopped after 2 held sessions ("Side effects"), baseline 18 only
//	D  F43.10 sublingual  completed  PHQ-9 10 → end 5 (−50% exactly: response; 5 is not below 5: no remission);
//	                                 PCL-5 50 → end 38 (fell 12 ≥ 10: improved)
//	E  F33.1  IV          planned, never started: not counted
//
// Started 4, completed 3, stopped 1, completion 3 of 4 (75%).
// PHQ-9 at course end: n 3 (A, B, D); response 2 of 3 (A, D); remission 0 of 3.
// PHQ-9 at 1 month: n 1 (A); response 1 of 1; remission 1 of 1.
// By indication F33.1, course end: n 2, response 1 of 2. F43.10: n 1, response 1 of 1.
// By route IV, course end: n 1 (B), response 0 of 1.
func TestOutcomesMatchAHandCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, f.zone) }
		type result struct {
			code, occasion string
			answers        map[string]int
		}
		pcl := func(total int) map[string]int {
			a := map[string]int{}
			for i := 1; i <= 20; i++ {
				v := min(total, 4)
				a["pcl5_"+itoa(i)] = v
				total -= v
			}
			return a
		}
		add := func(name, indication, route, status, reason string, held int, results ...result) {
			c := f.client(t, name, "")
			k := f.course(t, c, indication, route, status, day(1, 1), day(1, 2), reason)
			for n := 1; n <= held; n++ {
				f.session(t, c, k, n, day(1, 2+3*n), "held")
			}
			write(t, db, func(ctx context.Context, tx *store.Tx) error {
				for i, r := range results {
					when := day(2, 1).Add(time.Duration(i) * time.Hour)
					resp, err := measure.Start(ctx, tx, f.cat, f.practice, c, measure.Slot{CourseID: k, Instrument: r.code, Occasion: r.occasion}, measure.Filler{Kind: measure.FilledByStaff, StaffID: f.staff}, when)
					if err != nil {
						return err
					}
					if _, err := measure.Submit(ctx, tx, f.cat, c, resp.ID, r.answers, when, true); err != nil {
						return err
					}
				}
				return nil
			})
		}
		end, base, m1 := safety.OccasionCourseEnd, safety.OccasionBaseline, safety.FollowUpOccasion("1m")
		add("A", "F33.1", "sublingual_rdt", "completed", "", 6, result{"phq9", base, phq9(20, 0)}, result{"phq9", end, phq9(8, 0)}, result{"phq9", m1, phq9(4, 0)})
		add("B", "F33.1", "iv", "completed", "", 6, result{"phq9", base, phq9(16, 0)}, result{"phq9", end, phq9(10, 0)})
		add("C", "F33.1", "sublingual_rdt", "stopped", "Side effects", 2, result{"phq9", base, phq9(18, 0)})
		add("D", "F43.10", "sublingual_rdt", "completed", "", 6, result{"phq9", base, phq9(10, 0)}, result{"phq9", end, phq9(5, 0)},
			result{"pcl5", base, pcl(50)}, result{"pcl5", end, pcl(38)})
		e := f.client(t, "E", "")
		f.course(t, e, "F33.1", "iv", "planned", day(1, 1), time.Time{}, "")

		var o, iv measure.Outcomes
		write(t, db, func(ctx context.Context, tx *store.Tx) error {
			var err error
			if o, err = measure.ComputeOutcomes(ctx, tx, f.cat, f.practice, measure.OutcomeFilter{}); err != nil {
				return err
			}
			iv, err = measure.ComputeOutcomes(ctx, tx, f.cat, f.practice, measure.OutcomeFilter{Route: dosing.RouteIV})
			return err
		})
		if o.Started != 4 || o.Completed != 3 || o.Stopped != 1 || o.Completion.Percent() != "75%" {
			t.Errorf("courses: started %d completed %d stopped %d completion %s", o.Started, o.Completed, o.Stopped, o.Completion.Percent())
		}
		if len(o.Stops) != 1 || o.Stops[0].AfterSessions != 2 || o.Stops[0].Courses != 1 || o.Stops[0].Reasons[0] != "Side effects" {
			t.Errorf("stops = %+v", o.Stops)
		}
		want := []struct {
			group, code, occasion string
			n                     int
			resp, rem             string // "num/den" or "" for no rule
			improved              string
		}{
			{"All courses", "phq9", end, 3, "2/3", "0/3", ""},
			{"All courses", "phq9", m1, 1, "1/1", "1/1", ""},
			{"All courses", "pcl5", end, 1, "", "", "1/1"},
			{"Indication F33.1", "phq9", end, 2, "1/2", "0/2", ""},
			{"Indication F43.10", "phq9", end, 1, "1/1", "0/1", ""},
			{"Route: IV infusion", "phq9", end, 1, "0/1", "0/1", ""},
		}
		for _, w := range want {
			var found *measure.OutcomeRow
			for i := range o.Rows {
				r := &o.Rows[i]
				if r.Group == w.group && r.Instrument == w.code && r.Occasion == w.occasion {
					found = r
				}
			}
			if found == nil {
				t.Errorf("no row %s %s %s in %+v", w.group, w.code, w.occasion, o.Rows)
				continue
			}
			if found.N != w.n || frac(found.Response) != w.resp || frac(found.Remission) != w.rem || frac(found.Improved) != w.improved {
				t.Errorf("%s %s %s: n %d response %s remission %s improved %s; want %d %s %s %s", w.group, w.code, w.occasion,
					found.N, frac(found.Response), frac(found.Remission), frac(found.Improved), w.n, w.resp, w.rem, w.improved)
			}
		}
		if iv.Started != 1 || iv.Completed != 1 || iv.Completion.Percent() != "100%" {
			t.Errorf("IV only: %+v", iv)
		}
	})
}

func frac(r *measure.Rate) string {
	if r == nil {
		return ""
	}
	return itoa(r.Num) + "/" + itoa(r.Den)
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
