import { useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router";
import { isApiError } from "../../api/client";
import { useDeleteTemplate, useTemplate, useTemplateACL, useTemplateACLAvailable, useUpdateTemplate, useUpdateTemplateACL } from "../../api/templates";
import type { Template, UpdateTemplateMeta } from "../../api/types";
import { Button, ButtonLink, ConfirmDialog, ErrorAlert, Loading, PageHeader, QueryState, TextField } from "../../components";
import { Checkbox, ChoiceGroup, TabLinks, TextArea } from "../../components/FormFields";
import { nameProblem } from "../../utils/names";
import { WEEKDAYS, daysToMs, hoursToMs, msToDays, msToHours, type Weekday } from "../../utils/templateSchedule";
import { Component as NotFound } from "../NotFoundPage";
import { AccessEditor, type AccessEntry, type Candidate } from "./AccessEditor";
import { templatePath, templateTitle, useTemplateParams } from "./common";

const sections = ["general", "schedule", "permissions"] as const;

export function Component() {
  const { org, name } = useTemplateParams();
  const section = useParams().section ?? "general";
  const template = useTemplate(org, name);
  // Held here, not in the forms: a save remounts the form (its key), and
  // the "Saved." and errors must outlive that.
  const updateGeneral = useUpdateTemplate();
  const updateSchedule = useUpdateTemplate();
  if (!(sections as readonly string[]).includes(section)) return <NotFound />;
  if (template.isPending) return <Loading label="Loading template…" />;
  if (template.isError) {
    return (
      <>
        <PageHeader title="Template settings" />
        <ErrorAlert error={template.error} onRetry={() => void template.refetch()} />
      </>
    );
  }
  const t = template.data;
  const base = `${templatePath(t)}/settings`;
  return (
    <>
      <PageHeader title={`Settings of ${templateTitle(t)}`} actions={<ButtonLink to={templatePath(t)}>Back to the template</ButtonLink>} />
      <TabLinks
        label="Settings sections"
        tabs={[
          { to: base, label: "General" },
          { to: `${base}/schedule`, label: "Schedule" },
          { to: `${base}/permissions`, label: "Permissions" },
        ]}
      />
      {/* Keyed by updated_at: a saved change starts the form from the server's values. */}
      {section === "general" && <General key={t.updated_at} t={t} update={updateGeneral} />}
      {section === "schedule" && <Schedule key={t.updated_at} t={t} update={updateSchedule} />}
      {section === "permissions" && <Permissions t={t} />}
    </>
  );
}

/**
 * The whole settings body as the template has it now: PATCH takes absent
 * booleans and durations as false and 0, so every save sends them all.
 */
function currentMeta(t: Template): UpdateTemplateMeta {
  return {
    default_ttl_ms: t.default_ttl_ms,
    activity_bump_ms: t.activity_bump_ms,
    autostop_requirement: t.autostop_requirement,
    autostart_requirement: t.autostart_requirement,
    allow_user_autostart: t.allow_user_autostart,
    allow_user_autostop: t.allow_user_autostop,
    allow_user_cancel_workspace_jobs: t.allow_user_cancel_workspace_jobs,
    failure_ttl_ms: t.failure_ttl_ms,
    time_til_dormant_ms: t.time_til_dormant_ms,
    time_til_dormant_autodelete_ms: t.time_til_dormant_autodelete_ms,
    require_active_version: t.require_active_version,
  };
}

function Saved({ show }: { show: boolean }) {
  return (
    <span role="status" className="muted">
      {show ? "Saved." : ""}
    </span>
  );
}

type UpdateMutation = ReturnType<typeof useUpdateTemplate>;

function General({ t, update }: { t: Template; update: UpdateMutation }) {
  const navigate = useNavigate();
  const del = useDeleteTemplate();
  const [name, setName] = useState(t.name ?? "");
  const [displayName, setDisplayName] = useState(t.display_name ?? "");
  const [description, setDescription] = useState(t.description ?? "");
  const [icon, setIcon] = useState(t.icon ?? "");
  const [deprecation, setDeprecation] = useState(t.deprecation_message ?? "");
  const [nameError, setNameError] = useState<string | undefined>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const fe = (f: string) => (isApiError(update.error) ? update.error.fieldError(f) : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problem = nameProblem(name);
    setNameError(problem);
    if (problem) return;
    update.mutate(
      { id: t.id ?? "", req: { ...currentMeta(t), name, display_name: displayName, description, icon, deprecation_message: deprecation } },
      {
        onSuccess: (saved) => {
          if (saved?.name && saved.name !== t.name) navigate(`${templatePath(saved)}/settings`, { replace: true });
        },
      },
    );
  };
  return (
    <div className="stack">
      <form className="form" onSubmit={submit} noValidate aria-label="General settings">
        <TextField
          label="Name"
          value={name}
          required
          onChange={(e) => {
            setName(e.target.value);
            setNameError(undefined);
          }}
          error={nameError ?? fe("name")}
          hint="Changing it changes the template's URL."
        />
        <TextField label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} error={fe("display_name")} />
        <TextArea label="Description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} error={fe("description")} />
        <TextField label="Icon" value={icon} onChange={(e) => setIcon(e.target.value)} error={fe("icon")} hint="A path on this server, such as /icon/code.svg." />
        <TextArea
          label="Deprecation message"
          rows={2}
          value={deprecation}
          onChange={(e) => setDeprecation(e.target.value)}
          error={fe("deprecation_message")}
          hint="Non-empty deprecates the template: no new workspaces can be made from it, and users see this message."
        />
        {update.error && !["name", "display_name", "description", "icon", "deprecation_message"].some((f) => fe(f)) ? <ErrorAlert error={update.error} /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={update.isPending}>
            Save
          </Button>
          <Saved show={update.isSuccess} />
        </div>
      </form>
      <section className="card stack" aria-labelledby="danger-title">
        <h2 id="danger-title">Delete the template</h2>
        <p className="muted">Only a template without workspaces can be deleted.</p>
        {del.error ? <ErrorAlert error={del.error} /> : null}
        <div>
          <Button variant="danger" onClick={() => setConfirmDelete(true)}>
            Delete template…
          </Button>
        </div>
        <ConfirmDialog
          open={confirmDelete}
          title={`Delete ${templateTitle(t)}?`}
          confirmLabel="Delete template"
          danger
          loading={del.isPending}
          onClose={() => setConfirmDelete(false)}
          onConfirm={() =>
            del.mutate(t.id ?? "", {
              onSuccess: () => navigate("/templates"),
              onSettled: () => setConfirmDelete(false),
            })
          }
        >
          Its versions are kept for the audit log, but no one can use it any more.
        </ConfirmDialog>
      </section>
    </div>
  );
}

function DayPicker({ legend, value, onChange, error, hint }: { legend: string; value: Weekday[]; onChange: (d: Weekday[]) => void; error?: string; hint?: string }) {
  return (
    <ChoiceGroup
      legend={legend}
      multiple
      className="days"
      values={value}
      onChangeMany={(v) => onChange(WEEKDAYS.filter((d) => v.includes(d)))}
      error={error}
      hint={hint}
      options={WEEKDAYS.map((d) => ({ value: d, label: d[0]!.toUpperCase() + d.slice(1) }))}
    />
  );
}

function Schedule({ t, update }: { t: Template; update: UpdateMutation }) {
  const [f, setF] = useState({
    defaultTTL: msToHours(t.default_ttl_ms),
    activityBump: msToHours(t.activity_bump_ms),
    stopDays: (t.autostop_requirement?.days_of_week ?? []) as Weekday[],
    stopWeeks: String(t.autostop_requirement?.weeks || 1),
    startDays: (t.autostart_requirement?.days_of_week ?? []) as Weekday[],
    allowAutostart: !!t.allow_user_autostart,
    allowAutostop: !!t.allow_user_autostop,
    allowCancel: !!t.allow_user_cancel_workspace_jobs,
    requireActive: !!t.require_active_version,
    failureTTL: msToDays(t.failure_ttl_ms),
    dormantTTL: msToDays(t.time_til_dormant_ms),
    deleteTTL: msToDays(t.time_til_dormant_autodelete_ms),
  });
  const [local, setLocal] = useState<Record<string, string | undefined>>({});
  const set = <K extends keyof typeof f>(k: K, v: (typeof f)[K]) => setF((cur) => ({ ...cur, [k]: v }));
  const fe = (field: string) => local[field] ?? (isApiError(update.error) ? update.error.fieldError(field) : undefined);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const numbers = {
      default_ttl_ms: hoursToMs(f.defaultTTL),
      activity_bump_ms: hoursToMs(f.activityBump),
      failure_ttl_ms: daysToMs(f.failureTTL),
      time_til_dormant_ms: daysToMs(f.dormantTTL),
      time_til_dormant_autodelete_ms: daysToMs(f.deleteTTL),
    };
    const problems: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(numbers)) if (Number.isNaN(v)) problems[k] = "must be a non-negative number";
    const weeks = Number(f.stopWeeks);
    if (!Number.isInteger(weeks) || weeks < 1) problems["autostop_requirement.weeks"] = "must be a whole number of weeks, at least 1";
    setLocal(problems);
    if (Object.values(problems).some(Boolean)) return;
    update.mutate({
      id: t.id ?? "",
      req: {
        ...currentMeta(t),
        ...numbers,
        autostop_requirement: { days_of_week: f.stopDays, weeks },
        autostart_requirement: { days_of_week: f.startDays },
        allow_user_autostart: f.allowAutostart,
        allow_user_autostop: f.allowAutostop,
        allow_user_cancel_workspace_jobs: f.allowCancel,
        require_active_version: f.requireActive,
      },
    });
  };
  const known = ["default_ttl_ms", "activity_bump_ms", "failure_ttl_ms", "time_til_dormant_ms", "time_til_dormant_autodelete_ms", "autostop_requirement.days_of_week", "autostop_requirement.weeks", "autostart_requirement.days_of_week"];
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Schedule settings">
      <section className="form-section" aria-labelledby="stop-title">
        <h2 id="stop-title">Stopping</h2>
        <TextField label="Default autostop (hours)" inputMode="decimal" value={f.defaultTTL} onChange={(e) => set("defaultTTL", e.target.value)} error={fe("default_ttl_ms")} hint="How long a workspace runs after it starts; empty for no limit." />
        <TextField label="Activity bump (hours)" inputMode="decimal" value={f.activityBump} onChange={(e) => set("activityBump", e.target.value)} error={fe("activity_bump_ms")} hint="How far use of a workspace pushes its stop back." />
        <Checkbox label="Users may change when their workspaces stop" checked={f.allowAutostop} onChange={(e) => set("allowAutostop", e.target.checked)} />
        <DayPicker
          legend="Autostop requirement: days"
          value={f.stopDays}
          onChange={(d) => set("stopDays", d)}
          error={fe("autostop_requirement.days_of_week")}
          hint="Workspaces must stop on these days (in the user's quiet hours), whatever their own schedule."
        />
        <TextField label="Autostop requirement: every N weeks" inputMode="numeric" value={f.stopWeeks} onChange={(e) => set("stopWeeks", e.target.value)} error={fe("autostop_requirement.weeks")} />
      </section>
      <section className="form-section" aria-labelledby="start-title">
        <h2 id="start-title">Starting</h2>
        <Checkbox label="Users may set autostart" checked={f.allowAutostart} onChange={(e) => set("allowAutostart", e.target.checked)} />
        <DayPicker legend="Days autostart is allowed" value={f.startDays} onChange={(d) => set("startDays", d)} error={fe("autostart_requirement.days_of_week")} />
        <Checkbox label="Require the active version" checked={f.requireActive} onChange={(e) => set("requireActive", e.target.checked)} hint="Workspaces update to the active version when they start." />
        <Checkbox label="Users may cancel their workspaces' builds" checked={f.allowCancel} onChange={(e) => set("allowCancel", e.target.checked)} />
      </section>
      <section className="form-section" aria-labelledby="cleanup-title">
        <h2 id="cleanup-title">Clean-up</h2>
        <TextField label="Stop failed workspaces after (days)" inputMode="decimal" value={f.failureTTL} onChange={(e) => set("failureTTL", e.target.value)} error={fe("failure_ttl_ms")} hint="Empty to keep them." />
        <TextField label="Mark unused workspaces dormant after (days)" inputMode="decimal" value={f.dormantTTL} onChange={(e) => set("dormantTTL", e.target.value)} error={fe("time_til_dormant_ms")} hint="Empty to never mark them dormant." />
        <TextField label="Delete dormant workspaces after (days)" inputMode="decimal" value={f.deleteTTL} onChange={(e) => set("deleteTTL", e.target.value)} error={fe("time_til_dormant_autodelete_ms")} hint="Empty to keep them." />
      </section>
      {update.error && !known.some((k) => fe(k)) ? <ErrorAlert error={update.error} /> : null}
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={update.isPending}>
          Save schedule
        </Button>
        <Saved show={update.isSuccess} />
      </div>
    </form>
  );
}

function Permissions({ t }: { t: Template }) {
  const acl = useTemplateACL(t.id);
  const available = useTemplateACLAvailable(t.id);
  const update = useUpdateTemplateACL(t.id ?? "");
  return (
    <QueryState query={acl} loadingLabel="Loading permissions…">
      {(data) => {
        const entries: AccessEntry[] = [
          ...(data.group ?? []).map((g) => ({ kind: "group" as const, id: g.id ?? "", name: g.display_name || g.name || "", detail: `${g.total_member_count ?? 0} members`, role: g.role ?? "use" })),
          ...(data.users ?? []).map((u) => ({ kind: "user" as const, id: u.id ?? "", name: u.username ?? "", detail: u.email, role: u.role ?? "use" })),
        ];
        const candidates: Candidate[] = [
          ...(available.data?.groups ?? []).map((g) => ({ kind: "group" as const, id: g.id ?? "", name: g.display_name || g.name || "" })),
          ...(available.data?.users ?? []).map((u) => ({ kind: "user" as const, id: u.id ?? "", name: u.username ?? "" })),
        ];
        return (
          <div className="stack form">
            <p className="muted">Use lets people create workspaces from the template; Admin lets them change it too. Owners and template admins always have access.</p>
            {available.isError ? <ErrorAlert error={available.error} title="Could not load who can be added" /> : null}
            <AccessEditor
              label="Template permissions"
              entries={entries}
              candidates={candidates}
              pending={update.isPending}
              error={update.error}
              onSet={(kind, id, role) => update.mutate(kind === "user" ? { user_perms: { [id]: role as "use" } } : { group_perms: { [id]: role as "use" } })}
            />
          </div>
        );
      }}
    </QueryState>
  );
}
