import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, isApiError } from "../../api/client";
import { useDeleteGroup, useGroup, usePatchGroup } from "../../api/groups";
import type { Group, User } from "../../api/types";
import { ActionsHeader, Badge, Button, ConfirmDialog, EmptyState, ErrorAlert, PageHeader, QueryState, Table, TextField, UserCell } from "../../components";

export function Component() {
  const { groupId = "" } = useParams();
  const group = useGroup(groupId);
  return (
    <QueryState query={group} loadingLabel="Loading group…">
      {(g) => <GroupView group={g} />}
    </QueryState>
  );
}

function GroupView({ group }: { group: Group }) {
  // The Everyone group's id is its organization's; its members are the organization's.
  const everyone = group.id === group.organization_id;
  const [deleting, setDeleting] = useState(false);
  const del = useDeleteGroup();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title={group.display_name || group.name || "Group"}
        actions={
          !everyone && (
            <Button variant="danger" onClick={() => setDeleting(true)}>
              Delete group
            </Button>
          )
        }
      >
        <Link to="/groups">Groups</Link> · {group.organization_display_name || group.organization_name}
        {everyone && <> · <Badge>every member of the organization</Badge></>}
      </PageHeader>
      <div className="stack">
        <QuotaForm group={group} />
        <Members group={group} everyone={everyone} />
      </div>
      <ConfirmDialog
        open={deleting}
        title={`Delete ${group.name}?`}
        confirmLabel="Delete group"
        danger
        loading={del.isPending}
        onClose={() => setDeleting(false)}
        onConfirm={() => del.mutate(group, { onSuccess: () => navigate("/groups") })}
      >
        <p>Its members lose what the group gave them (template access, quota).</p>
        {del.isError && <ErrorAlert error={del.error} />}
      </ConfirmDialog>
    </>
  );
}

function QuotaForm({ group }: { group: Group }) {
  const patch = usePatchGroup(group.id ?? "");
  const [quota, setQuota] = useState(String(group.quota_allowance ?? 0));
  const err = isApiError(patch.error) ? patch.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    patch.mutate({ quota_allowance: Number(quota) });
  };
  return (
    <section className="card" aria-labelledby="quota-title">
      <h2 id="quota-title">Quota</h2>
      <form className="toolbar" onSubmit={submit} noValidate>
        <TextField
          label="Quota allowance"
          type="number"
          min={0}
          value={quota}
          onChange={(e) => setQuota(e.target.value)}
          error={err?.fieldError("quota_allowance")}
          hint="Added to each member's workspace quota."
        />
        <Button type="submit" loading={patch.isPending} disabled={quota === String(group.quota_allowance ?? 0)}>
          Save quota
        </Button>
        {patch.isSuccess && !patch.isPending && <span role="status">Saved.</span>}
      </form>
      {patch.isError && !err?.fieldError("quota_allowance") && <ErrorAlert error={patch.error} />}
    </section>
  );
}

function Members({ group, everyone }: { group: Group; everyone: boolean }) {
  const patch = usePatchGroup(group.id ?? "");
  const [who, setWho] = useState("");
  const [lookupError, setLookupError] = useState<unknown>();
  const [adding, setAdding] = useState(false);
  const members = group.members ?? [];
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setLookupError(undefined);
    setAdding(true);
    try {
      // The group takes user IDs; people type usernames or emails.
      const user = await api.get<User>(`/users/${encodeURIComponent(who.trim())}`);
      await patch.mutateAsync({ add_users: [user.id] });
      setWho("");
    } catch (err) {
      setLookupError(err);
    } finally {
      setAdding(false);
    }
  };
  const fieldError = isApiError(lookupError) ? (lookupError.status === 404 ? `No user "${who.trim()}".` : lookupError.fieldError("add_users")) : undefined;
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members ({group.total_member_count ?? members.length})</h2>
      {!everyone && (
        <form className="toolbar" onSubmit={add} noValidate>
          <TextField label="Add a member" className="grow" placeholder="username" value={who} onChange={(e) => setWho(e.target.value)} error={fieldError} />
          <Button type="submit" loading={adding} disabled={!who.trim()}>
            Add member
          </Button>
        </form>
      )}
      {lookupError !== undefined && !fieldError && <ErrorAlert error={lookupError} />}
      {patch.isError && !adding && lookupError === undefined && <ErrorAlert error={patch.error} />}
      {members.length === 0 ? (
        <EmptyState title="No members yet">{everyone ? "Members of the organization appear here." : "Add users by their username."}</EmptyState>
      ) : (
        <Table caption={`Members of ${group.name}`}>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Status</th>
              {!everyone && (
                <ActionsHeader />
              )}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id} data-member={m.username}>
                <UserCell username={m.username} email={m.email} />
                <td>
                  <Badge tone={m.status === "suspended" ? "warning" : "success"}>{m.status === "suspended" ? "Suspended" : "Active"}</Badge>
                </td>
                {!everyone && (
                  <td className="col-actions">
                    <Button variant="ghost" aria-label={`Remove ${m.username}`} onClick={() => patch.mutate({ remove_users: [m.id] })}>
                      Remove
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}
