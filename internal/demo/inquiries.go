package demo

import (
	"time"

	"holdspace/internal/inquiry"
)

// inquiries fills the queue: three new inquiries from the last days, one
// replied to, and one declined with its reason; the inquiries that made
// the demo's clients are in their arrivals. All of them are invented
// people. Each writes through the public form; staff answer from the
// queue, and the answers are delivered when they were sent.
func (w *world) inquiries(t *timeline) {
	ago := func(d time.Duration) time.Time { return w.now.Add(-d) }
	day := 24 * time.Hour
	ctx, d := w.ctx, w.doors.Inquiries
	items := []struct {
		sub inquiry.Submission
		at  time.Time
		// then is what staff did with the inquiry, and when.
		then   func(id string) error
		thenAt time.Time
	}{
		{sub: inquiry.Submission{Name: "Grace Whitfield", Email: "grace.whitfield@example.net", PreferredContact: "email", HeardFrom: "clinician",
			Message: "I've lived with depression for about eight years. I've tried four antidepressants and a course of TMS last year, which helped for a while. " +
				"My psychiatrist mentioned ketamine-assisted therapy and I'd like to find out whether I might be a candidate.\n\nI work weekdays, so late afternoons are best for me."},
			at: ago(3 * time.Hour)},
		{sub: inquiry.Submission{Name: "Tomás Beltrán", Email: "tomas.beltran@example.org", Phone: "+1 555 0142", PreferredContact: "phone", HeardFrom: "friend",
			Message: "A friend went through KAP with you last year and speaks highly of it. I'm a veteran and live with PTSD from my service; I see a therapist at the VA. " +
				"Could someone call me? Evenings are best."},
			at: ago(26 * time.Hour)},
		{sub: inquiry.Submission{Name: "Ruth Adeyemi", Email: "ruth.adeyemi@example.com", PreferredContact: "email", HeardFrom: "search",
			Message: "I'm 62 and have had anxiety most of my life. My blood pressure is high but controlled with medication. " +
				"Is ketamine safe for someone like me? I'd like to understand more before I decide anything."},
			at: ago(3*day + 5*time.Hour)},
		{sub: inquiry.Submission{Name: "Owen Marsh", Email: "owen.marsh@example.net", Phone: "+1 555 0177", PreferredContact: "email", HeardFrom: "media", HeardOther: "a podcast about grief",
			Message: "My wife died two years ago and I can't seem to find my way back. My GP has me on sertraline. I heard about KAP on a podcast and wondered if it could help with grief."},
			at: ago(8 * day), thenAt: ago(6 * day), then: func(id string) error {
				return d.Reply(ctx, w.as["sam"], id, inquiry.ReplyInput{Subject: "Your message to Stillwater",
					Message: "Dear Owen,\n\nThank you for writing, and I am so sorry about your wife. Grief that stays this heavy is something KAP can sometimes help with, and I would be glad to talk it through with you.\n\n" +
						"Would a 20-minute phone call on Thursday at 4 pm suit you? If not, tell me a couple of times that would."})
			}},
		{sub: inquiry.Submission{Name: "Leah Kowalski", Email: "leah.kowalski@example.org", PreferredContact: "email", HeardFrom: "social",
			Message: "I live in Portland, Oregon and would like to try KAP for anxiety. Do you offer telehealth sessions?"},
			at: ago(20 * day), thenAt: ago(18 * day), then: func(id string) error {
				subject, body := inquiry.DeclineEmail("Leah Kowalski", "Stillwater Ketamine Therapy")
				return d.Decline(ctx, w.as["owner"], id, inquiry.DeclineInput{Notify: true, Subject: subject, Message: body,
					Reason: "Lives in Oregon, where none of our clinicians is licensed; medicine sessions are in person in New York. Pointed her to KAP providers in her state."})
			}},
	}
	for _, it := range items {
		var id string
		t.at(it.at, func() error {
			var err error
			it.sub.Consent = true
			id, err = d.Submit(ctx, PracticeSlug, it.sub, "demo "+it.sub.Email)
			return err
		})
		if it.then != nil {
			t.at(it.thenAt, func() error {
				if err := it.then(id); err != nil {
					return err
				}
				return w.deliver()
			})
		}
	}
}
