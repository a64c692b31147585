package instrument

// Who fills an instrument in. The clinic records it so a client-facing form
// is never offered for a clinician-rated scale.
const (
	CompletedByClient    = "client"
	CompletedByClinician = "clinician"
)

// Definition is one measurement instrument as data: its wording, codes,
// licence and every rule the scoring engine needs. Nothing about a single
// instrument lives in Go code; adding an instrument is adding a JSON file.
type Definition struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"`
	// Version changes whenever wording, bands or rules change, so a stored
	// result can name the rules that produced it.
	Version string  `json:"version"`
	Licence Licence `json:"licence"`
	// Source cites the original publication of the form.
	Source       string `json:"source"`
	CompletedBy  string `json:"completed_by"`
	RecallPeriod string `json:"recall_period"`
	Instructions string `json:"instructions"`
	LOINC        Codes  `json:"loinc"`

	// TotalOnly instruments are copyrighted: holdspace keeps no items and
	// records only the total a clinician scored on the licensed form.
	TotalOnly bool `json:"total_only"`
	// Total is nil for instruments that give no total (the C-SSRS screener
	// triages to a risk level instead).
	Total *Range `json:"total,omitempty"`

	// OptionSets lets items share one answer scale in the data file; Load
	// copies the set into each item's Options.
	OptionSets map[string][]Option `json:"option_sets,omitempty"`
	Items      []Item              `json:"items,omitempty"`

	Bands      []Band `json:"bands,omitempty"`
	BandSource string `json:"band_source,omitempty"`

	CriticalItems []CriticalItem  `json:"critical_items,omitempty"`
	Clusters      []Cluster       `json:"clusters,omitempty"`
	Diagnosis     *DiagnosisRule  `json:"provisional_diagnosis,omitempty"`
	Risk          *RiskRule       `json:"risk,omitempty"`
	Missing       MissingRule     `json:"missing"`
	Response      *ResponseRule   `json:"response,omitempty"`
	Remission     *RemissionRule  `json:"remission,omitempty"`
	Meaningful    *MeaningfulRule `json:"meaningful_change,omitempty"`
	Notes         []string        `json:"notes,omitempty"`

	itemIndex map[string]*Item
}

// Licence says under what terms the instrument is used and, decisively,
// whether its items may be shipped inside holdspace.
type Licence struct {
	Text           string `json:"text"`
	ItemsShippable bool   `json:"items_shippable"`
}

// Codes are the LOINC codes for the whole form and its total score.
type Codes struct {
	Panel string `json:"panel,omitempty"`
	Total string `json:"total,omitempty"`
}

// Range is an inclusive span of whole-number scores.
type Range struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Item is one question with its exact published wording.
type Item struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Text   string `json:"text"`
	// Help holds published prompts or examples shown with the item.
	Help         string     `json:"help,omitempty"`
	RecallPeriod string     `json:"recall_period,omitempty"`
	LOINC        string     `json:"loinc,omitempty"`
	OptionSet    string     `json:"option_set,omitempty"`
	Options      []Option   `json:"options"`
	ShowIf       *Condition `json:"show_if,omitempty"`
	// NotScored items (the PHQ-9 difficulty question) are asked but do not
	// count toward the total.
	NotScored bool `json:"not_scored,omitempty"`
	// Optional items may be left blank without counting as missing.
	Optional bool `json:"optional,omitempty"`
}

// Option is one allowed answer.
type Option struct {
	Value int    `json:"value"`
	Label string `json:"label"`
	LOINC string `json:"loinc,omitempty"`
}

// Condition holds when the named item was answered with at least the given
// value. One shape serves adaptive display, critical items and triage.
type Condition struct {
	Item    string `json:"item"`
	AtLeast int    `json:"at_least"`
}

// Band is a severity band over the total, inclusive at both ends.
type Band struct {
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Label string `json:"label"`
}

// CriticalItem names an answer that is a safety event and must reach a
// clinician whatever the total says.
type CriticalItem struct {
	Condition
	Message string `json:"message"`
}

// Cluster is a symptom cluster scored as a subtotal (PCL-5 B–E).
type Cluster struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Items []string `json:"items"`
	// MinSymptoms is how many items in the cluster must count as symptoms
	// for the provisional-diagnosis symptom rule.
	MinSymptoms int `json:"min_symptoms"`
}

// DiagnosisRule is a provisional-diagnosis rule: a symptom-count rule over
// the clusters, a total cut point, or both.
type DiagnosisRule struct {
	Label string `json:"label"`
	// SymptomAtLeast is the item rating that counts as a symptom.
	SymptomAtLeast int `json:"symptom_at_least"`
	CutPoint       int `json:"cut_point"`
	// CutPointRange records the span the literature supports, so a practice
	// can see why the default was chosen.
	CutPointRange Range `json:"cut_point_range"`
	// Combine is "either" (met by either method) or "both".
	Combine string `json:"combine"`
	Source  string `json:"source"`
}

// RiskRule triages answers into ordered risk levels. The first level whose
// conditions match wins, so levels are listed highest first.
type RiskRule struct {
	LOINC   string      `json:"loinc,omitempty"`
	Default string      `json:"default"`
	Levels  []RiskLevel `json:"levels"`
	// SafetyLevels are the levels that make the result a safety event.
	SafetyLevels []string `json:"safety_levels"`
	Source       string   `json:"source"`
}

// RiskLevel is met when any of its conditions holds.
type RiskLevel struct {
	Level   string      `json:"level"`
	WhenAny []Condition `json:"when_any"`
}

// MissingRule is the published rule for unanswered items. MaxProrated 0
// means any missing item stops scoring.
type MissingRule struct {
	MaxProrated int `json:"max_prorated"`
	// NeverProrated items must always be answered (a safety item cannot be
	// guessed from the others).
	NeverProrated []string `json:"never_prorated,omitempty"`
	Source        string   `json:"source"`
}

// ResponseRule: response is a reduction from baseline of at least this
// percentage.
type ResponseRule struct {
	MinReductionPercent int    `json:"min_reduction_percent"`
	Source              string `json:"source"`
}

// RemissionRule: remission is a current total strictly below Below.
type RemissionRule struct {
	Below  int    `json:"below"`
	Source string `json:"source"`
}

// MeaningfulRule: a change of at least Points in either direction is
// clinically meaningful.
type MeaningfulRule struct {
	Points int    `json:"points"`
	Source string `json:"source"`
}

// Item returns the item with the given id.
func (d *Definition) Item(id string) (*Item, bool) {
	it, ok := d.itemIndex[id]
	return it, ok
}

// option returns the option with the given value.
func (it *Item) option(value int) (Option, bool) {
	for _, o := range it.Options {
		if o.Value == value {
			return o, true
		}
	}
	return Option{}, false
}

// valueRange is the lowest and highest allowed answer.
func (it *Item) valueRange() (lo, hi int) {
	for i, o := range it.Options {
		if i == 0 || o.Value < lo {
			lo = o.Value
		}
		if i == 0 || o.Value > hi {
			hi = o.Value
		}
	}
	return lo, hi
}

// bandFor returns the label of the band holding total.
func (d *Definition) bandFor(total int) string {
	for _, b := range d.Bands {
		if total >= b.Min && total <= b.Max {
			return b.Label
		}
	}
	return ""
}
