package model

import "github.com/onedoor/onedoor/internal/i18n"

// FieldError is a validation failure the UI can show next to a form field and an API
// can return as data: Code is stable and machine-readable; the message is a
// catalogue key with its arguments (internal/i18n/catalog/*.messages.json), said in
// the reader's language only where it is shown (Message), so a validator need not
// know who reads it.
//
// Validators that check one value (an ID number, a phone) leave Field empty because
// they do not know which form field the value came from; callers name it with
// WithField.
type FieldError struct {
	Field string
	Code  string
	Key   string // the message's catalogue key, "invalid.<...>"
	Args  []any  // its arguments; an i18n.Localizer among them is said in the same language
}

// Invalid returns the field error for field breaking the rule code, its message the
// catalogue key key with args. Every key must be in every catalogue: a test reads
// the calls of Invalid in the sources and checks.
func Invalid(field, code, key string, args ...any) *FieldError {
	return &FieldError{Field: field, Code: code, Key: key, Args: args}
}

// Message says the error in loc, without the field's name (a form shows it next to
// the field; httpx names the field for the API).
func (e *FieldError) Message(loc string) string { return i18n.T(loc, e.Key, e.Args...) }

// Localize is Message, so that a field error may be part of another message.
func (e *FieldError) Localize(loc string) string { return e.Message(loc) }

// Error returns the Chinese message: the UI's default language is zh-CN, and logs read
// by the centre's staff should say what the user saw.
func (e *FieldError) Error() string { return e.Message(i18n.Default) }

// WithField returns a copy of e that names field, leaving e itself untouched so that a
// shared error value can be reused safely.
func (e *FieldError) WithField(field string) *FieldError {
	c := *e
	c.Field = field
	return &c
}

// Is makes errors.Is match two field errors by their code, so callers can test for a
// kind of failure without caring which field or message it carries.
func (e *FieldError) Is(target error) bool {
	t, ok := target.(*FieldError)
	return ok && t.Code == e.Code
}
