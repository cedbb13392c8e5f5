package org

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// Roster is who is at a centre on a day (今日在岗): the departments there (常驻, and
// the 轮驻 whose day it is), the rotating ones that are not, the on-call ones to call
// in (随驻), and the leaders whose turn covers the day (值班/值周/领导接访).
type Roster struct {
	Centre  model.Region
	Day     time.Time
	Workday bool
	Present []store.Station
	Away    []store.Station
	OnCall  []store.Station
	Leaders []store.Shift
}

// rosterCentre loads a centre p may read the roster of: their own, one above it (the
// township's clerk sends a walk-in up to the county's), or one below.
func (s *Service) rosterCentre(ctx context.Context, p *auth.Principal, id int64) (model.Region, error) {
	if id == 0 {
		id = p.Region.ID
	}
	g, err := s.Store.Region(ctx, id)
	if err != nil {
		return g, err
	}
	if g.Level == model.LevelGrid || !strings.HasPrefix(g.Path, p.Region.Path) && !strings.HasPrefix(p.Region.Path, g.Path) {
		return g, store.ErrNotFound
	}
	return g, nil
}

// Roster is the roster of centre (0 for p's own) on day, by the working-day calendar.
func (s *Service) Roster(ctx context.Context, p *auth.Principal, centre int64, day time.Time, cal *workflow.Calendar) (Roster, error) {
	if err := p.Require(auth.PermRosterRead); err != nil {
		return Roster{}, err
	}
	g, err := s.rosterCentre(ctx, p, centre)
	if err != nil {
		return Roster{}, err
	}
	r := Roster{Centre: g, Day: day, Workday: cal.IsWorkday(day)}
	stations, err := s.Store.Stations(ctx, g.ID)
	if err != nil {
		return r, err
	}
	for _, t := range stations {
		days, _ := workflow.ParseWeekdays(t.Weekdays)
		mode := workflow.StationMode(t.Mode)
		switch {
		case workflow.StationPresent(mode, days, cal, day):
			r.Present = append(r.Present, t)
		case mode == workflow.StationOnCall:
			r.OnCall = append(r.OnCall, t)
		default:
			r.Away = append(r.Away, t)
		}
	}
	d := day.In(workflow.ChinaTime).Format(time.DateOnly)
	r.Leaders, err = s.Store.Shifts(ctx, g.ID, d, d)
	return r, err
}

// Rota is what an admin keeps for a centre: its stations and its leaders' turns from
// a day on.
type Rota struct {
	Centre   model.Region
	Stations []store.Station
	Shifts   []store.Shift
}

// maxRotaDays is how far ahead the rota page lists turns.
const maxRotaDays = 62

// Rota reads a centre's rota for an admin, turns from day on.
func (s *Service) Rota(ctx context.Context, p *auth.Principal, centre int64, day time.Time) (Rota, error) {
	if err := requireAdmin(p); err != nil {
		return Rota{}, err
	}
	g, err := s.stationCentre(ctx, p, centre)
	if err != nil {
		return Rota{}, centreNotFound(err)
	}
	r := Rota{Centre: g}
	if r.Stations, err = s.Store.Stations(ctx, g.ID); err != nil {
		return r, err
	}
	from := day.In(workflow.ChinaTime)
	r.Shifts, err = s.Store.Shifts(ctx, g.ID, from.Format(time.DateOnly), from.AddDate(0, 0, maxRotaDays).Format(time.DateOnly))
	return r, err
}

// stationCentre loads a centre in the admin's subtree: a region above grid level.
func (s *Service) stationCentre(ctx context.Context, p *auth.Principal, id int64) (model.Region, error) {
	if id == 0 {
		id = p.Region.ID
	}
	g, err := s.regionInScope(ctx, p, id, "centre_id")
	if err == nil && g.Level == model.LevelGrid {
		err = model.Invalid("centre_id", "not_a_centre", "invalid.centre_id.not_a_centre")
	}
	return g, err
}

// centreNotFound turns a centre refused in a path or a query (not a form's field)
// into not found: out of scope is not told apart from absent.
func centreNotFound(err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return store.ErrNotFound
	}
	return err
}

// StationInput is how an admin stations a department at a centre.
type StationInput struct {
	CentreID     int64  `json:"centre_id"`
	DepartmentID int64  `json:"department_id"`
	Mode         string `json:"mode"`
	Weekdays     string `json:"weekdays"`
	Place        string `json:"place"`
	Phone        string `json:"phone"`
}

// SaveStation stations a department at a centre, or changes how: the department must
// be active and one the centre works with (at its level, above or below it).
func (s *Service) SaveStation(ctx context.Context, p *auth.Principal, in StationInput) (store.Station, error) {
	if err := requireAdmin(p); err != nil {
		return store.Station{}, err
	}
	g, err := s.stationCentre(ctx, p, in.CentreID)
	if err != nil {
		return store.Station{}, err
	}
	t := store.Station{CentreID: g.ID, DepartmentID: in.DepartmentID, Mode: in.Mode, Place: strings.TrimSpace(in.Place)}
	d, err := s.Store.Department(ctx, in.DepartmentID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !d.Active {
		return t, model.Invalid("department_id", "not_found", "invalid.station_department.not_found")
	}
	if err != nil {
		return t, err
	}
	dr, err := s.Store.Region(ctx, d.RegionID)
	if err != nil {
		return t, err
	}
	if !strings.HasPrefix(dr.Path, g.Path) && !strings.HasPrefix(g.Path, dr.Path) {
		return t, model.Invalid("department_id", "out_of_reach", "invalid.station_department.out_of_reach")
	}
	mode := workflow.StationMode(in.Mode)
	if !mode.Valid() {
		return t, model.Invalid("mode", "invalid", "invalid.station_mode.invalid")
	}
	if mode == workflow.StationRotating {
		days, ok := workflow.ParseWeekdays(in.Weekdays)
		if !ok {
			return t, model.Invalid("weekdays", "weekdays", "invalid.weekdays.weekdays")
		}
		t.Weekdays = strings.Trim(strings.ReplaceAll(fmt.Sprint(days), " ", ","), "[]")
	}
	if utf8.RuneCountInString(t.Place) > 40 {
		return t, model.Invalid("place", "too_long", "invalid.too_long_n", 40)
	}
	if phone := strings.TrimSpace(in.Phone); phone != "" {
		if t.Phone, err = model.NormalizePhone(phone); err != nil {
			return t, model.Invalid("phone", "phone", "invalid.duty_phone.phone")
		}
	}
	if mode == workflow.StationOnCall && t.Phone == "" {
		return t, model.Invalid("phone", "required", "invalid.duty_phone.required")
	}
	err = s.Store.SaveStation(ctx, store.Audited("roster.station", fmt.Sprintf("region:%d", g.ID), fmt.Sprintf("%s进驻%s（%s）", d.Name, g.Name, in.Mode)), &t)
	t.Department = d.Name
	return t, err
}

// DeleteStation ends a department's station at a centre in the admin's subtree.
func (s *Service) DeleteStation(ctx context.Context, p *auth.Principal, centre, id int64) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	g, err := s.stationCentre(ctx, p, centre)
	if err != nil {
		return centreNotFound(err)
	}
	return s.Store.DeleteStation(ctx, store.Audited("roster.station_end", fmt.Sprintf("region:%d", g.ID), fmt.Sprintf("结束进驻 %d", id)), g.ID, id)
}

// ShiftInput is a leader's turn as an admin enters it.
type ShiftInput struct {
	CentreID int64  `json:"centre_id"`
	UserID   int64  `json:"user_id"`
	Kind     string `json:"kind"`
	FromDay  string `json:"from_day"`
	ToDay    string `json:"to_day"`
	Note     string `json:"note"`
}

// AddShift puts a leader of the centre on its rota.
func (s *Service) AddShift(ctx context.Context, p *auth.Principal, in ShiftInput) (store.Shift, error) {
	if err := requireAdmin(p); err != nil {
		return store.Shift{}, err
	}
	g, err := s.stationCentre(ctx, p, in.CentreID)
	if err != nil {
		return store.Shift{}, err
	}
	h := store.Shift{CentreID: g.ID, UserID: in.UserID, Kind: in.Kind, FromDay: strings.TrimSpace(in.FromDay), ToDay: strings.TrimSpace(in.ToDay),
		Note: strings.TrimSpace(in.Note)}
	if h.ToDay == "" {
		h.ToDay = h.FromDay // a one-day turn
	}
	u, err := s.Store.User(ctx, in.UserID)
	if errors.Is(err, store.ErrNotFound) || err == nil && (!u.Active || !u.Has(model.RoleLeader) || u.RegionID != g.ID) {
		return h, model.Invalid("user_id", "not_leader", "invalid.shift_user.not_leader")
	}
	if err != nil {
		return h, err
	}
	if !workflow.DutyKind(in.Kind).Valid() {
		return h, model.Invalid("kind", "invalid", "invalid.duty_kind.invalid")
	}
	if field, ok := workflow.CheckDutySpan(h.FromDay, h.ToDay); !ok {
		return h, model.Invalid(field, "date_span", "invalid.duty_span.date_span", workflow.MaxDutySpan)
	}
	if utf8.RuneCountInString(h.Note) > 60 {
		return h, model.Invalid("note", "too_long", "invalid.too_long_n", 60)
	}
	err = s.Store.AddShift(ctx, store.Audited("roster.shift", fmt.Sprintf("region:%d", g.ID), fmt.Sprintf("%s %s %s–%s", u.DisplayName, in.Kind, h.FromDay, h.ToDay)), &h)
	h.UserName = u.DisplayName
	return h, err
}

// DeleteShift takes a turn off a centre's rota.
func (s *Service) DeleteShift(ctx context.Context, p *auth.Principal, centre, id int64) error {
	if err := requireAdmin(p); err != nil {
		return err
	}
	g, err := s.stationCentre(ctx, p, centre)
	if err != nil {
		return centreNotFound(err)
	}
	return s.Store.DeleteShift(ctx, store.Audited("roster.shift_delete", fmt.Sprintf("region:%d", g.ID), fmt.Sprintf("删除值班 %d", id)), g.ID, id)
}
