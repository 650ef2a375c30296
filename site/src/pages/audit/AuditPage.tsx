import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { isApiError } from "../../api/client";
import {
  AUDIT_ACTIONS,
  AUDIT_RESOURCE_TYPES,
  auditListParams,
  buildAuditQuery,
  EMPTY_FILTER,
  parseAuditQuery,
  useAuditLogs,
  type AuditFilter,
} from "../../api/audit";
import type { AuditLog } from "../../api/types";
import { Badge, Button, EmptyState, ErrorAlert, Loading, PageHeader, Pagination, Select, TextField } from "../../components";
import { absoluteTime, relativeTime } from "../../utils/time";
import { AuditDiffTable, AuditSentence } from "./AuditDiff";

export function Component() {
  const [params, setParams] = useSearchParams();
  const { q, page, offset, limit } = auditListParams(params);
  const logs = useAuditLogs(q, offset, limit);
  const parsed = parseAuditQuery(q);
  const [draft, setDraft] = useState<AuditFilter>(parsed.filter);
  const entries = logs.data?.audit_logs ?? [];

  const apply = (f: AuditFilter) => {
    setDraft(f);
    const next = [buildAuditQuery(f), parsed.rest].filter(Boolean).join(" ");
    setParams(next ? { q: next } : {});
  };
  const goto = (p: number) => {
    const next = new URLSearchParams(params);
    if (p > 1) next.set("page", String(p));
    else next.delete("page");
    setParams(next);
  };
  const err = isApiError(logs.error) && logs.error.status === 400 ? logs.error : undefined;
  const set = (k: keyof AuditFilter) => (e: { target: { value: string } }) => setDraft({ ...draft, [k]: e.target.value });

  return (
    <>
      <PageHeader title="Audit log">Every change made through the API, and every sign-in, newest first.</PageHeader>
      <form
        className="toolbar"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <TextField label="User" placeholder="username or me" value={draft.username} onChange={set("username")} error={err?.fieldError("username")} />
        <Select
          label="Action"
          value={draft.action}
          onChange={set("action")}
          error={err?.fieldError("action")}
          options={[{ value: "", label: "Any action" }, ...AUDIT_ACTIONS.map((a) => ({ value: a, label: a }))]}
        />
        <Select
          label="Resource type"
          value={draft.resource_type}
          onChange={set("resource_type")}
          error={err?.fieldError("resource_type")}
          options={[{ value: "", label: "Any resource" }, ...AUDIT_RESOURCE_TYPES.map((r) => ({ value: r, label: r.replace(/_/g, " ") }))]}
        />
        <TextField label="From" type="date" value={draft.date_from} onChange={set("date_from")} error={err?.fieldError("date_from")} />
        <TextField label="To" type="date" value={draft.date_to} onChange={set("date_to")} error={err?.fieldError("date_to")} />
        <Button type="submit" variant="primary">
          Filter
        </Button>
        <Button onClick={() => apply(EMPTY_FILTER)} disabled={!q && !buildAuditQuery(draft)}>
          Clear
        </Button>
      </form>
      {parsed.rest && (
        <p className="muted">
          Also filtered by <code>{parsed.rest}</code>
        </p>
      )}
      {logs.isPending ? (
        <Loading label="Loading the audit log…" />
      ) : logs.isError ? (
        <ErrorAlert error={logs.error} onRetry={err ? undefined : () => void logs.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState title={q ? "No entries match these filters" : "The audit log is empty"} action={q ? <Button onClick={() => apply(EMPTY_FILTER)}>Clear filters</Button> : undefined} />
      ) : (
        <>
          <ol className="audit-list" aria-label="Audit log entries">
            {entries.map((e) => (
              <AuditEntry key={e.id} entry={e} />
            ))}
          </ol>
          <Pagination
            page={page}
            pageSize={limit}
            count={logs.data?.count ?? 0}
            countCap={logs.data?.count_cap}
            shown={entries.length}
            onPage={goto}
          />
        </>
      )}
    </>
  );
}

function AuditEntry({ entry }: { entry: AuditLog }) {
  const failed = (entry.status_code ?? 0) >= 400;
  const fields = Object.keys(entry.diff ?? {}).length;
  return (
    <li className="audit-entry" data-audit-action={entry.action} data-audit-resource={entry.resource_type}>
      <details>
        <summary>
          <AuditSentence entry={entry} link={false} />
          {failed && <Badge tone="danger">{entry.status_code}</Badge>}
          <span className="muted small" title={absoluteTime(entry.time)}>
            {relativeTime(entry.time)}
          </span>
          {fields > 0 && <span className="muted small">· {fields} field{fields === 1 ? "" : "s"} changed</span>}
        </summary>
        <div className="audit-details">
          <dl className="kv">
            <dt>Time</dt>
            <dd>{absoluteTime(entry.time)}</dd>
            <dt>Resource</dt>
            <dd>
              {entry.resource_type} {entry.resource_link && !entry.is_deleted ? <Link to={entry.resource_link}>{entry.resource_target}</Link> : <code>{entry.resource_target}</code>}
              {entry.is_deleted && <span className="muted"> (deleted)</span>}
            </dd>
            {entry.organization?.name && (
              <>
                <dt>Organization</dt>
                <dd>{entry.organization.display_name || entry.organization.name}</dd>
              </>
            )}
            <dt>Status</dt>
            <dd>{entry.status_code}</dd>
            <dt>IP</dt>
            <dd>{entry.ip || "—"}</dd>
            <dt>User agent</dt>
            <dd className="small">{entry.user_agent || "—"}</dd>
            <dt>Request id</dt>
            <dd>
              <code>{entry.request_id}</code>
            </dd>
          </dl>
          <AuditDiffTable diff={entry.diff} />
        </div>
      </details>
    </li>
  );
}
