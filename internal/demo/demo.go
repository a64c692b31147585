// Package demo fills an empty database with a demo practice: enough staff
// and clients, at enough stages of care, to try every part of holdspace.
// Each capability adds its part here. All people are invented.
package demo

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/doors"
	"holdspace/internal/keyring"
	"holdspace/internal/store"
)

// Password is every demo account's password.
const Password = "calm harbour morning"

// OwnerTOTPKey is the demo owner's authenticator key (base32), published so
// the second sign-in step can be tried: add it to any authenticator app.
const OwnerTOTPKey = "JBSWY3DPEHPK3PXPHOLDSPACEDEMOKEY"

// Options are what the demo needs from the running holdspace.
type Options struct {
	Hasher *access.Hasher
	Keys   *keyring.Ring
}

// PracticeSlug names the demo practice.
const PracticeSlug = "stillwater"

// Person is someone in the demo practice, for the sign-in details printed
// at start.
type Person struct {
	Name  string
	Email string
	Roles []string
	Note  string
}

// Summary says what was loaded.
type Summary struct {
	Practice string
	Staff    []Person
	Clients  []Person
}

var staff = []struct {
	key, name, email, credentials, licence, npi, dea string
	roles                                            []string
}{
	{"owner", "Morgan Avery", "owner@stillwater.example", "", "", "", "", []string{"owner", "admin"}},
	{"rx", "Dr. Priya Raman", "prescriber@stillwater.example", "MD", "MD-NY-284613", "1598742630", "BR4839201", []string{"prescriber"}},
	{"sam", "Sam Okafor", "therapist@stillwater.example", "LCSW", "LCSW-NY-091734", "1487263905", "", []string{"therapist"}},
	{"elena", "Elena Brooks", "therapist2@stillwater.example", "PsyD", "PSY-NY-022871", "1730592846", "", []string{"therapist"}},
	{"jordan", "Jordan Lee", "monitor@stillwater.example", "RN", "RN-NY-553190", "", "", []string{"monitor"}},
	{"dana", "Dana Whitfield", "frontdesk@stillwater.example", "", "", "", "", []string{"front_desk"}},
}

var clients = []struct {
	key, legal, preferred, pronouns, dob, email, phone string
	team                                               []string // staff keys: therapist, prescriber, monitor
	// wrote and joined are how many days ago the client first wrote to
	// the practice, through its public inquiry form, and became its
	// client; message is what they wrote.
	wrote, joined int
	message       string
}{
	{"alex", "Alex Rivera", "Alex", "they/them", "1988-04-12", "alex@client.example", "+1 555 0101", []string{"sam", "rx", "jordan"}, 32, 30,
		"I've had depression on and off since my twenties, and the last two antidepressants haven't lifted it. My psychiatrist suggested I ask about ketamine-assisted therapy."},
	{"jamie", "Jamie Chen", "", "she/her", "1979-09-30", "jamie@client.example", "+1 555 0102", []string{"sam", "rx"}, 22, 20,
		"I was in a serious accident at work two years ago and still have flashbacks. A friend told me about your practice. Could we talk about whether KAP might help?"},
	{"robert", "Robert Haines", "Rob", "he/him", "1965-01-17", "rob@client.example", "+1 555 0103", []string{"sam", "rx", "jordan"}, 40, 38,
		"My depression has been severe for years and nothing has worked for long. My psychiatrist gave me your name. I'd like to know if I could be considered."},
	{"maya", "Maya Thompson", "", "she/her", "1993-06-05", "maya@client.example", "+1 555 0104", []string{"elena", "rx"}, 45, 40,
		"After a car accident three years ago I've had nightmares and I'm on edge most of the time. My therapist thinks KAP could help me move through it. I'd like to know how to start."},
	{"daniel", "Daniel Ortiz", "Dan", "he/him", "1984-11-22", "dan@client.example", "+1 555 0105", []string{"elena", "rx"}, 25, 23,
		"Since my father died last year I've barely slept, and old memories from my army days are back. My therapist thinks KAP could help. How do I start?"},
	{"priscilla", "Priscilla Nwosu", "Cilla", "she/her", "1971-03-08", "cilla@client.example", "+1 555 0106", []string{"elena", "rx", "jordan"}, 20, 18,
		"I've lived with depression and anxiety for most of my adult life and have tried many treatments. I'd like to learn about your ketamine program."},
}

// Empty reports whether the database holds no practice yet.
func Empty(ctx context.Context, db *store.DB) (bool, error) {
	any, err := access.AnyPractice(ctx, db)
	return !any, err
}

// Load fills an empty database with the demo practice, told as it
// happened: a year ago the practice opened, then its staff and clients
// came and their care went on, each step through the front door the
// person who took it would use, with the doors' clock set to that step's
// moment. So the demo is not one transaction: if it stops part way, the
// database holds part of the demo, and the way on is to start again with
// an empty data directory or database.
func Load(ctx context.Context, db *store.DB, o Options, now time.Time) (Summary, error) {
	sum := Summary{Practice: "Stillwater Ketamine Therapy"}
	for _, s := range staff {
		p := Person{Name: s.name, Email: s.email, Roles: s.roles}
		if s.key == "owner" {
			p.Note = "authenticator key " + OwnerTOTPKey
		}
		sum.Staff = append(sum.Staff, p)
	}
	for _, c := range clients {
		sum.Clients = append(sum.Clients, Person{Name: c.legal, Email: c.email})
	}
	w, err := newWorld(ctx, db, o, now)
	if err != nil {
		return sum, err
	}
	if err := w.tell(); err != nil {
		if w.practiceID != "" {
			return sum, fmt.Errorf("the demo stopped part way, and the database now holds part of the demo practice: start again with an empty data directory or database (%w)", err)
		}
		return sum, err
	}
	return sum, nil
}

// world is the demo practice as it is being built: what each capability's
// part of the demo needs to add its records. Staff keys: owner, rx, sam,
// elena, jordan. Client keys: alex, jamie, robert, maya, daniel,
// priscilla; the clients of the past courses go by their email.
type world struct {
	ctx        context.Context
	db         *store.DB
	practiceID string
	staff      map[string]string
	clients    map[string]string
	now        time.Time
	keys       *keyring.Ring

	// clock is the doors' time; doors are the practice's front doors;
	// as holds the people who use them, staff by key and clients by key
	// (the clients of the past courses by email).
	clock *clock
	doors *doors.Set
	as    map[string]access.Actor
	// post takes the practice's mail when it is delivered.
	post *postbox
	// course is the demo clients' courses by client key (the past
	// courses' clients by email), as the prescriber planned them;
	// medicine are Alex's medicine sessions by number, as booked.
	course   map[string]string
	medicine map[int]*booked
	// rooms are the practice's rooms by name.
	rooms map[string]string
}

// opened is when the demo practice opened: before anything in its story.
func opened(now time.Time) time.Time { return now.AddDate(-1, 0, 0) }

func newWorld(ctx context.Context, db *store.DB, o Options, now time.Time) (*world, error) {
	c := newClock(opened(now))
	acc := &access.Service{DB: db, Hasher: o.Hasher, Keys: o.Keys, Now: c.Now, BaseURL: baseURL, Policy: access.DefaultPolicy()}
	d, err := doors.New(doors.Deps{Access: acc, Now: c.Now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	return &world{ctx: ctx, db: db, staff: map[string]string{}, clients: map[string]string{}, now: now, keys: o.Keys,
		clock: c, doors: d, as: map[string]access.Actor{}, post: &postbox{invited: map[string]string{}},
		course: map[string]string{}, medicine: map[int]*booked{}, rooms: map[string]string{}}, nil
}

// baseURL starts the links in the demo's mail, which nobody receives.
const baseURL = "https://stillwater.example/"

// tell builds the practice: its opening, then the story's timeline,
// every step through the doors at its own moment, so each meets the
// rules (the booking gate, readiness, the prescriber's limits) as the
// practice's people met them.
func (w *world) tell() error {
	if err := w.open(); err != nil {
		return err
	}
	var t timeline
	w.arrivals(&t)
	w.inquiries(&t)
	w.prescribing(&t)
	w.consent(&t)
	w.preparation(&t)
	w.safetyPlan(&t)
	w.intake(&t)
	w.pastCourses(&t)
	w.courses(&t)
	w.schedule(&t)
	w.sessionRecords(&t)
	w.reminders(&t)
	w.measures(&t)
	w.safety(&t)
	return t.run(w.clock)
}
