package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// A saved filter is its owner's alone: another user neither lists, reads, renames nor
// deletes it; a name is unique per user (not across users); a user keeps at most
// model.MaxSavedFilters.
func TestSavedFilters(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx, _, _, _ := seededCounty(t, st, store.Actor{Name: "测试"})
		clerk, err := userNamed(ctx, st, "county.clerk")
		must(t, err)
		leader, err := userNamed(ctx, st, "county.leader")
		must(t, err)

		mine := model.SavedFilter{UserID: clerk.ID, Name: "超期纠纷", Query: "kind=dispute&overdue=true&queue=all"}
		must(t, st.InsertSavedFilter(ctx, &mine))
		if mine.ID == 0 || mine.CreatedAt.IsZero() {
			t.Fatalf("inserted filter = %+v, want an id and a time", mine)
		}
		again := model.SavedFilter{UserID: clerk.ID, Name: "超期纠纷", Query: "kind=hazard"}
		if err := st.InsertSavedFilter(ctx, &again); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("same name twice: %v, want ErrConflict", err)
		}
		theirs := model.SavedFilter{UserID: leader.ID, Name: "超期纠纷", Query: "kind=dispute"}
		must(t, st.InsertSavedFilter(ctx, &theirs)) // the leader's own, of the same name

		list, err := st.SavedFilters(ctx, clerk.ID)
		must(t, err)
		if len(list) != 1 || list[0].ID != mine.ID || list[0].Query != mine.Query {
			t.Fatalf("clerk's filters = %+v, want only their own", list)
		}
		if _, err := st.SavedFilter(ctx, leader.ID, mine.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("leader reads the clerk's filter: %v, want ErrNotFound", err)
		}
		if err := st.RenameSavedFilter(ctx, leader.ID, mine.ID, "偷改"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("leader renames the clerk's filter: %v, want ErrNotFound", err)
		}
		if err := st.DeleteSavedFilter(ctx, leader.ID, mine.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("leader deletes the clerk's filter: %v, want ErrNotFound", err)
		}

		other := model.SavedFilter{UserID: clerk.ID, Name: "隐患", Query: "kind=hazard"}
		must(t, st.InsertSavedFilter(ctx, &other))
		if err := st.RenameSavedFilter(ctx, clerk.ID, other.ID, "超期纠纷"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("rename onto a taken name: %v, want ErrConflict", err)
		}
		must(t, st.RenameSavedFilter(ctx, clerk.ID, other.ID, "安全隐患"))
		list, err = st.SavedFilters(ctx, clerk.ID)
		must(t, err)
		if len(list) != 2 || list[0].Name != "安全隐患" || list[1].Name != "超期纠纷" {
			t.Fatalf("clerk's filters after rename = %+v, want both, by name", list)
		}
		must(t, st.DeleteSavedFilter(ctx, clerk.ID, mine.ID))
		if _, err := st.SavedFilter(ctx, clerk.ID, mine.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("deleted filter read back: %v", err)
		}
		if got, err := st.SavedFilter(ctx, leader.ID, theirs.ID); err != nil || got.Name != "超期纠纷" {
			t.Fatalf("the leader's filter after the clerk's went = %+v, %v", got, err)
		}

		for i := len(list) - 1; i < model.MaxSavedFilters; i++ {
			must(t, st.InsertSavedFilter(ctx, &model.SavedFilter{UserID: clerk.ID, Name: fmt.Sprintf("筛选%d", i), Query: "kind=service"}))
		}
		if err := st.InsertSavedFilter(ctx, &model.SavedFilter{UserID: clerk.ID, Name: "再多一个", Query: "kind=service"}); !errors.Is(err, store.ErrTooManySavedFilters) {
			t.Fatalf("filter past the limit: %v, want ErrTooManySavedFilters", err)
		}
	})
}

// userNamed reads the account of username.
func userNamed(ctx context.Context, st *store.Store, username string) (model.User, error) {
	u, _, err := st.UserCredentials(ctx, username)
	return u, err
}
