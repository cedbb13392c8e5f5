package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/onedoor/onedoor/internal/model"
)

const userCols = "u.id, u.username, u.display_name, u.phone, u.email, u.region_id, COALESCE(u.department_id, 0), u.locale, u.active, u.created_at"

func scanUser(r interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	err := r.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Phone, &u.Email, &u.RegionID, &u.DepartmentID, &u.Locale, &u.Active, &u.CreatedAt)
	return u, err
}

// CreateUser inserts a user with their roles and password hash.
func (s *Store) CreateUser(ctx context.Context, e AuditEntry, u *model.User, passwordHash string) error {
	return s.InTx(ctx, e, func(tx *Tx) error { return tx.CreateUser(ctx, u, passwordHash) })
}

// CreateUser is the transactional form of Store.CreateUser.
func (tx *Tx) CreateUser(ctx context.Context, u *model.User, passwordHash string) error {
	u.CreatedAt = now()
	u.Active = true
	if u.Locale == "" {
		u.Locale = model.Locales[0]
	}
	err := tx.queryRow(ctx, `INSERT INTO users (username, display_name, phone, email, password_hash, region_id, department_id, locale, active, created_at, password_changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.DisplayName, u.Phone, u.Email, passwordHash, u.RegionID, nullInt64(u.DepartmentID), u.Locale, true, u.CreatedAt, u.CreatedAt).Scan(&u.ID)
	if isUniqueViolation(err) {
		return fmt.Errorf("username %s: %w", u.Username, ErrConflict)
	}
	if err != nil {
		if isForeignKeyViolation(err) {
			return fmt.Errorf("region or department: %w", ErrNotFound)
		}
		return err
	}
	return tx.setRoles(ctx, u.ID, u.Roles)
}

func (tx *Tx) setRoles(ctx context.Context, userID int64, roles []model.Role) error {
	tx.identity = true // the cached ActiveUsers
	if _, err := tx.exec(ctx, "DELETE FROM user_roles WHERE user_id = ?", userID); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := tx.exec(ctx, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)", userID, string(r)); err != nil {
			return err
		}
	}
	return nil
}

// User returns one user with roles.
func (s *Store) User(ctx context.Context, id int64) (model.User, error) {
	u, err := scanUser(s.queryRow(ctx, "SELECT "+userCols+" FROM users u WHERE u.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, err
	}
	return u, s.fillRoles(ctx, []*model.User{&u})
}

// UserCredentials returns a user by name with their password hash, for sign-in.
func (s *Store) UserCredentials(ctx context.Context, username string) (model.User, string, error) {
	var hash string
	var u model.User
	err := s.queryRow(ctx, "SELECT "+userCols+", u.password_hash FROM users u WHERE u.username = ?", username).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Phone, &u.Email, &u.RegionID, &u.DepartmentID, &u.Locale, &u.Active, &u.CreatedAt, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", ErrNotFound
	}
	if err != nil {
		return u, "", err
	}
	return u, hash, s.fillRoles(ctx, []*model.User{&u})
}

func (s *Store) fillRoles(ctx context.Context, users []*model.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*model.User, len(users))
	ph := make([]string, 0, len(users))
	args := make([]any, 0, len(users))
	for _, u := range users {
		byID[u.ID] = u
		u.Roles = nil
		ph = append(ph, "?")
		args = append(args, u.ID)
	}
	rows, err := s.query(ctx, "SELECT user_id, role FROM user_roles WHERE user_id IN ("+strings.Join(ph, ",")+")", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r model.Role
		if err := rows.Scan(&id, &r); err != nil {
			return err
		}
		byID[id].Roles = append(byID[id].Roles, r)
	}
	for _, u := range users {
		sortRoles(u.Roles)
	}
	return rows.Err()
}

// sortRoles keeps roles in the order of model.AllRoles, so pages list them alike.
func sortRoles(rs []model.Role) {
	rank := func(r model.Role) int {
		for i, k := range model.AllRoles {
			if k == r {
				return i
			}
		}
		return len(model.AllRoles)
	}
	sort.Slice(rs, func(i, j int) bool { return rank(rs[i]) < rank(rs[j]) })
}

// UserFilter narrows a user listing.
type UserFilter struct {
	Within       string // region subtree path
	RegionID     int64  // exactly this region
	Covering     string // users whose region contains this path (the region or an ancestor)
	DepartmentID int64
	Role         model.Role
	ActiveOnly   bool
}

// Users lists users ordered by region and user name.
func (s *Store) Users(ctx context.Context, f UserFilter) ([]model.User, error) {
	q := "SELECT " + userCols + " FROM users u JOIN regions g ON g.id = u.region_id WHERE 1=1"
	var args []any
	if f.Within != "" {
		q += " AND g.path LIKE ?"
		args = append(args, f.Within+"%")
	}
	if f.RegionID != 0 {
		q += " AND u.region_id = ?"
		args = append(args, f.RegionID)
	}
	if f.Covering != "" {
		q += " AND ? LIKE g.path || '%'"
		args = append(args, f.Covering)
	}
	if f.DepartmentID != 0 {
		q += " AND u.department_id = ?"
		args = append(args, f.DepartmentID)
	}
	if f.Role != "" {
		q += " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ?)"
		args = append(args, string(f.Role))
	}
	if f.ActiveOnly {
		q += " AND u.active = ?"
		args = append(args, true)
	}
	q += " ORDER BY g.path, u.username"
	rows, err := s.query(ctx, q, args...)
	users, err := scanAll(rows, err, func(r *sql.Rows) (model.User, error) { return scanUser(r) })
	if err != nil {
		return nil, err
	}
	ptrs := make([]*model.User, len(users))
	for i := range users {
		ptrs[i] = &users[i]
	}
	return users, s.fillRoles(ctx, ptrs)
}

// ActiveUsers is Users of the active accounts only, read through a cache like Region's
// (dictcache.go): whom a notice goes to is looked up for every warning, supervision
// order and overdue case, two round trips a lookup, for accounts that change a few
// times a month. Any change this process makes to a user empties it at once; another
// server's change takes effect within dictCacheFor.
func (s *Store) ActiveUsers(ctx context.Context, f UserFilter) ([]model.User, error) {
	f.ActiveOnly = true
	users, err := s.activeUsers.get(s, f, func() ([]model.User, error) { return s.Users(ctx, f) })
	out := make([]model.User, len(users))
	for i, u := range users {
		u.Roles = slices.Clone(u.Roles)
		out[i] = u
	}
	return out, err
}

// UpdateUser changes a user's profile, placement and roles (not the password).
func (s *Store) UpdateUser(ctx context.Context, e AuditEntry, u *model.User) error {
	defer s.identityChanged()
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET display_name = ?, phone = ?, email = ?, region_id = ?, department_id = ?, locale = ? WHERE id = ?`,
			u.DisplayName, u.Phone, u.Email, u.RegionID, nullInt64(u.DepartmentID), u.Locale, u.ID)
		if err != nil && isForeignKeyViolation(err) {
			return fmt.Errorf("region or department: %w", ErrNotFound)
		}
		if err := affectedOne(res, err, ""); err != nil {
			return err
		}
		return tx.setRoles(ctx, u.ID, u.Roles)
	})
}

// SetUserLocale stores the language a user chose.
func (s *Store) SetUserLocale(ctx context.Context, id int64, locale string) error {
	defer s.identityChanged()
	res, err := s.exec(ctx, NotAudited("a user's choice of language"), "UPDATE users SET locale = ? WHERE id = ?", locale, id)
	return affectedOne(res, err, "")
}

// SetUserPassword replaces a user's password hash and ends all their sessions, so a
// changed password locks out whoever knew the old one.
func (s *Store) SetUserPassword(ctx context.Context, e AuditEntry, id int64, hash string) error {
	defer s.identityChanged()
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?", hash, now(), id)
		if err := affectedOne(res, err, ""); err != nil {
			return err
		}
		_, err = tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id)
		return err
	})
}

// SetUserActive deactivates or reactivates a user; deactivation ends their sessions and
// revokes their API tokens at once.
func (s *Store) SetUserActive(ctx context.Context, e AuditEntry, id int64, active bool) error {
	defer s.identityChanged()
	return s.InTx(ctx, e, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE users SET active = ? WHERE id = ?", active, id)
		if err := affectedOne(res, err, ""); err != nil {
			return err
		}
		if active {
			return nil
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return err
		}
		_, err = tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now(), id)
		return err
	})
}

// CountUsers returns how many users exist (0 means a fresh database).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}
