package inquiry_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/inquiry"
)

func valid() inquiry.Submission {
	return inquiry.Submission{Name: " Harriet Osei ", Email: " Harriet@Example.NET ", Phone: "", PreferredContact: "email",
		Message: "My therapist suggested KAP for depression that has not lifted.", HeardFrom: "clinician", Consent: true}
}

func fields(ps access.Problems) map[string]string {
	out := map[string]string{}
	for _, p := range ps {
		out[p.Field] = p.Message
	}
	return out
}

// Each field of the public form is checked on its own, and a valid form
// is tidied (trimmed, address in lower case).
func TestTheInquiryFormNamesEachFieldThatIsWrong(t *testing.T) {
	cases := []struct {
		name   string
		change func(*inquiry.Submission)
		field  string
	}{
		{"valid", func(*inquiry.Submission) {}, ""},
		{"valid with a phone to call", func(s *inquiry.Submission) { s.Phone = "+1 (555) 010-1234"; s.PreferredContact = "phone" }, ""},
		{"no name", func(s *inquiry.Submission) { s.Name = "  " }, "name"},
		{"a name longer than 200 characters", func(s *inquiry.Submission) { s.Name = strings.Repeat("a", 201) }, "name"},
		{"no email", func(s *inquiry.Submission) { s.Email = "" }, "email"},
		{"an email without a domain", func(s *inquiry.Submission) { s.Email = "harriet@localhost" }, "email"},
		{"an email with a display name", func(s *inquiry.Submission) { s.Email = "Harriet <h@example.net>" }, "email"},
		{"a phone with letters", func(s *inquiry.Submission) { s.Phone = "call me maybe" }, "phone"},
		{"a phone too short", func(s *inquiry.Submission) { s.Phone = "12345" }, "phone"},
		{"phone chosen but none given", func(s *inquiry.Submission) { s.PreferredContact = "phone" }, "phone"},
		{"no way of contact chosen", func(s *inquiry.Submission) { s.PreferredContact = "" }, "preferred_contact"},
		{"an unknown way of contact", func(s *inquiry.Submission) { s.PreferredContact = "pigeon" }, "preferred_contact"},
		{"no message", func(s *inquiry.Submission) { s.Message = " \n " }, "message"},
		{"a message over 4000 characters", func(s *inquiry.Submission) { s.Message = strings.Repeat("é", 4001) }, "message"},
		{"an answer not offered", func(s *inquiry.Submission) { s.HeardFrom = "tv" }, "heard_from"},
		{"a long 'somewhere else'", func(s *inquiry.Submission) { s.HeardOther = strings.Repeat("x", 201) }, "heard_other"},
		{"no consent to be contacted", func(s *inquiry.Submission) { s.Consent = false }, "consent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := valid()
			c.change(&s)
			got := fields(s.Check())
			if c.field == "" {
				if len(got) != 0 {
					t.Fatalf("refused a valid form: %v", got)
				}
				if s.Name != "Harriet Osei" || s.Email != "harriet@example.net" {
					t.Errorf("not tidied: %q %q", s.Name, s.Email)
				}
				return
			}
			if len(got) != 1 || got[c.field] == "" {
				t.Fatalf("problems %v; want exactly one, on %s", got, c.field)
			}
		})
	}
}

func TestTheHoneypotTellsAProgramFromAPerson(t *testing.T) {
	s := valid()
	if s.Automated() {
		t.Fatal("an empty honeypot marked the form automated")
	}
	s.Website = "http://spam.example"
	if !s.Automated() {
		t.Fatal("a filled honeypot passed")
	}
}

// The form's stamp is signed: it tells how long ago the form was shown,
// and cannot be made older, moved to another practice, or forged.
func TestTheFormStampMeasuresTheTimeToFillTheForm(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	shown := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	stamp := inquiry.FormStamp(key, "stillwater", shown)
	if d, ok := inquiry.CheckStamp(key, "stillwater", stamp, shown.Add(2*time.Second)); !ok || d != 2*time.Second || d >= inquiry.MinFillTime {
		t.Fatalf("after 2 s: %v %v; want 2s, ok, under the minimum", d, ok)
	}
	if d, ok := inquiry.CheckStamp(key, "stillwater", stamp, shown.Add(40*time.Second)); !ok || d < inquiry.MinFillTime {
		t.Fatalf("after 40 s: %v %v", d, ok)
	}
	ms, sig, _ := strings.Cut(stamp, ".")
	n, _ := strconv.ParseInt(ms, 10, 64)
	older := strconv.FormatInt(n-60_000, 10) // a minute earlier under the same signature
	for name, bad := range map[string]string{"empty": "", "unsigned": ms, "time changed": older + "." + sig, "garbage": "x.y"} {
		if _, ok := inquiry.CheckStamp(key, "stillwater", bad, shown); ok {
			t.Errorf("%s stamp accepted", name)
		}
	}
	if _, ok := inquiry.CheckStamp(key, "elsewhere", stamp, shown); ok {
		t.Error("a stamp for one practice's form was accepted on another's")
	}
	if _, ok := inquiry.CheckStamp([]byte("another key another key another!"), "stillwater", stamp, shown); ok {
		t.Error("a stamp signed with another key was accepted")
	}
}

// The rate limit keeps no readable address; an IPv6 address counts by
// its /64.
func TestTheRateLimitKeepsNoAddress(t *testing.T) {
	key := []byte("k")
	a := inquiry.AddressKey(key, "203.0.113.7")
	if strings.Contains(a, "203") || len(a) != 64 {
		t.Fatalf("key %q", a)
	}
	if a == inquiry.AddressKey(key, "203.0.113.8") {
		t.Error("two addresses share a key")
	}
	if a != inquiry.AddressKey(key, "::ffff:203.0.113.7") {
		t.Error("an IPv4-mapped address counts apart from the same IPv4 address")
	}
	if inquiry.AddressKey(key, "2001:db8:1:2::1") != inquiry.AddressKey(key, "2001:db8:1:2:ffff::9") {
		t.Error("two addresses of one /64 count apart")
	}
	if inquiry.AddressKey(key, "2001:db8:1:2::1") == inquiry.AddressKey(key, "2001:db8:1:3::1") {
		t.Error("two /64s share a key")
	}
	if a == inquiry.AddressKey([]byte("other"), "203.0.113.7") {
		t.Error("the key does not depend on the secret")
	}
}

func TestPlainTextBecomesParagraphsAndHeadings(t *testing.T) {
	text := "First paragraph,\nwrapped over two lines.\n\nHow the work unfolds\n\n\n\nIs it safe for me?\n\nCall us today!\n\nA line ending in a colon:\n\n" +
		strings.Repeat("word ", 20) + "\r\n\r\nlast"
	got := inquiry.Blocks(text)
	para := func(s string) inquiry.Block { return inquiry.Block{Text: s} }
	head := func(s string) inquiry.Block { return inquiry.Block{Heading: true, Text: s} }
	want := []inquiry.Block{
		para("First paragraph, wrapped over two lines."),
		head("How the work unfolds"),
		head("Is it safe for me?"),
		para("Call us today!"),
		para("A line ending in a colon:"),
		para(strings.TrimSpace(strings.Repeat("word ", 20))),
		head("last"),
	}
	if len(got) != len(want) {
		t.Fatalf("%d blocks %v; want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d: %+v; want %+v", i, got[i], want[i])
		}
	}
}

// The default text says what the issue asks of it (KAP.md §1, §8): what
// KAP is, the three phases, a prescribed medicine under supervision, who
// it may help, that screening decides eligibility, and the first steps.
func TestTheDefaultPageCoversWhatAPersonNeedsToKnow(t *testing.T) {
	p := inquiry.DefaultPage("Stillwater")
	if !p.Default || p.Heading != "Ketamine-assisted psychotherapy at Stillwater" {
		t.Fatalf("heading %q", p.Heading)
	}
	for _, want := range []string{"Preparation.", "Medicine sessions.", "Integration.", "prescription medicine", "supervision",
		"may help", "screening decides", "The first steps", "you may not drive", "You may stop at any time"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the default text does not say %q", want)
		}
	}
	headings := 0
	for _, b := range inquiry.Blocks(p.Body) {
		if b.Heading {
			headings++
		}
	}
	if headings != 5 {
		t.Errorf("%d headings in the default text; want 5", headings)
	}
	if ps := p.Check(); len(ps) != 0 {
		t.Errorf("the default text fails its own check: %v", ps)
	}
}

func TestAnExcerptEndsAtAWord(t *testing.T) {
	q := inquiry.Inquiry{Message: "I have been\nfeeling low for a long time and my doctor mentioned ketamine."}
	if got := q.Excerpt(30); got != "I have been feeling low for a…" {
		t.Errorf("%q", got)
	}
	if got := q.Excerpt(500); !strings.HasSuffix(got, "ketamine.") {
		t.Errorf("%q", got)
	}
}

func TestConvertingChecksTheNewClient(t *testing.T) {
	today := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	ok := inquiry.ConvertInput{LegalName: "Harriet Osei", Email: "harriet@example.net", TherapistID: "t", PrescriberID: "p", DateOfBirth: "1985-02-14"}
	if ps := ok.Check(today); len(ps) != 0 {
		t.Fatalf("refused: %v", ps)
	}
	cases := map[string]struct {
		change func(*inquiry.ConvertInput)
		field  string
	}{
		"no legal name":         {func(c *inquiry.ConvertInput) { c.LegalName = "" }, "legal_name"},
		"a date not a date":     {func(c *inquiry.ConvertInput) { c.DateOfBirth = "14/02/1985" }, "date_of_birth"},
		"born tomorrow":         {func(c *inquiry.ConvertInput) { c.DateOfBirth = "2026-11-24" }, "date_of_birth"},
		"born before 1900":      {func(c *inquiry.ConvertInput) { c.DateOfBirth = "1899-12-31" }, "date_of_birth"},
		"no email":              {func(c *inquiry.ConvertInput) { c.Email = "" }, "email"},
		"a bad phone":           {func(c *inquiry.ConvertInput) { c.Phone = "0" }, "phone"},
		"no therapist chosen":   {func(c *inquiry.ConvertInput) { c.TherapistID = "" }, "therapist_id"},
		"no prescriber chosen":  {func(c *inquiry.ConvertInput) { c.PrescriberID = "" }, "prescriber_id"},
		"a long preferred name": {func(c *inquiry.ConvertInput) { c.PreferredName = strings.Repeat("n", 201) }, "preferred_name"},
	}
	for name, c := range cases {
		in := ok
		c.change(&in)
		got := fields(in.Check(today))
		if len(got) != 1 || got[c.field] == "" {
			t.Errorf("%s: %v; want one problem on %s", name, got, c.field)
		}
	}
}

func TestDecliningNeedsAReasonAndANoteOnlyWhenSent(t *testing.T) {
	in := inquiry.DeclineInput{}
	if got := fields(in.Check()); len(got) != 1 || got["reason"] == "" {
		t.Fatalf("%v; want the reason asked for", got)
	}
	in = inquiry.DeclineInput{Reason: "Outside the states where we are licensed.", Notify: true}
	if got := fields(in.Check()); got["subject"] == "" || got["message"] == "" {
		t.Fatalf("%v; want subject and message asked for when the note is sent", got)
	}
	subject, body := inquiry.DeclineEmail("Leah Kowalski", "Stillwater")
	if subject == "" || !strings.HasPrefix(body, "Dear Leah,") || strings.Contains(body, "reason") {
		t.Errorf("decline note %q / %q", subject, body)
	}
}
