// Package i18n holds the UI's words: one catalogue per locale, zh-CN the default.
// Every string a page shows comes from here, never from a template; so do the
// messages of validation errors and refused case actions, which code carries as a
// key and its arguments (Msg, model.FieldError, workflow.Refusal) and which are put
// into the reader's language only where they are shown.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed catalog/*.json
var catalogFS embed.FS

// Default is the locale used when none is chosen or the chosen one is unknown.
const Default = "zh-CN"

var catalogs = mustLoad()

// mustLoad reads every catalogue file. A locale's words may be split by topic:
// "zh-CN.json" holds the pages' words and "zh-CN.messages.json" the validation
// messages, so a file is named "<locale>[.<topic>].json". A key given twice for one
// locale is a mistake that would hide one of the two texts, and stops the start.
func mustLoad() map[string]map[string]string {
	out := map[string]map[string]string{}
	files, err := fs.Glob(catalogFS, "catalog/*.json")
	if err != nil {
		panic(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".json")
		loc, _, _ := strings.Cut(name, ".")
		b, err := catalogFS.ReadFile(file)
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", file, err))
		}
		if out[loc] == nil {
			out[loc] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := out[loc][k]; dup {
				panic(fmt.Sprintf("i18n: catalog %s: key %q is given twice for %s", file, k, loc))
			}
			out[loc][k] = v
		}
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

// T returns key's text in loc, with args put in by fmt.Sprintf. An argument that is
// itself words (a Localizer) is said in loc first. A key missing in loc falls back to
// the default locale, then to the key itself, so a gap shows rather than hides; the
// catalogue tests keep such gaps out. A text without a verb takes no arguments: a
// message may leave out what another locale's says (its %[2]s), not garble.
func T(loc, key string, args ...any) string {
	s, ok := catalogs[loc][key]
	if !ok {
		s, ok = catalogs[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 || !strings.Contains(s, "%") {
		return s
	}
	return fmt.Sprintf(s, localize(loc, args)...)
}

// Localizer is a value that is words: it says itself in a locale. A message's
// arguments may be Localizers (a list of choices, another message), said in the
// locale of the message that holds them.
type Localizer interface {
	Localize(loc string) string
}

// localize returns args with every Localizer said in loc.
func localize(loc string, args []any) []any {
	var out []any // a copy, made at the first Localizer: the caller's args stay as given
	for i, a := range args {
		l, ok := a.(Localizer)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = l.Localize(loc)
	}
	if out == nil {
		return args
	}
	return out
}

// Msg is a catalogue key with its arguments, kept as such until it is shown: the
// page says it in the reader's language. It is a Localizer, so one message may be
// an argument of another.
type Msg struct {
	Key  string
	Args []any
}

// M returns the message key with args.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// Localize says m in loc.
func (m Msg) Localize(loc string) string { return T(loc, m.Key, m.Args...) }

// List is words joined as a locale joins a list: "甲、乙" and "a, b".
type List []string

// Localize says l in loc.
func (l List) Localize(loc string) string { return strings.Join(l, T(loc, "list.sep")) }

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
