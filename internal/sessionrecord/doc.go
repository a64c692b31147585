// Package sessionrecord keeps the live record of one medicine session (KAP.md §1): one record
// per booked course_session of a course (internal/course), started at the bedside and signed
// and locked at the end. The rules come from internal/dosing and are only wired here: the
// dosing gate, the pre-dose checklist, the pre-dose blood pressure hold and its override, the
// prescriber's orders from the current evaluation (the client's hold, held substances,
// pre-medication, the additional-dose plan and authorisations beyond it), the dose limits and
// who may give a dose, the vitals ranges, alarms and schedule, and discharge.
//
// The faces (the room's page, the JSON API) come through Door: one method per use case, each
// deciding its action with access.Service.Do, loading the client and the record, and calling
// the function below in that one transaction, at the door's clock in the practice's zone. A
// Target names the record by its booking (the page) or by its id (the API); the decision on
// the trail names whichever is given. A signature is confirmed by the signer's password
// (access.ConfirmSigner) inside the transaction, and a wrong one goes on the trail.
//
// Every function runs inside a transaction the caller opened with access.Service.Do, with the
// action named on each function, and takes the client the record belongs to: a record of
// another client is ErrNotFound. now is the time of the action in the practice's zone (refusal
// messages show times in the zone they are given in). Ids are made here.
//
// The API, in the order a session uses it:
//
//	StartCheck(ctx, tx, clientID, courseSessionID, now) ([]dosing.Refusal, error)   ClientRead
//	Start(ctx, tx, clientID, courseSessionID, by, now) (*Record, error)              SessionRecordWrite
//	Find(ctx, tx, clientID, courseSessionID) (recordID string, err error)           ClientRead
//	Load(ctx, tx, clientID, recordID, View{StaffID, Now}) (*Record, error)           ClientRead
//	Changed(ctx, tx, recordID) (int64, error)                                        ClientRead (cheap: poll it; ChangedFor checks the client too)
//	Join(ctx, tx, clientID, recordID, by, now) error                                 SessionRecordWrite
//	SaveChecklist(ctx, tx, clientID, recordID, baseVersion, checklist, by, now)      SessionRecordWrite
//	AddReading(ctx, tx, clientID, recordID, ReadingInput, by, now) (*Reading, error) SessionRecordWrite
//	OverrideHold(ctx, tx, clientID, recordID, reason, by, now) (*Override, error)    HoldOverride
//	RecordPreMedication(ctx, tx, clientID, recordID, PreMedicationInput, by, now)    SessionRecordWrite
//	AuthoriseDose(ctx, tx, clientID, recordID, AuthorisationInput, by, now)          HoldOverride (a prescriber, like the override)
//	Administer(ctx, tx, clientID, recordID, DoseInput, by, now)                      SessionRecordWrite
//	AcknowledgeAlert(ctx, tx, clientID, recordID, alertID, action, by, now)          SessionRecordWrite
//	AddObservation / AddIntervention / AddAdverseEvent(ctx, tx, clientID, recordID, input, by, now)
//	SaveSummary(ctx, tx, clientID, recordID, text, by, now) (*Note, error)           SessionRecordWrite
//	AddProcessNote(ctx, tx, keys, clientID, recordID, text, by, now)                 ProcessNoteWrite (new note: no author yet)
//	ProcessNotes(ctx, tx, keys, clientID, recordID, authorStaffID)                   ProcessNoteRead (AuthorStaffID = the viewer)
//	Discharge(ctx, tx, clientID, recordID, DischargeInput, by, now) (*Record, error) SessionRecordWrite
//	Sign(ctx, tx, clientID, recordID, prescribing.Signer, now) (*Signature, error)  SessionRecordSign (after the password check)
//	AddAddendum(ctx, tx, clientID, recordID, text, prescribing.Signer, now)          SessionRecordSign (after the password check)
//	List(ctx, tx, clientID) ([]Overview, error)                                      ClientRead
//	SharedSummaries(ctx, tx, clientID) ([]Shared, error)                             PortalUse (signed records only)
//	(*Record).Timeline() []TimelineEntry, (*Record).Chart(now) Chart, Verify(*Record) error
//
// Refusals are *Refused (see AsRefused): Reason says invalid input or a rule (422), a save
// based on an old checklist version (ReasonStale, 409) or a signed record (ReasonLocked, 409);
// Problems say field by field what is missing and who can resolve it, and a refused dose or
// discharge carries the rule's answer with its numbers. Refused unwraps to clinic.Problems.
//
// Starting a record runs dosing.Gate for the booking's facts (readiness, consent current,
// course active, spacing, session count, the planned dose within the prescriber's maximum):
// the checklist and the pre-dose reading come after the record is open, so the first dose runs
// the whole gate again with the start step, the checklist and the hold. Starting does not mark
// the session held; discharge does, so stalls, reminders and check-ins see it.
//
// Every entry has its own id and is appended in its own transaction; each write first bumps
// the record's version, so two clinicians writing at once queue on the record's row and both
// entries are kept. Only the checklist is a document edited in place: a save names the
// version it was based on and is refused when another save came first.
//
// Process notes are sealed with the keyring (purpose "process-notes", the record and note
// ids as additional data) and are readable by their author only. The session summary is
// shared with the client (SharedSummaries) only once the record is signed; a signed record is
// visible to the whole care team at once.
//
// Pairs with internal/dosing: dosing holds the medicine-phase rules (pure);
// sessionrecord stores the session and asks them.
package sessionrecord
