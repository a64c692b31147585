package alert

import (
	"context"
	"errors"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/reminder"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// CrisisView is what a client is shown of the practice's crisis
// resources.
type CrisisView struct {
	Resources safety.CrisisResources
	Contact   string
	Practice  string
}

// LoadCrisis reads the crisis resources, the practice's own contact and
// its name, in tx; on a failure the national lines come back with the
// error, so a person in crisis is never left without a number.
func LoadCrisis(ctx context.Context, tx *store.Tx, practiceID string) (CrisisView, error) {
	st, err := LoadSettings(ctx, tx, practiceID)
	if err != nil {
		return CrisisView{Resources: safety.USCrisisResources()}, err
	}
	v := CrisisView{Resources: safety.ResourcesFor(&st.Crisis), Contact: st.Contact, Practice: st.PracticeName}
	if v.Contact == "" {
		// A practice that has set only the phone its reminder emails give
		// is reached on that number here too.
		rs, err := reminder.Load(ctx, tx, practiceID)
		if err != nil {
			return v, err
		}
		if rs.Phone != "" {
			v.Contact = "call " + rs.Phone
		}
	}
	return v, nil
}

// Crisis is the crisis page a client can always reach from the portal.
// On a failure the national lines come back with the error.
func (d *Door) Crisis(ctx context.Context, a access.Actor) (CrisisView, error) {
	out := CrisisView{Resources: safety.USCrisisResources()}
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "crisis_resources", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		out, err = LoadCrisis(ctx, tx, a.PracticeID)
		return err
	})
	if err != nil {
		return CrisisView{Resources: safety.USCrisisResources()}, err
	}
	return out, nil
}

// ClientCheckIns are one client's check-ins, for the care team.
type ClientCheckIns struct {
	Client   clinic.Client
	CheckIns []CheckIn
}

// CheckIns lists a client's check-ins for the care team, missed ones
// marked.
func (d *Door) CheckIns(ctx context.Context, a access.Actor, clientID string) (ClientCheckIns, error) {
	var out ClientCheckIns
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "check_in", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		out.CheckIns, err = CheckIns(ctx, tx, a.PracticeID, clientID)
		return err
	})
	return out, err
}

// MyCheckIns are a client's own check-ins as the portal lists them.
type MyCheckIns struct {
	Open, Later, Done []CheckIn
}

// MyCheckIns lists the client's own check-ins: those open now, those
// still to come and those answered. They are planned here as well as by
// the worker, so a check-in is there the moment the client looks even if
// the worker is late.
func (d *Door) MyCheckIns(ctx context.Context, a access.Actor) (MyCheckIns, error) {
	var out MyCheckIns
	now := d.now()
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "check_in", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := PlanCheckIns(d.mailing(ctx), tx, a.PracticeID, a.ClientID, now); err != nil {
			return err
		}
		list, err := CheckIns(ctx, tx, a.PracticeID, a.ClientID)
		for _, k := range list {
			switch {
			case k.Answered():
				out.Done = append(out.Done, k)
			case k.Open(now):
				out.Open = append(out.Open, k)
			default:
				out.Later = append(out.Later, k)
			}
		}
		return err
	})
	return out, err
}

// MyCheckIn is one of the client's check-ins, with the crisis lines its
// page shows beside the questions.
type MyCheckIn struct {
	CheckIn CheckIn
	// Open: it may be answered now.
	Open   bool
	Crisis CrisisView
}

// MyCheckIn reads one of the client's own check-ins.
func (d *Door) MyCheckIn(ctx context.Context, a access.Actor, checkInID string) (MyCheckIn, error) {
	var out MyCheckIn
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "check_in", ID: checkInID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.CheckIn, err = GetCheckIn(ctx, tx, a.PracticeID, a.ClientID, checkInID); err != nil {
			return err
		}
		out.Crisis, err = LoadCrisis(ctx, tx, a.PracticeID)
		return err
	})
	out.Open = out.CheckIn.Open(d.now())
	return out, err
}

// SubmitCheckIn records a check-in's answers: a client's own, through the
// portal (clientID is then theirs, whatever is given), or one a clinician
// took from the client (a phone call, say). A
// yes to self-harm raises an alert in the same transaction; its id comes
// back. unread is the face's refusal of the body it could not read, given
// only once access is decided. A refusal that names no field names
// "answers".
func (d *Door) SubmitCheckIn(ctx context.Context, a access.Actor, clientID, checkInID string, ans Answers, unread error) (CheckIn, string, error) {
	act, staff := access.ClientUpdate, true
	if a.Kind == access.ClientActor {
		act, clientID, staff = access.PortalUse, a.ClientID, false
	}
	var out CheckIn
	var alertID string
	err := d.Access.Do(ctx, a, act, access.Ref{Type: "check_in", ID: checkInID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		if staff {
			if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
				return err
			}
		}
		var err error
		out, alertID, err = Submit(d.mailing(ctx), tx, a.PracticeID, clientID, checkInID, ans, d.now())
		return err
	})
	return out, alertID, placed(err, "answers")
}

// Plans are a client's safety plan versions for the care team.
type Plans struct {
	Client clinic.Client
	// History holds every version, newest first.
	History []PlanVersion
	// MayWrite: the reader may save a new version (a clinician on the
	// care team).
	MayWrite bool
}

// Latest is the current version, or version 0 with every step empty when
// there is no plan yet: no plan is not an error.
func (p Plans) Latest() PlanVersion {
	if len(p.History) > 0 {
		return p.History[0]
	}
	return PlanVersion{PlanVersion: safety.PlanVersion{ClientID: p.Client.ID, Plan: safety.SafetyPlan{}.Tidy()}}
}

// Plans reads a client's safety plan and its history.
func (d *Door) Plans(ctx context.Context, a access.Actor, clientID string) (Plans, error) {
	var out Plans
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "safety_plan", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		out.History, err = PlanHistory(ctx, tx, a.PracticeID, clientID)
		return err
	})
	if err != nil {
		return out, err
	}
	out.MayWrite = access.Decide(a, access.SafetyPlanWrite, access.Record{PracticeID: a.PracticeID, ClientID: clientID, OnCareTeam: true}).Allow
	return out, nil
}

// SavePlan stores p as the client's next plan version, written with a
// clinician. unread is the face's refusal of the body it could not read,
// given only once access is decided. A refusal that names no field names
// "plan".
func (d *Door) SavePlan(ctx context.Context, a access.Actor, clientID string, p safety.SafetyPlan, unread error) (PlanVersion, error) {
	var out PlanVersion
	err := d.Access.Do(ctx, a, access.SafetyPlanWrite, access.Ref{Type: "safety_plan", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		var err error
		out, err = SavePlan(ctx, tx, a.PracticeID, clientID, p, a.StaffID, d.now())
		return err
	})
	return out, placed(err, "plan")
}

// MyPlan is the client's own safety plan as the portal shows it, with the
// crisis lines; Plan is nil while there is none.
type MyPlan struct {
	Plan   *PlanVersion
	Crisis CrisisView
}

// MyPlan reads the client's own current safety plan.
func (d *Door) MyPlan(ctx context.Context, a access.Actor) (MyPlan, error) {
	var out MyPlan
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "safety_plan", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		v, err := Plan(ctx, tx, a.PracticeID, a.ClientID, 0)
		if err == nil {
			out.Plan = &v
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		out.Crisis, err = LoadCrisis(ctx, tx, a.PracticeID)
		return err
	})
	return out, err
}
