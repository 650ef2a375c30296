import { useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { isApiError } from "../../api/client";
import {
  useAddMember,
  useDeleteOrgRole,
  useMembers,
  useOrganization,
  useOrgRoles,
  useRemoveMember,
  useSetMemberRoles,
} from "../../api/organizations";
import type { AssignableRole, Organization, OrganizationMember } from "../../api/types";
import {
  ActionsHeader,
  Badge,
  Button,
  ButtonLink,
  ConfirmDialog,
  Dialog,
  EmptyState,
  ErrorAlert,
  Loading,
  MenuItem,
  pageFromParams,
  PageHeader,
  Pagination,
  QueryState,
  RowMenu,
  Table,
  TextField,
  UserCell,
} from "../../components";

const PAGE_SIZE = 25;

export function Component() {
  const { organization = "" } = useParams();
  const org = useOrganization(organization);
  return (
    <QueryState query={org} loadingLabel="Loading organization…">
      {(o) => <OrganizationView org={o} />}
    </QueryState>
  );
}

function OrganizationView({ org }: { org: Organization }) {
  return (
    <>
      <PageHeader title={org.display_name || org.name || "Organization"}>
        <Link to="/organizations">Organizations</Link> · {org.name} {org.is_default && <Badge tone="info">default</Badge>}
        {org.description && <> · {org.description}</>}
      </PageHeader>
      <div className="stack">
        <Members org={org} />
        <CustomRoles org={org} />
      </div>
    </>
  );
}

function Members({ org }: { org: Organization }) {
  const [params, setParams] = useSearchParams();
  const page = pageFromParams(params);
  const members = useMembers(org.id, (page - 1) * PAGE_SIZE, PAGE_SIZE);
  const add = useAddMember(org.id);
  const remove = useRemoveMember(org.id);
  const [who, setWho] = useState("");
  const [editing, setEditing] = useState<OrganizationMember>();
  const [removing, setRemoving] = useState<OrganizationMember>();
  const addError = isApiError(add.error) ? add.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(who.trim(), { onSuccess: () => setWho("") });
  };
  const list = members.data?.members ?? [];
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <form className="toolbar" onSubmit={submit} noValidate>
        <TextField
          label="Add a member"
          className="grow"
          placeholder="username or email"
          value={who}
          onChange={(e) => setWho(e.target.value)}
          error={addError?.status === 404 ? `No user "${who.trim()}".` : addError?.validations[0]?.detail}
        />
        <Button type="submit" loading={add.isPending} disabled={!who.trim()}>
          Add member
        </Button>
      </form>
      {add.isError && addError?.status !== 404 && !addError?.validations.length && <ErrorAlert error={add.error} />}
      {remove.isError && <ErrorAlert error={remove.error} title="The member was not removed" />}
      {members.isPending ? (
        <Loading label="Loading members…" />
      ) : members.isError ? (
        <ErrorAlert error={members.error} onRetry={() => void members.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No members" />
      ) : (
        <>
          <Table caption={`Members of ${org.name}`}>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Organization roles</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.user_id} data-member={m.username}>
                  <UserCell username={m.username} email={m.email} />
                  <td>
                    <span className="row">
                      {(m.roles ?? []).length === 0 ? <span className="muted">member</span> : (m.roles ?? []).map((r) => <Badge key={r.name}>{r.display_name || r.name}</Badge>)}
                    </span>
                  </td>
                  <td className="col-actions">
                    <RowMenu label={`Actions for ${m.username}`}>
                      <MenuItem onClick={() => setEditing(m)}>Edit roles…</MenuItem>
                      <MenuItem danger onClick={() => setRemoving(m)}>
                        Remove from organization…
                      </MenuItem>
                    </RowMenu>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          <Pagination
            label="Members pagination"
            page={page}
            pageSize={PAGE_SIZE}
            count={members.data?.count ?? 0}
            shown={list.length}
            onPage={(p) => setParams(p > 1 ? { page: String(p) } : {})}
          />
        </>
      )}
      {editing && <MemberRolesDialog org={org} member={editing} onClose={() => setEditing(undefined)} />}
      <ConfirmDialog
        open={!!removing}
        title={`Remove ${removing?.username} from ${org.name}?`}
        confirmLabel="Remove member"
        danger
        loading={remove.isPending}
        onClose={() => setRemoving(undefined)}
        onConfirm={() => removing && remove.mutate(removing, { onSettled: () => setRemoving(undefined) })}
      >
        They lose its templates, groups and roles.
      </ConfirmDialog>
    </section>
  );
}

function MemberRolesDialog({ org, member, onClose }: { org: Organization; member: OrganizationMember; onClose: () => void }) {
  const roles = useOrgRoles(org.id);
  const save = useSetMemberRoles(org.id);
  const [chosen, setChosen] = useState(new Set((member.roles ?? []).map((r) => r.name ?? "")));
  const toggle = (name: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(name);
    else next.delete(name);
    setChosen(next);
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Roles of ${member.username} in ${org.name}`}
      actions={
        <Button variant="primary" loading={save.isPending} disabled={!roles.data} onClick={() => save.mutate({ member, roles: [...chosen] }, { onSuccess: onClose })}>
          Save roles
        </Button>
      }
    >
      {roles.isPending ? (
        <Loading label="Loading roles…" />
      ) : roles.isError ? (
        <ErrorAlert error={roles.error} onRetry={() => void roles.refetch()} />
      ) : (
        <fieldset className="checks">
          <legend>Organization roles</legend>
          {roles.data.map((r) => (
            <label key={r.name}>
              <input type="checkbox" checked={chosen.has(r.name ?? "")} disabled={!r.assignable} onChange={(e) => toggle(r.name ?? "", e.target.checked)} />
              {r.display_name || r.name}
              {!r.built_in && <Badge>custom</Badge>}
            </label>
          ))}
        </fieldset>
      )}
      {save.isError && <ErrorAlert error={save.error} />}
    </Dialog>
  );
}

function CustomRoles({ org }: { org: Organization }) {
  const roles = useOrgRoles(org.id);
  const del = useDeleteOrgRole(org.id);
  const [deleting, setDeleting] = useState<AssignableRole>();
  const custom = (roles.data ?? []).filter((r) => !r.built_in);
  const base = `/organizations/${org.name}/roles`;
  return (
    <section className="card" aria-labelledby="roles-title">
      <div className="section-title">
        <h2 id="roles-title">Custom roles</h2>
        <ButtonLink to={`${base}/create`}>Create role</ButtonLink>
      </div>
      {roles.isPending ? (
        <Loading label="Loading roles…" />
      ) : roles.isError ? (
        <ErrorAlert error={roles.error} onRetry={() => void roles.refetch()} />
      ) : custom.length === 0 ? (
        <EmptyState title="No custom roles" action={<ButtonLink to={`${base}/create`}>Create a role</ButtonLink>}>
          A custom role grants chosen actions on chosen resources in this organization.
        </EmptyState>
      ) : (
        <Table caption={`Custom roles of ${org.name}`}>
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Permissions</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {custom.map((r) => (
              <tr key={r.name} data-role={r.name}>
                <td>
                  <Link to={`${base}/${encodeURIComponent(r.name ?? "")}`}>{r.display_name || r.name}</Link>
                  <div className="muted small">{r.name}</div>
                </td>
                <td>
                  {(r.organization_permissions?.length ?? 0) + (r.organization_member_permissions?.length ?? 0)} permissions
                </td>
                <td className="col-actions">
                  <Button variant="ghost" aria-label={`Delete role ${r.name}`} onClick={() => setDeleting(r)}>
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {del.isError && <ErrorAlert error={del.error} title="The role was not deleted" />}
      <ConfirmDialog
        open={!!deleting}
        title={`Delete the role ${deleting?.name}?`}
        confirmLabel="Delete role"
        danger
        loading={del.isPending}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => deleting && del.mutate(deleting.name ?? "", { onSettled: () => setDeleting(undefined) })}
      >
        Members who hold it lose it.
      </ConfirmDialog>
    </section>
  );
}
