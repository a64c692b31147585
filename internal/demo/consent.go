package demo

import (
	"fmt"
	"strings"
	"time"

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
func (w *world) consent() error {
	day := 24 * time.Hour
	if err := consent.EnsureDefaults(w.ctx, w.tx, w.practiceID, w.now.Add(-45*day)); err != nil {
		return err
	}
	latest := func(kind consent.Kind) (consent.Version, error) {
		vs, err := consent.Published(w.ctx, w.tx, w.practiceID)
		for _, v := range vs {
			if v.Kind == kind {
				return v, err
			}
		}
		return consent.Version{}, fmt.Errorf("demo consent: no published %s", kind)
	}
	legal := map[string]string{}
	for _, c := range clients {
		legal[c.key] = c.legal
	}
	// sign signs the latest version of each kind for a client, as the
	// portal would, from a tablet on the practice's network.
	sign := func(client string, at time.Time, kinds ...consent.Kind) (map[consent.Kind]string, error) {
		ids := map[consent.Kind]string{}
		for i, k := range kinds {
			v, err := latest(k)
			if err != nil {
				return nil, err
			}
			s, err := consent.Sign(w.ctx, w.tx, w.practiceID, w.clients[client], consent.SignInput{VersionID: v.ID, TypedName: legal[client],
				Agreed: true, ShownSHA256: v.SHA256, At: at.Add(time.Duration(i) * 4 * time.Minute), Address: "203.0.113.24",
				UserAgent: "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"})
			if err != nil {
				return nil, fmt.Errorf("demo consent for %s: %w", client, err)
			}
			ids[k] = s.ID
		}
		return ids, nil
	}

	// Before version 2: Robert signs version 1.
	if _, err := sign("robert", w.now.Add(-30*day), consent.KAPTreatment, consent.Telehealth, consent.FinancialPolicy); err != nil {
		return err
	}
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
	draft, err := consent.Draft(w.ctx, w.tx, w.practiceID, w.staff["owner"], consent.DraftInput{Kind: consent.KAPTreatment, Title: v1.Title,
		Body: body, Required: true, Note: "What to wear and bring to a medicine session"}, w.now.Add(-15*day))
	if err != nil {
		return err
	}
	if _, err := consent.Publish(w.ctx, w.tx, w.practiceID, draft.ID, w.staff["owner"], w.now.Add(-14*day)); err != nil {
		return err
	}

	alex, err := sign("alex", w.now.Add(-10*day), consent.KAPTreatment, consent.Telehealth, consent.ReleaseOfInformation, consent.FinancialPolicy)
	if err != nil {
		return err
	}
	if _, err := consent.Countersign(w.ctx, w.tx, w.practiceID, w.clients["alex"], alex[consent.KAPTreatment], w.staff["sam"], w.now.Add(-10*day+time.Hour)); err != nil {
		return err
	}
	if _, err := sign("daniel", w.now.Add(-7*day), consent.KAPTreatment, consent.FinancialPolicy); err != nil {
		return err
	}
	maya, err := sign("maya", w.now.Add(-8*day), consent.KAPTreatment, consent.Telehealth, consent.FinancialPolicy)
	if err != nil {
		return err
	}
	if _, err := consent.Revoke(w.ctx, w.tx, w.practiceID, w.clients["maya"], maya[consent.Telehealth], consent.RevokeInput{
		Reason: "I would rather come in person for every appointment.", At: w.now.Add(-3 * day), Address: "198.51.100.61",
		UserAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"}); err != nil {
		return err
	}
	cilla, err := sign("priscilla", w.now.Add(-5*day), consent.KAPTreatment, consent.ReleaseOfInformation)
	if err != nil {
		return err
	}
	_, err = consent.Countersign(w.ctx, w.tx, w.practiceID, w.clients["priscilla"], cilla[consent.KAPTreatment], w.staff["elena"], w.now.Add(-5*day+time.Hour))
	return err
}
