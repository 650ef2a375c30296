// The end-to-end journeys, run in order in one browser context against a
// fresh server (see run.mjs). Each is { name, run(ctx) }; ctx has page,
// base (the server URL), api (an owner's API client once signed up),
// checks (checks.page(page, name) screenshots and axe-scans), and state
// journeys pass along. Add a journey per page you build.
import { expect } from "./lib.mjs";
import { tarOf } from "./api.mjs";

export const OWNER = { email: "admin@example.com", username: "admin", password: "SomeSecurePassword!42" };

// A template whose builds take a few seconds, so a browser can watch a
// workspace start and stop live.
const SLOW_ECHO = `
parameters:
  - {name: region, display_name: Region, default: eu-west, options: [{name: Europe, value: eu-west}, {name: US, value: us-east}]}
start:
  logs:
    - {level: info, output: "Pulling image for {{.WorkspaceName}}"}
    - {level: info, output: "Creating workspace {{.WorkspaceName}} in {{.Param \\"region\\"}}"}
  delay: 4s
  resources:
    - name: dev
      type: echo_machine
      agents:
        - name: main
          apps:
            - {slug: code-server, display_name: code-server, url: "http://localhost:13337"}
stop:
  logs:
    - {level: info, output: "Stopping {{.WorkspaceName}}"}
  delay: 3s
delete:
  logs:
    - {level: info, output: "Deleting {{.WorkspaceName}}"}
  delay: 1s
`;

const LIVE = 60_000; // generous: only to keep a broken run from hanging

/** The status badge of a workspace row, or of the workspace page. */
function rowStatus(page, name) {
  return page.locator(`tr[data-workspace="admin/${name}"] .status-badge`);
}

export const journeys = [
  {
    name: "first-user setup from the sign-in redirect",
    async run({ page, base, checks }) {
      await page.goto(`${base}/workspaces`);
      await page.waitForURL(/\/setup$/);
      await page.getByRole("heading", { name: "Create the first user" }).waitFor();
      await checks.page(page, "setup");
      await page.getByLabel("Email").fill(OWNER.email);
      await page.getByLabel("Username").fill(OWNER.username);
      await page.getByLabel("Password").fill(OWNER.password);
      await page.getByRole("button", { name: "Create user and sign in" }).click();
      await page.waitForURL(/\/workspaces$/);
      await page.getByText("You have no workspaces yet").waitFor();
      await checks.page(page, "workspaces-empty");
    },
  },
  {
    name: "setup: templates from the echo example and an uploaded archive (API)",
    async run(ctx) {
      ctx.api = await ctx.anonApi.login(OWNER.email, OWNER.password);
      const me = await ctx.api.get("/users/me");
      const org = me.organization_ids[0];
      ctx.state.org = org;
      ctx.state.example = await ctx.api.createTemplate(org, "echo-dev", { exampleId: "echo-dev" });
      ctx.state.slow = await ctx.api.createTemplate(org, "slow-echo", { tar: tarOf({ "echo.yaml": SLOW_ECHO }) });
      expect(ctx.state.slow.id, "template created");
    },
  },
  {
    name: "a workspace starts live on its page, with streaming logs",
    async run({ page, base, api, state, checks }) {
      const ws = await api.post("/users/me/workspaces", { template_id: state.slow.id, name: "dev" });
      state.ws = ws;
      await page.goto(`${base}/@admin/dev`);
      const badge = page.locator(".page-header .status-badge");
      // The build takes 4 s: the page shows it in progress, then running,
      // without a reload (the watch stream).
      await badge.filter({ hasText: /Pending|Starting/ }).waitFor({ timeout: LIVE });
      await page.getByRole("progressbar").waitFor();
      await page.getByTestId("build-logs").getByText("Creating workspace dev in eu-west").waitFor({ timeout: LIVE });
      await checks.page(page, "workspace-starting");
      await badge.filter({ hasText: "Running" }).waitFor({ timeout: LIVE });
      await page.getByRole("link", { name: "code-server" }).waitFor();
      await page.getByRole("heading", { name: "Agent main" }).waitFor();
      await page.getByRole("region", { name: "Build timings" }).getByRole("table").or(page.getByText("No timings were recorded")).waitFor();
      await checks.page(page, "workspace-running");
    },
  },
  {
    name: "the list shows the status change live after a batch stop",
    async run({ page, base, checks }) {
      await page.goto(`${base}/workspaces`);
      await rowStatus(page, "dev").filter({ hasText: "Running" }).waitFor({ timeout: LIVE });
      await checks.page(page, "workspaces");
      await page.getByRole("checkbox", { name: "Select admin/dev" }).check();
      await page.getByRole("button", { name: "Stop (1)" }).click();
      await rowStatus(page, "dev").filter({ hasText: "Stopping" }).waitFor({ timeout: LIVE });
      await rowStatus(page, "dev").filter({ hasText: "Stopped" }).waitFor({ timeout: LIVE });
    },
  },
  {
    name: "search: status filters and the no-match state",
    async run({ page, base }) {
      await page.goto(`${base}/workspaces?q=${encodeURIComponent("status:stopped")}`);
      await page.locator('tr[data-workspace="admin/dev"]').waitFor();
      await page.getByLabel("Search workspaces").fill("status:running");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.getByText("No workspaces match this search").waitFor();
      expect(page.url().includes("q=status%3Arunning"), `search is in the URL: ${page.url()}`);
      await page.getByLabel("Search workspaces").fill("status:nonsense");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.locator(".field-error").waitFor();
    },
  },
  {
    name: "start from the workspace page, then read an earlier build's logs",
    async run({ page, base, checks }) {
      await page.goto(`${base}/@admin/dev`);
      const badge = page.locator(".page-header .status-badge");
      await badge.filter({ hasText: "Stopped" }).waitFor();
      await page.getByRole("button", { name: "Start", exact: true }).click();
      await badge.filter({ hasText: /Pending|Starting/ }).waitFor({ timeout: LIVE });
      await badge.filter({ hasText: "Running" }).waitFor({ timeout: LIVE });
      const history = page.getByRole("region", { name: "Build history" });
      await history.getByRole("link", { name: /#3 start/ }).waitFor({ timeout: LIVE });
      await history.getByRole("link", { name: /#2 stop/ }).click();
      await page.waitForURL(/\/@admin\/dev\/builds\/2$/);
      await page.getByTestId("build-logs").getByText("Stopping dev").waitFor();
      await checks.page(page, "workspace-build-history");
      await page.getByRole("link", { name: /#3 start/ }).click();
      await page.getByRole("button", { name: "Stop", exact: true }).click();
      await badge.filter({ hasText: "Stopped" }).waitFor({ timeout: LIVE });
    },
  },
  {
    name: "the outdated banner updates the workspace to the active version",
    async run({ page, base, api, state, checks }) {
      const version = await api.promoteNewVersion(state.org, state.slow.id, tarOf({ "echo.yaml": SLOW_ECHO + "\n# v2\n" }));
      await page.goto(`${base}/@admin/dev`);
      const banner = page.getByText("A newer template version is available.");
      await banner.waitFor();
      await checks.page(page, "workspace-outdated");
      await page.getByRole("button", { name: "Update", exact: true }).click();
      const badge = page.locator(".page-header .status-badge");
      await badge.filter({ hasText: "Running" }).waitFor({ timeout: LIVE });
      await page.locator(".page-header").getByText(`version ${version.name}`).waitFor({ timeout: LIVE });
      await banner.waitFor({ state: "detached" });
    },
  },
  {
    name: "cancel a build in progress",
    async run({ page, base, api, state }) {
      await api.post("/users/me/workspaces", { template_id: state.slow.id, name: "cancel-me" });
      await page.goto(`${base}/@admin/cancel-me`);
      const badge = page.locator(".page-header .status-badge");
      await badge.filter({ hasText: /Pending|Starting/ }).waitFor({ timeout: LIVE });
      await page.getByRole("button", { name: "Cancel build" }).click();
      await badge.filter({ hasText: "Canceled" }).waitFor({ timeout: LIVE });
    },
  },
  {
    name: "favorites come first in the list",
    async run({ page, base }) {
      await page.goto(`${base}/workspaces`);
      const rows = page.locator("tbody tr");
      await rows.nth(1).waitFor();
      // Without favorites, dev (running) comes first; cancel-me after it.
      await page.getByRole("button", { name: "Favorite admin/cancel-me" }).click();
      await page.getByRole("button", { name: "Unfavorite admin/cancel-me" }).waitFor();
      await page.waitForFunction(() => document.querySelector("tbody tr")?.getAttribute("data-workspace") === "admin/cancel-me");
    },
  },
  {
    name: "share a workspace with a user and change its schedule",
    async run({ page, base, api, state, checks }) {
      await api.post("/users", { email: "alice@example.com", username: "alice", password: "SomeSecurePassword!42", organization_ids: [state.org] });
      await page.goto(`${base}/@admin/dev`);
      await page.getByRole("link", { name: "Settings" }).click();
      await page.waitForURL(/\/@admin\/dev\/settings$/);
      const sharing = page.getByRole("region", { name: "Sharing" });
      await sharing.getByLabel("Username").fill("nobody-here");
      await sharing.getByRole("button", { name: "Share", exact: true }).click();
      await sharing.getByRole("alert").waitFor();
      await sharing.getByLabel("Username").fill("alice");
      await sharing.getByRole("button", { name: "Share", exact: true }).click();
      await sharing.getByRole("cell", { name: "alice", exact: true }).waitFor();

      const schedule = page.getByRole("region", { name: "Schedule" });
      await schedule.getByLabel("Start automatically").check();
      await schedule.getByLabel("Start time").fill("08:30");
      await schedule.getByLabel("Timezone").fill("Europe/Paris");
      await schedule.getByLabel("Stop after (hours)").fill("2");
      await schedule.getByRole("button", { name: "Save schedule" }).click();
      await schedule.getByText("Schedule saved.").waitFor();
      await checks.page(page, "workspace-settings");
      const ws = await api.get(`/workspaces/${state.ws.id}`);
      expect(ws.autostart_schedule === "CRON_TZ=Europe/Paris 30 8 * * 1,2,3,4,5", `autostart: ${ws.autostart_schedule}`);
      expect(ws.ttl_ms === 2 * 3600 * 1000, `ttl: ${ws.ttl_ms}`);
      const acl = await api.get(`/workspaces/${state.ws.id}/acl`);
      expect(acl.users?.some((u) => u.username === "alice" && u.role === "use"), `acl: ${JSON.stringify(acl)}`);
    },
  },
  {
    name: "session expiry sends the browser to sign in and back",
    async run({ page, base, context, checks }) {
      await page.goto(`${base}/workspaces?q=${encodeURIComponent("owner:me")}`);
      await page.locator('tr[data-workspace="admin/dev"]').waitFor();
      await context.clearCookies();
      await page.getByRole("button", { name: "All workspaces" }).click();
      await page.waitForURL(/\/login\?redirect=/);
      await checks.page(page, "login");
      await page.getByLabel("Email").fill(OWNER.email);
      await page.getByLabel("Password").fill("wrong password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").waitFor();
      await page.getByLabel("Password").fill(OWNER.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((u) => u.pathname === "/workspaces");
      await page.locator('tr[data-workspace="admin/dev"]').waitFor();
    },
  },
  {
    name: "delete from the workspace page",
    async run({ page, base }) {
      await page.goto(`${base}/@admin/dev`);
      await page.getByRole("button", { name: "Delete", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Delete dev?" });
      await dialog.getByRole("button", { name: "Delete workspace" }).click();
      await page.locator(".page-header .status-badge").filter({ hasText: /Deleting|Deleted/ }).waitFor({ timeout: LIVE });
      await page.locator(".page-header .status-badge").filter({ hasText: "Deleted" }).waitFor({ timeout: LIVE });
    },
  },
  {
    name: "unknown pages show a 404 page; unknown API paths stay JSON",
    async run({ page, base, checks }) {
      await page.goto(`${base}/no/such/page`);
      await page.getByRole("heading", { name: "Page not found" }).waitFor();
      await checks.page(page, "not-found");
      const res = await page.request.get(`${base}/api/v2/no-such-route`);
      expect(res.status() === 404, `API 404, got ${res.status()}`);
      expect((res.headers()["content-type"] ?? "").includes("application/json"), "API 404 is JSON");
    },
  },
  {
    name: "dark theme from the account menu",
    async run({ page, base, checks }) {
      await page.goto(`${base}/workspaces?q=`);
      await page.getByRole("button", { name: /^Account:/ }).click();
      await page.getByLabel("Theme").selectOption("dark");
      await page.keyboard.press("Escape");
      expect((await page.locator("html").getAttribute("data-theme")) === "dark", "theme applied");
      await page.locator("tbody tr").first().waitFor();
      await checks.page(page, "workspaces-dark");
      await page.reload();
      expect((await page.locator("html").getAttribute("data-theme")) === "dark", "theme kept across reloads");
    },
  },
  {
    name: "sign out",
    async run({ page, base }) {
      await page.goto(`${base}/workspaces`);
      await page.getByRole("button", { name: /^Account:/ }).click();
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/login$/);
      await page.goto(`${base}/workspaces`);
      await page.waitForURL(/\/login\?redirect=/);
    },
  },
];
