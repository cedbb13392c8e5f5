package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// This file keeps how a case is mediated (issue 25): its team (包案), its sessions
// (调解记录), its agreements (调解协议书) with their numbers, signing, performance and
// judicial confirmation, its referrals (诉调对接) and the help its citizen asked for.
// The service (internal/mediation) writes them inside its own transactions, with the
// case's event, through the Tx methods; readers use the Store's.

// teamSelect reads a team member with the name of the person or account and, for a
// person of the pool, their kind; AccountID is the account that gets the case in its
// queue: the member's own, or the pool person's.
const teamSelect = `SELECT k.id, k.case_id, COALESCE(k.talent_id, 0), COALESCE(k.user_id, 0), k.role, k.note, COALESCE(k.added_by, 0), k.added_at, k.left_at,
	COALESCE(t.name, u.display_name, ''), COALESCE(t.kind, ''), COALESCE(k.user_id, t.user_id, 0)
	FROM case_team k LEFT JOIN talent_people t ON t.id = k.talent_id LEFT JOIN users u ON u.id = k.user_id`

func scanTeamMember(r *sql.Rows) (CaseTeamMember, error) {
	var m CaseTeamMember
	var left sql.NullTime
	err := r.Scan(&m.ID, &m.CaseID, &m.TalentID, &m.UserID, &m.Role, &m.Note, &m.AddedBy, &m.AddedAt, &left, &m.Name, &m.Kind, &m.AccountID)
	if left.Valid {
		t := left.Time
		m.LeftAt = &t
	}
	return m, err
}

// CaseTeam lists a case's team, those who left too, in the order they joined.
func (s *Store) CaseTeam(ctx context.Context, caseID int64) ([]CaseTeamMember, error) {
	rows, err := s.query(ctx, teamSelect+" WHERE k.case_id = ? ORDER BY k.id", caseID)
	return scanAll(rows, err, scanTeamMember)
}

// InsertTeamMember puts a member on a case inside tx; the same person or account on
// the case already is ErrConflict.
func (tx *Tx) InsertTeamMember(ctx context.Context, m *CaseTeamMember) error {
	err := tx.queryRow(ctx, `INSERT INTO case_team (case_id, talent_id, user_id, role, note, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.CaseID, nullID(m.TalentID), nullID(m.UserID), m.Role, m.Note, nullID(m.AddedBy), m.AddedAt).Scan(&m.ID)
	switch {
	case err != nil && isUniqueViolation(err):
		return fmt.Errorf("team member of case %d: %w", m.CaseID, ErrConflict)
	case err != nil && isForeignKeyViolation(err):
		return fmt.Errorf("case %d or member: %w", m.CaseID, ErrNotFound)
	}
	return err
}

// TeamMemberOf reads a live member of a case inside tx.
func (tx *Tx) TeamMemberOf(ctx context.Context, caseID, id int64) (CaseTeamMember, error) {
	rows, err := tx.query(ctx, teamSelect+" WHERE k.case_id = ? AND k.id = ? AND k.left_at IS NULL", caseID, id)
	ms, err := scanAll(rows, err, scanTeamMember)
	if err == nil && len(ms) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return CaseTeamMember{}, err
	}
	return ms[0], nil
}

// LeaveTeam ends a member's place on a case inside tx.
func (tx *Tx) LeaveTeam(ctx context.Context, caseID, id, by int64, at time.Time) error {
	res, err := tx.exec(ctx, "UPDATE case_team SET left_at = ?, left_by = ? WHERE id = ? AND case_id = ? AND left_at IS NULL", at, nullID(by), id, caseID)
	return affectedOne(res, err, "team member")
}

// TeamCase is a case a person is (or was) on the team of.
type TeamCase struct {
	MemberID int64      `json:"member_id"`
	CaseID   int64      `json:"case_id"`
	Title    string     `json:"title"`
	State    string     `json:"state"`
	Role     string     `json:"role"`
	AddedAt  time.Time  `json:"added_at"`
	LeftAt   *time.Time `json:"left_at,omitempty"`
	DueAt    *time.Time `json:"due_at,omitempty"`
	Outcome  string     `json:"outcome,omitempty"`
}

// TeamFilter chooses whose team cases to read: an account's (theirs, and those of the
// pool person the account is), or a pool person's.
type TeamFilter struct {
	UserID   int64
	TalentID int64
	OpenOnly bool      // only live places on open cases: a queue
	From, To time.Time // places held at some time in [From, To), for 考评; zero for any
	Limit    int
}

// TeamCases lists the cases of f's person's team places, the newest place first. The
// queue (待我处理) shows a member's open ones; 考评 counts them over a period.
func (s *Store) TeamCases(ctx context.Context, f TeamFilter) ([]TeamCase, error) {
	q := `SELECT k.id, c.id, c.title, c.state, k.role, k.added_at, k.left_at, c.due_at, c.outcome
		FROM case_team k JOIN cases c ON c.id = k.case_id WHERE `
	var args []any
	switch {
	case f.UserID != 0:
		// Each side of the OR is one of case_team's indexes (the queue reads live places).
		q += "(k.user_id = ? OR k.talent_id IN (SELECT p.id FROM talent_people p WHERE p.user_id = ?))"
		args = append(args, f.UserID, f.UserID)
	case f.TalentID != 0:
		q += "k.talent_id = ?"
		args = append(args, f.TalentID)
	default:
		return nil, nil
	}
	if f.OpenOnly {
		q += " AND k.left_at IS NULL AND c.state IN " + openStates
	}
	if !f.To.IsZero() {
		q += " AND k.added_at < ?"
		args = append(args, f.To)
	}
	if !f.From.IsZero() {
		q += " AND (k.left_at IS NULL OR k.left_at >= ?)"
		args = append(args, f.From)
	}
	q += " ORDER BY k.added_at DESC, k.id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.query(ctx, q, args...)
	return scanAll(rows, err, func(r *sql.Rows) (TeamCase, error) {
		var tc TeamCase
		var left, due sql.NullTime
		err := r.Scan(&tc.MemberID, &tc.CaseID, &tc.Title, &tc.State, &tc.Role, &tc.AddedAt, &left, &due, &tc.Outcome)
		if left.Valid {
			t := left.Time
			tc.LeftAt = &t
		}
		if due.Valid {
			t := due.Time
			tc.DueAt = &t
		}
		return tc, err
	})
}

// Statement is what one side said at a session.
type Statement struct {
	Side string `json:"side"` // 申请人, 被申请人, 第三人, 村委会…
	Said string `json:"said"`
}

// MediationSession is one sitting of a mediation (调解记录), printable as a 调解笔录.
type MediationSession struct {
	ID         int64       `json:"id"`
	CaseID     int64       `json:"case_id"`
	OrgID      int64       `json:"org_id,omitempty"`
	OrgName    string      `json:"org_name,omitempty"`
	HeldAt     time.Time   `json:"held_at"`
	Venue      string      `json:"venue"` // centre, on_site, circuit_court, video
	Place      string      `json:"place,omitempty"`
	Mediators  string      `json:"mediators"`
	Attendees  string      `json:"attendees,omitempty"`
	Statements []Statement `json:"statements"`
	Result     string      `json:"result"` // agreed, partial, failed, adjourned
	Agreed     string      `json:"agreed,omitempty"`
	WhyNot     string      `json:"why_not,omitempty"`
	RecordedBy int64       `json:"recorded_by"`
	Recorder   string      `json:"recorder"`
	RecordedAt time.Time   `json:"recorded_at"`
}

const sessionSelect = `SELECT m.id, m.case_id, COALESCE(m.org_id, 0), COALESCE(o.name, ''), m.held_at, m.venue, m.place, m.mediators, m.attendees, m.statements,
	m.result, m.agreed, m.why_not, COALESCE(m.recorded_by, 0), COALESCE(u.display_name, ''), m.recorded_at
	FROM mediation_sessions m LEFT JOIN mediation_orgs o ON o.id = m.org_id LEFT JOIN users u ON u.id = m.recorded_by`

func scanMediationSession(r *sql.Rows) (MediationSession, error) {
	var m MediationSession
	var said string
	err := r.Scan(&m.ID, &m.CaseID, &m.OrgID, &m.OrgName, &m.HeldAt, &m.Venue, &m.Place, &m.Mediators, &m.Attendees, &said,
		&m.Result, &m.Agreed, &m.WhyNot, &m.RecordedBy, &m.Recorder, &m.RecordedAt)
	if err == nil {
		err = json.Unmarshal([]byte(said), &m.Statements)
	}
	return m, err
}

// InsertSession records a session inside tx.
func (tx *Tx) InsertMediationSession(ctx context.Context, m *MediationSession) error {
	said, err := json.Marshal(nonNil(m.Statements))
	if err != nil {
		return err
	}
	return tx.queryRow(ctx, `INSERT INTO mediation_sessions (case_id, org_id, held_at, venue, place, mediators, attendees, statements, result, agreed, why_not, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.CaseID, nullID(m.OrgID), m.HeldAt, m.Venue, m.Place, m.Mediators, m.Attendees, string(said), m.Result, m.Agreed, m.WhyNot, nullID(m.RecordedBy), m.RecordedAt).Scan(&m.ID)
}

// CaseSessions lists a case's sessions in the order they were held.
func (s *Store) CaseSessions(ctx context.Context, caseID int64) ([]MediationSession, error) {
	rows, err := s.query(ctx, sessionSelect+" WHERE m.case_id = ? ORDER BY m.held_at, m.id", caseID)
	return scanAll(rows, err, scanMediationSession)
}

// GetSession reads one session.
func (s *Store) GetSession(ctx context.Context, id int64) (MediationSession, error) {
	rows, err := s.query(ctx, sessionSelect+" WHERE m.id = ?", id)
	list, err := scanAll(rows, err, scanMediationSession)
	return one(list, err)
}

// one is the single row of a by-id read, ErrNotFound for none.
func one[T any](list []T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(list) == 0 {
		return zero, ErrNotFound
	}
	return list[0], nil
}

// AgreementParty is a party as an agreement names them (第二十九条: 当事人的基本情况).
type AgreementParty struct {
	Role        string `json:"role"` // 申请人, 被申请人…
	Name        string `json:"name"`
	Particulars string `json:"particulars"` // sex, age, ID number, address, phone as the agreement states them
}

// Agreement is a mediation agreement (调解协议书), numbered per organisation and year.
// Its particulars hold personal data: read whole by those who keep the case, masked
// on the way out everywhere else (the service masks them).
type Agreement struct {
	ID               int64            `json:"id"`
	CaseID           int64            `json:"case_id"`
	OrgID            int64            `json:"org_id"`
	OrgName          string           `json:"org_name"`
	Year             int              `json:"year"`
	Seq              int              `json:"seq"`
	Number           string           `json:"number"` // 康调字〔2026〕第12号
	Parties          []AgreementParty `json:"parties"`
	Facts            string           `json:"facts"`            // 纠纷的主要事实
	Items            string           `json:"items"`            // 争议事项
	Responsibilities string           `json:"responsibilities"` // 各方当事人的责任
	Content          string           `json:"content"`          // 达成协议的内容
	PerformWay       string           `json:"perform_way"`      // 履行方式
	PerformBy        string           `json:"perform_by"`       // 履行期限, YYYY-MM-DD
	Mediator         string           `json:"mediator"`
	Status           string           `json:"status"`    // draft, signed
	SignedOn         string           `json:"signed_on"` // its effect (生效日期)
	SignedCopyID     int64            `json:"signed_copy_id,omitempty"`
	SignedBy         int64            `json:"signed_by,omitempty"`
	Performed        string           `json:"performed,omitempty"` // performed, partial, not_performed
	PerformedNote    string           `json:"performed_note,omitempty"`
	PerformedOn      string           `json:"performed_on,omitempty"`
	PerformReminded  bool             `json:"perform_reminded"`
	ConfirmStatus    string           `json:"confirm_status,omitempty"` // applied, confirmed, rejected, waived
	ConfirmCourt     string           `json:"confirm_court,omitempty"`
	ConfirmAppliedOn string           `json:"confirm_applied_on,omitempty"`
	ConfirmCaseNo    string           `json:"confirm_case_no,omitempty"`
	ConfirmRulingOn  string           `json:"confirm_ruling_on,omitempty"`
	ConfirmNote      string           `json:"confirm_note,omitempty"`
	CreatedBy        int64            `json:"created_by"`
	CreatedAt        time.Time        `json:"created_at"`
	UpdatedAt        time.Time        `json:"updated_at"`
	Version          int              `json:"version"`
}

const agreementCols = `a.id, a.case_id, a.org_id, o.name, a.year, a.seq, a.number, a.parties, a.facts, a.items, a.responsibilities, a.content,
	a.perform_way, a.perform_by, a.mediator, a.status, a.signed_on, COALESCE(a.signed_copy_id, 0), COALESCE(a.signed_by, 0),
	a.performed, a.performed_note, a.performed_on, a.perform_reminded,
	a.confirm_status, a.confirm_court, a.confirm_applied_on, a.confirm_case_no, a.confirm_ruling_on, a.confirm_note,
	COALESCE(a.created_by, 0), a.created_at, a.updated_at, a.version`

const agreementSelect = "SELECT " + agreementCols + " FROM mediation_agreements a JOIN mediation_orgs o ON o.id = a.org_id"

func scanAgreement(r interface{ Scan(...any) error }) (Agreement, error) {
	var a Agreement
	var parties string
	err := r.Scan(&a.ID, &a.CaseID, &a.OrgID, &a.OrgName, &a.Year, &a.Seq, &a.Number, &parties, &a.Facts, &a.Items, &a.Responsibilities, &a.Content,
		&a.PerformWay, &a.PerformBy, &a.Mediator, &a.Status, &a.SignedOn, &a.SignedCopyID, &a.SignedBy,
		&a.Performed, &a.PerformedNote, &a.PerformedOn, &a.PerformReminded,
		&a.ConfirmStatus, &a.ConfirmCourt, &a.ConfirmAppliedOn, &a.ConfirmCaseNo, &a.ConfirmRulingOn, &a.ConfirmNote,
		&a.CreatedBy, &a.CreatedAt, &a.UpdatedAt, &a.Version)
	if err == nil {
		err = json.Unmarshal([]byte(parties), &a.Parties)
	}
	return a, err
}

// NextAgreementSeq takes the next number of an organisation's agreements in a year,
// inside tx: the counter row is created or raised by one statement, which holds the
// row until tx ends, so two clerks issuing at once get consecutive numbers and a
// rolled-back issue gives its number back.
func (tx *Tx) NextAgreementSeq(ctx context.Context, orgID int64, year int) (int, error) {
	var seq int
	err := tx.queryRow(ctx, `INSERT INTO agreement_numbers (org_id, year, last) VALUES (?, ?, 1)
		ON CONFLICT (org_id, year) DO UPDATE SET last = agreement_numbers.last + 1 RETURNING last`, orgID, year).Scan(&seq)
	return seq, err
}

// InsertAgreement writes a new agreement inside tx (its number taken by NextAgreementSeq).
func (tx *Tx) InsertAgreement(ctx context.Context, a *Agreement) error {
	parties, err := json.Marshal(nonNil(a.Parties))
	if err != nil {
		return err
	}
	a.Version = 1
	err = tx.queryRow(ctx, `INSERT INTO mediation_agreements (case_id, org_id, year, seq, number, parties, facts, items, responsibilities, content,
		perform_way, perform_by, mediator, status, created_by, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id`,
		a.CaseID, a.OrgID, a.Year, a.Seq, a.Number, string(parties), a.Facts, a.Items, a.Responsibilities, a.Content,
		a.PerformWay, a.PerformBy, a.Mediator, a.Status, nullID(a.CreatedBy), a.CreatedAt, a.UpdatedAt).Scan(&a.ID)
	if err != nil && isUniqueViolation(err) {
		return fmt.Errorf("agreement number %s: %w", a.Number, ErrConflict)
	}
	return err
}

// AgreementForUpdate reads an agreement inside tx, locking its row on PostgreSQL.
func (tx *Tx) AgreementForUpdate(ctx context.Context, id int64) (Agreement, error) {
	q := "SELECT " + agreementCols + " FROM mediation_agreements a JOIN mediation_orgs o ON o.id = a.org_id WHERE a.id = ?"
	if tx.s.dialect == Postgres {
		q += " FOR UPDATE OF a"
	}
	a, err := scanAgreement(tx.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	return a, err
}

// UpdateAgreement writes back an agreement's changeable fields inside tx, when
// nobody changed it since it was read (ErrStale otherwise), and raises its version.
func (tx *Tx) UpdateAgreement(ctx context.Context, a *Agreement) error {
	parties, err := json.Marshal(nonNil(a.Parties))
	if err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE mediation_agreements SET parties = ?, facts = ?, items = ?, responsibilities = ?, content = ?, perform_way = ?, perform_by = ?,
		mediator = ?, status = ?, signed_on = ?, signed_copy_id = ?, signed_by = ?, performed = ?, performed_note = ?, performed_on = ?, perform_reminded = ?,
		confirm_status = ?, confirm_court = ?, confirm_applied_on = ?, confirm_case_no = ?, confirm_ruling_on = ?, confirm_note = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		string(parties), a.Facts, a.Items, a.Responsibilities, a.Content, a.PerformWay, a.PerformBy,
		a.Mediator, a.Status, a.SignedOn, nullID(a.SignedCopyID), nullID(a.SignedBy), a.Performed, a.PerformedNote, a.PerformedOn, a.PerformReminded,
		a.ConfirmStatus, a.ConfirmCourt, a.ConfirmAppliedOn, a.ConfirmCaseNo, a.ConfirmRulingOn, a.ConfirmNote,
		a.UpdatedAt, a.ID, a.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return ErrStale
	}
	a.Version++
	return nil
}

// GetAgreement reads one agreement.
func (s *Store) GetAgreement(ctx context.Context, id int64) (Agreement, error) {
	a, err := scanAgreement(s.queryRow(ctx, agreementSelect+" WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	return a, err
}

// CaseAgreements lists a case's agreements in the order they were made.
func (s *Store) CaseAgreements(ctx context.Context, caseID int64) ([]Agreement, error) {
	rows, err := s.query(ctx, agreementSelect+" WHERE a.case_id = ? ORDER BY a.id", caseID)
	return scanAll(rows, err, func(r *sql.Rows) (Agreement, error) { return scanAgreement(r) })
}

// AgreementAwaitingConfirmation is the case's latest signed agreement on which no
// confirmation has been applied for nor waived, inside tx: the one whose 30 days
// (第三十三条) are the case's clock. ErrNotFound when there is none.
func (tx *Tx) AgreementAwaitingConfirmation(ctx context.Context, caseID int64) (Agreement, error) {
	a, err := scanAgreement(tx.queryRow(ctx, agreementSelect+" WHERE a.case_id = ? AND a.status = 'signed' AND a.confirm_status = '' ORDER BY a.signed_on DESC, a.id DESC LIMIT 1", caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	return a, err
}

// AgreementTermsDue lists signed agreements whose performance term (履行期限) is on or
// before day (YYYY-MM-DD), with no performance recorded nor reminder sent yet.
func (s *Store) AgreementTermsDue(ctx context.Context, day string, limit int) ([]Agreement, error) {
	rows, err := s.query(ctx, agreementSelect+` WHERE a.status = 'signed' AND a.performed = '' AND a.perform_reminded = FALSE
		AND a.perform_by <> '' AND a.perform_by <= ? ORDER BY a.perform_by, a.id LIMIT ?`, day, limit)
	return scanAll(rows, err, func(r *sql.Rows) (Agreement, error) { return scanAgreement(r) })
}

// Referral is a case sent to or received from a court or another body (诉调、警调、
// 检调、访调对接), or a legal-aid referral with its own case, tracked to its result.
type Referral struct {
	ID           int64      `json:"id"`
	CaseID       int64      `json:"case_id"`
	Direction    string     `json:"direction"` // in, out
	Kind         string     `json:"kind"`      // entrusted, online_filing, pre_litigation, circuit_trial, transfer, legal_aid
	Partner      string     `json:"partner"`   // court, police, procuratorate, petition, legal_aid, other
	Body         string     `json:"body"`
	ExternalNo   string     `json:"external_no,omitempty"`
	TimeLimit    string     `json:"time_limit,omitempty"`
	SessionAt    *time.Time `json:"session_at,omitempty"`
	LinkedCaseID int64      `json:"linked_case_id,omitempty"`
	Note         string     `json:"note,omitempty"`
	Status       string     `json:"status"` // open, closed
	Result       string     `json:"result,omitempty"`
	ResultNote   string     `json:"result_note,omitempty"`
	ResultOn     string     `json:"result_on,omitempty"`
	// The time limit's sweep: the people were reminded before it; it passed while the
	// referral was open (逾期, shown on the case).
	LimitReminded bool      `json:"limit_reminded,omitempty"`
	LimitLapsed   bool      `json:"limit_lapsed,omitempty"`
	CreatedBy     int64     `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	ClosedBy      int64     `json:"closed_by,omitempty"`
}

const referralSelect = `SELECT r.id, r.case_id, r.direction, r.kind, r.partner, r.body, r.external_no, r.time_limit, r.session_at, COALESCE(r.linked_case_id, 0), r.note,
	r.status, r.result, r.result_note, r.result_on, r.limit_reminded, r.limit_lapsed, COALESCE(r.created_by, 0), r.created_at, COALESCE(r.closed_by, 0) FROM case_referrals r`

func scanReferral(r interface{ Scan(...any) error }) (Referral, error) {
	var f Referral
	var at sql.NullTime
	err := r.Scan(&f.ID, &f.CaseID, &f.Direction, &f.Kind, &f.Partner, &f.Body, &f.ExternalNo, &f.TimeLimit, &at, &f.LinkedCaseID, &f.Note,
		&f.Status, &f.Result, &f.ResultNote, &f.ResultOn, &f.LimitReminded, &f.LimitLapsed, &f.CreatedBy, &f.CreatedAt, &f.ClosedBy)
	if at.Valid {
		t := at.Time
		f.SessionAt = &t
	}
	return f, err
}

// InsertReferral records a referral inside tx.
func (tx *Tx) InsertReferral(ctx context.Context, f *Referral) error {
	var at any
	if f.SessionAt != nil {
		at = *f.SessionAt
	}
	err := tx.queryRow(ctx, `INSERT INTO case_referrals (case_id, direction, kind, partner, body, external_no, time_limit, session_at, linked_case_id, note, status, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.CaseID, f.Direction, f.Kind, f.Partner, f.Body, f.ExternalNo, f.TimeLimit, at, nullID(f.LinkedCaseID), f.Note, f.Status, nullID(f.CreatedBy), f.CreatedAt).Scan(&f.ID)
	if err != nil && isForeignKeyViolation(err) {
		return fmt.Errorf("referral of case %d: %w", f.CaseID, ErrNotFound)
	}
	return err
}

// ReferralOf reads a referral of a case inside tx.
func (tx *Tx) ReferralOf(ctx context.Context, caseID, id int64) (Referral, error) {
	f, err := scanReferral(tx.queryRow(ctx, referralSelect+" WHERE r.case_id = ? AND r.id = ?", caseID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	return f, err
}

// CloseReferral records a referral's result inside tx; one closed already is ErrStale.
func (tx *Tx) CloseReferral(ctx context.Context, f *Referral) error {
	res, err := tx.exec(ctx, `UPDATE case_referrals SET status = 'closed', result = ?, result_note = ?, result_on = ?, external_no = ?, closed_by = ?
		WHERE id = ? AND status = 'open'`, f.Result, f.ResultNote, f.ResultOn, f.ExternalNo, nullID(f.ClosedBy), f.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return ErrStale
	}
	f.Status = "closed"
	return nil
}

// ReferralLimitsDue lists open referrals whose time limit (YYYY-MM-DD) needs the
// sweep: not yet reminded of and on or before remindBy, or not yet marked lapsed and
// before today.
func (s *Store) ReferralLimitsDue(ctx context.Context, remindBy, today string, limit int) ([]Referral, error) {
	rows, err := s.query(ctx, referralSelect+` WHERE r.status = 'open' AND r.time_limit <> '' AND r.limit_lapsed = FALSE
		AND ((r.limit_reminded = FALSE AND r.time_limit <= ?) OR r.time_limit < ?) ORDER BY r.time_limit, r.id LIMIT ?`, remindBy, today, limit)
	return scanAll(rows, err, func(r *sql.Rows) (Referral, error) { return scanReferral(r) })
}

// MarkReferralLimit records the sweep's flags on an open referral inside tx;
// ErrStale when it was closed meanwhile or already so marked.
func (tx *Tx) MarkReferralLimit(ctx context.Context, id int64, reminded, lapsed bool) error {
	res, err := tx.exec(ctx, `UPDATE case_referrals SET limit_reminded = ?, limit_lapsed = ? WHERE id = ? AND status = 'open' AND NOT (limit_reminded = ? AND limit_lapsed = ?)`,
		reminded, lapsed, id, reminded, lapsed)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return ErrStale
	}
	return nil
}

// CaseReferrals lists a case's referrals in the order they were made.
func (s *Store) CaseReferrals(ctx context.Context, caseID int64) ([]Referral, error) {
	rows, err := s.query(ctx, referralSelect+" WHERE r.case_id = ? ORDER BY r.id", caseID)
	return scanAll(rows, err, func(r *sql.Rows) (Referral, error) { return scanReferral(r) })
}

// GetReferral reads one referral.
func (s *Store) GetReferral(ctx context.Context, id int64) (Referral, error) {
	f, err := scanReferral(s.queryRow(ctx, referralSelect+" WHERE r.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	return f, err
}

// HelpRequest is a kind of help a citizen asked for (点菜式): a lawyer, a mediator, a
// psychologist…; met when someone of that kind joins the case's team.
type HelpRequest struct {
	ID        int64      `json:"id"`
	CaseID    int64      `json:"case_id"`
	Kind      string     `json:"kind"` // lawyer, mediator, psychologist, legal_aid, specialist
	Note      string     `json:"note,omitempty"`
	Source    string     `json:"source"` // portal, desk
	CreatedAt time.Time  `json:"created_at"`
	MetAt     *time.Time `json:"met_at,omitempty"`
	MetBy     int64      `json:"met_by,omitempty"` // the team member who answers it
}

// InsertHelpRequest records a request inside tx.
func (tx *Tx) InsertHelpRequest(ctx context.Context, h *HelpRequest) error {
	return tx.queryRow(ctx, `INSERT INTO help_requests (case_id, kind, note, source, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		h.CaseID, h.Kind, h.Note, h.Source, h.CreatedAt).Scan(&h.ID)
}

// MeetHelpRequests marks a case's open requests of kind as met by a team member,
// inside tx, and says how many.
func (tx *Tx) MeetHelpRequests(ctx context.Context, caseID int64, kind string, memberID int64, at time.Time) (int64, error) {
	res, err := tx.exec(ctx, "UPDATE help_requests SET met_at = ?, met_by = ? WHERE case_id = ? AND kind = ? AND met_at IS NULL", at, memberID, caseID, kind)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// CaseHelpRequests lists a case's requests, oldest first.
func (s *Store) CaseHelpRequests(ctx context.Context, caseID int64) ([]HelpRequest, error) {
	rows, err := s.query(ctx, `SELECT id, case_id, kind, note, source, created_at, met_at, COALESCE(met_by, 0) FROM help_requests WHERE case_id = ? ORDER BY id`, caseID)
	return scanAll(rows, err, func(r *sql.Rows) (HelpRequest, error) {
		var h HelpRequest
		var met sql.NullTime
		err := r.Scan(&h.ID, &h.CaseID, &h.Kind, &h.Note, &h.Source, &h.CreatedAt, &met, &h.MetBy)
		if met.Valid {
			t := met.Time
			h.MetAt = &t
		}
		return h, err
	})
}
