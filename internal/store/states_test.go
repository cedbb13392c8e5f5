package store

import (
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/workflow"
)

// The store's lists of states in SQL say what the workflow says.
func TestStateListsMatchTheWorkflow(t *testing.T) {
	list := func(keep func(workflow.State) bool) string {
		var parts []string
		for _, st := range workflow.AllStates {
			if keep(st) {
				parts = append(parts, "'"+string(st)+"'")
			}
		}
		return "(" + strings.Join(parts, ",") + ")"
	}
	if want := list(workflow.State.Open); openStates != want {
		t.Errorf("openStates = %s, want %s", openStates, want)
	}
	if want := list(func(s workflow.State) bool {
		return s.Open() && s != workflow.StateSuspended && s != workflow.StateFollowedUp
	}); sweepableStates != want {
		t.Errorf("sweepableStates = %s, want %s", sweepableStates, want)
	}
}
