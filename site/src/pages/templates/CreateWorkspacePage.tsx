import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { isApiError } from "../../api/client";
import { usePresets, useRichParameters, useTemplate, useTemplates } from "../../api/templates";
import { useWorkspaces } from "../../api/workspaces";
import { useAvailableOwners, useCreateWorkspace } from "../../api/workspaceSettings";
import { useMe } from "../../api/auth";
import type { Preset, Template, TemplateVersionParameter } from "../../api/types";
import { Button, ButtonLink, EmptyState, ErrorAlert, Loading, PageHeader, Select, TextField } from "../../components";
import { ChoiceGroup } from "../../components/FormFields";
import { nameProblem, suggestWorkspaceName } from "../../utils/names";
import { initialValues, validateParameters, type ParameterValues } from "../../utils/parameters";
import { ParameterFields } from "./ParameterFields";
import { templatePath, templateTitle, useTemplateParams } from "./common";

/**
 * Create a workspace: /templates/{org}/{name}/workspace with the template
 * chosen, or /workspaces/new to pick one first.
 */
export function Component() {
  const { org, name } = useTemplateParams();
  const template = useTemplate(org, name);
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="Create a workspace" actions={<ButtonLink to="/templates">All templates</ButtonLink>} />
      <div className="form">
        <TemplatePicker value={name ? `${org}/${name}` : ""} onChange={(t) => navigate(`${templatePath(t)}/workspace`, { replace: true })} />
        {!name ? null : template.isPending ? (
          <Loading label="Loading template…" />
        ) : template.isError ? (
          <ErrorAlert error={template.error} onRetry={() => void template.refetch()} />
        ) : template.data.deprecated ? (
          <div className="alert alert-warning" role="alert">
            <strong>This template is deprecated.</strong>
            <p>{template.data.deprecation_message || "New workspaces cannot be created from it."}</p>
          </div>
        ) : (
          <VersionForm key={template.data.active_version_id} t={template.data} />
        )}
      </div>
    </>
  );
}

function TemplatePicker({ value, onChange }: { value: string; onChange: (t: Template) => void }) {
  const list = useTemplates();
  if (list.isPending) return <Loading label="Loading templates…" />;
  if (list.isError) return <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />;
  const usable = list.data.filter((t) => !t.deprecated);
  if (usable.length === 0) {
    return (
      <EmptyState title="No templates to create a workspace from" action={<ButtonLink to="/templates/new" variant="primary">Create a template</ButtonLink>}>
        A workspace is made from a template.
      </EmptyState>
    );
  }
  const key = (t: Template) => `${t.organization_name}/${t.name}`;
  return (
    <Select
      label="Template"
      value={value}
      onChange={(e) => {
        const t = usable.find((x) => key(x) === e.target.value);
        if (t) onChange(t);
      }}
      options={[...(value ? [] : [{ value: "", label: "Choose a template…" }]), ...usable.map((t) => ({ value: key(t), label: `${templateTitle(t)} (${t.organization_name})` }))]}
    />
  );
}

function VersionForm({ t }: { t: Template }) {
  const params = useRichParameters(t.active_version_id);
  const presets = usePresets(t.active_version_id);
  const mine = useWorkspaces("owner:me", 0, 100);
  if (params.isPending || presets.isPending || mine.isPending) return <Loading label="Loading parameters…" />;
  if (params.isError || presets.isError) {
    const q = params.isError ? params : presets;
    return <ErrorAlert error={q.error} onRetry={() => void q.refetch()} />;
  }
  const taken = (mine.data?.workspaces ?? []).map((w) => w.name ?? "");
  return <CreateForm t={t} params={params.data} presets={presets.data} taken={taken} />;
}

function CreateForm({ t, params, presets, taken }: { t: Template; params: TemplateVersionParameter[]; presets: Preset[]; taken: string[] }) {
  const navigate = useNavigate();
  const create = useCreateWorkspace();
  const me = useMe().data;
  const owners = useAvailableOwners(t.organization_id);
  const [owner, setOwner] = useState("me");
  const defaultPreset = presets.find((p) => p.default);
  const [presetId, setPresetId] = useState(defaultPreset?.id ?? "");
  const [name, setName] = useState(() => suggestWorkspaceName(t.name ?? "", taken));
  const [values, setValues] = useState<ParameterValues>(() => initialValues(params, { preset: defaultPreset }));
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const preset = presets.find((p) => p.id === presetId);
  const locked = new Set((preset?.parameters ?? []).map((p) => p.name ?? ""));

  const choosePreset = (id: string) => {
    setPresetId(id);
    const p = presets.find((x) => x.id === id);
    setValues((cur) => {
      const next = { ...cur };
      for (const pv of p?.parameters ?? []) if (pv.name) next[pv.name] = pv.value ?? "";
      return next;
    });
  };

  const serverError = create.error;
  const serverField = (field: string) => (isApiError(serverError) ? serverError.fieldError(field) : undefined);
  const known = new Set(["name", "template_version_preset_id", ...params.map((p) => p.name ?? "")]);
  const unplaced = isApiError(serverError) ? serverError.validations.filter((v) => !known.has(v.field ?? "")) : [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string | undefined> = { ...validateParameters(params, values), name: nameProblem(name) };
    setErrors(found);
    if (Object.values(found).some(Boolean)) {
      // Focus the first field with a problem, so the keyboard is where the fix is.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('form [aria-invalid="true"]')?.focus());
      return;
    }
    create.mutate(
      {
        owner,
        req: {
          template_id: t.id,
          name,
          rich_parameter_values: params.map((p) => ({ name: p.name ?? "", value: values[p.name ?? ""] ?? "" })),
          template_version_preset_id: presetId || undefined,
        },
      },
      { onSuccess: (ws) => navigate(`/@${ws.owner_name}/${ws.name}`) },
    );
  };

  const fieldErrors: Record<string, string | undefined> = {};
  for (const p of params) fieldErrors[p.name ?? ""] = errors[p.name ?? ""] ?? serverField(p.name ?? "");

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={`Create a workspace from ${templateTitle(t)}`}>
      {(owners.data?.length ?? 0) > 1 && (
        <Select
          label="Owner"
          value={owner}
          onChange={(e) => setOwner(e.target.value)}
          options={[
            { value: "me", label: `${me?.username ?? "Me"} (you)` },
            ...(owners.data ?? []).filter((u) => u.id !== me?.id).map((u) => ({ value: u.username, label: u.name ? `${u.username} (${u.name})` : u.username })),
          ]}
        />
      )}
      <TextField
        label="Workspace name"
        value={name}
        required
        onChange={(e) => {
          setName(e.target.value);
          setErrors((cur) => ({ ...cur, name: undefined }));
        }}
        error={errors.name ?? serverField("name")}
        hint="Letters, digits and single hyphens; at most 32 characters."
      />
      {presets.length > 0 && (
        <ChoiceGroup
          legend="Preset"
          value={presetId}
          onChange={choosePreset}
          error={serverField("template_version_preset_id")}
          options={[
            { value: "", label: "None", description: "Set every parameter yourself." },
            ...presets.map((p) => ({ value: p.id ?? "", label: p.name, description: p.description })),
          ]}
        />
      )}
      <h2>Parameters</h2>
      <ParameterFields
        params={params}
        values={values}
        locked={locked}
        errors={fieldErrors}
        onChange={(n, v) => {
          setValues((cur) => ({ ...cur, [n]: v }));
          setErrors((cur) => ({ ...cur, [n]: undefined }));
        }}
      />
      {serverError && (!isApiError(serverError) || serverError.validations.length === 0 || unplaced.length > 0) ? (
        <ErrorAlert error={serverError} title="The workspace was not created" />
      ) : null}
      {unplaced.length > 0 && (
        <ul className="field-error">
          {unplaced.map((v) => (
            <li key={v.field}>
              {v.field}: {v.detail}
            </li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={create.isPending}>
          Create workspace
        </Button>
      </div>
    </form>
  );
}
