package httpx

import (
	"time"

	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/i18n"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/workflow"
)

// StatsParams are the query parameters the figures are asked with, on the pages and
// in GET /api/v1/stats: a period (period and date, or from and to) and a cut.
var StatsParams = []string{"period", "date", "from", "to", "region_id", "category_id", "channel", "kind", "urgency", "lead_department_id"}

// LeadDepartment reads lead_department_id: a department's id, or report.NoDepartment
// for the cases led by none.
func LeadDepartment(q *Query) (id int64, none bool) {
	if q.String("lead_department_id") == report.NoDepartment {
		return 0, true
	}
	return q.Int("lead_department_id", 0, 1<<62), false
}

// StatsQuery reads the period and the cut of the figures from q; a malformed value
// is a field error naming it (the cut's values are checked against the data by
// cases.Service.Stats).
func StatsQuery(q *Query, now time.Time) (report.Period, report.Cut, error) {
	cut := report.Cut{RegionID: q.Int("region_id", 0, 1<<62), CategoryID: q.Int("category_id", 0, 1<<62),
		Channel: q.String("channel"), Kind: q.String("kind"), Urgency: q.String("urgency")}
	cut.LeadDepartmentID, cut.NoLeadDepartment = LeadDepartment(q)
	unit, date, from, to := q.String("period"), q.String("date"), q.String("from"), q.String("to")
	if err := q.Err(); err != nil {
		return report.Period{}, cut, err
	}
	p, err := report.ParsePeriod(unit, date, from, to, now)
	return p, cut, err
}

// StatsNames names the channels and kinds of the breakdowns in locale.
func StatsNames(locale string) cases.StatsNames {
	var n cases.StatsNames
	for _, c := range model.AllChannels {
		n.Channels = append(n.Channels, report.Named{Code: string(c), Name: i18n.T(locale, "channel."+string(c))})
	}
	for _, k := range model.AllKinds {
		n.Kinds = append(n.Kinds, report.Named{Code: string(k), Name: i18n.T(locale, "kind."+string(k))})
	}
	for _, u := range workflow.AllUrgencies {
		n.Urgencies = append(n.Urgencies, report.Named{Code: string(u), Name: i18n.T(locale, "urgency."+string(u))})
	}
	n.NoDepartment = i18n.T(locale, "stats.no_department")
	return n
}
