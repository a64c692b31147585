package intake

import (
	"math"
	"strings"
	"unicode"
)

// MedicationClass is a group of medicines that the screening rules ask about (KAP.md §1
// interactions: benzodiazepines, lamotrigine, and the MAOIs, psychostimulants and
// sedative-hypnotics asked about on the Spravato form).
type MedicationClass string

const (
	ClassBenzodiazepine   MedicationClass = "benzodiazepine"
	ClassLamotrigine      MedicationClass = "lamotrigine"
	ClassMAOI             MedicationClass = "maoi"
	ClassPsychostimulant  MedicationClass = "psychostimulant"
	ClassSedativeHypnotic MedicationClass = "sedative_hypnotic"
	ClassOther            MedicationClass = "other"
)

// Benzodiazepine is one row of the equivalence table.
//
// Source: Ashton CH, "Benzodiazepines: How They Work and How to Withdraw" (the Ashton Manual),
// 2002, Table 1, "Benzodiazepines and similar drugs: approximately equivalent oral dosages"
// (to 10 mg diazepam). Where Ashton gives a range (estazolam 1–2 mg), EquivalentMg is the low end
// and EquivalentMgHigh the high end: the low end gives the higher diazepam-equivalent, so a dose
// near the 8 mg/day line is shown to the clinician rather than hidden. Equivalents are
// approximate and vary between people; the result is for a clinician to read, not a conversion
// to dose by.
type Benzodiazepine struct {
	Generic          string   `json:"generic"`
	Brands           []string `json:"brands"`
	EquivalentMg     float64  `json:"equivalent_mg"`
	EquivalentMgHigh float64  `json:"equivalent_mg_high"`
}

// Benzodiazepines is the equivalence table. The Z-drugs Ashton also lists (zolpidem, zopiclone,
// zaleplon, eszopiclone) are not here: they are sedative-hypnotics, and the >8 mg finding
// (Andrashko 2020) was about benzodiazepines.
func Benzodiazepines() []Benzodiazepine {
	row := func(generic string, lo, hi float64, brands ...string) Benzodiazepine {
		return Benzodiazepine{Generic: generic, Brands: brands, EquivalentMg: lo, EquivalentMgHigh: hi}
	}
	return []Benzodiazepine{
		row("alprazolam", 0.5, 0.5, "xanax", "xanor", "niravam"),
		row("bromazepam", 5, 6, "lexotan", "lexomil", "lectopam"),
		row("chlordiazepoxide", 25, 25, "librium"),
		row("clobazam", 20, 20, "frisium", "onfi", "sympazan"),
		row("clonazepam", 0.5, 0.5, "klonopin", "rivotril"),
		row("clorazepate", 15, 15, "tranxene"),
		row("diazepam", 10, 10, "valium", "diastat", "valtoco"),
		row("estazolam", 1, 2, "prosom"),
		row("flunitrazepam", 1, 1, "rohypnol"),
		row("flurazepam", 15, 30, "dalmane"),
		row("loprazolam", 1, 2, "dormonoct"),
		row("lorazepam", 1, 1, "ativan", "temesta", "tavor"),
		row("lormetazepam", 1, 2, "noctamid"),
		row("nitrazepam", 10, 10, "mogadon"),
		row("oxazepam", 20, 20, "serax", "serepax", "seresta"),
		row("quazepam", 20, 20, "doral"),
		row("temazepam", 20, 20, "restoril", "normison", "euhypnos"),
		row("triazolam", 0.5, 0.5, "halcion"),
	}
}

// otherClasses names the non-benzodiazepine medicines the rules ask about, generic and common
// brand names. Checked in this order; a name matching two classes takes the first.
func otherClasses() []struct {
	class MedicationClass
	names []string
} {
	return []struct {
		class MedicationClass
		names []string
	}{
		{ClassMAOI, []string{
			"phenelzine", "nardil", "tranylcypromine", "parnate", "isocarboxazid", "marplan",
			"selegiline", "emsam", "eldepryl", "zelapar", "moclobemide", "manerix", "aurorix",
			"rasagiline", "azilect",
		}},
		{ClassLamotrigine, []string{"lamotrigine", "lamictal", "subvenite"}},
		{ClassPsychostimulant, []string{
			"methylphenidate", "ritalin", "concerta", "medikinet", "dexmethylphenidate", "focalin",
			"amphetamine", "amfetamine", "adderall", "evekeo", "dextroamphetamine", "dexamfetamine",
			"dexedrine", "zenzedi", "lisdexamfetamine", "lisdexamphetamine", "vyvanse", "elvanse",
			"methamphetamine", "desoxyn", "modafinil", "provigil", "armodafinil", "nuvigil",
		}},
		{ClassSedativeHypnotic, []string{
			"zolpidem", "ambien", "stilnox", "stilnoct", "edluar", "zaleplon", "sonata",
			"eszopiclone", "lunesta", "zopiclone", "imovane", "zimovane",
			"suvorexant", "belsomra", "lemborexant", "dayvigo", "daridorexant", "quviviq",
			"phenobarbital", "phenobarbitone", "butalbital", "secobarbital", "seconal",
			"chloral",
		}},
	}
}

// words splits a medicine as written ("Xanax XR 0.5mg", "dextroamphetamine-amphetamine") into
// lower-case words, so a name matches whatever strength or release form is written beside it.
func words(name string) []string {
	return strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) })
}

func benzodiazepineFor(name string) (Benzodiazepine, bool) {
	for _, w := range words(name) {
		for _, b := range Benzodiazepines() {
			if w == b.Generic {
				return b, true
			}
			for _, brand := range b.Brands {
				if w == brand {
					return b, true
				}
			}
		}
	}
	return Benzodiazepine{}, false
}

// Recognise gives the medication class of a medicine name, matching generic and common brand
// names case-insensitively. A misspelt or unlisted name is ClassOther; the clinician reads the
// whole list in any case.
func Recognise(name string) MedicationClass {
	if _, ok := benzodiazepineFor(name); ok {
		return ClassBenzodiazepine
	}
	ws := words(name)
	for _, c := range otherClasses() {
		for _, w := range ws {
			for _, n := range c.names {
				if w == n {
					return c.class
				}
			}
		}
	}
	return ClassOther
}

// DiazepamEquivalentMgPerDay adds up the benzodiazepines in meds as mg of diazepam per day
// (Ashton Manual equivalents, see Benzodiazepine). complete is false when a benzodiazepine has no
// daily dose: the total would then understate, so it must not be read as a number.
//
// The total is rounded to 0.01 mg so that floating-point noise cannot carry a dose of exactly
// 8 mg over the >8 mg line.
func DiazepamEquivalentMgPerDay(meds []Medication) (mg float64, complete bool) {
	complete = true
	for _, m := range meds {
		b, ok := benzodiazepineFor(m.Name)
		if !ok {
			continue
		}
		if m.DailyDoseMg == nil {
			complete = false
			continue
		}
		mg += *m.DailyDoseMg * 10 / b.EquivalentMg
	}
	return math.Round(mg*100) / 100, complete
}
