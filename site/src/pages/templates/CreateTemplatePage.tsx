import { useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useMe } from "../../api/auth";
import { isApiError } from "../../api/client";
import {
  REQUIRED_TEMPLATE_VARIABLES,
  archiveContentType,
  fetchVersionVariables,
  guessProvisioner,
  uploadFile,
  useCreateTemplate,
  useCreateVersion,
  useMyOrganizations,
  useTemplateExamples,
} from "../../api/templates";
import type { TemplateExample, TemplateVersion, TemplateVersionVariable, VariableValue } from "../../api/types";
import { Button, ButtonLink, ErrorAlert, PageHeader, QueryState, Select, TextField } from "../../components";
import { ChoiceGroup, TextArea } from "../../components/FormFields";
import { nameProblem, slugify } from "../../utils/names";
import { ImportProgress } from "./ImportProgress";
import { TemplateIcon } from "./common";
import { VariablesFields, buildVariableValues, initialVariableValues, serverVariableError, variableProblems, type VariableValues } from "./VariablesForm";

type Source = "example" | "upload";

/** echo examples are tagged "echo"; every other one is Terraform. */
function exampleProvisioner(e: TemplateExample | undefined): "echo" | "terraform" {
  return e?.tags?.includes("echo") ? "echo" : "terraform";
}

export function Component() {
  const [params] = useSearchParams();
  const examples = useTemplateExamples();
  const me = useMe().data;
  const navigate = useNavigate();
  const orgs = useMyOrganizations();
  const [orgChoice, setOrgChoice] = useState("");
  const org = orgChoice || me?.organization_ids?.[0] || "";

  const [source, setSource] = useState<Source>(params.get("upload") ? "upload" : "example");
  const [exampleId, setExampleId] = useState(params.get("exampleId") ?? "");
  const [file, setFile] = useState<File | undefined>();
  const [provisioner, setProvisioner] = useState<"echo" | "terraform">("terraform");
  const [name, setName] = useState("");
  const [nameTouched, setNameTouched] = useState(false);
  const [displayName, setDisplayName] = useState("");
  const [description, setDescription] = useState("");
  const [icon, setIcon] = useState("");
  const [nameError, setNameError] = useState<string | undefined>();
  const [versionId, setVersionId] = useState<string | undefined>();
  const [uploadError, setUploadError] = useState<unknown>();
  const [uploading, setUploading] = useState(false);
  const [importFailed, setImportFailed] = useState(false);
  // Set when an import failed for want of required variable values: the
  // form then asks for them and imports the same file again with them.
  const [variables, setVariables] = useState<TemplateVersionVariable[] | undefined>();
  const [varValues, setVarValues] = useState<VariableValues>({});
  const [varProblems, setVarProblems] = useState<Record<string, string>>({});
  const [sentVars, setSentVars] = useState<VariableValue[]>([]);
  const [lastFileId, setLastFileId] = useState<string | undefined>();

  const createVersion = useCreateVersion();
  const createTemplate = useCreateTemplate();
  const example = examples.data?.find((e) => e.id === exampleId);

  const chooseExample = (id: string) => {
    resetVariables();
    setExampleId(id);
    const e = examples.data?.find((x) => x.id === id);
    if (!nameTouched) setName(slugify(id).slice(0, 32));
    if (e && !icon) setIcon(e.icon ?? "");
  };
  const chooseFile = (f: File | undefined) => {
    resetVariables();
    setFile(f);
    if (!f) return;
    if (!nameTouched) setName(slugify(f.name.replace(/\.(tar|zip|tgz)$/i, "")).slice(0, 32));
    void guessProvisioner(f).then(setProvisioner);
  };

  const versionError = createVersion.error;
  const fieldError = (field: string) => (isApiError(versionError) ? versionError.fieldError(field) : undefined);
  const templateError = createTemplate.error;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = nameProblem(name);
    setNameError(problem);
    if (problem) return;
    createTemplate.reset();
    setUploadError(undefined);
    if (versionId && !importFailed) {
      // The version imported already (the template failed, e.g. a taken
      // name): only the template needs creating again.
      create(versionId);
      return;
    }
    let userVariableValues: VariableValue[] | undefined;
    if (variables) {
      const problems = variableProblems(variables, varValues);
      setVarProblems(problems);
      if (Object.keys(problems).length > 0) return;
      userVariableValues = buildVariableValues(variables, varValues);
      setSentVars(userVariableValues);
    }
    setVersionId(undefined);
    setImportFailed(false);
    let fileId: string | undefined;
    if (source === "upload" && variables && lastFileId) {
      fileId = lastFileId; // the same archive, now with its variables
    } else if (source === "upload") {
      if (!file) {
        setUploadError(new Error("Choose a template archive to upload."));
        return;
      }
      setUploading(true);
      try {
        fileId = (await uploadFile(file, archiveContentType(file))).hash;
        setLastFileId(fileId);
      } catch (err) {
        setUploadError(err);
        return;
      } finally {
        setUploading(false);
      }
    }
    createVersion.mutate(
      {
        org,
        req: {
          storage_method: "file",
          provisioner: source === "example" ? exampleProvisioner(example) : provisioner,
          ...(source === "example" ? { example_id: exampleId } : { file_id: fileId }),
          user_variable_values: userVariableValues,
        },
      },
      { onSuccess: (v) => setVersionId(v.id) },
    );
  };

  const create = (id: string) =>
    createTemplate.mutate(
      { org, req: { name, display_name: displayName || undefined, description: description || undefined, icon: icon || undefined, template_version_id: id } },
      { onSuccess: (t) => navigate(`/templates/${t.organization_name}/${t.name}`) },
    );

  const onSettled = (v: TemplateVersion) => {
    if (v.job?.status === "succeeded") {
      create(v.id ?? "");
      return;
    }
    setImportFailed(true);
    if (v.job?.error_code === REQUIRED_TEMPLATE_VARIABLES && v.id) {
      void fetchVersionVariables(v.id).then(
        (vars) => {
          setVariables(vars);
          setVarValues((old) => ({ ...initialVariableValues(vars), ...old }));
        },
        (err: unknown) => setUploadError(err),
      );
    }
  };
  const resetVariables = () => {
    setVariables(undefined);
    setVarValues({});
    setVarProblems({});
    setLastFileId(undefined);
  };

  const importing = !!versionId && !importFailed;
  const busy = uploading || createVersion.isPending || createTemplate.isPending;
  const templateFieldError = (field: string) => (isApiError(templateError) ? templateError.fieldError(field) : undefined);

  return (
    <>
      <PageHeader title="Create a template" actions={<ButtonLink to="/templates">Back to templates</ButtonLink>} />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        {(orgs.data?.length ?? 0) > 1 && (
          <Select
            label="Organization"
            value={org}
            disabled={importing}
            onChange={(e) => setOrgChoice(e.target.value)}
            options={(orgs.data ?? []).map((o) => ({ value: o.id, label: o.display_name || o.name || o.id }))}
          />
        )}
        <ChoiceGroup
          legend="Start from"
          value={source}
          onChange={(v) => setSource(v as Source)}
          disabled={importing}
          options={[
            { value: "example", label: "A built-in example" },
            { value: "upload", label: "An uploaded archive (.tar or .zip)" },
          ]}
        />
        {source === "example" ? (
          <QueryState query={examples} loadingLabel="Loading examples…">
            {(list) => (
              <ChoiceGroup
                legend="Example"
                value={exampleId}
                onChange={chooseExample}
                disabled={importing}
                error={fieldError("example_id")}
                options={list.map((e) => ({
                  value: e.id ?? "",
                  label: (
                    <span className="row">
                      <TemplateIcon icon={e.icon} name={e.name ?? ""} /> {e.name}
                    </span>
                  ),
                  description: e.description,
                }))}
              />
            )}
          </QueryState>
        ) : (
          <>
            <TextField
              label="Template archive"
              type="file"
              accept=".tar,.zip,application/x-tar,application/zip"
              disabled={importing}
              onChange={(e) => chooseFile(e.target.files?.[0])}
              error={fieldError("file_id")}
              hint="A tar or zip of the template's files (main.tf, or echo.yaml for the echo provisioner)."
            />
            <Select
              label="Provisioner"
              value={provisioner}
              disabled={importing}
              onChange={(e) => setProvisioner(e.target.value as "echo" | "terraform")}
              error={fieldError("provisioner")}
              options={[
                { value: "terraform", label: "Terraform" },
                { value: "echo", label: "Echo (declarative, for demos and tests)" },
              ]}
            />
          </>
        )}
        <TextField
          label="Name"
          value={name}
          required
          onChange={(e) => {
            setName(e.target.value);
            setNameTouched(true);
            setNameError(undefined);
          }}
          error={nameError ?? templateFieldError("name")}
          hint="Used in URLs and the CLI: letters, digits and single hyphens."
        />
        <TextField label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} error={templateFieldError("display_name")} />
        <TextArea label="Description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} error={templateFieldError("description")} />
        <TextField label="Icon" value={icon} onChange={(e) => setIcon(e.target.value)} hint="A path on this server, such as /icon/code.svg." error={templateFieldError("icon")} />
        {variables && variables.length > 0 && (
          <>
            <div className="alert alert-info" role="status">
              This template needs values for its variables. Fill them in and import again.
            </div>
            <VariablesFields
              vars={variables}
              values={varValues}
              disabled={importing}
              onChange={(vals) => {
                setVarValues(vals);
                setVarProblems({});
              }}
              errors={Object.fromEntries(variables.map((v) => [v.name ?? "", varProblems[v.name ?? ""] ?? serverVariableError(versionError, sentVars, v.name ?? "")]))}
            />
          </>
        )}
        {uploadError ? <ErrorAlert error={uploadError} title="The upload failed" /> : null}
        {versionError && !fieldError("example_id") && !fieldError("file_id") && !fieldError("provisioner") ? <ErrorAlert error={versionError} /> : null}
        {templateError && !templateFieldError("name") ? <ErrorAlert error={templateError} title="The template was not created" /> : null}
        <div className="form-actions">
          <Button type="submit" variant="primary" loading={busy} disabled={source === "example" && !exampleId}>
            {importing ? "Create template" : variables ? "Import with these values" : importFailed ? "Import again" : "Import and create template"}
          </Button>
          {versionId && (
            <Button
              onClick={() => {
                setVersionId(undefined);
                setImportFailed(false);
                resetVariables();
                createVersion.reset();
                createTemplate.reset();
              }}
            >
              Start over
            </Button>
          )}
        </div>
      </form>
      {versionId && (
        <div className="stack" style={{ marginTop: 16 }}>
          <ImportProgress versionId={versionId} onSettled={onSettled} />
        </div>
      )}
    </>
  );
}
