import { useState } from "react";
import { Link } from "react-router";
import { useCanCreateTemplates, useTemplates } from "../../api/templates";
import type { Template } from "../../api/types";
import { ActionsHeader, ButtonLink, EmptyState, PageHeader, QueryState, Table, TextField } from "../../components";
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

// Only what GET /templates carries: the active version's name and the
// workspace count would cost two requests per row, so they live on the
// template's own page instead.
function TemplateTable({ templates }: { templates: Template[] }) {
  if (templates.length === 0) return <p className="muted">No template matches this filter.</p>;
  return (
    <Table caption="Templates">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Active users</th>
          <th scope="col">Updated</th>
          <ActionsHeader />
        </tr>
      </thead>
      <tbody>
        {templates.map((t) => (
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
