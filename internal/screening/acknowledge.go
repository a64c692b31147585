package screening

import (
	"strings"
	"time"
)

// Acknowledgement is a prescriber's documented acknowledgement of one finding.
type Acknowledgement struct {
	RuleID       string    `json:"rule_id"`
	PrescriberID string    `json:"prescriber_id"`
	Reason       string    `json:"reason"`
	At           time.Time `json:"at"`
}

// valid reports whether ack can stand for a finding of s. An acknowledgement dated before the
// screening was made cannot have been about it.
func (a Acknowledgement) valid(s Screening) bool {
	return strings.TrimSpace(a.PrescriberID) != "" &&
		strings.TrimSpace(a.Reason) != "" &&
		!a.At.IsZero() &&
		!a.At.Before(s.At)
}

// Acknowledged reports whether the screening lets treatment planning go on, and which findings
// stand in the way.
//
// ok is true only when nothing is absolute, nothing the rules need is unanswered, and every
// finding that needs acknowledgement (relative, or urgent) has a valid acknowledgement: a prescriber
// id, a reason, and a time no earlier than the screening. pending lists the findings still in the
// way: absolute findings (no acknowledgement lifts them) and findings awaiting acknowledgement.
// Unanswered facts are not findings; they are in s.Unanswered and make ok false on their own.
func Acknowledged(s Screening, acks []Acknowledgement) (ok bool, pending []Finding) {
	done := map[string]bool{}
	for _, a := range acks {
		if a.valid(s) {
			done[a.RuleID] = true
		}
	}
	for _, fd := range s.Findings {
		switch {
		case fd.Class == Absolute:
			pending = append(pending, fd)
		case fd.NeedsAcknowledgement && !done[fd.RuleID]:
			pending = append(pending, fd)
		}
	}
	return len(pending) == 0 && len(s.Unanswered) == 0, pending
}
