package model

// Role is what a user may do in their region; a user holds one or more.
type Role string

const (
	RoleAdmin    Role = "admin"
	RoleLeader   Role = "leader"
	RoleClerk    Role = "clerk"
	RoleHandler  Role = "handler"
	RoleMediator Role = "mediator"
	RoleGrid     Role = "grid"
	RoleViewer   Role = "viewer"
)

// AllRoles lists the roles in the order the UI shows them.
var AllRoles = []Role{RoleAdmin, RoleLeader, RoleClerk, RoleHandler, RoleMediator, RoleGrid, RoleViewer}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	for _, k := range AllRoles {
		if k == r {
			return true
		}
	}
	return false
}
