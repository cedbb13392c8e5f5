// Package i18n holds the UI's words: one catalogue per locale, zh-CN the default.
// Every string a page shows comes from here, never from a template.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

//go:embed catalog/*.json
var catalogFS embed.FS

// Default is the locale used when none is chosen or the chosen one is unknown.
const Default = "zh-CN"

var catalogs = mustLoad()

func mustLoad() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, loc := range []string{"zh-CN", "en"} {
		b, err := catalogFS.ReadFile("catalog/" + loc + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", loc, err))
		}
		out[loc] = m
	}
	return out
}

// Locales lists the locales with a catalogue.
func Locales() []string {
	out := make([]string, 0, len(catalogs))
	for k := range catalogs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether loc has a catalogue.
func Has(loc string) bool { _, ok := catalogs[loc]; return ok }

// T returns key's text in loc, with args put in by fmt.Sprintf. A key missing in loc
// falls back to the default locale, then to the key itself, so a gap shows rather
// than hides; the catalogue tests keep such gaps out.
func T(loc, key string, args ...any) string {
	s, ok := catalogs[loc][key]
	if !ok {
		s, ok = catalogs[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Lookup is T without the fallbacks: it says whether key exists in loc.
func Lookup(loc, key string) (string, bool) {
	s, ok := catalogs[loc][key]
	return s, ok
}

// Negotiate picks a locale from an Accept-Language header, for visitors not signed in.
func Negotiate(acceptLanguage string) string {
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag := strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
		switch {
		case strings.HasPrefix(strings.ToLower(tag), "zh"):
			return "zh-CN"
		case strings.HasPrefix(strings.ToLower(tag), "en"):
			return "en"
		}
	}
	return Default
}
