package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"regexp"
)

// The live dosing-session record as a tablet in the room uses it: the
// whole page (checklist, doses, readings, timeline, the SVG chart) and the
// small poll every open page makes every few seconds to learn whether
// another clinician recorded something.

// liveSession is the page of Alex's session under way in the demo, found
// from the demo therapist's course list.
func liveSession(name, description, suffix string) Scenario {
	var path string
	return Scenario{
		Name:        name,
		Description: description,
		Setup: func(ctx context.Context, base string, c *http.Client) error {
			courses, err := fetchSignedIn(ctx, c, base, demoTherapist, "/courses")
			if err != nil {
				return err
			}
			m := courseLink.FindSubmatch(courses)
			if m == nil {
				return errors.New("the demo therapist's course list links to no course")
			}
			course, err := fetch(ctx, c, base+string(m[1]))
			if err != nil {
				return err
			}
			for _, l := range sessionLink.FindAllSubmatch(course, -1) {
				page, err := fetch(ctx, c, base+string(l[1]))
				if err != nil {
					return err
				}
				if bytes.Contains(page, []byte("In progress")) {
					path = string(l[1]) + suffix
					return nil
				}
			}
			return errors.New("the demo practice has no session record in progress")
		},
		Do: func(ctx context.Context, base string, c *http.Client) error {
			return get(path, http.StatusOK)(ctx, base, c)
		},
	}
}

func sessionPage() Scenario {
	return liveSession("session",
		"GET /clients/{id}/sessions/{sessionID} (the demo's session under way) as the demo therapist: access decision and audit entry, the record with its readings, doses and timeline, the SVG vitals chart, page", "")
}

func sessionPoll() Scenario {
	return liveSession("session-poll",
		"GET /clients/{id}/sessions/{sessionID}/changes?since=0: the live page's poll, an access decision and one version number", "/changes?since=0")
}

var (
	courseLink  = regexp.MustCompile(`href="(/clients/[0-9a-f-]{36}/courses/[0-9a-f-]{36})"`)
	sessionLink = regexp.MustCompile(`href="(/clients/[0-9a-f-]{36}/sessions/[0-9a-f-]{36})"`)
)
