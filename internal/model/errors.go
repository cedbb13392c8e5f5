package model

// FieldError is a validation failure the UI can show next to a form field and an API
// can return as data: Code is stable and machine-readable, Message is for a Chinese
// reader and MessageEN for an English one.
//
// Validators that check one value (an ID number, a phone) leave Field empty because
// they do not know which form field the value came from; callers name it with
// WithField.
type FieldError struct {
	Field     string
	Code      string
	Message   string
	MessageEN string
}

// Error returns the Chinese message: the UI's default language is zh-CN, and logs read
// by the centre's staff should say what the user saw.
func (e *FieldError) Error() string { return e.Message }

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

func fieldError(code, zh, en string) *FieldError {
	return &FieldError{Code: code, Message: zh, MessageEN: en}
}
