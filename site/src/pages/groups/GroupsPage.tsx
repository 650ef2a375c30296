import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { isApiError } from "../../api/client";
import { useCreateGroup, useGroups } from "../../api/groups";
import { useOrganizations } from "../../api/organizations";
import { Button, Dialog, EmptyState, ErrorAlert, Loading, PageHeader, Select, Table, TextField } from "../../components";

export function Component() {
  const groups = useGroups();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader title="Groups" actions={<Button variant="primary" onClick={() => setCreating(true)}>Create group</Button>}>
        Groups share access to templates and workspaces, and a workspace quota.
      </PageHeader>
      {groups.isPending ? (
        <Loading label="Loading groups…" />
      ) : groups.isError ? (
        <ErrorAlert error={groups.error} onRetry={() => void groups.refetch()} />
      ) : groups.data.length === 0 ? (
        <EmptyState title="No groups yet" action={<Button variant="primary" onClick={() => setCreating(true)}>Create a group</Button>} />
      ) : (
        <Table caption="Groups">
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col">Organization</th>
              <th scope="col">Members</th>
              <th scope="col">Quota</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map((g) => (
              <tr key={g.id} data-group={g.name}>
                <td>
                  <Link to={`/groups/${g.id}`}>{g.display_name || g.name}</Link>
                  {g.display_name && g.display_name !== g.name && <div className="muted small">{g.name}</div>}
                </td>
                <td>{g.organization_display_name || g.organization_name}</td>
                <td>{g.total_member_count ?? g.members?.length ?? 0}</td>
                <td>{g.quota_allowance ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {creating && <CreateGroupDialog onClose={() => setCreating(false)} />}
    </>
  );
}

function CreateGroupDialog({ onClose }: { onClose: () => void }) {
  const orgs = useOrganizations();
  const create = useCreateGroup();
  const navigate = useNavigate();
  const [form, setForm] = useState({ organization: "", name: "", display_name: "", quota_allowance: "0" });
  const err = isApiError(create.error) ? create.error : undefined;
  const organization = form.organization || orgs.data?.find((o) => o.is_default)?.id || orgs.data?.[0]?.id || "";
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { organization, req: { name: form.name, display_name: form.display_name, quota_allowance: Number(form.quota_allowance) || 0 } },
      { onSuccess: (g) => navigate(`/groups/${g.id}`) },
    );
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title="Create a group"
      actions={
        <Button type="submit" form="create-group" variant="primary" loading={create.isPending} disabled={!organization}>
          Create group
        </Button>
      }
    >
      <form id="create-group" className="form-grid" onSubmit={submit} noValidate>
        {orgs.isError && <ErrorAlert error={orgs.error} />}
        <Select
          label="Organization"
          value={organization}
          onChange={set("organization")}
          options={(orgs.data ?? []).map((o) => ({ value: o.id, label: o.display_name || o.name || o.id }))}
        />
        <TextField label="Name" required autoFocus value={form.name} onChange={set("name")} error={err?.fieldError("name")} />
        <TextField label="Display name (optional)" value={form.display_name} onChange={set("display_name")} error={err?.fieldError("display_name")} />
        <TextField
          label="Quota allowance"
          type="number"
          min={0}
          value={form.quota_allowance}
          onChange={set("quota_allowance")}
          error={err?.fieldError("quota_allowance")}
          hint="Workspace cost each member may add to their quota."
        />
        {create.isError && !err?.validations.length && <ErrorAlert error={create.error} />}
      </form>
    </Dialog>
  );
}
