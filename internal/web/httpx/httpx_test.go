package httpx

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// Behind a trusted reverse proxy the client is the rightmost forwarded address that is
// not itself a trusted proxy; an untrusted peer's header is ignored, as is a malformed one.
func TestClientIPBehindTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	cases := []struct {
		name, peer, xff, want string
		trust                 []netip.Prefix
	}{
		{"no proxies trusted", "10.1.2.3:4000", "203.0.113.7", "10.1.2.3", nil},
		{"trusted proxy", "10.1.2.3:4000", "203.0.113.7", "203.0.113.7", trusted},
		{"chain of proxies", "10.1.2.3:4000", "198.51.100.9, 203.0.113.7, 10.9.9.9", "203.0.113.7", trusted},
		{"forged left part", "10.1.2.3:4000", "1.1.1.1, 203.0.113.7", "203.0.113.7", trusted},
		{"untrusted peer", "192.0.2.5:4000", "203.0.113.7", "192.0.2.5", trusted},
		{"IPv6 loopback proxy", "[::1]:4000", "2001:db8::5", "2001:db8::5", trusted},
		{"malformed header", "10.1.2.3:4000", "not-an-ip", "10.1.2.3", trusted},
		{"no header", "10.1.2.3:4000", "", "10.1.2.3", trusted},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := ClientIP(WithClientIP(r, c.trust)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
