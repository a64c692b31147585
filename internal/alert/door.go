package alert

import (
	"context"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/fault"
	"holdspace/internal/keyring"
	"holdspace/internal/safety"
	"holdspace/internal/store"
)

// Door is the front door of safety: alerts and the steps clinicians take
// on them, check-ins, safety plans, the crisis lines a client is shown and
// the practice's safety settings. The pages and the JSON API both come
// through it, so an alert is acknowledged, a check-in taken or a plan saved
// the same way on every face.
type Door struct {
	Access *access.Service
	// Now is the door's clock; the demo moves it to build its past.
	Now func() time.Time
	// Keys seal the gateway's shared secret.
	Keys *keyring.Ring
	// BaseURL starts the links in the alerts' emails.
	BaseURL string
}

func (d *Door) now() time.Time { return access.Now(d.Now) }

// mailing is ctx whose emails link back to the site.
func (d *Door) mailing(ctx context.Context) context.Context { return WithBaseURL(ctx, d.BaseURL) }

// Banner is the open alerts about the clinician's clients and those
// escalated to them, for the top of every staff page. It runs on every
// page view, so it is a read of its own, undecided and unaudited like the
// page's frame: it names no more than the alerts' emails already did.
func (d *Door) Banner(ctx context.Context, a access.Actor) ([]BannerItem, error) {
	if d.Access == nil || d.Access.DB == nil || a.Kind != access.StaffActor || a.StaffID == "" {
		return nil, nil
	}
	var items []BannerItem
	err := d.Access.DB.Read(ctx, func(tx *store.Tx) (err error) {
		items, err = Banner(ctx, tx, a.PracticeID, a.StaffID)
		return err
	})
	return items, err
}

// ListQuery narrows the alerts listed.
type ListQuery struct {
	ClientID string
	Limit    int
	// Escalated also lists the open alerts escalated to the actor about
	// clients off their care team (the on-call clinician's), as the page
	// does.
	Escalated bool
	// Missed adds the missed check-ins of the last 14 days.
	Missed bool
}

// Listing is the alerts a member of staff may see: open ones first, then
// those of the last 30 days, and missed check-ins as lower-level notices.
type Listing struct {
	Open, Recent []Alert
	Missed       []CheckIn
	// All: the actor runs the practice and sees every client's alerts,
	// because escalations reach them.
	All bool
}

// List lists the alerts of the actor's care team's clients (of every
// client for the owner and administrators).
func (d *Door) List(ctx context.Context, a access.Actor, q ListQuery) (Listing, error) {
	out := Listing{All: a.IsAdmin()}
	now := d.now()
	err := d.Access.Do(ctx, a, access.ClientList, access.Ref{Type: "safety_alert_list"}, func(tx *store.Tx, _ access.Decision) error {
		list, err := List(ctx, tx, a.PracticeID, Filter{ClientID: q.ClientID, Since: now.AddDate(0, 0, -30), Limit: q.Limit})
		if err != nil {
			return err
		}
		var missed []CheckIn
		if q.Missed {
			if missed, err = MissedCheckIns(ctx, tx, a.PracticeID, now.AddDate(0, 0, -14)); err != nil {
				return err
			}
		}
		mine, err := clinic.CareTeamClients(ctx, tx, a.StaffID)
		if err != nil {
			return err
		}
		toMe := map[string]bool{}
		if q.Escalated {
			if toMe, err = EscalatedTo(ctx, tx, a.PracticeID, a.StaffID); err != nil {
				return err
			}
		}
		for _, al := range list {
			if !out.All && !mine[al.ClientID] && !toMe[al.ID] {
				continue
			}
			if al.Open() {
				out.Open = append(out.Open, al)
			} else {
				out.Recent = append(out.Recent, al)
			}
		}
		for _, k := range missed {
			if out.All || mine[k.ClientID] {
				out.Missed = append(out.Missed, k)
			}
		}
		return nil
	})
	return out, err
}

// AlertView is one alert as the care team reads it.
type AlertView struct {
	View
	// MayAcknowledge: the reader may record an action on it (a therapist
	// or prescriber on the care team).
	MayAcknowledge bool
}

// clientOf finds the client an alert is about, in a read of its own, so
// that the access decision names the right client; an alert of another
// practice is not found, unaudited, as if it did not exist.
func (d *Door) clientOf(ctx context.Context, a access.Actor, alertID string) (string, error) {
	var c string
	err := d.Access.DB.Read(ctx, func(tx *store.Tx) (err error) {
		c, err = ClientOf(ctx, tx, a.PracticeID, alertID)
		return err
	})
	return c, err
}

// Alert reads one alert with its steps, who holds it now and when it
// next escalates. A refusal is an *access.Denied naming the client, so a
// face can offer the on-call clinician emergency access.
func (d *Door) Alert(ctx context.Context, a access.Actor, alertID string) (AlertView, error) {
	var out AlertView
	clientID, err := d.clientOf(ctx, a, alertID)
	if err != nil {
		return out, err
	}
	err = d.Access.Do(ctx, a, access.ClientRead, access.Ref{Type: "safety_alert", ID: alertID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		var err error
		out.View, err = Detail(ctx, tx, a.PracticeID, alertID, d.now())
		return err
	})
	if err != nil {
		return out, err
	}
	out.MayAcknowledge = access.Decide(a, access.SafetyAlertAcknowledge, access.Record{PracticeID: a.PracticeID, ClientID: clientID, OnCareTeam: true}).Allow
	return out, nil
}

// Acknowledgement is the action a clinician took on an alert.
type Acknowledgement struct {
	Action safety.Action
	Note   string
}

// Acknowledge records the action the actor took on an alert; texts and
// calls not yet sent are withdrawn. unread is the face's refusal of the
// body it could not read, given only once access is decided. A refusal of
// what was entered names "note" when an "other" action lacks its note, and
// "action" otherwise.
func (d *Door) Acknowledge(ctx context.Context, a access.Actor, alertID string, in Acknowledgement, unread error) (Alert, error) {
	field := "action"
	if in.Action == safety.ActionOther {
		field = "note"
	}
	return d.step(ctx, a, alertID, unread, field, func(tx *store.Tx) (Alert, error) {
		return Acknowledge(ctx, tx, a.PracticeID, alertID, a.StaffID, in.Action, in.Note, d.now())
	})
}

// Close ends an acknowledged alert once the care team is done with it,
// under the same rule as acknowledging; a refusal names "note".
func (d *Door) Close(ctx context.Context, a access.Actor, alertID, note string, unread error) (Alert, error) {
	return d.step(ctx, a, alertID, unread, "note", func(tx *store.Tx) (Alert, error) {
		return Close(ctx, tx, a.PracticeID, alertID, a.StaffID, note, d.now())
	})
}

// step records one clinician's step on an alert, decided as
// SafetyAlertAcknowledge for the alert's client and done in the same
// transaction.
func (d *Door) step(ctx context.Context, a access.Actor, alertID string, unread error, field string, fn func(tx *store.Tx) (Alert, error)) (Alert, error) {
	var out Alert
	clientID, err := d.clientOf(ctx, a, alertID)
	if err != nil {
		return out, err
	}
	err = d.Access.Do(ctx, a, access.SafetyAlertAcknowledge, access.Ref{Type: "safety_alert", ID: alertID, ClientID: clientID}, func(tx *store.Tx, _ access.Decision) error {
		if unread != nil {
			return unread
		}
		var err error
		out, err = fn(tx)
		return err
	})
	return out, placed(err, field)
}

// placed puts a refusal of what was entered that names no field beside
// field, so that the person reads which part to fix. The cause stays in
// the chain for errors.As.
func placed(err error, field string) error {
	f := fault.Of(err)
	if f == nil || f.Code != fault.Invalid || len(f.Fields) > 0 || field == "" {
		return err
	}
	p := *f
	p.Fields = []fault.Field{{Name: field, Message: f.Message}}
	if p.Err == nil {
		p.Err = err
	}
	return &p
}
