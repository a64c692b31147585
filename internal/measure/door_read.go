package measure

import (
	"context"
	"slices"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// ClientView is the care team's view of one client's questionnaires.
type ClientView struct {
	Client clinic.Client
	// Schedule is each course's schedule, as of the door's clock.
	Schedule []CourseSchedule
	// History is every response, oldest first.
	History []Response
	// Plans are the instruments the client is given: the practice's
	// schedule with this client's changes.
	Plans []safety.InstrumentPlan
	// Overridden: the client's schedule differs from the practice's.
	Overridden bool
}

// ClientView reads a client's schedules, responses and plans for the care
// team.
func (d *Door) ClientView(ctx context.Context, a access.Actor, clientID string) (ClientView, error) {
	var v ClientView
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "measure_response", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if v.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if v.Schedule, err = ClientSchedule(ctx, tx, a.PracticeID, clientID, d.now()); err != nil {
			return err
		}
		if v.History, err = List(ctx, tx, clientID); err != nil {
			return err
		}
		set, err := LoadSettings(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		o, err := LoadOverrides(ctx, tx, clientID)
		v.Overridden = len(o.Add)+len(o.Remove) > 0 || o.ReplaceFollowUps
		v.Plans = set.Schedule.WithOverrides(o).Instruments
		return err
	})
	return v, err
}

// SetPlans gives a client the instruments want instead of the practice's
// plans, kept as the smallest set of changes to them.
func (d *Door) SetPlans(ctx context.Context, a access.Actor, clientID string, want []safety.InstrumentPlan) error {
	return d.Access.Do(ctx, a, access.ClientUpdate, access.Ref{Type: "measure_schedule", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		set, err := LoadSettings(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		return SaveOverrides(ctx, tx, a.PracticeID, clientID, OverridesFor(set.Schedule.Instruments, want), a.StaffID, d.now())
	})
}

// OverridesFor is the smallest set of changes that turns the practice's
// plans into want.
func OverridesFor(practice, want []safety.InstrumentPlan) safety.ClientOverrides {
	var o safety.ClientOverrides
	for _, w := range want {
		i := slices.IndexFunc(practice, func(p safety.InstrumentPlan) bool { return p.Code == w.Code })
		if i < 0 || practice[i] != w {
			o.Add = append(o.Add, w)
		}
	}
	for _, p := range practice {
		if !slices.ContainsFunc(want, func(w safety.InstrumentPlan) bool { return w.Code == p.Code }) {
			o.Remove = append(o.Remove, p.Code)
		}
	}
	return o
}

// Start opens a questionnaire for a staff member to give in the clinic.
func (d *Door) Start(ctx context.Context, a access.Actor, clientID string, slot Slot) (*Response, error) {
	var resp *Response
	err := d.Access.Do(ctx, a, access.ClientUpdate, access.Ref{Type: "measure_response", ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		var err error
		resp, err = Start(ctx, tx, d.Instruments, a.PracticeID, clientID, slot, Filler{Kind: FilledByStaff, StaffID: a.StaffID}, d.now())
		return err
	})
	return resp, err
}

// Viewed is one response with whose it is.
type Viewed struct {
	Client   clinic.Client
	Response *Response
	// Alerted: the submitted answers raised a safety alert (the same
	// rule Submit raised it by, not a second evaluation of the face's).
	Alerted bool
}

// ResponseView reads one response of a client, with the client, for the
// care team's page.
func (d *Door) ResponseView(ctx context.Context, a access.Actor, clientID, responseID string) (Viewed, error) {
	var v Viewed
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "measure_response", ID: responseID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if v.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if v.Response, err = Load(ctx, tx, clientID, responseID); err != nil || v.Response.Result == nil {
			return err
		}
		def, ok := d.Instruments.Get(v.Response.Instrument)
		if !ok {
			return clinic.ErrNotFound
		}
		t, err := triggerOf(def, v.Response)
		v.Alerted = t != nil
		return err
	})
	return v, err
}

// Response reads one response of a client, for the API.
func (d *Door) Response(ctx context.Context, a access.Actor, clientID, responseID string) (*Response, error) {
	var resp *Response
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "measure_response", ID: responseID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		resp, err = Load(ctx, tx, clientID, responseID)
		return err
	})
	return resp, err
}

// Responses lists a client's responses, oldest first, for the API.
func (d *Door) Responses(ctx context.Context, a access.Actor, clientID string) ([]Response, error) {
	var list []Response
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "measure_response", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		var err error
		list, err = List(ctx, tx, clientID)
		return err
	})
	return list, err
}

// Schedule reads each course's schedule of a client, for the API.
func (d *Door) Schedule(ctx context.Context, a access.Actor, clientID string) ([]CourseSchedule, error) {
	var list []CourseSchedule
	err := d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "measure_schedule", ID: clientID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		var err error
		list, err = ClientSchedule(ctx, tx, a.PracticeID, clientID, d.now())
		return err
	})
	return list, err
}

// Correct opens a correction of a submitted response, with its answers;
// the original stays on record.
func (d *Door) Correct(ctx context.Context, a access.Actor, clientID, responseID, reason string) (*Response, error) {
	var fix *Response
	err := d.Access.Do(ctx, a, access.ClientUpdate, access.Ref{Type: "measure_response", ID: responseID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		fix, err = Correct(ctx, tx, a.PracticeID, clientID, responseID, reason, a.StaffID, d.now())
		return err
	})
	return fix, err
}

var settingsRef = access.Ref{Type: "practice_setting", ID: "measures"}

// Settings reads the practice's measurement settings.
func (d *Door) Settings(ctx context.Context, a access.Actor) (Settings, error) {
	var set Settings
	err := d.Access.Do(ctx, a, access.SettingsManage, settingsRef, func(tx *store.Tx, _ access.Decision) error {
		var err error
		set, err = LoadSettings(ctx, tx, a.PracticeID)
		return err
	})
	return set, err
}

// SaveSettings saves the practice's measurement settings. unread is the
// face's refusal of what it could not read, given only once access is
// decided.
func (d *Door) SaveSettings(ctx context.Context, a access.Actor, set Settings, unread error) error {
	return d.Access.Do(ctx, a, access.SettingsManage, settingsRef, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		return SaveSettings(ctx, tx, a.PracticeID, set, a.StaffID, d.now())
	})
}

// Outcomes computes the practice's outcomes dashboard.
func (d *Door) Outcomes(ctx context.Context, a access.Actor, f OutcomeFilter) (Outcomes, error) {
	var o Outcomes
	err := d.Access.Do(ctx, a, access.OutcomesRead, access.Ref{Type: "outcomes"}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		o, err = ComputeOutcomes(ctx, tx, d.Instruments, a.PracticeID, f)
		return err
	})
	return o, err
}
