package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
)

// calendarWeek reads the staff calendar's week view of the demo practice
// again and again, as the demo therapist: the practice's appointments of
// the week with their clinicians, clients and rooms, each client's name
// checked against the therapist's care teams.
func calendarWeek() Scenario {
	return Scenario{
		Name:        "calendar",
		Description: "GET /calendar (this week) signed in as the demo therapist: access decision and audit entry, the week's appointments with staff, clients and rooms, page",
		Setup: func(ctx context.Context, base string, c *http.Client) error {
			body, err := fetchSignedIn(ctx, c, base, demoTherapist, "/calendar")
			if err != nil {
				return err
			}
			// The demo books Alex's medicine session today: a week
			// without it is not the page this scenario means to measure.
			if !bytes.Contains(body, []byte("Medicine session")) {
				return errors.New("the demo practice's calendar shows no medicine session this week")
			}
			return nil
		},
		Do: get("/calendar", http.StatusOK),
	}
}
