package demo

import (
	"time"

	"holdspace/internal/preparation"
)

// preparation gives the clients who are furthest along their intentions,
// a preparation session and the acknowledged instructions: Alex, Maya and
// Daniel end up ready for a first medicine session; Priscilla has written
// intentions but awaits the prescriber.
func (w *world) preparation(t *timeline) {
	day := func(daysAgo int) time.Time { return w.now.Add(-time.Duration(daysAgo) * 24 * time.Hour) }
	ctx, d := w.ctx, w.doors.Readiness
	// daysAgo is when each writes them in the portal, the afternoon after
	// the first meeting with their therapist.
	intentions := []struct {
		client, text string
		daysAgo      int
	}{
		{"alex", "To loosen the grip of the heaviness I wake up with most mornings.\nTo understand why I keep people at a distance, and to feel a little more at home in my own life.", 17},
		{"maya", "I want to stop bracing for the next bad thing. I'd like to remember what it feels like to be curious instead of afraid.", 17},
		{"daniel", "To grieve my father properly instead of staying busy. To sleep through the night again.", 12},
		{"priscilla", "To find some steadiness. I've tried many things over the years; I'm hoping this helps me see my patterns more kindly.", 12},
	}
	for i, in := range intentions {
		t.at(day(in.daysAgo).Add(time.Duration(i)*17*time.Minute), func() error {
			return d.SaveIntention(ctx, w.as[in.client], in.text)
		})
	}
	// daysAgo is the day each was held: Alex's and Maya's before their
	// evaluations and courses, Daniel's last week.
	sessions := []struct {
		client, staff, note string
		daysAgo             int
	}{
		{"alex", "sam", "90-minute preparation. Reviewed intentions (heaviness on waking, distance from others). Talked through set and setting, what dissociation can feel like, and letting the experience unfold without steering it. Agreed a hand-on-shoulder signal for reassurance. Escort: partner, confirmed. Questions about nausea: pre-medication discussed with Dr. Raman.", 16},
		{"maya", "elena", "Preparation session. Trauma history held gently; no detail needed for the work. Practised grounding (5-4-3-2-1) and breath. Explained the therapist will stay throughout and what the monitor will check. Client prefers music without lyrics.", 15},
		{"daniel", "elena", "Preparation focused on grief and the wish to sleep. Discussed that feelings may surface strongly and that this is welcome. Plan for integration session the day after each medicine session.", 5},
	}
	for i, s := range sessions {
		// Written up at the end of the day they were held.
		t.at(w.day(-s.daysAgo, 17, 10*i), func() error {
			return d.RecordSession(ctx, w.as[s.staff], w.clients[s.client], w.zone(), w.day(-s.daysAgo, 0, 0).Format("2006-01-02"), s.note)
		})
	}
	// Each acknowledges the instructions in the portal: Alex and Maya the
	// evening of their evaluations, before their courses.
	cur := preparation.CurrentInstructions()
	for _, a := range []struct {
		key string
		at  time.Time
	}{{"alex", w.day(-15, 19, 0)}, {"maya", w.day(-14, 19, 23)}, {"daniel", day(4).Add(46 * time.Minute)}} {
		key := a.key
		t.at(a.at, func() error {
			return d.AcknowledgeInstructions(ctx, w.as[key], cur.SHA256, "203.0.113.10", true)
		})
	}
}
