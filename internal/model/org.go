package model

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/i18n"
)

// RegionLevel is a rung of the administrative ladder; a deployment may start at any
// upper rung and may skip one (Jiayuguan has townships directly under the city).
type RegionLevel string

const (
	LevelProvince RegionLevel = "province"
	LevelCity     RegionLevel = "city"
	LevelCounty   RegionLevel = "county"
	LevelTownship RegionLevel = "township"
	LevelVillage  RegionLevel = "village"
	LevelGrid     RegionLevel = "grid"
)

// AllLevels runs from the top of the tree to the bottom.
var AllLevels = []RegionLevel{LevelProvince, LevelCity, LevelCounty, LevelTownship, LevelVillage, LevelGrid}

// Rank orders levels: a child's rank is always greater than its parent's.
func (l RegionLevel) Rank() int {
	for i, k := range AllLevels {
		if k == l {
			return i
		}
	}
	return -1
}

// Valid reports whether l is a known level.
func (l RegionLevel) Valid() bool { return l.Rank() >= 0 }

// Region is one node of the region tree. Path holds the ids from the root down to
// this node as "/1/4/17/", so a subtree is one indexed prefix match.
type Region struct {
	ID        int64       `json:"id"`
	ParentID  int64       `json:"parent_id"` // 0 for a root
	Code      string      `json:"code"`
	Name      string      `json:"name"`
	Level     RegionLevel `json:"level"`
	Path      string      `json:"path"`
	Active    bool        `json:"active"`
	CreatedAt time.Time   `json:"created_at"`
}

// Department is a functional department (职能部门) at one region's level.
type Department struct {
	ID        int64     `json:"id"`
	RegionID  int64     `json:"region_id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// User is a staff member: one region (their centre), optionally one department,
// one or more roles.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Phone        string    `json:"phone"`
	Email        string    `json:"email"`
	RegionID     int64     `json:"region_id"`
	DepartmentID int64     `json:"department_id"` // 0 when not in a department
	Roles        []Role    `json:"roles"`
	Locale       string    `json:"locale"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// Has reports whether the user holds role r.
func (u *User) Has(r Role) bool {
	for _, k := range u.Roles {
		if k == r {
			return true
		}
	}
	return false
}

// CaseKind is the broad kind of a case (DESIGN.md §3).
type CaseKind string

const (
	KindDispute  CaseKind = "dispute"
	KindPetition CaseKind = "petition"
	KindHazard   CaseKind = "hazard"
	KindService  CaseKind = "service"
)

// AllKinds in the order the UI lists them.
var AllKinds = []CaseKind{KindDispute, KindPetition, KindHazard, KindService}

// Label is the kind's name in the default language (the catalogue's kind.<code>), as
// the audit log's summaries say it; its code when unknown.
func (k CaseKind) Label() string {
	if l, ok := i18n.Lookup(i18n.Default, "kind."+string(k)); ok {
		return l
	}
	return string(k)
}

// Valid reports whether k is a known kind.
func (k CaseKind) Valid() bool {
	for _, x := range AllKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Category is a node of the two-level category dictionary: a top-level category has
// ParentID 0; a second-level one belongs to a top-level one of the same kind.
type Category struct {
	ID        int64    `json:"id"`
	Kind      CaseKind `json:"kind"`
	ParentID  int64    `json:"parent_id"`
	Code      string   `json:"code"`
	Name      string   `json:"name"`
	SortOrder int      `json:"sort_order"`
	Active    bool     `json:"active"`
}

// Locales the UI speaks; the first is the default.
var Locales = []string{"zh-CN", "en"}

// ValidLocale reports whether s is a supported locale.
func ValidLocale(s string) bool { return s == "zh-CN" || s == "en" }

// CheckName validates a human-readable name: required, at most max characters, no
// control characters. It returns nil or an error naming the rule.
func CheckName(field, s string, max int) error {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Invalid(field, "required", "invalid.required")
	case utf8.RuneCountInString(s) > max:
		return Invalid(field, "too_long", "invalid.too_long")
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return Invalid(field, "bad_chars", "invalid.control_chars")
	}
	return nil
}

// CheckCode validates a machine code (region code, department code, category code,
// user name): 1–max characters of ASCII letters, digits, '.', '-' and '_'.
func CheckCode(field, s string, max int) error {
	if s == "" {
		return Invalid(field, "required", "invalid.required")
	}
	if len(s) > max {
		return Invalid(field, "too_long", "invalid.too_long")
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
		if !ok {
			return Invalid(field, "bad_chars", "invalid.code_chars")
		}
	}
	return nil
}
