package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// waitUntil polls cond until it holds, failing the test after a minute.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A streaming replica made by pg_basebackup on this machine takes the dashboards,
// the reports and searches, not the pages that must see their own writes; a lagging
// replica is skipped, and a lost one costs no request.
func TestReplicaTakesReportsAndFallsBack(t *testing.T) {
	rep := testutil.NewPGReplica(t)
	ctx := context.Background()
	dsn := testutil.NewDSN(t, store.Postgres)
	key := testutil.NewAuditKey(t)
	st := testutil.OpenStore(t, dsn, key)
	srv := testutil.NewServer(t, st, true)
	// Node A trusts its replica however far behind: what it reads from it shows.
	if err := st.AddReplicas(ctx, []string{rep.DSN(dsn)}, store.ReplicaOptions{MaxLag: time.Hour}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the replica to hold the new schema", func() bool {
		st.CheckReplicas(ctx)
		return st.Replicas()[0].Up
	})
	if !st.ForReports().IsReplica() || st.IsReplica() {
		t.Fatal("with its replica up, ForReports is not the replica")
	}
	leader := srv.Login(t, "county.leader", demo.Password)
	clerk := srv.Login(t, "county.clerk", demo.Password)
	intake := func(c *testutil.Client) int64 {
		t.Helper()
		v, ok := statValues(getStats(t, c, "period=day"))["headline intake"]
		if !ok {
			t.Fatal("the figures have no headline intake")
		}
		return v.Num
	}
	register := func() int64 {
		t.Helper()
		resp, raw := clerk.Do("POST", "/api/v1/cases", walkIn(t, st))
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, raw)
		}
		var c struct {
			ID int64 `json:"id"`
		}
		testutil.DecodeJSON(t, raw, &c)
		return c.ID
	}
	before := intake(leader)

	t.Run("a write on the primary shows on the replica once it caught up", func(t *testing.T) {
		register()
		waitUntil(t, "the dashboard (read on the replica) to count the new case", func() bool { return intake(leader) == before+1 })
	})

	// Node B shares the database and the replica, and skips it past a second behind.
	st2 := testutil.OpenStore(t, dsn, key)
	if err := st2.AddReplicas(ctx, []string{rep.DSN(dsn)}, store.ReplicaOptions{MaxLag: time.Second}); err != nil {
		t.Fatal(err)
	}
	srv2 := testutil.NewServer(t, st2, false)
	leader2 := srv2.Login(t, "county.leader", demo.Password)

	t.Run("dashboards and searches read the replica, case pages the primary", func(t *testing.T) {
		rep.Exec(t, "SELECT pg_wal_replay_pause()")
		id := register()
		// The case page, after the write, reads the primary: the case is there.
		if resp, raw := clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d", id), nil); resp.StatusCode != 200 {
			t.Fatalf("the new case's page: %d %s", resp.StatusCode, raw)
		}
		// The clerk's own list reads the primary too.
		if resp, raw := clerk.Do("GET", "/api/v1/cases?limit=200", nil); resp.StatusCode != 200 || !strings.Contains(string(raw), fmt.Sprintf(`"id":%d,`, id)) {
			t.Fatalf("the clerk's list lacks the case just registered: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
		// The dashboard reads the paused replica: it does not count it yet.
		if got := intake(leader); got != before+1 {
			t.Fatalf("node A's dashboard counts %d cases today, want %d (the replica's, paused before the case)", got, before+1)
		}
		// So does a search of the cases' words.
		resp, raw := leader.Do("GET", "/api/v1/cases?q="+"柴草", nil)
		if resp.StatusCode != 200 || strings.Contains(string(raw), fmt.Sprintf(`"id":%d,`, id)) {
			t.Fatalf("a search on node A found the case the replica has not replayed: %d %s", resp.StatusCode, testutil.Excerpt(raw))
		}
	})

	t.Run("a lagging replica is skipped for the primary", func(t *testing.T) {
		waitUntil(t, "node B to find its replica lagging", func() bool {
			st2.CheckReplicas(ctx)
			r := st2.Replicas()[0]
			return !r.Up && strings.HasPrefix(r.Problem, "lagging")
		})
		if st2.ForReports().IsReplica() {
			t.Fatal("node B's reports still go to the lagging replica")
		}
		if got := intake(leader2); got != before+2 {
			t.Fatalf("node B's dashboard counts %d cases today, want %d (the primary's)", got, before+2)
		}
		if !strings.Contains(metricsOf(t, srv2), `onedoor_db_replica_up{replica="`+st2.Replicas()[0].Name+`"} 0`) {
			t.Fatal("/metrics does not say the replica is out of use")
		}
		h := healthOf(t, srv2)
		if h.Status != "ok" || len(h.Replicas) != 1 || h.Replicas[0].Status != "skipped" || !strings.HasPrefix(h.Replicas[0].Problem, "lagging") {
			t.Fatalf("/healthz with a lagging replica: %+v", h)
		}
		rep.Exec(t, "SELECT pg_wal_replay_resume()")
		waitUntil(t, "node B to take its replica back", func() bool {
			st2.CheckReplicas(ctx)
			return st2.Replicas()[0].Up
		})
		waitUntil(t, "node A's dashboard to count the case", func() bool { return intake(leader) == before+2 })
		if !strings.Contains(metricsOf(t, srv2), `onedoor_db_replica_up{replica="`+st2.Replicas()[0].Name+`"} 1`) {
			t.Fatal("/metrics does not say the replica is in use again")
		}
	})

	t.Run("a lost replica costs no request", func(t *testing.T) {
		rep.Stop(t)
		// Node A has not checked since: its first read of the replica fails and runs
		// on the primary.
		if !st.Replicas()[0].Up {
			t.Fatal("node A checked its replica before the test asked it to")
		}
		if got := intake(leader); got != before+2 {
			t.Fatalf("node A's dashboard with its replica gone counts %d, want %d", got, before+2)
		}
		if st.Replicas()[0].Up || st.ReplicaFallbacks() == 0 {
			t.Fatalf("the failed read did not take the replica out of use: %+v, %d fallbacks", st.Replicas()[0], st.ReplicaFallbacks())
		}
		for _, path := range []string{"/stats", "/stats?period=month", "/analysis", "/api/v1/cases?q=" + "柴草"} {
			if resp, raw := leader.Do("GET", path, nil); resp.StatusCode != 200 {
				t.Errorf("GET %s with the replica gone: %d %s", path, resp.StatusCode, testutil.Excerpt(raw))
			}
		}
		st2.CheckReplicas(ctx)
		if r := st2.Replicas()[0]; r.Up || r.Problem != "unreachable" {
			t.Fatalf("node B's check of the stopped replica: %+v", r)
		}
		if got := intake(leader2); got != before+2 {
			t.Fatalf("node B's dashboard with its replica gone counts %d, want %d", got, before+2)
		}
		h := healthOf(t, srv2)
		if h.Status != "ok" || h.Replicas[0].Status != "skipped" || h.Replicas[0].Problem != "unreachable" {
			t.Fatalf("/healthz with the replica gone: %+v", h)
		}
	})
}

func metricsOf(t *testing.T, srv *testutil.Server) string {
	t.Helper()
	resp, raw := srv.NewClient(t).Do("GET", "/metrics", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, testutil.Excerpt(raw))
	}
	return string(raw)
}

type healthAnswer struct {
	Status   string `json:"status"`
	Replicas []struct {
		Name       string  `json:"name"`
		Status     string  `json:"status"`
		Problem    string  `json:"problem"`
		LagSeconds float64 `json:"lag_seconds"`
	} `json:"replicas"`
}

func healthOf(t *testing.T, srv *testutil.Server) healthAnswer {
	t.Helper()
	resp, raw := srv.NewClient(t).Do("GET", "/healthz", nil)
	var h healthAnswer
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatalf("/healthz: %d %s", resp.StatusCode, raw)
	}
	return h
}
