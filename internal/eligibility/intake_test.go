package eligibility

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/intake"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var ctx = context.Background()

func TestSavingAPageKeepsInvalidInputOutAndSavesTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		var res TypedResult
		f.must(f.byClient(), day, func(u Use) error {
			var err error
			res, err = u.SaveTyped(ctx, f.client, intake.SectionMedical, Typed{
				"medical.heart_disease": "no", "medical.stroke": "perhaps", "medical.pregnancy": "no",
				"medical.other_conditions": strings.Repeat("x", 4001),
			})
			return err
		})
		if len(res.Errors) != 2 || res.Errors["medical.stroke"] == "" || res.Errors["medical.other_conditions"] == "" {
			t.Fatalf("errors %v; want the answer that is no choice and the text too long", res.Errors)
		}
		var rec Record
		f.must(f.byClient(), day, func(u Use) (err error) { rec, err = u.Load(ctx, f.client); return })
		m := rec.Answers.Medical
		if m.HeartDisease != intake.No || m.Pregnancy != intake.No || m.Stroke != "" || m.OtherConditions != "" {
			t.Fatalf("stored %+v; want the two good answers and nothing of the bad ones", m)
		}

		// A second save keeps the earlier good answer when the same box is now wrong.
		f.must(f.byClient(), day.Add(time.Minute), func(u Use) (err error) {
			res, err = u.SaveTyped(ctx, f.client, intake.SectionMedical, Typed{"medical.heart_disease": "sometimes", "medical.stroke": "no"})
			return
		})
		f.must(f.byClient(), day, func(u Use) (err error) { rec, err = u.Load(ctx, f.client); return })
		if rec.Answers.Medical.HeartDisease != intake.No || rec.Answers.Medical.Stroke != intake.No {
			t.Fatalf("stored %+v; want the earlier heart answer kept and the new stroke answer", rec.Answers.Medical)
		}
	})
}

func TestMedicationRowsKeepTheirPlaceAndOnlyGoodBoxesAreSaved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		var res TypedResult
		f.must(f.byClient(), day, func(u Use) (err error) {
			res, err = u.SaveTyped(ctx, f.client, intake.SectionMedications, Typed{
				"medications.takes_medications": "yes",
				// Row 0 left empty, row 1 fine, row 2 with a dose that is no number, row 3 removed.
				"medications.list[0].name": "", "medications.list[1].name": "Sertraline", "medications.list[1].dose": "100",
				"medications.list[1].unit": "mg", "medications.list[2].name": "Xanax", "medications.list[2].dose": "half",
				"medications.list[2].daily_dose_mg": "1,5", "medications.list[3].name": "Aspirin", "medications.list[3].remove": "on",
			})
			return
		})
		if len(res.Errors) != 1 || !strings.Contains(res.Errors["medications.list[2].dose"], "as a number") {
			t.Fatalf("errors %v; want only row 2's dose, named by its row on the page", res.Errors)
		}
		var rec Record
		f.must(f.byClient(), day, func(u Use) (err error) { rec, err = u.Load(ctx, f.client); return })
		list := rec.Answers.Medications.List
		if len(list) != 2 || list[0].Name != "Sertraline" || list[0].Dose != 100 || list[1].Name != "Xanax" || list[1].Dose != 0 ||
			list[1].DailyDoseMg == nil || *list[1].DailyDoseMg != 1.5 {
			t.Fatalf("stored %+v; want sertraline and Xanax without the unreadable dose", list)
		}

		// A row without a name is not saved; the rest is.
		f.must(f.byClient(), day, func(u Use) (err error) {
			res, err = u.SaveTyped(ctx, f.client, intake.SectionMedications, Typed{
				"medications.takes_medications": "yes", "medications.list[0].name": "Lamictal", "medications.list[1].dose": "5",
			})
			return
		})
		if !strings.Contains(res.Errors["medications.list[1].name"], "medicine's name") {
			t.Fatalf("errors %v; want row 1's missing name", res.Errors)
		}
		f.must(f.byClient(), day, func(u Use) (err error) { rec, err = u.Load(ctx, f.client); return })
		if l := rec.Answers.Medications.List; len(l) != 1 || l[0].Name != "Lamictal" {
			t.Fatalf("stored %+v; want Lamictal alone", l)
		}

		// Saying no while listing medicines: neither the answer nor the list changes.
		f.must(f.byClient(), day, func(u Use) (err error) {
			res, err = u.SaveTyped(ctx, f.client, intake.SectionMedications, Typed{
				"medications.takes_medications": "no", "medications.list[0].name": "Valium", "medications.notes": "stopped zopiclone in May",
			})
			return
		})
		if res.Errors["medications.list"] == "" {
			t.Fatalf("errors %v; want the list refused", res.Errors)
		}
		f.must(f.byClient(), day, func(u Use) (err error) { rec, err = u.Load(ctx, f.client); return })
		if m := rec.Answers.Medications; m.TakesMedications != intake.Yes || len(m.List) != 1 || m.List[0].Name != "Lamictal" ||
			m.Notes != "stopped zopiclone in May" {
			t.Fatalf("stored %+v; want the earlier answer and list kept, and the notes saved", m)
		}
	})
}

func TestAnIntakeResumesWhereItWasLeft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		var rec Record
		f.must(f.byClient(), day, func(u Use) (err error) { rec, err = u.Load(ctx, f.client); return })
		if rec.ID != "" || rec.Status != Draft || rec.NextOpen() != intake.SectionMedical {
			t.Fatalf("a new intake: %+v, next %q", rec, rec.NextOpen())
		}
		in := complete()
		f.must(f.byClient(), day, func(u Use) error {
			if _, err := u.SaveSection(ctx, f.client, in.Medical); err != nil {
				return err
			}
			_, err := u.SaveSection(ctx, f.client, intake.Psychiatric{PsychosisCurrent: intake.No})
			return err
		})
		f.must(f.bySam(), day, func(u Use) (err error) { rec, err = u.Load(ctx, f.client); return })
		if got := rec.NextOpen(); got != intake.SectionPsychiatric {
			t.Fatalf("resumes at %q; want psychiatric", got)
		}
		med, psy := rec.Section(intake.SectionMedical), rec.Section(intake.SectionPsychiatric)
		if !med.Done() || psy.Done() || !psy.Started() || len(psy.Missing) != 8 {
			t.Fatalf("medical %+v, psychiatric %+v", med, psy)
		}
		if med.SavedBy == nil || med.SavedBy.Kind != "client" || med.SavedBy.Name != "Alex Rivera" || !med.SavedAt.Equal(day) {
			t.Fatalf("saved by %+v at %v; want the client, now", med.SavedBy, med.SavedAt)
		}
		// Staff completing a section with the client is recorded as staff.
		f.must(f.bySam(), day.Add(time.Hour), func(u Use) error { _, err := u.SaveSection(ctx, f.client, in.Psychiatric); return err })
		f.must(f.bySam(), day, func(u Use) (err error) { rec, err = u.Load(ctx, f.client); return })
		if by := rec.Section(intake.SectionPsychiatric).SavedBy; by.Kind != "staff" || by.Name != "Sam Okafor" {
			t.Fatalf("saved by %+v; want Sam", by)
		}
		if rec.NextOpen() != intake.SectionSubstances {
			t.Fatalf("resumes at %q; want substances", rec.NextOpen())
		}
		// A draft is changed in place: one row per section.
		if n := f.count(`SELECT COUNT(*) FROM intake_section WHERE client_id = ?`, f.client); n != 2 {
			t.Fatalf("%d section rows; want 2", n)
		}
	})
}

func TestSubmitIsRefusedWhileAnswersAreMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := complete()
		in.Medical.Pregnancy = ""
		in.Substances.Alcohol = ""
		f.fill(in)
		err := f.as(f.byClient(), day, func(u Use) error { _, err := submit(ctx, u, f.client); return err })
		var missing *MissingAnswers
		if !errors.As(err, &missing) || !slices.Equal(missing.Paths, []string{"medical.pregnancy", "substances.alcohol"}) {
			t.Fatalf("err %v; want the two missing answers named", err)
		}
		if ps := missing.Problems(); len(ps) != 2 || !strings.Contains(ps[0].Message, "pregnant") {
			t.Fatalf("problems %v; want each named by its question", ps)
		}
		if n := f.count(`SELECT COUNT(*) FROM screening`); n != 0 {
			t.Fatalf("%d screenings; want none", n)
		}
		// An intake never saved is refused the same way.
		err = f.as(By{Kind: "client", ID: f.other}, day, func(u Use) error { _, err := submit(ctx, u, f.other); return err })
		if !errors.As(err, &missing) || len(missing.Paths) < 30 {
			t.Fatalf("err %v; want every required answer missing", err)
		}
	})
}

func TestSubmitRunsTheScreening(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		f.fill(complete())
		f.bp(124, 78)
		var s Screening
		f.must(f.byClient(), day.Add(time.Hour), func(u Use) (err error) { s, err = submit(ctx, u, f.client); return })
		if s.Outcome != "clear" || !s.Settled || s.RuleSetVersion == "" || !s.At.Equal(day.Add(time.Hour)) || s.Trigger != "submitted" {
			t.Fatalf("screening %+v; want clear, settled, dated and versioned", s)
		}
		var st St
		f.must(f.bySam(), day, func(u Use) (err error) { st, err = Status(ctx, u.Tx, f.client); return })
		if !st.IntakeSubmitted || st.ScreeningID != s.ID || st.Outcome != "clear" || st.Blocked || !st.Settled || len(st.Pending) != 0 {
			t.Fatalf("status %+v", st)
		}
		// Once sent, the client can no longer change it or send it again.
		err := f.as(f.byClient(), day, func(u Use) error { _, err := u.SaveSection(ctx, f.client, intake.Goals{Text: "more"}); return err })
		if !errors.Is(err, ErrSubmitted) {
			t.Fatalf("client change after submit: %v; want ErrSubmitted", err)
		}
		err = f.as(f.byClient(), day, func(u Use) error { _, err := submit(ctx, u, f.client); return err })
		if !errors.Is(err, ErrSubmitted) {
			t.Fatalf("second submit: %v; want ErrSubmitted", err)
		}
	})
}

func TestWithoutABloodPressureTheScreeningIsIncomplete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		f.fill(complete())
		var s Screening
		f.must(f.byClient(), day, func(u Use) (err error) { s, err = submit(ctx, u, f.client); return })
		if s.Outcome != "incomplete" || s.Settled || len(s.Unanswered) != 2 {
			t.Fatalf("screening %s, unanswered %v; want incomplete for want of a blood pressure", s.Outcome, s.Unanswered)
		}
		var st St
		f.must(f.bySam(), day, func(u Use) (err error) { st, err = Status(ctx, u.Tx, f.client); return })
		if st.Settled || len(st.Pending) != 1 || !strings.Contains(st.Pending[0], "blood pressure") {
			t.Fatalf("status %+v; want one pending item about blood pressure", st)
		}
		// Recording it screens again, and the first screening stays as it was.
		f.bp(128, 82)
		f.must(f.bySam(), day, func(u Use) (err error) { st, err = Status(ctx, u.Tx, f.client); return })
		if !st.Settled || st.Outcome != "clear" || st.ScreeningID == s.ID {
			t.Fatalf("status %+v; want a new, clear screening", st)
		}
		if n := f.count(`SELECT COUNT(*) FROM screening WHERE client_id = ? AND outcome = 'incomplete'`, f.client); n != 1 {
			t.Fatalf("the incomplete screening is gone (%d left)", n)
		}
	})
}

func TestAnAbsoluteFindingBlocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := complete()
		in.Medical.AneurysmOrAVM = intake.Yes
		f.fill(in)
		f.bp(130, 85)
		var s Screening
		f.must(f.byClient(), day, func(u Use) (err error) { s, err = submit(ctx, u, f.client); return })
		var st St
		f.must(f.bySam(), day, func(u Use) (err error) { st, err = Status(ctx, u.Tx, f.client); return })
		if !st.Blocked || st.Settled || st.Outcome != "blocked" || len(st.Pending) != 1 || !strings.Contains(st.Pending[0], "blocks a course") {
			t.Fatalf("status %+v; want blocked", st)
		}
		// No acknowledgement lifts it.
		err := f.as(f.byRx(), day.Add(time.Hour), func(u Use) error {
			_, err := u.Acknowledge(ctx, f.client, s.ID, store.NewID(), "abs-aneurysm-avm", "I accept the risk")
			return err
		})
		var ps access.Problems
		if !errors.As(err, &ps) || ps[0].Field != "rule_id" || !strings.Contains(ps[0].Message, "cannot be acknowledged") {
			t.Fatalf("err %v; want the absolute finding refused", err)
		}
	})
}

func TestARelativeFindingWaitsForThePrescriber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := complete()
		in.Psychiatric.ManiaHistory = intake.Yes
		in.Psychiatric.BipolarDiagnosis = intake.Yes
		f.fill(in)
		f.bp(118, 76)
		var s Screening
		f.must(f.byClient(), day, func(u Use) (err error) { s, err = submit(ctx, u, f.client); return })
		var st St
		f.must(f.bySam(), day, func(u Use) (err error) { st, err = Status(ctx, u.Tx, f.client); return })
		if st.Settled || st.Blocked || st.Outcome != "needs_acknowledgement" || len(st.Pending) != 1 ||
			!strings.Contains(st.Pending[0], "Awaiting the prescriber's acknowledgement") {
			t.Fatalf("status %+v; want awaiting the prescriber", st)
		}
		later := day.Add(2 * time.Hour)
		err := f.as(f.byRx(), later, func(u Use) error {
			_, err := u.Acknowledge(ctx, f.client, s.ID, store.NewID(), "rel-mania-bipolar", " ")
			return err
		})
		var ps access.Problems
		if !errors.As(err, &ps) || ps[0].Field != "reason" {
			t.Fatalf("err %v; want a reason asked for", err)
		}
		f.must(f.byRx(), later, func(u Use) error {
			a, err := u.Acknowledge(ctx, f.client, s.ID, store.NewID(), "rel-mania-bipolar",
				"Euthymic for six years on lithium; psychiatrist agrees; watch sleep after sessions.")
			if err == nil && a.PrescriberName != "Dr. Rae" {
				t.Errorf("acknowledged by %q", a.PrescriberName)
			}
			return err
		})
		f.must(f.bySam(), day, func(u Use) (err error) { st, err = Status(ctx, u.Tx, f.client); return })
		if !st.Settled || len(st.Pending) != 0 {
			t.Fatalf("status %+v; want settled once acknowledged", st)
		}
		err = f.as(f.byRx(), later, func(u Use) error {
			_, err := u.Acknowledge(ctx, f.client, s.ID, store.NewID(), "rel-mania-bipolar", "again")
			return err
		})
		if !errors.As(err, &ps) || !strings.Contains(ps[0].Message, "already acknowledged") {
			t.Fatalf("err %v; want a second acknowledgement refused", err)
		}
	})
}

func TestAStaffChangeToMedicationsAfterSubmitScreensAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		in := complete()
		in.Psychiatric.PsychosisHistory = intake.Yes
		f.fill(in)
		f.bp(120, 80)
		var first Screening
		f.must(f.byClient(), day, func(u Use) (err error) { first, err = submit(ctx, u, f.client); return })
		f.must(f.byRx(), day.Add(time.Hour), func(u Use) error {
			_, err := u.Acknowledge(ctx, f.client, first.ID, store.NewID(), "rel-psychosis", "Single drug-induced episode in 2009, none since.")
			return err
		})

		// Notes alone change nothing the rules read: no new screening.
		meds := intake.Medications{TakesMedications: intake.No, Notes: "none"}
		var saved Saved
		f.must(f.bySam(), day.Add(2*time.Hour), func(u Use) (err error) { saved, err = u.SaveSection(ctx, f.client, meds); return })
		if !saved.Changed || saved.Screening != nil {
			t.Fatalf("saved %+v; want a change and no screening", saved)
		}
		// A benzodiazepine does.
		dose := 1.0
		meds = intake.Medications{TakesMedications: intake.Yes, List: []intake.Medication{{Name: "lorazepam", Dose: 0.5, Unit: "mg", DailyDoseMg: &dose}}}
		f.must(f.bySam(), day.Add(3*time.Hour), func(u Use) (err error) { saved, err = u.SaveSection(ctx, f.client, meds); return })
		s := saved.Screening
		if s == nil || s.Trigger != "changed" || !strings.Contains(s.TriggerNote, "Your medicines") {
			t.Fatalf("saved %+v; want a new screening for the change", saved)
		}
		if _, ok := s.finding("int-benzodiazepine"); !ok {
			t.Errorf("findings %v; want the benzodiazepine caution", s.Findings)
		}
		// The prescriber's acknowledgement of unchanged facts carries forward.
		a, ok := s.AcknowledgementFor("rel-psychosis")
		if !ok || a.CarriedFrom == "" || !s.Settled {
			t.Errorf("acknowledgements %+v, settled %v; want the earlier acknowledgement carried forward", s.Acknowledgements, s.Settled)
		}
		var list []Screening
		f.must(f.bySam(), day, func(u Use) (err error) { list, err = u.Screenings(ctx, f.client); return })
		if len(list) != 2 || list[0].ID != s.ID || list[1].ID != first.ID || len(list[1].Acknowledgements) != 1 {
			t.Fatalf("%d screenings; want the new one first and the first one kept with its acknowledgement", len(list))
		}
		// Revisions: the medications section has its submitted version and two changes.
		if n := f.count(`SELECT COUNT(*) FROM intake_section WHERE client_id = ? AND section = 'medications'`, f.client); n != 3 {
			t.Fatalf("%d revisions of the medications section; want 3", n)
		}
		// The first screening can no longer be acknowledged.
		err := f.as(f.byRx(), day.Add(4*time.Hour), func(u Use) error {
			_, err := u.Acknowledge(ctx, f.client, first.ID, store.NewID(), "rel-psychosis", "ok")
			return err
		})
		if !errors.Is(err, ErrSuperseded) {
			t.Fatalf("err %v; want ErrSuperseded", err)
		}
	})
}

func TestScreeningsAreAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		f.fill(complete())
		f.must(f.byClient(), day, func(u Use) error { _, err := submit(ctx, u, f.client); return err })
		for _, q := range []string{`UPDATE screening SET outcome = 'clear'`, `DELETE FROM screening`} {
			err := db.Write(ctx, func(tx *store.Tx) error { _, err := tx.Exec(ctx, q); return err })
			if err == nil {
				t.Errorf("%s was allowed", q)
			}
		}
	})
}

func TestAnotherClientsIntakeIsNotRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		f.fill(complete())
		other := store.NewID()
		f.exec(`INSERT INTO practice (id, slug, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`, other, "o-"+other[:8], "Other", "UTC", day)
		var rec Record
		err := db.Write(ctx, func(tx *store.Tx) (err error) {
			rec, err = Use{Tx: tx, PracticeID: other, Now: day}.Load(ctx, f.client)
			return
		})
		if err != nil || rec.ID != "" {
			t.Fatalf("another practice read the intake: %+v, %v", rec, err)
		}
	})
}
