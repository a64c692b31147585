package instrument

import (
	"slices"
	"strings"
)

// AnswerError reports every answer problem at once, keyed by item id, so a
// form or API can mark each offending field rather than one at a time.
type AnswerError struct {
	Instrument string            `json:"instrument"`
	Items      map[string]string `json:"items"`
}

// Error lists the problems in item order of their ids, so the text is
// stable for logs and tests.
func (e *AnswerError) Error() string {
	ids := e.IDs()
	var b strings.Builder
	b.WriteString(e.Instrument)
	b.WriteString(": answers cannot be scored: ")
	for i, id := range ids {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(id)
		b.WriteString(": ")
		b.WriteString(e.Items[id])
	}
	return b.String()
}

// IDs are the ids of the items with problems, sorted.
func (e *AnswerError) IDs() []string {
	ids := make([]string, 0, len(e.Items))
	for id := range e.Items {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Code is the house error code for answers the person can correct.
func (e *AnswerError) Code() string { return "invalid" }

func (e *AnswerError) add(id, problem string) {
	if e.Items == nil {
		e.Items = map[string]string{}
	}
	e.Items[id] = problem
}

func (e *AnswerError) empty() bool { return len(e.Items) == 0 }
