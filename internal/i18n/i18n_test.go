package i18n

import "testing"

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	zh, en := catalogs["zh-CN"], catalogs["en"]
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-CN lacks %q", k)
		}
	}
}

func TestT(t *testing.T) {
	tests := []struct{ loc, key, want string }{
		{"zh-CN", "nav.home", "首页"},
		{"en", "nav.home", "Home"},
		{"fr", "nav.home", "首页"},
		{"zh-CN", "no.such.key", "no.such.key"},
	}
	for _, tc := range tests {
		if got := T(tc.loc, tc.key); got != tc.want {
			t.Errorf("T(%s, %s) = %q, want %q", tc.loc, tc.key, got, tc.want)
		}
	}
	if got := T("en", "error.body_too_large", 1024); got != "The request body is too large; at most 1024 bytes." {
		t.Errorf("with args: %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	tests := map[string]string{"": "zh-CN", "en-US,en;q=0.9": "en", "zh-TW,en;q=0.5": "zh-CN", "fr,en;q=0.8": "en", "fr": "zh-CN"}
	for in, want := range tests {
		if got := Negotiate(in); got != want {
			t.Errorf("Negotiate(%q) = %q, want %q", in, got, want)
		}
	}
}
