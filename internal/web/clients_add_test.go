package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"holdspace/internal/store"
)

func init() {
	// anonymous, client, other-client, owner, prescriber, therapist-on, therapist-off, monitor, other-practice
	addRoutes(map[string][]string{
		"GET /clients/new":                 {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"POST /clients/new":                {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"POST /api/v1/clients":             {unauth, unauth, unauth, allow, allow, allow, allow, deny, allow, allow},
		"GET /client-imports":              {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"POST /client-imports":             {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"GET /client-imports/template.csv": {signin, deny, deny, allow, allow, allow, allow, deny, allow, allow},
		"GET /client-imports/{id}":         {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /client-imports/{id}":        {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
		"POST /client-imports/{id}/run":    {signin, deny, deny, hidden, hidden, hidden, hidden, deny, hidden, hidden},
	})
}

func TestStaffAddAClientByHandWithDuplicatesWarned(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		c := s.client(t, "owner")
		var sam, rx string
		s.db.Read(context.Background(), func(tx *store.Tx) error {
			tx.QueryRow(context.Background(), `SELECT id FROM staff WHERE email = 'therapist@stillwater.example'`).Scan(&sam)
			return tx.QueryRow(context.Background(), `SELECT id FROM staff WHERE email = 'prescriber@stillwater.example'`).Scan(&rx)
		})
		res, _ := c.Get(s.url + "/clients")
		if body := readBody(t, res); !strings.Contains(body, `href="/clients/new"`) || !strings.Contains(body, `href="/client-imports"`) {
			t.Fatal("the client list offers no way to add or import a client")
		}
		res, _ = c.Get(s.url + "/clients/new")
		if body := readBody(t, res); res.StatusCode != 200 || !strings.Contains(body, `name="therapist_id"`) || !strings.Contains(body, "Sam") {
			t.Fatalf("%d", res.StatusCode)
		}
		// A date in another format comes back beside its field, with what was typed.
		form := url.Values{"legal_name": {"Rosa Diaz"}, "date_of_birth": {"03/09/1991"}, "email": {"rosa@client.example"},
			"therapist_id": {sam}, "prescriber_id": {rx}, "invite": {"on"}}
		res, _ = postForm(c, s.url+"/clients/new", form)
		if body := readBody(t, res); res.StatusCode != 422 || !strings.Contains(body, "year-month-day") || !strings.Contains(body, `value="Rosa Diaz"`) {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		form.Set("date_of_birth", "1991-03-09")
		res, _ = postForm(c, s.url+"/clients/new", form)
		readBody(t, res)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/clients/") {
			t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if n := s.count(t, `SELECT COUNT(*) FROM outbox WHERE to_addr = 'rosa@client.example'`); n != 1 {
			t.Errorf("%d invitations to Rosa", n)
		}
		// Alex's email again: the form shows Alex with a link, and asks to confirm.
		dup := url.Values{"legal_name": {"A. Rivera"}, "email": {"alex@client.example"}, "therapist_id": {sam}, "prescriber_id": {rx}}
		res, _ = postForm(c, s.url+"/clients/new", dup)
		body := readBody(t, res)
		if res.StatusCode != http.StatusConflict || !strings.Contains(body, `href="/clients/`+s.alexID+`"`) || !strings.Contains(body, "Add anyway") ||
			!strings.Contains(body, `name="confirm_duplicate"`) {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM client WHERE legal_name = 'A. Rivera'`); n != 0 {
			t.Fatal("a duplicate was written before it was confirmed")
		}
		dup.Set("confirm_duplicate", "on")
		res, _ = postForm(c, s.url+"/clients/new", dup)
		readBody(t, res)
		if res.StatusCode != http.StatusSeeOther || s.count(t, `SELECT COUNT(*) FROM client WHERE legal_name = 'A. Rivera'`) != 1 {
			t.Fatalf("confirmed: %d", res.StatusCode)
		}

		// The API: a duplicate is a 409 naming the match, until confirmed.
		api := func(body string) (*http.Response, map[string]any) {
			req, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/clients", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+s.tokens["owner"])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			json.NewDecoder(res.Body).Decode(&got)
			res.Body.Close()
			return res, got
		}
		in := fmt.Sprintf(`{"legal_name": "Rosa Diaz", "date_of_birth": "1991-03-09", "therapist_id": %q, "prescriber_id": %q`, sam, rx)
		res, got := api(in + "}")
		dups, _ := got["duplicates"].([]any)
		if res.StatusCode != http.StatusConflict || len(dups) != 1 || dups[0].(map[string]any)["why"] != "name and date of birth" {
			t.Fatalf("%d %v", res.StatusCode, got)
		}
		res, got = api(in + `, "confirm_duplicate": true}`)
		if res.StatusCode != http.StatusCreated || got["legal_name"] != "Rosa Diaz" || len(got["care_team"].([]any)) != 2 {
			t.Fatalf("%d %v", res.StatusCode, got)
		}
		if res, got := api(`{"legal_name": ""}`); res.StatusCode != 422 {
			t.Fatalf("%d %v", res.StatusCode, got)
		}
	})
}

// upload posts a file to the import as a browser does.
func upload(t *testing.T, c *http.Client, u, name string, content io.Reader) *http.Response {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, _ := mw.CreateFormFile("file", name)
		_, err := io.Copy(part, content)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, u, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// zeros is an endless file of commas, to stand for a very large upload
// without holding it.
type zeros struct{ left int64 }

func (z *zeros) Read(p []byte) (int, error) {
	if z.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), z.left)
	for i := range p[:n] {
		p[i] = ','
	}
	z.left -= n
	return int(n), nil
}

func TestAnImportShowsEveryProblemBeforeWritingAndRefusesALargeFile(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		c := s.client(t, "owner")
		before := s.count(t, `SELECT COUNT(*) FROM client`)

		res, _ := c.Get(s.url + "/client-imports/template.csv")
		if body := readBody(t, res); res.StatusCode != 200 || !strings.HasPrefix(body, "\uFEFFlegal_name,") || !strings.Contains(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("the template: %d %q", res.StatusCode, body)
		}

		// A 100 MB file: a clear message, nothing kept, and not read to the end.
		res = upload(t, c, s.url+"/client-imports", "big.csv", &zeros{100 << 20})
		if body := readBody(t, res); res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than 1 MB") {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		// Windows-1252: refused, with what to do.
		res = upload(t, c, s.url+"/client-imports", "latin.csv", strings.NewReader("Name,Email\nJos\xe9 Garc\xeda,jose@client.example\n"))
		if body := readBody(t, res); res.StatusCode != 422 || !strings.Contains(body, "not in UTF-8") || !strings.Contains(body, "CSV UTF-8") {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM client_import`); n != 0 {
			t.Fatalf("%d imports kept from refused files", n)
		}

		// A file with a name column missing, then a date in another format
		// and a duplicate of Alex.
		res = upload(t, c, s.url+"/client-imports", "clients.csv", strings.NewReader("Email,Birthday\nzoe@client.example,1990-01-01\n"))
		readBody(t, res)
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/client-imports/") {
			t.Fatalf("%d %s", res.StatusCode, loc)
		}
		res, _ = c.Get(s.url + loc)
		if body := readBody(t, res); !strings.Contains(body, "needs a column of legal names") {
			t.Fatalf("a missing name column: %s", body)
		}
		res = upload(t, c, s.url+"/client-imports", "clients.csv", strings.NewReader(
			"Name,DOB,Email,Therapist,Prescriber\n"+
				"Zoe Park,1990-01-01,zoe@client.example,therapist@stillwater.example,prescriber@stillwater.example\n"+
				"Yusuf Ali,01/02/1985,yusuf@client.example,therapist@stillwater.example,prescriber@stillwater.example\n"+
				"Alex Again,1991-05-05,alex@client.example,therapist@stillwater.example,prescriber@stillwater.example\n"))
		readBody(t, res)
		loc = res.Header.Get("Location")
		res, _ = c.Get(s.url + loc)
		body := readBody(t, res)
		for _, want := range []string{"2 problems in 2 rows", "“01/02/1985” is not a date as year-month-day", "already in the practice", `href="/clients/` + s.alexID + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the preview lacks %q", want)
			}
		}
		if strings.Contains(body, "/run") {
			t.Error("the preview offers to import a file with problems")
		}
		res, _ = postForm(c, s.url+loc+"/run", nil)
		readBody(t, res)
		if s.count(t, `SELECT COUNT(*) FROM client`) != before {
			t.Fatal("a file with problems wrote clients")
		}

		// Corrected: the preview offers it, and the report follows.
		res = upload(t, c, s.url+"/client-imports", "clients-fixed.csv", strings.NewReader(
			"Name,DOB,Email,Therapist,Prescriber\n"+
				"Zoe Park,1990-01-01,zoe@client.example,therapist@stillwater.example,prescriber@stillwater.example\n"+
				"Yusuf Ali,1985-02-01,yusuf@client.example,therapist@stillwater.example,prescriber@stillwater.example\n"))
		readBody(t, res)
		loc = res.Header.Get("Location")
		res, _ = c.Get(s.url + loc)
		if body := readBody(t, res); !strings.Contains(body, "All 2 rows can be imported") {
			t.Fatalf("%s", body)
		}
		res, _ = postForm(c, s.url+loc+"/run", nil)
		readBody(t, res)
		res, _ = c.Get(s.url + loc)
		if body := readBody(t, res); !strings.Contains(body, "Import report") || !strings.Contains(body, "<dd>2, each in preparation") {
			t.Fatalf("%s", body)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM client`); n != before+2 {
			t.Errorf("%d clients; want %d", n, before+2)
		}
		if n := s.count(t, `SELECT COUNT(*) FROM audit_event WHERE action = 'client.import'`); n != 1 {
			t.Errorf("%d import events", n)
		}
	})
}
