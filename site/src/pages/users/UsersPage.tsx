import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { useMe } from "../../api/auth";
import { isApiError } from "../../api/client";
import {
  useCreateUser,
  useDeleteUser,
  useSetUserStatus,
  useSiteRoles,
  useUpdatePassword,
  useUpdateUserRoles,
  useUsers,
  usersListParams,
} from "../../api/users";
import type { LoginType, User } from "../../api/types";
import {
  ActionsHeader,
  Badge,
  Button,
  ConfirmDialog,
  Dialog,
  EmptyState,
  ErrorAlert,
  Loading,
  MenuItem,
  PageHeader,
  Pagination,
  RowMenu,
  SearchBar,
  searchError,
  Select,
  Table,
  TextField,
  UserCell,
} from "../../components";
import { absoluteTime, relativeTime } from "../../utils/time";

const presets = [
  { label: "All users", q: "" },
  { label: "Active", q: "status:active" },
  { label: "Suspended", q: "status:suspended" },
  { label: "Owners", q: "role:owner" },
];

export function Component() {
  const [params, setParams] = useSearchParams();
  const { q, page, offset, limit } = usersListParams(params);
  const list = useUsers(q, offset, limit);
  const users = list.data?.users ?? [];
  const [creating, setCreating] = useState(false);

  const search = (next: string) => {
    setParams(next ? { q: next } : {});
  };
  const goto = (p: number) => {
    const next = new URLSearchParams(params);
    if (p > 1) next.set("page", String(p));
    else next.delete("page");
    setParams(next);
  };

  return (
    <>
      <PageHeader title="Users" actions={<Button variant="primary" onClick={() => setCreating(true)}>Create user</Button>} />
      <SearchBar
        label="Search users"
        hint="a name or email, status:suspended, role:owner, login_type:password"
        query={q}
        presets={presets}
        error={list.error}
        onSearch={search}
      />
      {list.isPending ? (
        <Loading label="Loading users…" />
      ) : list.isError ? (
        // A bad search is shown on the search box; anything else here.
        searchError(list.error) ? null : <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : users.length === 0 ? (
        <EmptyState title="No users match this search" action={<Button onClick={() => search("")}>Show all users</Button>} />
      ) : (
        <>
          <UserTable users={users} />
          <Pagination page={page} pageSize={limit} count={list.data?.count ?? 0} shown={users.length} onPage={goto} />
        </>
      )}
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

// The wire type says active | suspended, but the server also reports
// "dormant": a user who has not signed in for a while (or yet). Dormant
// users are not suspended: they become active when they sign in.
const isSuspended = (u: User) => (u.status as string) === "suspended";

function UserStatusBadge({ status }: { status: User["status"] }) {
  const s = status as string;
  if (s === "suspended") return <Badge tone="warning">Suspended</Badge>;
  if (s === "dormant") return <Badge>Dormant</Badge>;
  return <Badge tone="success">Active</Badge>;
}

type Action = { kind: "roles" | "password" | "delete" | "suspend"; user: User };

function UserTable({ users }: { users: User[] }) {
  const me = useMe().data;
  const status = useSetUserStatus();
  const [action, setAction] = useState<Action>();
  const [statusError, setStatusError] = useState<unknown>();
  const close = () => setAction(undefined);
  return (
    <>
      {statusError !== undefined && <ErrorAlert error={statusError} title="The status did not change" />}
      <Table caption="Users">
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Roles</th>
            <th scope="col">Login type</th>
            <th scope="col">Status</th>
            <th scope="col">Last seen</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-user={u.username}>
              <UserCell username={u.username} name={u.name} email={u.email} />
              <td>
                <span className="row">
                  {(u.roles ?? []).length === 0 ? <span className="muted">member</span> : (u.roles ?? []).map((r) => <Badge key={r.name}>{r.display_name || r.name}</Badge>)}
                </span>
              </td>
              <td>{u.login_type || "password"}</td>
              <td>
                <UserStatusBadge status={u.status} />
              </td>
              <td title={absoluteTime(u.last_seen_at)}>{relativeTime(u.last_seen_at)}</td>
              <td className="col-actions">
                <RowMenu label={`Actions for ${u.username}`}>
                  <MenuItem onClick={() => setAction({ kind: "roles", user: u })}>Edit roles…</MenuItem>
                  {(u.login_type || "password") === "password" && (
                    <MenuItem onClick={() => setAction({ kind: "password", user: u })}>Reset password…</MenuItem>
                  )}
                  {!isSuspended(u) ? (
                    <MenuItem disabled={u.id === me?.id} onClick={() => setAction({ kind: "suspend", user: u })}>
                      Suspend…
                    </MenuItem>
                  ) : (
                    <MenuItem
                      onClick={() => {
                        setStatusError(undefined);
                        status.mutate({ user: u, status: "active" }, { onError: setStatusError });
                      }}
                    >
                      Activate
                    </MenuItem>
                  )}
                  <MenuItem danger disabled={u.id === me?.id} onClick={() => setAction({ kind: "delete", user: u })}>
                    Delete…
                  </MenuItem>
                </RowMenu>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
      {action?.kind === "roles" && <RolesDialog user={action.user} onClose={close} />}
      {action?.kind === "password" && <ResetPasswordDialog user={action.user} onClose={close} />}
      {action?.kind === "suspend" && <SuspendDialog user={action.user} onClose={close} />}
      {action?.kind === "delete" && <DeleteUserDialog user={action.user} onClose={close} />}
    </>
  );
}

function SuspendDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const status = useSetUserStatus();
  return (
    <ConfirmDialog
      open
      title={`Suspend ${user.username}?`}
      confirmLabel="Suspend user"
      danger
      loading={status.isPending}
      onClose={onClose}
      onConfirm={() => status.mutate({ user, status: "suspended" }, { onSuccess: onClose })}
    >
      <p>They are signed out and cannot sign in or use their tokens until activated again. Their workspaces stay.</p>
      {status.isError && <ErrorAlert error={status.error} />}
    </ConfirmDialog>
  );
}

/** Deleting a user who owns workspaces is refused (409) with the count: shown as the server says it. */
function DeleteUserDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const del = useDeleteUser();
  return (
    <ConfirmDialog
      open
      title={`Delete ${user.username}?`}
      confirmLabel="Delete user"
      danger
      loading={del.isPending}
      onClose={onClose}
      onConfirm={() => del.mutate(user, { onSuccess: onClose })}
    >
      <p>The account, its sessions and its tokens are deleted. This cannot be undone.</p>
      {del.isError && <ErrorAlert error={del.error} title={isApiError(del.error) && del.error.status === 409 ? "The user still owns workspaces" : undefined} />}
    </ConfirmDialog>
  );
}

function RolesDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const roles = useSiteRoles();
  const update = useUpdateUserRoles();
  const [chosen, setChosen] = useState<Set<string>>(new Set((user.roles ?? []).map((r) => r.name ?? "")));
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
      title={`Roles of ${user.username}`}
      actions={
        <Button variant="primary" loading={update.isPending} disabled={!roles.data} onClick={() => update.mutate({ user, roles: [...chosen] }, { onSuccess: onClose })}>
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
          <legend>Site roles (every user is a member)</legend>
          {roles.data.map((r) => (
            <label key={r.name}>
              <input
                type="checkbox"
                checked={chosen.has(r.name ?? "")}
                disabled={!r.assignable}
                onChange={(e) => toggle(r.name ?? "", e.target.checked)}
              />
              {r.display_name || r.name}
              {!r.assignable && <span className="muted small">(you cannot assign this role)</span>}
            </label>
          ))}
        </fieldset>
      )}
      {update.isError && <ErrorAlert error={update.error} />}
    </Dialog>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const update = useUpdatePassword();
  const [password, setPassword] = useState("");
  const err = isApiError(update.error) ? update.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ user: user.id, req: { password } }, { onSuccess: onClose });
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Reset the password of ${user.username}`}
      actions={
        <Button type="submit" form="reset-password" variant="primary" loading={update.isPending}>
          Reset password
        </Button>
      }
    >
      <form id="reset-password" className="form-grid" onSubmit={submit} noValidate>
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={err?.fieldError("password")}
          hint="Their sessions stay signed in; tell them the new password."
        />
        {update.isError && !err?.fieldError("password") && <ErrorAlert error={update.error} />}
      </form>
    </Dialog>
  );
}

const emptyUser = { username: "", email: "", name: "", password: "", login_type: "password" as LoginType };

function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateUser();
  const [form, setForm] = useState(emptyUser);
  const err = isApiError(create.error) ? create.error : undefined;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const close = () => {
    create.reset();
    setForm(emptyUser);
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // A user without a password login must not be sent one.
    create.mutate(form.login_type === "password" ? form : { ...form, password: undefined }, { onSuccess: close });
  };
  const named = new Set(["username", "email", "name", "password", "login_type"]);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create a user"
      actions={
        <Button type="submit" form="create-user" variant="primary" loading={create.isPending}>
          Create user
        </Button>
      }
    >
      <form id="create-user" className="form-grid" onSubmit={submit} noValidate>
        <TextField label="Username" required autoFocus autoComplete="off" value={form.username} onChange={set("username")} error={err?.fieldError("username")} />
        <TextField label="Email" type="email" required autoComplete="off" value={form.email} onChange={set("email")} error={err?.fieldError("email")} />
        <TextField label="Full name (optional)" autoComplete="off" value={form.name} onChange={set("name")} error={err?.fieldError("name")} />
        <Select
          label="Login type"
          value={form.login_type}
          onChange={set("login_type")}
          error={err?.fieldError("login_type")}
          options={[
            { value: "password", label: "Password" },
            { value: "none", label: "None (API tokens only)" },
          ]}
        />
        {form.login_type === "password" && (
          <TextField
            label="Password"
            type="password"
            required
            autoComplete="new-password"
            value={form.password}
            onChange={set("password")}
            error={err?.fieldError("password")}
          />
        )}
        {create.isError && !err?.validations.some((v) => named.has(v.field)) && <ErrorAlert error={create.error} />}
      </form>
    </Dialog>
  );
}
