package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// MediationOrg is a mediation organisation a centre lists: 人民调解委员会 of a village or
// township, 行业性专业性调委会, 驻中心调解室, 律师调解工作室 or the court's 诉前调解.
type MediationOrg struct {
	ID         int64    `json:"id"`
	RegionID   int64    `json:"region_id"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Categories []string `json:"categories"` // the kinds of dispute it takes (category codes)
	Phone      string   `json:"phone,omitempty"`
	Address    string   `json:"address,omitempty"`
	Active     bool     `json:"active"`
	// NumberPrefix is the 机关代字 of its agreements' numbers (康调字〔2026〕第12号);
	// "" for the default the service derives from its region's name.
	NumberPrefix string `json:"number_prefix,omitempty"`

	RegionName string            `json:"region_name"` // read with it
	RegionPath string            `json:"-"`
	Members    []MediationMember `json:"members,omitempty"`
}

// MediationMember is one member of an organisation: an account or a person of the pool.
type MediationMember struct {
	ID       int64  `json:"id"`
	OrgID    int64  `json:"org_id"`
	UserID   int64  `json:"user_id,omitempty"`
	TalentID int64  `json:"talent_id,omitempty"`
	Post     string `json:"post,omitempty"`
	Name     string `json:"name"` // the account's display name or the person's name
}

// Talent is a person of the talent pool (人才库).
type Talent struct {
	ID          int64    `json:"id"`
	RegionID    int64    `json:"region_id"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Specialties []string `json:"specialties"`
	Phone       string   `json:"phone,omitempty"` // whole here; masked on the way out
	Employer    string   `json:"employer,omitempty"`
	UserID      int64    `json:"user_id,omitempty"`
	Since       string   `json:"since,omitempty"`
	Until       string   `json:"until,omitempty"`
	Note        string   `json:"note,omitempty"`

	RegionName string `json:"region_name"`
	RegionPath string `json:"-"`
	Load       int    `json:"load"` // open cases they are on
}

// joinCodes and splitCodes keep a list of category codes in one column.
func joinCodes(codes []string) string { return strings.Join(codes, ",") }

func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// MediationOrgs lists the organisations in a subtree (a region path), by region then name,
// each with its members.
func (s *Store) MediationOrgs(ctx context.Context, within string) ([]MediationOrg, error) {
	lo, hi := pathRange(within)
	rows, err := s.query(ctx, `SELECT o.id, o.region_id, o.name, o.kind, o.categories, o.phone, o.address, o.active, o.number_prefix, g.name, g.path
		FROM mediation_orgs o JOIN regions g ON g.id = o.region_id WHERE g.path >= ? AND g.path < ? ORDER BY g.path, o.name, o.id`, lo, hi)
	orgs, err := scanAll(rows, err, scanMediationOrg)
	if err != nil || len(orgs) == 0 {
		return orgs, err
	}
	members, err := s.mediationMembers(ctx, lo, hi)
	if err != nil {
		return nil, err
	}
	at := map[int64]int{}
	for i, o := range orgs {
		at[o.ID] = i
	}
	for _, m := range members {
		if i, ok := at[m.OrgID]; ok {
			orgs[i].Members = append(orgs[i].Members, m)
		}
	}
	return orgs, nil
}

func scanMediationOrg(r *sql.Rows) (MediationOrg, error) {
	var o MediationOrg
	var cats string
	err := r.Scan(&o.ID, &o.RegionID, &o.Name, &o.Kind, &cats, &o.Phone, &o.Address, &o.Active, &o.NumberPrefix, &o.RegionName, &o.RegionPath)
	o.Categories = splitCodes(cats)
	return o, err
}

// mediationMembers reads the members of the organisations at regions in [lo, hi).
func (s *Store) mediationMembers(ctx context.Context, lo, hi string) ([]MediationMember, error) {
	rows, err := s.query(ctx, `SELECT m.id, m.org_id, COALESCE(m.user_id, 0), COALESCE(m.talent_id, 0), m.post, COALESCE(u.display_name, t.name, '')
		FROM mediation_org_members m JOIN mediation_orgs o ON o.id = m.org_id JOIN regions g ON g.id = o.region_id
		LEFT JOIN users u ON u.id = m.user_id LEFT JOIN talent_people t ON t.id = m.talent_id
		WHERE g.path >= ? AND g.path < ? ORDER BY m.org_id, m.id`, lo, hi)
	return scanAll(rows, err, func(r *sql.Rows) (MediationMember, error) {
		var m MediationMember
		err := r.Scan(&m.ID, &m.OrgID, &m.UserID, &m.TalentID, &m.Post, &m.Name)
		return m, err
	})
}

// MediationOrg reads one organisation with its members.
func (s *Store) MediationOrg(ctx context.Context, id int64) (MediationOrg, error) {
	rows, err := s.query(ctx, `SELECT o.id, o.region_id, o.name, o.kind, o.categories, o.phone, o.address, o.active, o.number_prefix, g.name, g.path
		FROM mediation_orgs o JOIN regions g ON g.id = o.region_id WHERE o.id = ?`, id)
	orgs, err := scanAll(rows, err, scanMediationOrg)
	if err != nil {
		return MediationOrg{}, err
	}
	if len(orgs) == 0 {
		return MediationOrg{}, ErrNotFound
	}
	o := orgs[0]
	rows, err = s.query(ctx, `SELECT m.id, m.org_id, COALESCE(m.user_id, 0), COALESCE(m.talent_id, 0), m.post, COALESCE(u.display_name, t.name, '')
		FROM mediation_org_members m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN talent_people t ON t.id = m.talent_id
		WHERE m.org_id = ? ORDER BY m.id`, id)
	o.Members, err = scanAll(rows, err, func(r *sql.Rows) (MediationMember, error) {
		var m MediationMember
		err := r.Scan(&m.ID, &m.OrgID, &m.UserID, &m.TalentID, &m.Post, &m.Name)
		return m, err
	})
	return o, err
}

// SaveMediationOrg creates an organisation (ID 0) or changes one. Its name is unique
// at its region: a second is ErrConflict.
func (s *Store) SaveMediationOrg(ctx context.Context, e AuditEntry, o *MediationOrg) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		if o.ID == 0 {
			err := tx.queryRow(ctx, `INSERT INTO mediation_orgs (region_id, name, kind, categories, phone, address, active, number_prefix) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				o.RegionID, o.Name, o.Kind, joinCodes(o.Categories), o.Phone, o.Address, o.Active, o.NumberPrefix).Scan(&o.ID)
			if isUniqueViolation(err) {
				return fmt.Errorf("mediation organisation %s: %w", o.Name, ErrConflict)
			}
			return err
		}
		res, err := tx.exec(ctx, `UPDATE mediation_orgs SET region_id = ?, name = ?, kind = ?, categories = ?, phone = ?, address = ?, active = ?, number_prefix = ? WHERE id = ?`,
			o.RegionID, o.Name, o.Kind, joinCodes(o.Categories), o.Phone, o.Address, o.Active, o.NumberPrefix, o.ID)
		return affectedOne(res, err, "mediation organisation")
	})
}

// AddMediationMember puts an account or a person of the pool into an organisation; one
// already in it is ErrConflict.
func (s *Store) AddMediationMember(ctx context.Context, e AuditEntry, m *MediationMember) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		err := tx.queryRow(ctx, `INSERT INTO mediation_org_members (org_id, user_id, talent_id, post) VALUES (?, ?, ?, ?) RETURNING id`,
			m.OrgID, nullID(m.UserID), nullID(m.TalentID), m.Post).Scan(&m.ID)
		if isUniqueViolation(err) {
			return fmt.Errorf("member of organisation %d: %w", m.OrgID, ErrConflict)
		}
		return err
	})
}

// RemoveMediationMember takes a member out of an organisation.
func (s *Store) RemoveMediationMember(ctx context.Context, e AuditEntry, orgID, id int64) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM mediation_org_members WHERE id = ? AND org_id = ?", id, orgID)
		return affectedOne(res, err, "member")
	})
}

// nullID is NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// talentSelect reads a person of the pool with their region and load: the open cases
// they are on and have not left.
const talentSelect = `SELECT t.id, t.region_id, t.name, t.kind, t.specialties, t.phone, t.employer, COALESCE(t.user_id, 0), t.since, t.until, t.note, g.name, g.path,
	(SELECT COUNT(*) FROM case_team k JOIN cases c ON c.id = k.case_id WHERE k.talent_id = t.id AND k.left_at IS NULL AND c.state IN ` + openStates + `)
	FROM talent_people t JOIN regions g ON g.id = t.region_id`

func scanTalent(r *sql.Rows) (Talent, error) {
	var t Talent
	var specs string
	err := r.Scan(&t.ID, &t.RegionID, &t.Name, &t.Kind, &specs, &t.Phone, &t.Employer, &t.UserID, &t.Since, &t.Until, &t.Note, &t.RegionName, &t.RegionPath, &t.Load)
	t.Specialties = splitCodes(specs)
	return t, err
}

// TalentFilter narrows the pool.
type TalentFilter struct {
	Within string // serving at regions in this subtree
	Above  string // or at a region on this path (the county's lawyers serve its villages)
	Day    string // only those in the pool that day (YYYY-MM-DD); "" for all, past ones too
}

// TalentPool lists the pool by region then name.
func (s *Store) TalentPool(ctx context.Context, f TalentFilter) ([]Talent, error) {
	lo, hi := pathRange(f.Within)
	q := talentSelect + " WHERE (g.path >= ? AND g.path < ?"
	args := []any{lo, hi}
	if f.Above != "" {
		// A region is above when its path is a prefix of f.Above.
		q += " OR ? LIKE g.path || '%'"
		args = append(args, f.Above)
	}
	q += ")"
	if f.Day != "" {
		q += " AND (t.since = '' OR t.since <= ?) AND (t.until = '' OR t.until >= ?)"
		args = append(args, f.Day, f.Day)
	}
	rows, err := s.query(ctx, q+" ORDER BY g.path, t.name, t.id", args...)
	return scanAll(rows, err, scanTalent)
}

// TalentPerson reads one person of the pool.
func (s *Store) TalentPerson(ctx context.Context, id int64) (Talent, error) {
	rows, err := s.query(ctx, talentSelect+" WHERE t.id = ?", id)
	ts, err := scanAll(rows, err, scanTalent)
	if err == nil && len(ts) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Talent{}, err
	}
	return ts[0], nil
}

// SaveTalent adds a person to the pool (ID 0) or changes one.
func (s *Store) SaveTalent(ctx context.Context, e AuditEntry, t *Talent) error {
	return s.InTx(ctx, e, func(tx *Tx) error {
		if t.ID == 0 {
			return tx.queryRow(ctx, `INSERT INTO talent_people (region_id, name, kind, specialties, phone, employer, user_id, since, until, note)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				t.RegionID, t.Name, t.Kind, joinCodes(t.Specialties), t.Phone, t.Employer, nullID(t.UserID), t.Since, t.Until, t.Note).Scan(&t.ID)
		}
		res, err := tx.exec(ctx, `UPDATE talent_people SET region_id = ?, name = ?, kind = ?, specialties = ?, phone = ?, employer = ?, user_id = ?, since = ?, until = ?, note = ? WHERE id = ?`,
			t.RegionID, t.Name, t.Kind, joinCodes(t.Specialties), t.Phone, t.Employer, nullID(t.UserID), t.Since, t.Until, t.Note, t.ID)
		return affectedOne(res, err, "talent")
	})
}

// CaseTeamMember is a member of a case's team (包案/“1131”): a staff account or a
// person of the pool, in a role, from when until they leave.
type CaseTeamMember struct {
	ID        int64      `json:"id"`
	CaseID    int64      `json:"case_id"`
	TalentID  int64      `json:"talent_id,omitempty"`
	UserID    int64      `json:"user_id,omitempty"`
	Role      string     `json:"role"` // lead, duty, mediator, lawyer, psychologist, tracking
	Note      string     `json:"note,omitempty"`
	AddedBy   int64      `json:"added_by"`
	AddedAt   time.Time  `json:"added_at"`
	LeftAt    *time.Time `json:"left_at,omitempty"`
	Name      string     `json:"name"`
	Kind      string     `json:"kind,omitempty"`       // a pool person's kind
	AccountID int64      `json:"account_id,omitempty"` // the account whose queue holds the case
}

// AddCaseTeamMember puts a member on a case.
func (s *Store) AddCaseTeamMember(ctx context.Context, e AuditEntry, m *CaseTeamMember) error {
	m.AddedAt = now()
	return s.InTx(ctx, e, func(tx *Tx) error { return tx.InsertTeamMember(ctx, m) })
}

// LeaveCaseTeam ends a member's place on a case: they no longer count it in their load.
func (s *Store) LeaveCaseTeam(ctx context.Context, e AuditEntry, caseID, id int64) error {
	return s.InTx(ctx, e, func(tx *Tx) error { return tx.LeaveTeam(ctx, caseID, id, 0, now()) })
}
