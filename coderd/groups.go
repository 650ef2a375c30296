package coderd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/rbac"
)

// @Summary Get groups by organization
// @ID get-groups-by-organization
// @Security CoderSessionToken
// @Produce json
// @Tags Groups
// @Param organization path string true "Organization ID or name"
// @Success 200 {array} codersdk.Group
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/groups [get]
func (api *API) organizationGroups(rw http.ResponseWriter, r *http.Request) {
	org := httpmw.OrganizationParam(r)
	rows, err := api.Database.GetGroups(r.Context(), database.GetGroupsParams{OrganizationID: org.ID})
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	api.writeGroups(rw, r, rows)
}

// @Summary Create group for organization
// @ID create-group-for-organization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Groups
// @Param organization path string true "Organization ID or name"
// @Param request body codersdk.CreateGroupRequest true "Create group request"
// @Success 201 {object} codersdk.Group
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /organizations/{organization}/groups [post]
func (api *API) postGroupByOrganization(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	var req codersdk.CreateGroupRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	var v httpapi.Validations
	v.Check("name", groupNameProblem(req.Name))
	v.Check("display_name", httpapi.DisplayNameValid(req.DisplayName))
	v.Check("quota_allowance", quotaProblem(req.QuotaAllowance))
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid group.", Validations: v})
		return
	}
	audit.SetResource(ctx, audit.Resource{Target: req.Name})
	group, err := api.Database.InsertGroup(ctx, database.InsertGroupParams{
		ID: uuid.New(), OrganizationID: org.ID, Name: req.Name, DisplayName: req.DisplayName,
		AvatarUrl: req.AvatarURL, QuotaAllowance: int32(req.QuotaAllowance), Source: string(codersdk.GroupSourceUser),
	})
	switch {
	case database.IsUniqueViolation(err):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     fmt.Sprintf("A group named %q already exists in this organization.", req.Name),
			Validations: []codersdk.ValidationError{{Field: "name", Detail: "is taken"}},
		})
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: "You are not allowed to create groups in this organization.",
		})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Created(ctx, group)
	api.writeGroup(rw, r, http.StatusCreated, group)
}

// @Summary Get group by organization and group name
// @ID get-group-by-organization-and-group-name
// @Security CoderSessionToken
// @Produce json
// @Tags Groups
// @Param organization path string true "Organization ID or name"
// @Param groupName path string true "Group name (matched case-insensitively)"
// @Success 200 {object} codersdk.Group
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/groups/{groupName} [get]
func (api *API) groupByOrganization(rw http.ResponseWriter, r *http.Request) {
	api.writeGroup(rw, r, http.StatusOK, httpmw.GroupParam(r))
}

// @Summary Get groups
// @ID get-groups
// @Security CoderSessionToken
// @Produce json
// @Tags Groups
// @Param organization query string false "Only groups of this organization (ID or name)"
// @Param has_member query string false "Only groups this user belongs to (user ID, username, or me)"
// @Success 200 {array} codersdk.Group
// @Failure 400 {object} codersdk.Response
// @Router /groups [get]
func (api *API) groups(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	query := r.URL.Query()
	var (
		params database.GetGroupsParams
		v      httpapi.Validations
	)
	if s := query.Get("organization"); s != "" {
		org, err := lookupOrganization(ctx, api.Database, s)
		switch {
		case httpapi.IsUnauthorizedOrNotFound(err):
			v.Check("organization", fmt.Sprintf("no organization %q", s))
		case err != nil:
			httpapi.WriteError(ctx, rw, err)
			return
		default:
			params.OrganizationID = org.ID
		}
	}
	if s := query.Get("has_member"); s != "" {
		user, err := lookupUserParam(ctx, api.Database, s, auth.Key.UserID)
		switch {
		case httpapi.IsUnauthorizedOrNotFound(err):
			v.Check("has_member", fmt.Sprintf("no user %q", s))
		case err != nil:
			httpapi.WriteError(ctx, rw, err)
			return
		default:
			params.HasMemberID = user.ID
		}
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid groups query.", Validations: v})
		return
	}
	rows, err := api.Database.GetGroups(ctx, params)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if params.HasMemberID != uuid.Nil && params.HasMemberID != auth.Key.UserID {
		// Which groups someone else is in is group membership: keep only
		// the organizations where the caller may read group members.
		f := auth.Actor.Filter(rbac.ActionRead, rbac.ResourceGroupMember.Type)
		kept := rows[:0]
		for _, g := range rows {
			if f.Allows(g.OrganizationID, uuid.Nil) {
				kept = append(kept, g)
			}
		}
		rows = kept
	}
	api.writeGroups(rw, r, rows)
}

// @Summary Get group by ID
// @ID get-group-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Groups
// @Param group path string true "Group ID" format(uuid)
// @Success 200 {object} codersdk.Group
// @Failure 404 {object} codersdk.Response
// @Router /groups/{group} [get]
func (api *API) group(rw http.ResponseWriter, r *http.Request) {
	api.writeGroup(rw, r, http.StatusOK, httpmw.GroupParam(r))
}

// errPatchGroup carries a 400 found inside the patch transaction.
type errPatchGroup struct{ v httpapi.Validations }

func (e errPatchGroup) Error() string { return "invalid group patch" }

// @Summary Update group by ID
// @ID update-group-by-name
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Groups
// @Param group path string true "Group ID" format(uuid)
// @Param request body codersdk.PatchGroupRequest true "Patch group request"
// @Success 200 {object} codersdk.Group
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /groups/{group} [patch]
func (api *API) patchGroup(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	group := httpmw.GroupParam(r)
	var req codersdk.PatchGroupRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	addIDs, removeIDs, v := groupPatchProblems(group, req)
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid group update.", Validations: v})
		return
	}
	err := api.Database.InTx(ctx, func(tx database.Store) error {
		var err error
		group, err = patchGroupInTx(ctx, tx, group.ID, req, addIDs, removeIDs)
		return err
	}, nil)
	var patchErr errPatchGroup
	switch {
	case errors.As(err, &patchErr):
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Only members of the group's organization can be added.", Validations: patchErr.v,
		})
		return
	case database.IsUniqueViolation(err):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     fmt.Sprintf("A group named %q already exists in this organization.", req.Name),
			Validations: []codersdk.ValidationError{{Field: "name", Detail: "is taken"}},
		})
		return
	case errors.Is(err, database.ErrNoRows):
		httpapi.ResourceNotFound(rw) // deleted meanwhile
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this group."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Updated(ctx, httpmw.GroupParam(r), group)
	if len(addIDs) > 0 {
		audit.SetField(ctx, "added_users", addIDs)
	}
	if len(removeIDs) > 0 {
		audit.SetField(ctx, "removed_users", removeIDs)
	}
	api.writeGroup(rw, r, http.StatusOK, group)
}

// groupPatchProblems reads the members a patch adds and removes, and the
// problems of its fields.
func groupPatchProblems(group database.Group, req codersdk.PatchGroupRequest) (addIDs, removeIDs []uuid.UUID, v httpapi.Validations) {
	everyone := isEveryoneGroup(group)
	if req.Name != "" && req.Name != group.Name {
		if everyone {
			v.Check("name", fmt.Sprintf("the %q group cannot be renamed", codersdk.EveryoneGroup))
		} else {
			v.Check("name", groupNameProblem(req.Name))
		}
	}
	if req.DisplayName != nil {
		v.Check("display_name", httpapi.DisplayNameValid(*req.DisplayName))
	}
	if req.QuotaAllowance != nil {
		v.Check("quota_allowance", quotaProblem(*req.QuotaAllowance))
	}
	addIDs = parseUserIDs(&v, "add_users", req.AddUsers)
	removeIDs = parseUserIDs(&v, "remove_users", req.RemoveUsers)
	if everyone && len(req.AddUsers) > 0 {
		v.Check("add_users", fmt.Sprintf("the %q group's members are the organization's members: add the user to the organization instead", codersdk.EveryoneGroup))
	}
	if everyone && len(req.RemoveUsers) > 0 {
		v.Check("remove_users", fmt.Sprintf("the %q group's members are the organization's members: remove the user from the organization instead", codersdk.EveryoneGroup))
	}
	return addIDs, removeIDs, v
}

// patchGroupInTx applies a patch to the group in tx: its fields, then its
// members, who must be active members of the group's organization.
func patchGroupInTx(ctx context.Context, tx database.Store, groupID uuid.UUID, req codersdk.PatchGroupRequest, addIDs, removeIDs []uuid.UUID) (database.Group, error) {
	current, err := tx.GetGroupByID(ctx, groupID)
	if err != nil {
		return database.Group{}, err
	}
	p := database.UpdateGroupByIDParams{
		ID: current.ID, Name: current.Name, DisplayName: current.DisplayName,
		AvatarUrl: current.AvatarUrl, QuotaAllowance: current.QuotaAllowance,
	}
	if req.Name != "" {
		p.Name = req.Name
	}
	if req.DisplayName != nil {
		p.DisplayName = *req.DisplayName
	}
	if req.AvatarURL != nil {
		p.AvatarUrl = *req.AvatarURL
	}
	if req.QuotaAllowance != nil {
		p.QuotaAllowance = int32(*req.QuotaAllowance)
	}
	// Always written, also when only members change: it is the update
	// check on the group before anything else is touched.
	group, err := tx.UpdateGroupByID(ctx, p)
	if err != nil {
		return database.Group{}, err
	}
	var notMembers httpapi.Validations
	for i, id := range addIDs {
		ok, err := isActiveOrgMember(ctx, tx, current.OrganizationID, id)
		if err != nil {
			return database.Group{}, err
		}
		if !ok {
			notMembers.Check(fmt.Sprintf("add_users[%d]", i), fmt.Sprintf("user %s is not a member of the group's organization", id))
		}
	}
	if len(notMembers) > 0 {
		return database.Group{}, errPatchGroup{v: notMembers}
	}
	for _, id := range addIDs {
		if err := tx.InsertGroupMember(ctx, database.InsertGroupMemberParams{GroupID: current.ID, UserID: id}); err != nil {
			return database.Group{}, err
		}
	}
	for _, id := range removeIDs {
		if err := tx.DeleteGroupMember(ctx, database.DeleteGroupMemberParams{GroupID: current.ID, UserID: id}); err != nil {
			return database.Group{}, err
		}
	}
	return group, nil
}

// @Summary Delete group by ID
// @ID delete-group-by-name
// @Security CoderSessionToken
// @Produce json
// @Tags Groups
// @Param group path string true "Group ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /groups/{group} [delete]
func (api *API) deleteGroup(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	group := httpmw.GroupParam(r)
	if isEveryoneGroup(group) {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: fmt.Sprintf("The %q group cannot be deleted.", codersdk.EveryoneGroup),
		})
		return
	}
	err := api.Database.DeleteGroupByID(ctx, group.ID)
	switch {
	case errors.Is(err, database.ErrNoRows):
		httpapi.ResourceNotFound(rw)
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to delete this group."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Deleted(ctx, group)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "Successfully deleted group!"})
}

// isEveryoneGroup: every organization's "Everyone" group has the
// organization's ID, and its members are the organization's members.
func isEveryoneGroup(g database.Group) bool {
	return g.ID == g.OrganizationID
}

// groupNameRegex: group names are path segments, so the username alphabet.
var groupNameRegex = regexp.MustCompile(`^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$`)

// maxGroupNameLength is 36 so that a UUID can be a group name, as upstream.
const maxGroupNameLength = 36

// groupNameProblem explains why name cannot name a new group, or returns "".
func groupNameProblem(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > maxGroupNameLength:
		return fmt.Sprintf("must be at most %d characters", maxGroupNameLength)
	case !groupNameRegex.MatchString(name):
		return "must be alphanumeric with single hyphens between characters (e.g. \"site-reliability\")"
	case strings.EqualFold(name, codersdk.EveryoneGroup):
		return fmt.Sprintf("%q is reserved for the group of all organization members", codersdk.EveryoneGroup)
	case name == "new" || name == "create":
		return fmt.Sprintf("%q is reserved", name)
	}
	return ""
}

func quotaProblem(q int) string {
	if q < 0 || q > math.MaxInt32 {
		return fmt.Sprintf("must be between 0 and %d", math.MaxInt32)
	}
	return ""
}

// parseUserIDs parses add_users or remove_users, adding a validation per
// entry that is not a user ID.
func parseUserIDs(v *httpapi.Validations, field string, in []string) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(in))
	for i, s := range in {
		id, err := uuid.Parse(s)
		if err != nil {
			v.Check(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("%q is not a user ID", s))
			continue
		}
		out = append(out, id)
	}
	return out
}

// isActiveOrgMember reports whether a user that has not been deleted is a
// member of the organization. A membership the actor may not read counts
// as none.
func isActiveOrgMember(ctx context.Context, db database.Store, orgID, userID uuid.UUID) (bool, error) {
	_, err := db.GetOrganizationMember(ctx, database.GetOrganizationMemberParams{OrganizationID: orgID, UserID: userID})
	if httpapi.IsUnauthorizedOrNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	user, err := db.GetUserByID(ctx, userID)
	if httpapi.IsUnauthorizedOrNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !user.Deleted, nil
}

// lookupOrganization finds an organization by ID or name.
func lookupOrganization(ctx context.Context, db database.Store, s string) (database.Organization, error) {
	if id, err := uuid.Parse(s); err == nil {
		return db.GetOrganizationByID(ctx, id)
	}
	return db.GetOrganizationByName(ctx, s)
}

// lookupUserParam finds a user that has not been deleted by ID, username or
// "me".
func lookupUserParam(ctx context.Context, db database.Store, s string, me uuid.UUID) (database.User, error) {
	var (
		user database.User
		err  error
	)
	switch id, perr := uuid.Parse(s); {
	case s == codersdk.Me:
		user, err = db.GetUserByID(ctx, me)
	case perr == nil:
		user, err = db.GetUserByID(ctx, id)
	default:
		user, err = db.GetUserByEmailOrUsername(ctx, database.GetUserByEmailOrUsernameParams{Username: s})
	}
	if err == nil && user.Deleted {
		return database.User{}, database.ErrNoRows
	}
	return user, err
}

// groupLoader loads what a group's conversion needs (its organization,
// fetched once per organization, and its members), then converts it.
type groupLoader struct {
	ctx  context.Context
	db   database.Store
	orgs map[uuid.UUID]database.Organization
}

func (l *groupLoader) load(g database.Group) (codersdk.Group, error) {
	org, ok := l.orgs[g.OrganizationID]
	if !ok {
		var err error
		org, err = l.db.GetOrganizationByID(l.ctx, g.OrganizationID)
		if err != nil && !dbauthz.IsNotAuthorizedError(err) {
			return codersdk.Group{}, err
		}
		l.orgs[g.OrganizationID] = org
	}
	members, err := l.db.GetGroupMembers(l.ctx, g.ID)
	total := int64(len(members))
	if dbauthz.IsNotAuthorizedError(err) {
		// The caller may see the group but not who is in it: it still
		// learns how many are.
		members = nil
		total, err = l.db.GetGroupMemberCount(l.ctx, g.ID)
	}
	if err != nil {
		return codersdk.Group{}, err
	}
	return convert.Group(g, org, members, total), nil
}

func (api *API) newGroupLoader(ctx context.Context) *groupLoader {
	return &groupLoader{ctx: ctx, db: api.Database, orgs: map[uuid.UUID]database.Organization{}}
}

func (api *API) writeGroup(rw http.ResponseWriter, r *http.Request, status int, g database.Group) {
	out, err := api.newGroupLoader(r.Context()).load(g)
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	httpapi.Write(r.Context(), rw, status, out)
}

func (api *API) writeGroups(rw http.ResponseWriter, r *http.Request, rows []database.Group) {
	c := api.newGroupLoader(r.Context())
	out := make([]codersdk.Group, 0, len(rows))
	for _, g := range rows {
		converted, err := c.load(g)
		if err != nil {
			httpapi.WriteError(r.Context(), rw, err)
			return
		}
		out = append(out, converted)
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, out)
}
