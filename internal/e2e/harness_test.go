package e2e

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The harness's own tests: on small pages served under holdspace's own
// Content Security Policy, the browser must notice what breaks a page,
// and the helpers must find, fill and press what a person would.

// fixture serves the harness's test pages with the CSP header a real
// holdspace sends, read from one, so the two cannot drift apart.
func fixture(t *testing.T) string {
	t.Helper()
	s := startHoldspace(t, withoutDemo())
	res, err := http.Get(s.at("/healthz"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if csp == "" {
		t.Fatal("holdspace sent no Content-Security-Policy header")
	}

	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<!doctype html><html lang=en><head><meta charset=utf-8><title>fixture</title></head><body>%s</body></html>", body)
		}
	}
	script := func(js string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			fmt.Fprint(w, js)
		}
	}
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /clean", page(`<h1>Clean</h1><script src="/quiet.js"></script>`))
	mux.HandleFunc("GET /quiet.js", script(`console.log("a log line is no problem");`))
	mux.HandleFunc("GET /inline-script", page(`<h1>Inline script</h1><script>document.title = "ran";</script>`))
	mux.HandleFunc("GET /inline-style", page(`<h1 style="color: red">Inline style</h1>`))
	mux.HandleFunc("GET /console-error", page(`<h1>Console error</h1><script src="/console-error.js"></script>`))
	mux.HandleFunc("GET /console-error.js", script(`console.error("boom from the page");`))
	mux.HandleFunc("GET /throws", page(`<h1>Throws</h1><script src="/throws.js"></script>`))
	mux.HandleFunc("GET /throws.js", script(`throw new Error("thrown by the page");`))
	mux.HandleFunc("GET /missing-script", page(`<h1>Missing script</h1><script src="/nowhere.js"></script>`))
	mux.HandleFunc("GET /mark", page(`<p id="mark">marked?</p><script src="/mark.js"></script>`))
	mux.HandleFunc("GET /mark.js", script(`document.getElementById("mark").setAttribute("data-ran", "yes");`))
	mux.HandleFunc("GET /form", page(`<form method="post" action="/form">
<p><label for="f-name">Preferred name <span aria-hidden="true">*</span></label> <input id="f-name" name="preferred_name" value="old name"></p>
<p><input name="email" type="email" aria-label="Email address"></p>
<p><label for="f-pronouns">Pronouns</label> <select id="f-pronouns" name="pronouns"><option value="">Choose</option><option value="she">she/her</option><option value="they">they/them</option></select></p>
<p><label>Notes <textarea name="notes"></textarea></label></p>
<p><button type="button">Does nothing</button> <button type="submit">Save</button></p>
</form>`))
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var b strings.Builder
		b.WriteString("<h1>Saved</h1><dl>")
		for _, k := range []string{"preferred_name", "email", "pronouns", "notes"} {
			fmt.Fprintf(&b, `<dt>%s</dt><dd id="%s">%s</dd>`, k, k, html.EscapeString(r.PostForm.Get(k)))
		}
		b.WriteString("</dl>")
		page(b.String())(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestHarnessNoticesWhatBreaksAPage(t *testing.T) {
	base := fixture(t)
	for _, c := range []struct {
		path string
		want *regexp.Regexp // nil: nothing may be reported
	}{
		{"/clean", nil},
		{"/inline-script", regexp.MustCompile(`^security error: Executing inline script violates the following Content Security Policy directive 'script-src 'self''`)},
		{"/inline-style", regexp.MustCompile(`^security error: Applying inline style violates the following Content Security Policy directive 'style-src 'self''`)},
		{"/console-error", regexp.MustCompile(`^console\.error: boom from the page$`)},
		{"/throws", regexp.MustCompile(`^uncaught exception: .*thrown by the page`)},
		{"/missing-script", regexp.MustCompile(`^network error: .*404.*/nowhere\.js\)$`)},
	} {
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			ctx := newBrowser(t)
			// Only this test may see these without failing.
			allowProblem(t, ctx, `.`)
			visit(t, ctx, base+c.path)
			got := browserProblems(t, ctx)
			if c.want == nil {
				if len(got) > 0 {
					t.Errorf("a clean page was reported: %q", got)
				}
				return
			}
			if !slices.ContainsFunc(got, c.want.MatchString) {
				t.Errorf("the browser reported %q; want a message matching %s", got, c.want)
			}
		})
	}
}

func TestHarnessAllowsOnlyWhatATestAllows(t *testing.T) {
	p := &pageProblems{
		seen: []string{
			"network error: Failed to load resource: the server responded with a status of 404 (Not Found) (http://127.0.0.1:1/gone)",
			"console.error: boom",
		},
		allowed: []*regexp.Regexp{regexp.MustCompile(`\(http://[^/]+/gone\)$`)},
	}
	if got, want := p.unexpected(), []string{"console.error: boom"}; !slices.Equal(got, want) {
		t.Errorf("unexpected() = %q, want %q", got, want)
	}
}

func TestHarnessWithoutJavaScriptRunsNoScript(t *testing.T) {
	base := fixture(t)
	for _, c := range []struct {
		name string
		opts []browserOption
		ran  bool
	}{
		{"script", nil, true},
		{"no-script", []browserOption{withoutJavaScript()}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := newBrowser(t, c.opts...)
			visit(t, ctx, base+"/mark")
			if got := count(t, ctx, "#mark[data-ran]") == 1; got != c.ran {
				t.Errorf("the page's script ran: %v, want %v", got, c.ran)
			}
		})
	}
}

func TestHarnessFillsAndSubmitsAForm(t *testing.T) {
	base := fixture(t)
	for _, c := range []struct {
		name string
		opts []browserOption
	}{
		{"script", nil},
		{"no-script", []browserOption{withoutJavaScript()}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := newBrowser(t, c.opts...)
			visit(t, ctx, base+"/form")
			fill(t, ctx, "Preferred name", "Sam")
			fill(t, ctx, "Preferred name", "Alex")
			fill(t, ctx, "email", "alex@client.example")
			fill(t, ctx, "Pronouns", "they/them")
			fill(t, ctx, "Notes", `Says "hello" and it's fine`)
			press(t, ctx, "Does nothing")
			if p := currentPath(t, ctx); p != "/form" {
				t.Fatalf("a button that submits nothing led to %s", p)
			}
			screenshot(t, ctx, "filled")
			resp := clickButton(t, ctx, "Save")
			if resp.Status != http.StatusOK {
				t.Fatalf("saving: status %d", resp.Status)
			}
			waitText(t, ctx, "Saved")
			for id, want := range map[string]string{
				"preferred_name": "Alex",
				"email":          "alex@client.example",
				"pronouns":       "they",
				"notes":          `Says "hello" and it's fine`,
			} {
				if got := textOf(t, ctx, "#"+id); got != want {
					t.Errorf("%s arrived as %q, want %q", id, got, want)
				}
			}
		})
	}
}

func TestHarnessXPathLiteral(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:       `"plain"`,
		`say "hi"`:    `'say "hi"'`,
		`it's "this"`: `concat("it's ", '"', "this", '"', "")`,
	} {
		if got := xpathLiteral(in); got != want {
			t.Errorf("xpathLiteral(%q) = %s, want %s", in, got, want)
		}
	}
}
