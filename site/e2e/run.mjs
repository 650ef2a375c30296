// The dashboard's end-to-end run: starts the real server (make build's
// binary, built-in PostgreSQL, echo provisioner), drives Debian's Chromium
// through the journeys with playwright-core, screenshots and axe-scans each
// page into build/e2e-screenshots, and stops the server.
//
//   npm run e2e                     (after make build)
//   E2E_ONLY=sign npm run e2e       (journeys whose name contains "sign"; setup journeys still run)
//   E2E_BINARY=/path/to/coder       (another binary)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { Api } from "./api.mjs";
import { Checks } from "./lib.mjs";
import { journeys as coreJourneys } from "./journeys.mjs";
import { templateJourneys } from "./templates.journeys.mjs";
import { adminJourneys } from "./admin.journeys.mjs";
import { agentJourneys } from "./agent.journeys.mjs";
import { terminalJourneys } from "./terminal.journeys.mjs";

const journeys = [...coreJourneys, ...templateJourneys, ...adminJourneys, ...agentJourneys, ...terminalJourneys];

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.E2E_BINARY ?? path.join(repo, "build/coder");
const screenshots = path.join(repo, "build/e2e-screenshots");
const chromiumPath = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
const chromiumArgs = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

const started = Date.now();
const server = await startServer({ binary, logFile: path.join(repo, "build/e2e-server.log"), terraform: true });
console.log(`e2e: server at ${server.url}`);
const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
context.setDefaultTimeout(15_000);
const page = await context.newPage();

// The dashboard must not leave the server: every request goes to its origin.
const origin = new URL(server.url).origin;
const external = [];
page.on("request", (req) => {
  const u = req.url();
  if (!u.startsWith(origin) && !u.startsWith(origin.replace("http", "ws")) && !u.startsWith("data:")) external.push(u);
});
const consoleErrors = [];
page.on("pageerror", (err) => consoleErrors.push(String(err)));

const checks = new Checks(screenshots);
const ctx = { page, context, base: server.url, anonApi: new Api(server.url), api: undefined, checks, state: {}, terraform: server.terraform };
let passed = 0;
let failed = 0;
const only = process.env.E2E_ONLY;
try {
  for (const j of journeys) {
    if (only && !j.name.includes(only) && !j.name.startsWith("setup") && !j.name.startsWith("first-user")) continue;
    const t0 = Date.now();
    try {
      const skipped = await j.run(ctx);
      if (typeof skipped === "string") {
        console.log(`skip ${j.name}: ${skipped}`);
        continue;
      }
      passed++;
      console.log(`ok   ${j.name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${j.name}\n     ${String(err?.stack ?? err).split("\n").slice(0, 8).join("\n     ")}`);
      await page.screenshot({ path: path.join(screenshots, `FAILED-${j.name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    }
  }
  if (external.length) {
    failed++;
    console.log(`FAIL no external requests\n     ${[...new Set(external)].slice(0, 10).join("\n     ")}`);
  } else {
    passed++;
    console.log("ok   no external requests");
  }
  if (consoleErrors.length) console.log(`note: page errors:\n  ${consoleErrors.slice(0, 5).join("\n  ")}`);
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
console.log(`e2e: scanned ${checks.scanned.length} pages with axe (${checks.scanned.join(", ")}); screenshots in ${path.relative(repo, screenshots)}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
