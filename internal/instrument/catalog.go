package instrument

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

//go:embed defs/*.json
var defsFS embed.FS

// Catalog holds every instrument definition shipped with holdspace.
// Definitions are shared: callers must treat them as read-only.
type Catalog struct {
	byCode map[string]*Definition
	all    []*Definition
}

// Load parses and checks every embedded definition. Call it once at start
// and pass the catalog down; a definition that breaks a rule is a build
// defect, so Load refuses the whole catalog rather than serve half of it.
func Load() (*Catalog, error) {
	return loadFS(defsFS, "defs")
}

func loadFS(fsys fs.FS, dir string) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("instrument: reading definitions: %w", err)
	}
	c := &Catalog{byCode: map[string]*Definition{}}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		raw, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("instrument: reading %s: %w", e.Name(), err)
		}
		def, err := parseDefinition(raw)
		if err != nil {
			return nil, fmt.Errorf("instrument: %s: %w", e.Name(), err)
		}
		if _, dup := c.byCode[def.Code]; dup {
			return nil, fmt.Errorf("instrument: %s: code %q defined twice", e.Name(), def.Code)
		}
		c.byCode[def.Code] = def
		c.all = append(c.all, def)
	}
	slices.SortFunc(c.all, func(a, b *Definition) int { return strings.Compare(a.Code, b.Code) })
	return c, nil
}

// Get returns the definition with the given code.
func (c *Catalog) Get(code string) (*Definition, bool) {
	d, ok := c.byCode[code]
	return d, ok
}

// All returns every definition, ordered by code.
func (c *Catalog) All() []*Definition {
	return slices.Clone(c.all)
}

func parseDefinition(raw []byte) (*Definition, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	// A misspelt field would silently drop a rule; refuse it instead.
	dec.DisallowUnknownFields()
	var d Definition
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if err := d.resolve(); err != nil {
		return nil, err
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return &d, nil
}

// resolve copies shared option sets into items and builds the item index.
func (d *Definition) resolve() error {
	d.itemIndex = make(map[string]*Item, len(d.Items))
	for i := range d.Items {
		it := &d.Items[i]
		if it.OptionSet != "" {
			if len(it.Options) > 0 {
				return fmt.Errorf("item %s: has both option_set and options", it.ID)
			}
			set, ok := d.OptionSets[it.OptionSet]
			if !ok {
				return fmt.Errorf("item %s: unknown option_set %q", it.ID, it.OptionSet)
			}
			it.Options = slices.Clone(set)
		}
		if it.ID == "" {
			return fmt.Errorf("item %d: empty id", i+1)
		}
		if _, dup := d.itemIndex[it.ID]; dup {
			return fmt.Errorf("item id %q used twice", it.ID)
		}
		d.itemIndex[it.ID] = it
	}
	return nil
}

// check enforces the rules every definition must keep, so the scoring
// engine can trust the data it is given.
func (d *Definition) check() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if d.Code == "" || d.Name == "" || d.ShortName == "" || d.Version == "" {
		bad("code, name, short_name and version are required")
	}
	if d.Source == "" || d.Licence.Text == "" {
		bad("source and licence text are required")
	}
	if d.CompletedBy != CompletedByClient && d.CompletedBy != CompletedByClinician {
		bad("completed_by must be %q or %q", CompletedByClient, CompletedByClinician)
	}
	if !d.Licence.ItemsShippable && !d.TotalOnly {
		bad("licence forbids shipping items, so the instrument must be total_only")
	}
	if d.TotalOnly {
		if len(d.Items) > 0 {
			bad("total_only instruments must carry no items")
		}
		if d.Total == nil {
			bad("total_only instruments need a total range")
		}
	} else if len(d.Items) == 0 {
		bad("instrument has no items")
	}

	for _, it := range d.Items {
		d.checkItem(it, bad)
	}
	d.checkTotal(bad)
	d.checkBands(bad)
	for _, c := range d.CriticalItems {
		d.checkCondition("critical item", c.Condition, bad)
		if c.Message == "" {
			bad("critical item %s: message is required", c.Item)
		}
	}
	d.checkClusters(bad)
	d.checkRisk(bad)
	d.checkRules(bad)

	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

func (d *Definition) checkItem(it Item, bad func(string, ...any)) {
	if it.Text == "" {
		bad("item %s: text is required", it.ID)
	}
	if len(it.Options) == 0 {
		bad("item %s: no options", it.ID)
	}
	seen := map[int]bool{}
	for _, o := range it.Options {
		if seen[o.Value] {
			bad("item %s: option value %d used twice", it.ID, o.Value)
		}
		seen[o.Value] = true
		if o.Label == "" {
			bad("item %s: option %d has no label", it.ID, o.Value)
		}
	}
	if it.ShowIf != nil {
		d.checkCondition("item "+it.ID+" show_if", *it.ShowIf, bad)
		if it.ShowIf.Item == it.ID {
			bad("item %s: show_if refers to itself", it.ID)
		} else if d.indexOf(it.ShowIf.Item) > d.indexOf(it.ID) {
			// The condition must be answerable before the item is shown.
			bad("item %s: show_if refers to a later item", it.ID)
		}
	}
}

func (d *Definition) indexOf(id string) int {
	for i, it := range d.Items {
		if it.ID == id {
			return i
		}
	}
	return -1
}

func (d *Definition) checkCondition(what string, c Condition, bad func(string, ...any)) {
	it, ok := d.itemIndex[c.Item]
	if !ok {
		bad("%s: unknown item %q", what, c.Item)
		return
	}
	lo, hi := it.valueRange()
	if c.AtLeast <= lo || c.AtLeast > hi {
		// A threshold at or below the lowest answer would always hold, and
		// one above the highest never would: both are data errors.
		bad("%s: at_least %d must be above %d and at most %d", what, c.AtLeast, lo, hi)
	}
}

// checkTotal insists the declared total range is what the items add up to,
// so a typo in max cannot shift every band.
func (d *Definition) checkTotal(bad func(string, ...any)) {
	if d.Total == nil {
		if len(d.Bands) > 0 || d.Response != nil || d.Remission != nil || d.Meaningful != nil {
			bad("bands, response, remission and meaningful_change need a total")
		}
		return
	}
	if d.Total.Min > d.Total.Max {
		bad("total range %d–%d is reversed", d.Total.Min, d.Total.Max)
	}
	if d.TotalOnly {
		return
	}
	lo, hi := 0, 0
	for _, it := range d.Items {
		if it.NotScored {
			continue
		}
		l, h := it.valueRange()
		lo, hi = lo+l, hi+h
	}
	if lo != d.Total.Min || hi != d.Total.Max {
		bad("total range %d–%d does not match the items (%d–%d)", d.Total.Min, d.Total.Max, lo, hi)
	}
}

// checkBands insists bands tile the total range exactly: no gaps, no
// overlaps, in order.
func (d *Definition) checkBands(bad func(string, ...any)) {
	if d.Total == nil {
		return
	}
	if len(d.Bands) == 0 {
		bad("an instrument with a total needs severity bands")
		return
	}
	next := d.Total.Min
	for _, b := range d.Bands {
		if b.Label == "" {
			bad("band %d–%d has no label", b.Min, b.Max)
		}
		if b.Min != next {
			bad("band %q starts at %d, expected %d", b.Label, b.Min, next)
		}
		if b.Max < b.Min {
			bad("band %q is reversed", b.Label)
		}
		next = b.Max + 1
	}
	if next != d.Total.Max+1 {
		bad("bands end at %d, total max is %d", next-1, d.Total.Max)
	}
}

func (d *Definition) checkClusters(bad func(string, ...any)) {
	inCluster := map[string]string{}
	for _, c := range d.Clusters {
		if c.ID == "" || c.Name == "" || len(c.Items) == 0 {
			bad("cluster %q needs id, name and items", c.ID)
		}
		for _, id := range c.Items {
			if _, ok := d.itemIndex[id]; !ok {
				bad("cluster %s: unknown item %q", c.ID, id)
			}
			if other, dup := inCluster[id]; dup {
				bad("item %s is in clusters %s and %s", id, other, c.ID)
			}
			inCluster[id] = c.ID
		}
		if c.MinSymptoms < 0 || c.MinSymptoms > len(c.Items) {
			bad("cluster %s: min_symptoms %d out of range", c.ID, c.MinSymptoms)
		}
	}
	if dg := d.Diagnosis; dg != nil {
		if len(d.Clusters) == 0 || d.Total == nil {
			bad("provisional_diagnosis needs clusters and a total")
		} else {
			if dg.CutPoint < dg.CutPointRange.Min || dg.CutPoint > dg.CutPointRange.Max {
				bad("provisional_diagnosis: cut point %d outside its range %d–%d", dg.CutPoint, dg.CutPointRange.Min, dg.CutPointRange.Max)
			}
			if dg.CutPoint <= d.Total.Min || dg.CutPoint > d.Total.Max {
				bad("provisional_diagnosis: cut point %d outside the total range", dg.CutPoint)
			}
		}
		if dg.Combine != "either" && dg.Combine != "both" {
			bad("provisional_diagnosis: combine must be \"either\" or \"both\"")
		}
		if dg.Label == "" || dg.Source == "" {
			bad("provisional_diagnosis: label and source are required")
		}
	}
}

func (d *Definition) checkRisk(bad func(string, ...any)) {
	r := d.Risk
	if r == nil {
		return
	}
	names := map[string]bool{r.Default: true}
	if r.Default == "" || len(r.Levels) == 0 || r.Source == "" {
		bad("risk needs a default, levels and a source")
	}
	for _, l := range r.Levels {
		if l.Level == "" || len(l.WhenAny) == 0 {
			bad("risk level %q needs a name and conditions", l.Level)
		}
		if names[l.Level] {
			bad("risk level %q listed twice", l.Level)
		}
		names[l.Level] = true
		for _, c := range l.WhenAny {
			d.checkCondition("risk level "+l.Level, c, bad)
		}
	}
	for _, s := range r.SafetyLevels {
		if !names[s] {
			bad("risk safety level %q is not a level", s)
		}
	}
}

func (d *Definition) checkRules(bad func(string, ...any)) {
	m := d.Missing
	if m.Source == "" {
		bad("missing: source is required (cite the rule or say why scoring is refused)")
	}
	if m.MaxProrated < 0 {
		bad("missing: max_prorated cannot be negative")
	}
	if m.MaxProrated > 0 && (d.Total == nil || len(d.Clusters) > 0 || d.Risk != nil) {
		// Proration guesses a total; it must never guess a cluster count
		// or a triage level.
		bad("missing: proration is only allowed for a plain total")
	}
	if scored := d.scoredItems(); m.MaxProrated > 0 && m.MaxProrated >= scored {
		bad("missing: max_prorated %d leaves no answered item among %d", m.MaxProrated, scored)
	}
	for _, id := range m.NeverProrated {
		if _, ok := d.itemIndex[id]; !ok {
			bad("missing: unknown never_prorated item %q", id)
		}
	}
	if r := d.Response; r != nil && (r.MinReductionPercent <= 0 || r.MinReductionPercent > 100 || r.Source == "") {
		bad("response: min_reduction_percent must be 1–100 with a source")
	}
	if r := d.Remission; r != nil && (d.Total == nil || r.Below <= d.Total.Min || r.Below > d.Total.Max || r.Source == "") {
		bad("remission: below must lie inside the total range, with a source")
	}
	if r := d.Meaningful; r != nil && (r.Points <= 0 || r.Source == "") {
		bad("meaningful_change: points must be positive, with a source")
	}
}

func (d *Definition) scoredItems() int {
	n := 0
	for _, it := range d.Items {
		if !it.NotScored {
			n++
		}
	}
	return n
}
