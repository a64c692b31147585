package screening

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Class is how much a finding weighs.
type Class string

const (
	// Absolute: a label contraindication. The screening is blocked.
	Absolute Class = "absolute"
	// Relative: treatment may go ahead only once the prescriber has acknowledged the finding.
	Relative Class = "relative"
	// Caution: shown to the clinician; needs acknowledgement only when the rule is urgent.
	Caution Class = "caution"
)

func (c Class) rank() int {
	switch c {
	case Absolute:
		return 0
	case Relative:
		return 1
	}
	return 2
}

// Op is how a condition compares a fact.
type Op string

const (
	OpIsTrue  Op = "is_true"
	OpIsFalse Op = "is_false"
	OpGT      Op = "gt"
	OpGTE     Op = "gte"
	OpLT      Op = "lt"
	OpLTE     Op = "lte"
	OpIn      Op = "in"
)

// Condition is what a rule looks at: either one fact compared by an op, or any/all of smaller
// conditions. A number to compare against is either a fixed value or a named parameter that the
// practice may override.
type Condition struct {
	Fact  string          `json:"fact,omitempty"`
	Op    Op              `json:"op,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
	Param string          `json:"param,omitempty"`
	Any   []Condition     `json:"any,omitempty"`
	All   []Condition     `json:"all,omitempty"`
}

// Rule is one screening rule as kept in the rule file.
type Rule struct {
	ID string `json:"id"`
	Condition
	Class Class `json:"class"`
	// Urgent marks a finding that must reach a clinician at once and be acknowledged, whatever its
	// class (current suicidal thoughts).
	Urgent  bool   `json:"urgent,omitempty"`
	Message string `json:"message"`
	Source  string `json:"source"`
}

// Parameter is a threshold the practice may override. Only thresholds marked [verify] in the
// domain reference are parameters; the bounds keep a typing slip from switching a rule off.
type Parameter struct {
	Name    string  `json:"name"`
	Default float64 `json:"default"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Unit    string  `json:"unit"`
	Source  string  `json:"source"`
}

// RuleSet is a loaded, checked rule file. It can only be made by Load or Parse, so Evaluate never
// meets a rule that was not checked.
type RuleSet struct {
	version string
	params  []Parameter
	rules   []Rule
	nodes   []node
}

// Version is the rule file's version, recorded on every screening.
func (rs *RuleSet) Version() string { return rs.version }

// Rules returns a copy of the rules in file order.
func (rs *RuleSet) Rules() []Rule {
	out := make([]Rule, len(rs.rules))
	for i, r := range rs.rules {
		r.Condition = cloneCondition(r.Condition)
		out[i] = r
	}
	return out
}

// Parameters returns a copy of the overridable thresholds.
func (rs *RuleSet) Parameters() []Parameter { return slices.Clone(rs.params) }

func cloneCondition(c Condition) Condition {
	c.Value = bytes.Clone(c.Value)
	if c.Any != nil {
		anyOf := make([]Condition, len(c.Any))
		for i, sub := range c.Any {
			anyOf[i] = cloneCondition(sub)
		}
		c.Any = anyOf
	}
	if c.All != nil {
		allOf := make([]Condition, len(c.All))
		for i, sub := range c.All {
			allOf[i] = cloneCondition(sub)
		}
		c.All = allOf
	}
	return c
}

//go:embed rules.json
var ruleFiles embed.FS

// Load reads and checks the rule file shipped with holdspace.
func Load() (*RuleSet, error) {
	data, err := ruleFiles.ReadFile("rules.json")
	if err != nil {
		return nil, fmt.Errorf("screening: read rule file: %w", err)
	}
	return Parse(data)
}

type ruleFile struct {
	Version    string      `json:"version"`
	Parameters []Parameter `json:"parameters"`
	Rules      []Rule      `json:"rules"`
}

// maxDepth keeps combinations small enough for a clinician to read in the rule file.
const maxDepth = 3

// Parse checks a rule file: a version, unique rule ids, known classes, ops and facts, values that
// suit each op, every rule with a message and a source, and every parameter declared, bounded,
// cited and used. All problems are reported together so a bad file is fixed in one pass.
func Parse(data []byte) (*RuleSet, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var file ruleFile
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("screening: rule file is not valid: %w", err)
	}
	if dec.More() {
		return nil, errors.New("screening: rule file has content after the rule set")
	}

	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if strings.TrimSpace(file.Version) == "" {
		bad("rule file has no version")
	}

	params := map[string]Parameter{}
	for i, p := range file.Parameters {
		switch {
		case p.Name == "":
			bad("parameter %d has no name", i)
			continue
		case params[p.Name].Name != "":
			bad("parameter %q is declared twice", p.Name)
			continue
		}
		params[p.Name] = p
		if p.Min > p.Max || p.Default < p.Min || p.Default > p.Max {
			bad("parameter %q: default %s must lie within min %s and max %s",
				p.Name, fmtNum(p.Default), fmtNum(p.Min), fmtNum(p.Max))
		}
		if strings.TrimSpace(p.Source) == "" {
			bad("parameter %q has no source", p.Name)
		}
	}

	specs := catalogue()
	used := map[string]bool{}
	seen := map[string]bool{}
	nodes := make([]node, len(file.Rules))
	if len(file.Rules) == 0 {
		bad("rule file has no rules")
	}
	for i, r := range file.Rules {
		label := r.ID
		switch {
		case r.ID == "":
			label = fmt.Sprintf("#%d", i)
			bad("rule %s has no id", label)
		case seen[r.ID]:
			bad("rule id %q is used twice", r.ID)
		}
		seen[r.ID] = true
		switch r.Class {
		case Absolute, Relative, Caution:
		default:
			bad("rule %s: unknown class %q (want absolute, relative or caution)", label, r.Class)
		}
		if strings.TrimSpace(r.Message) == "" {
			bad("rule %s has no message", label)
		}
		if strings.TrimSpace(r.Source) == "" {
			bad("rule %s has no source", label)
		}
		n, problems := compile(r.Condition, specs, params, used, 1)
		for _, p := range problems {
			bad("rule %s: %s", label, p)
		}
		nodes[i] = n
	}
	for _, p := range file.Parameters {
		if p.Name != "" && !used[p.Name] {
			bad("parameter %q is not used by any rule", p.Name)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("screening: rule file rejected: %w", errors.Join(errs...))
	}
	return &RuleSet{version: file.Version, params: file.Parameters, rules: file.Rules, nodes: nodes}, nil
}

// node is a checked condition with its value decoded once.
type node struct {
	fact  string
	op    Op
	num   float64
	param string
	in    []string
	any   []node
	all   []node
}

func compile(c Condition, specs map[string]FactSpec, params map[string]Parameter, used map[string]bool, depth int) (node, []string) {
	leaf := c.Fact != "" || c.Op != "" || len(c.Value) > 0 || c.Param != ""
	parts := 0
	for _, present := range []bool{leaf, c.Any != nil, c.All != nil} {
		if present {
			parts++
		}
	}
	if parts != 1 {
		return node{}, []string{"a condition needs exactly one of fact/op, any, or all"}
	}
	if depth > maxDepth {
		return node{}, []string{fmt.Sprintf("conditions nest deeper than %d", maxDepth)}
	}
	if !leaf {
		subs, name := c.Any, "any"
		if c.All != nil {
			subs, name = c.All, "all"
		}
		if len(subs) == 0 {
			return node{}, []string{name + " is empty"}
		}
		var problems []string
		kids := make([]node, len(subs))
		for i, s := range subs {
			k, p := compile(s, specs, params, used, depth+1)
			kids[i] = k
			problems = append(problems, p...)
		}
		if name == "any" {
			return node{any: kids}, problems
		}
		return node{all: kids}, problems
	}

	spec, ok := specs[c.Fact]
	if !ok {
		return node{}, []string{fmt.Sprintf("unknown fact %q", c.Fact)}
	}
	n := node{fact: c.Fact, op: c.Op}
	switch c.Op {
	case OpIsTrue, OpIsFalse:
		if spec.Kind != KindBool {
			return n, []string{fmt.Sprintf("op %s needs a yes/no fact; %s is a %s", c.Op, c.Fact, spec.Kind)}
		}
		if len(c.Value) > 0 || c.Param != "" {
			return n, []string{fmt.Sprintf("op %s takes no value", c.Op)}
		}
	case OpGT, OpGTE, OpLT, OpLTE:
		if spec.Kind != KindNumber {
			return n, []string{fmt.Sprintf("op %s needs a number fact; %s is a %s", c.Op, c.Fact, spec.Kind)}
		}
		switch {
		case len(c.Value) > 0 && c.Param != "":
			return n, []string{fmt.Sprintf("op %s takes a value or a param, not both", c.Op)}
		case c.Param != "":
			if _, ok := params[c.Param]; !ok {
				return n, []string{fmt.Sprintf("unknown parameter %q", c.Param)}
			}
			used[c.Param] = true
			n.param = c.Param
		case len(c.Value) > 0:
			if err := json.Unmarshal(c.Value, &n.num); err != nil {
				return n, []string{fmt.Sprintf("op %s needs a number value, not %s", c.Op, c.Value)}
			}
		default:
			return n, []string{fmt.Sprintf("op %s needs a value or a param", c.Op)}
		}
	case OpIn:
		if spec.Kind != KindText {
			return n, []string{fmt.Sprintf("op in needs a text fact; %s is a %s", c.Fact, spec.Kind)}
		}
		if c.Param != "" {
			return n, []string{"op in takes a list value, not a param"}
		}
		if err := json.Unmarshal(c.Value, &n.in); err != nil || len(n.in) == 0 {
			return n, []string{fmt.Sprintf("op in needs a non-empty list of texts, not %s", c.Value)}
		}
		for _, v := range n.in {
			if len(spec.Values) > 0 && !slices.Contains(spec.Values, v) {
				return n, []string{fmt.Sprintf("%q is not a value %s can take (%v)", v, c.Fact, spec.Values)}
			}
		}
	default:
		return n, []string{fmt.Sprintf("unknown op %q", c.Op)}
	}
	return n, nil
}
