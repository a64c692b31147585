package safety

// CountryLines are the crisis lines holdspace knows for one country, with
// which a practice there starts: its clients must see somewhere to turn from
// the first day, before anyone opens the safety settings. Each set names
// where it was checked; a practice reviews them on its setup checklist and
// may replace them.
type CountryLines struct {
	Code, Name string
	Resources  CrisisResources
	Source     string
}

// KnownCountries are the countries whose crisis lines holdspace ships,
// in the order the setup form lists them. A practice elsewhere types its
// own at setup.
var KnownCountries = []CountryLines{
	{Code: "US", Name: "United States", Resources: USCrisisResources(), Source: "988lifeline.org (KAP.md §7)"},
	{Code: "CA", Name: "Canada", Source: "988.ca", Resources: CrisisResources{Region: "CA", Emergency: "911",
		Lines: []CrisisLine{{Name: "9-8-8 Suicide Crisis Helpline", Call: "988", Text: "988"}}}},
	{Code: "GB", Name: "United Kingdom", Source: "samaritans.org; giveusashout.org", Resources: CrisisResources{Region: "GB", Emergency: "999",
		Lines: []CrisisLine{{Name: "Samaritans", Call: "116 123"}, {Name: "Shout", Text: "85258"}}}},
	{Code: "IE", Name: "Ireland", Source: "samaritans.org; text50808.ie", Resources: CrisisResources{Region: "IE", Emergency: "112 or 999",
		Lines: []CrisisLine{{Name: "Samaritans", Call: "116 123"}, {Name: "Text About It", Text: "50808"}}}},
	{Code: "AU", Name: "Australia", Source: "lifeline.org.au", Resources: CrisisResources{Region: "AU", Emergency: "000",
		Lines: []CrisisLine{{Name: "Lifeline", Call: "13 11 14", Text: "0477 13 11 14", Chat: "lifeline.org.au"}}}},
	{Code: "NZ", Name: "New Zealand", Source: "1737.org.nz; lifeline.org.nz", Resources: CrisisResources{Region: "NZ", Emergency: "111",
		Lines: []CrisisLine{{Name: "Need to talk? 1737", Call: "1737", Text: "1737"}, {Name: "Lifeline Aotearoa", Call: "0800 543 354"}}}},
}

// LinesFor returns the crisis lines holdspace knows for a country code.
func LinesFor(code string) (CountryLines, bool) {
	for _, c := range KnownCountries {
		if c.Code == code {
			return c, true
		}
	}
	return CountryLines{}, false
}
