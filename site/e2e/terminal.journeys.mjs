// The browser terminal on a real agent: the local starter's build starts
// `coder agent` on this host; the workspace page's Terminal button leads to
// /@owner/workspace.agent/terminal, where a typed command's output appears,
// and a reload reattaches to the same shell (its output is replayed).
// It needs ctx.terraform, as the agent journey does.
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { expect } from "./lib.mjs";

const LIVE = 120_000; // generous: a Terraform build plus the agent's download; only to keep a broken run from hanging
const LOCAL_BASE_DIR = "/tmp/coder-local"; // the local starter's base_dir default

function stopAgent(workspaceId) {
  const file = path.join(LOCAL_BASE_DIR, workspaceId, "agent.pid");
  const pid = existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : 0;
  try {
    if (pid > 0) process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
  rmSync(path.join(LOCAL_BASE_DIR, workspaceId), { recursive: true, force: true });
}

export const terminalJourneys = [
  {
    name: "terminal: type a command in the browser terminal, read its output, reload and find it replayed",
    async run({ page, base, api, state, checks, terraform }) {
      if (!terraform) {
        return "needs terraform on PATH and build/terraform-providers beside the binary (make build), because the terminal needs a real agent from the local starter; the echo provisioner has none";
      }
      const tpl = await api.createTemplate(state.org, "local-term", { exampleId: "local", provisioner: "terraform" });
      const ws = await api.post("/users/me/workspaces", { template_id: tpl.id, name: "term-dev" });
      try {
        await page.goto(`${base}/@admin/term-dev`);
        const button = page.getByRole("link", { name: "Terminal" });
        await button.waitFor({ timeout: LIVE });
        const href = await button.getAttribute("href");
        expect(href === "/@admin/term-dev.main/terminal", `the Terminal button opens the agent's terminal: ${href}`);

        await page.goto(`${base}${href}`);
        await page.locator('.terminal[data-status="connected"]').waitFor({ timeout: LIVE });
        const url = new URL(page.url());
        expect(/^[0-9a-f-]{36}$/.test(url.searchParams.get("reconnect") ?? ""), "the reconnect id is in the URL");

        const marker = `hello-${Math.floor(Math.random() * 1e6)}`;
        await page.locator('.terminal[data-status]').click();
        await page.keyboard.type(`echo ${marker}-$((6*7))`);
        await page.keyboard.press("Enter");
        const rows = page.locator(".terminal .xterm-rows");
        await rows.filter({ hasText: `${marker}-42` }).waitFor({ timeout: LIVE });
        await checks.page(page, "terminal");

        // A reload keeps the id and reattaches: the output is replayed.
        await page.reload();
        await page.locator('.terminal[data-status="connected"]').waitFor({ timeout: LIVE });
        expect(new URL(page.url()).searchParams.get("reconnect") === url.searchParams.get("reconnect"), "same reconnect id after reload");
        await rows.filter({ hasText: `${marker}-42` }).waitFor({ timeout: LIVE });
      } finally {
        stopAgent(ws.id);
      }
    },
  },
];
