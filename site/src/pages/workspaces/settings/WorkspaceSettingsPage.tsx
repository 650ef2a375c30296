// A workspace's settings: rename and updates, parameters (a new build with
// changed values), schedule, sharing. A route of its own next to the
// workspace page (/@owner/name/settings/...).
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, isApiError } from "../../../api/client";
import { useWatchWorkspaces } from "../../../api/live";
import { useRichParameters, useTemplate } from "../../../api/templates";
import { storeWorkspace, useWorkspace, isBuilding } from "../../../api/workspaces";
import {
  useBuildParameters,
  useBuildWithParameters,
  useExtendDeadline,
  useOrganizationGroups,
  useOrganizationMembers,
  useRenameWorkspace,
  useUpdateSchedule,
  useUpdateWorkspaceACL,
  useWorkspaceACL,
} from "../../../api/workspaceSettings";
import type { TemplateVersionParameter, Workspace, WorkspaceRole } from "../../../api/types";
import { Button, ButtonLink, ErrorAlert, Loading, PageHeader, QueryState, Select, TextField } from "../../../components";
import { Checkbox, ChoiceGroup, TabLinks } from "../../../components/FormFields";
import { nameProblem } from "../../../utils/names";
import { buildParameterValues, initialValues, validateParameters, type ParameterValues } from "../../../utils/parameters";
import { WEEKDAYS, browserTimezone, formatAutostart, hoursToMs, msToHours, parseAutostart, type Weekday } from "../../../utils/schedule";
import { absoluteTime, relativeTime } from "../../../utils/time";
import { Component as NotFound } from "../../NotFoundPage";
import { AccessEditor, type AccessEntry, type Candidate } from "../../templates/AccessEditor";
import { ParameterFields } from "../../templates/ParameterFields";

const sections = ["general", "parameters", "schedule", "sharing"];

export function Component() {
  const params = useParams();
  const ownerParam = params.owner ?? "";
  const section = params.section ?? "general";
  if (!ownerParam.startsWith("@") || ownerParam.length < 2 || !sections.includes(section)) return <NotFound />;
  return <Settings owner={ownerParam.slice(1)} name={params.workspace ?? ""} section={section} />;
}

function Settings({ owner, name, section }: { owner: string; name: string; section: string }) {
  const query = useWorkspace(owner, name);
  // Held here: a saved schedule remounts its form (its key), and "Saved."
  // must outlive that.
  const saveSchedule = useUpdateSchedule();
  useWatchWorkspaces(query.data?.id ? [query.data.id] : []);
  if (query.isPending) return <Loading label="Loading workspace…" />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={`Settings of ${name}`} />
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const ws = query.data;
  const page = `/@${ws.owner_name}/${ws.name}`;
  const base = `${page}/settings`;
  return (
    <>
      <PageHeader title={`Settings of ${ws.name}`} actions={<ButtonLink to={page}>Back to the workspace</ButtonLink>}>
        {ws.owner_name} · template {ws.template_display_name || ws.template_name}
      </PageHeader>
      <TabLinks
        label="Workspace settings sections"
        tabs={[
          { to: base, label: "General" },
          { to: `${base}/parameters`, label: "Parameters" },
          { to: `${base}/schedule`, label: "Schedule" },
          { to: `${base}/sharing`, label: "Sharing" },
        ]}
      />
      {section === "general" && <General ws={ws} />}
      {section === "parameters" && <Parameters ws={ws} />}
      {section === "schedule" && <Schedule key={`${ws.autostart_schedule}|${ws.ttl_ms}`} ws={ws} save={saveSchedule} />}
      {section === "sharing" && <Sharing ws={ws} />}
    </>
  );
}

function General({ ws }: { ws: Workspace }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const rename = useRenameWorkspace();
  const [name, setName] = useState(ws.name ?? "");
  const [problem, setProblem] = useState<string | undefined>();
  const updates = useMutation({
    mutationFn: async (value: "always" | "never") => {
      await api.put(`/workspaces/${ws.id}/autoupdates`, { automatic_updates: value });
      storeWorkspace(qc, await api.get<Workspace>(`/workspaces/${ws.id}`));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = nameProblem(name);
    setProblem(p);
    if (p) return;
    rename.mutate({ ws, name }, { onSuccess: (fresh) => navigate(`/@${fresh.owner_name}/${fresh.name}/settings`, { replace: true }) });
  };
  const fieldError = problem ?? (isApiError(rename.error) ? rename.error.fieldError("name") : undefined);
  return (
    <div className="stack form">
      <form className="form-section" onSubmit={submit} noValidate aria-label="Rename">
        <TextField
          label="Workspace name"
          value={name}
          readOnly={ws.allow_renames === false}
          onChange={(e) => {
            setName(e.target.value);
            setProblem(undefined);
          }}
          error={fieldError}
          hint={ws.allow_renames === false ? "The deployment does not allow renaming workspaces." : "Renaming changes the workspace's URL and its host names."}
        />
        {rename.error && !fieldError ? <ErrorAlert error={rename.error} /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={rename.isPending} disabled={name === ws.name || ws.allow_renames === false}>
            Rename
          </Button>
        </div>
      </form>
      <section className="form-section" aria-labelledby="updates-title">
        <h2 id="updates-title">Updates</h2>
        <ChoiceGroup
          legend="When the template has a new active version"
          value={ws.automatic_updates ?? "never"}
          disabled={updates.isPending}
          onChange={(v) => updates.mutate(v as "always" | "never")}
          options={[
            { value: "never", label: "Update when I choose", description: "The workspace page offers the update." },
            { value: "always", label: "Update at every start" },
          ]}
        />
        {updates.error ? <ErrorAlert error={updates.error} /> : null}
      </section>
    </div>
  );
}

function Parameters({ ws }: { ws: Workspace }) {
  const build = ws.latest_build;
  const params = useRichParameters(build?.template_version_id);
  const values = useBuildParameters(build?.id);
  if (params.isPending || values.isPending) return <Loading label="Loading parameters…" />;
  if (params.isError || values.isError) {
    const q = params.isError ? params : values;
    return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  }
  const previous: ParameterValues = {};
  for (const v of values.data) if (v.name) previous[v.name] = v.value ?? "";
  return <ParametersForm key={build?.id} ws={ws} params={params.data} previous={previous} />;
}

function ParametersForm({ ws, params, previous }: { ws: Workspace; params: TemplateVersionParameter[]; previous: ParameterValues }) {
  const navigate = useNavigate();
  const build = useBuildWithParameters();
  const [values, setValues] = useState(() => initialValues(params, { previous }));
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const server = (n: string) => (isApiError(build.error) ? build.error.fieldError(n) : undefined);
  const fieldErrors: Record<string, string | undefined> = {};
  for (const p of params) fieldErrors[p.name ?? ""] = errors[p.name ?? ""] ?? server(p.name ?? "");
  const changed = buildParameterValues(params, values, previous);
  const busy = isBuilding(ws);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateParameters(params, values, previous);
    setErrors(found);
    if (Object.keys(found).length) return;
    // Not mutate's onSuccess: the new build remounts this form (its key)
    // before that would run, and React Query skips callbacks of unmounted
    // observers; the promise resolves regardless.
    build
      .mutateAsync({ ws, values: changed, versionId: ws.latest_build?.template_version_id })
      .then(() => navigate(`/@${ws.owner_name}/${ws.name}`))
      .catch(() => {}); // shown from build.error
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Parameters">
      <p className="muted">
        Saving starts a new build of the workspace with these values (version {ws.latest_build?.template_version_name}). Immutable parameters keep the value they were created with.
      </p>
      <ParameterFields
        params={params}
        values={values}
        previous={previous}
        errors={fieldErrors}
        onChange={(n, v) => {
          setValues((cur) => ({ ...cur, [n]: v }));
          setErrors((cur) => ({ ...cur, [n]: undefined }));
        }}
      />
      {build.error && !params.some((p) => server(p.name ?? "")) ? <ErrorAlert error={build.error} title="The build was not started" /> : null}
      {busy && <p className="muted">A build is in progress; wait for it to finish.</p>}
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={build.isPending} disabled={busy || changed.length === 0}>
          Save and rebuild
        </Button>
      </div>
    </form>
  );
}

function Schedule({ ws, save }: { ws: Workspace; save: ReturnType<typeof useUpdateSchedule> }) {
  const template = useTemplate(ws.organization_name ?? "", ws.template_name ?? "");
  const parsed = parseAutostart(ws.autostart_schedule);
  const [autostartOn, setAutostartOn] = useState(!!ws.autostart_schedule);
  const [time, setTime] = useState(parsed?.time ?? "09:00");
  const [days, setDays] = useState<Weekday[]>(parsed?.days ?? ["monday", "tuesday", "wednesday", "thursday", "friday"]);
  const [tz, setTz] = useState(parsed?.timezone ?? browserTimezone());
  const [ttlOn, setTtlOn] = useState(!!ws.ttl_ms);
  const [ttl, setTtl] = useState(msToHours(ws.ttl_ms) || "8");
  const [local, setLocal] = useState<Record<string, string | undefined>>({});
  const fe = (f: string) => local[f] ?? (isApiError(save.error) ? save.error.fieldError(f) : undefined);
  const t = template.data;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string | undefined> = {};
    if (autostartOn && days.length === 0) problems.schedule = "choose at least one day";
    if (autostartOn && !/^\d{2}:\d{2}$/.test(time)) problems.schedule = "choose a time";
    const ttlMs = ttlOn ? hoursToMs(ttl) : null;
    if (ttlOn && (!ttlMs || Number.isNaN(ttlMs))) problems.ttl_ms = "must be a positive number of hours";
    setLocal(problems);
    if (Object.values(problems).some(Boolean)) return;
    const schedule = autostartOn ? formatAutostart({ time, days, timezone: tz }) : "";
    save.mutate({
      ws,
      change: {
        autostart: schedule !== (ws.autostart_schedule ?? "") ? schedule : undefined,
        ttlMs: ttlMs !== (ws.ttl_ms || null) ? ttlMs : undefined,
      },
    });
  };
  const allowedStart = t?.autostart_requirement?.days_of_week;
  return (
    <div className="stack form">
      <form className="form" onSubmit={submit} noValidate aria-label="Schedule">
        <section className="form-section" aria-labelledby="autostart-title">
          <h2 id="autostart-title">Autostart</h2>
          {t && !t.allow_user_autostart && <p className="muted">The template does not allow users to set autostart.</p>}
          <Checkbox label="Start the workspace on a schedule" checked={autostartOn} onChange={(e) => setAutostartOn(e.target.checked)} disabled={t?.allow_user_autostart === false} />
          {autostartOn && (
            <>
              <TextField label="Start time" type="time" value={time} onChange={(e) => setTime(e.target.value)} />
              <ChoiceGroup
                legend="Days"
                multiple
                className="days"
                values={days}
                onChangeMany={(v) => setDays(WEEKDAYS.filter((d) => v.includes(d)))}
                options={WEEKDAYS.map((d) => ({ value: d, label: d[0]!.toUpperCase() + d.slice(1), description: allowedStart && !allowedStart.includes(d) ? "not allowed by the template" : undefined }))}
              />
              <TextField label="Time zone" value={tz} onChange={(e) => setTz(e.target.value)} hint="An IANA time zone, such as Europe/Berlin." error={fe("schedule")} />
            </>
          )}
          {!autostartOn && fe("schedule") && <p className="field-error">{fe("schedule")}</p>}
        </section>
        <section className="form-section" aria-labelledby="autostop-title">
          <h2 id="autostop-title">Autostop</h2>
          {t && !t.allow_user_autostop && <p className="muted">The template does not allow users to change when workspaces stop.</p>}
          <Checkbox label="Stop the workspace after it has run for a while" checked={ttlOn} onChange={(e) => setTtlOn(e.target.checked)} disabled={t?.allow_user_autostop === false} />
          {ttlOn && <TextField label="Stop after (hours)" inputMode="decimal" value={ttl} onChange={(e) => setTtl(e.target.value)} error={fe("ttl_ms")} />}
          {!ttlOn && fe("ttl_ms") && <p className="field-error">{fe("ttl_ms")}</p>}
        </section>
        {save.error && !fe("schedule") && !fe("ttl_ms") ? <ErrorAlert error={save.error} /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={save.isPending}>
            Save schedule
          </Button>
          <span role="status" className="muted">
            {save.isSuccess ? "Saved." : ""}
          </span>
        </div>
      </form>
      <Deadline ws={ws} />
    </div>
  );
}

function Deadline({ ws }: { ws: Workspace }) {
  const extend = useExtendDeadline();
  const [hours, setHours] = useState("1");
  const deadline = ws.latest_build?.deadline;
  const running = ws.latest_build?.status === "running";
  const has = !!deadline && !deadline.startsWith("0001-");
  const fe = isApiError(extend.error) ? extend.error.fieldError("deadline") : undefined;
  return (
    <section className="card form-section" aria-labelledby="deadline-title">
      <h2 id="deadline-title">Today's stop</h2>
      {!running ? (
        <p className="muted">The workspace is not running.</p>
      ) : !has ? (
        <p className="muted">The workspace runs until it is stopped.</p>
      ) : (
        <form
          className="form-section"
          onSubmit={(e) => {
            e.preventDefault();
            const ms = hoursToMs(hours);
            if (!ms || Number.isNaN(ms)) return;
            extend.mutate({ ws, deadline: new Date(Date.now() + ms) });
          }}
          aria-label="Extend the deadline"
        >
          <p>
            Stops <span title={absoluteTime(deadline)}>{relativeTime(deadline)}</span>
            {ws.latest_build?.max_deadline && !ws.latest_build.max_deadline.startsWith("0001-") && <> (at the latest {absoluteTime(ws.latest_build.max_deadline)})</>}.
          </p>
          <Select
            label="Stop in"
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            error={fe}
            options={["1", "2", "4", "8"].map((h) => ({ value: h, label: `${h} hour${h === "1" ? "" : "s"} from now` }))}
          />
          {extend.error && !fe ? <ErrorAlert error={extend.error} /> : null}
          <div className="form-actions">
            <Button type="submit" loading={extend.isPending}>
              Extend
            </Button>
            <span role="status" className="muted">
              {extend.isSuccess ? "Deadline moved." : ""}
            </span>
          </div>
        </form>
      )}
    </section>
  );
}

function Sharing({ ws }: { ws: Workspace }) {
  const acl = useWorkspaceACL(ws.id);
  const members = useOrganizationMembers(ws.organization_id);
  const groups = useOrganizationGroups(ws.organization_id);
  const update = useUpdateWorkspaceACL(ws.id ?? "");
  return (
    <QueryState query={acl} loadingLabel="Loading sharing…">
      {(data) => {
        const entries: AccessEntry[] = [
          ...(data.group ?? []).map((g) => ({ kind: "group" as const, id: g.id ?? "", name: g.display_name || g.name || "", role: g.role ?? "use" })),
          ...(data.users ?? []).map((u) => ({ kind: "user" as const, id: u.id ?? "", name: u.username ?? "", role: u.role ?? "use" })),
        ];
        const candidates: Candidate[] = [
          ...(groups.data ?? []).map((g) => ({ kind: "group" as const, id: g.id ?? "", name: g.display_name || g.name || "" })),
          ...(members.data ?? []).filter((m) => m.user_id !== ws.owner_id).map((m) => ({ kind: "user" as const, id: m.user_id ?? "", name: m.username ?? "" })),
        ];
        return (
          <div className="stack form">
            <p className="muted">
              Use lets people connect to the workspace and its apps; Admin lets them also change and share it. See it from <Link to={`/@${ws.owner_name}/${ws.name}`}>its page</Link>.
            </p>
            {members.isError ? <ErrorAlert error={members.error} title="Could not load the organization's members" /> : null}
            <AccessEditor
              label="Workspace sharing"
              entries={entries}
              candidates={candidates}
              pending={update.isPending}
              error={update.error}
              onSet={(kind, id, role) =>
                update.mutate(kind === "user" ? { user_roles: { [id]: role as WorkspaceRole } } : { group_roles: { [id]: role as WorkspaceRole } })
              }
            />
          </div>
        );
      }}
    </QueryState>
  );
}
