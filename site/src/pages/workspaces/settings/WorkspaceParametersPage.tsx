// A workspace's parameters: a new build with changed values, and whether
// starts follow the template's active version. Its own route next to the
// workspace settings page (/@owner/name/settings/parameters).
import { useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, isApiError } from "../../../api/client";
import { useWatchWorkspaces } from "../../../api/live";
import { useRichParameters } from "../../../api/templates";
import { storeWorkspace, useWorkspace, isBuilding } from "../../../api/workspaces";
import { useBuildParameters, useBuildWithParameters } from "../../../api/workspaceSettings";
import type { TemplateVersionParameter, Workspace } from "../../../api/types";
import { Button, ButtonLink, ErrorAlert, Loading, PageHeader } from "../../../components";
import { ChoiceGroup } from "../../../components/FormFields";
import { buildParameterValues, initialValues, validateParameters, type ParameterValues } from "../../../utils/parameters";
import { Component as NotFound } from "../../NotFoundPage";
import { ParameterFields } from "../../templates/ParameterFields";

export function Component() {
  const params = useParams();
  const ownerParam = params.owner ?? "";
  if (!ownerParam.startsWith("@") || ownerParam.length < 2) return <NotFound />;
  return <ParametersPage owner={ownerParam.slice(1)} name={params.workspace ?? ""} />;
}

function ParametersPage({ owner, name }: { owner: string; name: string }) {
  const query = useWorkspace(owner, name);
  useWatchWorkspaces(query.data?.id ? [query.data.id] : []);
  if (query.isPending) return <Loading label="Loading workspace…" />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={`Parameters of ${name}`} />
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const ws = query.data;
  const page = `/@${ws.owner_name}/${ws.name}`;
  return (
    <>
      <PageHeader
        title={`Parameters of ${ws.name}`}
        actions={
          <>
            <ButtonLink to={`${page}/settings`}>Settings</ButtonLink>
            <ButtonLink to={page}>Back to the workspace</ButtonLink>
          </>
        }
      >
        {ws.owner_name} · template {ws.template_display_name || ws.template_name}
      </PageHeader>
      <div className="stack form">
        <Parameters ws={ws} />
        <Updates ws={ws} />
      </div>
    </>
  );
}

function Updates({ ws }: { ws: Workspace }) {
  const qc = useQueryClient();
  const updates = useMutation({
    mutationFn: async (value: "always" | "never") => {
      await api.put(`/workspaces/${ws.id}/autoupdates`, { automatic_updates: value });
      storeWorkspace(qc, await api.get<Workspace>(`/workspaces/${ws.id}`));
    },
  });
  return (
    <section className="form-section card" aria-labelledby="updates-title">
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

