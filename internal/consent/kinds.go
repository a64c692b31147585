package consent

import (
	"embed"
	"strings"
)

// Kind is what a consent document is for. A practice holds one document of
// each kind.
type Kind string

const (
	KAPTreatment         Kind = "kap_treatment"
	Telehealth           Kind = "telehealth"
	ReleaseOfInformation Kind = "release_of_information"
	FinancialPolicy      Kind = "financial_policy"
)

// Kinds lists the kinds in the order pages show them.
var Kinds = []Kind{KAPTreatment, Telehealth, ReleaseOfInformation, FinancialPolicy}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Label names the kind for people.
func (k Kind) Label() string {
	switch k {
	case KAPTreatment:
		return "KAP treatment consent"
	case Telehealth:
		return "Telehealth consent"
	case ReleaseOfInformation:
		return "Release of information"
	case FinancialPolicy:
		return "Financial policy"
	}
	return string(k)
}

//go:embed defaults/*.txt
var defaultsFS embed.FS

// defaultDoc is the text holdspace ships for a kind, published as version
// 1 for a practice the first time it uses consent documents.
type defaultDoc struct {
	Kind     Kind
	Title    string
	Required bool
	Body     string
}

// defaults returns the shipped documents with the practice's name put in.
// Only the treatment consent is required by default: the practice decides
// about the others.
func defaults(practiceName string) ([]defaultDoc, error) {
	docs := []defaultDoc{
		{Kind: KAPTreatment, Title: "Informed consent to ketamine-assisted psychotherapy", Required: true},
		{Kind: Telehealth, Title: "Consent to telehealth"},
		{Kind: ReleaseOfInformation, Title: "Authorization to share information with your other clinicians"},
		{Kind: FinancialPolicy, Title: "Financial policy"},
	}
	name := strings.TrimSpace(practiceName)
	if name == "" {
		name = "the practice"
	}
	for i := range docs {
		b, err := defaultsFS.ReadFile("defaults/" + string(docs[i].Kind) + ".txt")
		if err != nil {
			return nil, err
		}
		docs[i].Body = NormaliseText(strings.ReplaceAll(string(b), "{{practice}}", name))
	}
	return docs, nil
}
