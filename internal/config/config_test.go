package config

import (
	"strings"
	"testing"
)

func TestTrustedProxiesAreAddressesOrRanges(t *testing.T) {
	for _, tc := range []struct {
		value string
		n     int
		err   string
	}{
		{"", 0, ""},
		{"10.0.0.0/8, 192.168.1.10", 2, ""},
		{"fd00::/8", 1, ""},
		{"10.0.0.0/8, proxy.internal", 0, `"proxy.internal" is not an address`},
	} {
		var c Config
		f := NewFlags("serve", &c, func(k string) string {
			if k == "HOLDSPACE_TRUSTED_PROXIES" {
				return tc.value
			}
			return ""
		}).Database().Server()
		err := f.Parse(nil)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, want an error saying %s", tc.value, err, tc.err)
			}
			continue
		}
		if err != nil || len(c.TrustedProxies) != tc.n {
			t.Errorf("%q: %v, %d ranges; want %d", tc.value, err, len(c.TrustedProxies), tc.n)
		}
	}
}
