package e2e

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The frame every page shares: the start page, the page for an unknown
// address, the stylesheet, and pages that work without script and on a
// tablet.

func TestStartPageShowsThePracticeStyled(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db siteOption) {
		s := startHoldspace(t, db)
		ctx := newBrowser(t)

		// Nobody is signed in, so the start page is the sign-in page.
		resp := visit(t, ctx, s.at("/"))
		if resp.Status != http.StatusOK {
			t.Fatalf("start page: status %d, want 200", resp.Status)
		}
		if p := currentPath(t, ctx); p != "/signin" {
			t.Errorf("start page led to %s, want /signin", p)
		}
		if got := textOf(t, ctx, "h1"); got != "Sign in" {
			t.Errorf("heading %q, want %q", got, "Sign in")
		}
		if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || title != "Sign in · holdspace" {
			t.Errorf("title %q (%v), want %q", title, err, "Sign in · holdspace")
		}
		screenshot(t, ctx, "start")

		// Unstyled, Chromium paints the body transparent over white and
		// in Times; holdspace's stylesheet gives it paper and a sans.
		bg := computedStyle(t, ctx, "body", "background-color")
		if bg == "rgba(0, 0, 0, 0)" || bg == "rgb(255, 255, 255)" {
			t.Errorf("body background %s: the stylesheet was not applied", bg)
		}
		if font := computedStyle(t, ctx, "body", "font-family"); strings.Contains(strings.ToLower(font), "times") {
			t.Errorf("body font %q: the stylesheet was not applied", font)
		}
	})
}

func TestStartPageOnAnEmptyDatabaseSaysHowToBegin(t *testing.T) {
	s := startHoldspace(t, withoutDemo())
	ctx := newBrowser(t)
	visit(t, ctx, s.at("/"))
	waitText(t, ctx, "No practice has been set up")
	screenshot(t, ctx, "empty")
}

func TestUnknownAddressShowsNotFoundWithTheRequestID(t *testing.T) {
	s := startHoldspace(t)
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)

	// Without a browser: the status, the header and the id in the page.
	res, err := http.Get(s.at("/no/such/page"))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", res.StatusCode)
	}
	id := res.Header.Get("X-Request-Id")
	if !hex16.MatchString(id) {
		t.Fatalf("X-Request-Id %q, want 16 hex digits", id)
	}
	if !strings.Contains(string(body), id) {
		t.Errorf("the page does not show its request id %s", id)
	}

	// In the browser: what a person sees, and the id they would quote.
	ctx := newBrowser(t)
	// Chromium notes every 404 document in the console; that one is ours.
	allowNotFound(t, ctx, "/no/such/page")
	resp := visit(t, ctx, s.at("/no/such/page"))
	if resp.Status != http.StatusNotFound {
		t.Errorf("browser saw status %d, want 404", resp.Status)
	}
	if got := textOf(t, ctx, "h1"); got != "Page not found" {
		t.Errorf("heading %q, want %q", got, "Page not found")
	}
	screenshot(t, ctx, "not-found")
	shown := textOf(t, ctx, "main code")
	if !hex16.MatchString(shown) {
		t.Errorf("the page shows the reference %q, want 16 hex digits", shown)
	}
	if want := header(resp, "X-Request-Id"); shown != want {
		t.Errorf("the page shows the reference %q, the response's X-Request-Id is %q", shown, want)
	}
	if foot := textOf(t, ctx, "footer"); !strings.Contains(foot, shown) {
		t.Errorf("footer %q does not name the request %s", foot, shown)
	}

	clickLink(t, ctx, "Go to the start page")
	if p := currentPath(t, ctx); p != "/signin" {
		t.Errorf("the start page link led to %s, want the sign-in page", p)
	}
}

func TestPagesWorkWithoutJavaScript(t *testing.T) {
	s := startHoldspace(t)
	with, without := newBrowser(t), newBrowser(t, withoutJavaScript())
	for _, ctx := range []context.Context{with, without} {
		allowNotFound(t, ctx, "/no/such/page")
	}
	for _, page := range []struct{ path, heading string }{
		{"/", "Sign in"},
		{"/no/such/page", "Page not found"},
	} {
		var headings [2]string
		for i, ctx := range []context.Context{with, without} {
			visit(t, ctx, s.at(page.path))
			headings[i] = textOf(t, ctx, "h1")
		}
		screenshot(t, without, "no-script "+page.path)
		if headings[0] != page.heading || headings[1] != headings[0] {
			t.Errorf("%s: heading with script %q, without %q; want %q for both", page.path, headings[0], headings[1], page.heading)
		}
		// The stylesheet needs no script either.
		if bg := computedStyle(t, without, "body", "background-color"); bg == "rgba(0, 0, 0, 0)" {
			t.Errorf("%s without script: the stylesheet was not applied", page.path)
		}
	}
}

func TestPagesFitATablet(t *testing.T) {
	s := startHoldspace(t)
	for _, screen := range []struct {
		name          string
		width, height int
	}{
		{"portrait", 768, 1024},
		{"landscape", 1024, 768},
	} {
		t.Run(screen.name, func(t *testing.T) {
			ctx := newBrowser(t, withWindow(screen.width, screen.height))
			allowNotFound(t, ctx, "/no/such/page")
			for _, path := range []string{"/", "/no/such/page"} {
				visit(t, ctx, s.at(path))
				screenshot(t, ctx, "page "+path)
				fit, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
					Scroll, Client int
				}](`({Scroll: document.documentElement.scrollWidth, Client: document.documentElement.clientWidth})`))
				if err != nil {
					t.Fatal(err)
				}
				if fit.Client != screen.width {
					t.Fatalf("%s: the page is %d px wide in a %d px window; the test does not measure a tablet", path, fit.Client, screen.width)
				}
				if fit.Scroll > fit.Client {
					t.Errorf("%s scrolls sideways at %d px: content is %d px wide", path, fit.Client, fit.Scroll)
				}
			}
		})
	}
}

// computedStyle reads one computed CSS property of the first element
// matching a CSS selector, through the CSS domain (no page script).
func computedStyle(t *testing.T, ctx context.Context, css, property string) string {
	t.Helper()
	props, err := chromedp.Run(ctx, chromedp.ComputedStyle(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("computed style of %s: %v", css, err)
	}
	for _, p := range props {
		if p.Name == property {
			return p.Value
		}
	}
	t.Fatalf("%s has no computed %s", css, property)
	return ""
}
