package web

import (
	"slices"
	"testing"
	"time"

	"holdspace/internal/notify"
)

func TestAnEmailsLinksAreFoundInItsText(t *testing.T) {
	got := textParts("Choose your password (http://h.test/invite/a-b_c).\nOr go to https://h.test/signin.\n")
	want := []textPart{{Text: "Choose your password ("}, {Text: "http://h.test/invite/a-b_c", Href: "http://h.test/invite/a-b_c"},
		{Text: ").\nOr go to "}, {Text: "https://h.test/signin", Href: "https://h.test/signin"}, {Text: "."}}
	if !slices.Equal(got, want) {
		t.Errorf("textParts = %q\nwant %q", got, want)
	}
	if got := textParts("No link here.\n"); !slices.Equal(got, []textPart{{Text: "No link here."}}) {
		t.Errorf("plain text: %q", got)
	}
}

func init() {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	text := "Choose your password here (the link works once, for 7 days):\nhttp://127.0.0.1:8080/invite/abc.\n"
	addSamples(map[string]any{"mailbox": map[string]any{"Letters": []letterView{
		{Letter: notify.Letter{ID: "o1", To: "noor@client.example", Subject: "Your invitation", Text: text, CreatedAt: at, SendAfter: at},
			From: "holdspace@localhost", Parts: textParts(text)},
		{Letter: notify.Letter{ID: "o2", To: "alex@client.example", Subject: "Reminder", CreatedAt: at, SendAfter: at, SentAt: &at, Emptied: true}},
	}}})
}
