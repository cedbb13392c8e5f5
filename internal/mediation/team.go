package mediation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/cases"
	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/workflow"
)

// TeamRoles are the places of a case team (包案/“1131”: one 政法委 member on duty, one
// 包案 leader presiding, three kinds of professional — mediator, lawyer, psychologist —
// and one of the 信访局 following it up), in the order the page lists them.
var TeamRoles = cases.TeamRoles

// helpFor says which kinds of help (HelpKinds) a member in role answers.
var helpFor = map[string][]string{"mediator": {"mediator"}, "lawyer": {"lawyer", "legal_aid"}, "psychologist": {"psychologist"}}

// TeamInput puts a staff account or a person of the pool on a case in a role.
type TeamInput struct {
	Role     string `json:"role"`
	UserID   int64  `json:"user_id"`
	TalentID int64  `json:"talent_id"`
	Note     string `json:"note"`
}

// caseFor reads a case p may see and requires perm of p.
func (s *Service) caseFor(ctx context.Context, p *auth.Principal, perm auth.Permission, caseID int64) (model.Case, error) {
	if err := p.Require(perm); err != nil {
		return model.Case{}, err
	}
	if s.Cases == nil {
		return model.Case{}, errors.New("mediation: no case service")
	}
	return s.Cases.Get(ctx, p, caseID)
}

// nowUTC is the service's clock in UTC.
func (s *Service) nowUTC() time.Time { return s.now().UTC() }

// AddTeamMember names a member of case caseID's team: an active account that sees the
// case (a 包案 leader, the 政法委 member on duty, the 信访局's tracker, a mediator of
// the centre) or a person of the pool serving the case's place today. The member's
// account (theirs, or the pool person's) is told and finds the case in its queue; a
// citizen's request for that kind of help is met.
func (s *Service) AddTeamMember(ctx context.Context, p *auth.Principal, caseID int64, in TeamInput) (store.CaseTeamMember, error) {
	m := store.CaseTeamMember{CaseID: caseID, Role: in.Role, UserID: in.UserID, TalentID: in.TalentID}
	c, err := s.caseFor(ctx, p, auth.PermCaseTeam, caseID)
	if err != nil {
		return m, err
	}
	if !workflow.State(c.State).Open() {
		return m, model.Invalid("role", "closed", "invalid.team.closed")
	}
	if !slices.Contains(TeamRoles, in.Role) {
		return m, model.Invalid("role", "invalid", "invalid.team.role")
	}
	if m.Note, err = cleanText("note", in.Note, 200, false); err != nil {
		return m, err
	}
	var tell []model.User
	var text []string // the phones of a pool person no account of theirs is told on
	switch {
	case (in.UserID == 0) == (in.TalentID == 0):
		return m, model.Invalid("talent_id", "one_of", "invalid.team.one_of")
	case in.UserID != 0:
		u, err := s.Store.User(ctx, in.UserID)
		if errors.Is(err, store.ErrNotFound) || err == nil && !u.Active {
			return m, model.Invalid("user_id", "not_found", "invalid.team.user_not_found")
		}
		if err != nil {
			return m, err
		}
		if ok, err := s.userSees(ctx, u, &c); err != nil {
			return m, err
		} else if !ok {
			return m, model.Invalid("user_id", "out_of_scope", "invalid.team.user_out_of_scope")
		}
		m.Name, m.AccountID = u.DisplayName, u.ID
		tell = append(tell, u)
	default:
		t, err := s.Store.TalentPerson(ctx, in.TalentID)
		if errors.Is(err, store.ErrNotFound) || err == nil && !servesCase(t, &c) {
			return m, model.Invalid("talent_id", "not_found", "invalid.team.talent_not_found")
		}
		if err != nil {
			return m, err
		}
		if day := s.today(); t.Since != "" && t.Since > day || t.Until != "" && t.Until < day {
			return m, model.Invalid("talent_id", "not_in_pool", "invalid.team.talent_not_in_pool")
		}
		m.Name, m.Kind = t.Name, t.Kind
		if t.UserID != 0 {
			if u, err := s.Store.User(ctx, t.UserID); err == nil && u.Active {
				if ok, err := s.userSees(ctx, u, &c); err != nil {
					return m, err
				} else if ok {
					m.AccountID = u.ID
					tell = append(tell, u)
				}
			}
		}
		if len(tell) == 0 {
			text = append(text, t.Phone)
		}
	}
	now := s.nowUTC()
	m.AddedBy, m.AddedAt = p.User.ID, now
	role := roleLabel(in.Role)
	audit := store.Audited("case.team_add", fmt.Sprintf("case:%d", c.ID), fmt.Sprintf("包案团队：%s（%s）", m.Name, role))
	err = s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		cc, err := tx.CaseForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := tx.InsertTeamMember(ctx, &m); err != nil {
			if errors.Is(err, store.ErrConflict) {
				field := "talent_id"
				if in.UserID != 0 {
					field = "user_id"
				}
				return model.Invalid(field, "taken", "invalid.team.taken")
			}
			return err
		}
		payload := map[string]any{"member_id": m.ID, "role": m.Role, "user_id": m.UserID, "talent_id": m.TalentID, "name": m.Name}
		for _, kind := range helpFor[m.Role] {
			n, err := tx.MeetHelpRequests(ctx, c.ID, kind, m.ID, now)
			if err != nil {
				return err
			}
			if n > 0 {
				payload["help_met"] = kind
			}
		}
		if err := s.Cases.RecordEvent(ctx, tx, &cc, p.User.ID, ActionTeamAdd, fmt.Sprintf("%s：%s", role, m.Name), payload, now); err != nil {
			return err
		}
		if err := s.Cases.Text(ctx, tx, text, &cc, "team_add", "加入包案团队", fmt.Sprintf("您已被列为%s，请与综治中心联系", role), now); err != nil {
			return err
		}
		if len(tell) == 0 {
			return nil
		}
		return s.Cases.Tell(ctx, tx, tell, &cc, "team_add", "加入包案团队", fmt.Sprintf("您已被列为%s", role), now)
	})
	return m, err
}

// RemoveTeamMember takes a member off case caseID's team (their place stays in the
// case's history, and in 考评's count of the time they held it).
func (s *Service) RemoveTeamMember(ctx context.Context, p *auth.Principal, caseID, memberID int64, note string) error {
	c, err := s.caseFor(ctx, p, auth.PermCaseTeam, caseID)
	if err != nil {
		return err
	}
	if note, err = cleanText("note", note, 200, false); err != nil {
		return err
	}
	now := s.nowUTC()
	audit := store.Audited("case.team_remove", fmt.Sprintf("case:%d", c.ID), fmt.Sprintf("包案团队成员 %d 退出", memberID))
	return s.Store.InTx(ctx, audit, func(tx *store.Tx) error {
		cc, err := tx.CaseForUpdate(ctx, c.ID)
		if err != nil {
			return err
		}
		m, err := tx.TeamMemberOf(ctx, c.ID, memberID)
		if err != nil {
			return err
		}
		if err := tx.LeaveTeam(ctx, c.ID, m.ID, p.User.ID, now); err != nil {
			return err
		}
		text := fmt.Sprintf("%s：%s 退出", roleLabel(m.Role), m.Name)
		if note != "" {
			text += "。" + note
		}
		return s.Cases.RecordEvent(ctx, tx, &cc, p.User.ID, ActionTeamRemove, text, map[string]any{"member_id": m.ID, "role": m.Role}, now)
	})
}

// teamReach is who of case caseID's live team is told of what the team attends:
// the active accounts (a member's own, or the pool person's), and the phones of the
// pool people without one, who are told by text message.
func (s *Service) teamReach(ctx context.Context, caseID int64) ([]model.User, []string, error) {
	team, err := s.Store.CaseTeam(ctx, caseID)
	if err != nil {
		return nil, nil, err
	}
	var users []model.User
	var phones []string
	for _, m := range team {
		if m.LeftAt != nil {
			continue
		}
		if m.AccountID != 0 {
			if u, err := s.Store.User(ctx, m.AccountID); err != nil {
				return nil, nil, err
			} else if u.Active {
				users = append(users, u)
				continue
			}
		}
		if m.TalentID != 0 {
			t, err := s.Store.TalentPerson(ctx, m.TalentID)
			if err != nil {
				return nil, nil, err
			}
			phones = append(phones, t.Phone)
		}
	}
	return users, phones, nil
}

// userSees reports whether account u may read case c: c lies in u's region subtree,
// or a department of u's is working on it.
func (s *Service) userSees(ctx context.Context, u model.User, c *model.Case) (bool, error) {
	g, err := s.Store.Region(ctx, u.RegionID)
	if err != nil {
		return false, err
	}
	if strings.HasPrefix(c.RegionPath, g.Path) && (u.Has(model.RoleLeader) || u.Has(model.RoleClerk) || u.Has(model.RoleMediator) || u.Has(model.RoleGrid) || u.Has(model.RoleViewer)) {
		return true, nil
	}
	for _, a := range c.Assignments {
		if u.DepartmentID != 0 && a.DepartmentID == u.DepartmentID && a.Status != model.AssignmentReturned {
			return true, nil
		}
	}
	return false, nil
}

// servesCase reports whether a person of the pool serves c's place: at a region of
// its subtree or above it (the county's lawyers serve its villages).
func servesCase(t store.Talent, c *model.Case) bool {
	return strings.HasPrefix(t.RegionPath, c.RegionPath) || strings.HasPrefix(c.RegionPath, t.RegionPath)
}

// TeamCases lists the cases account userID is on the team of (theirs, or as the pool
// person they are): the open ones for their queue, or those held in [from, to) for
// 考评 (zero times for any).
func (s *Service) TeamCases(ctx context.Context, userID int64, openOnly bool, from, to time.Time) ([]store.TeamCase, error) {
	return s.Store.TeamCases(ctx, store.TeamFilter{UserID: userID, OpenOnly: openOnly, From: from, To: to, Limit: 200})
}

// roleLabel names a team role in Chinese for the timeline, the audit log and notices.
func roleLabel(role string) string {
	return map[string]string{"lead": "包案领导", "duty": "政法委值班", "mediator": "调解员", "lawyer": "律师", "psychologist": "心理咨询师", "tracking": "信访跟踪"}[role]
}

// cleanText trims a text and holds it to max characters of printable text; required
// says whether it may be empty.
func cleanText(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		return "", model.Invalid(field, "required", "invalid.required")
	case !utf8.ValidString(s):
		return "", model.Invalid(field, "bad_chars", "invalid.bad_text")
	case utf8.RuneCountInString(s) > max:
		return "", model.Invalid(field, "too_long", "invalid.too_long_n", max)
	case strings.ContainsFunc(s, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t' && r != '\r') || r == 0x7f }):
		return "", model.Invalid(field, "bad_chars", "invalid.control_chars")
	}
	return s, nil
}
