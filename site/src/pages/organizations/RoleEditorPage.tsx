import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { isApiError, type ApiError } from "../../api/client";
import { useOrganization, useOrgRoles, useSaveOrgRole } from "../../api/organizations";
import {
  COMMON_RESOURCES,
  fromPermissionSet,
  permKey,
  RESOURCE_ACTIONS,
  toPermissionSet,
  type GrantableResource,
  type PermissionSet,
} from "../../api/rbac";
import type { AssignableRole, Organization } from "../../api/types";
import { Button, ErrorAlert, Loading, PageHeader, QueryState, Table, TextField } from "../../components";
import { Component as NotFound } from "../NotFoundPage";

/** Creates a custom organization role (…/roles/create) or edits one (…/roles/:roleName). */
export function Component() {
  const { organization = "", roleName } = useParams();
  const org = useOrganization(organization);
  const roles = useOrgRoles(organization);
  if (org.isPending || (roleName && roles.isPending)) return <Loading label="Loading role…" />;
  return (
    <QueryState query={org}>
      {(o) => {
        if (!roleName) return <RoleEditor org={o} />;
        if (roles.isError) return <ErrorAlert error={roles.error} onRetry={() => void roles.refetch()} />;
        const role = roles.data?.find((r) => r.name === roleName && !r.built_in);
        return role ? <RoleEditor org={o} role={role} /> : <NotFound />;
      }}
    </QueryState>
  );
}

const OTHER_RESOURCES = (Object.keys(RESOURCE_ACTIONS) as GrantableResource[]).filter((r) => !COMMON_RESOURCES.includes(r));

function RoleEditor({ org, role }: { org: Organization; role?: AssignableRole }) {
  const isNew = !role;
  const save = useSaveOrgRole(org.id, isNew);
  const navigate = useNavigate();
  const [name, setName] = useState(role?.name ?? "");
  const [displayName, setDisplayName] = useState(role?.display_name ?? "");
  const [orgPerms, setOrgPerms] = useState(() => toPermissionSet(role?.organization_permissions));
  const [memberPerms, setMemberPerms] = useState(() => toPermissionSet(role?.organization_member_permissions));
  const err = isApiError(save.error) ? save.error : undefined;
  const back = `/organizations/${org.name}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      {
        name,
        display_name: displayName,
        site_permissions: [],
        user_permissions: [],
        organization_permissions: fromPermissionSet(orgPerms),
        organization_member_permissions: fromPermissionSet(memberPerms),
      },
      { onSuccess: () => navigate(back) },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <PageHeader
        title={isNew ? "Create a custom role" : `Role ${role.display_name || role.name}`}
        actions={
          <>
            <Link className="btn btn-secondary" to={back}>
              Cancel
            </Link>
            <Button type="submit" variant="primary" loading={save.isPending}>
              {isNew ? "Create role" : "Save role"}
            </Button>
          </>
        }
      >
        <Link to={back}>{org.display_name || org.name}</Link> · custom roles grant actions in this organization only
      </PageHeader>
      <div className="stack">
        {save.isError && <ErrorAlert error={save.error} />}
        <div className="card form-grid">
          <TextField label="Name" required disabled={!isNew} value={name} onChange={(e) => setName(e.target.value)} error={err?.fieldError("name")} />
          <TextField label="Display name (optional)" value={displayName} onChange={(e) => setDisplayName(e.target.value)} error={err?.fieldError("display_name")} />
        </div>
        <PermissionTable
          title="Organization permissions"
          description="On everything of this kind in the organization."
          field="organization_permissions"
          value={orgPerms}
          onChange={setOrgPerms}
          error={err}
        />
        <PermissionTable
          title="Member permissions"
          description="Only on what the role's holder owns in the organization."
          field="organization_member_permissions"
          value={memberPerms}
          onChange={setMemberPerms}
          error={err}
        />
      </div>
    </form>
  );
}

/** Resource types × actions as checkboxes; the common types first, the rest folded. */
function PermissionTable({
  title,
  description,
  field,
  value,
  onChange,
  error,
}: {
  title: string;
  description: string;
  field: string;
  value: PermissionSet;
  onChange: (next: PermissionSet) => void;
  error?: ApiError;
}) {
  const toggle = (key: string, on: boolean) => {
    const next = new Set(value);
    if (on) next.add(key);
    else next.delete(key);
    onChange(next);
  };
  // The server names a refused permission by its index in the list it got.
  const problems = (error?.validations ?? []).filter((v) => v.field === field || v.field.startsWith(`${field}[`));
  const otherChosen = OTHER_RESOURCES.filter((r) => RESOURCE_ACTIONS[r].some((a) => value.has(permKey(r, a)))).length;
  const rows = (resources: GrantableResource[], caption: string) => (
    <Table caption={caption} className="perm-table">
      <thead>
        <tr>
          <th scope="col">Resource type</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {resources.map((r) => (
          <tr key={r} data-resource={r}>
            <th scope="row">{r}</th>
            <td>
              <div className="perm-actions" role="group" aria-label={`${title}: ${r}`}>
                {RESOURCE_ACTIONS[r].map((a) => (
                  <label key={a}>
                    <input type="checkbox" checked={value.has(permKey(r, a))} onChange={(e) => toggle(permKey(r, a), e.target.checked)} />
                    {a}
                  </label>
                ))}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
  return (
    <section className="card stack" aria-label={title}>
      <div>
        <h2>
          {title} <span className="muted small">({value.size} chosen)</span>
        </h2>
        <p className="muted">{description}</p>
      </div>
      {problems.length > 0 && (
        <ul className="field-error" aria-label={`Problems with ${title}`}>
          {problems.map((p) => (
            <li key={p.field + p.detail}>
              {p.field}: {p.detail}
            </li>
          ))}
        </ul>
      )}
      {rows(COMMON_RESOURCES, `${title}: common resource types`)}
      <details>
        <summary>
          All other resource types ({OTHER_RESOURCES.length}
          {otherChosen > 0 && `, ${otherChosen} with permissions`})
        </summary>
        {rows(OTHER_RESOURCES, `${title}: other resource types`)}
      </details>
    </section>
  );
}
