package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onedoor/onedoor/internal/model"
	"github.com/onedoor/onedoor/internal/store"
)

// maxRetentionBasis bounds the grounds written beside a retention period.
const maxRetentionBasis = 200

// retentionInput reads and checks a retention period's form: years 0 (永久) to
// store.MaxRetentionYears, and its grounds.
func retentionInput(kind, years, basis string) (store.RetentionRule, error) {
	n, err := strconv.Atoi(strings.TrimSpace(years))
	if err != nil {
		return store.RetentionRule{}, model.Invalid("retention_years", "not_a_number", "invalid.not_a_number")
	}
	if n < 0 || n > store.MaxRetentionYears {
		return store.RetentionRule{}, model.Invalid("retention_years", "invalid", "invalid.int_range", 0, store.MaxRetentionYears)
	}
	basis = strings.TrimSpace(basis)
	if basis == "" {
		return store.RetentionRule{}, model.Invalid("retention_basis", "required", "invalid.required")
	}
	if utf8.RuneCountInString(basis) > maxRetentionBasis {
		return store.RetentionRule{}, model.Invalid("retention_basis", "too_long", "invalid.too_long_n", maxRetentionBasis)
	}
	return store.RetentionRule{Kind: kind, Years: n, Basis: basis}, nil
}

// retentionSave sets how long closed cases of a kind are kept before `onedoor purge`
// removes them (POST /admin/retention/{kind}).
func (u *UI) retentionSave(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if !slices.Contains(model.AllKinds, model.CaseKind(kind)) {
		u.renderError(w, r, store.ErrNotFound)
		return
	}
	rule, err := retentionInput(kind, r.PostFormValue("years"), r.PostFormValue("basis"))
	if err == nil {
		e := store.Audited("retention.save", "retention:"+kind,
			fmt.Sprintf("保管期限 %s（%s）", store.RetentionText([]store.RetentionRule{rule}), rule.Basis))
		err = u.Store.SaveRetentionRule(r.Context(), e, rule)
	}
	if err != nil {
		u.renderDeadlines(w, r, 0, err)
		return
	}
	redirect(w, r, "/admin/deadlines", "saved")
}
