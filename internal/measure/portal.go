package measure

import (
	"context"
	"fmt"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/instrument"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// The portal's questionnaires, read and started by the client, always
// their own.

// MyQuestionnaires is what the portal's questionnaire page lists.
type MyQuestionnaires struct {
	// Due are the questionnaires open for the client now.
	Due []Due
	// History holds every response of the client, oldest first.
	History []Response
	// SeeScores: the practice shows clients their scores.
	SeeScores bool
}

// MyQuestionnaires reads what is due for the client and what they have
// answered.
func (d *Door) MyQuestionnaires(ctx context.Context, a access.Actor) (MyQuestionnaires, error) {
	var out MyQuestionnaires
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "measure_response", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		set, err := LoadSettings(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		out.SeeScores = set.ClientsSeeScores
		sched, err := ClientSchedule(ctx, tx, a.PracticeID, a.ClientID, d.now())
		if err != nil {
			return err
		}
		out.Due = Outstanding(sched)
		out.History, err = List(ctx, tx, a.ClientID)
		return err
	})
	return out, err
}

// StartMine starts a questionnaire for the client to fill in. Only what
// the schedule has open may be started from the portal; anything else is
// refused naming "instrument".
func (d *Door) StartMine(ctx context.Context, a access.Actor, slot Slot) (*Response, error) {
	var out *Response
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "measure_response", ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		sched, err := ClientSchedule(ctx, tx, a.PracticeID, a.ClientID, d.now())
		if err != nil {
			return err
		}
		open := false
		for _, due := range Outstanding(sched) {
			open = open || due.Slot() == slot
		}
		if !open {
			return clinic.Problems{{Field: "instrument", Message: "This questionnaire is not open for you right now."}}
		}
		out, err = Start(ctx, tx, d.Instruments, a.PracticeID, a.ClientID, slot, Filler{Kind: FilledByClient}, d.now())
		return err
	})
	return out, err
}

// MyResponse is one of the client's responses: a draft to fill in, or a
// submitted one for the thanks page.
type MyResponse struct {
	Response *Response
	// Definition is the response's instrument; nil if the catalog no
	// longer has it.
	Definition *instrument.Definition
	SeeScores  bool
	// Alerted: the submitted answers raised a safety alert, so the page
	// shows the crisis lines at once.
	Alerted bool
	Crisis  alert.CrisisView
}

// MyResponse reads one of the client's own responses.
func (d *Door) MyResponse(ctx context.Context, a access.Actor, responseID string) (MyResponse, error) {
	var out MyResponse
	err := d.Access.Do(ctx, a, access.PortalUse, access.Ref{Type: "measure_response", ID: responseID, ClientID: a.ClientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		if out.Response, err = Load(ctx, tx, a.ClientID, responseID); err != nil {
			return err
		}
		set, err := LoadSettings(ctx, tx, a.PracticeID)
		if err != nil {
			return err
		}
		out.SeeScores = set.ClientsSeeScores
		out.Crisis, err = alert.LoadCrisis(ctx, tx, a.PracticeID)
		return err
	})
	if err != nil {
		return out, err
	}
	def, ok := d.Instruments.Get(out.Response.Instrument)
	if !ok {
		return out, nil
	}
	out.Definition = def
	if out.Response.Status == StatusSubmitted {
		t, _ := triggerOf(def, out.Response)
		out.Alerted = t != nil
	}
	return out, nil
}

// triggerOf is the safety trigger a scored response's answers raise, if
// any: Submit raises its alert from it, and the pages that show the
// response afterwards say so from the same reading of the rules.
func triggerOf(def *instrument.Definition, r *Response) (*safety.Trigger, error) {
	t, fired, err := safety.TriggerFor(SafetyResponse(def, r))
	if err != nil {
		return nil, fmt.Errorf("measure: safety check of %s: %w", r.Instrument, err)
	}
	if !fired {
		return nil, nil
	}
	return &t, nil
}
