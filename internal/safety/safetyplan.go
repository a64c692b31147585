package safety

import (
	"fmt"
	"strings"
	"time"
)

// The Stanley-Brown safety plan (Stanley & Brown 2012, "Safety Planning
// Intervention: A Brief Intervention to Mitigate Suicide Risk", Cognitive
// and Behavioral Practice 19:256-264; KAP.md §7). It is written with the
// client, in the client's words, and it is never a no-suicide contract.

// PlanStep identifies one part of the plan. Steps 1-6 are Stanley and
// Brown's six steps, in the order a client works through them in a crisis;
// StepWorthLivingFor is the line the template ends with.
type PlanStep int

const (
	StepWarningSigns PlanStep = iota + 1
	StepInternalCoping
	StepSocialDistraction
	StepPeopleToAsk
	StepProfessionals
	StepSafeEnvironment
	StepWorthLivingFor
)

// Key is the step's stable name, as in the JSON of a plan.
func (s PlanStep) Key() string {
	switch s {
	case StepWarningSigns:
		return "warning_signs"
	case StepInternalCoping:
		return "internal_coping"
	case StepSocialDistraction:
		return "social_distraction"
	case StepPeopleToAsk:
		return "people_to_ask"
	case StepProfessionals:
		return "professionals"
	case StepSafeEnvironment:
		return "safe_environment"
	case StepWorthLivingFor:
		return "worth_living_for"
	}
	return fmt.Sprintf("step_%d", int(s))
}

// Title is the step's heading as the client sees it.
func (s PlanStep) Title() string {
	switch s {
	case StepWarningSigns:
		return "Warning signs"
	case StepInternalCoping:
		return "Internal coping strategies"
	case StepSocialDistraction:
		return "People and social settings that provide distraction"
	case StepPeopleToAsk:
		return "People whom I can ask for help"
	case StepProfessionals:
		return "Professionals or agencies I can contact during a crisis"
	case StepSafeEnvironment:
		return "Making the environment safe"
	case StepWorthLivingFor:
		return "The one thing that is most important to me and worth living for"
	}
	return fmt.Sprintf("Step %d", int(s))
}

// PlanEntry is one line of a step. Phone is free text ("Mum, mobile
// 555-0100 after 6pm") because people write numbers every way there is.
type PlanEntry struct {
	Text  string `json:"text"`
	Phone string `json:"phone,omitempty"`
}

// SafetyPlan is the content of one version of a client's plan.
type SafetyPlan struct {
	WarningSigns      []PlanEntry `json:"warning_signs"`
	InternalCoping    []PlanEntry `json:"internal_coping"`
	SocialDistraction []PlanEntry `json:"social_distraction"`
	PeopleToAsk       []PlanEntry `json:"people_to_ask"`
	Professionals     []PlanEntry `json:"professionals"`
	SafeEnvironment   []PlanEntry `json:"safe_environment"`
	WorthLivingFor    string      `json:"worth_living_for,omitempty"`
}

// step returns the entries of one of the six steps.
func (p SafetyPlan) step(s PlanStep) []PlanEntry {
	switch s {
	case StepWarningSigns:
		return p.WarningSigns
	case StepInternalCoping:
		return p.InternalCoping
	case StepSocialDistraction:
		return p.SocialDistraction
	case StepPeopleToAsk:
		return p.PeopleToAsk
	case StepProfessionals:
		return p.Professionals
	case StepSafeEnvironment:
		return p.SafeEnvironment
	}
	return nil
}

// Tidy trims whitespace and drops blank rows (the empty lines a form
// sends), returning a copy that shares nothing with p.
func (p SafetyPlan) Tidy() SafetyPlan {
	clean := func(in []PlanEntry) []PlanEntry {
		out := []PlanEntry{}
		for _, e := range in {
			e.Text, e.Phone = strings.TrimSpace(e.Text), strings.TrimSpace(e.Phone)
			if e.Text != "" || e.Phone != "" {
				out = append(out, e)
			}
		}
		return out
	}
	return SafetyPlan{
		WarningSigns:      clean(p.WarningSigns),
		InternalCoping:    clean(p.InternalCoping),
		SocialDistraction: clean(p.SocialDistraction),
		PeopleToAsk:       clean(p.PeopleToAsk),
		Professionals:     clean(p.Professionals),
		SafeEnvironment:   clean(p.SafeEnvironment),
		WorthLivingFor:    strings.TrimSpace(p.WorthLivingFor),
	}
}

// Validate asks for at least one entry in steps 1, 2, 4 and 5: the warning
// signs that say when to use the plan, something the client can do alone,
// someone to ask for help and a professional or crisis line. Steps 3 and 6
// and the closing line may be filled in later. An entry with a phone number
// but no text is refused, because a number nobody can name is no help in a
// crisis.
func (p SafetyPlan) Validate() error {
	var empty []string
	for s := StepWarningSigns; s <= StepSafeEnvironment; s++ {
		filled := false
		for _, e := range p.step(s) {
			if strings.TrimSpace(e.Text) == "" {
				if strings.TrimSpace(e.Phone) != "" {
					return invalid(fmt.Sprintf("step %d (%s): say whose number %s is", s, s.Title(), e.Phone))
				}
				continue
			}
			filled = true
		}
		required := s == StepWarningSigns || s == StepInternalCoping || s == StepPeopleToAsk || s == StepProfessionals
		if required && !filled {
			empty = append(empty, fmt.Sprintf("step %d (%s)", s, s.Title()))
		}
	}
	if len(empty) > 0 {
		return invalid("add at least one entry to " + strings.Join(empty, ", "))
	}
	return nil
}

// PlanVersion is one saved version of a client's plan. Versions are never
// overwritten: each save adds the next one.
type PlanVersion struct {
	ClientID string     `json:"client_id"`
	Version  int        `json:"version"`
	Plan     SafetyPlan `json:"plan"`
	Author   string     `json:"author"`
	SavedAt  time.Time  `json:"saved_at"`
}

// SaveVersion returns the next version of a client's plan, to be stored
// alongside history (the client's earlier versions, in any order), which it
// does not change. The plan is tidied and validated first. It refuses a
// save without an author, history that belongs to another client, and a
// save dated before the latest version, which would make "latest"
// ambiguous.
func SaveVersion(history []PlanVersion, clientID string, p SafetyPlan, author string, at time.Time) (PlanVersion, error) {
	if strings.TrimSpace(author) == "" {
		return PlanVersion{}, invalid("say who is saving the safety plan")
	}
	latest := 0
	var latestAt time.Time
	for _, v := range history {
		if v.ClientID != clientID {
			return PlanVersion{}, invalid("the earlier versions given belong to another client")
		}
		if v.Version > latest {
			latest, latestAt = v.Version, v.SavedAt
		}
	}
	if at.Before(latestAt) {
		return PlanVersion{}, conflict(fmt.Sprintf("version %d was saved later than this save; reload the plan", latest))
	}
	p = p.Tidy()
	if err := p.Validate(); err != nil {
		return PlanVersion{}, err
	}
	return PlanVersion{ClientID: clientID, Version: latest + 1, Plan: p, Author: author, SavedAt: at}, nil
}

// ChangeKind says how an entry differs between two versions.
type ChangeKind string

const (
	ChangeAdded   ChangeKind = "added"
	ChangeRemoved ChangeKind = "removed"
	// ChangeEdited: the same entry (same text) with a different phone
	// number, or a new closing line.
	ChangeEdited ChangeKind = "edited"
)

// PlanChange is one difference between two versions of a plan.
type PlanChange struct {
	Step   PlanStep   `json:"step"`
	Key    string     `json:"key"`
	Title  string     `json:"title"`
	Kind   ChangeKind `json:"kind"`
	Before *PlanEntry `json:"before,omitempty"`
	After  *PlanEntry `json:"after,omitempty"`
}

// Diff lists what changed from a to b, step by step. Entries are matched by
// their text (ignoring case and surrounding spaces); a matched entry whose
// phone changed is edited, and an entry whose text changed shows as one
// removed and one added, which is how a clinician reads a rewritten line.
// Reordering alone is not a change. Within a step, removals come first in
// a's order, then edits and additions in b's order.
func Diff(a, b SafetyPlan) []PlanChange {
	a, b = a.Tidy(), b.Tidy()
	var out []PlanChange
	change := func(s PlanStep, k ChangeKind, before, after *PlanEntry) {
		out = append(out, PlanChange{Step: s, Key: s.Key(), Title: s.Title(), Kind: k, Before: before, After: after})
	}
	key := func(e PlanEntry) string { return strings.ToLower(e.Text) }

	for s := StepWarningSigns; s <= StepSafeEnvironment; s++ {
		before, after := a.step(s), b.step(s)
		used := make([]bool, len(before))
		// match pairs each of b's entries with an unused entry of a: an
		// identical one first, so duplicates pair off exactly, then one with
		// the same text.
		match := make([]int, len(after))
		pair := func(same func(x, y PlanEntry) bool) {
			for j := range after {
				if match[j] >= 0 {
					continue
				}
				for i := range before {
					if !used[i] && same(before[i], after[j]) {
						match[j], used[i] = i, true
						break
					}
				}
			}
		}
		for j := range match {
			match[j] = -1
		}
		pair(func(x, y PlanEntry) bool { return x == y })
		pair(func(x, y PlanEntry) bool { return key(x) == key(y) })
		for i := range before {
			if !used[i] {
				change(s, ChangeRemoved, &before[i], nil)
			}
		}
		for j := range after {
			switch i := match[j]; {
			case i < 0:
				change(s, ChangeAdded, nil, &after[j])
			case before[i] != after[j]:
				change(s, ChangeEdited, &before[i], &after[j])
			}
		}
	}
	if a.WorthLivingFor != b.WorthLivingFor {
		var before, after *PlanEntry
		if a.WorthLivingFor != "" {
			before = &PlanEntry{Text: a.WorthLivingFor}
		}
		if b.WorthLivingFor != "" {
			after = &PlanEntry{Text: b.WorthLivingFor}
		}
		kind := ChangeEdited
		switch {
		case before == nil:
			kind = ChangeAdded
		case after == nil:
			kind = ChangeRemoved
		}
		change(StepWorthLivingFor, kind, before, after)
	}
	return out
}
