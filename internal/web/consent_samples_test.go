package web

import (
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/consent"
)

// Samples of the consent pages, with every optional part present.
func init() { addSamples(consentSamples()) }

func consentSamples() map[string]any {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	later := at.Add(48 * time.Hour)
	body := "Intro paragraph.\n\n## Risks\n\n- Nausea\n- Headache\n\nMore text."
	v1 := consent.Version{ID: "v1", DocumentID: "d1", Kind: consent.KAPTreatment, Number: 1, Published: true, Title: "Informed consent to KAP",
		Body: body, SHA256: consent.Hash(body), Required: true, Note: "first", CreatedAt: at, PublishedByName: "Morgan Avery", PublishedAt: &at}
	v2 := v1
	v2.ID, v2.Number, v2.PublishedAt = "v2", 2, &later
	draft := v1
	draft.ID, draft.Number, draft.Published, draft.PublishedAt, draft.CreatedByName = "v3", 0, false, nil, "Morgan Avery"
	tele := consent.Version{ID: "t1", DocumentID: "d2", Kind: consent.Telehealth, Number: 1, Published: true, Title: "Consent to telehealth", PublishedAt: &at}
	sig := consent.Signature{ID: "s1", ClientID: "c1", DocumentID: "d1", Kind: consent.KAPTreatment, VersionID: "v1", VersionNumber: 1, Title: v1.Title,
		TypedName: "Alex Rivera", Agreed: true, Meaning: "consent", SignedAt: at, Address: "203.0.113.7", UserAgent: "Mozilla/5.0 (iPad)",
		TextSHA256: v1.SHA256, Verified: true, Countersignature: &consent.Countersignature{StaffID: "st1", PrintedName: "Sam Okafor, LCSW", Meaning: "witness", SignedAt: at}}
	revoked := consent.Signature{ID: "s2", DocumentID: "d2", Kind: consent.Telehealth, VersionID: "t1", VersionNumber: 1, Title: tele.Title, TypedName: "alex rivera",
		Meaning: "consent", SignedAt: at, TextSHA256: "00", Revocation: &consent.Revocation{At: later, ByKind: "staff", ByName: "Sam Okafor, LCSW", Reason: "Said so by phone."}}
	current := sig
	current.ID, current.VersionID, current.VersionNumber, current.Countersignature = "s3", "v2", 2, nil
	docs := consentDocs([]consent.ClientDocument{
		{DocumentID: "d1", Kind: consent.KAPTreatment, Required: true, Latest: v2, Status: consent.StatusReconsent, Signature: &sig},
		{DocumentID: "d2", Kind: consent.Telehealth, Latest: tele, Status: consent.StatusRevoked, Signature: &revoked},
		{DocumentID: "d3", Kind: consent.FinancialPolicy, Required: true, Latest: tele, Status: consent.StatusNeeded},
		{DocumentID: "d4", Kind: consent.ReleaseOfInformation, Latest: tele, Status: consent.StatusCurrent, Signature: &current},
	}, false)
	client := clinic.Client{ID: "c1", LegalName: "Alex Rivera", PreferredName: "Alex"}
	reason := NewForm(nil).Input("reason-s1", "How did the client withdraw, and why?", "textarea")
	reason.Name = "reason"
	return map[string]any{
		"consent_portal": portalConsentsData{Docs: docs, History: []consent.Signature{current, revoked, sig}},
		"consent_portal_sign": consentSignData{Version: v2, Blocks: consent.Blocks(body), LegalName: "Alex Rivera", Status: consent.StatusReconsent,
			Signature: &sig, Changed: "This document was updated while you were reading it."},
		"consent_staff": staffConsentsData{Client: client, Docs: consentDocs([]consent.ClientDocument{{Kind: consent.KAPTreatment, Required: true, Latest: v2,
			Status: consent.StatusReconsent, Signature: &sig}}, true), History: []consent.Signature{sig, revoked}, Missing: []string{v2.Label()},
			CanCountersign: true, BreakGlass: true, RevokeFor: "s1", Reason: map[string]Field{"s1": reason, "s2": reason}},
		"consent_admin": adminConsentsData{adminTabs: consentTabs("/admin/consents"), Documents: []consent.Document{
			{ID: "d1", Kind: consent.KAPTreatment, Required: true, Versions: []consent.Version{draft, v2, v1}},
			{ID: "d2", Kind: consent.Telehealth, Versions: []consent.Version{tele}}}},
		"consent_admin_new":     consentDraftData{adminTabs: consentTabs("/admin/consents/new"), Kind: NewForm(nil).Select("kind", "Document", kindOptions()...), From: v2.Label()},
		"consent_admin_version": consentVersionData{adminTabs: consentTabs("/admin/consents/v3"), Version: draft, Blocks: consent.Blocks(body), Latest: &v2, Asked: 3, Next: 3},
	}
}
