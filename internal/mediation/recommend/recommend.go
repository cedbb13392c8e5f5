// Package recommend ranks the talent pool (人才库) for a case: who knows this kind of
// dispute, who is near it, and who has room for it — and says why. It is pure: the
// caller reads the people, their open cases and the case; nothing here does I/O.
package recommend

import (
	"sort"
	"strings"
)

// Person is one member of the talent pool as the ranking sees them.
type Person struct {
	ID          int64
	Name        string
	Kind        string   // lawyer, mediator_full, mediator_part, psychologist, specialist, legal_aid
	Specialties []string // category codes, kind.category[.sub]
	RegionPath  string   // "/1/5/12/": where they serve
	Since       string   // YYYY-MM-DD, "" for always
	Until       string   // YYYY-MM-DD, "" for open-ended (进出管理: after it they have left)
	Load        int      // open cases they are on
}

// Case is what of a case the ranking needs.
type Case struct {
	CategoryCode string // kind.category[.sub]
	RegionPath   string
	Day          string // YYYY-MM-DD, China time: who is in the pool that day
}

// Specialty is how a person's specialties meet the case's category, best first.
type Specialty int

const (
	SpecialtyExact    Specialty = iota // the very category
	SpecialtyBroader                   // a first-level specialty covering the case's sub-category
	SpecialtyNarrower                  // a sub-category of the case's first-level category
	SpecialtyNone
)

// Nearness is where a person serves seen from the case, nearest first.
type Nearness int

const (
	NearSame  Nearness = iota // the case's own region
	NearAbove                 // a region above it (the county's lawyer covers its villages)
	NearBelow                 // a region inside it
	NearOther                 // another branch of the tree
)

// Reason is one thing said about a recommendation: a catalogue key's last part and
// its argument ("specialty.exact" with the category code, "load" with a count…).
type Reason struct {
	Code string `json:"code"`
	Arg  any    `json:"arg,omitempty"`
}

// Recommendation is a ranked person and why they are where they are.
type Recommendation struct {
	Person    Person
	Specialty Specialty
	Matched   string // the specialty that matched, "" for none
	Nearness  Nearness
	Levels    int // how many levels up or down, for NearAbove and NearBelow
	Reasons   []Reason
}

// Rank orders the people in the pool on c's day for c: by specialty (exact, broader,
// narrower, none), then nearness (same region, above, below, elsewhere; fewer levels
// first), then load (fewer open cases first), then name. People out of the pool that
// day (before since, after until) are left out. At most limit are returned (0 for all).
func Rank(people []Person, c Case, limit int) []Recommendation {
	var out []Recommendation
	for _, p := range people {
		if !InPool(p, c.Day) {
			continue
		}
		r := Recommendation{Person: p}
		r.Specialty, r.Matched = matchSpecialty(p.Specialties, c.CategoryCode)
		r.Nearness, r.Levels = near(p.RegionPath, c.RegionPath)
		r.Reasons = reasons(r)
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Specialty != b.Specialty {
			return a.Specialty < b.Specialty
		}
		if a.Nearness != b.Nearness {
			return a.Nearness < b.Nearness
		}
		if a.Levels != b.Levels {
			return a.Levels < b.Levels
		}
		if a.Person.Load != b.Person.Load {
			return a.Person.Load < b.Person.Load
		}
		if a.Person.Name != b.Person.Name {
			return a.Person.Name < b.Person.Name
		}
		return a.Person.ID < b.Person.ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// InPool reports whether p is in the pool on day (YYYY-MM-DD): on or after since and
// on or before until, where they are set.
func InPool(p Person, day string) bool {
	return (p.Since == "" || p.Since <= day) && (p.Until == "" || day <= p.Until)
}

// matchSpecialty finds the best of specialties for the category code.
func matchSpecialty(specialties []string, code string) (Specialty, string) {
	best, matched := SpecialtyNone, ""
	for _, s := range specialties {
		m := SpecialtyNone
		switch {
		case s == "" || code == "":
		case s == code:
			m = SpecialtyExact
		case strings.HasPrefix(code, s+"."):
			m = SpecialtyBroader
		case strings.HasPrefix(s, code+".") || sameParent(s, code):
			m = SpecialtyNarrower
		}
		if m < best {
			best, matched = m, s
		}
	}
	return best, matched
}

// sameParent reports whether two sub-categories share a first-level category
// (dispute.marriage.dv and dispute.marriage.divorce): a family mediator still knows both.
func sameParent(a, b string) bool {
	pa, pb := parent(a), parent(b)
	return pa != "" && pa == pb
}

// parent is a sub-category's first-level code, "" for a first-level one.
func parent(code string) string {
	parts := strings.Split(code, ".")
	if len(parts) < 3 {
		return ""
	}
	return strings.Join(parts[:2], ".")
}

// near places a person's region against the case's by their paths.
func near(person, kase string) (Nearness, int) {
	switch {
	case person == "" || kase == "":
		return NearOther, 0
	case person == kase:
		return NearSame, 0
	case strings.HasPrefix(kase, person):
		return NearAbove, depth(kase) - depth(person)
	case strings.HasPrefix(person, kase):
		return NearBelow, depth(person) - depth(kase)
	}
	return NearOther, 0
}

// depth is how many regions a path names.
func depth(path string) int { return strings.Count(strings.Trim(path, "/"), "/") + 1 }

// reasons says why r stands where it does, in the order of the ranking.
func reasons(r Recommendation) []Reason {
	var rs []Reason
	switch r.Specialty {
	case SpecialtyExact:
		rs = append(rs, Reason{"specialty.exact", r.Matched})
	case SpecialtyBroader:
		rs = append(rs, Reason{"specialty.broader", r.Matched})
	case SpecialtyNarrower:
		rs = append(rs, Reason{"specialty.narrower", r.Matched})
	default:
		rs = append(rs, Reason{"specialty.none", nil})
	}
	switch r.Nearness {
	case NearSame:
		rs = append(rs, Reason{"near.same", nil})
	case NearAbove:
		rs = append(rs, Reason{"near.above", r.Levels})
	case NearBelow:
		rs = append(rs, Reason{"near.below", r.Levels})
	default:
		rs = append(rs, Reason{"near.other", nil})
	}
	return append(rs, Reason{"load", r.Person.Load})
}
