package sessionrecord

import (
	"time"

	"holdspace/internal/dosing"
)

// Status is where a record stands.
type Status string

// Record statuses, in the order a session goes through them.
const (
	InProgress Status = "in_progress"
	Discharged Status = "discharged"
	Signed     Status = "signed"
)

// Label is the status in the clinic's words.
func (s Status) Label() string {
	switch s {
	case InProgress:
		return "In progress"
	case Discharged:
		return "Discharged, not yet signed"
	case Signed:
		return "Signed and locked"
	}
	return string(s)
}

// Person is a staff member as a record names them.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Record is one medicine session as recorded, with what the rules say about it now. Lists
// are oldest first. Times are in the zone of the View's Now.
type Record struct {
	ID              string       `json:"id"`
	ClientID        string       `json:"client_id"`
	CourseID        string       `json:"course_id"`
	CourseSessionID string       `json:"course_session_id"`
	SessionNumber   int          `json:"session_number"`
	Route           dosing.Route `json:"route"`
	// PlannedMg is the course's planned first dose for this session.
	PlannedMg float64 `json:"planned_mg"`
	// Limit is the prescriber's maximum for the route from the current evaluation; the zero
	// Limit when none is set (every dose is then refused).
	Limit dosing.Limit `json:"limit"`
	// SessionMaxMg is the most the session may total: the prescriber's maximum in mg, or
	// mg/kg at the latest weight, whichever is lower. No authorisation reaches past it.
	SessionMaxMg float64 `json:"session_max_mg,omitempty"`
	// Orders are the prescriber's structured conditions from the current evaluation: the
	// per-client hold, held substances, pre-medication and the additional-dose plan.
	Orders dosing.ClientConditions `json:"orders"`
	// PreDoseHold is the hold that applies to this client, the stricter of the session's
	// settings and the prescriber's (dosing.StricterHold); HoldWhose says whose it is.
	PreDoseHold    dosing.HoldThreshold `json:"pre_dose_hold"`
	HoldWhose      string               `json:"pre_dose_hold_whose"`
	PreMedications []PreMedication      `json:"premedications"`
	Authorisations []Authorisation      `json:"dose_authorisations"`
	// Givers are the clinicians of the session whose role the practice allows to give the
	// medicine by the course's route: the only people a dose may be recorded as given by.
	Givers []Giver `json:"givers"`
	// AfterAlarm says what a further dose waits for after an in-session alarm; empty when
	// nothing.
	AfterAlarm []dosing.Refusal `json:"after_alarm"`
	Weight     *dosing.Weight   `json:"weight,omitempty"`
	Status     Status           `json:"status"`
	StartedAt  time.Time        `json:"started_at"`
	// SettingsAsOf is when the medicine settings this session runs on were taken (its start);
	// nil for a record started before sessions kept their settings, which uses the current ones.
	SettingsAsOf *time.Time `json:"settings_as_of,omitempty"`
	// DischargeException is the prescriber's signed shorter observation for this client, if any.
	DischargeException *DischargeException `json:"discharge_exception,omitempty"`
	// Settings are the numbers this session runs on (the snapshot, with the client's discharge
	// exception), for pages that show them.
	Settings  dosing.Settings `json:"-"`
	StartedBy Person          `json:"started_by"`
	// Version goes up with every write to the record; see Changed.
	Version    int64       `json:"version"`
	Clinicians []Clinician `json:"clinicians"`
	// Checklist is the latest saved version, nil before the first save.
	Checklist     *Checklist       `json:"checklist,omitempty"`
	Readings      []Reading        `json:"readings"`
	Doses         []Administration `json:"doses"`
	Overrides     []Override       `json:"hold_overrides"`
	Alerts        []Alert          `json:"alerts"`
	Observations  []Event          `json:"observations"`
	Interventions []Event          `json:"interventions"`
	AdverseEvents []Event          `json:"adverse_events"`
	// Summary is the latest session summary, nil when none is written.
	Summary *Note `json:"summary,omitempty"`
	// ProcessNotes lists the viewer's own process notes without their text (see ProcessNotes
	// for the text); other clinicians' process notes are not listed.
	ProcessNotes []ProcessNoteRef `json:"process_notes"`
	Discharge    *DischargeRecord `json:"discharge,omitempty"`
	Signature    *Signature       `json:"signature,omitempty"`
	Addenda      []Addendum       `json:"addenda"`

	// What the rules say as of the View's Now.
	Hold HoldState `json:"hold"`
	// ChecklistGaps are the checklist's unmet items (dosing.CheckChecklist), empty when
	// complete.
	ChecklistGaps []dosing.Refusal `json:"checklist_gaps"`
	// GivenMg is the total given so far.
	GivenMg float64 `json:"given_mg"`
	// NextReading is when vitals are next due: set after the first dose until discharge.
	NextReading *dosing.NextReading `json:"next_reading,omitempty"`
	// DischargeCheck is the discharge checklist as the recorded facts stand (the bedside facts
	// taken as not yet confirmed), set after the first dose until discharge.
	DischargeCheck *dosing.DischargeCheck `json:"discharge_check,omitempty"`
	// OpenAlerts counts alerts not yet acknowledged.
	OpenAlerts int `json:"open_alerts"`

	ranges dosing.Ranges
}

// Locked reports whether the record is signed: only addenda may be added.
func (r *Record) Locked() bool { return r.Signature != nil }

// FirstDoseAt is the time of the first dose, zero before it.
func (r *Record) FirstDoseAt() time.Time {
	if len(r.Doses) == 0 {
		return time.Time{}
	}
	return r.Doses[0].GivenAt
}

// Baseline is the pre-dose reading: the latest before the first dose (or the latest so far
// when nothing is given yet) with a blood pressure, else the latest without; nil when none.
func (r *Record) Baseline() *Reading {
	first := r.FirstDoseAt()
	var withBP, latest *Reading
	for i := range r.Readings {
		rd := &r.Readings[i]
		if !first.IsZero() && rd.TakenAt.After(first) {
			continue
		}
		if latest == nil || !rd.TakenAt.Before(latest.TakenAt) {
			latest = rd
		}
		if rd.Systolic != nil && rd.Diastolic != nil && (withBP == nil || !rd.TakenAt.Before(withBP.TakenAt)) {
			withBP = rd
		}
	}
	if withBP != nil {
		return withBP
	}
	return latest
}

// Clinician is someone present in the session.
type Clinician struct {
	Person
	JoinedAt time.Time `json:"joined_at"`
}

// Checklist is one saved version of the pre-dose checklist.
type Checklist struct {
	dosing.PreDoseChecklist
	Version int64     `json:"version"`
	SavedBy Person    `json:"saved_by"`
	SavedAt time.Time `json:"saved_at"`
}

// ReadingInput is a set of vitals as entered. Nil measures were not taken. A zero TakenAt
// means now.
type ReadingInput struct {
	TakenAt         time.Time `json:"taken_at,omitzero"`
	Systolic        *int      `json:"systolic,omitempty"`
	Diastolic       *int      `json:"diastolic,omitempty"`
	HeartRate       *int      `json:"heart_rate,omitempty"`
	SpO2            *int      `json:"spo2,omitempty"`
	RespiratoryRate *int      `json:"respiratory_rate,omitempty"`
}

// Reading is one stored set of vitals with how it compares with the practice's ranges.
type Reading struct {
	ID      string    `json:"id"`
	TakenAt time.Time `json:"taken_at"`
	// PreDose: taken before the first dose.
	PreDose         bool                   `json:"pre_dose"`
	Systolic        *int                   `json:"systolic,omitempty"`
	Diastolic       *int                   `json:"diastolic,omitempty"`
	HeartRate       *int                   `json:"heart_rate,omitempty"`
	SpO2            *int                   `json:"spo2,omitempty"`
	RespiratoryRate *int                   `json:"respiratory_rate,omitempty"`
	Status          dosing.VitalStatus     `json:"status"`
	Measures        []dosing.MeasureStatus `json:"measures"`
	By              Person                 `json:"recorded_by"`
	// AlertID is the alert this reading raised, when it crossed an alarm
	// threshold: what whoever recorded it acknowledges next. Set only on
	// the answer to recording it.
	AlertID string `json:"alert_id,omitempty"`
}

// Dosing is the reading as the dosing rules take it.
func (r Reading) Dosing() dosing.Reading {
	return dosing.Reading{At: r.TakenAt, Systolic: r.Systolic, Diastolic: r.Diastolic, HeartRate: r.HeartRate, SpO2: r.SpO2, RespiratoryRate: r.RespiratoryRate}
}

// Flag is the status of one measure of the reading, "" when it was not taken; for pages that
// highlight a cell.
func (r Reading) Flag(m dosing.Measure) dosing.VitalStatus {
	for _, s := range r.Measures {
		if s.Measure == m {
			return s.Status
		}
	}
	return ""
}

// HoldState is the pre-dose hold as it stands: Held while the latest pre-dose reading is at
// or above the practice's threshold and no prescriber has overridden it since. Before any
// reading nothing is held (the first dose still needs a reading).
type HoldState struct {
	Held    bool   `json:"held"`
	Message string `json:"message,omitempty"`
	// Overridden is the override that lets dosing go ahead despite the reading.
	Overridden *Override `json:"overridden,omitempty"`
}

// Override is a prescriber's decision to dose despite a hold.
type Override struct {
	ID     string    `json:"id"`
	By     Person    `json:"by"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// DoseInput is a dose as entered. Route empty means the course's route; GivenAt zero means
// now; GivenBy empty means whoever records it.
type DoseInput struct {
	Product  string       `json:"product"`
	Strength string       `json:"strength"`
	Lot      string       `json:"lot"`
	Route    dosing.Route `json:"route,omitempty"`
	DoseMg   float64      `json:"dose_mg"`
	GivenAt  time.Time    `json:"given_at,omitzero"`
	GivenBy  string       `json:"given_by,omitempty"`
}

// Administration is one dose given.
type Administration struct {
	ID         string       `json:"id"`
	Product    string       `json:"product"`
	Strength   string       `json:"strength"`
	Lot        string       `json:"lot"`
	Route      dosing.Route `json:"route"`
	DoseMg     float64      `json:"dose_mg"`
	WeightKg   float64      `json:"weight_kg,omitempty"`
	MgPerKg    float64      `json:"mg_per_kg,omitempty"`
	GivenAt    time.Time    `json:"given_at"`
	GivenBy    Person       `json:"given_by"`
	Additional bool         `json:"additional"`
	RecordedBy Person       `json:"recorded_by"`
}

// Alert is raised by a reading beyond an alarm threshold and stays open until acknowledged.
type Alert struct {
	ID             string    `json:"id"`
	ReadingID      string    `json:"reading_id"`
	Message        string    `json:"message"`
	RaisedAt       time.Time `json:"raised_at"`
	Open           bool      `json:"open"`
	AcknowledgedBy *Person   `json:"acknowledged_by,omitempty"`
	AcknowledgedAt time.Time `json:"acknowledged_at,omitzero"`
	ActionTaken    string    `json:"action_taken,omitempty"`
}

// Category is the kind of a dated entry.
type Category string

// Entry categories.
const (
	CategoryObservation  Category = "observation"
	CategoryIntervention Category = "intervention"
	CategoryAdverseEvent Category = "adverse_event"
	categoryOverride     Category = "hold_override"
)

// ObservationKind is what was observed (KAP.md §1 Adverse effects).
type ObservationKind string

// Observation kinds; Other needs a description.
const (
	Dissociation ObservationKind = "dissociation"
	Nausea       ObservationKind = "nausea"
	Anxiety      ObservationKind = "anxiety"
	Other        ObservationKind = "other"
)

// ObservationKinds lists the kinds in the order forms show them.
func ObservationKinds() []ObservationKind {
	return []ObservationKind{Dissociation, Nausea, Anxiety, Other}
}

// Label is the kind in the clinic's words.
func (k ObservationKind) Label() string {
	switch k {
	case Dissociation:
		return "Dissociation"
	case Nausea:
		return "Nausea"
	case Anxiety:
		return "Anxiety"
	case Other:
		return "Other"
	}
	return string(k)
}

// Severity grades an observation or adverse event.
type Severity string

// Severities.
const (
	Mild     Severity = "mild"
	Moderate Severity = "moderate"
	Severe   Severity = "severe"
)

// Severities lists them in order.
func Severities() []Severity { return []Severity{Mild, Moderate, Severe} }

// ObservationInput is an observation as entered; At zero means now.
type ObservationInput struct {
	Kind     ObservationKind `json:"kind"`
	Severity Severity        `json:"severity"`
	Text     string          `json:"text,omitempty"`
	At       time.Time       `json:"at,omitzero"`
}

// InterventionInput is an intervention as entered, such as "ondansetron 4 mg sublingual";
// At zero means now.
type InterventionInput struct {
	Text string    `json:"text"`
	At   time.Time `json:"at,omitzero"`
}

// AdverseEventInput is an adverse event as entered; At zero means now.
type AdverseEventInput struct {
	Description string    `json:"description"`
	Severity    Severity  `json:"severity"`
	Outcome     string    `json:"outcome"`
	FollowUp    string    `json:"follow_up,omitempty"`
	At          time.Time `json:"at,omitzero"`
}

// Event is a stored observation, intervention or adverse event. Kind and Severity are set
// for observations (and Severity for adverse events); Outcome and FollowUp for adverse events.
type Event struct {
	ID          string          `json:"id"`
	Category    Category        `json:"category"`
	Kind        ObservationKind `json:"kind,omitempty"`
	Severity    Severity        `json:"severity,omitempty"`
	Description string          `json:"description"`
	Outcome     string          `json:"outcome,omitempty"`
	FollowUp    string          `json:"follow_up,omitempty"`
	At          time.Time       `json:"at"`
	By          Person          `json:"by"`
}

// Note is a saved session summary.
type Note struct {
	ID     string    `json:"id"`
	Text   string    `json:"text"`
	Author Person    `json:"author"`
	At     time.Time `json:"at"`
}

// ProcessNoteRef names a process note without its text.
type ProcessNoteRef struct {
	ID     string    `json:"id"`
	Author Person    `json:"author"`
	At     time.Time `json:"at"`
}

// ProcessNote is a process note opened for its author.
type ProcessNote struct {
	ProcessNoteRef
	Text string `json:"text"`
}

// DischargeInput is what the clinician confirms at the bedside.
type DischargeInput struct {
	AlertAndOriented bool `json:"alert_and_oriented"`
	WalkingSteadily  bool `json:"walking_steadily"`
	EscortPresent    bool `json:"escort_present"`
	AftercareGiven   bool `json:"aftercare_given"`
}

// DischargeRecord is the recorded discharge with the checklist as it stood.
type DischargeRecord struct {
	DischargeInput
	At    time.Time             `json:"at"`
	By    Person                `json:"by"`
	Check dosing.DischargeCheck `json:"check"`
}

// Meaning is what a signature on the record means.
type Meaning string

// Meanings of signatures.
const (
	MeaningAuthor   Meaning = "author: I attest this record of the medicine session is accurate and complete"
	MeaningAddendum Meaning = "addendum: I add this to the signed record"
)

// Signature signs the record: who, their printed name, when, what it means, and the SHA-256
// of the canonical content.
type Signature struct {
	SignerID   string    `json:"signer_id"`
	SignerName string    `json:"signer_name"`
	SignedAt   time.Time `json:"signed_at"`
	Meaning    Meaning   `json:"meaning"`
	Hash       string    `json:"sha256"`
}

// Addendum is text added to a signed record, signed on its own and bound to the record's
// hash.
type Addendum struct {
	ID         string `json:"id"`
	RecordHash string `json:"record_sha256"`
	Text       string `json:"text"`
	Signature  `json:"signature"`
}

// TimelineEntry is one line of the record in time order.
type TimelineEntry struct {
	At time.Time `json:"at"`
	// Kind: started, joined, checklist, reading, hold_override, premedication,
	// dose_authorisation, dose, alert,
	// alert_acknowledged, observation, intervention, adverse_event, summary, discharge,
	// signature, addendum.
	Kind string `json:"kind"`
	Text string `json:"text"`
	By   Person `json:"by"`
	// Flag is "alarm", "out_of_range" or "" for pages that colour a line.
	Flag string `json:"flag,omitempty"`
	// ID is the entry's own id.
	ID string `json:"id"`
}

// Chart is what an SVG chart of the session needs: the readings and the dose times, plain.
type Chart struct {
	From     time.Time    `json:"from"`
	To       time.Time    `json:"to"`
	Readings []ChartPoint `json:"readings"`
	Doses    []ChartDose  `json:"doses"`
	// Ranges are the practice's normal ranges, for shading.
	Ranges dosing.Ranges `json:"ranges"`
}

// ChartPoint is one reading on the chart; 0 means not taken.
type ChartPoint struct {
	At              time.Time          `json:"at"`
	Systolic        int                `json:"systolic,omitempty"`
	Diastolic       int                `json:"diastolic,omitempty"`
	HeartRate       int                `json:"heart_rate,omitempty"`
	SpO2            int                `json:"spo2,omitempty"`
	RespiratoryRate int                `json:"respiratory_rate,omitempty"`
	Status          dosing.VitalStatus `json:"status"`
}

// ChartDose marks a dose on the chart.
type ChartDose struct {
	At time.Time `json:"at"`
	Mg float64   `json:"mg"`
}

// Overview is one record in a client's list of medicine sessions.
type Overview struct {
	ID              string    `json:"id"`
	CourseID        string    `json:"course_id"`
	CourseSessionID string    `json:"course_session_id"`
	SessionNumber   int       `json:"session_number"`
	StartedAt       time.Time `json:"started_at"`
	Status          Status    `json:"status"`
	DischargedAt    time.Time `json:"discharged_at,omitzero"`
	SignedAt        time.Time `json:"signed_at,omitzero"`
	SignerName      string    `json:"signer_name,omitempty"`
}

// Shared is a signed session summary as the client sees it in the portal: no process notes,
// no vitals, only what the clinician wrote for them.
type Shared struct {
	RecordID      string    `json:"record_id"`
	SessionNumber int       `json:"session_number"`
	SessionDate   time.Time `json:"session_date"`
	Summary       string    `json:"summary"`
	SignedBy      string    `json:"signed_by"`
	SignedAt      time.Time `json:"signed_at"`
}
