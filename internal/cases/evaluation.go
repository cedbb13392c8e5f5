package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/evaluation"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/report"
	"github.com/onedoor/onedoor/internal/store"
)

// SchemeInForce is an evaluation scheme as it applies now: as shipped, or as an
// administrator saved it.
type SchemeInForce struct {
	evaluation.Scheme
	Custom  bool // saved by an administrator
	Shipped bool // one of evaluation.Defaults
}

// EvaluationSchemes lists the schemes in force: the shipped ones (as saved, when an
// administrator edited them), then those administrators added, by code.
func (s *Service) EvaluationSchemes(ctx context.Context) ([]SchemeInForce, error) {
	saved, err := s.Store.EvaluationSchemes(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]evaluation.Scheme{}
	for _, sv := range saved {
		var sc evaluation.Scheme
		if err := json.Unmarshal(sv.Body, &sc); err != nil {
			return nil, fmt.Errorf("evaluation scheme %s: %w", sv.Code, err)
		}
		byCode[sv.Code] = sc
	}
	var out []SchemeInForce
	for _, d := range evaluation.Defaults() {
		in := SchemeInForce{Scheme: d, Shipped: true}
		if sc, ok := byCode[d.Code]; ok {
			in.Scheme, in.Custom = sc, true
			delete(byCode, d.Code)
		}
		out = append(out, in)
	}
	for _, sv := range saved {
		if sc, ok := byCode[sv.Code]; ok {
			out = append(out, SchemeInForce{Scheme: sc, Custom: true})
		}
	}
	return out, nil
}

// EvaluationScheme is the scheme in force under code; a field error on "scheme"
// when there is none.
func (s *Service) EvaluationScheme(ctx context.Context, code string) (SchemeInForce, error) {
	all, err := s.EvaluationSchemes(ctx)
	if err != nil {
		return SchemeInForce{}, err
	}
	for _, sc := range all {
		if sc.Code == code {
			return sc, nil
		}
	}
	return SchemeInForce{}, model.Invalid("scheme", "invalid", "invalid.evaluation.scheme")
}

// SaveEvaluationScheme validates sc and saves it under its code (an administrator's
// edit, audited). A computed ranking follows it from then on; a published one keeps
// the scheme it was published under.
func (s *Service) SaveEvaluationScheme(ctx context.Context, p *auth.Principal, sc evaluation.Scheme) error {
	if !p.Can(auth.PermDictionary) {
		return auth.ErrForbidden
	}
	sc.Name = strings.TrimSpace(sc.Name)
	if err := sc.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(sc)
	if err != nil {
		return err
	}
	var items []string
	for _, it := range sc.Items {
		items = append(items, fmt.Sprintf("%s %g", it.Figure, it.Weight))
	}
	audit := store.Audited("evaluation.scheme", "evaluation_scheme:"+sc.Code,
		fmt.Sprintf("修改考评方案「%s」(%s)：%s", sc.Name, sc.Code, strings.Join(items, "，")))
	return s.Store.SaveEvaluationScheme(ctx, audit, sc.Code, raw, p.User.ID)
}

// evaluationPeriod reads the period a ranking is asked for: one of the scheme's units
// and a day in it.
func evaluationPeriod(sc evaluation.Scheme, unit, date string, now time.Time) (report.Period, error) {
	if unit == "" {
		unit = string(sc.Units[0])
	}
	if !sc.HasUnit(report.Unit(unit)) {
		return report.Period{}, model.Invalid("period", "invalid", "invalid.evaluation.period_unit")
	}
	return report.ParsePeriod(unit, date, "", "", now)
}

// Ranking is the ranking of scheme code for the period of unit holding date, over the
// units of the reader's region: the published snapshot when the period was published
// (定稿), else computed now from the cases, each compared with the period before
// (its published ranking when there is one).
func (s *Service) Ranking(ctx context.Context, p *auth.Principal, code, unit, date string) (evaluation.Ranking, error) {
	if !p.Can(auth.PermStatsRead) {
		return evaluation.Ranking{}, auth.ErrForbidden
	}
	sc, err := s.EvaluationScheme(ctx, code)
	if err != nil {
		return evaluation.Ranking{}, err
	}
	per, err := evaluationPeriod(sc.Scheme, unit, date, s.Now())
	if err != nil {
		return evaluation.Ranking{}, err
	}
	if r, ok, err := s.publishedRanking(ctx, code, per, p.Region.ID); err != nil || ok {
		return r, err
	}
	return s.computeRanking(ctx, p, sc.Scheme, per)
}

// publishedRanking reads the frozen ranking of a period, ok false when unpublished.
func (s *Service) publishedRanking(ctx context.Context, code string, per report.Period, regionID int64) (evaluation.Ranking, bool, error) {
	pub, err := s.Store.PublishedRankingOf(ctx, code, string(per.Unit), per.FromDate(), regionID)
	if errors.Is(err, store.ErrNotFound) {
		return evaluation.Ranking{}, false, nil
	}
	if err != nil {
		return evaluation.Ranking{}, false, err
	}
	var r evaluation.Ranking
	if err := json.Unmarshal(pub.Body, &r); err != nil {
		return r, false, fmt.Errorf("published ranking %d: %w", pub.ID, err)
	}
	r.Published = &evaluation.Publication{By: pub.PublisherName, At: pub.PublishedAt}
	return r, true, nil
}

// computeRanking scores every unit for per and for the period before.
func (s *Service) computeRanking(ctx context.Context, p *auth.Principal, sc evaluation.Scheme, per report.Period) (evaluation.Ranking, error) {
	r := evaluation.Ranking{Scheme: sc, Unit: string(per.Unit), From: per.FromDate(), To: per.ToDate(), Label: per.Label(),
		PrevLabel: per.Prev().Label(), RegionID: p.Region.ID, RegionName: p.Region.Name, ComputedAt: s.Now().UTC()}
	entries, err := s.scoreUnits(ctx, p, sc, per)
	if err != nil {
		return r, err
	}
	evaluation.Rank(entries)
	prev, frozen, err := s.publishedRanking(ctx, sc.Code, per.Prev(), p.Region.ID)
	if err != nil {
		return r, err
	}
	prevEntries := prev.Entries
	if !frozen {
		if prevEntries, err = s.scoreUnits(ctx, p, sc, per.Prev()); err != nil {
			return r, err
		}
		evaluation.Rank(prevEntries)
	}
	evaluation.Compare(entries, prevEntries)
	r.Entries, r.PrevFrozen = entries, frozen
	if r.Team, err = s.teamWork(ctx, p, per); err != nil {
		return r, err
	}
	return r, nil
}

// TeamRoles are the places of a case team in the order 考评 lists them (the
// mediation service's TeamRoles, which imports this package).
var TeamRoles = []string{"lead", "duty", "mediator", "lawyer", "psychologist", "tracking"}

// teamWork is the team work (包案) of per on the cases p sees: each person's places,
// and what became of the cases by the figures' own conditions (ended, on time, 化解).
func (s *Service) teamWork(ctx context.Context, p *auth.Principal, per report.Period) ([]evaluation.TeamWork, error) {
	now := s.Now()
	var conds []model.CaseCond
	for _, id := range []string{"ended", "on_time_rate", "resolve_rate"} {
		f, _ := report.ByID(id)
		c, _ := f.Cond(report.Num, per, now)
		conds = append(conds, c)
	}
	rows, err := s.Store.TeamPlaces(ctx, per.From, per.To, conds, ScopeOf(p))
	if err != nil {
		return nil, err
	}
	places := make([]evaluation.TeamPlace, len(rows))
	for i, r := range rows {
		places[i] = evaluation.TeamPlace{AccountID: r.AccountID, TalentID: r.TalentID, Name: r.Name, Role: r.Role, CaseID: r.CaseID,
			Ended: r.Meets[0], OnTime: r.Meets[1], Resolved: r.Meets[2]}
	}
	return evaluation.TeamTable(places, per, TeamRoles), nil
}

// evalUnit is one scored unit: a township centre (a region subtree) or a department.
type evalUnit struct {
	id     int64
	name   string
	path   string // a township's region path
	values map[string]report.Value
}

// scoreUnits computes the scheme's figures for each unit of the reader's region in
// per and scores them.
func (s *Service) scoreUnits(ctx context.Context, p *auth.Principal, sc evaluation.Scheme, per report.Period) ([]evaluation.Entry, error) {
	now := s.Now()
	scope := ScopeOf(p)
	// Scores are figures, and need not see the reader's own last write: a replica's,
	// when one is up. A published ranking is read from the primary (publishedRanking).
	reports := s.Store.ForReports()
	var figures []report.Figure
	for _, it := range sc.Items {
		f, ok := report.ByID(it.Figure)
		if ok {
			figures = append(figures, f)
		}
	}
	// The figures counted among the same cases go in one pass.
	var keys []string
	byKey := map[string][]report.Figure{}
	for _, f := range figures {
		k := f.BatchKey()
		if byKey[k] == nil {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], f)
	}
	type slot = rollupSlot
	conds := func(fs []report.Figure, dept int64) ([]model.CaseCond, []slot) {
		var cs []model.CaseCond
		var sl []slot
		for _, f := range fs {
			for _, part := range []report.Part{report.Num, report.Den} {
				c, ok := f.Cond(part, per, now)
				if !ok {
					continue
				}
				c.DepartmentID = dept
				cs, sl = append(cs, c), append(sl, slot{f.ID, part})
			}
		}
		return cs, sl
	}
	var units []evalUnit
	switch sc.Targets {
	case evaluation.Townships:
		regions, err := reports.Regions(ctx, store.RegionFilter{Within: p.Region.Path})
		if err != nil {
			return nil, err
		}
		for _, g := range regions {
			if g.Level == model.LevelTownship && g.Active {
				units = append(units, evalUnit{id: g.ID, name: g.Name, path: g.Path})
			}
		}
		counts := make([]map[slot]int64, len(units))
		for i := range counts {
			counts[i] = map[slot]int64{}
		}
		for _, k := range keys {
			fs := byKey[k]
			if rr, ok := s.rollupSlots(fs, per, now, scope); ok {
				sums, err := reports.RollupSumsByUnit(ctx, rr.side, rr.from, rr.to, store.ByLeafRegion, scope)
				if err != nil {
					return nil, err
				}
				for path, row := range sums {
					for i, u := range units {
						if strings.HasPrefix(path, u.path) {
							for j, col := range rr.cols {
								counts[i][rr.slots[j]] += row[col]
							}
							break
						}
					}
				}
				continue
			}
			base := fs[0].Base(per, now)
			cs, sl := conds(fs, 0)
			// The reader's scope is the subtree: no region filter besides it, so each
			// pass is read through its period's index (by time), not the region's.
			groups, err := reports.FigureCountsByRegion(ctx, store.CaseFilter{Cond: &base}, cs, scope)
			if err != nil {
				return nil, err
			}
			for _, g := range groups {
				for i, u := range units {
					if strings.HasPrefix(g.RegionPath, u.path) {
						for j, n := range g.Counts {
							counts[i][sl[j]] += n
						}
						break
					}
				}
			}
		}
		for i := range units {
			units[i].values = valuesOf(figures, func(id string, part report.Part) int64 { return counts[i][slot{id, part}] },
				per, report.Cut{RegionID: units[i].id})
		}
	case evaluation.Departments:
		regions, err := reports.Regions(ctx, store.RegionFilter{Within: p.Region.Path})
		if err != nil {
			return nil, err
		}
		county := map[int64]bool{}
		for _, g := range regions {
			if g.Level == model.LevelCounty {
				county[g.ID] = true
			}
		}
		depts, err := reports.Departments(ctx, store.DepartmentFilter{Within: p.Region.Path, ActiveOnly: true})
		if err != nil {
			return nil, err
		}
		// The cases each department led, ended in the period: one pass for all of them.
		led := map[int64][]int64{}
		var ledSlots []slot
		if fs := byKey["ended"]; fs != nil {
			// The rollups know each case's lead department (the one lead part not
			// returned, as LeadFigureCounts joins it).
			if rr, ok := s.rollupSlots(fs, per, now, scope); ok {
				sums, err := reports.RollupSumsByUnit(ctx, rr.side, rr.from, rr.to, store.ByLeadDepartment, scope)
				if err != nil {
					return nil, err
				}
				for k, row := range sums {
					id, err := strconv.ParseInt(k, 10, 64)
					if err != nil || id == 0 {
						continue
					}
					counts := make([]int64, len(rr.cols))
					for j, col := range rr.cols {
						counts[j] = row[col]
					}
					led[id] = counts
				}
				for _, sl := range rr.slots {
					ledSlots = append(ledSlots, sl)
				}
			} else {
				base := fs[0].Base(per, now)
				var cs []model.CaseCond
				cs, ledSlots = conds(fs, 0)
				if led, err = reports.LeadFigureCounts(ctx, store.CaseFilter{Cond: &base}, cs, scope); err != nil {
					return nil, err
				}
			}
		}
		// Their parts and the orders addressed to them: one pass each for all of them,
		// by the same conditions as their lists (held equal by the web tests).
		var ids []int64
		for _, d := range depts {
			if county[d.RegionID] {
				ids = append(ids, d.ID)
			}
		}
		var parts map[int64]store.DepartmentParts
		var orders map[int64]store.DepartmentOrders
		if byKey["parts"] != nil {
			if parts, err = reports.DepartmentPartCounts(ctx, ids, per.From, per.To, now, scope); err != nil {
				return nil, err
			}
		}
		if byKey["supervised"] != nil {
			if orders, err = reports.DepartmentOrderCounts(ctx, per.From, per.To, now, scope); err != nil {
				return nil, err
			}
		}
		for _, d := range depts {
			if !county[d.RegionID] {
				continue
			}
			got := map[slot]int64{}
			for j, n := range led[d.ID] {
				got[ledSlots[j]] += n
			}
			pt, or := parts[d.ID], orders[d.ID]
			grouped := map[slot]int64{
				{"dept_on_time_rate", report.Num}: pt.OnTime, {"dept_on_time_rate", report.Den}: pt.Any,
				{"dept_late_parts", report.Num}: pt.Late,
				{"supervised", report.Num}:      or.Supervised, {"supervised_red", report.Num}: or.Red,
				{"supervision_reply_rate", report.Num}: or.Due - or.DueLate, {"supervision_reply_rate", report.Den}: or.Due,
			}
			for _, k := range keys {
				if k == "ended" {
					continue
				}
				fs := byKey[k]
				if k == "parts" || k == "supervised" {
					var rest []report.Figure
					for _, f := range fs {
						if _, ok := grouped[slot{f.ID, report.Num}]; ok {
							got[slot{f.ID, report.Num}] = grouped[slot{f.ID, report.Num}]
							got[slot{f.ID, report.Den}] = grouped[slot{f.ID, report.Den}]
						} else {
							rest = append(rest, f)
						}
					}
					if fs = rest; len(fs) == 0 {
						continue
					}
				}
				base := fs[0].Base(per, now)
				base.DepartmentID = d.ID
				cs, sl := conds(fs, d.ID)
				groups, err := reports.FigureCounts(ctx, store.CaseFilter{Cond: &base}, cs, scope, false)
				if err != nil {
					return nil, err
				}
				for _, g := range groups {
					for j, n := range g.Counts {
						got[sl[j]] += n
					}
				}
			}
			units = append(units, evalUnit{id: d.ID, name: d.Name,
				values: valuesOf(figures, func(id string, part report.Part) int64 { return got[slot{id, part}] },
					per, report.Cut{DepartmentID: d.ID})})
		}
	}
	entries := make([]evaluation.Entry, len(units))
	for i, u := range units {
		entries[i] = evaluation.Entry{ID: u.id, Name: u.name, Score: sc.Score(u.values)}
	}
	return entries, nil
}

// rollupRead is how a batch of a ranking is read from the rollups: the side and its
// days, and for each of the batch's parts (slots, in the order conds makes them) the
// index of its column among report.RollupColumns.
type rollupRead struct {
	side, from, to string
	cols           []int
	slots          []rollupSlot
}

// rollupSlot is scoreUnits' slot: a figure's part.
type rollupSlot struct {
	figure string
	part   report.Part
}

// rollupSlots says how the figures fs (one batch) are read from the rollups for per,
// ok false when one of their parts is not held there, the period is not whole days,
// or the rollups cannot scope the reader: the batch is then counted from the cases.
func (s *Service) rollupSlots(fs []report.Figure, per report.Period, now time.Time, scope store.CaseScope) (rollupRead, bool) {
	var rr rollupRead
	from, fromWhole := chinaDay(per.From)
	to, toWhole := chinaDay(per.To)
	if s.StatsFromCases || !fromWhole || !toWhole || !store.RollupsServe(store.CaseFilter{}, scope) {
		return rr, false
	}
	rr.from, rr.to = from, to
	for _, f := range fs {
		for _, part := range []report.Part{report.Num, report.Den} {
			if _, ok := f.Cond(part, per, now); !ok {
				continue
			}
			side, col, ok := report.RollupColumn(f.ID, part)
			if !ok || (rr.side != "" && side != rr.side) {
				return rr, false
			}
			rr.side = side
			rr.cols = append(rr.cols, slices.Index(report.RollupColumns, col))
			rr.slots = append(rr.slots, rollupSlot{f.ID, part})
		}
	}
	return rr, rr.side != ""
}

// valuesOf makes each figure's value from its counted parts.
func valuesOf(figures []report.Figure, count func(string, report.Part) int64, per report.Period, cut report.Cut) map[string]report.Value {
	out := map[string]report.Value{}
	for _, f := range figures {
		out[f.ID] = report.ValueOf(f, count(f.ID, report.Num), count(f.ID, report.Den), per, cut)
	}
	return out
}

// PublishRanking publishes (定稿) the ranking of scheme code for a period that has
// ended: computed now, frozen as a snapshot and audited. Later edits to cases or to
// the scheme do not change it; a period is published once.
func (s *Service) PublishRanking(ctx context.Context, p *auth.Principal, code, unit, date string) (evaluation.Ranking, error) {
	if !p.Can(auth.PermEvalPublish) {
		return evaluation.Ranking{}, auth.ErrForbidden
	}
	sc, err := s.EvaluationScheme(ctx, code)
	if err != nil {
		return evaluation.Ranking{}, err
	}
	per, err := evaluationPeriod(sc.Scheme, unit, date, s.Now())
	if err != nil {
		return evaluation.Ranking{}, err
	}
	if s.Now().Before(per.To) {
		return evaluation.Ranking{}, model.Invalid("date", "not_over", "invalid.evaluation.period_not_over")
	}
	if _, ok, err := s.publishedRanking(ctx, code, per, p.Region.ID); err != nil {
		return evaluation.Ranking{}, err
	} else if ok {
		return evaluation.Ranking{}, model.Invalid("date", "published", "invalid.evaluation.already_published")
	}
	r, err := s.computeRanking(ctx, p, sc.Scheme, per)
	if err != nil {
		return r, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return r, err
	}
	var top []string
	for _, e := range r.Entries[:min(3, len(r.Entries))] {
		if e.Rank > 0 {
			top = append(top, fmt.Sprintf("%d.%s %.2f", e.Rank, e.Name, e.Score.Total))
		}
	}
	audit := store.Audited("evaluation.publish", "evaluation_result:"+code+":"+per.FromDate(),
		fmt.Sprintf("考评定稿：%s %s（%s），%d 个单位；%s", sc.Name, r.Label, p.Region.Name, len(r.Entries), strings.Join(top, "，")))
	pub := store.PublishedRanking{SchemeCode: code, Unit: string(per.Unit), PeriodFrom: per.FromDate(), RegionID: p.Region.ID,
		Body: body, PublishedBy: p.User.ID, PublishedAt: s.Now()}
	if err := s.Store.PublishRanking(ctx, audit, &pub); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return r, model.Invalid("date", "published", "invalid.evaluation.already_published")
		}
		return r, err
	}
	r.Published = &evaluation.Publication{By: p.User.DisplayName, At: pub.PublishedAt.UTC()}
	return r, nil
}
