import { useState } from "react";
import { Link, useParams } from "react-router";
import { useTemplate, useTemplateDAUs, useTemplateVersion, useTemplateVersions, usePromoteVersion, useArchiveVersion, useArchiveUnusedVersions } from "../../api/templates";
import { useWorkspaces } from "../../api/workspaces";
import type { Template, TemplateVersion } from "../../api/types";
import { useCanViewTemplateInsights } from "../../api/permissions";
import { ApiError } from "../../api/client";
import { ActionsHeader, Badge, BarChart, Button, ButtonLink, EmptyState, ErrorAlert, Loading, NoAccess, PageHeader, QueryState, Table } from "../../components";
import { Checkbox, TabLinks } from "../../components/FormFields";
import { absoluteTime, relativeTime } from "../../utils/time";
import { humanDuration } from "../../utils/templateSchedule";
import { StatusBadge } from "../workspaces/status";
import { Component as NotFound } from "../NotFoundPage";
import { TemplateUsage } from "../insights/TemplateUsage";
import { DeprecatedBadge, TemplateIcon, jobTone, templatePath, templateTitle, useTemplateParams } from "./common";

export function Component() {
  const { org, name } = useTemplateParams();
  const tab = useParams().tab ?? "summary";
  const query = useTemplate(org, name);
  // The Insights tab only for those the server lets view them (template admins, auditors).
  const insights = useCanViewTemplateInsights(query.data);
  if (!["summary", "insights", "versions", "workspaces"].includes(tab)) return <NotFound />;
  if (query.isPending) return <Loading label="Loading template…" />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={name} />
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  const t = query.data;
  const base = templatePath(t);
  return (
    <>
      <PageHeader
        title={templateTitle(t)}
        actions={
          <>
            {!t.deprecated && (
              <ButtonLink to={`${base}/workspace`} variant="primary">
                Create workspace
              </ButtonLink>
            )}
            <ButtonLink to={`${base}/versions/new`}>New version</ButtonLink>
            <ButtonLink to={`${base}/settings`}>Settings</ButtonLink>
          </>
        }
      >
        <span className="row">
          <TemplateIcon icon={t.icon} name={templateTitle(t)} />
          <span>
            {t.name} · {t.organization_name}
          </span>
          <DeprecatedBadge t={t} />
        </span>
      </PageHeader>
      {t.deprecated && (
        <div className="alert alert-warning banner" role="status">
          <strong>This template is deprecated.</strong>
          <p>{t.deprecation_message || "New workspaces cannot be created from it."}</p>
        </div>
      )}
      <TabLinks
        label="Template sections"
        tabs={[
          { to: base, label: "Summary" },
          ...(insights.data ? [{ to: `${base}/insights`, label: "Insights" }] : []),
          { to: `${base}/versions`, label: "Versions" },
          { to: `${base}/workspaces`, label: "Workspaces" },
        ]}
      />
      {tab === "summary" && <Summary t={t} />}
      {tab === "insights" && <InsightsTab t={t} allowed={insights} base={base} />}
      {tab === "versions" && <Versions t={t} />}
      {tab === "workspaces" && <Workspaces t={t} />}
    </>
  );
}

function InsightsTab({ t, allowed, base }: { t: Template; allowed: ReturnType<typeof useCanViewTemplateInsights>; base: string }) {
  if (allowed.isPending) return <Loading label="Checking your access…" />;
  if (allowed.isError) return <ErrorAlert error={allowed.error} onRetry={() => void allowed.refetch()} />;
  if (!allowed.data) {
    return (
      <NoAccess back={{ to: base, label: "Back to the template" }}>
        A template's insights are for template administrators and auditors. Ask an owner of this deployment if you need them.
      </NoAccess>
    );
  }
  return <TemplateUsage t={t} />;
}

/** Whether the server refused a read as not for this user (then the dashboard leaves it out). */
function refused(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 403 || err.status === 404);
}

function Summary({ t }: { t: Template }) {
  const active = useTemplateVersion(t.active_version_id);
  // Daily users are an insight: the server answers them (by the template's
  // ACL too) only to those who may view its insights.
  const daus = useTemplateDAUs(t.id);
  return (
    <div className="grid-2">
      <div className="stack">
        {!refused(daus.error) && (
          <section className="card" aria-labelledby="usage-title">
            <h2 id="usage-title">Daily active users</h2>
            <QueryState query={daus} loadingLabel="Loading usage…">
              {(data) => (data.entries?.length ? <BarChart title="Daily active users" valueLabel="Users" bars={data.entries.map((e) => ({ label: e.date ?? "", value: e.amount ?? 0 }))} /> : <p className="muted">No one has used a workspace of this template in the last 60 days.</p>)}
            </QueryState>
          </section>
        )}
        <section className="card" aria-labelledby="readme-title">
          <h2 id="readme-title">About</h2>
          {t.description ? <p>{t.description}</p> : <p className="muted">No description.</p>}
          {active.data?.readme && <pre className="readme">{withoutFrontMatter(active.data.readme)}</pre>}
        </section>
      </div>
      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl className="kv">
          <dt>Active version</dt>
          <dd>{active.isPending ? "…" : active.isError ? "—" : <Link to={`${templatePath(t)}/versions/${active.data.name}`}>{active.data.name}</Link>}</dd>
          <dt>Active users</dt>
          <dd>{t.active_user_count ?? 0}</dd>
          <dt>Provisioner</dt>
          <dd>{t.provisioner}</dd>
          <dt>Default TTL</dt>
          <dd>{humanDuration(t.default_ttl_ms)}</dd>
          <dt>Created by</dt>
          <dd>{t.created_by_name}</dd>
          <dt>Created</dt>
          <dd title={absoluteTime(t.created_at)}>{relativeTime(t.created_at)}</dd>
          <dt>Updated</dt>
          <dd title={absoluteTime(t.updated_at)}>{relativeTime(t.updated_at)}</dd>
        </dl>
      </section>
    </div>
  );
}

/** A README without its leading YAML front matter (examples carry one). */
function withoutFrontMatter(readme: string): string {
  return readme.replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, "").trim();
}

function Versions({ t }: { t: Template }) {
  const [archived, setArchived] = useState(false);
  const versions = useTemplateVersions(t.id, archived);
  const promote = usePromoteVersion();
  const archive = useArchiveVersion();
  const archiveUnused = useArchiveUnusedVersions();
  const error = promote.error ?? archive.error ?? archiveUnused.error;
  return (
    <div className="stack">
      <div className="toolbar">
        <Checkbox label="Show archived versions" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
        <span className="grow" />
        <Button loading={archiveUnused.isPending} onClick={() => archiveUnused.mutate({ templateId: t.id ?? "", all: false })}>
          Archive failed versions
        </Button>
        <ButtonLink to={`${templatePath(t)}/versions/new`} variant="primary">
          Upload a new version
        </ButtonLink>
      </div>
      {archiveUnused.data && (
        <p role="status" className="muted">
          Archived {archiveUnused.data.archived_ids?.length ?? 0} version(s).
        </p>
      )}
      {error ? <ErrorAlert error={error} /> : null}
      <QueryState query={versions} loadingLabel="Loading versions…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No versions" />
          ) : (
            <Table caption="Template versions">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Import</th>
                  <th scope="col">Created</th>
                  <ActionsHeader />
                </tr>
              </thead>
              <tbody>
                {[...list].reverse().map((v) => (
                  <VersionRow
                    key={v.id}
                    t={t}
                    v={v}
                    onPromote={() => promote.mutate({ templateId: t.id ?? "", versionId: v.id ?? "" })}
                    onArchive={(on) => archive.mutate({ versionId: v.id ?? "", archive: on })}
                    busy={(promote.isPending && promote.variables?.versionId === v.id) || (archive.isPending && archive.variables?.versionId === v.id)}
                  />
                ))}
              </tbody>
            </Table>
          )
        }
      </QueryState>
    </div>
  );
}

function VersionRow({ t, v, onPromote, onArchive, busy }: { t: Template; v: TemplateVersion; onPromote: () => void; onArchive: (on: boolean) => void; busy: boolean }) {
  const active = v.id === t.active_version_id;
  const status = v.job?.status;
  return (
    <tr data-version={v.name}>
      <td>
        <Link to={`${templatePath(t)}/versions/${v.name}`}>{v.name}</Link> {active && <Badge tone="success">Active</Badge>} {v.archived && <Badge>Archived</Badge>}
        {v.message && <div className="muted small">{v.message}</div>}
      </td>
      <td>
        <Badge tone={jobTone(status)}>{status}</Badge>
      </td>
      <td title={absoluteTime(v.created_at)}>
        {relativeTime(v.created_at)} <span className="muted small">by {v.created_by?.username}</span>
      </td>
      <td>
        <div className="row">
          {!active && !v.archived && status === "succeeded" && (
            <Button loading={busy} onClick={onPromote} aria-label={`Promote ${v.name} to active`}>
              Promote
            </Button>
          )}
          {!active && status !== "pending" && status !== "running" && (
            <Button variant="ghost" disabled={busy} onClick={() => onArchive(!v.archived)} aria-label={`${v.archived ? "Unarchive" : "Archive"} ${v.name}`}>
              {v.archived ? "Unarchive" : "Archive"}
            </Button>
          )}
        </div>
      </td>
    </tr>
  );
}

function Workspaces({ t }: { t: Template }) {
  const q = `template:${t.name} organization:${t.organization_name}`;
  const list = useWorkspaces(q, 0, 100);
  return (
    <QueryState query={list} loadingLabel="Loading workspaces…">
      {(data) =>
        (data.workspaces ?? []).length === 0 ? (
          <EmptyState
            title="No workspaces use this template"
            action={!t.deprecated && <ButtonLink to={`${templatePath(t)}/workspace`} variant="primary">Create workspace</ButtonLink>}
          />
        ) : (
          <>
            <p className="muted">
              {data.count} workspace{data.count === 1 ? "" : "s"}
              {(data.count ?? 0) > (data.workspaces ?? []).length && (
                <>
                  {" "}
                  (<Link to={`/workspaces?q=${encodeURIComponent(q)}`}>see all</Link>)
                </>
              )}
            </p>
            <Table caption="Workspaces using this template">
              <thead>
                <tr>
                  <th scope="col">Workspace</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Status</th>
                  <th scope="col">Version</th>
                  <th scope="col">Last used</th>
                </tr>
              </thead>
              <tbody>
                {(data.workspaces ?? []).map((ws) => (
                  <tr key={ws.id}>
                    <td>
                      <Link to={`/@${ws.owner_name}/${ws.name}`}>{ws.name}</Link>
                    </td>
                    <td>{ws.owner_name}</td>
                    <td>
                      <StatusBadge ws={ws} />
                    </td>
                    <td>
                      {ws.latest_build?.template_version_name}
                      {ws.outdated && <span className="muted small"> · outdated</span>}
                    </td>
                    <td title={absoluteTime(ws.last_used_at)}>{relativeTime(ws.last_used_at)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </>
        )
      }
    </QueryState>
  );
}
