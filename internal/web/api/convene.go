package api

import (
	"net/http"

	"github.com/onedoor/onedoor/internal/auth"
	"github.com/onedoor/onedoor/internal/store"
	"github.com/onedoor/onedoor/internal/web/httpx"
)

// inviteDepartments is POST /api/v1/appointments/{id}/invites {"department_ids":[…]}:
// convene departments to an upcoming booking (约访召集).
// inviteDepartmentsIn is the body of POST /api/v1/appointments/{id}/invites.
type inviteDepartmentsIn struct {
	DepartmentIDs []int64 `json:"department_ids"`
}

// appointmentResultIn is the body of POST /api/v1/appointments/{id}/result.
type appointmentResultIn struct {
	Result string `json:"result"`
}

// confirmInviteIn is the body of POST /api/v1/invites/{id}/confirm.
type confirmInviteIn struct {
	Attendee string `json:"attendee"`
}

func (a *API) inviteDepartments(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in inviteDepartmentsIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	ap, err := a.Cases.Invite(r.Context(), p, id, in.DepartmentIDs)
	if err != nil {
		return 0, nil, appointmentError(r, err)
	}
	return http.StatusCreated, list(ap.Invites), nil
}

// recordAppointmentResult is POST /api/v1/appointments/{id}/result {"result"}.
func (a *API) recordAppointmentResult(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in appointmentResultIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	ap, err := a.Cases.RecordResult(r.Context(), p, id, in.Result)
	if err != nil {
		return 0, nil, appointmentError(r, err)
	}
	return http.StatusOK, ap, nil
}

// departmentInvites is GET /api/v1/invites: the receptions the caller's department is
// convened to.
func (a *API) departmentInvites(r *http.Request, p *auth.Principal) (int, any, error) {
	list, err := a.Cases.DepartmentInvites(r.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	if list == nil {
		list = []store.DepartmentInvite{}
	}
	return http.StatusOK, map[string]any{"items": list}, nil
}

// confirmInvite is POST /api/v1/invites/{id}/confirm {"attendee"}.
func (a *API) confirmInvite(r *http.Request, p *auth.Principal) (int, any, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, nil, err
	}
	var in confirmInviteIn
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	v, err := a.Cases.ConfirmInvite(r.Context(), p, id, in.Attendee)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, v, nil
}
