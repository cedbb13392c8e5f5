// Package risk computes the four-colour risk warning (四色预警) of a case
// (DESIGN.md §4). It is pure code: the rules are data (Rules), Assess applies
// them to one case and its recent history, and the result explains which
// indicators set the colour. No I/O.
package risk

import "fmt"

// Level is a warning colour. The zero value is LevelNone; levels are ordered,
// so a higher value is a more serious warning and levels compare with < and >.
type Level int

// The levels, from cleared to the most serious.
const (
	LevelNone   Level = iota // 无: no warning
	LevelBlue                // 蓝: hazard, watch
	LevelYellow              // 黄: ordinary, resolve at village/grid
	LevelOrange              // 橙: may escalate, township acts the same day
	LevelRed                 // 红: may turn criminal or mass incident, county told at once
)

// AllLevels in ascending order.
var AllLevels = []Level{LevelNone, LevelBlue, LevelYellow, LevelOrange, LevelRed}

var levelCodes = [...]string{"none", "blue", "yellow", "orange", "red"}
var levelLabels = [...]string{"无", "蓝", "黄", "橙", "红"}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= LevelNone && l <= LevelRed }

// String returns the code of the level: none, blue, yellow, orange or red.
func (l Level) String() string {
	if !l.Valid() {
		return fmt.Sprintf("level(%d)", int(l))
	}
	return levelCodes[l]
}

// Label returns the Chinese label: 无, 蓝, 黄, 橙 or 红.
func (l Level) Label() string {
	if !l.Valid() {
		return "?"
	}
	return levelLabels[l]
}

// StepDown returns the level one colour lower: red → orange → yellow → blue →
// none. None stays none.
func (l Level) StepDown() Level {
	if l <= LevelNone {
		return LevelNone
	}
	if l > LevelRed {
		return LevelRed
	}
	return l - 1
}

// StepUp returns the level one colour higher; red stays red.
func (l Level) StepUp() Level {
	if l >= LevelRed {
		return LevelRed
	}
	if l < LevelNone {
		return LevelNone
	}
	return l + 1
}

// ParseLevel parses a level code (none, blue, yellow, orange, red) or its
// Chinese label (无, 蓝, 黄, 橙, 红). The empty string is none.
func ParseLevel(s string) (Level, error) {
	if s == "" {
		return LevelNone, nil
	}
	for i := range levelCodes {
		if s == levelCodes[i] || s == levelLabels[i] {
			return Level(i), nil
		}
	}
	return LevelNone, fmt.Errorf("risk: unknown level %q (want none, blue, yellow, orange or red)", s)
}

// MarshalText encodes the level as its code, so JSON carries "red", not 4.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("risk: invalid level %d", int(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText decodes a level code or label.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// MaxLevel returns the higher of a and b.
func MaxLevel(a, b Level) Level {
	if a > b {
		return a
	}
	return b
}
