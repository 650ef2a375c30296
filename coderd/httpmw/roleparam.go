package httpmw

import (
	"context"
	"net/http"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// CustomRoleParam returns the custom organization role named by {roleName}.
func CustomRoleParam(r *http.Request) database.CustomRole {
	return paramValue[database.CustomRole](r, "ExtractCustomRoleParam")
}

// ExtractCustomRoleParam loads {roleName}, a custom role of the
// {organization} in the path. A built-in role's name is a 400: those are
// not rows and cannot be changed.
func ExtractCustomRoleParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("roleName", "custom role", func(ctx context.Context, r *http.Request, param string) (database.CustomRole, error) {
		name, err := parseName(param)
		if err != nil {
			return database.CustomRole{}, err
		}
		if rbac.IsBuiltinRole(name) {
			return database.CustomRole{}, badParamError{field: "roleName", detail: "is a built-in role, which cannot be changed"}
		}
		org := OrganizationParam(r).ID
		rows, err := db.GetCustomRoles(ctx, database.GetCustomRolesParams{
			OrganizationID: org,
			Lookup:         []string{rbac.RoleIdentifier{Name: name, OrganizationID: org}.String()},
		})
		if err != nil {
			return database.CustomRole{}, err
		}
		if len(rows) == 0 {
			return database.CustomRole{}, database.ErrNoRows
		}
		return rows[0], nil
	})
}
