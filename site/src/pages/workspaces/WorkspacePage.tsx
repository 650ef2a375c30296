import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, websocketURL } from "../../api/client";
import { useBuildLogs, useWatchWorkspaces } from "../../api/live";
import {
  isBuilding,
  postBuild,
  storeWorkspace,
  useBuildWorkspace,
  useCancelBuild,
  useWorkspace,
  useWorkspaceBuild,
  useWorkspaceBuilds,
  workspaceKeys,
  type BuildRequest,
} from "../../api/workspaces";
import type { Workspace, WorkspaceAgent, WorkspaceBuild, WorkspaceResource } from "../../api/types";
import { hasWebTerminal, terminalPath } from "./terminal";
import { Badge, Button, ButtonLink, ConfirmDialog, ErrorAlert, Loading, PageHeader } from "../../components";
import { absoluteTime, duration, relativeTime } from "../../utils/time";
import { Component as NotFound } from "../NotFoundPage";
import { BuildLogs } from "./BuildLogs";
import { BuildTimings } from "./BuildTimings";
import { ListeningPorts } from "./ListeningPorts";
import { canCancel, canDelete, canStart, canStop, StatusBadge } from "./status";

export function Component() {
  const params = useParams();
  const ownerParam = params.owner ?? "";
  if (!ownerParam.startsWith("@") || ownerParam.length < 2) return <NotFound />;
  return <WorkspaceView owner={ownerParam.slice(1)} name={params.workspace ?? ""} buildNumber={params.buildNumber} />;
}

function WorkspaceView({ owner, name, buildNumber }: { owner: string; name: string; buildNumber?: string }) {
  const query = useWorkspace(owner, name);
  const ws = query.data;
  useWatchWorkspaces(ws?.id ? [ws.id] : []);
  if (query.isPending) return <Loading label="Loading workspace…" />;
  if (query.isError) {
    return (
      <>
        <PageHeader title={name} />
        <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      </>
    );
  }
  return <WorkspaceDetails ws={query.data} buildNumber={buildNumber ? Number(buildNumber) : undefined} />;
}

function WorkspaceDetails({ ws, buildNumber }: { ws: Workspace; buildNumber?: number }) {
  const build = ws.latest_build;
  const base = `/@${ws.owner_name}/${ws.name}`;
  return (
    <>
      <PageHeader
        title={ws.name ?? ""}
        actions={<WorkspaceActions ws={ws} />}
      >
        <span className="row">
          <StatusBadge ws={ws} />
          <span>
            {ws.owner_name} · template{" "}
            <Link to={`/templates/${ws.organization_name}/${ws.template_name}`}>{ws.template_display_name || ws.template_name}</Link>
            {build?.template_version_name && <> · version {build.template_version_name}</>}
          </span>
        </span>
      </PageHeader>
      <Banners ws={ws} />
      <div className="grid-2">
        <div className="stack">
          <BuildPanel ws={ws} buildNumber={buildNumber} />
          <Resources resources={build?.resources ?? []} ws={ws} />
          {ws.id && build?.id && !isBuilding(ws) && <BuildTimings workspaceId={ws.id} buildId={build.id} />}
        </div>
        <div className="stack">
          <section className="card" aria-labelledby="about-title">
            <h2 id="about-title">About</h2>
            <dl className="kv">
              <dt>Last used</dt>
              <dd title={absoluteTime(ws.last_used_at)}>{relativeTime(ws.last_used_at)}</dd>
              <dt>Created</dt>
              <dd title={absoluteTime(ws.created_at)}>{relativeTime(ws.created_at)}</dd>
              {build?.deadline && !build.deadline.startsWith("0001-") && (
                <>
                  <dt>Stops</dt>
                  <dd title={absoluteTime(build.deadline)}>{relativeTime(build.deadline)}</dd>
                </>
              )}
              <dt>Organization</dt>
              <dd>{ws.organization_name}</dd>
            </dl>
          </section>
          <BuildHistory ws={ws} base={base} selected={buildNumber ?? build?.build_number} />
        </div>
      </div>
    </>
  );
}

/** Waits, on the logs stream, until a build's job is done. */
function waitForBuild(buildId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(websocketURL(`/workspacebuilds/${buildId}/logs`, { follow: true }));
    ws.onclose = (e) => (e.code === 1000 ? resolve() : reject(new Error(`The build's log stream closed (${e.code}).`)));
  });
}

function WorkspaceActions({ ws }: { ws: Workspace }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const build = useBuildWorkspace();
  const cancel = useCancelBuild();
  const [confirmDelete, setConfirmDelete] = useState(false);
  // Restart is a stop, then a start once the stop's job is done.
  const restart = useMutation({
    mutationFn: async () => {
      const stop = await postBuild(ws, { transition: "stop" });
      storeWorkspace(qc, { ...ws, latest_build: stop });
      await waitForBuild(stop.id ?? "");
      const done = await api.get<WorkspaceBuild>(`/workspacebuilds/${stop.id}`);
      if (done.job?.status !== "succeeded") throw new Error(`The stop build ended ${done.job?.status ?? "unknown"}; not starting.`);
      return postBuild(ws, { transition: "start" });
    },
    onSuccess: (start) => {
      storeWorkspace(qc, { ...ws, latest_build: start });
      void qc.invalidateQueries({ queryKey: workspaceKeys.builds(ws.id ?? "") });
    },
  });
  const run = (req: BuildRequest) => build.mutate({ ws, req });
  const busy = build.isPending || restart.isPending;
  const error = build.error ?? restart.error ?? cancel.error;
  return (
    <div className="stack">
      <div className="row">
        {canStart(ws) && (
          <Button variant="primary" loading={build.isPending && build.variables?.req.transition === "start"} disabled={busy} onClick={() => run({ transition: "start" })}>
            Start
          </Button>
        )}
        {canStop(ws) && (
          <Button loading={build.isPending && build.variables?.req.transition === "stop"} disabled={busy} onClick={() => run({ transition: "stop" })}>
            Stop
          </Button>
        )}
        {ws.latest_build?.status === "running" && (
          <Button loading={restart.isPending} disabled={busy} onClick={() => restart.mutate()}>
            Restart
          </Button>
        )}
        {canCancel(ws) && ws.latest_build && (
          <Button loading={cancel.isPending} onClick={() => cancel.mutate(ws.latest_build!)}>
            Cancel build
          </Button>
        )}
        <ButtonLink to={`/@${ws.owner_name}/${ws.name}/settings`}>Settings</ButtonLink>
        {canDelete(ws) && (
          <Button variant="danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
            Delete
          </Button>
        )}
      </div>
      {error && <ErrorAlert error={error} />}
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${ws.name}?`}
        confirmLabel="Delete workspace"
        danger
        loading={build.isPending}
        onClose={() => setConfirmDelete(false)}
        onConfirm={() =>
          build.mutate(
            { ws, req: { transition: "delete" } },
            {
              onSuccess: () => setConfirmDelete(false),
              onError: () => setConfirmDelete(false),
            },
          )
        }
      >
        Its resources are destroyed. The build runs in the background; the workspace disappears from the list when it is done.
      </ConfirmDialog>
      {ws.latest_build?.status === "deleted" && (
        <Button onClick={() => navigate("/workspaces")}>Back to workspaces</Button>
      )}
    </div>
  );
}

function Banners({ ws }: { ws: Workspace }) {
  const update = useBuildWorkspace();
  const job = ws.latest_build?.job;
  return (
    <>
      {ws.outdated && (
        <div className="alert alert-info banner" role="status">
          <strong>A newer template version is available.</strong>
          <p>Update to build this workspace with the template's active version.</p>
          <Button
            variant="primary"
            loading={update.isPending}
            disabled={isBuilding(ws)}
            onClick={() => update.mutate({ ws, req: { transition: "start", templateVersionId: ws.template_active_version_id } })}
          >
            Update
          </Button>
          {update.error ? <ErrorAlert error={update.error} /> : null}
        </div>
      )}
      {ws.dormant_at && !ws.dormant_at.startsWith("0001-") && (
        <div className="alert alert-warning banner" role="status">
          <strong>This workspace is dormant.</strong>
          <p>
            It was marked dormant {relativeTime(ws.dormant_at)} for being unused
            {ws.deleting_at && !ws.deleting_at.startsWith("0001-") ? ` and will be deleted ${relativeTime(ws.deleting_at)}` : ""}. Start it to keep it.
          </p>
        </div>
      )}
      {ws.latest_build?.status === "failed" && job?.error && (
        <div className="alert alert-error banner" role="status">
          <strong>The last build failed.</strong>
          <p>{job.error}</p>
        </div>
      )}
    </>
  );
}

function BuildPanel({ ws, buildNumber }: { ws: Workspace; buildNumber?: number }) {
  const latest = ws.latest_build;
  const viewingOld = buildNumber !== undefined && buildNumber !== latest?.build_number;
  const old = useWorkspaceBuild(ws.owner_name ?? "", ws.name ?? "", viewingOld ? buildNumber : undefined);
  const build = viewingOld ? old.data : latest;
  const running = !!build && (build.job?.status === "pending" || build.job?.status === "running" || build.job?.status === "canceling");
  const logs = useBuildLogs(build?.id, running);
  return (
    <section className="card" aria-labelledby="build-title">
      <div className="section-title">
        <h2 id="build-title">
          Build #{build?.build_number ?? buildNumber} · {build?.transition}
        </h2>
        {build && <Badge tone={running ? "progress" : build.job?.status === "succeeded" ? "success" : build.job?.status === "failed" ? "danger" : "neutral"}>{build.job?.status}</Badge>}
      </div>
      {viewingOld && old.isPending && <Loading label="Loading build…" />}
      {viewingOld && old.isError && <ErrorAlert error={old.error} />}
      {running && (
        <div className="stack">
          <progress aria-label={`Build #${build?.build_number} in progress`} />
          {build?.job?.status === "pending" && build.job.queue_position ? (
            <p className="muted">Waiting for a provisioner: position {build.job.queue_position} in the queue.</p>
          ) : null}
        </div>
      )}
      {build && (
        <p className="muted small">
          By {build.initiator_name} {relativeTime(build.created_at)}
          {build.job?.completed_at && ` · took ${duration(build.job.started_at, build.job.completed_at)}`}
        </p>
      )}
      {build && <BuildLogs logs={logs.logs} streaming={logs.streaming} error={logs.error} label={`Logs of build #${build.build_number}`} />}
    </section>
  );
}

function Resources({ resources, ws }: { resources: WorkspaceResource[]; ws: Workspace }) {
  const shown = resources.filter((r) => !r.hide);
  return (
    <section className="card" aria-labelledby="resources-title">
      <h2 id="resources-title">Resources</h2>
      {shown.length === 0 ? (
        <p className="muted">No resources{ws.latest_build?.status === "stopped" ? " while the workspace is stopped" : ""}.</p>
      ) : (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {shown.map((r) => (
            <li key={r.id} className="resource">
              <strong>{r.name}</strong> <span className="muted">{r.type}</span>
              {(r.agents ?? []).map((a) => (
                <Agent key={a.id} agent={a} ws={ws} />
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Agent({ agent, ws }: { agent: WorkspaceAgent; ws: Workspace }) {
  const tone = agent.status === "connected" ? "success" : agent.status === "connecting" ? "progress" : "warning";
  const apps = (agent.apps ?? []).filter((a) => !a.hidden);
  return (
    <div className="agent">
      <div className="row">
        <span>Agent {agent.name}</span>
        <Badge tone={tone}>{agent.status}</Badge>
        {agent.lifecycle_state && <span className="muted small">{agent.lifecycle_state}</span>}
        {agent.operating_system && <span className="muted small">{agent.operating_system}/{agent.architecture}</span>}
        {hasWebTerminal(agent) && agent.status === "connected" && (
          <a className="btn" href={terminalPath(ws, agent)} target="_blank" rel="noreferrer">Terminal</a>
        )}
      </div>
      {apps.length > 0 && (
        <ul className="app-list" aria-label={`Apps of agent ${agent.name}`}>
          {apps.map((app) => (
            <li key={app.id}>
              <a
                className="btn"
                href={app.external ? app.url : `/@${ws.owner_name}/${ws.name}.${agent.name}/apps/${app.slug}/`}
                target="_blank"
                rel="noreferrer"
              >
                {app.display_name || app.slug}
              </a>
            </li>
          ))}
        </ul>
      )}
      <ListeningPorts agent={agent} ws={ws} />
    </div>
  );
}

function BuildHistory({ ws, base, selected }: { ws: Workspace; base: string; selected?: number }) {
  const builds = useWorkspaceBuilds(ws.id);
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">Build history</h2>
      {builds.isPending ? (
        <Loading />
      ) : builds.isError ? (
        <ErrorAlert error={builds.error} />
      ) : (
        <ul className="build-list">
          {builds.data.map((b) => (
            <li key={b.id}>
              <Link
                to={b.build_number === ws.latest_build?.build_number ? base : `${base}/builds/${b.build_number}`}
                aria-current={b.build_number === selected ? "page" : undefined}
              >
                <span>
                  #{b.build_number} {b.transition}
                  <span className="muted small"> · {b.initiator_name}</span>
                </span>
                <span className="muted small" title={absoluteTime(b.created_at)}>
                  {b.job?.status} · {relativeTime(b.created_at)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
