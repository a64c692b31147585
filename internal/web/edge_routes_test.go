package web_test

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
)

// rowCounts counts the rows of every table, to show that a refused request
// wrote nothing: not a record, not an audit entry, not an email.
func rowCounts(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'goose_%'`
	if db.Dialect().Name() == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'goose_%'`
	}
	counts := map[string]int64{}
	err := db.Read(ctx, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, q)
		if err != nil {
			return err
		}
		var tables []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return err
			}
			tables = append(tables, name)
		}
		rows.Close()
		for _, name := range tables {
			var n int64
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM "`+name+`"`).Scan(&n); err != nil {
				return err
			}
			counts[name] = n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

// sameRows fails the test when a table's row count changed.
func sameRows(t *testing.T, what string, before, after map[string]int64) {
	t.Helper()
	if maps.Equal(before, after) {
		return
	}
	for name, n := range after {
		if before[name] != n {
			t.Errorf("%s: table %s went from %d rows to %d", what, name, before[name], n)
		}
	}
}

// idOf is the id in the first row q answers, such as a record that must
// exist for a path.
func idOf(t *testing.T, db *store.DB, q string, args ...any) string {
	t.Helper()
	var id string
	storetest.Scan(t, db, q, args, &id)
	return id
}

// sendJSON sends body as it is, with the content type and the token given
// ("" for none), and decodes the answer (nil where it is not JSON).
func sendJSON(t *testing.T, method, u, token, contentType, body string) (*http.Response, map[string]any) {
	t.Helper()
	res, raw := sendRaw(t, method, u, token, contentType, body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return res, out
}

// sendRaw is sendJSON with the answer as it came.
func sendRaw(t *testing.T, method, u, token, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res, raw
}

// Every route of the JSON API that takes a body, found in the server's own
// list so a new one cannot be missed, refuses each body it cannot take with
// a problem naming the field, and writes nothing.
func TestEveryJSONRouteRefusesABodyItCannotTakeAndStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, srv := buildSite(t, db)
		alertID := idOf(t, db, `SELECT id FROM safety_alert WHERE client_id = ? ORDER BY id LIMIT 1`, s.alexID)
		inquiryID := idOf(t, db, `SELECT id FROM inquiry ORDER BY id LIMIT 1`)
		appointmentID := idOf(t, db, `SELECT appointment_id FROM appointment_client WHERE client_id = ? ORDER BY appointment_id LIMIT 1`, s.alexID)
		courseID := idOf(t, db, `SELECT id FROM course WHERE client_id = ? ORDER BY id LIMIT 1`, s.alexID)
		sessionID := idOf(t, db, `SELECT id FROM course_session WHERE course_id = ? ORDER BY id LIMIT 1`, courseID)
		recordID := idOf(t, db, `SELECT id FROM session_record WHERE client_id = ? ORDER BY id LIMIT 1`, s.alexID)
		// Process notes take a scope of their own, which the site's tokens
		// lack.
		notes := access.NewAPIToken()
		if err := db.Write(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), `INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at)
				SELECT ?, practice_id, id, 'notes', 'clients:read clients:write process_notes:own', ?, ? FROM account WHERE email = ?`,
				store.NewID(), access.HashToken(notes), time.Now(), s.emails["prescriber"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		fill := func(pattern string) (method, path string) {
			method, path, _ = strings.Cut(pattern, " ")
			switch {
			case strings.HasPrefix(path, "/api/v1/alerts/"):
				path = strings.Replace(path, "{id}", alertID, 1)
			case strings.HasPrefix(path, "/api/v1/inquiries/"):
				path = strings.Replace(path, "{id}", inquiryID, 1)
			case strings.HasPrefix(path, "/api/v1/appointments/"):
				path = strings.Replace(path, "{id}", appointmentID, 1)
			}
			return method, strings.NewReplacer("{id}", s.alexID, "{courseID}", courseID, "{sessionID}", sessionID, "{recordID}", recordID,
				"{section}", "goals", "{slug}", "stillwater", "{itemID}", store.NewID(), "{signatureID}", store.NewID(),
				"{screeningID}", store.NewID(), "{checkInID}", store.NewID(), "{alertID}", store.NewID(), "{evalID}", store.NewID()).Replace(path)
		}
		// These refuse every API token before reading anything: a signature
		// needs the prescriber's password in the browser.
		neverTaken := []string{"POST /api/v1/clients/{id}/evaluations", "POST /api/v1/clients/{id}/evaluations/{evalID}/addenda"}
		bodies := []struct {
			name, contentType, body string
			status                  int
			field                   string
		}{
			{"an unknown field", "application/json", `{"no_such_field": 1}`, http.StatusUnprocessableEntity, "no_such_field"},
			{"a duplicate key", "application/json", `{"reason": "a", "reason": "b"}`, http.StatusUnprocessableEntity, "reason"},
			{"trailing data", "application/json", `{}{}`, http.StatusUnprocessableEntity, "body"},
			{"trailing words", "application/json", `{} x`, http.StatusUnprocessableEntity, "body"},
			{"invalid UTF-8", "application/json", "{\"reason\": \"caf\xe9\"}", http.StatusUnprocessableEntity, "reason"},
			{"a NUL escape", "application/json", `{"reason": "a\u0000"}`, http.StatusUnprocessableEntity, "reason"},
			{"not JSON at all", "text/plain", `{}`, http.StatusUnsupportedMediaType, ""},
			{"no content type", "", `{}`, http.StatusUnsupportedMediaType, ""},
		}
		walked := 0
		for _, route := range srv.Routes() {
			method, path := fill(route.Pattern)
			if (method != http.MethodPost && method != http.MethodPut) || !strings.HasPrefix(path, "/api/") {
				continue
			}
			if slices.Contains(neverTaken, route.Pattern) {
				res, _ := sendJSON(t, method, s.url+path, s.tokens["owner"], "application/json", `{"no_such_field": 1}`)
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("%s: %d; want 403 for every token", route.Pattern, res.StatusCode)
				}
				continue
			}
			walked++
			// The first staff member the route lets through with an empty
			// object; the public inquiry form needs no token.
			token := ""
			if !strings.HasPrefix(route.Pattern, "POST /api/v1/practices/") {
				var tokens []string
				for _, r := range access.StaffRoles {
					tokens = append(tokens, s.tokens[roleActors[r]])
				}
				for _, tok := range append(tokens, notes) {
					res, _ := sendJSON(t, method, s.url+path, tok, "application/json", `{"no_such_field": 1}`)
					if res.StatusCode != http.StatusForbidden && res.StatusCode != http.StatusNotFound {
						token = tok
						break
					}
				}
				if token == "" {
					t.Errorf("%s: no staff member gets past access to have the body judged", route.Pattern)
					continue
				}
			}
			before := rowCounts(t, db)
			for _, b := range bodies {
				res, got := sendJSON(t, method, s.url+path, token, b.contentType, b.body)
				if res.StatusCode != b.status || res.Header.Get("Content-Type") != "application/problem+json" {
					t.Errorf("%s with %s: %d %s %v; want %d problem+json", route.Pattern, b.name, res.StatusCode, res.Header.Get("Content-Type"), got, b.status)
					continue
				}
				field := b.field
				if field != "" && strings.HasSuffix(route.Pattern, "/intake/{section}") {
					// A section's fields are named as its answers are.
					field = strings.TrimSuffix("goals."+field, ".body")
				}
				if field != "" && fieldError(got, field) == "" {
					t.Errorf("%s with %s: the problem does not name %q: %v", route.Pattern, b.name, field, got)
				}
			}
			// Just over the limit, so the server reads the body it refuses.
			limit := 1 << 20
			if route.Gate.String() == "public" {
				limit = 64 << 10
			}
			big := `{"reason": "` + strings.Repeat("x", limit) + `"}`
			if res, got := sendJSON(t, method, s.url+path, token, "application/json", big); res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("%s with a body over %d bytes: %d %v; want 413", route.Pattern, limit, res.StatusCode, got)
			}
			sameRows(t, route.Pattern, before, rowCounts(t, db))
		}
		if walked < 40 {
			t.Fatalf("walked %d JSON routes; the API has more", walked)
		}
	})
}

// PHQ-9 item 9 asks about thoughts of self-harm. Left unanswered (null), it
// must not be stored as 0, "Not at all": the response is refused, naming
// the item, and nothing is stored or raised.
func TestAnUnansweredSuicideItemIsRefusedNotStoredAsNotAtAll(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		path := "/api/v1/clients/" + s.alexID + "/responses"
		before := rowCounts(t, s.db)
		body := `{"instrument": "phq9", "answers": {"phq9_1": 1, "phq9_2": 1, "phq9_3": 0, "phq9_4": 1, "phq9_5": 0, "phq9_6": 0, "phq9_7": 0, "phq9_8": 0, "phq9_9": null}}`
		res, got := apiDo(t, s, "prescriber", http.MethodPost, path, body)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fieldError(got, "answers.phq9_9"), "not null") {
			t.Fatalf("%d %v; want 422 naming answers.phq9_9", res.StatusCode, got)
		}
		sameRows(t, "a null item 9", before, rowCounts(t, s.db))
		// The same answers with item 9 given are taken.
		res, got = apiDo(t, s, "prescriber", http.MethodPost, path, strings.Replace(body, `"phq9_9": null`, `"phq9_9": 0`, 1))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("with item 9 answered: %d %v", res.StatusCode, got)
		}
	})
}

// A form field, or a query parameter, that is not text holdspace can store
// is refused with a 422 naming it, before any handler, on both databases
// alike (PostgreSQL used to answer 500), and nothing is saved.
func TestAFormFieldThatIsNotTextIsRefusedOnEveryDatabase(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		sam := s.client(t, "therapist-on-team")
		plan := func(step string) url.Values {
			return url.Values{"warning_signs.0.text": {step}, "internal_coping.0.text": {"Walk the dog"},
				"people_to_ask.0.text": {"Rosa"}, "people_to_ask.0.phone": {"555-0141"}, "professionals.0.text": {"988 Lifeline"}}
		}
		base := s.url + "/clients/" + s.alexID + "/safety-plan"
		for _, c := range []struct{ name, value, says string }{
			{"invalid UTF-8", "Not sleeping \xff\xfe", "not valid text"},
			{"a NUL", "Not sleeping\x00", "NUL character"},
		} {
			before := rowCounts(t, s.db)
			body := postStatus(t, sam, base, plan(c.value), http.StatusUnprocessableEntity)
			pageSays(t, body, "warning_signs.0.text", c.says, "Nothing was saved")
			sameRows(t, "a plan with "+c.name, before, rowCounts(t, s.db))
		}
		// A field's name is held to the same rule.
		body := postStatus(t, sam, base, url.Values{"warning_signs.0.text\xff": {"x"}}, http.StatusUnprocessableEntity)
		pageSays(t, body, `warning_signs.0.text\xff`)
		// So is a query parameter that a page echoes.
		body = getStatus(t, sam, s.url+"/clients?q=%FF%00", http.StatusUnprocessableEntity)
		pageSays(t, body, "The field “q”")
		// And a path that could only be an id that is not text.
		res, err := sam.Get(s.url + "/clients/%FF")
		read(t, res, err)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("a path that is not text: %d; want 404", res.StatusCode)
		}
		res, err = postForm(sam, base, plan("Not sleeping"))
		read(t, res, err)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("the same plan in plain text: %d; want 303", res.StatusCode)
		}
	})
}

// A safety-plan entry is a line a person reads in a crisis: 100 KB of it is
// refused, through the page and through the API, naming the field and the
// limit, and no version is saved.
func TestAHundredKilobyteSafetyPlanEntryIsRefusedThroughPageAndAPI(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		huge := strings.Repeat("I stop answering my phone. ", 100<<10/27+1)
		sam := s.client(t, "therapist-on-team")
		// The page itself stops typing at the limit.
		res, err := sam.Get(s.url + "/clients/" + s.alexID + "/safety-plan")
		pageHas(t, read(t, res, err), `maxlength="500" aria-label="Warning signs, line 0"`, `name="worth_living_for" rows="2" maxlength="10000"`)
		before := rowCounts(t, s.db)
		res, err = postForm(sam, s.url+"/clients/"+s.alexID+"/safety-plan", url.Values{"warning_signs.0.text": {huge},
			"internal_coping.0.text": {"Walk the dog"}, "people_to_ask.0.text": {"Rosa"}, "professionals.0.text": {"988 Lifeline"}})
		body := read(t, res, err)
		status(t, res, http.StatusUnprocessableEntity, body)
		pageSays(t, body, "warning_signs.0.text", "at most 500 characters")
		plan, _ := json.Marshal(map[string]any{"warning_signs": []map[string]string{{"text": huge}}, "internal_coping": []map[string]string{{"text": "Walk the dog"}},
			"people_to_ask": []map[string]string{{"text": "Rosa"}}, "professionals": []map[string]string{{"text": "988 Lifeline"}},
			"worth_living_for": strings.Repeat("x", 10_001)})
		res, got := apiDo(t, s, "prescriber", http.MethodPut, "/api/v1/clients/"+s.alexID+"/safety-plan", string(plan))
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fieldError(got, "warning_signs[0].text"), "at most 500 characters") ||
			!strings.Contains(fieldError(got, "worth_living_for"), "at most 10,000 characters") {
			t.Fatalf("%d %v; want 422 naming warning_signs[0].text and worth_living_for", res.StatusCode, got)
		}
		sameRows(t, "a 100 KB plan entry", before, rowCounts(t, s.db))
	})
}

// A sign-in with a User-Agent that is not UTF-8 is a failed sign-in like any
// other: counted towards the lockout and on the trail, on PostgreSQL too,
// with the header recorded as valid text.
func TestASignInWithABrokenUserAgentIsCountedAndAudited(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		ctx := context.Background()
		agent := "Mozilla/5.0 \xff\xfe\xc3(broken)"
		for i := 1; i <= 2; i++ {
			req, _ := http.NewRequest(http.MethodPost, s.url+"/signin", strings.NewReader(url.Values{"email": {s.emails["owner"]}, "password": {"not the password"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("User-Agent", agent)
			res, err := http.DefaultClient.Do(req)
			read(t, res, err)
			if res.StatusCode >= 500 {
				t.Fatalf("attempt %d: %d", i, res.StatusCode)
			}
			var failures int
			var audited int
			var ua string
			err = s.db.Read(ctx, func(tx *store.Tx) error {
				if err := tx.QueryRow(ctx, `SELECT failed_attempts FROM account WHERE email = ?`, s.emails["owner"]).Scan(&failures); err != nil {
					return err
				}
				return tx.QueryRow(ctx, `SELECT COUNT(*), MAX(user_agent) FROM audit_event WHERE action LIKE 'sign_in%' AND outcome = 'denied'`).Scan(&audited, &ua)
			})
			if err != nil {
				t.Fatal(err)
			}
			if failures != i || audited != i {
				t.Fatalf("after %d failed sign-ins: %d counted, %d on the trail", i, failures, audited)
			}
			if ua != "Mozilla/5.0 \uFFFD(broken)" {
				t.Fatalf("recorded user agent %q", ua)
			}
		}
	})
}

// TestStaticFilesOnly: /static/ serves its files and nothing else: no
// folder listing, and no odd name (an encoded "..", a backslash, a NUL)
// gets anything but 404 — never a bare 500.
func TestStaticFilesOnly(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(raw string) (*http.Response, string) {
			t.Helper()
			req, err := http.NewRequest(http.MethodGet, s.url+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			// Sent exactly as written, not cleaned by the client.
			req.URL.Opaque = raw
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return res, string(b)
		}
		if res, _ := get("/static/style.css"); res.StatusCode != http.StatusOK {
			t.Fatalf("/static/style.css: %d", res.StatusCode)
		}
		for _, raw := range []string{
			"/static/", "/static", "/static/.", "/static/%2e", "/static/%2e%2e/", "/static/..%2fgo.mod",
			"/static/%2e%2e%2f%2e%2e%2fgo.mod", "/static/..%5cgo.mod", "/static/%00", "/static/style.css%00.js",
			"/static//etc/passwd", "/static/no-such-file.css", "/static/%ff",
		} {
			res, body := get(raw)
			switch {
			case res.StatusCode == http.StatusNotFound:
			case (res.StatusCode == http.StatusMovedPermanently || res.StatusCode == http.StatusTemporaryRedirect) &&
				strings.HasPrefix(res.Header.Get("Location"), "/") && !strings.HasPrefix(res.Header.Get("Location"), "//"):
				// The router's own clean-up of ".." and "//", to a path here.
			default:
				t.Errorf("%s: %d; want 404", raw, res.StatusCode)
			}
			if strings.Contains(body, `<a href="style.css">`) || strings.Contains(body, "module holdspace") {
				t.Errorf("%s: lists the folder or shows a file outside it", raw)
			}
		}
	})
}

// TestACrossSiteFormIsRefusedAndAudited: a form another site sends is not
// acted on, and the refusal is on the trail as a refusal, under the person
// it was aimed at and the route, not the path.
func TestACrossSiteFormIsRefusedAndAudited(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		c := s.client(t, "owner")
		req, _ := http.NewRequest(http.MethodPost, s.url+"/clients/"+s.alexID+"/care-team",
			strings.NewReader(url.Values{"op": {"add"}, "staff": {s.elenaStaff}, "role": {"therapist"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site form: %d; want 403", res.StatusCode)
		}
		ctx := context.Background()
		var n, onTeam int
		var actor string
		s.db.Read(ctx, func(tx *store.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM care_team WHERE client_id = ? AND staff_id = ?`, s.alexID, s.elenaStaff).Scan(&onTeam); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(actor_id), '') FROM audit_event WHERE action = 'request.cross_site' AND outcome = 'denied'
				AND record_id = 'POST /clients/{id}/care-team'`).Scan(&n, &actor)
		})
		if onTeam != 0 {
			t.Fatal("the forged form changed the care team")
		}
		if n != 1 || actor == "" {
			t.Fatalf("%d cross-site refusals on the trail (actor %q); want 1, naming the owner", n, actor)
		}
	})
}
