package httpx

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/onedoor/onedoor/internal/auth"
)

// LoginRefusal explains a sign-in refused for a lock or for throttling, with when to
// try again, and sets Retry-After.
func LoginRefusal(w http.ResponseWriter, r *http.Request, err error) *Error {
	var locked *auth.LockedError
	if errors.As(err, &locked) {
		mins := int(math.Ceil(time.Until(locked.Until).Minutes()))
		w.Header().Set("Retry-After", strconv.Itoa(max(mins, 1)*60))
		return Errorf(r, http.StatusForbidden, "account_locked", "", locked.Until.In(cst).Format("15:04"), auth.MaxFailures)
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(auth.IPWindow.Seconds())))
	return Errorf(r, http.StatusTooManyRequests, "too_many_attempts", "")
}

var cst = time.FixedZone("CST", 8*3600)
