package web

import (
	"time"

	"holdspace/internal/notify"
)

func init() {
	at := time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)
	text := "Choose your password here (the link works once, for 7 days):\nhttp://127.0.0.1:8080/invite/abc.\n"
	addSamples(map[string]any{"mailbox": map[string]any{"Letters": []letterView{
		{Letter: notify.Letter{ID: "o1", To: "noor@client.example", Subject: "Your invitation", Text: text, CreatedAt: at, SendAfter: at},
			From: "holdspace@localhost", Parts: textParts(text)},
		{Letter: notify.Letter{ID: "o2", To: "alex@client.example", Subject: "Reminder", CreatedAt: at, SendAfter: at, SentAt: &at, Emptied: true}},
	}}})
}
