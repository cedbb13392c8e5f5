// Package cases runs a case from registration to archive: it validates what people
// enter, asks internal/workflow whether an action is allowed, and writes the case and
// its event in one transaction. Pages, the API and background jobs all go through it.
package cases

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/notify"
	"github.com/onedoor/onedoor/internal/risk"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Service is the case service.
type Service struct {
	Store    *store.Store
	Now      func() time.Time
	Policy   Policy           // deadline escalation; DefaultPolicy when zero
	Notifier *notify.Notifier // inbox and outbox writer

	// Registered, when set, is told of every case registered, by any channel (the
	// intake counts of /metrics).
	Registered func(kind model.CaseKind, channel model.Channel)
	// Acted, when set, is told of every action taken on a case, inside its
	// transaction, after its event is written: a platform the case came from is told
	// of it through the outbox (internal/adapterjob), so the push-back is queued if
	// and only if the action is committed.
	Acted func(ctx context.Context, tx *store.Tx, c *model.Case, ev model.CaseEvent) error

	// StatsFromCases counts every figure from the cases, as stats-verify recounts the
	// rollups, instead of adding up the rollups: the oracle the tests hold the
	// rollups' figures to.
	StatsFromCases bool

	mu       sync.Mutex
	rules    []workflow.DeadlineRule
	calendar *workflow.Calendar
	loadedAt time.Time

	riskCached   risk.Rules
	riskLoaded   bool
	riskLoadedAt time.Time
}

// registered tells Registered of c, when err is nil.
func (s *Service) registered(c *model.Case, err error) {
	if err == nil && s.Registered != nil {
		s.Registered(c.Kind, c.Channel)
	}
}

// New returns a service over st with the real clock.
func New(st *store.Store) *Service {
	return &Service{Store: st, Now: time.Now, Notifier: &notify.Notifier{}}
}

// rulesTTL bounds how long an admin's edit of deadlines or the calendar takes to apply
// without a Reload; reading them on every action would double intake's queries.
const rulesTTL = time.Minute

// deadlines returns the deadline rules and calendar, reloading them when stale.
func (s *Service) deadlines(ctx context.Context) ([]workflow.DeadlineRule, *workflow.Calendar, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calendar != nil && time.Since(s.loadedAt) < rulesTTL {
		return s.rules, s.calendar, nil
	}
	rules, cal, err := LoadDeadlines(ctx, s.Store)
	if err != nil {
		return nil, nil, err
	}
	s.rules, s.calendar, s.loadedAt = rules, cal, time.Now()
	return rules, cal, nil
}

// LoadDeadlines reads the deadline rules and the working-day calendar in force: the
// admin's, seeded by migration 0004 (the rules of DESIGN.md §3, the calendar of
// internal/workflow/holidays.txt). Every deadline of a case is computed from them.
func LoadDeadlines(ctx context.Context, st *store.Store) ([]workflow.DeadlineRule, *workflow.Calendar, error) {
	rows, err := st.DeadlineRules(ctx)
	if err != nil {
		return nil, nil, err
	}
	rules := make([]workflow.DeadlineRule, len(rows))
	for i, r := range rows {
		rules[i] = workflow.DeadlineRule{Kind: model.CaseKind(r.Kind), Category: r.CategoryCode, Urgency: workflow.Urgency(r.Urgency),
			Stage: workflow.Stage(r.Stage), Days: r.Days, Workdays: r.Workdays, Basis: r.Basis}
	}
	days, err := st.CalendarDays(ctx)
	if err != nil {
		return nil, nil, err
	}
	overrides := make([]workflow.Override, 0, len(days))
	for _, d := range days {
		t, err := time.ParseInLocation(time.DateOnly, d.Day, workflow.ChinaTime)
		if err != nil {
			return nil, nil, err
		}
		overrides = append(overrides, workflow.Override{Date: t, Kind: workflow.DayKind(d.Kind), Name: d.Name})
	}
	cal, err := workflow.NewCalendar(overrides)
	if err != nil {
		return nil, nil, err
	}
	return rules, cal, nil
}

// Reload makes the next action read deadline rules, the calendar and the warning
// rules afresh.
func (s *Service) Reload() {
	s.mu.Lock()
	s.calendar, s.riskLoaded = nil, false
	s.mu.Unlock()
}

// Calendar returns the working-day calendar in force.
func (s *Service) Calendar(ctx context.Context) (*workflow.Calendar, error) {
	_, cal, err := s.deadlines(ctx)
	return cal, err
}

// due computes the deadline of stage for c starting at start; nil when no rule applies.
func (s *Service) due(ctx context.Context, c *model.Case, stage workflow.Stage, start time.Time) (*time.Time, error) {
	rules, cal, err := s.deadlines(ctx)
	if err != nil {
		return nil, err
	}
	r, ok := workflow.ResolveRule(rules, c.Kind, c.CategoryCode, workflow.Urgency(c.Urgency), stage)
	if !ok {
		return nil, nil
	}
	d := r.Due(cal, start).UTC()
	return &d, nil
}

// setDue points the case's deadline at stage, starting now.
func (s *Service) setDue(ctx context.Context, c *model.Case, stage workflow.Stage, now time.Time) error {
	d, err := s.due(ctx, c, stage, now)
	if err != nil {
		return err
	}
	// A new deadline starts a new clock: no warning given, no supervision earned yet.
	c.DueStage, c.DueAt, c.DueFlag, c.SupervisionLevel = string(stage), d, "", ""
	if d == nil {
		c.DueStage = ""
	}
	return nil
}

// ScopeOf is what p may see of cases (DESIGN.md §2): their region's subtree for the
// centre's roles, and cases assigned to their department for handlers. Admins run the
// system and see no cases.
func ScopeOf(p *auth.Principal) store.CaseScope {
	return scopeFor(p, auth.PermCasesRead)
}

// scopeFor turns the matrix's scopes of perm for p into a case scope.
func scopeFor(p *auth.Principal, perm auth.Permission) store.CaseScope {
	var sc store.CaseScope
	for _, s := range p.Scopes(perm) {
		switch s {
		case auth.ScopeSubtree, auth.ScopeDeployment:
			sc.RegionPath = p.Region.Path
			sc.Small = p.Region.Level == model.LevelVillage || p.Region.Level == model.LevelGrid
		case auth.ScopeDepartment:
			sc.DepartmentID = p.Department.ID
		}
	}
	return sc
}

// visible is ScopeOf applied to one loaded case.
func visible(p *auth.Principal, c *model.Case) bool { return inScope(ScopeOf(p), c) }

// inScope applies a case scope to one loaded case.
func inScope(sc store.CaseScope, c *model.Case) bool {
	if sc.RegionPath != "" && strings.HasPrefix(c.RegionPath, sc.RegionPath) {
		return true
	}
	if sc.DepartmentID != 0 {
		for _, a := range c.Assignments {
			if a.DepartmentID == sc.DepartmentID && a.Status != model.AssignmentReturned {
				return true
			}
		}
	}
	return false
}

// trackingAlphabet leaves out 0/O, 1/I/L and U so a code read over the phone is not
// misheard; 12 characters of 30 give 58 bits, far beyond guessing.
const trackingAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// TrackingCodeLen is the length of a tracking code.
const TrackingCodeLen = 12

// NewTrackingCode returns a uniformly random tracking code for a citizen.
func NewTrackingCode() string {
	out := make([]byte, 0, TrackingCodeLen)
	buf := make([]byte, 32)
	for len(out) < TrackingCodeLen {
		if _, err := rand.Read(buf); err != nil {
			panic(err)
		}
		for _, v := range buf {
			// Reject the top of the byte range so every character is equally likely.
			if int(v) < 256-256%len(trackingAlphabet) && len(out) < TrackingCodeLen {
				out = append(out, trackingAlphabet[int(v)%len(trackingAlphabet)])
			}
		}
	}
	return string(out)
}

// noticeSubject is how a notification names its case: its title and its number
// (案件编号), never its tracking code, which is the citizen's key to the case. The
// notifier masks the title's personal data (model.MaskText).
func noticeSubject(c *model.Case) string {
	return fmt.Sprintf("%s（案件编号 %d）", c.Title, c.ID)
}
