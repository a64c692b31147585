package measure

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/alert"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
	"holdspace/internal/instrument"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// Door is the front door of measurement-based care: every face (the
// portal, the clinic's pages, the JSON API) that saves or submits answers
// comes through it, so a submitted questionnaire is scored, and the safety
// alert its answers call for is raised, the same way on every path.
type Door struct {
	Access      *access.Service
	Instruments *instrument.Catalog
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
	// BaseURL starts the links in the alerts' emails.
	BaseURL string
}

// Answered is what saving or submitting answers did.
type Answered struct {
	Response *Response
	// AlertID is the safety alert the submitted answers raised, if any.
	AlertID string
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// answering is who fills a response in: a client, only their own, through
// the portal; staff, for a client they may update.
func answering(a access.Actor, clientID string) (access.Action, string) {
	if a.Kind == access.ClientActor {
		return access.PortalUse, a.ClientID
	}
	return access.ClientUpdate, clientID
}

// Answer saves the answers typed into one response's form (item id →
// the value chosen) as a draft, or submits them: scored with the
// instrument, and a safety alert raised in the same transaction when the
// answers call for one. A client answers only their own responses. An
// answer that cannot be read, or that the instrument refuses, is an
// invalid fault naming the item; nothing is saved.
func (d *Door) Answer(ctx context.Context, a access.Actor, clientID, responseID string, typed map[string]string, submit bool) (Answered, error) {
	act, clientID := answering(a, clientID)
	var out Answered
	err := d.Access.Do(ctx, a, act, access.Ref{Type: "measure_response", ID: responseID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		resp, err := Load(ctx, tx, clientID, responseID)
		if err != nil {
			return err
		}
		def, ok := d.Instruments.Get(resp.Instrument)
		if !ok {
			return clinic.ErrNotFound
		}
		answers, err := readTyped(def, typed)
		if err != nil {
			return err
		}
		if !submit {
			out.Response, err = SaveDraft(ctx, tx, d.Instruments, clientID, responseID, answers, d.now())
			return answerFault(def, err)
		}
		// The pages ask each question only when it is due, and a yes to a
		// question given out of order is kept and raises its alert, so
		// they submit leniently.
		out, err = d.submit(ctx, tx, a.PracticeID, clientID, responseID, answers, false)
		return answerFault(def, err)
	})
	return out, err
}

// Administer records a whole questionnaire a staff member gave, through
// the API: started and submitted in one transaction. Answers to questions
// the instrument asks only after an earlier yes are refused when that yes
// was not given (the set is inconsistent), and the refusal names them; a
// yes to intent, a plan or behaviour among them still raises its alert, on
// its own and audited, since a refusal alone would lose what the client
// said. unread is the face's refusal of the body it could not read, given
// only once access is decided, so that someone refused learns nothing
// from it.
func (d *Door) Administer(ctx context.Context, a access.Actor, clientID string, slot Slot, answers map[string]int, unread error) (Answered, error) {
	var out Answered
	var held *safety.Trigger
	err := d.Access.Do(ctx, a, access.ClientUpdate, access.Ref{Type: "measure_response", ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		if _, err := clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		if slot.Occasion == "" {
			slot.Occasion = OccasionAdHoc
		}
		resp, err := Start(ctx, tx, d.Instruments, a.PracticeID, clientID, slot, Filler{Kind: FilledByStaff, StaffID: a.StaffID}, d.now())
		if err != nil {
			return err
		}
		out, err = d.submit(ctx, tx, a.PracticeID, clientID, resp.ID, answers, true)
		var nd *NotDueError
		if errors.As(err, &nd) {
			held = nd.Trigger
		}
		return err
	})
	if held != nil {
		if rerr := d.Access.Do(ctx, a, access.ClientUpdate, access.Ref{Type: "safety_alert", ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
			_, err := alert.Raise(alert.WithBaseURL(ctx, d.BaseURL), tx, a.PracticeID, clientID, *held, d.now())
			return err
		}); rerr != nil {
			return out, rerr
		}
	}
	return out, apiAnswerFault(err)
}

// submit scores a response and raises the alert its answers call for, in
// tx.
func (d *Door) submit(ctx context.Context, tx *store.Tx, practiceID, clientID, responseID string, answers map[string]int, strictOrder bool) (Answered, error) {
	sub, err := Submit(ctx, tx, d.Instruments, clientID, responseID, answers, d.now(), strictOrder)
	if err != nil {
		return Answered{}, err
	}
	out := Answered{Response: sub.Response}
	if sub.Trigger != nil {
		out.AlertID, err = alert.Raise(alert.WithBaseURL(ctx, d.BaseURL), tx, practiceID, clientID, *sub.Trigger, d.now())
	}
	return out, err
}

// readTyped reads a form's answers: each item's chosen value, by item id;
// an empty value is no answer yet.
func readTyped(def *instrument.Definition, typed map[string]string) (map[string]int, error) {
	out := map[string]int{}
	f := &fault.Error{Code: fault.Invalid, Message: "Some answers could not be read."}
	read := func(id string) {
		v := strings.TrimSpace(typed[id])
		if v == "" {
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Fields = append(f.Fields, fault.Field{Name: id, Message: "Choose one of the answers."})
			return
		}
		out[id] = n
	}
	for _, it := range def.Items {
		read(it.ID)
	}
	if def.TotalOnly {
		read(instrument.TotalKey)
	}
	if len(f.Fields) > 0 {
		return nil, f
	}
	return out, nil
}

// answerFault words an instrument's or the schedule's refusal for the
// person filling the form in, beside each question.
func answerFault(def *instrument.Definition, err error) error {
	var ae *instrument.AnswerError
	var ps clinic.Problems
	switch {
	case errors.As(err, &ae):
		f := &fault.Error{Code: fault.Invalid, Message: "Some answers need attention.", Err: err}
		for _, id := range ae.IDs() {
			msg := ae.Items[id]
			if strings.HasPrefix(msg, "missing") {
				msg = "Please choose an answer to this question."
				if it, ok := def.Item(id); ok {
					msg = "Please choose an answer to question " + it.Number + "."
				}
			}
			f.Fields = append(f.Fields, fault.Field{Name: id, Message: msg})
		}
		return f
	case errors.As(err, &ps):
		return ps.Fault()
	}
	return err
}

// apiAnswerFault names each answer problem answers.ITEM, and the
// schedule's problems by their own field, as the API's body does.
func apiAnswerFault(err error) error {
	var ae *instrument.AnswerError
	var ps clinic.Problems
	switch {
	case errors.As(err, &ae):
		f := &fault.Error{Code: fault.Invalid, Message: "Some answers need attention.", Err: err}
		for _, id := range ae.IDs() {
			f.Fields = append(f.Fields, fault.Field{Name: "answers." + id, Message: ae.Items[id]})
		}
		return f
	case errors.As(err, &ps):
		var fields []fault.Field
		for _, p := range ps {
			field := p.Field
			switch field {
			case "instrument", "occasion", "course_id", "status", "body":
			default:
				field = "answers." + field
			}
			fields = append(fields, fault.Field{Name: field, Message: p.Message})
		}
		f := fault.Invalids(fields)
		f.Err = err
		return f
	}
	return err
}
