package cases

import (
	"context"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/search"
	"github.com/onedoor/onedoor/internal/store"
)

// exportBatch is how many cases an export reads at a time: the list's own page limit.
const exportBatch = 200

// EachListed hands every case of the list f names (as Find reads it, in p's scope
// and in the list's order) to each, a batch at a time, and returns how many there
// were. The list's own paging is ignored: an export takes the whole list.
func (s *Service) EachListed(ctx context.Context, p *auth.Principal, f store.CaseFilter, code string, each func([]model.Case) error) (int, error) {
	sc := ScopeOf(p)
	if code != "" {
		byCode := f
		byCode.Text, byCode.TrackingCode, byCode.Offset, byCode.Before, byCode.Limit = search.Query{}, code, 0, 0, exportBatch
		found, err := s.Store.Cases(ctx, byCode, sc)
		if err != nil {
			return 0, err
		}
		if len(found) == 1 {
			return 1, each(found)
		}
	}
	f.Offset, f.Before, f.Limit = 0, 0, exportBatch
	// An export reads a replica when one is up: a large one is the heaviest read
	// there is, and need not see the last write.
	reports := s.Store.ForReports()
	n := 0
	for {
		list, err := reports.Cases(ctx, f, sc)
		if err != nil || len(list) == 0 {
			return n, err
		}
		n += len(list)
		if err := each(list); err != nil {
			return n, err
		}
		// Newest first pages by id, which stays exact however long the list; the
		// other orders by offset.
		if f.Sort == store.SortNewest {
			f.Before = list[len(list)-1].ID
		} else {
			f.Offset += exportBatch
		}
	}
}
