package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// Behind a reverse proxy the client's address, for throttling and the
// audit trail, comes from X-Forwarded-For, but only as far as trusted
// proxies vouch for it: what the client itself put there is not believed.
func TestTheClientAddressBehindTrustedProxies(t *testing.T) {
	s := &Server{proxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}
	cases := []struct {
		name, remote, xff, want string
	}{
		{"no proxy: the peer, whatever the header says", "203.0.113.5:40000", "198.51.100.7", "203.0.113.5"},
		{"one trusted proxy", "10.0.0.2:40000", "198.51.100.7", "198.51.100.7"},
		{"a forged hop left of the real client is ignored", "10.0.0.2:40000", "6.6.6.6, 198.51.100.7, 10.0.0.3", "198.51.100.7"},
		{"several headers join", "10.0.0.2:40000", "198.51.100.7", "198.51.100.7"},
		{"a malformed header: the proxy's own address", "10.0.0.2:40000", "not-an-address", "10.0.0.2"},
		{"only proxies: the peer", "10.0.0.2:40000", "10.0.0.9", "10.0.0.2"},
		{"no header from a trusted proxy", "10.0.0.2:40000", "", "10.0.0.2"},
		{"IPv6 proxy and client", "[fd00::1]:40000", "2001:db8::7", "2001:db8::7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = c.remote
			if c.xff != "" {
				r.Header.Set("X-Forwarded-For", c.xff)
			}
			if got := s.remoteAddress(r); got != c.want {
				t.Fatalf("remoteAddress = %s, want %s", got, c.want)
			}
		})
	}
}
