package httpx

import (
	"net/http"
	"strconv"

	"github.com/onedoor/onedoor/internal/store"
)

// PathID reads the path value name ({id}, {aid}, ...) as the id of a stored object.
// A value that is not a positive whole number names nothing there is: the answer is
// store.ErrNotFound, a 404 like any other missing object, for pages and API alike.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}
