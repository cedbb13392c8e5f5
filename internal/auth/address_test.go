package auth

import "testing"

// A per-address limit counts an IPv4 client by its address and an IPv6 client by its
// /64, however the address is written; what is not an address stays as it is.
func TestAddressSubject(t *testing.T) {
	for _, c := range []struct{ ip, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"not-an-address", "not-an-address"},
		{"", ""},
	} {
		if got := AddressSubject(c.ip); got != c.want {
			t.Errorf("AddressSubject(%q) = %q, want %q", c.ip, got, c.want)
		}
	}
}
