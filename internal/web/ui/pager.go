package ui

import (
	"net/url"
	"strconv"
)

// pager is a list's page links: previous, next, and the numbers around the page
// shown, each keeping the list's filters.
type pager struct {
	Page  int
	Prev  string
	Next  string
	Pages []pageLink // the numbered links, with gaps as a zero Number
}

type pageLink struct {
	Number int // 0: a gap (…)
	Href   string
	Now    bool
}

// pagerSpan is how many page numbers are shown either side of the current one.
const pagerSpan = 3

// newPager builds the links of page (from 1) of a list of total cases (over: more
// than total), whose page held n of size.
func newPager(q url.Values, page, size, n, total int, over bool) pager {
	href := func(p int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Del("before")
		v.Del("page")
		if p > 1 {
			v.Set("page", strconv.Itoa(p))
		}
		return (&url.URL{Path: "/cases", RawQuery: v.Encode()}).String()
	}
	last := (total + size - 1) / size
	if n == size && !over && last <= page {
		last = page + 1 // the total lags a list being written to
	}
	last = min(last, maxPagerPage)
	pg := pager{Page: page}
	if page > 1 {
		pg.Prev = href(page - 1)
	}
	if page < last {
		pg.Next = href(page + 1)
	}
	if last <= 1 {
		return pg
	}
	for p := 1; p <= last; p++ {
		if p == 1 || p == last || (p >= page-pagerSpan && p <= page+pagerSpan) {
			pg.Pages = append(pg.Pages, pageLink{Number: p, Href: href(p), Now: p == page})
		} else if len(pg.Pages) > 0 && pg.Pages[len(pg.Pages)-1].Number != 0 {
			pg.Pages = append(pg.Pages, pageLink{})
		}
	}
	return pg
}

// maxPagerPage is the last page a list links to: httpx refuses pages past it.
const maxPagerPage = 1000

// sortHref is the list's URL in the order sort when on, else in the default order
// (newest first), from its first page.
func sortHref(q url.Values, sort string, on bool) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Del("before")
	v.Del("page")
	v.Del("sort")
	if on {
		v.Set("sort", sort)
	}
	return (&url.URL{Path: "/cases", RawQuery: v.Encode()}).String()
}
