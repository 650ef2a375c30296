// The dashboard through a reverse proxy in front of two server replicas on
// one database: replica 1 runs the built-in PostgreSQL, replica 2 joins it
// with --postgres-url, and a round-robin proxy (proxy.mjs) is the access
// URL. The browser runs a few of the core journeys through the proxy, so
// sign-in, CSRF, watch streams and build logs each get answered by either
// replica. The browser terminal runs on a real agent (the local starter)
// whose tunnel the proxy pins to replica 1 while the terminal's WebSocket
// is pinned to replica 2, so its keystrokes and output cross the relay
// between replicas (each replica advertises its own listener as its relay
// address). Then the run checks that both replicas served requests and
// streams and where the pinned ones went, and stops everything (replica 2
// first).
//
//   npm run e2e:replicas            (after make build)
//   E2E_BINARY=/path/to/coder       (another binary)
import { existsSync, readFileSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";
import { startProxy } from "./proxy.mjs";
import { Api } from "./api.mjs";
import { Checks, expect } from "./lib.mjs";
import { journeys as coreJourneys } from "./journeys.mjs";
import { terminalJourneys } from "./terminal.journeys.mjs";

// Journeys that exercise what replicas share: the session, the CSRF token,
// workspace watches and log streams fed by builds another replica may run.
const JOURNEYS = [
  "first-user setup from the sign-in redirect",
  "setup: templates from the echo example and an uploaded archive (API)",
  "a workspace starts live on its page, with streaming logs",
  "the list shows the status change live after a batch stop",
  "start from the workspace page, then read an earlier build's logs",
  // Through the relay: see the pins below.
  "terminal: type a command in the browser terminal, read its output, reload and find it replayed",
  "session expiry sends the browser to sign in and back",
  "sign out",
];
const journeys = JOURNEYS.map((name) => {
  const j = [...coreJourneys, ...terminalJourneys].find((c) => c.name === name);
  if (!j) throw new Error(`no journey named ${JSON.stringify(name)} in journeys.mjs`);
  return j;
});

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.E2E_BINARY ?? path.join(repo, "build/coder");
const screenshots = path.join(repo, "build/e2e-replicas-screenshots");
const chromiumPath = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
const chromiumArgs = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** A port free on loopback now (for a listener whose URL must be known before it starts). */
async function freePort() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** What a log file says after `from` bytes (the server appends to an earlier run's log). */
function logSince(file, from) {
  return readFileSync(file).subarray(from).toString("utf8");
}
const sizeOf = (file) => (existsSync(file) ? statSync(file).size : 0);

/** The built-in PostgreSQL's URL, from the files it keeps in its directory. */
function builtinPostgresURL(configDir) {
  const dir = path.join(configDir, "postgres");
  const password = readFileSync(path.join(dir, "password"), "utf8").trim();
  const port = readFileSync(path.join(dir, "port"), "utf8").trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres?sslmode=disable`;
}

const started = Date.now();
const proxy = await startProxy();
const behindProxy = ["--access-url", proxy.url, "--proxy-trusted-origins", "127.0.0.1/32", "--proxy-trusted-headers", "X-Forwarded-For"];
const servers = [];
let browser;
let passed = 0;
let failed = 0;
try {
  // Each replica's relay address is its own listener, which the other
  // reaches directly. Each port is picked just before its replica starts
  // (which listens first thing): picked together, replica 2's port would
  // stay free for all of replica 1's start, in which its built-in
  // PostgreSQL picks a free port of its own the same way, and could get
  // this one (or the two picks could return the same port).
  const logs = [path.join(repo, "build/e2e-replica1.log"), path.join(repo, "build/e2e-replica2.log")];
  const logStart = logs.map(sizeOf);
  const listen = [`127.0.0.1:${await freePort()}`];
  const first = await startServer({
    binary,
    logFile: logs[0],
    httpAddress: listen[0],
    terraform: true,
    extraArgs: [...behindProxy, "--replica-relay-url", `http://${listen[0]}`],
  });
  servers.push(first);
  listen.push(`127.0.0.1:${await freePort()}`);
  const second = await startServer({
    binary,
    logFile: logs[1],
    httpAddress: listen[1],
    terraform: true,
    extraArgs: [...behindProxy, "--replica-relay-url", `http://${listen[1]}`, "--postgres-url", builtinPostgresURL(first.configDir)],
  });
  servers.push(second);
  proxy.setUpstreams([first.url, second.url]);
  // The agent's tunnel is held by replica 1 and the browser's terminal is
  // served by replica 2, which can only reach the agent through replica 1.
  proxy.pin("agent tunnel", /^\/api\/v2\/workspaceagents\/me\/rpc$/, first.url);
  proxy.pin("terminal", /^\/api\/v2\/workspaceagents\/[0-9a-f-]{36}\/pty$/, second.url);
  console.log(`e2e replicas: proxy ${proxy.url} -> ${first.url}, ${second.url}`);

  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  // Behind the proxy, nothing may point the browser at a replica directly
  // (a redirect or link built from the listener instead of the access URL).
  const elsewhere = [];
  page.on("request", (req) => {
    const u = new URL(req.url());
    if (u.protocol !== "data:" && u.host !== new URL(proxy.url).host) elsewhere.push(req.url());
  });
  const checks = new Checks(screenshots);
  const ctx = { page, context, base: proxy.url, anonApi: new Api(proxy.url), api: undefined, checks, state: {}, terraform: first.terraform && second.terraform };

  const run = async (name, fn) => {
    const t0 = Date.now();
    try {
      const skipped = await fn();
      if (typeof skipped === "string") return void console.log(`skip ${name}: ${skipped}`);
      passed++;
      console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}\n     ${String(err?.stack ?? err).split("\n").slice(0, 8).join("\n     ")}`);
      await page.screenshot({ path: path.join(screenshots, `FAILED-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    }
  };

  for (const j of journeys) await run(j.name, () => j.run(ctx));

  await run("every browser request went to the access URL", async () => {
    expect(!elsewhere.length, `requests elsewhere:\n  ${[...new Set(elsewhere)].slice(0, 10).join("\n  ")}`);
  });

  await run("both replicas are registered", async () => {
    const api = await ctx.anonApi.login("admin@example.com", "SomeSecurePassword!42");
    const replicas = await api.get("/replicas");
    expect(Array.isArray(replicas) && replicas.length === 2, `GET /replicas: ${JSON.stringify(replicas)}`);
  });

  await run("the terminal crossed the relay: the agent's tunnel on replica 1, the terminal's stream on replica 2", async () => {
    if (!ctx.terraform) return "no terminal journey ran (it needs terraform)";
    const tunnel = proxy.pinned.get("agent tunnel");
    const terminal = proxy.pinned.get("terminal");
    const show = (m) => JSON.stringify(Object.fromEntries(m));
    console.log(`     agent tunnel: ${show(tunnel)}; terminal: ${show(terminal)}`);
    expect((tunnel.get(first.url) ?? 0) >= 1 && !tunnel.has(second.url), `the agent's tunnel went to replica 1 only: ${show(tunnel)}`);
    // The first connection and the one after the reload.
    expect((terminal.get(second.url) ?? 0) >= 2 && !terminal.has(first.url), `the terminal went to replica 2 only: ${show(terminal)}`);
    // The request logs (written as each connection ends): replica 2 served
    // the terminals, and replica 1 served as many relays to that agent.
    const agentIds = [...logSince(logs[1], logStart[1]).matchAll(/path=\/api\/v2\/workspaceagents\/([0-9a-f-]{36})\/pty\s+status=101/g)].map((m) => m[1]);
    expect(agentIds.length >= 2 && new Set(agentIds).size === 1, `replica 2 served the terminal's two connections to one agent: ${agentIds.join(", ")}`);
    const log1 = logSince(logs[0], logStart[0]);
    const relays = [...log1.matchAll(/path=\/api\/v2\/replicas\/relay\/agents\/([0-9a-f-]{36})\s+status=101/g)].map((m) => m[1]);
    expect(relays.filter((id) => id === agentIds[0]).length >= agentIds.length, `replica 1 relayed each terminal connection to agent ${agentIds[0]}: ${relays.join(", ")}`);
    expect(!/\/pty\s+status=/.test(log1), "replica 1 served no terminal itself");
  });

  await run("the proxy spread requests and streams over both replicas", async () => {
    for (const [upstream, c] of proxy.counts) {
      console.log(`     ${upstream}: ${c.http} requests, ${c.ws} WebSocket streams`);
      expect(c.http > 10, `${upstream} served only ${c.http} requests`);
      expect(c.ws > 0, `${upstream} served no WebSocket stream`);
    }
  });
} catch (err) {
  failed++;
  console.log(`FAIL replicas run\n     ${String(err?.stack ?? err).split("\n").slice(0, 8).join("\n     ")}`);
} finally {
  await browser?.close().catch(() => {});
  await proxy.stop();
  // Replica 2 first: replica 1 owns the built-in PostgreSQL.
  for (const s of servers.reverse()) await s.stop();
}
console.log(`e2e replicas: screenshots in ${path.relative(repo, screenshots)}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
