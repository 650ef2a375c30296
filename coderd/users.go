package coderd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/gitsshkey"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/searchquery"
	"github.com/devplane/devplane/coderd/userpassword"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// defaultOrganizationName names the organization the first user creates.
const defaultOrganizationName = "coder"

// @Summary Check initial user created
// @ID check-initial-user-created
// @Produce json
// @Tags Users
// @Success 200 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /users/first [get]
func (api *API) firstUser(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	count, err := api.Database.GetUserCount(dbauthz.AsFirstUser(ctx))
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if count == 0 {
		httpapi.Write(ctx, rw, http.StatusNotFound, codersdk.Response{Message: "The initial user has not been created!"})
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "The initial user has already been created!"})
}

// @Summary Create initial user
// @ID create-initial-user
// @Accept json
// @Produce json
// @Tags Users
// @Param request body codersdk.CreateFirstUserRequest true "First user request"
// @Success 201 {object} codersdk.CreateFirstUserResponse
// @Failure 400 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Failure 503 {object} codersdk.Response
// @Router /users/first [post]
func (api *API) postFirstUser(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req codersdk.CreateFirstUserRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	var v httpapi.Validations
	v.Check("email", httpapi.EmailValid(req.Email))
	v.Check("username", httpapi.NameValid(req.Username))
	v.Check("name", httpapi.DisplayNameValid(req.Name))
	v.Check("password", passwordProblem(req.Password))
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid first user.", Validations: v})
		return
	}
	hashed, err := api.PasswordHasher.Hash(ctx, req.Password)
	if err != nil {
		writeHashError(rw, r, err)
		return
	}

	sysCtx := dbauthz.AsFirstUser(ctx)
	var resp codersdk.CreateFirstUserResponse
	errAlreadyCreated := errors.New("already created")
	// Serializable: two racing requests cannot both see zero users.
	err = api.Database.InTx(sysCtx, func(tx database.Store) error {
		count, err := tx.GetUserCount(sysCtx)
		if err != nil {
			return err
		}
		if count > 0 {
			return errAlreadyCreated
		}
		// The server creates the default organization when it starts.
		org, err := tx.GetDefaultOrganization(sysCtx)
		if err != nil {
			return xerrors.Errorf("get default organization: %w", err)
		}
		user, err := insertUser(sysCtx, tx, insertUserParams{
			Email: req.Email, Username: req.Username, Name: req.Name, HashedPassword: hashed,
			LoginType: database.LoginTypePassword, Status: database.UserStatusActive,
			SiteRoles: []string{rbac.RoleOwner().Name}, OrganizationIDs: []uuid.UUID{org.ID},
		})
		if err != nil {
			return err
		}
		// Nobody is logged in yet: the new owner is the actor.
		audit.SetUser(ctx, user.ID)
		audit.Created(ctx, user)
		resp = codersdk.CreateFirstUserResponse{UserID: user.ID, OrganizationID: org.ID}
		return nil
	}, &database.TxOptions{Isolation: "serializable"})
	if errors.Is(err, errAlreadyCreated) {
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{Message: "The initial user has already been created."})
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusCreated, resp)
}

// everyoneGroup is the group every organization has: its id is the
// organization's id, so group ACLs can name "everyone in the organization",
// and its members are the organization's members.
func everyoneGroup(orgID uuid.UUID) database.InsertGroupParams {
	return database.InsertGroupParams{ID: orgID, OrganizationID: orgID, Name: codersdk.EveryoneGroup, Source: "user"}
}

type insertUserParams struct {
	Email, Username, Name, HashedPassword string
	LoginType                             database.LoginType
	Status                                database.UserStatus
	SiteRoles                             []string
	OrganizationIDs                       []uuid.UUID
}

// insertUser creates a user with its memberships and git SSH key. Run it in
// a transaction: a user without its key or memberships must not exist.
func insertUser(ctx context.Context, tx database.Store, p insertUserParams) (database.User, error) {
	now := dbtime.Now()
	if p.SiteRoles == nil {
		p.SiteRoles = []string{}
	}
	user, err := tx.InsertUser(ctx, database.InsertUserParams{
		ID: uuid.New(), Email: p.Email, Username: p.Username, Name: p.Name, HashedPassword: p.HashedPassword,
		CreatedAt: now, UpdatedAt: now, RbacRoles: p.SiteRoles, LoginType: p.LoginType, Status: p.Status,
	})
	if err != nil {
		return database.User{}, err
	}
	for _, orgID := range p.OrganizationIDs {
		if _, err := tx.InsertOrganizationMember(ctx, database.InsertOrganizationMemberParams{
			OrganizationID: orgID, UserID: user.ID, CreatedAt: now, UpdatedAt: now, Roles: []string{},
		}); err != nil {
			return database.User{}, xerrors.Errorf("add to organization %s: %w", orgID, err)
		}
	}
	private, public, err := gitsshkey.Generate()
	if err != nil {
		return database.User{}, err
	}
	if _, err := tx.InsertGitSSHKey(ctx, database.InsertGitSSHKeyParams{
		UserID: user.ID, CreatedAt: now, UpdatedAt: now, PrivateKey: private, PublicKey: public,
	}); err != nil {
		return database.User{}, xerrors.Errorf("insert git ssh key: %w", err)
	}
	return user, nil
}

// passwordProblem explains why a new password is refused, or returns "".
func passwordProblem(password string) string {
	if err := userpassword.Validate(password); err != nil {
		return err.Error()
	}
	return ""
}

// @Summary Create new user
// @ID create-new-user
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Users
// @Param request body codersdk.CreateUserRequestWithOrgs true "Create user request"
// @Success 201 {object} codersdk.User
// @Failure 400 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Failure 503 {object} codersdk.Response
// @Router /users [post]
func (api *API) postUser(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req codersdk.CreateUserRequestWithOrgs
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	if req.UserLoginType == "" {
		req.UserLoginType = codersdk.LoginTypePassword
	}
	status := database.UserStatusDormant
	if req.UserStatus != nil {
		status = database.UserStatus(*req.UserStatus)
	}

	if v := newUserProblems(req, status); len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid user.", Validations: v})
		return
	}
	orgIDs, err := api.newUserOrganizations(ctx, req.OrganizationIDs)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	hashed := ""
	if req.UserLoginType == codersdk.LoginTypePassword {
		if hashed, err = api.PasswordHasher.Hash(ctx, req.Password); err != nil {
			writeHashError(rw, r, err)
			return
		}
	}

	audit.SetResource(ctx, audit.Resource{Target: req.Username})
	var user database.User
	err = api.Database.InTx(ctx, func(tx database.Store) error {
		var err error
		user, err = insertUser(ctx, tx, insertUserParams{
			Email: req.Email, Username: req.Username, Name: req.Name, HashedPassword: hashed,
			LoginType: database.LoginType(req.UserLoginType), Status: status, OrganizationIDs: orgIDs,
		})
		return err
	}, nil)
	switch {
	case database.IsUniqueViolation(err, "users_email_lower_idx"):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     "A user with that email already exists.",
			Validations: []codersdk.ValidationError{{Field: "email", Detail: "is taken"}},
		})
		return
	case database.IsUniqueViolation(err, "users_username_lower_idx"):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     "A user with that username already exists.",
			Validations: []codersdk.ValidationError{{Field: "username", Detail: "is taken"}},
		})
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Forbidden(rw)
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Created(ctx, user)
	httpapi.Write(ctx, rw, http.StatusCreated, convert.User(user, orgIDs))
}

// newUserProblems are the field problems of a user to create.
func newUserProblems(req codersdk.CreateUserRequestWithOrgs, status database.UserStatus) httpapi.Validations {
	var v httpapi.Validations
	v.Check("email", httpapi.EmailValid(req.Email))
	v.Check("username", httpapi.NameValid(req.Username))
	v.Check("name", httpapi.DisplayNameValid(req.Name))
	switch req.UserLoginType {
	case codersdk.LoginTypePassword:
		v.Check("password", passwordProblem(req.Password))
	case codersdk.LoginTypeNone, codersdk.LoginTypeOIDC, codersdk.LoginTypeGithub:
		// OIDC and GitHub users are linked at their first sign-in by
		// their verified email.
		if req.Password != "" {
			v.Check("password", fmt.Sprintf("must be empty for login_type %q", req.UserLoginType))
		}
	default:
		v.Check("login_type", fmt.Sprintf("%q is not supported: use \"password\", \"oidc\", \"github\" or \"none\"", req.UserLoginType))
	}
	if !status.Valid() || status == database.UserStatusSuspended && req.UserStatus == nil {
		v.Check("user_status", "must be \"active\", \"dormant\" or \"suspended\"")
	}
	if req.ServiceAccount {
		v.Check("service_account", "service accounts are not supported")
	}
	if len(req.Roles) > 0 {
		v.Check("roles", "assign roles with PUT /users/{user}/roles after creating the user")
	}
	return v

}

// newUserOrganizations are the organizations a new user joins: those given,
// which must exist, or the default one.
func (api *API) newUserOrganizations(ctx context.Context, orgIDs []uuid.UUID) ([]uuid.UUID, error) {
	if len(orgIDs) == 0 {
		org, err := api.Database.GetDefaultOrganization(ctx)
		if dbauthz.IsNotAuthorizedError(err) {
			// An actor that cannot even see the organization (a key
			// scoped to application_connect) cannot create users in it.
			return nil, domain.Forbidden("Forbidden.", "")
		}
		if err != nil {
			return nil, xerrors.Errorf("get default organization: %w", err)
		}
		return []uuid.UUID{org.ID}, nil
	}
	for _, id := range orgIDs {
		_, err := api.Database.GetOrganizationByID(ctx, id)
		if httpapi.IsUnauthorizedOrNotFound(err) {
			return nil, domain.Invalid("Invalid user.",
				domain.FieldError{Field: "organization_ids", Detail: fmt.Sprintf("organization %s does not exist", id)})
		}
		if err != nil {
			return nil, xerrors.Errorf("get organization %s: %w", id, err)
		}
	}
	return orgIDs, nil
}

// @Summary Get users
// @ID get-users
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param q query string false "Search query: free text on username and email, and status:, role:, login_type:, created_before:, created_after:, last_seen_before:, last_seen_after:"
// @Param after_id query string false "After ID" format(uuid)
// @Param limit query int false "Page limit"
// @Param offset query int false "Page offset"
// @Success 200 {object} codersdk.GetUsersResponse
// @Failure 400 {object} codersdk.Response
// @Router /users [get]
func (api *API) users(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	filter, errs := searchquery.Users(r.URL.Query().Get("q"), dbtime.Now())
	page, pageErrs := httpapi.ParsePagination(r)
	for _, e := range errs {
		pageErrs = append(pageErrs, codersdk.ValidationError{Field: e.Field, Detail: e.Detail})
	}
	if len(pageErrs) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid users query.", Validations: pageErrs})
		return
	}
	rows, err := api.Database.GetUsers(ctx, database.GetUsersParams{
		Search: filter.Search, Status: filter.Status, RbacRole: filter.RBACRole, LoginType: filter.LoginType,
		CreatedBefore: filter.CreatedBefore, CreatedAfter: filter.CreatedAfter,
		LastSeenBefore: filter.LastSeenBefore, LastSeenAfter: filter.LastSeenAfter,
		AfterID: page.AfterID, OffsetOpt: page.Offset, LimitOpt: page.Limit,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	users := make([]database.User, 0, len(rows))
	count := 0
	for _, row := range rows {
		users = append(users, row.User)
		count = int(row.Count)
	}
	converted, err := loadUsers(ctx, api.Database, users)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.GetUsersResponse{Users: converted, Count: count})
}

// @Summary Get user by name
// @ID get-user-by-name
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.User
// @Router /users/{user} [get]
func (api *API) userByName(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	users, err := loadUsers(ctx, api.Database, []database.User{httpmw.UserParam(r)})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, users[0])
}

// writeUser answers with the user as it is now.
func (api *API) writeUser(rw http.ResponseWriter, r *http.Request, user database.User) {
	audit.Updated(r.Context(), httpmw.UserParam(r), user)
	users, err := loadUsers(r.Context(), api.Database, []database.User{user})
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, users[0])
}

// @Summary Delete user
// @ID delete-user
// @Security CoderSessionToken
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200
// @Failure 403 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response "The user still owns workspaces"
// @Router /users/{user} [delete]
func (api *API) deleteUser(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	auth := httpmw.APIKeyAuthorization(r)
	if user.ID == auth.Key.UserID {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You cannot delete yourself."})
		return
	}
	if role, ok := outranks(user, auth.Subject); ok {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: fmt.Sprintf("You cannot delete a user with the %q role: you could not assign it.", role),
		})
		return
	}
	var workspaces int64
	err := api.Database.InTx(ctx, func(tx database.Store) error {
		// A deleted owner would leave its workspaces running with no owner
		// anyone can find or manage, so they must go first.
		var err error
		if workspaces, err = tx.GetWorkspaceCountByOwnerID(ctx, user.ID); err != nil || workspaces > 0 {
			return err
		}
		if err := tx.UpdateUserDeletedByID(ctx, database.UpdateUserDeletedByIDParams{ID: user.ID, UpdatedAt: dbtime.Now()}); err != nil {
			return err
		}
		// Sessions and tokens of a deleted user die with it.
		return tx.DeleteAPIKeysByUserID(ctx, user.ID)
	}, nil)
	if err == nil && workspaces > 0 {
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message: fmt.Sprintf("You cannot delete a user that has workspaces: %s still owns %d. Delete their workspaces and try again.",
				user.Username, workspaces),
		})
		return
	}
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Deleted(ctx, user)
	rw.WriteHeader(http.StatusOK)
}

// @Summary Update user profile
// @ID update-user-profile
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param request body codersdk.UpdateUserProfileRequest true "Updated profile"
// @Success 200 {object} codersdk.User
// @Failure 400 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /users/{user}/profile [put]
func (api *API) putUserProfile(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	var req codersdk.UpdateUserProfileRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	var v httpapi.Validations
	v.Check("username", httpapi.NameValid(req.Username))
	v.Check("name", httpapi.DisplayNameValid(req.Name))
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid profile.", Validations: v})
		return
	}
	avatar := user.AvatarUrl
	if req.AvatarURL != "" {
		avatar = req.AvatarURL
	}
	updated, err := api.Database.UpdateUserProfile(ctx, database.UpdateUserProfileParams{
		ID: user.ID, Username: req.Username, Name: req.Name, AvatarUrl: avatar, UpdatedAt: dbtime.Now(),
	})
	switch {
	case database.IsUniqueViolation(err, "users_username_lower_idx"):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     "A user with that username already exists.",
			Validations: []codersdk.ValidationError{{Field: "username", Detail: "is taken"}},
		})
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Forbidden(rw)
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	api.writeUser(rw, r, updated)
}

// @Summary Update user password
// @ID update-user-password
// @Security CoderSessionToken
// @Accept json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param request body codersdk.UpdateUserPasswordRequest true "Update password request"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 503 {object} codersdk.Response
// @Router /users/{user}/password [put]
func (api *API) putUserPassword(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.UpdateUserPasswordRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	if user.LoginType != database.LoginTypePassword {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: fmt.Sprintf("This user logs in with %q, not with a password.", user.LoginType),
		})
		return
	}
	self := user.ID == auth.Key.UserID
	if role, ok := outranks(user, auth.Subject); ok && !self {
		// Setting someone's password is taking over their account, so it
		// must not hand the actor roles it could not assign.
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: fmt.Sprintf("You cannot change the password of a user with the %q role: you could not assign it.", role),
		})
		return
	}
	var v httpapi.Validations
	if self {
		// Someone holding a stolen session must not be able to lock the
		// owner out, so changing one's own password needs the old one.
		ok, err := api.PasswordHasher.Compare(ctx, user.HashedPassword, req.OldPassword)
		if err != nil {
			writeHashError(rw, r, err)
			return
		}
		if req.OldPassword == "" {
			v.Check("old_password", "is required to change your own password")
		} else if !ok {
			v.Check("old_password", "is incorrect")
		}
	}
	v.Check("password", passwordProblem(req.Password))
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid password change.", Validations: v})
		return
	}
	// An administrator's reset ends every session and token of the user, as
	// upstream does; changing one's own keeps the session making the change.
	keepKey := ""
	if self {
		keepKey = auth.Key.ID
	}
	hashed, err := api.PasswordHasher.Hash(ctx, req.Password)
	if err != nil {
		writeHashError(rw, r, err)
		return
	}
	err = api.Database.InTx(ctx, func(tx database.Store) error {
		return setPasswordInTx(ctx, tx, user.ID, hashed, keepKey)
	}, nil)
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	// That the password changed, never what to.
	audit.SecretChanged(ctx, "hashed_password")
	rw.WriteHeader(http.StatusNoContent)
}

// setPasswordInTx stores a new password hash and ends the user's sessions
// and tokens but keepKey (none when empty): a token minted with a stolen
// session must not outlive the change.
func setPasswordInTx(ctx context.Context, tx database.Store, userID uuid.UUID, hashed, keepKey string) error {
	if err := tx.UpdateUserHashedPassword(ctx, database.UpdateUserHashedPasswordParams{
		ID: userID, HashedPassword: hashed, UpdatedAt: dbtime.Now(),
	}); err != nil {
		return err
	}
	if keepKey == "" {
		return tx.DeleteAPIKeysByUserID(ctx, userID)
	}
	for _, lt := range database.AllLoginTypeValues() {
		keys, err := tx.GetAPIKeysByUserID(ctx, database.GetAPIKeysByUserIDParams{UserID: userID, LoginType: lt})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if k.ID == keepKey {
				continue
			}
			if err := tx.DeleteAPIKeyByID(ctx, k.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// @Summary Activate user account
// @ID activate-user-account
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.User
// @Router /users/{user}/status/activate [put]
func (api *API) putUserActivate(rw http.ResponseWriter, r *http.Request) {
	api.putUserStatus(rw, r, database.UserStatusActive)
}

// @Summary Suspend user account
// @ID suspend-user-account
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.User
// @Failure 400 {object} codersdk.Response
// @Router /users/{user}/status/suspend [put]
func (api *API) putUserSuspend(rw http.ResponseWriter, r *http.Request) {
	api.putUserStatus(rw, r, database.UserStatusSuspended)
}

func (api *API) putUserStatus(rw http.ResponseWriter, r *http.Request, status database.UserStatus) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	if status == database.UserStatusSuspended && user.ID == httpmw.APIKeyAuthorization(r).Key.UserID {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "You cannot suspend yourself."})
		return
	}
	if status == database.UserStatusSuspended && slices.Contains(user.RbacRoles, rbac.RoleOwner().Name) {
		// As upstream: nobody locks an owner out; remove the role first.
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: fmt.Sprintf("You cannot suspend a user with the %q role. You must remove the role first.", rbac.RoleOwner().Name),
		})
		return
	}
	updated, err := api.Database.UpdateUserStatus(ctx, database.UpdateUserStatusParams{ID: user.ID, Status: status, UpdatedAt: dbtime.Now()})
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	api.writeUser(rw, r, updated)
}

// @Summary Get user login type
// @ID get-user-login-type
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.UserLoginType
// @Router /users/{user}/login-type [get]
func (*API) userLoginType(rw http.ResponseWriter, r *http.Request) {
	user := httpmw.UserParam(r)
	httpapi.Write(r.Context(), rw, http.StatusOK, codersdk.UserLoginType{LoginType: codersdk.LoginType(user.LoginType)})
}

// @Summary Get user appearance settings
// @ID get-user-appearance-settings
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.UserAppearanceSettings
// @Router /users/{user}/appearance [get]
func (*API) userAppearanceSettings(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, convert.Appearance(httpmw.UserParam(r)))
}

// @Summary Update user appearance settings
// @ID update-user-appearance-settings
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param request body codersdk.UpdateUserAppearanceSettingsRequest true "New appearance settings"
// @Success 200 {object} codersdk.UserAppearanceSettings
// @Failure 400 {object} codersdk.Response
// @Router /users/{user}/appearance [put]
func (api *API) putUserAppearanceSettings(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	var req codersdk.UpdateUserAppearanceSettingsRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	var v httpapi.Validations
	if req.ThemePreference == "" {
		v.Check("theme_preference", "must not be empty")
	}
	if req.TerminalFont != "" && !slices.Contains(codersdk.TerminalFontNames, req.TerminalFont) {
		v.Check("terminal_font", fmt.Sprintf("%q is not a known font", req.TerminalFont))
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid appearance settings.", Validations: v})
		return
	}
	updated, err := api.Database.UpdateUserAppearanceSettings(ctx, database.UpdateUserAppearanceSettingsParams{
		ID: user.ID, ThemePreference: req.ThemePreference, TerminalFont: string(req.TerminalFont),
		ThemeMode: string(req.ThemeMode), ThemeLight: req.ThemeLight, ThemeDark: req.ThemeDark, UpdatedAt: dbtime.Now(),
	})
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Updated(ctx, user, updated)
	httpapi.Write(ctx, rw, http.StatusOK, convert.Appearance(updated))
}
