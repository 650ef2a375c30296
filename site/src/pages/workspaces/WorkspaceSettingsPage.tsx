import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api, isApiError } from "../../api/client";
import type { Group, User, Workspace } from "../../api/types";
import { useUpdateWorkspaceACL, useWorkspace, useWorkspaceACL, useWorkspaceSetting } from "../../api/workspaces";
import { ActionsHeader, Button, ErrorAlert, Loading, PageHeader, QueryState, Select, Table, TextField } from "../../components";
import { absoluteTime } from "../../utils/time";
import { browserTimezone, describeAutostart, formatAutostart, parseAutostart, WEEKDAYS } from "../../utils/schedule";
import { Component as NotFound } from "../NotFoundPage";

/** /@owner/name/settings: rename, schedule, sharing. */
export function Component() {
  const params = useParams();
  const owner = params.owner ?? "";
  const query = useWorkspace(owner.slice(1), params.workspace ?? "");
  if (!owner.startsWith("@")) return <NotFound />;
  return (
    <>
      <PageHeader title={`${params.workspace} settings`}>
        <Link to={`/${owner}/${params.workspace}`}>Back to the workspace</Link> · <Link to={`/${owner}/${params.workspace}/settings/parameters`}>Parameters</Link>
      </PageHeader>
      <QueryState query={query} loadingLabel="Loading workspace…">
        {(ws) => (
          <div className="stack settings">
            <RenameForm ws={ws} />
            <ScheduleForm ws={ws} />
            <Sharing ws={ws} />
          </div>
        )}
      </QueryState>
    </>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card stack" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Errors without a field go in an alert; field errors go on their field. */
function formError(err: unknown) {
  const e = isApiError(err) ? err : undefined;
  return { field: (name: string) => e?.fieldError(name), general: err && !e?.validations.length ? err : undefined };
}

function RenameForm({ ws }: { ws: Workspace }) {
  const navigate = useNavigate();
  const [name, setName] = useState(ws.name ?? "");
  const rename = useWorkspaceSetting(ws, (n: string) => api.patch(`/workspaces/${ws.id}`, { name: n }));
  const err = formError(rename.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    rename.mutate(name, { onSuccess: () => navigate(`/@${ws.owner_name}/${name}/settings`, { replace: true }) });
  };
  return (
    <Section id="general-title" title="General">
      <form className="stack" onSubmit={submit}>
        {err.general ? <ErrorAlert error={err.general} /> : null}
        <TextField
          label="Name"
          value={name}
          disabled={ws.allow_renames === false}
          onChange={(e) => setName(e.target.value)}
          error={err.field("name")}
          hint={ws.allow_renames === false ? "This deployment does not allow renaming workspaces." : "Letters, digits and hyphens."}
        />
        <div>
          <Button type="submit" variant="primary" loading={rename.isPending} disabled={name === ws.name}>
            Rename
          </Button>
        </div>
      </form>
    </Section>
  );
}

function ScheduleForm({ ws }: { ws: Workspace }) {
  const current = parseAutostart(ws.autostart_schedule);
  const [enabled, setEnabled] = useState(!!current);
  const [time, setTime] = useState(current?.time ?? "09:00");
  const [days, setDays] = useState<number[]>(current?.days ?? [1, 2, 3, 4, 5]);
  const [timezone, setTimezone] = useState(current?.timezone ?? browserTimezone());
  const [ttlHours, setTtlHours] = useState(ws.ttl_ms ? String(ws.ttl_ms / 3_600_000) : "");
  const [saved, setSaved] = useState(false);
  const save = useWorkspaceSetting(ws, async () => {
    await api.put(`/workspaces/${ws.id}/autostart`, { schedule: enabled ? formatAutostart({ timezone, time, days }) : "" });
    const hours = Number(ttlHours);
    await api.put(`/workspaces/${ws.id}/ttl`, { ttl_ms: ttlHours.trim() === "" || hours === 0 ? null : Math.round(hours * 3_600_000) });
  });
  const extend = useWorkspaceSetting(ws, (deadline: string) => api.put(`/workspaces/${ws.id}/extend`, { deadline }));
  const err = formError(save.error);
  const deadline = ws.latest_build?.deadline;
  const running = ws.latest_build?.status === "running" && deadline && !deadline.startsWith("0001-");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    save.mutate(undefined, { onSuccess: () => setSaved(true) });
  };
  return (
    <Section id="schedule-title" title="Schedule">
      <form className="stack" onSubmit={submit}>
        {err.general ? <ErrorAlert error={err.general} /> : null}
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Start automatically
        </label>
        <fieldset className="fieldset" disabled={!enabled}>
          <legend>Autostart</legend>
          <div className="row">
            <TextField label="Start time" type="time" value={time} onChange={(e) => setTime(e.target.value)} error={err.field("schedule")} />
            <TextField label="Timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)} />
          </div>
          <div className="row" role="group" aria-label="Days">
            {WEEKDAYS.map((d, i) => (
              <label key={d} className="check">
                <input
                  type="checkbox"
                  checked={days.includes(i)}
                  onChange={(e) => setDays(e.target.checked ? [...days, i] : days.filter((x) => x !== i))}
                />{" "}
                {d.slice(0, 3)}
              </label>
            ))}
          </div>
          {enabled && <p className="muted small">Starts at {describeAutostart({ timezone, time, days })}.</p>}
        </fieldset>
        <TextField
          label="Stop after (hours)"
          type="number"
          min={0}
          step="0.5"
          value={ttlHours}
          onChange={(e) => setTtlHours(e.target.value)}
          error={err.field("ttl_ms")}
          hint="How long after each start the workspace stops. Empty: the template's default."
        />
        <div className="row">
          <Button type="submit" variant="primary" loading={save.isPending}>
            Save schedule
          </Button>
          {saved && <span role="status">Schedule saved.</span>}
        </div>
      </form>
      {running && (
        <div className="stack">
          <p>
            This workspace stops at <strong>{absoluteTime(deadline)}</strong>.
          </p>
          {extend.error ? <ErrorAlert error={extend.error} /> : null}
          <div>
            <Button loading={extend.isPending} onClick={() => extend.mutate(new Date(Date.parse(deadline) + 3_600_000).toISOString())}>
              Extend by one hour
            </Button>
          </div>
        </div>
      )}
    </Section>
  );
}

function Sharing({ ws }: { ws: Workspace }) {
  const acl = useWorkspaceACL(ws.id);
  const update = useUpdateWorkspaceACL(ws.id ?? "");
  const [username, setUsername] = useState("");
  const [role, setRole] = useState("use");
  const [group, setGroup] = useState("");
  const [lookupError, setLookupError] = useState<unknown>();
  const groups = useGroups(ws.organization_id);
  const addUser = async (e: FormEvent) => {
    e.preventDefault();
    setLookupError(undefined);
    try {
      const user = await api.get<User>(`/users/${encodeURIComponent(username.trim())}`);
      update.mutate({ user_roles: { [user.id]: role } }, { onSuccess: () => setUsername("") });
    } catch (err) {
      setLookupError(err);
    }
  };
  const err = formError(update.error);
  return (
    <Section id="sharing-title" title="Sharing">
      <QueryState query={acl}>
        {(data) =>
          (data.users?.length ?? 0) + (data.group?.length ?? 0) === 0 ? (
            <p className="muted">Only {ws.owner_name} and administrators can use this workspace.</p>
          ) : (
            <Table caption="Shared with">
              <thead>
                <tr>
                  <th scope="col">User or group</th>
                  <th scope="col">Role</th>
                  <ActionsHeader />
                </tr>
              </thead>
              <tbody>
                {(data.users ?? []).map((u) => (
                  <tr key={u.id}>
                    <td>{u.username}</td>
                    <td>{u.role}</td>
                    <td>
                      <Button variant="ghost" onClick={() => update.mutate({ user_roles: { [u.id]: "" } })} aria-label={`Stop sharing with ${u.username}`}>
                        Remove
                      </Button>
                    </td>
                  </tr>
                ))}
                {(data.group ?? []).map((g) => (
                  <tr key={g.id}>
                    <td>Group {g.display_name || g.name}</td>
                    <td>{g.role}</td>
                    <td>
                      <Button
                        variant="ghost"
                        onClick={() => update.mutate({ group_roles: { [g.id ?? ""]: "" } })}
                        aria-label={`Stop sharing with group ${g.display_name || g.name}`}
                      >
                        Remove
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )
        }
      </QueryState>
      {err.general ? <ErrorAlert error={err.general} /> : null}
      {lookupError ? <ErrorAlert error={lookupError} title="No such user" /> : null}
      <form className="toolbar" onSubmit={(e) => void addUser(e)} aria-label="Share with a user">
        <TextField label="Username" value={username} onChange={(e) => setUsername(e.target.value)} error={err.field("user_roles")} required />
        <Select
          label="Role"
          value={role}
          onChange={(e) => setRole(e.target.value)}
          options={[
            { value: "use", label: "Use" },
            { value: "admin", label: "Admin" },
          ]}
        />
        <Button type="submit" loading={update.isPending} disabled={!username.trim()}>
          Share
        </Button>
      </form>
      {groups.data && groups.data.length > 0 && (
        <form
          className="toolbar"
          aria-label="Share with a group"
          onSubmit={(e) => {
            e.preventDefault();
            if (group) update.mutate({ group_roles: { [group]: role } });
          }}
        >
          <Select
            label="Group"
            value={group}
            onChange={(e) => setGroup(e.target.value)}
            error={err.field("group_roles")}
            options={[{ value: "", label: "Choose a group" }, ...groups.data.map((g) => ({ value: g.id ?? "", label: g.display_name || g.name || "" }))]}
          />
          <Button type="submit" disabled={!group}>
            Share with group
          </Button>
        </form>
      )}
      {groups.isPending && <Loading label="Loading groups…" />}
    </Section>
  );
}

function useGroups(orgId: string | undefined) {
  return useQuery({
    queryKey: ["groups", orgId ?? ""],
    queryFn: ({ signal }) => api.get<Group[]>(`/organizations/${orgId}/groups`, { signal }),
    enabled: !!orgId,
  });
}
