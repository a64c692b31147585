package safety

import (
	"fmt"
	"strings"
)

// CrisisLine is one way to reach help at any hour.
type CrisisLine struct {
	Name string `json:"name"`
	// Call and Text are numbers or short instructions ("988, then press
	// 1"); Chat is where to chat online. Any may be empty.
	Call string `json:"call,omitempty"`
	Text string `json:"text,omitempty"`
	Chat string `json:"chat,omitempty"`
	// For says who the line is for when it is not for everyone
	// ("veterans"); it is shown as "(for veterans)".
	For string `json:"for,omitempty"`
}

// CrisisResources are the crisis lines a client is shown. A practice
// outside the US, or one that wants local lines too, sets its own.
type CrisisResources struct {
	Region string       `json:"region"`
	Lines  []CrisisLine `json:"lines"`
	// Emergency is the number for immediate danger.
	Emergency string `json:"emergency"`
}

// USCrisisResources are the US defaults (KAP.md §7): call or text 988, chat
// at 988lifeline.org, veterans press 1 after dialling 988, 911 for
// immediate danger.
func USCrisisResources() CrisisResources {
	return CrisisResources{
		Region: "US",
		Lines: []CrisisLine{
			{Name: "988 Suicide & Crisis Lifeline", Call: "988", Text: "988", Chat: "988lifeline.org"},
			{Name: "Veterans Crisis Line", Call: "988, then press 1", For: "veterans"},
		},
		Emergency: "911",
	}
}

// Validate refuses resources that would leave a client in crisis with
// nowhere to turn.
func (c CrisisResources) Validate() error {
	if strings.TrimSpace(c.Emergency) == "" {
		return invalid("give the emergency number for immediate danger")
	}
	if len(c.Lines) == 0 {
		return invalid("list at least one crisis line")
	}
	for _, l := range c.Lines {
		if strings.TrimSpace(l.Name) == "" {
			return invalid("every crisis line needs a name")
		}
		if strings.TrimSpace(l.Call+l.Text+l.Chat) == "" {
			return invalid(fmt.Sprintf("say how to reach %s (call, text or chat)", l.Name))
		}
	}
	return nil
}

// ResourcesFor returns the practice's own resources when it has set valid
// ones, and the US defaults otherwise: a client must always see somewhere to
// turn, even if a practice's settings are broken.
func ResourcesFor(practice *CrisisResources) CrisisResources {
	if practice != nil && practice.Validate() == nil {
		return *practice
	}
	return USCrisisResources()
}

// How returns one line's ways of contact in plain words, e.g. "call or text
// 988, or chat at 988lifeline.org".
func (l CrisisLine) How() string {
	var ways []string
	switch {
	case l.Call != "" && l.Call == l.Text:
		ways = append(ways, "call or text "+l.Call)
	default:
		if l.Call != "" {
			ways = append(ways, "call "+l.Call)
		}
		if l.Text != "" {
			ways = append(ways, "text "+l.Text)
		}
	}
	if l.Chat != "" {
		ways = append(ways, "chat at "+l.Chat)
	}
	switch len(ways) {
	case 0:
		return ""
	case 1:
		return ways[0]
	}
	return strings.Join(ways[:len(ways)-1], ", ") + ", or " + ways[len(ways)-1]
}

// PositiveAnswerMessage is what a client reads the moment an answer raises
// a safety alert. It thanks them, says plainly what they told us and what
// happens next, gives the crisis lines and the emergency number, and points
// to their safety plan. It asks for no promise: a no-suicide contract does
// not keep anyone safe and is not used (KAP.md §7; Stanley & Brown 2012).
// It does not promise a call-back time, because out of hours the care team
// may not see the alert at once; that is why the lines come next.
// practiceName may be empty.
func PositiveAnswerMessage(c CrisisResources, practiceName string) string {
	team := "Your care team"
	if p := strings.TrimSpace(practiceName); p != "" {
		team = "Your care team at " + p
	}
	var b strings.Builder
	b.WriteString("Thank you for telling us. You said you have been having thoughts of hurting yourself, " +
		"or that you might be better off dead. Thoughts like these can come up, including in the days " +
		"after a session, and you do not have to carry them alone.\n\n")
	b.WriteString(team + " has been told and someone will contact you. Outside office hours they may " +
		"not see it straight away, so if you would like to talk with someone sooner, " +
		"help is there at any hour of the day or night:\n")
	for _, l := range c.Lines {
		line := "- " + l.Name
		if l.For != "" {
			line += " (for " + l.For + ")"
		}
		if how := l.How(); how != "" {
			line += ": " + how
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\nIf you feel you might act on these thoughts, or you are in danger right now, call " +
		c.Emergency + " or go to the nearest emergency room.\n\n")
	b.WriteString("If you have a safety plan, now is a good time to open it.")
	return b.String()
}
