package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"holdspace/internal/demo"
)

// demoTherapist is the demo practice's therapist: staff MFA is off in the
// demo, so a password alone signs in.
const demoTherapist = "therapist@stillwater.example"

// Scenario is one kind of request the harness repeats. Adding one is adding
// an entry to Scenarios; a scenario that needs state (a signed-in session,
// the id of a chart) makes it in Setup and keeps it in a closure.
type Scenario struct {
	Name        string
	Description string
	// Setup, if set, runs once before the warm-up. The client's cookie jar
	// is shared by every worker, so a session made here serves them all.
	Setup func(ctx context.Context, base string, c *http.Client) error
	// Do makes one request and returns an error when the answer is not the
	// one expected. base has no trailing slash.
	Do func(ctx context.Context, base string, c *http.Client) error
}

// Scenarios is the registry, in the order "all" runs them.
func Scenarios() []Scenario {
	return []Scenario{
		{Name: "healthz", Description: "GET /healthz: liveness, no database", Do: get("/healthz", http.StatusOK)},
		{Name: "readyz", Description: "GET /readyz: pings the database and checks its migrations", Do: get("/readyz", http.StatusOK)},
		{Name: "home", Description: "GET / signed out: the redirect to sign in", Do: get("/", http.StatusSeeOther)},
		{Name: "signin", Description: "GET /signin: counts the practices in the database and renders the sign-in page", Do: get("/signin", http.StatusOK)},
		{Name: "static", Description: "GET /static/style.css: an embedded file", Do: get("/static/style.css", http.StatusOK)},
		{Name: "notfound", Description: "GET /no-such-page: the rendered 404 page", Do: get("/no-such-page", http.StatusNotFound)},
		{Name: "clients", Description: "GET /clients signed in as the demo therapist: session check, access decision and audit entry, list, page",
			Setup: signIn(demoTherapist), Do: get("/clients", http.StatusOK)},
		chart(),
		calendarWeek(),
		sessionPage(),
		sessionPoll(),
	}
}

// chart reads one client's chart again and again, as the demo therapist
// on that client's care team.
func chart() Scenario {
	var path string
	return Scenario{
		Name:        "chart",
		Description: "GET /clients/{id} signed in as the demo therapist: session check, access decision and audit entry, chart, page",
		Setup: func(ctx context.Context, base string, c *http.Client) error {
			body, err := fetchSignedIn(ctx, c, base, demoTherapist, "/clients")
			if err != nil {
				return err
			}
			m := chartLink.FindSubmatch(body)
			if m == nil {
				return errors.New("the demo therapist's client list links to no chart")
			}
			path = string(m[1])
			return nil
		},
		Do: func(ctx context.Context, base string, c *http.Client) error {
			return get(path, http.StatusOK)(ctx, base, c)
		},
	}
}

var chartLink = regexp.MustCompile(`href="(/clients/[0-9a-f-]{36})"`)

// signIn builds a Setup that signs in as a demo staff member; the session
// cookie lands in the client's jar.
func signIn(email string) func(context.Context, string, *http.Client) error {
	return func(ctx context.Context, base string, c *http.Client) error {
		form := url.Values{"email": {email}, "password": {demo.Password}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/signin", strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "/signin") {
			return fmt.Errorf("signing in as %s with the demo password did not give a full session (status %d, to %q): this scenario needs the demo practice", email, resp.StatusCode, loc)
		}
		return nil
	}
}

// fetchSignedIn signs c in as email and reads the page at path: where a
// scenario's setup finds what it will read.
func fetchSignedIn(ctx context.Context, c *http.Client, base, email, path string) ([]byte, error) {
	if err := signIn(email)(ctx, base, c); err != nil {
		return nil, err
	}
	return fetch(ctx, c, base+path)
}

// fetch returns the body of a page that must answer 200.
func fetch(ctx context.Context, c *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %w", u, statusError{got: resp.StatusCode, want: http.StatusOK})
	}
	return b.Bytes(), nil
}

// ceilingScenario is what the trivial handler is asked, at the same load.
func ceilingScenario() Scenario {
	return Scenario{Name: "ceiling", Description: "GET / on a bare net/http handler answering 200 ok", Do: get("/", http.StatusOK)}
}

// pick returns the scenarios named in a comma-separated list, or all of
// them for "all".
func pick(reg []Scenario, names string) ([]Scenario, error) {
	if names == "all" {
		return reg, nil
	}
	var out []Scenario
	for name := range strings.SplitSeq(names, ",") {
		found := false
		for _, s := range reg {
			if s.Name == strings.TrimSpace(name) {
				out = append(out, s)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("no scenario %q (see -list)", name)
		}
	}
	return out, nil
}

// get builds a Do that fetches path and expects the status want.
func get(path string, want int) func(context.Context, string, *http.Client) error {
	return func(ctx context.Context, base string, c *http.Client) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return err
		}
		return send(c, req, want)
	}
}

// send makes the request and reads the whole body, as a browser would, so
// the server's full cost of writing it is measured.
func send(c *http.Client, req *http.Request, want int) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		return statusError{got: resp.StatusCode, want: want}
	}
	return err
}

// statusError is an answer with the wrong status code.
type statusError struct{ got, want int }

func (e statusError) Error() string { return fmt.Sprintf("status %d, want %d", e.got, e.want) }
