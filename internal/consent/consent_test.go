package consent_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/consent"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

var t0 = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

// practice is a small practice to sign consents in: an owner, a therapist
// on Alex's care team, one who is not, and two clients.
type practice struct {
	t                              *testing.T
	db                             *store.DB
	id                             string
	owner, sam, elena, alex, jamie string
}

func newPractice(t *testing.T, db *store.DB) *practice {
	t.Helper()
	ctx := context.Background()
	pid, err := access.CreatePractice(ctx, db, "Stillwater Test", "stillwater-test", "America/New_York", t0)
	if err != nil {
		t.Fatal(err)
	}
	p := &practice{t: t, db: db, id: pid}
	p.write(func(tx *store.Tx) error {
		staff := func(name, cred string) string {
			id := store.NewID()
			if _, err := tx.Exec(ctx, `INSERT INTO staff (id, practice_id, email, full_name, credentials, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				id, pid, strings.ToLower(strings.Fields(name)[0])+"@example.org", name, cred, true, t0); err != nil {
				t.Fatal(err)
			}
			return id
		}
		client := func(name string) string {
			id := store.NewID()
			if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, ?, ?)`, id, pid, name, t0); err != nil {
				t.Fatal(err)
			}
			return id
		}
		p.owner, p.sam, p.elena = staff("Morgan Avery", ""), staff("Sam Okafor", "LCSW"), staff("Elena Brooks", "PsyD")
		p.alex, p.jamie = client("Alex Rivera"), client("Jamie Chen")
		_, err := tx.Exec(ctx, `INSERT INTO care_team (client_id, staff_id, role, added_at) VALUES (?, ?, 'therapist', ?)`, p.alex, p.sam, t0)
		if err != nil {
			return err
		}
		return consent.EnsureDefaults(ctx, tx, pid, t0)
	})
	return p
}

func (p *practice) write(fn func(tx *store.Tx) error) {
	p.t.Helper()
	if err := p.db.Write(context.Background(), fn); err != nil {
		p.t.Fatal(err)
	}
}

// try runs fn in a transaction that is rolled back when fn fails, as
// access.Service.Do does, and returns fn's error.
func (p *practice) try(fn func(tx *store.Tx) error) error {
	return p.db.Write(context.Background(), fn)
}

func (p *practice) latest(kind consent.Kind) consent.Version {
	p.t.Helper()
	var out consent.Version
	p.write(func(tx *store.Tx) error {
		vs, err := consent.Published(context.Background(), tx, p.id)
		for _, v := range vs {
			if v.Kind == kind {
				out = v
			}
		}
		return err
	})
	if out.ID == "" {
		p.t.Fatalf("no published %s", kind)
	}
	return out
}

func (p *practice) sign(client string, v consent.Version, name string, at time.Time) (consent.Signature, error) {
	return p.signInput(client, consent.SignInput{VersionID: v.ID, TypedName: name, Agreed: true,
		ShownSHA256: v.SHA256, At: at, Address: "203.0.113.7", UserAgent: "Mozilla/5.0 (iPad)"})
}

// signInput signs for client exactly what in says, agreed or not.
func (p *practice) signInput(client string, in consent.SignInput) (consent.Signature, error) {
	var s consent.Signature
	err := p.try(func(tx *store.Tx) error {
		var err error
		s, err = consent.Sign(context.Background(), tx, p.id, client, in)
		return err
	})
	return s, err
}

func (p *practice) current(client string) (bool, []string) {
	p.t.Helper()
	var ok bool
	var missing []string
	p.write(func(tx *store.Tx) error {
		var err error
		ok, missing, err = consent.Current(context.Background(), tx, p.id, client)
		return err
	})
	return ok, missing
}

func (p *practice) publishNew(kind consent.Kind, title, body string, required bool, at time.Time) consent.Version {
	p.t.Helper()
	var v consent.Version
	p.write(func(tx *store.Tx) error {
		d, err := consent.Draft(context.Background(), tx, p.id, p.owner, consent.DraftInput{Kind: kind, Title: title, Body: body, Required: required}, at)
		if err != nil {
			return err
		}
		v, err = consent.Publish(context.Background(), tx, p.id, d.ID, p.owner, at)
		return err
	})
	return v
}

func problemField(err error) []string {
	var ps access.Problems
	var p *access.Problem
	switch {
	case errors.As(err, &ps):
		var out []string
		for _, p := range ps {
			out = append(out, p.Field)
		}
		return out
	case errors.As(err, &p):
		return []string{p.Field}
	}
	return nil
}

func TestSigningTheTreatmentConsentMakesConsentCurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ok, missing := p.current(p.alex)
		if ok || len(missing) != 1 || missing[0] != "Informed consent to ketamine-assisted psychotherapy, version 1" {
			t.Fatalf("before signing: ok=%v missing=%q; want the treatment consent missing", ok, missing)
		}
		kap := p.latest(consent.KAPTreatment)
		s, err := p.sign(p.alex, kap, "  alex   RIVERA ", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if s.TypedName != "alex RIVERA" || s.TextSHA256 != consent.Hash(kap.Body) || !s.Verified || s.Meaning != "consent" ||
			s.Address != "203.0.113.7" || s.UserAgent != "Mozilla/5.0 (iPad)" || !s.SignedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("stored signature %+v", s)
		}
		if ok, missing := p.current(p.alex); !ok || len(missing) != 0 {
			t.Fatalf("after signing: ok=%v missing=%q", ok, missing)
		}
		// Signing the same version again has nothing to add.
		if _, err := p.sign(p.alex, kap, "Alex Rivera", t0.Add(2*time.Hour)); !contains(problemField(err), "version") {
			t.Fatalf("signing twice: %v", err)
		}
		// Jamie's standing is Jamie's own.
		if ok, _ := p.current(p.jamie); ok {
			t.Fatal("Alex's signature made Jamie's consent current")
		}
	})
}

func TestASignatureNeedsTheLegalNameAndAnExplicitAgreement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		kap := p.latest(consent.KAPTreatment)
		_, err := p.sign(p.alex, kap, "Alex Rivers", t0)
		if f := problemField(err); len(f) != 1 || f[0] != "name" || !strings.Contains(err.Error(), "Alex Rivera") {
			t.Fatalf("a wrong name: %v (%v)", err, f)
		}
		_, err = p.signInput(p.alex, consent.SignInput{VersionID: kap.ID, TypedName: "", Agreed: false, ShownSHA256: kap.SHA256, At: t0})
		if f := problemField(err); len(f) != 2 || f[0] != "name" || f[1] != "agree" {
			t.Fatalf("no name and no agreement: %v", f)
		}
		// Someone else's name is refused even with the agreement.
		if _, err := p.sign(p.alex, kap, "Jamie Chen", t0); !contains(problemField(err), "name") {
			t.Fatalf("signing with another client's name: %v", err)
		}
		if ok, _ := p.current(p.alex); ok {
			t.Fatal("a refused signature counted")
		}
	})
}

func TestAVersionChangedUnderTheSignerIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		v1 := p.latest(consent.KAPTreatment)
		// The page showed another text than the one held.
		_, err := p.signInput(p.alex, consent.SignInput{VersionID: v1.ID, TypedName: "Alex Rivera", Agreed: true,
			ShownSHA256: consent.Hash("something else"), At: t0})
		var changed *consent.ChangedError
		if !errors.As(err, &changed) || changed.Latest.ID != v1.ID {
			t.Fatalf("a mismatched hash: %v", err)
		}
		// A newer version was published while the page was open.
		v2 := p.publishNew(consent.KAPTreatment, v1.Title, v1.Body+"\n\nA new paragraph.", true, t0.Add(time.Hour))
		_, err = p.sign(p.alex, v1, "Alex Rivera", t0.Add(2*time.Hour))
		if !errors.As(err, &changed) || changed.Latest.ID != v2.ID || !strings.Contains(changed.Message, "version 2 replaces version 1") {
			t.Fatalf("signing a superseded version: %v", err)
		}
	})
}

func TestPublishingANewVersionOfARequiredDocumentAsksForReconsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		v1 := p.latest(consent.KAPTreatment)
		if _, err := p.sign(p.alex, v1, "Alex Rivera", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var stale int
		p.write(func(tx *store.Tx) error {
			var err error
			stale, err = consent.StaleSigners(context.Background(), tx, p.id, v1.DocumentID)
			return err
		})
		if stale != 1 {
			t.Fatalf("%d signers would be asked again; want 1", stale)
		}
		v2 := p.publishNew(consent.KAPTreatment, v1.Title, v1.Body+"\n\n## New section\n\nMore.", true, t0.Add(2*time.Hour))
		if v2.Number != 2 || !v2.Published {
			t.Fatalf("published %+v; want version 2", v2)
		}
		ok, missing := p.current(p.alex)
		if ok || len(missing) != 1 || !strings.HasSuffix(missing[0], "version 2") {
			t.Fatalf("after version 2: ok=%v missing=%q", ok, missing)
		}
		var docs []consent.ClientDocument
		p.write(func(tx *store.Tx) error {
			var err error
			docs, err = consent.ClientStatus(context.Background(), tx, p.id, p.alex)
			return err
		})
		if docs[0].Kind != consent.KAPTreatment || docs[0].Status != consent.StatusReconsent || docs[0].Signature.VersionNumber != 1 {
			t.Fatalf("standing %+v", docs[0])
		}
		if _, err := p.sign(p.alex, v2, "Alex Rivera", t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if ok, _ := p.current(p.alex); !ok {
			t.Fatal("signing version 2 did not make consent current")
		}
		// A new version of a document that is not required asks nobody.
		tele := p.latest(consent.Telehealth)
		if _, err := p.sign(p.alex, tele, "Alex Rivera", t0.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		p.publishNew(consent.Telehealth, tele.Title, tele.Body+"\n\nUpdated.", false, t0.Add(4*time.Hour))
		if ok, _ := p.current(p.alex); !ok {
			t.Fatal("a new optional document made consent lapse")
		}
		// Making the financial policy required, with a new version, asks for it.
		fin := p.latest(consent.FinancialPolicy)
		p.publishNew(consent.FinancialPolicy, fin.Title, fin.Body+"\n\nUpdated.", true, t0.Add(5*time.Hour))
		if ok, missing := p.current(p.alex); ok || len(missing) != 1 || !strings.HasPrefix(missing[0], "Financial policy, version 2") {
			t.Fatalf("after requiring the financial policy: %v %q", ok, missing)
		}
	})
}

func TestRevocationTakesEffectAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		v1 := p.latest(consent.KAPTreatment)
		s, err := p.sign(p.alex, v1, "Alex Rivera", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		// Staff recording a withdrawal must say how it was given.
		err = p.try(func(tx *store.Tx) error {
			_, err := consent.Revoke(context.Background(), tx, p.id, p.alex, s.ID, consent.RevokeInput{StaffID: p.sam, At: t0.Add(2 * time.Hour)})
			return err
		})
		if !contains(problemField(err), "reason") {
			t.Fatalf("staff revocation without a reason: %v", err)
		}
		// Another client cannot withdraw Alex's consent.
		err = p.try(func(tx *store.Tx) error {
			_, err := consent.Revoke(context.Background(), tx, p.id, p.jamie, s.ID, consent.RevokeInput{At: t0.Add(2 * time.Hour)})
			return err
		})
		if !errors.Is(err, clinic.ErrNotFound) {
			t.Fatalf("Jamie revoking Alex's signature: %v", err)
		}
		var got consent.Signature
		p.write(func(tx *store.Tx) error {
			got, err = consent.Revoke(context.Background(), tx, p.id, p.alex, s.ID, consent.RevokeInput{Reason: "I want to think it over.", At: t0.Add(2 * time.Hour), Address: "203.0.113.9"})
			return err
		})
		if got.Revocation == nil || got.Revocation.ByKind != "client" || got.Revocation.ByName != "Alex Rivera" || got.Revocation.Reason != "I want to think it over." {
			t.Fatalf("revocation %+v", got.Revocation)
		}
		if ok, missing := p.current(p.alex); ok || len(missing) != 1 {
			t.Fatalf("after revoking: ok=%v missing=%q", ok, missing)
		}
		err = p.try(func(tx *store.Tx) error {
			_, err := consent.Revoke(context.Background(), tx, p.id, p.alex, s.ID, consent.RevokeInput{At: t0.Add(3 * time.Hour)})
			return err
		})
		if !contains(problemField(err), "revoke") {
			t.Fatalf("revoking twice: %v", err)
		}
		// Signing again restores consent; staff may then record a spoken withdrawal.
		s2, err := p.sign(p.alex, v1, "Alex Rivera", t0.Add(4*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := p.current(p.alex); !ok {
			t.Fatal("signing again did not restore consent")
		}
		p.write(func(tx *store.Tx) error {
			got, err = consent.Revoke(context.Background(), tx, p.id, p.alex, s2.ID, consent.RevokeInput{StaffID: p.sam, Reason: "Said by phone.", At: t0.Add(5 * time.Hour)})
			return err
		})
		if got.Revocation.ByKind != "staff" || got.Revocation.ByName != "Sam Okafor, LCSW" {
			t.Fatalf("staff revocation %+v", got.Revocation)
		}
		if ok, _ := p.current(p.alex); ok {
			t.Fatal("a withdrawal recorded by staff did not take effect")
		}
	})
}

func TestOnlyAClinicianOnTheCareTeamMayCountersign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		s, err := p.sign(p.alex, p.latest(consent.KAPTreatment), "Alex Rivera", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		countersign := func(staff string) (consent.Signature, error) {
			var out consent.Signature
			err := p.try(func(tx *store.Tx) error {
				var err error
				out, err = consent.Countersign(context.Background(), tx, p.id, p.alex, s.ID, staff, t0.Add(2*time.Hour))
				return err
			})
			return out, err
		}
		for _, who := range []string{p.elena, p.owner} {
			if _, err := countersign(who); !errors.Is(err, consent.ErrNotCareTeam) {
				t.Fatalf("countersigned by someone off the care team: %v", err)
			}
		}
		got, err := countersign(p.sam)
		if err != nil {
			t.Fatal(err)
		}
		cs := got.Countersignature
		if cs == nil || cs.PrintedName != "Sam Okafor, LCSW" || cs.Meaning != "witness" || cs.TextSHA256 != s.TextSHA256 || !cs.SignedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("countersignature %+v", cs)
		}
		if _, err := countersign(p.sam); !contains(problemField(err), "countersign") {
			t.Fatalf("countersigning twice: %v", err)
		}
	})
}

// KAP.md §6: the signature is bound to the exact content by its hash. A
// published text cannot be changed; and if it were changed behind the
// database's back, the signature no longer verifies.
func TestTheSignatureIsBoundToTheStoredText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		v1 := p.latest(consent.KAPTreatment)
		s, err := p.sign(p.alex, v1, "Alex Rivera", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !consent.Verify(s, v1.Body) || consent.Verify(s, v1.Body+" ") {
			t.Fatal("Verify must accept the signed text and nothing else")
		}
		ctx := context.Background()
		for _, q := range []string{
			`UPDATE consent_version SET body = 'changed' WHERE id = ?`,
			`DELETE FROM consent_version WHERE id = ?`,
		} {
			if err := p.try(func(tx *store.Tx) error { _, err := tx.Exec(ctx, q, v1.ID); return err }); err == nil {
				t.Fatalf("the database let a published version change: %s", q)
			}
		}
		if err := p.try(func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE consent_signature SET typed_name = 'Someone Else' WHERE id = ?`, s.ID)
			return err
		}); err == nil {
			t.Fatal("the database let a signature change")
		}
		// Around the database's guard, as an attacker with the file would.
		p.write(func(tx *store.Tx) error {
			drop := `DROP TRIGGER consent_version_frozen`
			if tx.Dialect().Name() == "postgres" {
				drop += ` ON consent_version`
			}
			if _, err := tx.Exec(ctx, drop); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `UPDATE consent_version SET body = body || ' Or not.' WHERE id = ?`, v1.ID)
			return err
		})
		var hist []consent.Signature
		p.write(func(tx *store.Tx) error {
			hist, err = consent.History(ctx, tx, p.id, p.alex)
			return err
		})
		if len(hist) != 1 || hist[0].Verified {
			t.Fatalf("after the text changed the signature still verifies: %+v", hist)
		}
		err = p.try(func(tx *store.Tx) error {
			_, err := consent.Countersign(ctx, tx, p.id, p.alex, s.ID, p.sam, t0.Add(2*time.Hour))
			return err
		})
		if !contains(problemField(err), "countersign") {
			t.Fatalf("countersigning a broken signature: %v", err)
		}
	})
}

func TestDraftsArePreviewedThenPublishedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		err := p.try(func(tx *store.Tx) error {
			_, err := consent.Draft(ctx, tx, p.id, p.owner, consent.DraftInput{Kind: "nonsense", Title: " ", Body: "\r\n "}, t0)
			return err
		})
		if f := problemField(err); strings.Join(f, ",") != "kind,title,text" {
			t.Fatalf("an empty draft: %v", f)
		}
		var d consent.Version
		p.write(func(tx *store.Tx) error {
			d, err = consent.Draft(ctx, tx, p.id, p.owner, consent.DraftInput{Kind: consent.Telehealth, Title: "Telehealth, revised", Body: "Line one.\r\n\r\nLine two.  ", Note: "plainer"}, t0)
			return err
		})
		if d.Published || d.Number != 0 || d.Body != "Line one.\n\nLine two." || d.SHA256 != consent.Hash(d.Body) || d.CreatedByName != "Morgan Avery" {
			t.Fatalf("draft %+v", d)
		}
		// A client cannot sign a draft.
		err = p.try(func(tx *store.Tx) error {
			_, err := consent.Sign(ctx, tx, p.id, p.alex, consent.SignInput{VersionID: d.ID, TypedName: "Alex Rivera", Agreed: true, ShownSHA256: d.SHA256, At: t0})
			return err
		})
		if !errors.Is(err, clinic.ErrNotFound) {
			t.Fatalf("signing a draft: %v", err)
		}
		var docs []consent.Document
		p.write(func(tx *store.Tx) error {
			docs, err = consent.Documents(ctx, tx, p.id)
			return err
		})
		if len(docs) != 4 || docs[1].Kind != consent.Telehealth || len(docs[1].Drafts()) != 1 {
			t.Fatalf("documents %+v", docs)
		}
		if latest, _ := docs[1].Latest(); latest.Number != 1 {
			t.Fatal("a draft replaced the published version before it was published")
		}
		p.write(func(tx *store.Tx) error {
			d, err = consent.Publish(ctx, tx, p.id, d.ID, p.owner, t0.Add(time.Hour))
			return err
		})
		if d.Number != 2 || d.PublishedByName != "Morgan Avery" || d.PublishedAt == nil {
			t.Fatalf("published %+v", d)
		}
		err = p.try(func(tx *store.Tx) error {
			_, err := consent.Publish(ctx, tx, p.id, d.ID, p.owner, t0.Add(2*time.Hour))
			return err
		})
		if !contains(problemField(err), "version") {
			t.Fatalf("publishing twice: %v", err)
		}
		// Seeding again leaves the practice's documents alone.
		p.write(func(tx *store.Tx) error { return consent.EnsureDefaults(ctx, tx, p.id, t0.Add(3*time.Hour)) })
		if v := p.latest(consent.Telehealth); v.Number != 2 {
			t.Fatalf("seeding again replaced version 2: %+v", v)
		}
	})
}

func TestAPracticeThatNeverOpenedConsentsStillNeedsTheTreatmentConsent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		pid, err := access.CreatePractice(ctx, db, "New Practice", "new-practice", "UTC", t0)
		if err != nil {
			t.Fatal(err)
		}
		cid := store.NewID()
		var ok bool
		var missing []string
		err = db.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO client (id, practice_id, legal_name, created_at) VALUES (?, ?, ?, ?)`, cid, pid, "Robin Park", t0); err != nil {
				return err
			}
			ok, missing, err = consent.Current(ctx, tx, pid, cid)
			return err
		})
		if err != nil || ok || len(missing) != 1 || !strings.HasPrefix(missing[0], "Informed consent") {
			t.Fatalf("ok=%v missing=%q err=%v", ok, missing, err)
		}
	})
}

func TestThePDFShowsTheTextSignaturesAndHash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		s, err := p.sign(p.alex, p.latest(consent.KAPTreatment), "Alex Rivera", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var v consent.Version
		p.write(func(tx *store.Tx) error {
			if _, err := consent.Countersign(ctx, tx, p.id, p.alex, s.ID, p.sam, t0.Add(2*time.Hour)); err != nil {
				return err
			}
			if _, err := consent.Revoke(ctx, tx, p.id, p.alex, s.ID, consent.RevokeInput{Reason: "Changed my mind — for now.", At: t0.Add(3 * time.Hour)}); err != nil {
				return err
			}
			s, v, err = consent.LoadSignature(ctx, tx, p.id, p.alex, s.ID)
			return err
		})
		zone, _ := time.LoadLocation("America/New_York")
		var buf bytes.Buffer
		if err := consent.WritePDF(&buf, consent.PDFRecord{PracticeName: "Stillwater Test", ClientLegalName: "Alex Rivera", Version: v, Signature: s,
			Zone: zone, Generated: t0.Add(4 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte(s.TextSHA256)) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")) {
			t.Fatalf("not a PDF carrying the hash %s", s.TextSHA256)
		}
		if dir := dumpDir(); dir != "" {
			writeFile(t, dir, "consent.pdf", b)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pdfText is the text pdftotext (poppler) reads out of a PDF, as a reader's
// copy and paste or a screen reader would get it.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext (Debian: poppler-utils) is needed to read the PDF's text")
		}
		t.Skip("pdftotext (Debian: poppler-utils) is not installed")
	}
	cmd := exec.Command(tool, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// Once found: names outside Western European scripts printed as ".".
// A signer's name, the practice's and the reason for withdrawing are
// drawn in the client's own script, read back from the PDF's text.
// Right-to-left and Indic shaping are not covered.
func TestThePDFDrawsNamesInGreekCyrillicAndCJK(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		p := newPractice(t, db)
		ctx := context.Background()
		s, err := p.sign(p.alex, p.latest(consent.KAPTreatment), "Alex Rivera", t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var v consent.Version
		p.write(func(tx *store.Tx) error {
			if _, err := consent.Revoke(ctx, tx, p.id, p.alex, s.ID, consent.RevokeInput{Reason: "Не сейчас, спасибо", At: t0.Add(3 * time.Hour)}); err != nil {
				return err
			}
			s, v, err = consent.LoadSignature(ctx, tx, p.id, p.alex, s.ID)
			return err
		})
		names := map[string]string{
			"Greek":    "Σοφία Παπαδοπούλου",
			"Cyrillic": "Дмитрий Иванов",
			"Chinese":  "王芳",
			"Japanese": "さくら 山田",
			"Korean":   "김민준",
		}
		for script, name := range names {
			t.Run(script, func(t *testing.T) {
				sig := s
				sig.TypedName = name
				var buf bytes.Buffer
				if err := consent.WritePDF(&buf, consent.PDFRecord{PracticeName: "Ξενώνας 静心 Practice", ClientLegalName: name, Version: v, Signature: sig,
					Zone: time.UTC, Generated: t0.Add(4 * time.Hour)}); err != nil {
					t.Fatal(err)
				}
				if dir := dumpDir(); dir != "" {
					writeFile(t, dir, "consent-"+script+".pdf", buf.Bytes())
				}
				text := pdfText(t, buf.Bytes())
				// pdftotext may break a line anywhere; compare without spaces.
				flat := strings.Join(strings.Fields(text), "")
				for _, want := range []string{name, "Ξενώνας静心Practice", "Несейчас,спасибо", s.TextSHA256} {
					if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
						t.Errorf("the PDF's text does not have %q:\n%s", want, text[:min(len(text), 1500)])
					}
				}
				if strings.Contains(text, "..") && !strings.Contains(v.Body, "..") {
					t.Errorf("the PDF shows characters as dots:\n%s", text[:min(len(text), 1500)])
				}
			})
		}
	})
}
