package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"holdspace/internal/access"
	"holdspace/internal/store"
	"holdspace/internal/store/storetest"
	"holdspace/internal/web"
)

// apiScopeTable is the scope each API route needs: reads the read scope
// of their area, writes its write scope. Every API route must have a row.
var apiScopeTable = map[string]string{
	"/api/":                                                                             "",
	"GET /api/v1/me":                                                                    "",
	"GET /metrics":                                                                      "metrics:read",
	"GET /api/v1/inquiries":                                                             "clients:read",
	"GET /api/v1/inquiries/{id}":                                                        "clients:read",
	"POST /api/v1/inquiries/{id}/reply":                                                 "clients:write",
	"POST /api/v1/inquiries/{id}/decline":                                               "clients:write",
	"POST /api/v1/inquiries/{id}/convert":                                               "clients:write",
	"POST /api/v1/clients":                                                              "clients:write",
	"GET /api/v1/consent-documents":                                                     "clients:read",
	"GET /api/v1/clients/{id}/consents":                                                 "clients:read",
	"POST /api/v1/clients/{id}/consents/{signatureID}/revoke":                           "clients:write",
	"GET /api/v1/clients/{id}/intake":                                                   "clients:read",
	"PUT /api/v1/clients/{id}/intake/{section}":                                         "clients:write",
	"POST /api/v1/clients/{id}/intake/submit":                                           "clients:write",
	"GET /api/v1/clients/{id}/screenings":                                               "clients:read",
	"POST /api/v1/clients/{id}/screenings/{screeningID}/acknowledgements":               "clients:write",
	"POST /api/v1/clients/{id}/screening-vitals":                                        "clients:write",
	"GET /api/v1/screening-rules":                                                       "clients:read",
	"GET /api/v1/clients/{id}/details":                                                  "clients:read",
	"PUT /api/v1/clients/{id}/details":                                                  "clients:write",
	"GET /api/v1/clients/{id}/medical":                                                  "clients:read",
	"POST /api/v1/clients/{id}/diagnoses":                                               "clients:write",
	"POST /api/v1/clients/{id}/medications":                                             "clients:write",
	"POST /api/v1/clients/{id}/allergies":                                               "clients:write",
	"POST /api/v1/clients/{id}/measurements":                                            "clients:write",
	"POST /api/v1/clients/{id}/medications/{itemID}/stop":                               "clients:write",
	"GET /api/v1/clients/{id}/medications/offered":                                      "clients:read",
	"POST /api/v1/clients/{id}/medications/offered/{itemID}/confirm":                    "clients:write",
	"POST /api/v1/clients/{id}/medications/offered/{itemID}/decline":                    "clients:write",
	"POST /api/v1/clients/{id}/diagnoses/{itemID}/remove":                               "clients:write",
	"POST /api/v1/clients/{id}/allergies/{itemID}/remove":                               "clients:write",
	"POST /api/v1/clients/{id}/measurements/{itemID}/remove":                            "clients:write",
	"GET /api/v1/clients/{id}/evaluations":                                              "clients:read",
	"POST /api/v1/clients/{id}/evaluations":                                             "clients:write",
	"POST /api/v1/clients/{id}/evaluations/{evalID}/addenda":                            "clients:write",
	"GET /api/v1/clients/{id}/readiness":                                                "clients:read",
	"GET /api/v1/clients/{id}/intentions":                                               "clients:read",
	"POST /api/v1/clients/{id}/preparation-sessions":                                    "clients:write",
	"GET /api/v1/clients/{id}/courses":                                                  "clients:read",
	"POST /api/v1/clients/{id}/courses":                                                 "clients:write",
	"GET /api/v1/clients/{id}/courses/{courseID}":                                       "clients:read",
	"POST /api/v1/clients/{id}/courses/{courseID}/doses":                                "clients:write",
	"POST /api/v1/clients/{id}/courses/{courseID}/activate":                             "clients:write",
	"POST /api/v1/clients/{id}/courses/{courseID}/stop":                                 "clients:write",
	"POST /api/v1/clients/{id}/courses/{courseID}/complete":                             "clients:write",
	"POST /api/v1/clients/{id}/courses/{courseID}/touch-ups":                            "clients:write",
	"POST /api/v1/clients/{id}/courses/{courseID}/sessions":                             "clients:write",
	"GET /api/v1/appointments":                                                          "clients:read",
	"POST /api/v1/appointments":                                                         "clients:write",
	"GET /api/v1/appointments/{id}":                                                     "clients:read",
	"POST /api/v1/appointments/{id}/move":                                               "clients:write",
	"POST /api/v1/appointments/{id}/cancel":                                             "clients:write",
	"POST /api/v1/appointments/{id}/mark":                                               "clients:write",
	"GET /api/v1/rooms":                                                                 "clients:read",
	"GET /api/v1/clients/{id}/appointments":                                             "clients:read",
	"GET /api/v1/clients/{id}/course-sessions/{sessionID}/gate":                         "clients:read",
	"POST /api/v1/clients/{id}/course-sessions/{sessionID}/record":                      "clients:write",
	"GET /api/v1/clients/{id}/session-records":                                          "clients:read",
	"GET /api/v1/clients/{id}/session-records/{recordID}":                               "clients:read",
	"GET /api/v1/clients/{id}/session-records/{recordID}/version":                       "clients:read",
	"PUT /api/v1/clients/{id}/session-records/{recordID}/checklist":                     "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/readings":                     "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/hold-override":                "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/dose-authorisations":          "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/premedications":               "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/doses":                        "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/alerts/{alertID}/acknowledge": "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/observations":                 "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/interventions":                "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/adverse-events":               "clients:write",
	"PUT /api/v1/clients/{id}/session-records/{recordID}/summary":                       "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/process-notes":                "process_notes:own",
	"GET /api/v1/clients/{id}/session-records/{recordID}/process-notes":                 "process_notes:own",
	"POST /api/v1/clients/{id}/session-records/{recordID}/discharge":                    "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/sign":                         "clients:write",
	"POST /api/v1/clients/{id}/session-records/{recordID}/addenda":                      "clients:write",
	"GET /api/v1/instruments":                                                           "clients:read",
	"GET /api/v1/instruments/{code}":                                                    "clients:read",
	"GET /api/v1/clients/{id}/measures":                                                 "clients:read",
	"GET /api/v1/clients/{id}/responses":                                                "clients:read",
	"POST /api/v1/clients/{id}/responses":                                               "clients:write",
	"GET /api/v1/clients/{id}/responses/{responseID}":                                   "clients:read",
	"GET /api/v1/alerts":                                                                "clients:read",
	"GET /api/v1/alerts/{id}":                                                           "clients:read",
	"POST /api/v1/alerts/{id}/acknowledge":                                              "clients:write",
	"POST /api/v1/alerts/{id}/close":                                                    "clients:write",
	"GET /api/v1/clients/{id}/check-ins":                                                "clients:read",
	"POST /api/v1/clients/{id}/check-ins/{checkInID}":                                   "clients:write",
	"GET /api/v1/clients/{id}/safety-plan":                                              "clients:read",
	"PUT /api/v1/clients/{id}/safety-plan":                                              "clients:write",
	"GET /api/v1/settings/medicine":                                                     "clients:read",
	"PUT /api/v1/settings/medicine":                                                     "clients:write",
	"POST /api/v1/clients/{id}/discharge-exceptions":                                    "clients:write",
	"GET /api/v1/clients":                                                               "clients:read",
	"GET /api/v1/clients/{id}":                                                          "clients:read",
}

// ownerToken makes an API token for the demo owner with exactly scopes.
func (s *routeSite) ownerToken(t *testing.T, scopes ...access.Scope) string {
	t.Helper()
	ctx := context.Background()
	var accountID, practiceID string
	if err := s.db.Read(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `SELECT id, practice_id FROM account WHERE email = ?`, s.emails["owner"]).Scan(&accountID, &practiceID)
	}); err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, sc := range scopes {
		list = append(list, string(sc))
	}
	tok := access.NewAPIToken()
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO api_token (id, practice_id, account_id, name, scopes, token_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			store.NewID(), practiceID, accountID, "scope test", strings.Join(list, " "), access.HashToken(tok), time.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return tok
}

func (s *routeSite) apiCall(t *testing.T, method, path, token string) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost || method == http.MethodPut {
		body = strings.NewReader("{}")
	}
	req, _ := http.NewRequest(method, s.url+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

// TestEveryAPIRouteNeedsItsScope: each route's scope is the table's, a
// token with every other scope is refused with insufficient_scope, and a
// token with only that scope is not refused for want of a scope, neither
// by the route nor by the decision behind it.
func TestEveryAPIRouteNeedsItsScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, srv := buildSite(t, db)
		only := map[access.Scope]string{}
		allBut := map[access.Scope]string{}
		for _, sc := range access.Scopes {
			only[sc] = s.ownerToken(t, sc)
			var rest []access.Scope
			for _, o := range access.Scopes {
				if o != sc {
					rest = append(rest, o)
				}
			}
			allBut[sc] = s.ownerToken(t, rest...)
		}
		seen := map[string]bool{}
		for _, r := range srv.Routes() {
			if r.Gate != web.GateAPI {
				continue
			}
			seen[r.Pattern] = true
			want, ok := apiScopeTable[r.Pattern]
			if !ok {
				t.Errorf("API route %q has no row in the scope table", r.Pattern)
				continue
			}
			if string(r.Scope) != want {
				t.Errorf("%s needs scope %q; the table says %q", r.Pattern, r.Scope, want)
				continue
			}
			if want == "" {
				continue
			}
			method, path := s.path(r.Pattern)
			res, _ := s.apiCall(t, method, path, allBut[r.Scope])
			if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
				t.Errorf("%s with every scope but %s: %d %q; want 403 insufficient_scope", r.Pattern, r.Scope, res.StatusCode, res.Header.Get("WWW-Authenticate"))
			}
			s.reset(t)
			res, body := s.apiCall(t, method, path, only[r.Scope])
			if strings.Contains(res.Header.Get("WWW-Authenticate"), "insufficient_scope") || strings.Contains(body, "lacks the") {
				t.Errorf("%s with only %s: %d %s; the scope the route names should be enough", r.Pattern, r.Scope, res.StatusCode, body)
			}
		}
		for p := range apiScopeTable {
			if !seen[p] {
				t.Errorf("the scope table names %q, which is not an API route", p)
			}
		}
	})
}

// TestAWriteTokenCannotReadTheInquiryQueue is the finding as seen: a
// clients:write token read every inquiry, names, emails and stories.
func TestAWriteTokenCannotReadTheInquiryQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := buildSite(t, db)
		res, body := s.apiCall(t, http.MethodGet, "/api/v1/inquiries", s.ownerToken(t, access.ScopeClientsWrite))
		if res.StatusCode != http.StatusForbidden || strings.Contains(body, "@") {
			t.Fatalf("clients:write token on the inquiry queue: %d; want 403 that shows nothing", res.StatusCode)
		}
		res, _ = s.apiCall(t, http.MethodGet, "/api/v1/inquiries", s.ownerToken(t, access.ScopeClientsRead))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("clients:read token on the inquiry queue: %d; want 200", res.StatusCode)
		}
	})
}
