package measure

import (
	"fmt"
	"strings"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/instrument"
	"holdspace/internal/safety"
)

// An adaptive questionnaire (the C-SSRS screener) asks some questions only
// after a given answer to an earlier one: question 3 to 5 only after a yes
// to question 2, "in the past 3 months" only after a yes to question 6.
// An answer to a question that was not due can still be a yes to suicidal
// intent, a plan or behaviour that the client gave. It is never thrown
// away: the API refuses the inconsistent set and still raises the alert;
// the portal keeps it and raises the alert for a clinician to read.

// notDueAnswer is an answer to an item the definition would not have
// asked after the answers before it.
type notDueAnswer struct {
	item  *instrument.Item
	value int
	after *instrument.Item
}

// notDue lists the answers given to items that were not due, in the
// definition's order.
func notDue(def *instrument.Definition, answers map[string]int) []notDueAnswer {
	visible := Visible(def, answers)
	var out []notDueAnswer
	for i := range def.Items {
		it := &def.Items[i]
		v, given := answers[it.ID]
		if !given || it.ShowIf == nil {
			continue
		}
		if _, shown := visible[it.ID]; shown {
			continue
		}
		after, _ := def.Item(it.ShowIf.Item)
		out = append(out, notDueAnswer{item: it, value: v, after: after})
	}
	return out
}

// NotDueError refuses a set of answers that answers a question before the
// answer it is asked after. Trigger, when not nil, is the alert the
// refused answers still call for: the caller raises it in a transaction
// of its own, since the refusal rolls the response back.
type NotDueError struct {
	Problems clinic.Problems
	Trigger  *safety.Trigger
}

func (e *NotDueError) Error() string { return e.Problems.Error() }

// Unwrap lets the problems be found as clinic.Problems, for the fields.
func (e *NotDueError) Unwrap() error { return e.Problems }

func notDueProblems(def *instrument.Definition, nd []notDueAnswer, answers map[string]int) clinic.Problems {
	var ps clinic.Problems
	for _, a := range nd {
		cond := a.item.ShowIf
		earlier := "no answer"
		if v, ok := answers[cond.Item]; ok {
			earlier = "the answer " + optionLabel(a.after, v)
		}
		ps.Add(a.item.ID, "%s question %s is asked only after %s to question %s; question %s has %s. Send the answers in the order the questionnaire asks them.",
			def.ShortName, a.item.Number, wantedAnswer(a.after, cond.AtLeast), numberOf(a.after, cond.Item), numberOf(a.after, cond.Item), earlier)
	}
	return ps
}

// notDueTrigger is the high-severity alert for yes answers given to
// questions that were not due, quoting every answer the client gave, or
// nil when every such answer was a no.
func notDueTrigger(def *instrument.Definition, nd []notDueAnswer, answers map[string]int, at time.Time) *safety.Trigger {
	var yes []string
	for _, a := range nd {
		if a.value > 0 {
			yes = append(yes, fmt.Sprintf("Q%s %q: %q", a.item.Number, a.item.Text, optionLabel(a.item, a.value)))
		}
	}
	if len(yes) == 0 {
		return nil
	}
	var quoted []safety.QuotedAnswer
	var all []string
	for i := range def.Items {
		it := &def.Items[i]
		v, ok := answers[it.ID]
		if !ok {
			continue
		}
		q := safety.QuotedAnswer{Question: it.Text, Answer: optionLabel(it, v)}
		quoted = append(quoted, q)
		all = append(all, fmt.Sprintf("Q%s %q: %q", it.Number, q.Question, q.Answer))
	}
	source := safety.SourceCSSRS
	if !strings.HasPrefix(def.Code, "cssrs") {
		source = safety.Source(def.Code)
	}
	return &safety.Trigger{
		Source:     source,
		Instrument: def.Code,
		Severity:   safety.SeverityHigh,
		AnsweredAt: at,
		Answers:    quoted,
		Message: fmt.Sprintf("%s: the client answered yes to %s, a question the screener asks only after an earlier yes that they did not give. "+
			"Treat it as given: read every answer and reach the client. The client's answers: %s.",
			def.ShortName, strings.Join(yes, "; "), strings.Join(all, "; ")),
	}
}

// withNotDue joins the alert the scored answers raise (if any) and the one
// the not-due answers raise: one alert, at the higher severity, quoting both.
func withNotDue(scored, nd *safety.Trigger) *safety.Trigger {
	switch {
	case nd == nil:
		return scored
	case scored == nil:
		return nd
	}
	t := *nd
	t.Message = scored.Message + " " + nd.Message
	return &t
}

func optionLabel(it *instrument.Item, v int) string {
	if it != nil {
		for _, o := range it.Options {
			if o.Value == v {
				return o.Label
			}
		}
	}
	return fmt.Sprint(v)
}

func wantedAnswer(it *instrument.Item, atLeast int) string {
	if it != nil && len(it.Options) == 2 && atLeast == 1 {
		return "a " + strings.ToLower(optionLabel(it, 1))
	}
	return fmt.Sprintf("an answer of at least %d", atLeast)
}

func numberOf(it *instrument.Item, id string) string {
	if it != nil {
		return it.Number
	}
	return id
}
