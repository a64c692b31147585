package inquiry

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"holdspace/internal/access"
	"holdspace/internal/clinic"
	"holdspace/internal/store"
)

// Page is a practice's public page: a heading and plain paragraphs, in
// the practice's own words.
type Page struct {
	Heading string `json:"heading"`
	Body    string `json:"body"`
	// Default says the practice has not written its own text yet.
	Default   bool       `json:"default"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// Block is one paragraph or heading of a page.
type Block struct {
	Heading bool
	Text    string
}

// maxHeadingLine is how long a one-line paragraph may be and still read as
// a heading.
const maxHeadingLine = 80

// Blocks splits plain text into paragraphs at blank lines. A paragraph of
// one short line that does not end like a sentence (no full stop,
// exclamation mark, colon, semicolon or comma) is a heading. That is the
// whole of the formatting: admins write plain text, nothing is markup,
// and html/template escapes every word.
func Blocks(text string) []Block {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []Block
	for _, para := range strings.Split(text, "\n\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			continue
		}
		joined := strings.Join(words, " ")
		last, _ := utf8.DecodeLastRuneInString(joined)
		heading := !strings.Contains(strings.TrimSpace(para), "\n") && utf8.RuneCountInString(joined) <= maxHeadingLine &&
			!strings.ContainsRune(".!:;,…", last)
		out = append(out, Block{Heading: heading, Text: joined})
	}
	return out
}

// DefaultPage is the text holdspace ships, for a practice that has not
// written its own. It is careful: it promises nothing, says what the
// screening is for, and keeps the therapy at the centre.
func DefaultPage(practiceName string) Page {
	return Page{Default: true, Heading: "Ketamine-assisted psychotherapy at " + practiceName, Body: strings.Join([]string{
		"Ketamine-assisted psychotherapy (KAP) brings together talking therapy and a carefully dosed medicine, ketamine. For a few hours, ketamine can loosen familiar patterns of thought and feeling. In that state, and in the conversations before and after it, many people find new ways to look at what has kept them stuck. The therapy is the heart of the work; the medicine supports it.",
		"Ketamine has been used safely in medicine as an anaesthetic for decades. The doses used in KAP are much lower. Using it for depression, anxiety or trauma is an “off-label” use, which is legal and common; we will explain what that means for you. KAP is not a cure, it does not help everyone, and it is not right for everyone.",
		"How the work unfolds",
		"Preparation. You meet your therapist, once or more, to get to know each other, talk about what brings you, set intentions for the work, and learn what a medicine session is like.",
		"Medicine sessions. A prescriber chooses the medicine and the dose. You take it here, in a quiet, comfortable room, with your therapist with you throughout. A session lasts about two to three hours. A course is often around six sessions over a few weeks, adjusted to how you respond. Someone you trust takes you home afterwards: you may not drive until the next day, after a night's sleep.",
		"Integration. In the sessions that follow, you and your therapist make sense of what came up and bring it into everyday life.",
		"A prescribed medicine, given with care",
		"Ketamine is a prescription medicine and a controlled substance. It is only ever given under the supervision of our licensed clinicians, who check your blood pressure, heart rate and breathing during each session. Common effects are a dreamlike or detached feeling, nausea, dizziness and a short rise in blood pressure; they usually pass within hours. Before you decide, we go through the benefits, the risks and the alternatives with you in detail. You may stop at any time.",
		"Who it may help",
		"KAP may help adults living with depression that has not eased with other treatment, with anxiety or post-traumatic stress, or who feel stuck in grief or in old patterns. Whether it is right for you depends on your health and your history, not on this page.",
		"Is it safe for me?",
		"Before anything is decided, you complete a medical and psychiatric screening, and a prescriber reviews it with you. Some conditions make ketamine unsafe or call for extra care: for example some heart and blood-pressure conditions, a history of psychosis or mania, pregnancy, and some medicines. The screening decides whether KAP is a safe choice for you. If it is not, we will tell you kindly and help you think about other options.",
		"The first steps",
		"Send us a message with the form below. Someone from our care team will read it and contact you the way you prefer, for a short conversation about what you hope for and whether we are a good fit. If it makes sense to go on, we open a private client portal for you, where you fill in a health questionnaire and read our consent documents, and you meet your therapist and prescriber. Nothing is decided until you and your clinicians agree that it is safe and right for you.",
	}, "\n\n")}
}

// PublicPractice finds a practice by its short name, for the public page.
func PublicPractice(ctx context.Context, tx *store.Tx, slug string) (id, name string, err error) {
	err = tx.QueryRow(ctx, `SELECT id, name FROM practice WHERE slug = ?`, slug).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", ErrNoPractice
	}
	return id, name, err
}

// LoadPage reads the practice's page, or the default when it has none.
func LoadPage(ctx context.Context, tx *store.Tx, practiceID, practiceName string) (Page, error) {
	var p Page
	var at time.Time
	err := tx.QueryRow(ctx, `SELECT heading, body, updated_at FROM practice_page WHERE practice_id = ?`, practiceID).Scan(&p.Heading, &p.Body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultPage(practiceName), nil
	}
	p.UpdatedAt = &at
	return p, err
}

// Check tidies the page and says what is wrong with it.
func (p *Page) Check() access.Problems {
	var ps access.Problems
	p.Heading = clinic.OneLine(p.Heading)
	p.Body = strings.TrimSpace(strings.ReplaceAll(p.Body, "\r\n", "\n"))
	ps = required(ps, "heading", p.Heading, maxSubject, "Give the page a heading.", "Keep the heading to 200 characters.")
	ps = required(ps, "body", p.Body, maxText, "Write the text of the page, or restore holdspace's default text.", "Keep the text under 20,000 characters.")
	return ps
}

// savePage stores the practice's own text (the caller has checked it).
func savePage(ctx context.Context, tx *store.Tx, practiceID, staffID string, p Page, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO practice_page (practice_id, heading, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (practice_id) DO UPDATE SET heading = excluded.heading, body = excluded.body, updated_at = excluded.updated_at,
		updated_by = excluded.updated_by`, practiceID, p.Heading, p.Body, now, nullable(staffID))
	return err
}

// restoreDefault removes the practice's own text, so the default shows.
func restoreDefault(ctx context.Context, tx *store.Tx, practiceID string) error {
	_, err := tx.Exec(ctx, `DELETE FROM practice_page WHERE practice_id = ?`, practiceID)
	return err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
