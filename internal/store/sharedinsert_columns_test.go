package store

import (
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
)

// Every column of a new case has its PostgreSQL type, and a case's values, with and
// without the optional ones, turn into arrays of those types.
func TestCaseColumnsFollowCaseInsertCols(t *testing.T) {
	if n := strings.Count(caseInsertCols, ",") + 1; len(caseInsertPGTypes) != n {
		t.Fatalf("%d types for %d columns", len(caseInsertPGTypes), n)
	}
	now := time.Now()
	lat, lng := 35.3, 103.7
	bare := &model.Case{TrackingCode: "A", Kind: model.KindDispute, CategoryID: 3, State: "registered", CreatedAt: now, UpdatedAt: now}
	full := *bare
	full.TrackingCode, full.Lat, full.Lng, full.GridID, full.DueAt, full.RiskSince, full.AmountFen = "B", &lat, &lng, 9, &now, &now, 1e13
	cols := caseColumns([][]any{caseInsertArgs(bare), caseInsertArgs(&full)})
	if len(cols) != len(caseInsertPGTypes) {
		t.Fatalf("%d columns", len(cols))
	}
	at := func(name string) any {
		for i, c := range strings.Split(caseInsertCols, ",") {
			if strings.TrimSpace(c) == name {
				return cols[i]
			}
		}
		t.Fatalf("no column %s", name)
		return nil
	}
	if got := at("tracking_code").([]string); got[0] != "A" || got[1] != "B" {
		t.Errorf("tracking codes %v", got)
	}
	if got := at("kind").([]string); got[1] != string(model.KindDispute) {
		t.Errorf("kinds %v", got)
	}
	if got := at("grid_id").([]*int64); got[0] != nil || *got[1] != 9 {
		t.Errorf("grid ids %v", got)
	}
	if got := at("lat").([]*float64); got[0] != nil || *got[1] != lat {
		t.Errorf("latitudes %v", got)
	}
	if got := at("due_at").([]*time.Time); got[0] != nil || !got[1].Equal(now) {
		t.Errorf("due dates %v", got)
	}
	if got := at("amount_fen").([]*int64); *got[0] != 0 || *got[1] != 1e13 {
		t.Errorf("amounts %v", got)
	}
}
