package chart

import (
	"context"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/schedule"
	"holdspace/internal/store"
)

// Contact is a client as the front desk sees them: who they are and how
// to reach them, who cares for them, and what is booked. It holds nothing
// of the chart's clinical parts (HIPAA minimum necessary, 45 CFR
// 164.514(d)): no intake, screening, scores, plans, alerts or sessions.
type Contact struct {
	Client  clinic.Client
	Address clinic.Address
	// Team is the care team's names and parts, to say who the client sees.
	Team []clinic.CareTeamMember
	// Upcoming are the client's appointments from now on, cancelled ones
	// left out; other clients of a group are not named.
	Upcoming []schedule.Appointment
	// CanEdit: the viewer may correct the contact details; CanInvite: may
	// send the portal invitation; Chart: may open the chart itself.
	CanEdit, CanInvite, Chart bool
}

// Contact reads a client's contact view (ContactRead).
func (d *Door) Contact(ctx context.Context, a access.Actor, clientID string) (Contact, error) {
	var v Contact
	err := d.Access.Do(ctx, a, access.ContactRead, access.Ref{Type: "client_contact", ID: clientID, ClientID: clientID}, func(tx *store.Tx, dec access.Decision) error {
		var err error
		if v.Client, err = clinic.LoadClient(ctx, tx, a.PracticeID, clientID); err != nil {
			return err
		}
		det, err := clinic.LoadDetails(ctx, tx, a.PracticeID, clientID)
		if err != nil {
			return err
		}
		v.Address = det.Address
		if v.Team, err = clinic.CareTeam(ctx, tx, clientID); err != nil {
			return err
		}
		list, err := schedule.List(ctx, tx, schedule.Filter{PracticeID: a.PracticeID, ClientID: clientID, From: d.now()})
		if err != nil {
			return err
		}
		for _, ap := range list {
			ap.Redact(false, map[string]bool{clientID: true})
			v.Upcoming = append(v.Upcoming, ap)
		}
		onTeam, err := clinic.OnCareTeam(ctx, tx, clientID, a.StaffID)
		if err != nil {
			return err
		}
		rec := access.Record{PracticeID: a.PracticeID, ClientID: clientID, OnCareTeam: onTeam, BreakGlass: dec.ViaBreakGlass}
		v.CanEdit = access.Decide(a, access.ContactUpdate, rec).Allow
		v.CanInvite = access.Decide(a, access.ClientInvite, rec).Allow
		v.Chart = a.ReadsCharts()
		return nil
	})
	return v, err
}
