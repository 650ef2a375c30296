package coderd

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/searchquery"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// defaultAuditPageLimit applies when the caller gives no limit: the log is
// read a screen at a time.
const defaultAuditPageLimit = 100

// auditCountCap is as far as GET /audit counts (count_cap in the answer): a
// count of exactly this means "this many or more". Counting every match of
// a broad filter over a large log costs more than the page itself (all of a
// million rows: about 120 ms here); capped, the count reads at most this
// many index entries that match.
const auditCountCap = 2_000

// @Summary Get audit logs
// @ID get-audit-logs
// @Security CoderSessionToken
// @Produce json
// @Tags Audit
// @Param q query string false "Search query: resource_type, resource_id, resource_target, action, username, email, organization, build_reason, date_from, date_to, request_id"
// @Param limit query int false "Page limit (default 100)"
// @Param offset query int false "Page offset"
// @Success 200 {object} codersdk.AuditLogResponse
// @Router /audit [get]
func (api *API) auditLogs(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	filter, errs := searchquery.AuditLogs(r.URL.Query().Get("q"), dbtime.Now())
	page, validations := httpapi.ParsePagination(r)
	if page.AfterID != uuid.Nil {
		validations = append(validations, codersdk.ValidationError{Field: "after_id", Detail: "is not supported here; use offset"})
	}
	if r.URL.Query().Get("limit") == "" {
		page.Limit = defaultAuditPageLimit
	}
	for _, e := range errs {
		validations = append(validations, codersdk.ValidationError{Field: e.Field, Detail: e.Detail})
	}

	// An ID is taken as it is (the RBAC filter decides what it shows); a
	// name must name an organization the caller can see.
	orgID, _ := uuid.Parse(filter.Organization)
	if filter.Organization != "" && orgID == uuid.Nil && len(validations) == 0 {
		org, err := api.Database.GetOrganizationByName(ctx, filter.Organization)
		switch {
		case httpapi.IsUnauthorizedOrNotFound(err):
			validations = append(validations, codersdk.ValidationError{
				Field: "organization", Detail: fmt.Sprintf("No organization %q.", filter.Organization),
			})
		case err != nil:
			httpapi.WriteError(ctx, rw, err)
			return
		default:
			orgID = org.ID
		}
	}
	if len(validations) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid audit log query.", Validations: validations})
		return
	}
	// The actor keys become user IDs first, so the queries below filter on
	// values the planner can see (see GetAuditActorIDs).
	var (
		userIDs     []uuid.UUID
		filterUsers = filter.Username != "" || filter.Email != ""
	)
	if strings.EqualFold(filter.Username, "me") && filter.Email == "" {
		userIDs = []uuid.UUID{httpmw.APIKeyAuthorization(r).Key.UserID}
	} else if filterUsers {
		username := filter.Username
		if strings.EqualFold(username, "me") {
			username = httpmw.APIKeyAuthorization(r).Subject.FriendlyName
		}
		ids, err := api.Database.GetAuditActorIDs(ctx, database.GetAuditActorIDsParams{Username: username, Email: filter.Email})
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		if len(ids) == 0 {
			httpapi.Write(ctx, rw, http.StatusOK, codersdk.AuditLogResponse{AuditLogs: []codersdk.AuditLog{}, CountCap: auditCountCap})
			return
		}
		userIDs = ids
	}
	// One actor (the usual case) is an equality; see GetAuditLogsOffset.
	var userID uuid.UUID
	if len(userIDs) == 1 {
		userID, userIDs, filterUsers = userIDs[0], nil, false
	}

	count, logs, err := api.auditLogPage(ctx, filter, auditActors{userID: userID, userIDs: userIDs, filter: filterUsers}, orgID, page)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.AuditLogResponse{AuditLogs: logs, Count: count, CountCap: auditCountCap})
}

// auditActors narrows a log search to actors: one (userID), or a set
// (userIDs, when filter is set).
type auditActors struct {
	userID  uuid.UUID
	userIDs []uuid.UUID
	filter  bool
}

// auditLogPage counts the matching entries (up to the cap) and reads a page
// of them.
func (api *API) auditLogPage(ctx context.Context, filter searchquery.AuditFilter, actors auditActors, orgID uuid.UUID, page httpapi.Page) (int64, []codersdk.AuditLog, error) {
	userID, userIDs, filterUsers := actors.userID, actors.userIDs, actors.filter
	// The count and the page each see only the rows the caller may read
	// (see dbauthz); a member without audit rights gets an empty log. They
	// share a read-only transaction so that each is planned for this
	// search's values (see UseCustomPlansInTx).
	var (
		count int64
		logs  = []codersdk.AuditLog{}
	)
	err := api.Database.InTx(ctx, func(tx database.Store) error {
		logs = logs[:0] // a retried transaction starts over
		if err := tx.UseCustomPlansInTx(ctx); err != nil {
			return err
		}
		var err error
		count, err = tx.CountAuditLogs(ctx, database.CountAuditLogsParams{
			ResourceType: filter.ResourceType, ResourceID: filter.ResourceID, ResourceTarget: filter.ResourceTarget,
			Action: filter.Action, UserID: userID, FilterUserIds: filterUsers, UserIds: userIDs, OrganizationID: orgID,
			BuildReason: filter.BuildReason, DateFrom: filter.DateFrom, DateTo: filter.DateTo, RequestID: filter.RequestID,
			CountCap: auditCountCap,
		})
		if err != nil {
			return err
		}
		// Below the cap the count is exact, and an offset past it has
		// nothing.
		if count < auditCountCap && count <= int64(page.Offset) {
			return nil
		}
		rows, err := tx.GetAuditLogsOffset(ctx, database.GetAuditLogsOffsetParams{
			ResourceType: filter.ResourceType, ResourceID: filter.ResourceID, ResourceTarget: filter.ResourceTarget,
			Action: filter.Action, UserID: userID, FilterUserIds: filterUsers, UserIds: userIDs, OrganizationID: orgID,
			BuildReason: filter.BuildReason, DateFrom: filter.DateFrom, DateTo: filter.DateTo, RequestID: filter.RequestID,
			OffsetOpt: page.Offset, LimitOpt: page.Limit,
		})
		if err != nil {
			return err
		}
		for _, row := range rows {
			l, err := convert.AuditLog(row)
			if err != nil {
				return err
			}
			logs = append(logs, l)
		}
		return nil
	}, &database.TxOptions{ReadOnly: true})
	return count, logs, err
}

// auditMember records a change to user's membership of the organization the
// URL names: the member is named by the user, as upstream does.
func auditMember(ctx context.Context, user database.User, old, new any) {
	audit.SetResource(ctx, audit.Resource{ID: user.ID, Target: user.Username, Icon: user.AvatarUrl})
	audit.SetDiff(ctx, old, new)
}
