package web

import (
	"net/url"
	"time"

	"holdspace/internal/clinic"
	"holdspace/internal/inquiry"
)

// Samples for the inquiry pages, with every optional part present: a
// refused form, a rate-limit notice, replies, a decline and a conversion.
func init() {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	page := inquiry.DefaultPage("Stillwater")
	refused := NewForm(url.Values{"name": {"Grace"}, "message": {"Hello"}, "preferred_contact": {"phone"}})
	refused.Fail("consent", "Please tick the box to let us contact you.")
	refused.Fail("preferred_contact", "Please choose how you would like us to contact you.")
	heard := refused.Select("heard_from", "How did you hear of us?", "", "Choose one", "friend", "A friend")
	q := inquiry.Inquiry{ID: "q1", Name: "Grace Whitfield", Email: "grace@example.net", Phone: "+1 555 0142", PreferredContact: "phone",
		Message: "I've lived with depression for eight years.\nCould someone call me?", HeardFrom: "other", HeardOther: "a podcast",
		ConsentAt: at, Status: inquiry.Declined, CreatedAt: at, UpdatedAt: at, DeclineReason: "Lives in Oregon.", DeclinedAt: &at,
		DeclinedByName: "Morgan Avery", Replies: []inquiry.Reply{{ID: "r1", Kind: "reply", StaffName: "Sam Okafor", To: "grace@example.net",
			Subject: "Your message to Stillwater", Body: "Dear Grace,\n\nThank you.", SentAt: at}, {ID: "r2", Kind: "decline", To: "grace@example.net",
			Subject: "Your message", Body: "Dear Grace", SentAt: at}}}
	converted := q
	converted.Status, converted.ClientID, converted.ConvertedAt, converted.ConvertedByName = inquiry.Converted, "c1", &at, "Elena Brooks"
	staff := []clinic.StaffMember{{ID: "s1", Name: "Sam Okafor", Roles: []string{"therapist"}}}
	detail := inquiryDetailData{Detail: inquiry.Detail{Inquiry: q, PracticeName: "Stillwater", Therapists: staff, Prescribers: staff},
		ReplyForm: refused, DeclineForm: NewForm(nil), ConvertForm: NewForm(nil), Open: "reply",
		Therapist:  refused.Select("therapist_id", "Therapist", "", "Choose", "s1", "Sam Okafor").Req(),
		Prescriber: refused.Select("prescriber_id", "Prescriber", "", "Choose", "s1", "Sam Okafor").Req()}
	addSamples(map[string]any{
		"inquiries_public": publicPageData{Practice: "Stillwater", Slug: "stillwater", Heading: page.Heading, Blocks: inquiry.Blocks(page.Body),
			Stamp: "1.sig", Heard: heard, Contact: []choice{{Value: "email", Label: "By email"}, {Value: "phone", Label: "By phone", Checked: true}},
			RateLimited: true, Expired: true},
		"inquiries_thanks": map[string]any{"Practice": "Stillwater", "Slug": "stillwater"},
		"inquiries_list": inquiryListData{Status: "", List: []inquiry.Inquiry{q, converted},
			Tabs: []inquiryTab{{Label: "All", Href: "/inquiries", Count: 2, Current: true}, {Label: "New", Href: "/inquiries?status=new"}}},
		"inquiries_detail": detail,
		"inquiries_page_edit": practicePageData{adminTabs: tabsFor("/admin/practice-page"), Address: "https://clinic.example/p/stillwater",
			PageSettings: inquiry.PageSettings{PracticeName: "Stillwater", Slug: "stillwater", Page: inquiry.Page{Heading: "KAP", Body: "Words.", UpdatedAt: &at}},
			Blocks:       inquiry.Blocks("Words.")},
	})
}
