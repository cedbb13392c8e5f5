package model

import (
	"fmt"
	"net/url"
	"strconv"
)

// QueryInt reads an optional whole-number query parameter that must lie in
// [min, max]; it returns 0 when the parameter is absent, and a field error naming the
// parameter and its range when it is malformed or out of range.
func QueryInt(q url.Values, name string, min, max int64) (int64, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		return 0, &FieldError{Field: name, Code: "invalid",
			Message:   fmt.Sprintf("须为 %d–%d 之间的整数", min, max),
			MessageEN: fmt.Sprintf("must be a whole number from %d to %d", min, max)}
	}
	return n, nil
}
