import { useState, type FormEvent } from "react";
import { Link } from "react-router";
import { isApiError } from "../../api/client";
import { archiveContentType, guessProvisioner, uploadFile, useCreateVersion, usePromoteVersion, useTemplate } from "../../api/templates";
import type { Template, TemplateVersion } from "../../api/types";
import { Button, ButtonLink, ErrorAlert, Loading, PageHeader, Select, TextField } from "../../components";
import { TextArea } from "../../components/FormFields";
import { ImportProgress } from "./ImportProgress";
import { templatePath, templateTitle, useTemplateParams } from "./common";

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
  const fieldError = (f: string) => (isApiError(createVersion.error) ? createVersion.error.fieldError(f) : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setUploadError(undefined);
    if (!file) {
      setUploadError(new Error("Choose a template archive to upload."));
      return;
    }
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
        },
      },
      { onSuccess: setVersion },
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
          <ImportProgress versionId={version.id} onSettled={setSettled} />
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
