import { useState } from "react";
import { Link } from "react-router";
import { useQueries } from "@tanstack/react-query";
import { api } from "../../api/client";
import { templateKeys, useCanCreateTemplates, useTemplates } from "../../api/templates";
import type { Template, TemplateVersion, WorkspacesResponse } from "../../api/types";
import { ButtonLink, EmptyState, PageHeader, QueryState, Table, TextField } from "../../components";
import { relativeTime, absoluteTime } from "../../utils/time";
import { DeprecatedBadge, TemplateIcon, templatePath, templateTitle } from "./common";

export function Component() {
  const list = useTemplates();
  const canCreate = useCanCreateTemplates().data === true;
  const [filter, setFilter] = useState("");
  return (
    <>
      <PageHeader title="Templates" actions={canCreate && <ButtonLink to="/templates/new" variant="primary">Create template</ButtonLink>}>
        Workspaces are made from templates. Pick one to create a workspace.
      </PageHeader>
      <QueryState query={list} loadingLabel="Loading templates…">
        {(templates) =>
          templates.length === 0 ? (
            <EmptyState title="No templates yet" action={canCreate && <ButtonLink to="/templates/new" variant="primary">Create a template</ButtonLink>}>
              {canCreate ? "Start from a built-in example or upload a template archive." : "Ask a template administrator to add one."}
            </EmptyState>
          ) : (
            <>
              <div className="toolbar">
                <TextField label="Filter templates" className="grow" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
              </div>
              <TemplateTable templates={templates.filter((t) => matches(t, filter))} />
            </>
          )
        }
      </QueryState>
    </>
  );
}

function matches(t: Template, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return true;
  return [t.name, t.display_name, t.description].some((s) => s?.toLowerCase().includes(f));
}

function TemplateTable({ templates }: { templates: Template[] }) {
  // The active versions' names and the workspace counts, fetched in
  // parallel (not one after another) once the list is here.
  const versions = useQueries({
    queries: templates.map((t) => ({
      queryKey: templateKeys.version(t.active_version_id ?? ""),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get<TemplateVersion>(`/templateversions/${t.active_version_id}`, { signal }),
      staleTime: 60_000,
    })),
  });
  const counts = useQueries({
    queries: templates.map((t) => ({
      queryKey: ["workspaces", "list", { q: `template:${t.name}`, offset: 0, limit: 1, org: t.organization_id }],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        api.get<WorkspacesResponse>("/workspaces", { query: { q: `template:${t.name} organization:${t.organization_name}`, limit: 1 }, signal }),
      staleTime: 30_000,
    })),
  });
  if (templates.length === 0) return <p className="muted">No template matches this filter.</p>;
  return (
    <Table caption="Templates">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Active version</th>
          <th scope="col">Workspaces</th>
          <th scope="col">Active users</th>
          <th scope="col">Updated</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {templates.map((t, i) => (
          <tr key={t.id} data-template={t.name}>
            <td>
              <div className="name-cell">
                <TemplateIcon icon={t.icon} name={templateTitle(t)} />
                <div>
                  <Link to={templatePath(t)}>{templateTitle(t)}</Link> <DeprecatedBadge t={t} />
                  <div className="muted small">
                    {t.name !== templateTitle(t) ? `${t.name} · ` : ""}
                    {t.organization_name}
                  </div>
                  {t.description && <div className="muted small">{t.description}</div>}
                </div>
              </div>
            </td>
            <td>{versions[i]?.data?.name ?? (versions[i]?.isError ? "—" : "…")}</td>
            <td>{counts[i]?.data?.count ?? (counts[i]?.isError ? "—" : "…")}</td>
            <td>{t.active_user_count ?? 0}</td>
            <td title={absoluteTime(t.updated_at)}>{relativeTime(t.updated_at)}</td>
            <td>
              {!t.deprecated && (
                <ButtonLink to={`${templatePath(t)}/workspace`} aria-label={`Create a workspace from ${templateTitle(t)}`}>
                  Create workspace
                </ButtonLink>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
