// A workspace with a real agent: the local starter's build (real Terraform,
// offline from make build's providers directory) starts `coder agent` as a
// process on this host, which downloads itself from the server's /bin. The
// dashboard shows it connect, run its startup script and report metadata;
// killed, it is shown disconnected and the workspace unhealthy.
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "./lib.mjs";

const LIVE = 120_000; // generous: a Terraform build plus the agent's download; only to keep a broken run from hanging
const LOCAL_BASE_DIR = "/tmp/coder-local"; // the local starter's base_dir default

function agentPid(workspaceId) {
  const file = path.join(LOCAL_BASE_DIR, workspaceId, "agent.pid");
  return existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : 0;
}

function kill(pid) {
  try {
    if (pid > 0) process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export const agentJourneys = [
  {
    name: "agent: a workspace from the local starter shows its real agent connect, start, report metadata, and go away",
    async run({ page, base, api, state, checks, terraform }) {
      if (!terraform) {
        return "needs terraform on PATH and build/terraform-providers beside the binary (make build), because the local starter runs a real agent; the echo provisioner cannot";
      }
      const tpl = await api.createTemplate(state.org, "local", { exampleId: "local", provisioner: "terraform" });
      const ws = await api.post("/users/me/workspaces", { template_id: tpl.id, name: "agent-dev" });
      try {
        await page.goto(`${base}/@admin/agent-dev`);
        const agent = page.locator('[data-agent="main"]');
        await agent.locator(".agent-status", { hasText: "Connected" }).waitFor({ timeout: LIVE });
        await agent.locator(".agent-lifecycle", { hasText: "Ready" }).waitFor({ timeout: LIVE });
        await agent.getByText("linux/", { exact: false }).first().waitFor();

        // Startup logs, grouped by source; opened while the agent started.
        const logs = agent.locator(".agent-logs");
        if (!(await logs.evaluate((el) => el.open))) await logs.locator("summary").click();
        await logs.getByText("Hello, admin").waitFor({ timeout: LIVE });
        expect((await logs.locator("[data-log-source]").count()) >= 1, "logs are grouped by source");

        // Metadata from the SSE stream: the load average gets a value.
        const load = agent.locator('[data-metadata="load"] dd');
        await load.filter({ hasText: /\d/ }).waitFor({ timeout: LIVE });
        await agent.getByRole("heading", { name: "Listening ports" }).waitFor();
        await page.locator('[data-testid="workspace-unhealthy"]').waitFor({ state: "detached" });
        await checks.page(page, "workspace-agent");

        // Killed, the agent is shown disconnected and the workspace unhealthy,
        // on its page and in the list (with the reason).
        const pid = agentPid(ws.id);
        expect(pid > 0, "the local starter recorded the agent's pid");
        kill(pid);
        await agent.locator(".agent-status", { hasText: "Disconnected" }).waitFor({ timeout: LIVE });
        await page.locator('.page-header [data-testid="workspace-unhealthy"]').waitFor({ timeout: LIVE });
        await page.goto(`${base}/workspaces`);
        const badge = page.locator('tr[data-workspace="admin/agent-dev"] [data-testid="workspace-unhealthy"]');
        await badge.waitFor({ timeout: LIVE });
        const why = await badge.getAttribute("title");
        expect(/Agent main: agent has lost connection/.test(why ?? ""), `the badge says why: ${why}`);
        await checks.page(page, "workspaces-unhealthy");

        // Stopped, the workspace has no agent any more.
        await page.goto(`${base}/@admin/agent-dev`);
        await page.getByRole("button", { name: "Stop", exact: true }).click();
        await page.locator(".page-header .status-badge", { hasText: "Stopped" }).waitFor({ timeout: LIVE });
        await agent.waitFor({ state: "detached" });
      } finally {
        kill(agentPid(ws.id));
        rmSync(path.join(LOCAL_BASE_DIR, ws.id), { recursive: true, force: true });
      }
    },
  },
];
