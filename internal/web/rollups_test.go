package web_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
	"github.com/onedoor/onedoor/internal/workflow"
)

// The rollups stay equal to a recount of the cases through any sequence of the
// workflow's steps (registration, acceptance, routing to a lead department and its
// return, resolution with every outcome, verification and its failure, return visits
// with every rating, reopening by an unsatisfied party, merging, rejection,
// escalation and delegation, suspension), after a bulk load of generated history; and
// every figure the dashboard reads from them equals the same figure counted from the
// cases (the oracle, cases.Service.StatsFromCases), for a county and a township
// leader, by period and cut. On both stores.
func TestRollupsEqualARecountAfterRandomWorkflows(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		srv := testutil.NewServer(t, st, true)
		if err := demo.GenerateCases(ctx, st, 400, 11); err != nil {
			t.Fatal(err)
		}
		verify := func(after string) {
			t.Helper()
			diffs, err := st.VerifyRollups(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range diffs {
				if i == 10 {
					break
				}
				t.Errorf("after %s: %s", after, d)
			}
			if len(diffs) > 0 {
				t.FailNow()
			}
		}
		verify("the bulk load")

		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		mediator := srv.Login(t, "fucheng.mediator", demo.Password)
		handler := srv.Login(t, "fucheng.handler", demo.Password)
		leader := srv.Login(t, "fucheng.leader", demo.Password)
		countyClerk := srv.Login(t, "county.clerk", demo.Password)
		justice := departmentID(t, st, "622922100", "justice-office")
		police := departmentID(t, st, "622922100", "police-station")
		village := regionID(t, st, "622922100200")
		township := regionID(t, st, "622922100")
		rng := rand.New(rand.NewPCG(23, 5))
		pick := func(list ...string) string { return list[rng.IntN(len(list))] }
		categories := []int64{categoryID(t, st, "dispute.neighbour"), categoryID(t, st, "dispute.land"), categoryID(t, st, "dispute.labour")}

		var ids []int64
		register := func(then ...map[string]any) int64 {
			body := walkIn(t, st, then...)
			body["category_id"] = categories[rng.IntN(len(categories))]
			body["channel"] = pick("walk_in", "phone", "hotline", "grid")
			body["urgency"] = pick("normal", "urgent", "critical")
			if rng.IntN(3) == 0 {
				body["households"] = 3 // a group matter (群体性)
			}
			// The applicant: walkIn's (a repeat visitor after the first), one of a few
			// people by phone or by name and address alone, or someone new.
			switch person := rng.IntN(6); person {
			case 0, 1:
			case 2, 3:
				body["parties"] = []map[string]any{{"role": "applicant", "name": "回访" + strconv.Itoa(person), "phone": "1389300990" + strconv.Itoa(person)}}
			case 4:
				body["parties"] = []map[string]any{{"role": "applicant", "name": "无证人", "address": "附城镇高林湾村三社1号"}}
			default:
				body["parties"] = []map[string]any{{"role": "applicant", "name": "新来", "phone": fmt.Sprintf("1379%07d", len(ids))}}
			}
			resp, raw := clerk.Do("POST", "/api/v1/cases", body)
			if resp.StatusCode != 201 {
				t.Fatalf("register: %d %s", resp.StatusCode, raw)
			}
			var c struct{ ID int64 }
			testutil.DecodeJSON(t, raw, &c)
			ids = append(ids, c.ID)
			return c.ID
		}
		type step struct {
			who    *testutil.Client
			action string
			body   map[string]any
		}
		note := map[string]any{"note": "随机流程"}
		resolve := func(who *testutil.Client) step {
			return step{who, "resolve", map[string]any{"outcome": pick("mediated_oral", "mediated_oral", "to_litigation", "withdrawn", "explained"), "note": "办结"}}
		}
		// visits is the end of a resolution: verification (failing at times), and the
		// return visit, whose 不满意 reopens the case for another round.
		var visits func(who *testutil.Client, rounds int) []step
		visits = func(who *testutil.Client, rounds int) []step {
			var out []step
			if rng.IntN(4) == 0 {
				out = append(out, step{clerk, "verify_fail", note}, resolve(who))
			}
			out = append(out, step{clerk, "verify", nil})
			sat := pick("satisfied", "basically_satisfied", "unsatisfied")
			if rounds == 0 {
				sat = "satisfied"
			}
			out = append(out, step{clerk, "visit", map[string]any{"satisfaction": sat, "note": "回访"}})
			if sat == "unsatisfied" {
				out = append(append(out, resolve(who)), visits(who, rounds-1)...)
			} else if rng.IntN(2) == 0 {
				out = append(out, step{clerk, "archive", nil})
			}
			return out
		}
		// script is a case's random way through the workflow.
		script := func() (int64, []step) {
			var out []step
			if rng.IntN(5) == 0 {
				out = append(out, step{leader, "warning_adjust", map[string]any{"warning_level": pick("red", "orange", "none"), "note": "研判调整"}})
			}
			switch r := rng.IntN(10); {
			case r == 0:
				return register(), append(out, step{clerk, "reject", note})
			case r == 1 && len(ids) > 0:
				return register(), append(out, step{clerk, "merge", map[string]any{"merge_into": ids[rng.IntN(len(ids))], "note": "重复反映"}})
			case r <= 5:
				id := register(map[string]any{"action": "accept"})
				if rng.IntN(3) == 0 {
					out = append(out, step{clerk, "escalate", note}, step{countyClerk, "delegate", map[string]any{"to_region_id": township, "note": "属地办理"}})
				}
				if rng.IntN(4) == 0 {
					out = append(out, step{clerk, "suspend", note}, step{clerk, "resume", nil})
				}
				out = append(out, step{clerk, "handle", nil}, resolve(mediator))
				return id, append(out, visits(mediator, 2)...)
			default:
				id := register(map[string]any{"action": "accept"})
				out = append(out, step{clerk, "assign", map[string]any{"lead_department_id": justice}})
				if rng.IntN(3) == 0 {
					// Returned by the lead, then led by another department or the same.
					out = append(out, step{handler, "return", map[string]any{"note": "不属于本单位职责"}},
						step{clerk, "assign", map[string]any{"lead_department_id": []int64{justice, police}[rng.IntN(2)]}})
				}
				out = append(out, step{handler, "sign", nil})
				if rng.IntN(5) == 0 {
					out = append(out, step{clerk, "delegate", map[string]any{"to_region_id": village, "note": "就地化解"}})
				}
				out = append(out, resolve(handler))
				return id, append(out, visits(handler, 2)...)
			}
		}
		todo := map[int64][]step{}
		var pending []int64
		done, refused := map[string]int{}, map[string]int{}
		for i := range 400 {
			if len(pending) < 6 {
				id, s := script()
				todo[id] = s
				pending = append(pending, id)
			}
			k := rng.IntN(len(pending))
			id := pending[k]
			s := todo[id][0]
			resp, _ := s.who.Do("POST", fmt.Sprintf("/api/v1/cases/%d/actions/%s", id, s.action), s.body)
			if resp.StatusCode == 200 {
				done[s.action]++
				todo[id] = todo[id][1:]
			} else {
				refused[s.action]++ // a step the case's state refuses ends its script
				todo[id] = nil
			}
			if len(todo[id]) == 0 {
				pending = append(pending[:k], pending[k+1:]...)
			}
			if i%40 == 39 {
				verify(fmt.Sprintf("%d steps", i+1))
			}
		}
		t.Logf("steps taken %v, refused %v", done, refused)
		// The walk must have taken the steps that change what the rollups count.
		for _, a := range []string{"handle", "reject", "merge", "assign", "return", "resolve", "verify", "verify_fail", "visit", "archive", "escalate", "delegate"} {
			if done[a] == 0 {
				t.Errorf("the random walk never took a %s step: %v", a, done)
			}
		}
		verify("the random workflows")

		now := time.Now().In(workflow.ChinaTime)
		yearRange := "from=" + now.AddDate(-1, 0, 1).Format("2006-01-02") + "&to=" + now.Format("2006-01-02")
		queries := []string{"period=month", "period=day", yearRange, yearRange + "&kind=dispute", yearRange + "&urgency=urgent",
			yearRange + "&channel=phone", yearRange + "&lead_department_id=none", fmt.Sprintf("%s&lead_department_id=%d", yearRange, justice),
			fmt.Sprintf("%s&category_id=%d", yearRange, categories[0]), fmt.Sprintf("%s&region_id=%d", yearRange, township)}
		compare := func(when string) {
			for _, who := range []string{"county.leader", "fucheng.leader"} {
				c := srv.Login(t, who, demo.Password)
				for _, q := range queries {
					q := q
					srv.App.Cases().StatsFromCases = false
					resp, fromRollups := c.Do("GET", "/api/v1/stats?"+q, nil)
					srv.App.Cases().StatsFromCases = true
					resp2, fromCases := c.Do("GET", "/api/v1/stats?"+q, nil)
					srv.App.Cases().StatsFromCases = false
					if resp.StatusCode != 200 || resp2.StatusCode != 200 {
						t.Fatalf("%s ?%s: %d, %d", who, q, resp.StatusCode, resp2.StatusCode)
					}
					if !bytes.Equal(fromRollups, fromCases) {
						a, b := getStatsOf(t, fromRollups), getStatsOf(t, fromCases)
						va, vb := statValues(a), statValues(b)
						for name, v := range vb {
							if va[name] != v {
								t.Errorf("%s ?%s: %s from the rollups %+v, from the cases %+v", who, q, name, va[name], v)
							}
						}
						if len(a.Daily) != len(b.Daily) {
							t.Errorf("%s ?%s: %d days from the rollups, %d from the cases", who, q, len(a.Daily), len(b.Daily))
						}
						for i := range min(len(a.Daily), len(b.Daily)) {
							if a.Daily[i] != b.Daily[i] {
								t.Errorf("%s ?%s: day %s from the rollups %+v, from the cases %+v", who, q, a.Daily[i].Day, a.Daily[i], b.Daily[i])
							}
						}
						if !t.Failed() {
							t.Errorf("%s ?%s (%s): the answers differ:\n%s\n%s", who, q, when, fromRollups, fromCases)
						}
					}
				}
			}
		}
		compare("as generated")
		// The handling times count working days by the calendar in force: after the
		// calendar changes (weekdays of the past months made holidays, weekend days
		// working days), the rollups' figures still equal the recount, with nothing
		// rebuilt.
		before := getStatsOf(t, func() []byte {
			_, raw := srv.Login(t, "county.leader", demo.Password).Do("GET", "/api/v1/stats?"+yearRange, nil)
			return raw
		}())
		admin := srv.Login(t, "county.admin", demo.Password)
		for back := 1; back < 200; back += 3 {
			day := now.AddDate(0, 0, -back)
			kind := "holiday"
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				kind = "workday"
			}
			if resp, raw := admin.Do("PUT", "/api/v1/calendar/"+day.Format("2006-01-02"), map[string]any{"kind": kind, "name": "测试"}); resp.StatusCode != 200 {
				t.Fatalf("calendar %s: %d %s", day.Format("2006-01-02"), resp.StatusCode, raw)
			}
		}
		after := getStatsOf(t, func() []byte {
			_, raw := srv.Login(t, "county.leader", demo.Password).Do("GET", "/api/v1/stats?"+yearRange, nil)
			return raw
		}())
		if statValues(before)["headline avg_days"] == statValues(after)["headline avg_days"] {
			t.Errorf("the calendar's change left the mean handling time as it was: %+v", statValues(after)["headline avg_days"])
		}
		compare("after the calendar changed")
	})
}

func getStatsOf(t *testing.T, raw []byte) statsAnswer {
	t.Helper()
	var s statsAnswer
	testutil.DecodeJSON(t, raw, &s)
	return s
}
