package intake

import (
	"maps"
	"strconv"
	"strings"
	"unicode/utf8"

	"holdspace/internal/screening"
)

// Answer is a reply to a yes/no question. The zero value is "not answered", which is different
// from No; "not sure" is an answer too, but one the clinician has to resolve with the client.
type Answer string

const (
	Unanswered Answer = ""
	Yes        Answer = "yes"
	No         Answer = "no"
	NotSure    Answer = "not_sure"
)

func (a Answer) valid() bool {
	switch a {
	case Unanswered, Yes, No, NotSure:
		return true
	}
	return false
}

// Frequency is how often a substance is used. The zero value is "not answered".
type Frequency string

const (
	FrequencyUnanswered Frequency = ""
	Never               Frequency = screening.FrequencyNever
	Past                Frequency = screening.FrequencyPast
	Monthly             Frequency = screening.FrequencyMonthly
	Weekly              Frequency = screening.FrequencyWeekly
	Daily               Frequency = screening.FrequencyDaily
)

func (f Frequency) valid() bool {
	if f == FrequencyUnanswered {
		return true
	}
	for _, v := range screening.Frequencies() {
		if string(f) == v {
			return true
		}
	}
	return false
}

// FieldErrors maps a field path ("medical.pregnancy", "medications.list[2].name") to a message the
// person filling in the form can act on.
type FieldErrors map[string]string

func (fe FieldErrors) merge(other FieldErrors) { maps.Copy(fe, other) }

// Length limits keep free text to what a clinician will read; the web form shows them.
const (
	shortTextMax = 200
	longTextMax  = 4000
)

const (
	msgChooseAnswer    = "Please choose Yes, No or Not sure."
	msgChooseFrequency = "Please choose one of the options given."
)

func checkAnswer(fe FieldErrors, path string, a Answer) {
	if !a.valid() {
		fe[path] = msgChooseAnswer
	}
}

func checkFrequency(fe FieldErrors, path string, f Frequency) {
	if !f.valid() {
		fe[path] = msgChooseFrequency
	}
}

func checkText(fe FieldErrors, path, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		fe[path] = "Please shorten this to " + formatCount(max) + " characters or fewer."
	}
}

func formatCount(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
