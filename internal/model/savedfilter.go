package model

import (
	"strings"
	"time"
	"unicode/utf8"
)

// SavedFilter is a case list a user keeps under a name (保存的筛选): the list's query
// string, its paging dropped. Only its owner sees it.
type SavedFilter struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"-"`
	Name      string    `json:"name"`
	Query     string    `json:"query"` // e.g. queue=all&kind=dispute&q=宅基地
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MaxSavedFilterName bounds a saved filter's name, in characters: it is a link's text
// in a narrow column.
const MaxSavedFilterName = 40

// MaxSavedFilters is how many filters one user keeps: the list shows them all.
const MaxSavedFilters = 50

// CleanSavedFilterName trims name and checks it: required, at most
// MaxSavedFilterName characters, one line.
func CleanSavedFilterName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", Invalid("name", "required", "invalid.saved_filter.name_required")
	case utf8.RuneCountInString(name) > MaxSavedFilterName:
		return "", Invalid("name", "too_long", "invalid.saved_filter.name_too_long", MaxSavedFilterName)
	case strings.ContainsAny(name, "\r\n\t") || !utf8.ValidString(name):
		return "", Invalid("name", "invalid", "invalid.saved_filter.name_invalid")
	}
	return name, nil
}
