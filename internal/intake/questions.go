package intake

// QuestionKind tells the form which control to draw.
type QuestionKind string

const (
	KindYesNo          QuestionKind = "yes_no"
	KindFrequency      QuestionKind = "frequency"
	KindShortText      QuestionKind = "short_text"
	KindLongText       QuestionKind = "long_text"
	KindNumber         QuestionKind = "number"
	KindMedicationList QuestionKind = "medication_list"
)

// Option is one choice of a yes/no or frequency question.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// AskWhen shows a question only when an earlier answer is one of Answers.
type AskWhen struct {
	Path    string   `json:"path"`
	Answers []string `json:"answers"`
}

// Question is one question of the intake form, with the words the client sees. Paths of the
// fields inside each medication row read "medications.list[].name".
type Question struct {
	Path      string       `json:"path"`
	Label     string       `json:"label"`
	Help      string       `json:"help,omitempty"`
	Kind      QuestionKind `json:"kind"`
	Options   []Option     `json:"options,omitempty"`
	Required  bool         `json:"required"`
	AskWhen   *AskWhen     `json:"ask_when,omitempty"`
	MaxLength int          `json:"max_length,omitempty"`
}

// SectionInfo is one page of the form: its title, a few words of welcome, and its questions.
type SectionInfo struct {
	Name      string     `json:"name"`
	Title     string     `json:"title"`
	Intro     string     `json:"intro"`
	Questions []Question `json:"questions"`
}

func yesNoOptions() []Option {
	return []Option{{string(Yes), "Yes"}, {string(No), "No"}, {string(NotSure), "Not sure"}}
}

func frequencyOptions() []Option {
	return []Option{
		{string(Never), "Never"},
		{string(Past), "In the past, not now"},
		{string(Monthly), "Now, monthly or less"},
		{string(Weekly), "Now, about weekly"},
		{string(Daily), "Now, daily or almost daily"},
	}
}

func yesNo(path, label, help string) Question {
	return Question{Path: path, Label: label, Help: help, Kind: KindYesNo, Options: yesNoOptions(), Required: true}
}

func frequency(path, label, help string) Question {
	return Question{Path: path, Label: label, Help: help, Kind: KindFrequency, Options: frequencyOptions(), Required: true}
}

func longText(path, label, help string) Question {
	return Question{Path: path, Label: label, Help: help, Kind: KindLongText, MaxLength: longTextMax}
}

func when(q Question, path string, answers ...string) Question {
	q.AskWhen = &AskWhen{Path: path, Answers: answers}
	return q
}

// Sections is the whole form, page by page, in order.
func Sections() []SectionInfo {
	return []SectionInfo{
		{
			Name:  SectionMedical,
			Title: "Your physical health",
			Intro: "Some health conditions change how safe ketamine is for you. Please answer each question as best you can. " +
				"If you are not sure, choose \u201cNot sure\u201d: your clinician will go through it with you.",
			Questions: []Question{
				yesNo("medical.heart_disease", "Have you ever been told you have a heart condition?",
					"For example a heart attack, heart failure, a heart valve problem, or an irregular heartbeat."),
				when(yesNo("medical.severe_coronary_or_myocardial_disease",
					"Has a doctor told you your heart condition is severe, such as serious narrowing of the heart's arteries or a weakened heart muscle?",
					"If you are not sure how serious it is, choose \u201cNot sure\u201d."),
					"medical.heart_disease", string(Yes), string(NotSure)),
				yesNo("medical.hypertension", "Have you been told you have high blood pressure?",
					"Ketamine raises blood pressure for a while during a session, so we check it before every session."),
				when(yesNo("medical.hypertension_controlled", "Is your blood pressure usually well controlled now, with or without medicine?",
					"Answer from recent readings at home or at your doctor's if you have them."),
					"medical.hypertension", string(Yes)),
				yesNo("medical.stroke", "Have you ever had a stroke?",
					"If you have had a \u201cmini-stroke\u201d (TIA), choose \u201cNot sure\u201d and tell us about it in the box at the end of this page."),
				yesNo("medical.aneurysm_or_avm", "Have you ever been told you have an aneurysm or an arteriovenous malformation (AVM)?",
					"An aneurysm is a bulge in the wall of a blood vessel, for example in the brain or the aorta. "+
						"An AVM is a tangle of blood vessels where arteries join veins directly."),
				yesNo("medical.intracerebral_haemorrhage", "Have you ever had bleeding in the brain?",
					"Sometimes called a brain haemorrhage or a bleed on the brain."),
				yesNo("medical.brain_injury", "Have you ever had a serious head or brain injury?",
					"For example one that needed a hospital stay, knocked you unconscious, or left lasting effects. "+
						"If you have had a concussion and are unsure whether it counts, choose \u201cNot sure\u201d."),
				yesNo("medical.raised_intracranial_pressure", "Have you been told you have raised pressure inside your head?",
					"For example from fluid building up around the brain, or a condition called intracranial hypertension."),
				yesNo("medical.glaucoma", "Do you have glaucoma or raised pressure in your eyes?", ""),
				yesNo("medical.liver_disease", "Do you have a liver condition?",
					"For example hepatitis, cirrhosis or fatty liver disease."),
				yesNo("medical.seizures", "Have you ever had a seizure, or been told you have epilepsy?", ""),
				yesNo("medical.urinary_or_bladder_problems", "Do you have problems with your bladder or with passing urine?",
					"For example pain when you pee, needing to go very often or very urgently, blood in your urine, or repeated urine infections."),
				yesNo("medical.pregnancy", "Are you pregnant, or is there any chance you could be?",
					"We ask everyone this. Ketamine may harm an unborn baby."),
				yesNo("medical.breastfeeding", "Are you breastfeeding or chestfeeding?",
					"Ketamine can pass into breast milk."),
				yesNo("medical.eclampsia_or_pre_eclampsia", "Do you have, or have you recently had, eclampsia or pre-eclampsia?",
					"These are conditions with dangerously high blood pressure during pregnancy or soon after giving birth. "+
						"If you have not been pregnant recently, answer No."),
				yesNo("medical.ketamine_allergy", "Have you ever had an allergic reaction to ketamine or esketamine (Spravato)?",
					"For example a rash, swelling, or trouble breathing. If an earlier experience was hard in other ways, "+
						"answer No here and tell us about it on the \u201cYour experience\u201d page."),
				longText("medical.other_conditions", "Is there anything else about your physical health we should know?",
					"Other conditions, recent operations, or anything you were unsure about above."),
			},
		},
		{
			Name:  SectionPsychiatric,
			Title: "Your mental health",
			Intro: "These questions help us understand what you have been through and keep your sessions safe. " +
				"There are no wrong answers.",
			Questions: []Question{
				yesNo("psychiatric.psychosis_current", "Are you experiencing psychosis at the moment?",
					"Psychosis can mean hearing or seeing things other people don't, or holding strong beliefs that others say are not real."),
				yesNo("psychiatric.psychosis_history", "Have you experienced psychosis in the past?",
					"Including a diagnosis of schizophrenia or schizoaffective disorder, or psychosis brought on by drugs."),
				yesNo("psychiatric.mania_current", "Are you in a period of mania or hypomania at the moment?",
					"Mania or hypomania can mean days of unusually high energy or mood, needing much less sleep, racing thoughts, "+
						"or doing risky things you normally wouldn't."),
				yesNo("psychiatric.mania_history", "Have you had a period of mania or hypomania in the past?", ""),
				yesNo("psychiatric.bipolar_diagnosis", "Have you ever been diagnosed with bipolar disorder?", ""),
				yesNo("psychiatric.suicide_attempt", "Have you ever tried to end your life?",
					"We ask everyone this. Your answer helps your clinician care for you safely."),
				when(Question{
					Path: "psychiatric.suicide_attempt_when", Label: "When was the most recent time?",
					Help: "A month and year is enough, or a rough time such as \u201cabout five years ago\u201d.",
					Kind: KindShortText, Required: true, MaxLength: shortTextMax,
				}, "psychiatric.suicide_attempt", string(Yes)),
				yesNo("psychiatric.suicidal_thoughts_current", "In the past month, have you had thoughts of ending your life?",
					"If you feel you might act on these thoughts now, please call your local emergency number or a crisis line straight away; "+
						"don't wait for this form. Otherwise your clinician will talk with you about this before any session."),
				yesNo("psychiatric.eating_disorder", "Do you have, or are you recovering from, an eating disorder?",
					"For example anorexia, bulimia or binge-eating disorder."),
				yesNo("psychiatric.dissociative_disorder", "Have you been diagnosed with a dissociative disorder?",
					"For example dissociative identity disorder, or depersonalisation-derealisation disorder."),
				longText("psychiatric.notes", "Is there anything else about your mental health you would like us to know?", ""),
			},
		},
		{
			Name:  SectionSubstances,
			Title: "Alcohol and other drugs",
			Intro: "Please answer as openly as you can. We ask so we can keep your sessions safe, not to judge you.",
			Questions: []Question{
				frequency("substances.alcohol", "How often do you drink alcohol?", ""),
				frequency("substances.ketamine", "How often do you use ketamine outside of medical treatment?", ""),
				frequency("substances.cannabis", "How often do you use cannabis?", "Including edibles and vapes that contain THC."),
				frequency("substances.stimulants", "How often do you use stimulants that were not prescribed for you?",
					"For example cocaine, speed, MDMA, or someone else's ADHD medicine."),
				frequency("substances.opioids", "How often do you use opioids that were not prescribed for you, or more than prescribed?",
					"For example heroin, fentanyl, or painkillers such as oxycodone or codeine."),
				frequency("substances.other", "How often do you use any other drug?",
					"For example psychedelics, GHB or inhalants."),
				when(Question{
					Path: "substances.other_name", Label: "Which other drug or drugs?",
					Kind: KindShortText, Required: true, MaxLength: shortTextMax,
				}, "substances.other", string(Past), string(Monthly), string(Weekly), string(Daily)),
				yesNo("substances.use_disorder", "Have you ever been diagnosed with, or had treatment for, a problem with alcohol or drugs?",
					"Please say yes if this was in the past, even if you are in recovery now."),
				longText("substances.notes", "Is there anything else you would like to tell us about alcohol or drug use?", ""),
			},
		},
		{
			Name:  SectionMedications,
			Title: "Your medicines",
			Intro: "Some medicines change how ketamine works or how safe it is. Please include everything you take, " +
				"regularly or when needed: prescribed medicines, medicines from a pharmacy or shop, and supplements.",
			Questions: []Question{
				yesNo("medications.takes_medications", "Do you take any medicines at the moment?", ""),
				when(Question{
					Path: "medications.list", Label: "Please list each medicine.",
					Help: "Copy the name from the box or label if you can. Brand names are fine.",
					Kind: KindMedicationList, Required: true,
				}, "medications.takes_medications", string(Yes), string(NotSure)),
				{Path: "medications.list[].name", Label: "Name", Kind: KindShortText, Required: true, MaxLength: shortTextMax},
				{Path: "medications.list[].dose", Label: "How much in each dose", Kind: KindNumber},
				{Path: "medications.list[].unit", Label: "Unit", Help: "For example mg, mcg or mL.", Kind: KindShortText, MaxLength: 20},
				{Path: "medications.list[].frequency", Label: "How often", Help: "For example \u201ctwice a day\u201d or \u201cwhen needed\u201d.",
					Kind: KindShortText, MaxLength: 100},
				{Path: "medications.list[].daily_dose_mg", Label: "Total mg in a usual day", Kind: KindNumber,
					Help: "We need this for calming or sleeping medicines such as Xanax (alprazolam), Ativan (lorazepam), " +
						"Klonopin (clonazepam) or Valium (diazepam). Add up all the doses you take in a usual day."},
				longText("medications.notes", "Is there anything else about your medicines we should know?",
					"For example a medicine you stopped recently, or one you take only now and then."),
			},
		},
		{
			Name:  SectionExperience,
			Title: "Your experience",
			Intro: "Knowing what you have experienced before helps us prepare your sessions with you.",
			Questions: []Question{
				yesNo("experience.prior_ketamine_treatment", "Have you had ketamine or esketamine (Spravato) as a treatment before?", ""),
				yesNo("experience.prior_psychedelic_experience",
					"Have you had experiences with psychedelics before, such as psilocybin mushrooms, LSD, MDMA or ayahuasca?", ""),
				longText("experience.notes", "Would you like to tell us about those experiences?",
					"What helped, what was hard, and anything you would like us to do differently."),
			},
		},
		{
			Name:  SectionGoals,
			Title: "Your hopes for this work",
			Intro: "There is no right answer here.",
			Questions: []Question{
				longText("goals.text", "What are you hoping for from this treatment?",
					"A few words are fine, and you can leave this for now. We will explore your intentions together during preparation."),
			},
		},
	}
}

// Questions lists every question in form order.
func Questions() []Question {
	var out []Question
	for _, s := range Sections() {
		out = append(out, s.Questions...)
	}
	return out
}

// QuestionFor finds a question by path. Paths of fields in a medication row may carry an index
// ("medications.list[2].name"); the question is the same for every row.
func QuestionFor(path string) (Question, bool) {
	path = rowPath(path)
	for _, q := range Questions() {
		if q.Path == path {
			return q, true
		}
	}
	return Question{}, false
}

// rowPath turns "medications.list[2].name" into "medications.list[].name".
func rowPath(path string) string {
	open := -1
	for i, r := range path {
		switch {
		case r == '[':
			open = i
		case r == ']' && open >= 0:
			return path[:open+1] + path[i:]
		}
	}
	return path
}
