package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"holdspace/internal/access"
)

// TestRequestsAreLabelledByTheirRoute: the log and the metrics name the
// pattern a request matched (never its path, which carries ids), so an
// operator can tell which route fails. Before, every request was
// "unmatched".
func TestRequestsAreLabelledByTheirRoute(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		c := s.client(t, "owner")
		res, err := c.Get(s.url + "/clients/" + s.alexID)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		// A cross-site form is refused before any route: it is still
		// named by the route it was aimed at.
		req, _ := http.NewRequest(http.MethodPost, s.url+"/clients/"+s.alexID+"/invite", strings.NewReader(url.Values{}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err = c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site form: %d; want 403", res.StatusCode)
		}
		res, body := s.apiCall(t, http.MethodGet, "/metrics", s.ownerToken(t, access.ScopeMetrics))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("/metrics with a metrics:read token: %d", res.StatusCode)
		}
		for _, want := range []string{`route="GET /clients/{id}"`, `code="403",route="POST /clients/{id}/invite"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the metrics do not count %s", want)
			}
		}
		if strings.Contains(body, `route="unmatched"`) || strings.Contains(body, s.alexID) {
			t.Errorf("the metrics count unmatched routes or name a client id")
		}
		logs := s.logs.String()
		if !strings.Contains(logs, `route="GET /clients/{id}"`) || strings.Contains(logs, "route=unmatched") {
			t.Errorf("the access log does not name the route pattern")
		}
		if strings.Contains(logs, s.alexID) {
			t.Errorf("the access log names a client's id")
		}
	})
}

// TestMetricsNeedAMonitoringToken: /metrics on the public address names
// every route and its failures, so it answers only a token with the
// metrics:read scope.
func TestMetricsNeedAMonitoringToken(t *testing.T) {
	eachSite(t, func(t *testing.T, s *routeSite) {
		res, err := http.Get(s.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("/metrics without a token: %d; want 401", res.StatusCode)
		}
		res, body := s.apiCall(t, http.MethodGet, "/metrics", s.ownerToken(t, access.ScopeClientsRead, access.ScopeClientsWrite, access.ScopeAuditRead))
		if res.StatusCode != http.StatusForbidden || strings.Contains(body, "holdspace_http_requests_total") {
			t.Fatalf("/metrics with a token lacking metrics:read: %d; want 403 without the metrics", res.StatusCode)
		}
		res, body = s.apiCall(t, http.MethodGet, "/metrics", s.ownerToken(t, access.ScopeMetrics))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "holdspace_http_requests_total") {
			t.Fatalf("/metrics with a metrics:read token: %d", res.StatusCode)
		}
	})
}
