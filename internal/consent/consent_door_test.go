package consent_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/consent"
	"holdspace/internal/fault"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// doorPractice is the practice of consent_test.go with a door on it and
// the actors who use it.
type doorPractice struct {
	*practice
	door                 *consent.Door
	now                  time.Time
	alexA, jamieA        access.Actor
	ownerA, samA, elenaA access.Actor
}

func newDoorPractice(t *testing.T, db *store.DB) *doorPractice {
	p := &doorPractice{practice: newPractice(t, db), now: t0.Add(time.Hour)}
	clock := func() time.Time { return p.now }
	p.door = &consent.Door{Access: &access.Service{DB: db, Now: clock}, Now: clock}
	client := func(id string) access.Actor {
		return access.Actor{Kind: access.ClientActor, ClientID: id, PracticeID: p.id}
	}
	staff := func(id string, r access.Role) access.Actor {
		return access.Actor{Kind: access.StaffActor, StaffID: id, PracticeID: p.id, Roles: []access.Role{r}}
	}
	p.alexA, p.jamieA = client(p.alex), client(p.jamie)
	p.ownerA, p.samA, p.elenaA = staff(p.owner, access.Owner), staff(p.sam, access.Therapist), staff(p.elena, access.Therapist)
	return p
}

// request is a context as the web face gives the door: where the request
// came from.
func request() context.Context {
	return access.WithMeta(context.Background(), access.Meta{Address: "203.0.113.7", UserAgent: "Mozilla/5.0 (iPad)", RequestID: "req-1"})
}

func (p *doorPractice) count(q string, args ...any) int {
	p.t.Helper()
	return storetest.Count(p.t, p.db, q, args...)
}

// denied counts the refusals of act on the trail for the actor.
func (p *doorPractice) denied(a access.Actor, act access.Action) int {
	return p.count(`SELECT COUNT(*) FROM audit_event WHERE outcome = 'denied' AND action = ? AND actor_id = ?`, string(act), a.ID())
}

// signed is Alex's signature, through the door, of the treatment consent
// in force.
func (p *doorPractice) signed(ctx context.Context) (consent.Version, consent.Signature) {
	p.t.Helper()
	kap := p.latest(consent.KAPTreatment)
	sig, err := p.door.Sign(ctx, p.alexA, kap.ID, consent.Agreement{TypedName: "Alex Rivera", Agreed: true, ShownSHA256: kap.SHA256})
	if err != nil {
		p.t.Fatal(err)
	}
	return kap, sig
}

func fieldNames(err error) []string {
	f := fault.Of(err)
	if f == nil {
		return nil
	}
	var out []string
	for _, fl := range f.Fields {
		out = append(out, fl.Name)
	}
	return out
}

func TestTheDoorSignsWitnessesAndPrintsAConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newDoorPractice(t, db)
		ctx := request()
		mine, err := p.door.Mine(ctx, p.alexA)
		if err != nil {
			t.Fatal(err)
		}
		if mine.Current() || len(mine.Missing) != 1 {
			t.Fatalf("before signing: current=%v missing=%q; want the treatment consent missing", mine.Current(), mine.Missing)
		}
		kap := p.latest(consent.KAPTreatment)
		rd, err := p.door.Read(ctx, p.alexA, kap.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rd.LegalName != "Alex Rivera" || rd.Status != consent.StatusNeeded || rd.Latest != nil || len(rd.Blocks) == 0 {
			t.Fatalf("reading: %q %s latest=%v, %d blocks", rd.LegalName, rd.Status, rd.Latest, len(rd.Blocks))
		}

		sig, err := p.door.Sign(ctx, p.alexA, kap.ID, consent.Agreement{TypedName: "alex rivera", Agreed: true, ShownSHA256: rd.Version.SHA256})
		if err != nil {
			t.Fatal(err)
		}
		if sig.Address != "203.0.113.7" || sig.UserAgent != "Mozilla/5.0 (iPad)" || !sig.SignedAt.Equal(p.now) {
			t.Fatalf("signature kept %q %q at %s; want the request's address and browser at the door's time", sig.Address, sig.UserAgent, sig.SignedAt)
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'consent.sign' AND record_id = ? AND client_id = ? AND actor_id = ?
			AND address = '203.0.113.7' AND request_id = 'req-1' AND outcome = 'allowed'`, sig.ID, p.alex, p.alex); n != 1 {
			t.Fatalf("%d consent.sign entries; want 1", n)
		}
		if mine, err = p.door.Mine(ctx, p.alexA); err != nil || !mine.Current() || len(mine.History) != 1 {
			t.Fatalf("after signing: current=%v, %d signatures, %v", mine.Current(), len(mine.History), err)
		}

		p.now = p.now.Add(time.Hour)
		if _, err := p.door.Countersign(ctx, p.samA, p.alex, sig.ID); err != nil {
			t.Fatal(err)
		}
		st, err := p.door.OfClient(ctx, p.samA, p.alex)
		if err != nil {
			t.Fatal(err)
		}
		if st.Client.LegalName != "Alex Rivera" || !st.CanCountersign || st.BreakGlass || !st.Current() ||
			st.History[0].Countersignature == nil || st.History[0].Countersignature.PrintedName != "Sam Okafor, LCSW" {
			t.Fatalf("the care team's view: %+v", st)
		}

		pdf, err := p.door.PDF(ctx, p.samA, p.alex, sig.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatal("not a PDF")
		}
		// The practice's name and time zone are the door's to read.
		text := pdfText(t, pdf)
		for _, want := range []string{"Stillwater Test", "Sam Okafor, LCSW", "2 March 2026, 11:00 EST (2026-03-02 16:00:00 UTC)", sig.TextSHA256} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF does not say %q", want)
			}
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'consent.export' AND record_id = ? AND actor_id = ?`, sig.ID, p.sam); n != 1 {
			t.Fatalf("%d consent.export entries; want 1", n)
		}
		// A client prints their own, whatever client is named.
		if _, err := p.door.PDF(ctx, p.alexA, p.jamie, sig.ID, nil); err != nil {
			t.Fatalf("the client's own PDF: %v", err)
		}
	})
}

func TestTheDoorRefusesAccessAndAuditsTheRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newDoorPractice(t, db)
		ctx := request()
		_, sig := p.signed(ctx)
		var d *access.Denied

		// Off the care team: the chart's consents are not Elena's to read.
		if _, err := p.door.OfClient(ctx, p.elenaA, p.alex); !errors.As(err, &d) {
			t.Fatalf("a therapist off the care team read the consents: %v", err)
		}
		if n := p.denied(p.elenaA, access.ClientRead); n != 1 {
			t.Fatalf("%d refused reads on the trail; want 1", n)
		}

		// The owner may update the chart but is no witness: refused as an
		// access, on the trail, with nothing written.
		_, err := p.door.Countersign(ctx, p.ownerA, p.alex, sig.ID)
		if !errors.As(err, &d) || d.Reason != consent.ErrNotCareTeam.Error() || fault.Of(err).Code != fault.Forbidden {
			t.Fatalf("the owner countersigned: %v", err)
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE outcome = 'denied' AND action = ? AND actor_id = ? AND reason = ?`,
			string(access.ClientUpdate), p.owner, consent.ErrNotCareTeam.Error()); n != 1 {
			t.Fatalf("%d refused countersignatures on the trail; want 1", n)
		}
		if n := p.count(`SELECT COUNT(*) FROM consent_countersignature`); n != 0 {
			t.Fatalf("%d countersignatures; want none", n)
		}

		// Publishing is the administrators'.
		if _, err := p.door.Draft(ctx, p.samA, consent.DraftInput{Kind: consent.Telehealth, Title: "T", Body: "B"}); !errors.As(err, &d) {
			t.Fatalf("a therapist drafted a consent document: %v", err)
		}
		if n := p.denied(p.samA, access.ConsentDocumentManage); n != 1 {
			t.Fatalf("%d refused drafts on the trail; want 1", n)
		}

		// Someone refused learns nothing from a body that could not be
		// read, nor from a file that is not a PDF: access comes first.
		unread := fault.InvalidField("body", "The body is not JSON.")
		if _, err := p.door.Revoke(ctx, p.elenaA, p.alex, sig.ID, "", unread); !errors.As(err, &d) {
			t.Fatalf("an unread body refused before access: %v", err)
		}
		if _, err := p.door.PDF(ctx, p.elenaA, p.alex, sig.ID, fault.New(fault.NotFound, "no such file")); !errors.As(err, &d) {
			t.Fatalf("a file that is not a PDF refused before access: %v", err)
		}
		if _, err := p.door.PDF(ctx, p.samA, p.alex, sig.ID, fault.New(fault.NotFound, "no such file")); fault.Of(err).Code != fault.NotFound {
			t.Fatalf("a file that is not a PDF, for the care team: %v", err)
		}
		// Jamie is asked only about Jamie's own record.
		if _, err := p.door.Revoke(ctx, p.jamieA, p.alex, sig.ID, "", nil); fault.Of(err) == nil || fault.Of(err).Code != fault.NotFound {
			t.Fatalf("another client withdrew Alex's consent: %v", err)
		}
		if ok, _ := p.current(p.alex); !ok {
			t.Fatal("a refused withdrawal took effect")
		}
	})
}

func TestTheDoorNamesTheFieldsToFix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newDoorPractice(t, db)
		ctx := request()
		kap := p.latest(consent.KAPTreatment)

		_, err := p.door.Sign(ctx, p.alexA, kap.ID, consent.Agreement{TypedName: "Alex Rivers", ShownSHA256: kap.SHA256})
		if got := fieldNames(err); len(got) != 2 || got[0] != "name" || got[1] != "agree" {
			t.Fatalf("a wrong name and no agreement: fields %q (%v); want name and agree", got, err)
		}
		var changed *consent.ChangedError
		if _, err := p.door.Sign(ctx, p.alexA, kap.ID, consent.Agreement{TypedName: "Alex Rivera", Agreed: true, ShownSHA256: consent.Hash("other")}); !errors.As(err, &changed) {
			t.Fatalf("another text shown: %v; want a ChangedError", err)
		}
		if n := p.count(`SELECT COUNT(*) FROM consent_signature`); n != 0 {
			t.Fatalf("%d signatures after refusals; want none", n)
		}

		_, err = p.door.Draft(ctx, p.ownerA, consent.DraftInput{Kind: consent.Telehealth, Title: " ", Body: ""})
		if got := fieldNames(err); len(got) != 2 || got[0] != "title" || got[1] != "text" {
			t.Fatalf("an empty draft: fields %q; want title and text", got)
		}

		_, sig := p.signed(ctx)
		// Staff record what the client said, so they say how.
		_, err = p.door.Revoke(ctx, p.samA, p.alex, sig.ID, "  ", nil)
		if got := fieldNames(err); len(got) != 1 || got[0] != "reason" {
			t.Fatalf("a withdrawal recorded without a reason: fields %q; want reason", got)
		}
		if _, err := p.door.Revoke(ctx, p.alexA, "", sig.ID, "", nil); err != nil {
			t.Fatalf("the client's own withdrawal: %v", err)
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action = 'consent.revoke' AND reason = 'withdrawn by the client' AND actor_id = ?`, p.alex); n != 1 {
			t.Fatalf("%d withdrawals by the client on the trail; want 1", n)
		}
		// Withdrawn already: a conflict, its cause the problem the pages
		// show.
		_, err = p.door.Revoke(ctx, p.samA, p.alex, sig.ID, "Said so by phone.", nil)
		var pr *access.Problem
		if f := fault.Of(err); f == nil || f.Code != fault.Conflict || f.Title != "Already withdrawn" || !errors.As(err, &pr) || pr.Field != "revoke" {
			t.Fatalf("a second withdrawal: %v", err)
		}

		_, err = p.door.Publish(ctx, p.ownerA, kap.ID)
		if got := fieldNames(err); len(got) != 1 || got[0] != "version" {
			t.Fatalf("publishing a published version: fields %q; want version", got)
		}
	})
}

func TestTheDoorPreviewsAndPublishesADraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newDoorPractice(t, db)
		ctx := request()
		kap, _ := p.signed(ctx)
		start, err := p.door.StartDraft(ctx, p.ownerA, "no such kind")
		if err != nil {
			t.Fatal(err)
		}
		if start.Kind != consent.KAPTreatment || start.From == nil || start.From.ID != kap.ID {
			t.Fatalf("a draft of an unknown kind starts from %+v; want the treatment consent in force", start)
		}
		draft, err := p.door.Draft(ctx, p.ownerA, consent.DraftInput{Kind: consent.KAPTreatment, Title: kap.Title, Body: kap.Body + "\n\nA new paragraph.", Required: true})
		if err != nil {
			t.Fatal(err)
		}
		pv, err := p.door.Preview(ctx, p.ownerA, draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Asked != 1 || pv.Next != 2 || pv.Latest == nil || pv.Latest.ID != kap.ID {
			t.Fatalf("preview: asked %d, next %d, latest %v; want 1 client asked, version 2 next, after version 1", pv.Asked, pv.Next, pv.Latest)
		}
		pub, err := p.door.Publish(ctx, p.ownerA, draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pub.Asked != 1 || pub.Version.Number != 2 || !pub.Version.Published {
			t.Fatalf("published %s; %d asked again", pub.Version.Label(), pub.Asked)
		}
		if n := p.count(`SELECT COUNT(*) FROM audit_event WHERE action IN ('consent_document.draft', 'consent_document.publish') AND record_id = ?
			AND record_type = 'consent_version'`, draft.ID); n != 2 {
			t.Fatalf("%d draft and publish entries; want 2", n)
		}
		if ok, _ := p.current(p.alex); ok {
			t.Fatal("a new version of a required document left an older signature current")
		}
		list, err := p.door.InForce(ctx, p.samA)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range list {
			found = found || v.ID == pub.Version.ID
		}
		if !found {
			t.Fatal("the new version is not among those in force")
		}
		docs, err := p.door.Documents(ctx, p.ownerA)
		if err != nil || len(docs) == 0 {
			t.Fatalf("documents: %d, %v", len(docs), err)
		}
	})
}
