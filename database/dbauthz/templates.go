package dbauthz

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// Templates are organization resources with an ACL: organization roles
// grant on every template, and a template's user and group entries grant
// on that one (members see a template through the Everyone group).

func (q *querier) InsertTemplate(ctx context.Context, arg database.InsertTemplateParams) error {
	return actExec(ctx, q, rbac.ActionCreate, rbac.ResourceTemplate.InOrg(arg.OrganizationID), func() error {
		return q.db.InsertTemplate(ctx, arg)
	})
}

func (q *querier) GetTemplateByID(ctx context.Context, id uuid.UUID) (database.Template, error) {
	return fetch(ctx, q, func() (database.Template, error) { return q.db.GetTemplateByID(ctx, id) })
}

func (q *querier) GetTemplateByOrganizationAndName(ctx context.Context, arg database.GetTemplateByOrganizationAndNameParams) (database.Template, error) {
	return fetch(ctx, q, func() (database.Template, error) { return q.db.GetTemplateByOrganizationAndName(ctx, arg) })
}

// GetAuthorizedTemplates filters in SQL with the caller's read filter.
func (q *querier) GetAuthorizedTemplates(ctx context.Context, arg database.GetAuthorizedTemplatesParams) ([]database.Template, error) {
	f, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceTemplate.Type)
	if err != nil {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds, arg.AuthAclOrgIds = f.All, f.OrgIDs, f.ACLOrgIDs
	arg.AuthAction = string(f.Action)
	arg.AuthAclUserID, arg.AuthAclGroupIds = aclFilterKeys(f)
	return q.db.GetAuthorizedTemplates(ctx, arg)
}

// aclFilterKeys gives the ACL keys a filter may match, as the ACL columns
// spell them: the user's ID ("" when no user entry counts) and the
// groups' IDs.
func aclFilterKeys(f rbac.Filter) (string, []string) {
	user := ""
	if f.ACLUserID != uuid.Nil {
		user = f.ACLUserID.String()
	}
	groups := make([]string, 0, len(f.ACLGroupIDs))
	for _, g := range f.ACLGroupIDs {
		groups = append(groups, g.String())
	}
	return user, groups
}

// templateAct loads the template (which must be readable) and checks
// action on it, ACL included.
func templateAct(ctx context.Context, q *querier, id uuid.UUID, action rbac.Action, run func() error) error {
	t, err := q.GetTemplateByID(ctx, id)
	if err != nil {
		return err
	}
	return actExec(ctx, q, action, t.RBACObject(), run)
}

func (q *querier) UpdateTemplateMetaByID(ctx context.Context, arg database.UpdateTemplateMetaByIDParams) error {
	return templateAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateTemplateMetaByID(ctx, arg) })
}

func (q *querier) UpdateTemplateActiveVersionByID(ctx context.Context, arg database.UpdateTemplateActiveVersionByIDParams) error {
	return templateAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateTemplateActiveVersionByID(ctx, arg) })
}

func (q *querier) UpdateTemplateACLByID(ctx context.Context, arg database.UpdateTemplateACLByIDParams) error {
	return templateAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateTemplateACLByID(ctx, arg) })
}

func (q *querier) UpdateTemplateDeletedByID(ctx context.Context, arg database.UpdateTemplateDeletedByIDParams) error {
	return templateAct(ctx, q, arg.ID, rbac.ActionDelete, func() error { return q.db.UpdateTemplateDeletedByID(ctx, arg) })
}

// Usage is recorded by the server itself, never on a user's behalf.
func (q *querier) InsertTemplateDailyUser(ctx context.Context, arg database.InsertTemplateDailyUserParams) error {
	return actExec(ctx, q, rbac.ActionCreate, rbac.ResourceSystem, func() error { return q.db.InsertTemplateDailyUser(ctx, arg) })
}

// GetTemplateDailyUsers is an insight: it needs view_insights on the
// template, which template users (read, use) do not have.
func (q *querier) GetTemplateDailyUsers(ctx context.Context, arg database.GetTemplateDailyUsersParams) ([]database.GetTemplateDailyUsersRow, error) {
	var out []database.GetTemplateDailyUsersRow
	err := templateAct(ctx, q, arg.TemplateID, rbac.ActionViewInsights, func() error {
		var err error
		out, err = q.db.GetTemplateDailyUsers(ctx, arg)
		return err
	})
	return out, err
}

// Versions of a template are read with the template.

func (q *querier) GetTemplateVersionsByTemplateID(ctx context.Context, arg database.GetTemplateVersionsByTemplateIDParams) ([]database.TemplateVersion, error) {
	if _, err := q.GetTemplateByID(ctx, arg.TemplateID); err != nil {
		return nil, err
	}
	return q.db.GetTemplateVersionsByTemplateID(ctx, arg)
}

func (q *querier) GetTemplateVersionByTemplateIDAndName(ctx context.Context, arg database.GetTemplateVersionByTemplateIDAndNameParams) (database.TemplateVersion, error) {
	if _, err := q.GetTemplateByID(ctx, arg.TemplateID); err != nil {
		return database.TemplateVersion{}, err
	}
	return q.db.GetTemplateVersionByTemplateIDAndName(ctx, arg)
}

func (q *querier) GetPreviousTemplateVersion(ctx context.Context, id uuid.UUID) (database.TemplateVersion, error) {
	if _, err := q.GetTemplateVersionByID(ctx, id); err != nil {
		return database.TemplateVersion{}, err
	}
	return q.db.GetPreviousTemplateVersion(ctx, id)
}

func (q *querier) ArchiveUnusedTemplateVersions(ctx context.Context, arg database.ArchiveUnusedTemplateVersionsParams) ([]uuid.UUID, error) {
	var out []uuid.UUID
	err := templateAct(ctx, q, arg.TemplateID, rbac.ActionUpdate, func() error {
		var err error
		out, err = q.db.ArchiveUnusedTemplateVersions(ctx, arg)
		return err
	})
	return out, err
}
