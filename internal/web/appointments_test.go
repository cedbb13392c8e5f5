package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/demo"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/testutil"
)

var apptCST = time.FixedZone("CST", 8*3600)

type apptSession struct {
	ID          int64  `json:"id"`
	LeaderID    int64  `json:"leader_id"`
	Status      string `json:"status"`
	SlotMinutes int    `json:"slot_minutes"`
	Slots       []struct {
		ID       int64     `json:"id"`
		StartsAt time.Time `json:"starts_at"`
		Booking  *struct {
			CaseID       int64  `json:"case_id"`
			TrackingCode string `json:"tracking_code"`
		} `json:"booking"`
	} `json:"slots"`
}

type apptJSON struct {
	ID           int64     `json:"id"`
	SlotID       int64     `json:"slot_id"`
	CaseID       int64     `json:"case_id"`
	Status       string    `json:"status"`
	StartsAt     time.Time `json:"starts_at"`
	BookedBy     int64     `json:"booked_by"`
	LeaderName   string    `json:"leader_name"`
	TrackingCode string    `json:"tracking_code"`
}

// publish publishes a session of the client's leader on the day after tomorrow (so
// that a clock moved a day on still sees it ahead), and returns it.
func publish(t *testing.T, leader *testutil.Client, start, end string, minutes int, place string) apptSession {
	t.Helper()
	day := time.Now().In(apptCST).AddDate(0, 0, 2).Format(time.DateOnly)
	resp, raw := leader.Do("POST", "/api/v1/reception/sessions", map[string]any{"date": day, "start": start, "end": end,
		"slot_minutes": minutes, "place": place})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("publish: %d %s", resp.StatusCode, raw)
	}
	var s apptSession
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func book(t *testing.T, c *testutil.Client, caseID, slotID int64) (int, []byte) {
	t.Helper()
	resp, raw := c.Do("POST", fmt.Sprintf("/api/v1/cases/%d/appointments", caseID), map[string]any{"slot_id": slotID})
	return resp.StatusCode, raw
}

func mustBook(t *testing.T, c *testutil.Client, caseID, slotID int64) apptJSON {
	t.Helper()
	status, raw := book(t, c, caseID, slotID)
	if status != http.StatusCreated {
		t.Fatalf("book case %d slot %d: %d %s", caseID, slotID, status, raw)
	}
	var a apptJSON
	testutil.DecodeJSON(t, raw, &a)
	return a
}

func refusedAs(t *testing.T, status int, raw []byte, wantStatus int, wantCode, wantField string) testutil.APIError {
	t.Helper()
	e := testutil.DecodeError(t, raw)
	if status != wantStatus || e.Error.Code != wantCode || e.Error.Field != wantField {
		t.Fatalf("got %d %s, want %d %s (field %q)", status, raw, wantStatus, wantCode, wantField)
	}
	return e
}

// page fetches a page as the client's browser does and returns its HTML.
func page(t *testing.T, c *testutil.Client, path string) string {
	t.Helper()
	resp, raw := c.Do("GET", path, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	return string(raw)
}

// postForm sends a form as a browser does (the session's CSRF token in the header).
func postForm(t *testing.T, srv *testutil.Server, c *testutil.Client, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.CSRF != "" {
		req.Header.Set("X-CSRF-Token", c.CSRF)
	}
	resp, raw := c.Send(req)
	return resp, string(raw)
}

func caseEvents(t *testing.T, c *testutil.Client, id int64) []struct {
	Action  string `json:"action"`
	Note    string `json:"note"`
	ActorID int64  `json:"actor_id"`
} {
	t.Helper()
	_, raw := c.Do("GET", fmt.Sprintf("/api/v1/cases/%d/events", id), nil)
	var evs struct {
		Items []struct {
			Action  string `json:"action"`
			Note    string `json:"note"`
			ActorID int64  `json:"actor_id"`
		}
	}
	testutil.DecodeJSON(t, raw, &evs)
	return evs.Items
}

func TestAppointments(t *testing.T) {
	testutil.ForEachStore(t, func(t *testing.T, st *store.Store) {
		srv := testutil.NewServer(t, st, true)
		countyLeader := srv.Login(t, "county.leader", demo.Password)
		fuchengLeader := srv.Login(t, "fucheng.leader", demo.Password)
		sujiLeader := srv.Login(t, "suji.leader", demo.Password)
		clerk := srv.Login(t, "fucheng.clerk", demo.Password)
		sujiClerk := srv.Login(t, "suji.clerk", demo.Password)
		register := func() caseJSON {
			f := &flow{t: t}
			return f.register(clerk, walkIn(t, st))
		}

		t.Run("publish checks its input and who publishes", func(t *testing.T) {
			day := time.Now().In(apptCST).AddDate(0, 0, 3).Format(time.DateOnly)
			in := func(mod func(m map[string]any)) map[string]any {
				m := map[string]any{"date": day, "start": "14:00", "end": "16:00", "slot_minutes": 30, "place": "县综治中心接访室"}
				mod(m)
				return m
			}
			for _, tc := range []struct {
				body  map[string]any
				field string
			}{
				{in(func(m map[string]any) { m["slot_minutes"] = 5 }), "slot_minutes"},
				{in(func(m map[string]any) { m["end"] = "13:00" }), "end"},
				{in(func(m map[string]any) { m["date"] = "2020-01-01" }), "date"},
				{in(func(m map[string]any) { m["date"] = "明天" }), "date"},
				{in(func(m map[string]any) { m["start"] = "25:00" }), "start"},
				{in(func(m map[string]any) { m["place"] = " " }), "place"},
			} {
				resp, raw := countyLeader.Do("POST", "/api/v1/reception/sessions", tc.body)
				e := refusedAs(t, resp.StatusCode, raw, 422, testutil.DecodeError(t, raw).Error.Code, tc.field)
				if !strings.Contains(e.Error.Message, "：") {
					t.Errorf("%s: the message does not name the field: %s", tc.field, e.Error.Message)
				}
			}
			resp, raw := clerk.Do("POST", "/api/v1/reception/sessions", in(func(map[string]any) {}))
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("a clerk publishes: %d %s", resp.StatusCode, raw)
			}
			resp, raw = countyLeader.Do("POST", "/api/v1/reception/sessions", in(func(map[string]any) {}))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("publish: %d %s", resp.StatusCode, raw)
			}
			var s apptSession
			testutil.DecodeJSON(t, raw, &s)
			if len(s.Slots) != 4 || s.Status != "open" {
				t.Fatalf("a 2-hour session of 30-minute slots: %s", raw)
			}
			resp, raw = countyLeader.Do("POST", "/api/v1/reception/sessions", in(func(m map[string]any) { m["start"], m["end"] = "15:00", "17:00" }))
			refusedAs(t, resp.StatusCode, raw, 422, "overlap", "start")
			if resp, raw := countyLeader.Do("DELETE", fmt.Sprintf("/api/v1/reception/sessions/%d", s.ID), nil); resp.StatusCode != 200 {
				t.Fatalf("withdraw: %d %s", resp.StatusCode, raw)
			}
		})

		s := publish(t, countyLeader, "09:00", "11:00", 30, "县综治中心接访室")
		if len(s.Slots) != 4 {
			t.Fatalf("slots: %+v", s)
		}
		first := register()

		t.Run("a clerk books a slot of a leader on the case's path", func(t *testing.T) {
			_, raw := clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d/appointments", first.ID), nil)
			var list struct {
				Items []apptJSON `json:"items"`
				Free  []struct {
					ID int64 `json:"id"`
				} `json:"free_slots"`
			}
			testutil.DecodeJSON(t, raw, &list)
			if len(list.Items) != 0 || len(list.Free) != 4 {
				t.Fatalf("before booking: %s", raw)
			}
			a := mustBook(t, clerk, first.ID, s.Slots[0].ID)
			if a.Status != "booked" || a.BookedBy == 0 || a.LeaderName == "" {
				t.Fatalf("booking: %+v", a)
			}
			evs := caseEvents(t, clerk, first.ID)
			last := evs[len(evs)-1]
			if last.Action != "appointment_book" || !strings.Contains(last.Note, "预约领导接访："+a.LeaderName) || !strings.Contains(last.Note, "09:00") {
				t.Fatalf("timeline: %+v", last)
			}
		})

		t.Run("a slot holds one booking, a case one upcoming booking", func(t *testing.T) {
			second := register()
			status, raw := book(t, clerk, second.ID, s.Slots[0].ID)
			e := refusedAs(t, status, raw, 409, "slot_taken", "")
			if e.Error.Message != "该时段已被预约" {
				t.Fatalf("message: %s", e.Error.Message)
			}
			status, raw = book(t, clerk, first.ID, s.Slots[1].ID)
			refusedAs(t, status, raw, 409, "appointment_exists", "")
			status, raw = book(t, clerk, second.ID, 999999)
			refusedAs(t, status, raw, 422, "not_found", "slot_id")
		})

		t.Run("concurrent bookings of one slot: exactly one wins", func(t *testing.T) {
			const n = 8
			ids := make([]int64, n)
			for i := range ids {
				ids[i] = register().ID
			}
			var wg sync.WaitGroup
			statuses := make([]int, n)
			bodies := make([][]byte, n)
			start := make(chan struct{})
			for i := range ids {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					resp, raw := clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/appointments", ids[i]), map[string]any{"slot_id": s.Slots[2].ID})
					statuses[i], bodies[i] = resp.StatusCode, raw
				}(i)
			}
			close(start)
			wg.Wait()
			won := 0
			for i, st := range statuses {
				switch st {
				case http.StatusCreated:
					won++
				case http.StatusConflict:
					if !strings.Contains(string(bodies[i]), "slot_taken") {
						t.Errorf("loser %d: %s", i, bodies[i])
					}
				default:
					t.Errorf("booking %d: %d %s", i, st, bodies[i])
				}
			}
			if won != 1 {
				t.Fatalf("%d bookings won the slot: %v", won, statuses)
			}
			// The database itself refuses a second booking of the slot, whatever the code checks.
			err := st.InTx(context.Background(), store.NotAudited("test fixture"), func(tx *store.Tx) error {
				return tx.InsertAppointment(context.Background(), &store.Appointment{SlotID: s.Slots[2].ID, CaseID: ids[0], StartsAt: s.Slots[2].StartsAt,
					Status: "booked", BookedAt: time.Now()})
			})
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("a second booked row for the slot: %v", err)
			}
		})

		t.Run("concurrent bookings of one case: one upcoming booking", func(t *testing.T) {
			other := publish(t, fuchengLeader, "14:00", "16:00", 30, "附城镇综治中心接访室")
			id := register().ID
			var wg sync.WaitGroup
			statuses := make([]int, len(other.Slots))
			for i := range other.Slots {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					resp, _ := clerk.Do("POST", fmt.Sprintf("/api/v1/cases/%d/appointments", id), map[string]any{"slot_id": other.Slots[i].ID})
					statuses[i] = resp.StatusCode
				}(i)
			}
			wg.Wait()
			won := 0
			for _, st := range statuses {
				if st == http.StatusCreated {
					won++
				} else if st != http.StatusConflict {
					t.Errorf("status %d", st)
				}
			}
			if won != 1 {
				t.Fatalf("%d upcoming bookings for one case: %v", won, statuses)
			}
			// Withdrawn at the end of the test: clean the slate for the next subtests.
			resp, raw := fuchengLeader.Do("DELETE", fmt.Sprintf("/api/v1/reception/sessions/%d", other.ID), nil)
			if resp.StatusCode != 200 {
				t.Fatalf("withdraw: %d %s", resp.StatusCode, raw)
			}
		})

		t.Run("past slots cannot be booked", func(t *testing.T) {
			id := register().ID
			cs := srv.App.Cases()
			at := s.Slots[3].StartsAt.Add(time.Minute)
			cs.Now = func() time.Time { return at }
			defer func() { cs.Now = time.Now }()
			status, raw := book(t, clerk, id, s.Slots[3].ID)
			refusedAs(t, status, raw, 422, "past", "slot_id")
		})

		t.Run("scope: another township's clerk cannot book, another township's leader is not offered", func(t *testing.T) {
			id := register().ID
			status, raw := book(t, sujiClerk, id, s.Slots[1].ID)
			refusedAs(t, status, raw, 404, "not_found", "")
			resp, _ := sujiClerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d/appointments", id), nil)
			if resp.StatusCode != 404 {
				t.Fatalf("another township's clerk lists the bookings: %d", resp.StatusCode)
			}
			suji := publish(t, sujiLeader, "09:00", "10:00", 60, "苏集镇综治中心接访室")
			status, raw = book(t, clerk, id, suji.Slots[0].ID)
			refusedAs(t, status, raw, 422, "not_offered", "slot_id")
			resp, raw = sujiLeader.Do("DELETE", fmt.Sprintf("/api/v1/reception/sessions/%d", s.ID), nil)
			if resp.StatusCode != 404 {
				t.Fatalf("a leader withdraws another's session: %d %s", resp.StatusCode, raw)
			}
		})

		t.Run("the booking shows on the case page, in the queue and on the calendar", func(t *testing.T) {
			html := page(t, clerk, fmt.Sprintf("/cases/%d", first.ID))
			if !strings.Contains(html, `data-testid="appointment-upcoming"`) || !strings.Contains(html, "县综治中心接访室") {
				t.Fatal("the case page does not show the booking")
			}
			html = page(t, clerk, "/cases")
			if !strings.Contains(html, `data-testid="desk-appointments"`) || !strings.Contains(html, first.TrackingCode) {
				t.Fatal("the queue does not list the booking")
			}
			html = page(t, countyLeader, "/reception")
			if !strings.Contains(html, first.TrackingCode) || !strings.Contains(html, `data-testid="publish-form"`) {
				t.Fatal("the calendar does not show who booked the slot")
			}
			_, raw := countyLeader.Do("GET", "/api/v1/reception/sessions", nil)
			var cal struct{ Items []apptSession }
			testutil.DecodeJSON(t, raw, &cal)
			found := false
			for _, x := range cal.Items {
				for _, sl := range x.Slots {
					found = found || (sl.Booking != nil && sl.Booking.CaseID == first.ID)
				}
			}
			if !found {
				t.Fatalf("the API calendar lacks the booking: %s", raw)
			}
			resp, _ := clerk.Do("GET", "/reception", nil)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("a clerk opens the reception calendar: %d", resp.StatusCode)
			}
		})

		t.Run("a clerk cancels; the slot is free again", func(t *testing.T) {
			_, raw := clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d/appointments", first.ID), nil)
			var list struct{ Items []apptJSON }
			testutil.DecodeJSON(t, raw, &list)
			if len(list.Items) != 1 {
				t.Fatalf("bookings: %s", raw)
			}
			resp, raw := clerk.Do("DELETE", fmt.Sprintf("/api/v1/appointments/%d", list.Items[0].ID), nil)
			if resp.StatusCode != 200 || !strings.Contains(string(raw), `"cancelled"`) {
				t.Fatalf("cancel: %d %s", resp.StatusCode, raw)
			}
			resp, raw = clerk.Do("DELETE", fmt.Sprintf("/api/v1/appointments/%d", list.Items[0].ID), nil)
			refusedAs(t, resp.StatusCode, raw, 422, "cancelled", "appointment")
			evs := caseEvents(t, clerk, first.ID)
			if evs[len(evs)-1].Action != "appointment_cancel" {
				t.Fatalf("timeline: %+v", evs[len(evs)-1])
			}
			second := register()
			mustBook(t, clerk, second.ID, s.Slots[0].ID)
			mustBook(t, clerk, first.ID, s.Slots[1].ID) // the case may book again
		})

		t.Run("the citizen books and cancels with the code and the phone's last 4 digits", func(t *testing.T) {
			c := register()
			anon := srv.NewClient(t)
			html := page(t, anon, "/p/book?code="+c.TrackingCode)
			if !strings.Contains(html, `name="last4"`) {
				t.Fatal("the public page does not ask for the digits")
			}
			post := func(form url.Values) (*http.Response, string) { return postForm(t, srv, anon, "/p/book", form) }
			resp, wrongDigits := post(url.Values{"op": {"verify"}, "code": {c.TrackingCode}, "last4": {"0000"}})
			if resp.StatusCode != 422 || !strings.Contains(wrongDigits, "查询码或手机号后四位不正确") {
				t.Fatalf("wrong digits: %d", resp.StatusCode)
			}
			resp, wrongCode := post(url.Values{"op": {"verify"}, "code": {"ABCDEFGHJKMN"}, "last4": {"1122"}})
			if resp.StatusCode != 422 || !strings.Contains(wrongCode, "查询码或手机号后四位不正确") {
				t.Fatalf("wrong code: %d", resp.StatusCode)
			}
			resp, html = post(url.Values{"op": {"verify"}, "code": {strings.ToLower(c.TrackingCode)}, "last4": {"1122"}})
			if resp.StatusCode != 200 || !strings.Contains(html, `data-testid="book-form"`) {
				t.Fatalf("verified: %d %s", resp.StatusCode, html)
			}
			resp, html = post(url.Values{"op": {"book"}, "code": {c.TrackingCode}, "last4": {"1122"}, "slot_id": {fmt.Sprint(s.Slots[0].ID)}})
			if resp.StatusCode != 409 || !strings.Contains(html, "该时段已被预约") {
				t.Fatalf("a taken slot: %d", resp.StatusCode)
			}
			// The county's last slot is the one still free.
			resp, html = post(url.Values{"op": {"book"}, "code": {c.TrackingCode}, "last4": {"1122"}, "slot_id": {fmt.Sprint(s.Slots[3].ID)}})
			if resp.StatusCode != 200 || !strings.Contains(html, `data-testid="book-upcoming"`) {
				t.Fatalf("book: %d %s", resp.StatusCode, html)
			}
			evs := caseEvents(t, clerk, c.ID)
			if last := evs[len(evs)-1]; last.Action != "appointment_book" || last.ActorID != 0 {
				t.Fatalf("the citizen's booking in the timeline: %+v", last)
			}
			_, raw := clerk.Do("GET", "/api/v1/notifications", nil)
			if !strings.Contains(string(raw), "appointment_booked") || !strings.Contains(string(raw), fmt.Sprintf(`"case_id":%d`, c.ID)) {
				t.Fatalf("the desk is not told of the citizen's booking: %s", raw)
			}
			if strings.Contains(string(raw), c.TrackingCode) {
				t.Fatalf("the desk's notice carries the citizen's tracking code: %s", raw)
			}
			_, raw = clerk.Do("GET", fmt.Sprintf("/api/v1/cases/%d/appointments", c.ID), nil)
			var list struct{ Items []apptJSON }
			testutil.DecodeJSON(t, raw, &list)
			if len(list.Items) != 1 || list.Items[0].BookedBy != 0 {
				t.Fatalf("bookings: %s", raw)
			}
			// Another case's booking is not the citizen's to cancel.
			extra := publish(t, fuchengLeader, "08:00", "08:30", 30, "附城镇综治中心接访室")
			b := mustBook(t, clerk, register().ID, extra.Slots[0].ID)
			resp, _ = post(url.Values{"op": {"cancel"}, "code": {c.TrackingCode}, "last4": {"1122"}, "appointment_id": {fmt.Sprint(b.ID)}})
			if resp.StatusCode != 404 {
				t.Fatalf("the citizen cancels another case's booking: %d", resp.StatusCode)
			}
			resp, html = post(url.Values{"op": {"cancel"}, "code": {c.TrackingCode}, "last4": {"1122"}, "appointment_id": {fmt.Sprint(list.Items[0].ID)}})
			if resp.StatusCode != 200 || !strings.Contains(html, "预约已取消") || !strings.Contains(html, `data-testid="book-form"`) {
				t.Fatalf("cancel: %d %s", resp.StatusCode, html)
			}
		})

		t.Run("withdrawing a session cancels its bookings and tells the desk", func(t *testing.T) {
			w := publish(t, fuchengLeader, "15:00", "16:00", 30, "附城镇综治中心接访室")
			c := register()
			mustBook(t, clerk, c.ID, w.Slots[1].ID)
			desk := srv.Login(t, "fucheng.clerk", demo.Password)
			resp, raw := fuchengLeader.Do("DELETE", fmt.Sprintf("/api/v1/reception/sessions/%d?note=%s", w.ID, url.QueryEscape("临时参加县里会议")), nil)
			if resp.StatusCode != 200 || !strings.Contains(string(raw), `"cancelled":1`) {
				t.Fatalf("withdraw: %d %s", resp.StatusCode, raw)
			}
			_, raw = desk.Do("GET", "/api/v1/notifications", nil)
			if !strings.Contains(string(raw), "reception_withdrawn") || !strings.Contains(string(raw), "临时参加县里会议") {
				t.Fatalf("the desk is not told: %s", raw)
			}
			evs := caseEvents(t, clerk, c.ID)
			if last := evs[len(evs)-1]; last.Action != "appointment_cancel" || !strings.Contains(last.Note, "撤回") {
				t.Fatalf("timeline: %+v", last)
			}
			resp, raw = fuchengLeader.Do("DELETE", fmt.Sprintf("/api/v1/reception/sessions/%d", w.ID), nil)
			refusedAs(t, resp.StatusCode, raw, 422, "withdrawn", "session")
			status, raw := book(t, clerk, c.ID, w.Slots[0].ID)
			refusedAs(t, status, raw, 422, "withdrawn", "slot_id")
		})

		t.Run("pages: publish, refuse in Chinese, book from the case page", func(t *testing.T) {
			day := time.Now().In(apptCST).AddDate(0, 0, 5).Format(time.DateOnly)
			resp, html := postForm(t, srv, fuchengLeader, "/reception/sessions", url.Values{"date": {day}, "start": {"10:00"}, "end": {"09:00"},
				"slot_minutes": {"30"}, "place": {"接访室"}})
			if resp.StatusCode != 422 || !strings.Contains(html, "结束时间须晚于开始时间") {
				t.Fatalf("a refused form: %d", resp.StatusCode)
			}
			resp, _ = postForm(t, srv, fuchengLeader, "/reception/sessions", url.Values{"date": {day}, "start": {"09:00"}, "end": {"10:00"},
				"slot_minutes": {"20"}, "place": {"附城镇综治中心接访室"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish form: %d", resp.StatusCode)
			}
			html = page(t, fuchengLeader, "/reception?done=published")
			if !strings.Contains(html, "接访安排已发布") || strings.Count(html, `data-testid="slot"`) < 3 {
				t.Fatal("the calendar does not show the new session")
			}
			_, raw := fuchengLeader.Do("GET", "/api/v1/reception/sessions", nil)
			var cal struct{ Items []apptSession }
			testutil.DecodeJSON(t, raw, &cal)
			var slot int64
			for _, x := range cal.Items {
				if x.SlotMinutes == 20 && x.Status == "open" {
					slot = x.Slots[0].ID
				}
			}
			c := register()
			html = page(t, clerk, fmt.Sprintf("/cases/%d", c.ID))
			if !strings.Contains(html, `data-testid="appointment-form"`) {
				t.Fatal("the case page offers no booking form")
			}
			resp, _ = postForm(t, srv, clerk, fmt.Sprintf("/cases/%d/appointments", c.ID), url.Values{"slot_id": {fmt.Sprint(slot)}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("book from the case page: %d", resp.StatusCode)
			}
			other := register()
			resp, html = postForm(t, srv, clerk, fmt.Sprintf("/cases/%d/appointments", other.ID), url.Values{"slot_id": {fmt.Sprint(slot)}})
			if resp.StatusCode != 409 || !strings.Contains(html, "该时段已被预约") {
				t.Fatalf("a taken slot on the case page: %d", resp.StatusCode)
			}
			html = page(t, clerk, fmt.Sprintf("/cases/%d", c.ID))
			if !strings.Contains(html, `data-testid="appointment-upcoming"`) || !strings.Contains(html, "预约领导接访") {
				t.Fatal("the case page does not show the booking and its event")
			}
		})
	})
}
