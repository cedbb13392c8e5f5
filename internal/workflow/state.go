// Package workflow holds the rules of a case's life: which action may be taken in which
// state and by whom (DESIGN.md §3), the working-day calendar, and the deadline rules.
// It is pure: no I/O, no clock except what callers pass in, so every rule is testable
// on its own and the same on every node.
package workflow

import (
	"slices"

	"github.com/onedoor/onedoor/internal/i18n"
)

// State is where a case stands; a case has exactly one. Its names are the i18n
// catalogue's "state.<code>", which pages show too; Label and LabelEN are for logs,
// exports and error messages.
type State string

const (
	// StateNone is the "state" of a case that does not exist yet: the from-state of
	// its register event.
	StateNone State = ""

	StateRegistered State = "registered"
	StateAccepted   State = "accepted"
	StateAssigned   State = "assigned"
	StateInProgress State = "in_progress"
	StateSuspended  State = "suspended"
	StateResolved   State = "resolved"
	StateVerified   State = "verified"
	StateFollowedUp State = "followed_up"
	StateArchived   State = "archived"
	StateRejected   State = "rejected"
	StateMerged     State = "merged"
)

// AllStates lists the states in the order a case usually passes through them, the
// side exits last; lists and reports use this order.
var AllStates = []State{
	StateRegistered, StateAccepted, StateAssigned, StateInProgress, StateSuspended,
	StateResolved, StateVerified, StateFollowedUp, StateArchived, StateRejected, StateMerged,
}

// Valid reports whether s is one of AllStates.
func (s State) Valid() bool { return slices.Contains(AllStates, s) }

// Terminal reports whether nothing more can happen to a case in state s: archived,
// rejected and merged cases are history; a merged case lives on in the case it joined.
func (s State) Terminal() bool {
	return s == StateArchived || s == StateRejected || s == StateMerged
}

// Open reports whether a case in state s still needs work and counts in work queues,
// deadlines and supervision.
func (s State) Open() bool { return s.Valid() && !s.Terminal() }

// Label is the Chinese name of the state, or its code when unknown.
func (s State) Label() string { return label(i18n.Default, "state.", string(s)) }

// LabelEN is the English name of the state, or its code when unknown.
func (s State) LabelEN() string { return label("en", "state.", string(s)) }
