package open311_test

import (
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onedoor/onedoor/internal/web/open311"
)

// FuzzOpen311Form feeds arbitrary form and query strings to the parsers of POST
// requests and GET requests: they never panic, and what they accept keeps the
// promises the handlers rely on.
func FuzzOpen311Form(f *testing.F) {
	for _, seed := range []string{
		"api_key=odt_x&service_code=hazard.fire&address_id=622922100200&description=%E7%81%AB&phone=13893001122",
		"service_code=hazard.fire&lat=35.3&long=103.7&description=x&phone=1",
		"lat=NaN&long=Inf&service_code=a&description=b&phone=c",
		"lat=1e400&long=-0&service_code=a&address_string=x&description=b&phone=c",
		"service_request_id=1,2,,x,-5&status=open,closed",
		"start_date=2026-01-01T00:00:00 08:00&end_date=2026-02-01&page=3&page_size=999",
		"start_date=2026&end_date=2025&status=OPEN",
		"page=0&page_size=-1&service_code=,,,",
		"%ff=%fe&description=%ff",
		"service_code=hazard.fire&description=a&description=b&phone=1&address_id=1",
		"service_code=hazard.fire&description=a&phone=1&address_id=1&attribute[x]=1&colour=red",
	} {
		f.Add(seed)
	}
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if s, ferr := open311.ParseSubmission(v); ferr == nil {
			if s.ServiceCode == "" || s.Description == "" || s.Phone == "" {
				t.Fatalf("accepted without a required field: %+v", s)
			}
			if (s.Lat == nil) != (s.Long == nil) {
				t.Fatalf("lat without long: %+v", s)
			}
			if s.Lat != nil && (math.IsNaN(*s.Lat) || math.IsNaN(*s.Long) || math.Abs(*s.Lat) > 90 || math.Abs(*s.Long) > 180) {
				t.Fatalf("accepted coordinates %v %v", *s.Lat, *s.Long)
			}
			if s.Lat == nil && s.AddressString == "" && s.AddressID == "" && s.JurisdictionID == "" {
				t.Fatalf("accepted without a location: %+v", s)
			}
			for k, vals := range v {
				if !strings.HasPrefix(k, "attribute[") && len(vals) != 1 {
					t.Fatalf("accepted %s given %d times", k, len(vals))
				}
			}
		} else if ferr.Status != 400 || ferr.Field == "" || ferr.Description == "" {
			t.Fatalf("refusal without status, field or description: %+v", ferr)
		}
		q, qerr := open311.ParseQuery(v, now)
		if qerr != nil {
			if qerr.Status != 400 || qerr.Field == "" {
				t.Fatalf("query refusal %+v", qerr)
			}
			return
		}
		if q.Page < 1 || q.Page > open311.MaxPage || q.PageSize < 1 || q.PageSize > open311.MaxPageSize {
			t.Fatalf("paging %d/%d", q.Page, q.PageSize)
		}
		if len(q.IDs) > open311.MaxListed || len(q.ServiceCodes) > open311.MaxListed {
			t.Fatalf("lists too long: %d %d", len(q.IDs), len(q.ServiceCodes))
		}
		for _, s := range q.Statuses {
			if s != "open" && s != "closed" {
				t.Fatalf("status %q", s)
			}
		}
		if len(q.IDs) == 0 {
			if q.Start.IsZero() {
				t.Fatal("a query without ids has no start")
			}
			if !q.End.IsZero() && (q.End.Before(q.Start) || q.End.Sub(q.Start) > open311.MaxSpan) {
				t.Fatalf("window %v – %v", q.Start, q.End)
			}
		}
	})
}
