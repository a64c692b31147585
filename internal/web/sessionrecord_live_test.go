package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// TestTheLivePageShowsOthersEntriesWithoutLosingTyping opens the live
// record in a real browser as one clinician while another records a
// reading from their own tablet: static/session.js notices the new
// version, swaps the changed parts in, and leaves alone the part where the
// first clinician is typing. The page raises no script error and breaks
// no Content Security Policy.
func TestTheLivePageShowsOthersEntriesWithoutLosingTyping(t *testing.T) {
	exe, err := exec.LookPath(chromiumPath())
	if err != nil {
		t.Skip("no browser; the live script's test is skipped")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _, sid := sessionSite(t, db)
		page := s.url + "/clients/" + s.alexID + "/sessions/" + sid
		sam := s.client(t, "therapist-on-team")
		srPost(t, sam, page+"/start", nil, http.StatusSeeOther)

		flags := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
			chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(820, 1100))
		base, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		alloc, cancelAlloc := chromedp.NewExecAllocator(base, flags...)
		defer cancelAlloc()
		var mu sync.Mutex
		var problems []string
		ctx, cancelTab := chromedp.NewContext(alloc, chromedp.WithListener(func(ev any) {
			mu.Lock()
			defer mu.Unlock()
			switch e := ev.(type) {
			case *runtime.EventExceptionThrown:
				problems = append(problems, "exception: "+e.ExceptionDetails.Text)
			case *log.EventEntryAdded:
				// Content Security Policy violations and failed loads.
				if (e.Entry.Level == log.EntryLevelError || e.Entry.Source == log.EntrySourceSecurity) && !strings.Contains(e.Entry.URL, "favicon") {
					problems = append(problems, e.Entry.Text)
				}
			case *runtime.EventConsoleAPICalled:
				if e.Type == runtime.ConsoleAPICalledTypeError {
					problems = append(problems, "console error")
				}
			}
		}))
		defer cancelTab()

		typed := "Half a sentence I am still writing"
		css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
		err := chromedp.Do(ctx,
			chromedp.Navigate(s.url+"/signin"),
			chromedp.SendKeys(css(`#f-email`), s.emails["therapist-on-team"]),
			chromedp.SendKeys(css(`#f-password`), testPassword),
			chromedp.Submit(css(`#f-password`)),
			chromedp.WaitVisible(css(`nav[aria-label="Main"]`)),
			chromedp.Navigate(page),
			chromedp.WaitVisible(css(`#notes`)),
			// Typing into the checklist: its part must be left alone.
			chromedp.SetValue(css(`#f-checklist-intention`), typed),
		)
		if err != nil {
			t.Fatal(err)
		}
		// Another clinician saves the checklist and records a reading from their tablet.
		jordan := s.client(t, "monitor")
		srPost(t, jordan, page+"/checklist", url.Values{"checklist.base_version": {"0"}, "checklist.escort_name": {"Jo Rivera"}}, http.StatusSeeOther)
		srPost(t, jordan, page+"/vitals", url.Values{"vitals.systolic": {"150"}, "vitals.diastolic": {"90"}, "vitals.heart_rate": {"72"}}, http.StatusSeeOther)
		// The script polls every few seconds, and at once when the tab comes back into view.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.dispatchEvent(new Event("visibilitychange"))`)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('[data-part="readings"]').textContent.includes("150")`,
			chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			t.Fatalf("the readings were not refreshed: %v", err)
		}
		readings, err := chromedp.Run(ctx, chromedp.Text(css(`[data-part="readings"]`)))
		if err != nil {
			t.Fatal(err)
		}
		status, err := chromedp.Run(ctx, chromedp.Text(css(`[data-live-status]`)))
		if err != nil {
			t.Fatal(err)
		}
		summary, err := chromedp.Run(ctx, chromedp.Value(css(`#f-checklist-intention`)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(readings, "Jordan Lee") {
			t.Errorf("the readings part was not refreshed: %q", readings)
		}
		if summary != typed {
			t.Errorf("what was being typed was lost: %q", summary)
		}
		if !strings.Contains(status, "waiting") {
			t.Errorf("live status: %q", status)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("the browser reported: %s", p)
		}
	})
}

func chromiumPath() string {
	if p := os.Getenv("HOLDSPACE_TEST_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}
