import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router";
import { isApiError } from "../../api/client";
import { useCreateOrganization, useOrganizations } from "../../api/organizations";
import { Badge, Button, Dialog, EmptyState, ErrorAlert, Loading, PageHeader, Table, TextField } from "../../components";
import { relativeTime } from "../../utils/time";

export function Component() {
  const orgs = useOrganizations();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader title="Organizations" actions={<Button variant="primary" onClick={() => setCreating(true)}>Create organization</Button>} />
      {orgs.isPending ? (
        <Loading label="Loading organizations…" />
      ) : orgs.isError ? (
        <ErrorAlert error={orgs.error} onRetry={() => void orgs.refetch()} />
      ) : orgs.data.length === 0 ? (
        <EmptyState title="You are in no organization" action={<Button onClick={() => setCreating(true)}>Create an organization</Button>} />
      ) : (
        <Table caption="Organizations">
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col">Description</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {orgs.data.map((o) => (
              <tr key={o.id} data-organization={o.name}>
                <td>
                  <Link to={`/organizations/${o.name}`}>{o.display_name || o.name}</Link> {o.is_default && <Badge tone="info">default</Badge>}
                  <div className="muted small">{o.name}</div>
                </td>
                <td>{o.description}</td>
                <td>{relativeTime(o.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {creating && <CreateOrganizationDialog onClose={() => setCreating(false)} />}
    </>
  );
}

function CreateOrganizationDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateOrganization();
  const navigate = useNavigate();
  const [form, setForm] = useState({ name: "", display_name: "", description: "" });
  const err = isApiError(create.error) ? create.error : undefined;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form, { onSuccess: (o) => navigate(`/organizations/${o.name}`) });
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title="Create an organization"
      actions={
        <Button type="submit" form="create-org" variant="primary" loading={create.isPending}>
          Create organization
        </Button>
      }
    >
      <form id="create-org" className="form-grid" onSubmit={submit} noValidate>
        <TextField label="Name" required autoFocus value={form.name} onChange={set("name")} error={err?.fieldError("name")} hint="Lowercase letters, digits and dashes; used in URLs." />
        <TextField label="Display name (optional)" value={form.display_name} onChange={set("display_name")} error={err?.fieldError("display_name")} />
        <TextField label="Description (optional)" value={form.description} onChange={set("description")} error={err?.fieldError("description")} />
        {create.isError && !err?.validations.length && <ErrorAlert error={create.error} />}
      </form>
    </Dialog>
  );
}
