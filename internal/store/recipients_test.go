package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// Whom a notice goes to is read through a cache, which every change to a user this
// process makes empties at once: a new leader is told of the next warning, a
// deactivated one is not; and a caller's copy of the list is its own.
func TestActiveUsersFollowChangesAtOnce(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		county := createCounty(t, st)
		leaders := func() []model.User {
			t.Helper()
			us, err := st.ActiveUsers(ctx, store.UserFilter{RegionID: county.ID, Role: model.RoleLeader})
			must(t, err)
			return us
		}
		if got := leaders(); len(got) != 0 {
			t.Fatalf("leaders of an empty county: %+v", got)
		}
		li := model.User{Username: "li", DisplayName: "李主任", RegionID: county.ID, Roles: []model.Role{model.RoleLeader}}
		must(t, st.CreateUser(ctx, store.NotAudited("test fixture"), &li, "hash"))
		zhao := model.User{Username: "zhao", DisplayName: "赵书记", RegionID: county.ID, Roles: []model.Role{model.RoleClerk}}
		must(t, st.CreateUser(ctx, store.NotAudited("test fixture"), &zhao, "hash"))
		if got := leaders(); len(got) != 1 || got[0].ID != li.ID {
			t.Fatalf("leaders after a leader joined: %+v", got)
		}
		got := leaders()
		got[0].Roles[0] = model.RoleViewer
		if again := leaders(); again[0].Roles[0] != model.RoleLeader {
			t.Fatalf("a caller's change reached the cache: %+v", again)
		}
		zhao.Roles = []model.Role{model.RoleClerk, model.RoleLeader}
		must(t, st.UpdateUser(ctx, store.NotAudited("test fixture"), &zhao))
		if got := leaders(); len(got) != 2 {
			t.Fatalf("leaders after a clerk became one: %+v", got)
		}
		must(t, st.SetUserActive(ctx, store.NotAudited("test fixture"), li.ID, false))
		if got := leaders(); len(got) != 1 || got[0].ID != zhao.ID {
			t.Fatalf("leaders after one left: %+v", got)
		}
	})
}

// Notifications written together each get their own id, matched to their user, and
// the same user twice is refused.
func TestInsertNotificationsMatchesEachToItsUser(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		county := createCounty(t, st)
		var ns []*store.Notification
		for _, name := range []string{"a", "b", "c"} {
			u := model.User{Username: name, DisplayName: name, RegionID: county.ID, Roles: []model.Role{model.RoleLeader}}
			must(t, st.CreateUser(ctx, store.NotAudited("test fixture"), &u, "hash"))
			ns = append(ns, &store.Notification{UserID: u.ID, Kind: "warning_red", Title: "红色预警", Body: "给 " + name, CreatedAt: time.Now()})
		}
		must(t, st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error { return tx.InsertNotifications(ctx, ns) }))
		for _, n := range ns {
			inbox, err := st.Notifications(ctx, n.UserID, false, 0, 10)
			must(t, err)
			if len(inbox) != 1 || inbox[0].ID != n.ID || inbox[0].Body != n.Body {
				t.Fatalf("inbox of user %d: %+v, written %+v", n.UserID, inbox, n)
			}
		}
		twice := []*store.Notification{{UserID: ns[0].UserID, Kind: "x", CreatedAt: time.Now()}, {UserID: ns[0].UserID, Kind: "y", CreatedAt: time.Now()}}
		if err := st.InTx(ctx, store.NotAudited("test fixture"), func(tx *store.Tx) error { return tx.InsertNotifications(ctx, twice) }); err == nil {
			t.Fatal("the same user twice was accepted")
		}
	})
}
