import { useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { api } from "../../api/client";
import { templateKeys, useArchiveVersion, usePromoteVersion, useRichParameters, useTemplate } from "../../api/templates";
import type { TemplateVersion } from "../../api/types";
import { Badge, Button, ButtonLink, ErrorAlert, Loading, PageHeader, Table } from "../../components";
import { absoluteTime, relativeTime } from "../../utils/time";
import { ImportProgress } from "./ImportProgress";
import { templatePath, templateTitle, useTemplateParams } from "./common";

export function Component() {
  const { org, name } = useTemplateParams();
  const versionName = useParams().version ?? "";
  const template = useTemplate(org, name);
  const version = useQuery({
    queryKey: [...templateKeys.all, "versionByName", org, name, versionName],
    queryFn: ({ signal }) =>
      api.get<TemplateVersion>(`/organizations/${encodeURIComponent(org)}/templates/${encodeURIComponent(name)}/versions/${encodeURIComponent(versionName)}`, { signal }),
  });
  const promote = usePromoteVersion();
  const archive = useArchiveVersion();
  const params = useRichParameters(version.data?.job?.status === "succeeded" ? version.data.id : undefined);
  if (template.isPending || version.isPending) return <Loading label="Loading version…" />;
  const error = template.error ?? version.error;
  if (error) {
    return (
      <>
        <PageHeader title={versionName} />
        <ErrorAlert
          error={error}
          onRetry={() => {
            void template.refetch();
            void version.refetch();
          }}
        />
      </>
    );
  }
  const t = template.data!;
  const v = version.data!;
  const active = v.id === t.active_version_id;
  return (
    <>
      <PageHeader
        title={`${templateTitle(t)} · ${v.name}`}
        actions={
          <>
            {!active && !v.archived && v.job?.status === "succeeded" && (
              <Button variant="primary" loading={promote.isPending} onClick={() => promote.mutate({ templateId: t.id ?? "", versionId: v.id ?? "" })}>
                Promote to active
              </Button>
            )}
            {!active && (
              <Button loading={archive.isPending} onClick={() => archive.mutate({ versionId: v.id ?? "", archive: !v.archived }, { onSuccess: () => void version.refetch() })}>
                {v.archived ? "Unarchive" : "Archive"}
              </Button>
            )}
            <ButtonLink to={`${templatePath(t)}/versions`}>All versions</ButtonLink>
          </>
        }
      >
        <span className="row">
          {active && <Badge tone="success">Active</Badge>}
          {v.archived && <Badge>Archived</Badge>}
          <span title={absoluteTime(v.created_at)}>
            Created {relativeTime(v.created_at)} by {v.created_by?.username}
          </span>
        </span>
      </PageHeader>
      {promote.error || archive.error ? <ErrorAlert error={promote.error ?? archive.error} /> : null}
      {v.message && <p>{v.message}</p>}
      <div className="stack">
        <ImportProgress versionId={v.id ?? ""} onSettled={() => void version.refetch()} />
        {params.data && params.data.length > 0 && (
          <Table caption="Parameters of this version" showCaption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Default</th>
                <th scope="col">Mutable</th>
              </tr>
            </thead>
            <tbody>
              {params.data.map((p) => (
                <tr key={p.name}>
                  <td>
                    {p.display_name || p.name}
                    {p.display_name && <div className="muted small">{p.name}</div>}
                  </td>
                  <td>{p.type}</td>
                  <td>{p.default_value || <span className="muted">{p.required ? "required" : "empty"}</span>}</td>
                  <td>{p.mutable ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
    </>
  );
}
