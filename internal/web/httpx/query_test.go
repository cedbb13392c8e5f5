package httpx

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onedoor/onedoor/internal/model"
)

// An endpoint's query string is refused, naming the parameter, when it holds one the
// endpoint does not take, one given twice, text that is not UTF-8, or a value its
// getter cannot read; the 4xx status and the code say which.
func TestReadQuery(t *testing.T) {
	accepted := []string{"unread", "limit", "state", "queue", "note"}
	read := func(q *Query) {
		q.Bool("unread")
		q.Int("limit", 1, 200)
		q.List("state")
		q.OneOf("queue", "mine", "all")
		q.String("note")
	}
	for _, tc := range []struct {
		raw         string
		status      int
		code, field string
	}{
		{"", 0, "", ""},
		{"unread=true&limit=200&state=a&state=b&queue=mine&note=%E5%A5%BD", 0, "", ""},
		{"unread=false&limit=&queue=", 0, "", ""},
		{"foo=1", 400, "unknown_parameter", "foo"},
		{"unread=true&Unread=true", 400, "unknown_parameter", "Unread"},
		{"b=1&a=1", 400, "unknown_parameter", "a"}, // the first in name order, every time
		{"%FF=1", 400, "invalid_utf8", "\uFFFD"},
		{"note=%FF", 400, "invalid_utf8", "note"},
		{"note=%zz", 400, "malformed_query", ""},
		{"note=a;b", 400, "malformed_query", ""},
		{"limit=1&limit=2", 400, "duplicate_parameter", "limit"},
		{"unread=zz", 422, "invalid", "unread"},
		{"unread=1", 422, "invalid", "unread"},
		{"unread=TRUE", 422, "invalid", "unread"},
		{"limit=0", 422, "invalid", "limit"},
		{"limit=201", 422, "invalid", "limit"},
		{"limit=1e2", 422, "invalid", "limit"},
		{"limit=99999999999999999999", 422, "invalid", "limit"},
		{"queue=theirs", 422, "invalid", "queue"},
	} {
		r := httptest.NewRequest("GET", "/api/v1/x?"+tc.raw, nil)
		q, err := ReadQuery(r, accepted...)
		if err == nil {
			read(q)
			err = q.Err()
		}
		if tc.status == 0 {
			if err != nil {
				t.Errorf("%q: refused: %v", tc.raw, err)
			}
			continue
		}
		e := FromErr(r, err)
		if e.Status != tc.status || e.Code != tc.code || e.Field != tc.field {
			t.Errorf("%q: %d %s %q, want %d %s %q", tc.raw, e.Status, e.Code, e.Field, tc.status, tc.code, tc.field)
		}
	}
}

// The values read are the values sent.
func TestQueryValues(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?unread=true&limit=7&state=a&state=b&note=%E5%A5%BD", nil)
	q, err := ReadQuery(r, "unread", "limit", "state", "note", "absent")
	if err != nil {
		t.Fatal(err)
	}
	if !q.Bool("unread") || q.Int("limit", 1, 10) != 7 || strings.Join(q.List("state"), ",") != "a,b" || q.String("note") != "好" ||
		q.String("absent") != "" || q.Bool("absent") || q.Int("absent", 1, 2) != 0 || q.Err() != nil {
		t.Fatalf("values %v, err %v", q.Values(), q.Err())
	}
	// Reading a parameter the endpoint did not declare is the endpoint's mistake.
	if q.String("undeclared"); q.Err() == nil {
		t.Fatal("an undeclared read passed")
	}
}

// A page ignores what it does not read, and reads what it reads as strictly.
func TestPageQuery(t *testing.T) {
	r := httptest.NewRequest("GET", "/p/track?code=ABC&from=singlemessage&isappinstalled=0", nil)
	if q := PageQuery(r); q.String("code") != "ABC" || q.Err() != nil {
		t.Fatalf("%v", q.Err())
	}
	r = httptest.NewRequest("GET", "/inbox?unread=zz", nil)
	q := PageQuery(r)
	q.Bool("unread")
	var fe *model.FieldError
	if !errors.As(q.Err(), &fe) || fe.Field != "unread" {
		t.Fatalf("unread=zz: %v", q.Err())
	}
	if q := PageQuery(httptest.NewRequest("GET", "/x?a=%FF", nil)); q.Err() == nil {
		t.Fatal("invalid UTF-8 passed a page")
	}
}
