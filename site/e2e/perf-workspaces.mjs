// Measures the workspaces page with many workspaces (issue #17: 1,000,
// interactive in under 1 s): a fresh server, N workspaces made through the
// API (echo builds), then Chromium loads /workspaces cold and warm and
// pages forward. "Interactive" is when the page's rows are rendered and
// its controls enabled, timed from the start of navigation in the page's
// own clock. Prints numbers; asserts nothing.
//
//   make build && cd site && npm run perf            (PERF_WORKSPACES=1000, PERF_RUNS=5)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { Api, tarOf } from "./api.mjs";

const N = Number(process.env.PERF_WORKSPACES ?? 1000);
const RUNS = Number(process.env.PERF_RUNS ?? 5);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const owner = { email: "perf@example.com", username: "perf", password: "SomeSecurePassword!42" };

const server = await startServer({
  binary: process.env.E2E_BINARY ?? path.join(repo, "build/coder"),
  logFile: path.join(repo, "build/perf-server.log"),
  extraArgs: ["--dangerous-disable-rate-limits"],
});
try {
  const anon = new Api(server.url);
  await anon.post("/users/first", { ...owner });
  const api = await anon.login(owner.email, owner.password);
  const me = await api.get("/users/me");
  const org = me.organization_ids[0];
  const yaml = "start:\n  resources:\n    - {name: dev, type: echo_machine, agents: [{name: main}]}\n";
  const template = await api.createTemplate(org, "perf", { tar: tarOf({ "echo.yaml": yaml }) });

  const t0 = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < N) {
        const i = next++;
        await api.post("/users/me/workspaces", { template_id: template.id, name: `ws-${String(i).padStart(4, "0")}` });
      }
    }),
  );
  console.log(`perf: created ${N} workspaces in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  // Sign in through the page, so the session cookie is the browser's own.
  await page.goto(`${server.url}/login`);
  await page.getByLabel("Email").fill(owner.email);
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/workspaces/);

  const interactive = async () =>
    page.evaluate(
      () =>
        new Promise((resolve) => {
          const check = () => {
            const rows = document.querySelectorAll("tbody tr[data-workspace]");
            const next = [...document.querySelectorAll("nav[aria-label=Pagination] button")].find((b) => b.textContent === "Next");
            if (rows.length >= 25 && next && !next.disabled) resolve(performance.now());
            else requestAnimationFrame(check);
          };
          check();
        }),
    );

  const results = { cold: [], warm: [], nextPage: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const kind of ["cold", "warm"]) {
      if (kind === "cold") {
        // The HTTP cache only: the session cookie stays.
        const cdp = await context.newCDPSession(page);
        await cdp.send("Network.clearBrowserCache");
        await cdp.detach();
      }
      await page.goto(`${server.url}/workspaces`, { waitUntil: "commit" });
      results[kind].push(await interactive());
    }
    const before = await page.evaluate(() => performance.now());
    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForFunction(() => document.querySelector("tbody tr[data-workspace]")?.getAttribute("data-workspace") === "perf/ws-0025");
    results.nextPage.push((await page.evaluate(() => performance.now())) - before);
  }
  const count = await page.locator(".pagination span").first().textContent();
  await browser.close();

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(", ")})`;
  console.log(`perf: /workspaces with ${N} workspaces (${count?.trim()}), ${RUNS} runs`);
  console.log(`  interactive, cold cache: ${fmt(results.cold)}`);
  console.log(`  interactive, warm cache: ${fmt(results.warm)}`);
  console.log(`  next page rendered:      ${fmt(results.nextPage)}`);
} finally {
  await server.stop();
}
