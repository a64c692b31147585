package demo

import (
	"fmt"
	"strings"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/consent"
)

// consent publishes the default consent documents and a second version of
// the treatment consent, and signs them for the clients:
//   - Alex, Daniel and Priscilla have signed everything required, in its
//     latest version (Alex's and Priscilla's treatment consents are
//     countersigned);
//   - Robert signed version 1 of the treatment consent, before version 2
//     was published, and is asked to sign again;
//   - Maya signed everything and then withdrew her telehealth consent,
//     which is optional, so her consent is still current;
//   - Jamie has signed nothing yet.
func (w *world) consent(t *timeline) {
	day := 24 * time.Hour
	ctx, d := w.ctx, w.doors.Consent
	owner := w.as["owner"]
	// The owner looks at the documents the day after the practice opens,
	// which publishes the defaults, before the first client signs.
	t.at(opened(w.now).Add(day), func() error {
		_, err := d.Documents(ctx, owner)
		return err
	})
	latest := w.latestConsent
	signed := map[string]map[consent.Kind]string{}
	sign := func(client string, at time.Time, kinds ...consent.Kind) {
		w.signConsents(t, client, at, signed, kinds...)
	}
	countersign := func(client, by string, at time.Time) {
		t.at(at, func() error {
			_, err := d.Countersign(ctx, w.as[by], w.clients[client], signed[client][consent.KAPTreatment])
			return err
		})
	}

	// Before version 2: Robert signs version 1.
	sign("robert", w.now.Add(-30*day), consent.KAPTreatment, consent.Telehealth, consent.FinancialPolicy)
	var draft consent.Version
	t.at(w.day(-26, 10, 0), func() error {
		v1, err := latest(consent.KAPTreatment)
		if err != nil {
			return err
		}
		const hydration = "- Hydration: drink plenty of water the day before and on the morning of the session, within the fasting limits above."
		clothing := hydration + "\n- Wear comfortable, layered clothing, and bring anything that helps you feel at ease, such as a favorite blanket, a photo or your own eye mask."
		body := strings.Replace(v1.Body, hydration, clothing, 1)
		if body == v1.Body {
			body += "\n\nWear comfortable, layered clothing to each medicine session."
		}
		draft, err = d.Draft(ctx, owner, consent.DraftInput{Kind: consent.KAPTreatment, Title: v1.Title,
			Body: body, Required: true, Note: "What to wear and bring to a medicine session"})
		return err
	})
	t.at(w.day(-25, 10, 0), func() error {
		_, err := d.Publish(ctx, owner, draft.ID)
		return err
	})

	// Alex and Maya sign after their evaluations, before their courses.
	sign("alex", w.day(-15, 14, 0), consent.KAPTreatment, consent.Telehealth, consent.ReleaseOfInformation, consent.FinancialPolicy)
	countersign("alex", "sam", w.day(-15, 15, 0))
	sign("daniel", w.now.Add(-7*day), consent.KAPTreatment, consent.FinancialPolicy)
	sign("maya", w.day(-14, 14, 0), consent.KAPTreatment, consent.Telehealth, consent.FinancialPolicy)
	t.at(w.now.Add(-3*day), func() error {
		// From her laptop at home, in the portal.
		home := access.WithMeta(ctx, access.Meta{Address: "198.51.100.61",
			UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"})
		_, err := d.Revoke(home, w.as["maya"], w.clients["maya"], signed["maya"][consent.Telehealth], "I would rather come in person for every appointment.", nil)
		return err
	})
	sign("priscilla", w.now.Add(-5*day), consent.KAPTreatment, consent.ReleaseOfInformation)
	countersign("priscilla", "elena", w.now.Add(-5*day+time.Hour))
}

// latestConsent is the version of kind in force, as the owner reads it.
func (w *world) latestConsent(kind consent.Kind) (consent.Version, error) {
	vs, err := w.doors.Consent.InForce(w.ctx, w.as["owner"])
	for _, v := range vs {
		if v.Kind == kind {
			return v, err
		}
	}
	return consent.Version{}, fmt.Errorf("demo consent: no published %s (%v)", kind, err)
}

// signConsents signs the latest version of each kind for a client (by
// key; the past courses' clients by email), on the practice's tablet,
// four minutes apart from at; signed keeps the signatures by client and
// kind.
func (w *world) signConsents(t *timeline, client string, at time.Time, signed map[string]map[consent.Kind]string, kinds ...consent.Kind) {
	// A tablet on the practice's network, where the clients sign.
	tablet := access.WithMeta(w.ctx, access.Meta{Address: "203.0.113.24",
		UserAgent: "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"})
	for i, k := range kinds {
		t.at(at.Add(time.Duration(i)*4*time.Minute), func() error {
			v, err := w.latestConsent(k)
			if err != nil {
				return err
			}
			s, err := w.doors.Consent.Sign(tablet, w.as[client], v.ID, consent.Agreement{TypedName: personName(client), Agreed: true, ShownSHA256: v.SHA256})
			if err != nil {
				return fmt.Errorf("demo consent for %s: %w", client, err)
			}
			if signed[client] == nil {
				signed[client] = map[consent.Kind]string{}
			}
			signed[client][k] = s.ID
			return nil
		})
	}
}
