// Package e2e holds holdspace's end-to-end tests: each test starts the real
// holdspace in-process (app.Open, the demo practice, Serve on a free port of
// 127.0.0.1) and drives a headless Chromium through it with chromedp, as a
// person at a tablet would.
//
// Run them with
//
//	go test ./internal/e2e/ -run . -v
//
// The browser is Debian's Chromium (apt-get install chromium); set
// HOLDSPACE_TEST_CHROMIUM to use another binary. Without a browser the
// tests skip, except under CI=true, where they fail. Tests that ask for
// PostgreSQL create a fresh database on the server named by
// HOLDSPACE_TEST_POSTGRES (see internal/store/storetest); ./test.sh starts
// a throwaway one when none is given.
//
// To see what the tests see, name a folder in HOLDSPACE_SCREENSHOTS:
//
//	HOLDSPACE_SCREENSHOTS=$PWD/screenshots go test ./internal/e2e/ -run . -v
//
// Every page a test passes to screenshot is then written there as a
// full-page PNG named after the test and the step.
//
// Every browser a test opens fails the test when a page throws an uncaught
// exception, logs an error to the console or breaks its Content Security
// Policy: holdspace's pages must run clean under their CSP. A test that
// expects such a message (the browser logs a 404 document, for one) says
// so with allowProblem.
package e2e
