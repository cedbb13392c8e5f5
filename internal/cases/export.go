package cases

import (
	"context"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
)

// EachLedger hands every case of the list f names (as Find reads it, in p's scope
// and in the list's order) to each, a batch at a time, with only what a row of a 台账
// writes (store.EachLedgerCase), and returns how many there were. The list's own
// paging is ignored: an export takes the whole list.
func (s *Service) EachLedger(ctx context.Context, p *auth.Principal, f store.CaseFilter, code string, each func([]store.LedgerCase) error) (int, error) {
	sc := ScopeOf(p)
	// An export reads a replica when one is up: a large one is the heaviest read
	// there is, and need not see the last write.
	reports := s.Store.ForReports()
	if code != "" {
		// A tracking code typed into the search box finds its case alone (Find).
		byCode := f
		byCode.Text, byCode.TrackingCode = search.Query{}, code
		var found []store.LedgerCase
		if _, err := reports.EachLedgerCase(ctx, byCode, sc, func(b []store.LedgerCase) error {
			found = append(found, b...)
			return nil
		}); err != nil {
			return 0, err
		}
		if len(found) == 1 {
			return 1, each(found)
		}
	}
	return reports.EachLedgerCase(ctx, f, sc, each)
}
