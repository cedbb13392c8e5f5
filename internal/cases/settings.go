package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// DeadlineRuleInput is a deadline rule as an admin enters it. Empty kind, category and
// urgency match any case.
type DeadlineRuleInput struct {
	Kind         string `json:"kind"`
	CategoryCode string `json:"category_code"`
	Urgency      string `json:"urgency"`
	Stage        string `json:"stage"`
	Days         int    `json:"days"`
	Workdays     bool   `json:"workdays"`
	Basis        string `json:"basis"`
}

var stages = []workflow.Stage{workflow.StageAccept, workflow.StageObjection, workflow.StageHandle, workflow.StageExtension, workflow.StageConfirm, workflow.StageVisit, workflow.StageCoHandle}

// Stages lists the stages a deadline rule may time.
func Stages() []workflow.Stage { return stages }

func (s *Service) checkRule(ctx context.Context, in *DeadlineRuleInput) error {
	if in.Kind != "" && !model.CaseKind(in.Kind).Valid() {
		return model.Invalid("kind", "invalid", "invalid.kind.invalid")
	}
	if in.Urgency != "" && !workflow.Urgency(in.Urgency).Valid() {
		return model.Invalid("urgency", "invalid", "invalid.urgency.invalid")
	}
	known := false
	for _, st := range stages {
		known = known || string(st) == in.Stage
	}
	if !known {
		return model.Invalid("stage", "invalid", "invalid.stage.invalid")
	}
	if in.Days < 1 || in.Days > 365 {
		return model.Invalid("days", "range", "invalid.deadline_days.range")
	}
	in.CategoryCode = strings.TrimSpace(in.CategoryCode)
	if in.CategoryCode != "" {
		cats, err := s.Store.Categories(ctx, store.CategoryFilter{})
		if err != nil {
			return err
		}
		found := false
		for _, c := range cats {
			found = found || c.Code == in.CategoryCode
		}
		if !found {
			return model.Invalid("category_code", "not_found", "invalid.category_code.not_found")
		}
	}
	var err error
	in.Basis, err = cleanText("basis", in.Basis, 200, true)
	return err
}

// DeadlineRules lists the rules in force, for an admin.
func (s *Service) DeadlineRules(ctx context.Context, p *auth.Principal) ([]store.DeadlineRuleRow, error) {
	if err := p.Require(auth.PermDictionary); err != nil {
		return nil, err
	}
	return s.Store.DeadlineRules(ctx)
}

// SaveDeadlineRule creates (id 0) or changes a rule; new deadlines use it at once.
func (s *Service) SaveDeadlineRule(ctx context.Context, p *auth.Principal, id int64, in DeadlineRuleInput) (store.DeadlineRuleRow, error) {
	if err := p.Require(auth.PermDictionary); err != nil {
		return store.DeadlineRuleRow{}, err
	}
	if err := s.checkRule(ctx, &in); err != nil {
		return store.DeadlineRuleRow{}, err
	}
	r := store.DeadlineRuleRow{ID: id, Kind: in.Kind, CategoryCode: in.CategoryCode, Urgency: in.Urgency, Stage: in.Stage, Days: in.Days, Workdays: in.Workdays, Basis: in.Basis}
	unit := "日"
	if in.Workdays {
		unit = "个工作日"
	}
	audit := store.Audited("deadline.save", fmt.Sprintf("deadline_rule:%d", id), fmt.Sprintf("时限：%s/%s/%s/%s %d%s（%s）", in.Kind, in.CategoryCode, in.Urgency, in.Stage, in.Days, unit, in.Basis))
	if err := s.Store.SaveDeadlineRule(ctx, audit, &r); err != nil {
		return r, err
	}
	s.Reload()
	return r, nil
}

// DeleteDeadlineRule removes a rule.
func (s *Service) DeleteDeadlineRule(ctx context.Context, p *auth.Principal, id int64) error {
	if err := p.Require(auth.PermDictionary); err != nil {
		return err
	}
	err := s.Store.DeleteDeadlineRule(ctx, store.Audited("deadline.delete", fmt.Sprintf("deadline_rule:%d", id), "删除时限规则"), id)
	s.Reload()
	return err
}

// CalendarDayInput marks a day as a holiday or a make-up working day (调休).
type CalendarDayInput struct {
	Day  string `json:"day"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// CalendarDays lists a year's holidays and make-up working days.
func (s *Service) CalendarDays(ctx context.Context, year int) ([]store.CalendarDay, error) {
	all, err := s.Store.CalendarDays(ctx)
	if err != nil {
		return nil, err
	}
	prefix := fmt.Sprintf("%04d-", year)
	var out []store.CalendarDay
	for _, d := range all {
		if strings.HasPrefix(d.Day, prefix) {
			out = append(out, d)
		}
	}
	return out, nil
}

// SetCalendarDay records one day of the State Council's yearly notice.
func (s *Service) SetCalendarDay(ctx context.Context, p *auth.Principal, in CalendarDayInput) error {
	if err := p.Require(auth.PermDictionary); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Day))
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return model.Invalid("day", "invalid", "invalid.date_format")
	}
	if in.Kind != string(workflow.Holiday) && in.Kind != string(workflow.Workday) {
		return model.Invalid("kind", "invalid", "invalid.day_kind.invalid")
	}
	name, err := cleanText("name", in.Name, 20, true)
	if err != nil {
		return err
	}
	wd := t.Weekday()
	if in.Kind == string(workflow.Workday) && wd != time.Saturday && wd != time.Sunday {
		return model.Invalid("kind", "not_weekend", "invalid.kind.not_weekend")
	}
	day := t.Format(time.DateOnly)
	audit := store.Audited("calendar.set", "calendar:"+day, fmt.Sprintf("%s 设为 %s（%s）", day, in.Kind, name))
	if err := s.Store.SetCalendarDay(ctx, audit, store.CalendarDay{Day: day, Kind: in.Kind, Name: name}); err != nil {
		return err
	}
	s.Reload()
	return nil
}

// DeleteCalendarDay returns a day to its weekday's ordinary rule.
func (s *Service) DeleteCalendarDay(ctx context.Context, p *auth.Principal, day string) error {
	if err := p.Require(auth.PermDictionary); err != nil {
		return err
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return store.ErrNotFound
	}
	err := s.Store.DeleteCalendarDay(ctx, store.Audited("calendar.delete", "calendar:"+day, day+" 恢复为普通日"), day)
	s.Reload()
	return err
}
