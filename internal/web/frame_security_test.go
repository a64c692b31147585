package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"holdspace/internal/store"
)

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
