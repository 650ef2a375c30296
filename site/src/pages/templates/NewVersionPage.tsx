import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { isApiError } from "../../api/client";
import {
  REQUIRED_TEMPLATE_VARIABLES,
  archiveContentType,
  fetchVersionVariables,
  guessProvisioner,
  uploadFile,
  useCreateVersion,
  usePromoteVersion,
  useTemplate,
  useVersionVariables,
} from "../../api/templates";
import type { Template, TemplateVersion, TemplateVersionVariable, VariableValue } from "../../api/types";
import { Button, ButtonLink, ErrorAlert, Loading, PageHeader, Select, TextField } from "../../components";
import { TextArea } from "../../components/FormFields";
import { ImportProgress } from "./ImportProgress";
import { templatePath, templateTitle, useTemplateParams } from "./common";
import { VariablesFields, buildVariableValues, initialVariableValues, serverVariableError, variableProblems, type VariableValues } from "./VariablesForm";

export function Component() {
  const { org, name } = useTemplateParams();
  const template = useTemplate(org, name);
  if (template.isPending) return <Loading label="Loading template…" />;
  if (template.isError) {
    return (
      <>
        <PageHeader title="New version" />
        <ErrorAlert error={template.error} onRetry={() => void template.refetch()} />
      </>
    );
  }
  return <NewVersion t={template.data} />;
}

function NewVersion({ t }: { t: Template }) {
  const [file, setFile] = useState<File | undefined>();
  const [provisioner, setProvisioner] = useState<string>(t.provisioner ?? "terraform");
  const [versionName, setVersionName] = useState("");
  const [message, setMessage] = useState("");
  const [uploadError, setUploadError] = useState<unknown>();
  const [uploading, setUploading] = useState(false);
  const [version, setVersion] = useState<TemplateVersion | undefined>();
  const [settled, setSettled] = useState<TemplateVersion | undefined>();
  const createVersion = useCreateVersion();
  const promote = usePromoteVersion();
  // The active version's variables prefill the form (sensitive ones stay
  // empty); a failed import for want of values replaces them with the new
  // version's own list.
  const previous = useVersionVariables(t.active_version_id);
  const [needed, setNeeded] = useState<TemplateVersionVariable[] | undefined>();
  const [varValues, setVarValues] = useState<VariableValues | undefined>();
  const [varProblems, setVarProblems] = useState<Record<string, string>>({});
  const [sentVars, setSentVars] = useState<VariableValue[]>([]);
  const variables = needed ?? previous.data ?? [];
  const values = varValues ?? initialVariableValues(variables, previous.data);
  const fieldError = (f: string) => (isApiError(createVersion.error) ? createVersion.error.fieldError(f) : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setUploadError(undefined);
    if (!file) {
      setUploadError(new Error("Choose a template archive to upload."));
      return;
    }
    const problems = needed ? variableProblems(variables, values) : {};
    setVarProblems(problems);
    if (Object.keys(problems).length > 0) return;
    // Only values someone may have set are sent: all of them once the
    // import asked, else those differing from the variable's default.
    const sent = buildVariableValues(variables, values).filter((v) => needed || variables.find((x) => x.name === v.name)?.default_value !== v.value);
    setSentVars(sent);
    setVersion(undefined);
    setSettled(undefined);
    promote.reset();
    setUploading(true);
    let fileId: string | undefined;
    try {
      fileId = (await uploadFile(file, archiveContentType(file))).hash;
    } catch (err) {
      setUploadError(err);
      return;
    } finally {
      setUploading(false);
    }
    createVersion.mutate(
      {
        org: t.organization_id ?? "",
        req: {
          template_id: t.id,
          file_id: fileId,
          storage_method: "file",
          provisioner: provisioner as "echo" | "terraform",
          name: versionName.trim() || undefined,
          message: message.trim() || undefined,
          user_variable_values: sent.length ? sent : undefined,
        },
      },
      { onSuccess: setVersion },
    );
  };

  const onSettled = (v: TemplateVersion) => {
    setSettled(v);
    if (v.job?.status !== "failed" || v.job?.error_code !== REQUIRED_TEMPLATE_VARIABLES || !v.id) return;
    void fetchVersionVariables(v.id).then(
      (vars) => {
        setNeeded(vars);
        setVarValues((old) => ({ ...initialVariableValues(vars, previous.data), ...old }));
      },
      (err: unknown) => setUploadError(err),
    );
  };

  const base = templatePath(t);
  const importing = !!version && !settled;
  return (
    <>
      <PageHeader title={`New version of ${templateTitle(t)}`} actions={<ButtonLink to={`${base}/versions`}>Back to versions</ButtonLink>} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label="Template archive"
          type="file"
          accept=".tar,.zip,application/x-tar,application/zip"
          disabled={importing}
          onChange={(e) => {
            const f = e.target.files?.[0];
            setFile(f);
            if (f) void guessProvisioner(f).then(setProvisioner);
          }}
          error={fieldError("file_id")}
          hint="A tar or zip of the template's files."
        />
        <Select
          label="Provisioner"
          value={provisioner}
          disabled={importing}
          onChange={(e) => setProvisioner(e.target.value)}
          error={fieldError("provisioner")}
          options={[
            { value: "terraform", label: "Terraform" },
            { value: "echo", label: "Echo" },
          ]}
        />
        <TextField label="Version name" value={versionName} disabled={importing} onChange={(e) => setVersionName(e.target.value)} error={fieldError("name")} hint="Leave empty for a generated name." />
        <TextArea label="Message" rows={2} value={message} disabled={importing} onChange={(e) => setMessage(e.target.value)} error={fieldError("message")} hint="What changed in this version." />
        {needed && needed.length > 0 && (
          <div className="alert alert-info" role="status">
            This version needs values for its variables. Fill them in and upload again.
          </div>
        )}
        {variables.length > 0 && (
          <VariablesFields
            vars={variables}
            values={values}
            disabled={importing}
            onChange={(vals) => {
              setVarValues(vals);
              setVarProblems({});
            }}
            errors={Object.fromEntries(variables.map((v) => [v.name ?? "", varProblems[v.name ?? ""] ?? serverVariableError(createVersion.error, sentVars, v.name ?? "")]))}
          />
        )}
        {uploadError ? <ErrorAlert error={uploadError} title="The upload failed" /> : null}
        {createVersion.error && !["file_id", "provisioner", "name", "message"].some((f) => fieldError(f)) ? <ErrorAlert error={createVersion.error} /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={uploading || createVersion.isPending} disabled={importing}>
            Upload and import
          </Button>
        </div>
      </form>
      {version?.id && (
        <div className="stack" style={{ marginTop: 16 }}>
          <ImportProgress versionId={version.id} onSettled={onSettled} />
          {settled?.job?.status === "succeeded" && (
            <div className="card stack" role="status">
              <p>
                Version <Link to={`${base}/versions/${settled.name}`}>{settled.name}</Link> imported.
                {promote.isSuccess ? " It is now the active version: new workspaces use it." : " Promote it to make new workspaces use it."}
              </p>
              {promote.error ? <ErrorAlert error={promote.error} /> : null}
              <div className="row">
                {!promote.isSuccess && (
                  <Button variant="primary" loading={promote.isPending} onClick={() => promote.mutate({ templateId: t.id ?? "", versionId: settled.id ?? "" })}>
                    Promote to active
                  </Button>
                )}
                <ButtonLink to={base}>Go to the template</ButtonLink>
              </div>
            </div>
          )}
        </div>
      )}
    </>
  );
}
