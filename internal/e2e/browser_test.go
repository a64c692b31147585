package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"holdspace/internal/syncbuf"
)

const (
	// envChromium names the browser binary; Debian's is the default.
	envChromium     = "HOLDSPACE_TEST_CHROMIUM"
	defaultChromium = "/usr/bin/chromium"
	// envScreenshots names a folder to write every screenshot to.
	envScreenshots = "HOLDSPACE_SCREENSHOTS"
	// browserTimeout bounds one test's browser, so a hung browser or a
	// page that never loads fails that test, not the whole suite. The
	// longest test, a whole medicine session, keeps one browser open for
	// about 40 seconds on a quiet machine; three minutes leaves room for a
	// busy CI runner without letting a hang stall the suite.
	browserTimeout = 3 * time.Minute
)

type browserOptions struct {
	width, height int
	noScript      bool
}

// browserOption changes the browser newBrowser starts.
type browserOption func(*browserOptions)

// withoutJavaScript starts a browser that runs no page script, as some
// clinics' locked-down tablets do: every holdspace page must still work.
func withoutJavaScript() browserOption { return func(o *browserOptions) { o.noScript = true } }

// withWindow sets the browser window's size in CSS pixels.
func withWindow(width, height int) browserOption {
	return func(o *browserOptions) { o.width, o.height = width, height }
}

// newBrowser starts a headless Chromium of the test's own and returns the
// context to drive its one tab with. The browser closes when the test
// ends; the test fails if any page it showed threw an exception, logged an
// error or broke its Content Security Policy.
func newBrowser(t *testing.T, opts ...browserOption) context.Context {
	t.Helper()
	o := browserOptions{width: 1280, height: 900}
	for _, opt := range opts {
		opt(&o)
	}
	exe := os.Getenv(envChromium)
	if exe == "" {
		exe = defaultChromium
	}
	found, err := exec.LookPath(exe)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no browser at %s (%v): under CI the browser tests must run; install chromium or set %s", exe, err, envChromium)
		}
		t.Skipf("no browser at %s; browser tests skipped (install chromium or set %s)", exe, envChromium)
	}
	exe = found

	var output syncbuf.Buffer
	flags := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		// CI runs as root, where Chromium's sandbox cannot start.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Chromium makes no requests of its own (updates, sync, QUIC
		// probes): the tests' only traffic is to the site under test.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(o.width, o.height),
		chromedp.CombinedOutput(&output),
	)
	if o.noScript {
		flags = append(flags, chromedp.Flag("blink-settings", "scriptEnabled=false"))
	}

	timeout := browserTimeout
	if deadline, ok := t.Deadline(); ok {
		// Leave go test's own deadline room to report which test hung.
		if left := time.Until(deadline) - 5*time.Second; left < timeout {
			timeout = left
		}
	}
	base, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(base, flags...)
	p := &pageProblems{allowed: []*regexp.Regexp{
		// Chromium asks every site for /favicon.ico by itself; holdspace
		// names no icon yet, and that is no fault of the page under test.
		regexp.MustCompile(`^network error: Failed to load resource: the server responded with a status of 404 \(Not Found\) \(https?://[^/]+/favicon\.ico\)$`),
	}}
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(p.listen))
	stop := func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
	}
	// Start the browser now, so that one that cannot start fails here
	// with what it printed, not in the middle of the test's first step.
	if err := chromedp.Do(ctx); err != nil {
		stop()
		t.Fatalf("starting %s: %v\n%s", exe, err, output.String())
	}
	// The window's size includes what headless Chromium keeps for its
	// own frame; the page should get the whole size asked for.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(o.width), int64(o.height))); err != nil {
		stop()
		t.Fatalf("sizing the page to %dx%d: %v", o.width, o.height, err)
	}
	t.Cleanup(func() {
		// A command's reply comes after every event sent before it, so
		// one round trip lets the listener see the last page's messages.
		if ctx.Err() == nil {
			_, _ = chromedp.Run(ctx, chromedp.Location())
		}
		stop()
		for _, msg := range p.unexpected() {
			t.Errorf("the browser reported: %s", msg)
		}
	})
	ctx = context.WithValue(ctx, pageProblemsKey{}, p)
	// holdspace answers a refused form with 422 and the form again, with
	// the errors beside the fields: Chromium notes the status, but it is
	// the page working as meant.
	allowProblem(t, ctx, `^network error: Failed to load resource: the server responded with a status of 422 \(Unprocessable Entity\)`)
	return ctx
}

// pageProblems collects what the browser reported that a clean holdspace
// page never causes.
type pageProblems struct {
	mu      sync.Mutex
	seen    []string
	allowed []*regexp.Regexp
}

type pageProblemsKey struct{}

// listen runs in the tab's event loop: it must return quickly and send
// no command.
func (p *pageProblems) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		msg += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			if a.Description != "" {
				args = append(args, a.Description)
			} else {
				args = append(args, strings.Trim(string(a.Value), `"`))
			}
		}
		msg = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
	case *log.EventEntryAdded:
		e := ev.Entry
		// CSP violations come as security entries; an error of any
		// source (a failed load, a blocked resource) is as bad.
		if e.Level != log.EntryLevelError && e.Source != log.EntrySourceSecurity {
			return
		}
		msg = fmt.Sprintf("%s %s: %s", e.Source, e.Level, e.Text)
		if e.URL != "" {
			msg += " (" + e.URL + ")"
		}
	default:
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, msg)
	p.mu.Unlock()
}

// unexpected lists the problems that no allowProblem pattern matches.
func (p *pageProblems) unexpected() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
next:
	for _, msg := range p.seen {
		for _, re := range p.allowed {
			if re.MatchString(msg) {
				continue next
			}
		}
		out = append(out, msg)
	}
	return out
}

// allowProblem lets the browser report a message matching pattern without
// failing the test: for the browser's own note of a 404 document, say.
// The message reads like "network error: Failed to load resource: … (URL)".
func allowProblem(t *testing.T, ctx context.Context, pattern string) {
	t.Helper()
	p, ok := ctx.Value(pageProblemsKey{}).(*pageProblems)
	if !ok {
		t.Fatal("allowProblem needs a context from newBrowser")
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.allowed = append(p.allowed, re)
	p.mu.Unlock()
}

// allowNotFound lets the browser note that the document at path answered
// 404, for tests that visit an unknown address on purpose.
func allowNotFound(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	allowProblem(t, ctx, `^network error: Failed to load resource: the server responded with a status of 404 \(Not Found\) \(https?://[^/]+`+regexp.QuoteMeta(path)+`\)$`)
}

// browserProblems returns what the browser has reported so far, allowed
// or not; the harness's own tests use it.
func browserProblems(t *testing.T, ctx context.Context) []string {
	t.Helper()
	p, ok := ctx.Value(pageProblemsKey{}).(*pageProblems)
	if !ok {
		t.Fatal("browserProblems needs a context from newBrowser")
	}
	// One round trip, so that events sent before now have been seen.
	if _, err := chromedp.Run(ctx, chromedp.Location()); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}

// screenshot writes a full-page PNG of the tab to $HOLDSPACE_SCREENSHOTS,
// named after the test and name, when that variable names a folder; it
// does nothing otherwise.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %q: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, fileSafe(t.Name())+"--"+fileSafe(name)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", file)
}

// fileSafe turns a test or step name into a file name part: letters,
// digits, dots and dashes, with one underscore for any run of the rest.
func fileSafe(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
	}
	return b.String()
}
