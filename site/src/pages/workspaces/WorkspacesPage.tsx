import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { useWatchWorkspaces } from "../../api/live";
import {
  DEFAULT_WORKSPACES_QUERY as DEFAULT_QUERY,
  postBuild,
  storeWorkspace,
  useToggleFavorite,
  useWorkspaces,
  workspaceKeys,
  workspacesListParams,
  WORKSPACES_PAGE_SIZE as PAGE_SIZE,
} from "../../api/workspaces";
import type { Workspace, WorkspaceTransition } from "../../api/types";
import { Button, ButtonLink, ConfirmDialog, EmptyState, ErrorAlert, Loading, PageHeader, SearchBar, Table } from "../../components";
import { absoluteTime, relativeTime } from "../../utils/time";
import { canDelete, canStart, canStop, HealthBadge, StatusBadge } from "./status";

const presets = [
  { label: "My workspaces", q: "owner:me" },
  { label: "All workspaces", q: "" },
  { label: "Running", q: "owner:me status:running" },
  { label: "Failed", q: "owner:me status:failed" },
];

export function Component() {
  const [params, setParams] = useSearchParams();
  const { q, page, offset, limit } = workspacesListParams(params);
  const list = useWorkspaces(q, offset, limit);
  const workspaces = list.data?.workspaces ?? [];
  const count = list.data?.count ?? 0;
  useWatchWorkspaces(workspaces.map((w) => w.id ?? "").filter(Boolean));

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const search = (next: string) => {
    setSelected(new Set());
    setParams(next === DEFAULT_QUERY ? {} : { q: next });
  };
  const goto = (p: number) => {
    setSelected(new Set());
    const next = new URLSearchParams(params);
    if (p > 1) next.set("page", String(p));
    else next.delete("page");
    setParams(next);
  };
  const chosen = workspaces.filter((w) => selected.has(w.id ?? ""));

  return (
    <>
      <PageHeader title="Workspaces" actions={<ButtonLink to="/templates" variant="primary">New workspace</ButtonLink>} />
      <SearchBar
        label="Search workspaces"
        hint="owner:me, status:running, template:name, or a name"
        query={q}
        presets={presets}
        error={list.error}
        onSearch={search}
      />
      <BatchActions selected={chosen} onDone={() => setSelected(new Set())} />
      {list.isPending ? (
        <Loading label="Loading workspaces…" />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : workspaces.length === 0 ? (
        q === DEFAULT_QUERY ? (
          <EmptyState title="You have no workspaces yet" action={<ButtonLink to="/templates" variant="primary">Create a workspace</ButtonLink>}>
            A workspace is a development environment made from a template.
          </EmptyState>
        ) : (
          <EmptyState title="No workspaces match this search" action={<Button onClick={() => search(DEFAULT_QUERY)}>Show my workspaces</Button>} />
        )
      ) : (
        <>
          <WorkspaceTable
            workspaces={workspaces}
            selected={selected}
            onSelect={(id, on) => {
              const next = new Set(selected);
              if (on) next.add(id);
              else next.delete(id);
              setSelected(next);
            }}
            onSelectAll={(on) => setSelected(on ? new Set(workspaces.map((w) => w.id ?? "")) : new Set())}
          />
          <Pagination page={page} count={count} shown={workspaces.length} onPage={goto} />
        </>
      )}
    </>
  );
}

function WorkspaceTable({
  workspaces,
  selected,
  onSelect,
  onSelectAll,
}: {
  workspaces: Workspace[];
  selected: Set<string>;
  onSelect: (id: string, on: boolean) => void;
  onSelectAll: (on: boolean) => void;
}) {
  const favorite = useToggleFavorite();
  const allSelected = workspaces.length > 0 && workspaces.every((w) => selected.has(w.id ?? ""));
  return (
    <Table caption="Workspaces">
      <thead>
        <tr>
          <th scope="col" className="col-check">
            <input type="checkbox" aria-label="Select all workspaces on this page" checked={allSelected} onChange={(e) => onSelectAll(e.target.checked)} />
          </th>
          <th scope="col">Name</th>
          <th scope="col">Template</th>
          <th scope="col">Status</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span className="visually-hidden">Favorite</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {workspaces.map((ws) => {
          const id = ws.id ?? "";
          const label = `${ws.owner_name}/${ws.name}`;
          return (
            <tr key={id} data-workspace={label}>
              <td className="col-check">
                <input type="checkbox" aria-label={`Select ${label}`} checked={selected.has(id)} onChange={(e) => onSelect(id, e.target.checked)} />
              </td>
              <td>
                <Link to={`/@${ws.owner_name}/${ws.name}`}>{ws.name}</Link>
                <div className="muted small">{ws.owner_name}</div>
              </td>
              <td>
                {ws.template_display_name || ws.template_name}
                {ws.outdated && <span className="muted small"> · outdated</span>}
              </td>
              <td>
                <span className="row">
                  <StatusBadge ws={ws} />
                  <HealthBadge ws={ws} />
                </span>
              </td>
              <td title={absoluteTime(ws.last_used_at)}>{relativeTime(ws.last_used_at)}</td>
              <td>
                <button
                  type="button"
                  className="icon-btn"
                  aria-pressed={!!ws.favorite}
                  aria-label={ws.favorite ? `Unfavorite ${label}` : `Favorite ${label}`}
                  onClick={() => favorite.mutate(ws)}
                >
                  {ws.favorite ? "★" : "☆"}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

function Pagination({ page, count, shown, onPage }: { page: number; count: number; shown: number; onPage: (p: number) => void }) {
  const first = (page - 1) * PAGE_SIZE + 1;
  const last = first + shown - 1;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  return (
    <nav className="pagination" aria-label="Pagination">
      <span>
        Showing {first}–{last} of {count}
      </span>
      <Button disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </Button>
      <span aria-current="page">
        Page {page} of {pages}
      </span>
      <Button disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next
      </Button>
    </nav>
  );
}

const batchVerbs: Record<WorkspaceTransition, string> = { start: "Start", stop: "Stop", delete: "Delete" };

/** Start, stop or delete the selected workspaces; failures are listed by name. */
function BatchActions({ selected, onDone }: { selected: Workspace[]; onDone: () => void }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState<WorkspaceTransition>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [failures, setFailures] = useState<{ name: string; error: unknown }[]>([]);
  if (selected.length === 0 && failures.length === 0) return null;

  const eligible = (t: WorkspaceTransition) => selected.filter(t === "start" ? canStart : t === "stop" ? canStop : canDelete);
  const run = async (t: WorkspaceTransition) => {
    setBusy(t);
    setFailures([]);
    const targets = eligible(t);
    const results = await Promise.allSettled(targets.map((ws) => postBuild(ws, { transition: t })));
    const failed: { name: string; error: unknown }[] = [];
    results.forEach((r, i) => {
      const ws = targets[i]!;
      if (r.status === "fulfilled") storeWorkspace(qc, { ...ws, latest_build: r.value });
      else failed.push({ name: `${ws.owner_name}/${ws.name}`, error: r.reason });
    });
    setFailures(failed);
    setBusy(undefined);
    setConfirmDelete(false);
    void qc.invalidateQueries({ queryKey: workspaceKeys.all });
    onDone();
  };
  return (
    <div className="batch card" role="region" aria-label="Selected workspaces">
      {selected.length > 0 && (
        <div className="row">
          <strong>{selected.length} selected</strong>
          {(["start", "stop"] as const).map((t) => (
            <Button key={t} loading={busy === t} disabled={!!busy || eligible(t).length === 0} onClick={() => void run(t)}>
              {batchVerbs[t]} ({eligible(t).length})
            </Button>
          ))}
          <Button variant="danger" disabled={!!busy || eligible("delete").length === 0} onClick={() => setConfirmDelete(true)}>
            Delete ({eligible("delete").length})
          </Button>
        </div>
      )}
      {failures.map((f) => (
        <ErrorAlert key={f.name} title={`${f.name} failed`} error={f.error} />
      ))}
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${eligible("delete").length} workspaces?`}
        confirmLabel="Delete"
        danger
        loading={busy === "delete"}
        onConfirm={() => void run("delete")}
        onClose={() => setConfirmDelete(false)}
      >
        Their resources are destroyed: {eligible("delete").map((w) => w.name).join(", ")}.
      </ConfirmDialog>
    </div>
  );
}
