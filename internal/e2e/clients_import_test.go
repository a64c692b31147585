package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// clientsFile writes a CSV of n clients as another system exports them,
// with broken set to the rows (from 0) to spoil: a date in another
// format, an email that is not one, and the same client twice.
func clientsFile(t *testing.T, name, prefix string, n int, broken bool) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("\uFEFFFirst Name,Last Name,Date of Birth,Email,Phone,Therapist email,Prescriber email\r\n")
	for i := range n {
		dob := fmt.Sprintf("19%02d-%02d-%02d", 50+i%45, 1+i%12, 1+i%28)
		email := fmt.Sprintf("%s%03d@client.example", strings.ToLower(prefix), i)
		first := fmt.Sprintf("%s%03d", prefix, i)
		if broken {
			switch i {
			case 17:
				dob = "03/14/1980"
			case 88:
				email = strings.ToLower(prefix) + "088@"
			case 150:
				first, dob = prefix+"149", fmt.Sprintf("19%02d-%02d-%02d", 50+149%45, 1+149%12, 1+149%28)
			}
		}
		fmt.Fprintf(&b, "%s,Imported,%s,%s,+1 555 010 %04d,therapist@stillwater.example,prescriber@stillwater.example\r\n", first, dob, email, i)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const dupConflict = `^network error: Failed to load resource: the server responded with a status of 409 \(Conflict\) \(https?://[^/]+/clients/new\)$`

func uploadFile(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{path})); err != nil {
		t.Fatal(err)
	}
	clickButton(t, ctx, "Upload and preview")
}

// A practice brings its clients from another system: a file of 200, whose
// three faulty rows the preview shows before anything is written; the
// corrected file goes in whole; then a client who phoned is added by hand,
// and the form warns when the same person is added twice.
func TestAPracticeImportsItsClientsAndAddsOneByHand(t *testing.T) {
	s := startHoldspace(t)
	b := newBrowser(t, withWindow(1280, 900))
	// The duplicate warning is the form again with 409 Conflict.
	allowProblem(t, b, dupConflict)
	signIn(t, b, s, "therapist@stillwater.example", "")
	visit(t, b, s.at("/clients"))
	clickLink(t, b, "Import clients")
	waitText(t, b, "Download the template CSV")

	uploadFile(t, b, clientsFile(t, "from-old-system.csv", "Client", 200, true))
	waitText(t, b, "3 problems in 3 rows")
	body := textOf(t, b, "#preview")
	for _, want := range []string{"“03/14/1980” is not a date as year-month-day", "“client088@” is not an email address", "as the row on line 151"} {
		if !strings.Contains(body, want) {
			t.Errorf("the preview lacks %q:\n%s", want, body)
		}
	}
	if n := count(t, b, `form[action$="/run"]`); n != 0 {
		t.Fatal("the preview offers to import a file with problems")
	}

	uploadFile(t, b, clientsFile(t, "from-old-system-fixed.csv", "Client", 200, false))
	waitText(t, b, "All 200 rows can be imported")
	clickButton(t, b, "Import 200 clients")
	waitText(t, b, "Import report")
	reportPage := currentPath(t, b)
	if got := textOf(t, b, "#report"); !strings.Contains(got, "200, each in preparation") {
		t.Fatalf("%s", got)
	}
	visit(t, b, s.at("/clients?q=Client042"))
	waitText(t, b, "Client042 Imported")

	// A client who phoned, added by hand; then the same person again.
	visit(t, b, s.at("/clients"))
	clickLink(t, b, "Add a client")
	fill(t, b, "Legal name", "Marisol Vega")
	setValue(t, b, `input[name="date_of_birth"]`, "1979-08-30")
	fill(t, b, "Email address", "marisol@client.example")
	fill(t, b, "Prescriber", "Dr. Priya Raman")
	clickButton(t, b, "Add the client")
	waitText(t, b, "Marisol Vega is now a client")
	visit(t, b, s.at("/clients/new"))
	fill(t, b, "Legal name", "marisol vega")
	setValue(t, b, `input[name="date_of_birth"]`, "1979-08-30")
	fill(t, b, "Prescriber", "Dr. Priya Raman")
	click(t, b, `input[name="invite"]`)
	clickButton(t, b, "Add the client")
	waitText(t, b, "This may be a client you already have")
	screenshot(t, b, "add-duplicate-warning")
	clickButton(t, b, "Add anyway")
	waitText(t, b, "marisol vega is now a client")

	// Each new page at a phone's, a tablet's and a desktop's width.
	for _, width := range []int{390, 820, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			w := newBrowser(t, withWindow(width, 900))
			allowProblem(t, w, dupConflict)
			signIn(t, w, s, "therapist@stillwater.example", "")
			visit(t, w, s.at("/client-imports"))
			waitText(t, w, "Earlier imports")
			screenshot(t, w, "import")
			uploadFile(t, w, clientsFile(t, "more.csv", fmt.Sprintf("Width%d", width), 200, true))
			waitText(t, w, "3 problems in 3 rows")
			screenshot(t, w, "import-preview-problems")
			visit(t, w, s.at(reportPage))
			waitText(t, w, "Import report")
			screenshot(t, w, "import-report")
			visit(t, w, s.at("/clients/new"))
			waitText(t, w, "For a referral or a phone call")
			screenshot(t, w, "add-client")
			fill(t, w, "Legal name", "Marisol Vega")
			setValue(t, w, `input[name="date_of_birth"]`, "1979-08-30")
			fill(t, w, "Email address", "marisol@client.example")
			fill(t, w, "Prescriber", "Dr. Priya Raman")
			clickButton(t, w, "Add the client")
			waitText(t, w, "This may be a client you already have")
			screenshot(t, w, "add-duplicate-warning")
		})
	}
}
