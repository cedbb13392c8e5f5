package web_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

// The database drops the server's connections (pg_terminate_backend, as a restart or
// a failover does). Between requests: every request after it succeeds, because reads
// and transactions that failed before their commit run once more on a fresh
// connection. While clerks register, open, accept and list cases: no request answers
// 500; the few the retry cannot save (a COMMIT whose outcome the lost connection
// hides, a connection dropped again during its retry) answer 503: commit_unknown
// when the write may have been saved, db_unavailable otherwise.
// SQLite has no connection another process can drop.
func TestKilledConnectionsGiveNo500(t *testing.T) {
	if os.Getenv(testutil.PGEnv) == "" {
		t.Skipf("%s is not set: connections to kill are PostgreSQL's", testutil.PGEnv)
	}
	dsn := testutil.NewDSN(t, store.Postgres)
	u, _ := url.Parse(dsn)
	app := "onedoor_" + u.Query().Get("search_path")
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	st := testutil.OpenStore(t, u.String(), testutil.NewAuditKey(t))
	srv := testutil.NewServer(t, st, true)
	clerk := srv.Login(t, "fucheng.clerk", demo.Password)
	body := walkIn(t, st)

	admin, err := sql.Open("pgx", os.Getenv(testutil.PGEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	kill := func() int {
		var n int
		if err := admin.QueryRowContext(context.Background(),
			"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", app).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Between requests: the pools hold only dead connections, and nothing fails.
	for round := range 3 {
		if n := kill(); n == 0 {
			t.Fatalf("round %d: no connection of the server to kill", round)
		}
		resp, raw := clerk.Do("POST", "/api/v1/cases", body)
		if resp.StatusCode != 201 {
			t.Fatalf("round %d: register after the connections dropped: %d %s", round, resp.StatusCode, raw)
		}
		var created struct {
			ID int64 `json:"id"`
		}
		testutil.DecodeJSON(t, raw, &created)
		kill()
		for _, probe := range []struct{ method, path string }{
			{"GET", fmt.Sprintf("/api/v1/cases/%d", created.ID)},
			{"POST", fmt.Sprintf("/api/v1/cases/%d/actions/accept", created.ID)},
			{"GET", "/api/v1/cases?state=accepted"},
		} {
			var in any
			if probe.method == "POST" {
				in = map[string]any{}
			}
			if resp, raw := clerk.Do(probe.method, probe.path, in); resp.StatusCode != 200 {
				t.Fatalf("round %d: %s %s after the connections dropped: %d %s", round, probe.method, probe.path, resp.StatusCode, raw)
			}
		}
	}
	if st.Retries() == 0 {
		t.Fatal("connections killed between requests and nothing retried")
	}

	// Under load.
	var stop atomic.Bool
	var requests, fails, unavailable atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				check := func(what string, status int, raw []byte) {
					requests.Add(1)
					switch {
					case status == 503 && (jsonErrorCode(raw) == "db_unavailable" || jsonErrorCode(raw) == "commit_unknown"):
						unavailable.Add(1)
					case status >= 500:
						fails.Add(1)
						t.Errorf("%s under dropped connections: %d %s", what, status, raw)
					}
				}
				resp, raw := clerk.Do("POST", "/api/v1/cases", body)
				check("register", resp.StatusCode, raw)
				var created struct {
					ID int64 `json:"id"`
				}
				json.Unmarshal(raw, &created)
				if created.ID != 0 {
					resp, raw = clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d", created.ID), nil)
					check("case", resp.StatusCode, raw)
					resp, raw = clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/accept", created.ID), map[string]any{})
					check("accept", resp.StatusCode, raw)
				}
				resp, raw = clerk.Do("GET", "/api/v1/cases?state=registered", nil)
				check("list", resp.StatusCode, raw)
			}
		}()
	}
	killed := 0
	for range 8 {
		// The load runs between the kills: the pools fill again with live connections,
		// and the next kill finds them in use or idle.
		time.Sleep(200 * time.Millisecond)
		killed += kill()
	}
	stop.Store(true)
	wg.Wait()
	if killed == 0 || requests.Load() == 0 {
		t.Fatalf("killed %d connections under %d requests: nothing was tested", killed, requests.Load())
	}
	t.Logf("%d connections killed under %d requests; %d statements retried; %d answered 503, %d another 5xx",
		killed, requests.Load(), st.Retries(), unavailable.Load(), fails.Load())
}

// jsonErrorCode is the code of an API error body, or "".
func jsonErrorCode(raw []byte) string {
	var e testutil.APIError
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	return e.Error.Code
}
