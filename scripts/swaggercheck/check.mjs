#!/usr/bin/env node
// Opens the embedded Swagger UI in headless Chromium and checks it the way a
// person would: the page renders, every expected tag has a section, nothing
// is fetched from another host, and the console stays free of errors.
//
// Usage:
//   node scripts/swaggercheck/check.mjs http://127.0.0.1:PORT/swagger/ TagA,TagB,...
//
// Environment:
//   SWAGGERCHECK_SCREENSHOT   write a full-page PNG screenshot to this path
//   SWAGGERCHECK_CHROMIUM     browser binary (default /usr/bin/chromium)
//   SWAGGERCHECK_TIMEOUT_MS   how long to wait for the UI (default 30000)
//
// Exit status: 0 when every check passes, 1 when one fails, 2 on bad usage.

import { chromium } from "playwright-core";

const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function usage(message) {
  if (message) console.error(`swaggercheck: ${message}`);
  console.error("usage: node scripts/swaggercheck/check.mjs URL TagA,TagB,...");
  process.exit(2);
}

const [pageArg, tagsArg] = process.argv.slice(2);
if (!pageArg || tagsArg === undefined || process.argv.length > 4) usage();

let pageURL;
try {
  pageURL = new URL(pageArg);
} catch {
  usage(`not a URL: ${pageArg}`);
}
if (pageURL.protocol !== "http:" && pageURL.protocol !== "https:") {
  usage(`not an http(s) URL: ${pageArg}`);
}
const expectedTags = tagsArg
  .split(",")
  .map((t) => t.trim())
  .filter((t) => t !== "");
if (expectedTags.length === 0) usage("no tags given");

const executablePath = process.env.SWAGGERCHECK_CHROMIUM || "/usr/bin/chromium";
const timeout = Number(process.env.SWAGGERCHECK_TIMEOUT_MS || 30000);
const screenshotPath = process.env.SWAGGERCHECK_SCREENSHOT || "";

const failures = [];
const fail = (message) => failures.push(message);

// Requests that are not network requests at all.
const LOCAL_SCHEMES = new Set(["data:", "blob:", "about:"]);

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: LAUNCH_ARGS,
  timeout,
});

try {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    serviceWorkers: "block",
  });
  const page = await context.newPage();

  // Every request the page makes goes through here: anything for another
  // host fails the check and is not sent.
  const offHost = new Set();
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_SCHEMES.has(url.protocol) || url.host === pageURL.host) {
      return route.continue();
    }
    offHost.add(url.href);
    return route.abort("blockedbyclient");
  });

  const consoleErrors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      const where = msg.location()?.url ? ` (${msg.location().url})` : "";
      consoleErrors.push(msg.text() + where);
    }
  });
  page.on("pageerror", (err) => consoleErrors.push(`uncaught: ${err.message}`));

  const badResponses = [];
  page.on("response", (res) => {
    // Redirects are fine (the bare mount point redirects to its slash form).
    if (res.status() >= 400) badResponses.push(`${res.status()} ${res.url()}`);
  });
  page.on("requestfailed", (req) => {
    const url = new URL(req.url());
    if (url.host === pageURL.host) {
      badResponses.push(`failed ${req.url()}: ${req.failure()?.errorText}`);
    }
  });

  const response = await page.goto(pageURL.href, { waitUntil: "load", timeout });
  if (!response || !response.ok()) {
    fail(`GET ${pageURL.href}: ${response ? response.status() : "no response"}`);
  } else {
    const csp = response.headers()["content-security-policy"];
    if (!csp) fail("the page has no Content-Security-Policy header");
  }

  // The UI has rendered once the document's title and at least one tag
  // section are on the page.
  try {
    await page.waitForSelector(".swagger-ui .information-container .title", { timeout });
    await page.waitForSelector(".swagger-ui .opblock-tag-section", { timeout });
    await page.waitForLoadState("networkidle", { timeout });
  } catch (err) {
    fail(`Swagger UI did not render: ${err.message.split("\n")[0]}`);
  }

  const rendered = await page.evaluate(() => {
    const tags = [...document.querySelectorAll(".swagger-ui .opblock-tag-section .opblock-tag")].map(
      (el) => el.getAttribute("data-tag") || el.textContent.trim(),
    );
    const title = document.querySelector(".swagger-ui .information-container .title");
    const errors = [...document.querySelectorAll(".swagger-ui .errors-wrapper .error-wrapper")].map((el) =>
      el.textContent.trim(),
    );
    return {
      title: title ? title.textContent.trim() : "",
      tags,
      operations: document.querySelectorAll(".swagger-ui .opblock").length,
      authorize: !!document.querySelector(".swagger-ui .auth-wrapper .authorize"),
      errors,
    };
  });

  for (const tag of expectedTags) {
    if (!rendered.tags.includes(tag)) fail(`tag "${tag}" has no section (rendered: ${rendered.tags.join(", ") || "none"})`);
  }
  // Tags start collapsed; opening one must show its operations.
  if (rendered.tags.length > 0) {
    await page.click(".swagger-ui .opblock-tag-section .opblock-tag");
    await page.waitForSelector(".swagger-ui .opblock", { timeout }).catch(() => {});
    rendered.operations = await page.evaluate(() => document.querySelectorAll(".swagger-ui .opblock").length);
  }
  if (rendered.operations === 0) fail("no operation is rendered");
  for (const e of rendered.errors) fail(`Swagger UI reports an error: ${e}`);
  const reportTraffic = () => {
    for (const url of offHost) fail(`request to another host: ${url}`);
    for (const e of consoleErrors) fail(`console error: ${e}`);
    for (const r of badResponses) fail(`bad response: ${r}`);
    offHost.clear();
    consoleErrors.length = 0;
    badResponses.length = 0;
  };
  reportTraffic();

  if (screenshotPath) {
    await page.screenshot({ path: screenshotPath, fullPage: true });
    console.log(`swaggercheck: screenshot saved to ${screenshotPath}`);
  }

  // With an API key scheme, a token entered under "Authorize" must survive a
  // reload (persistAuthorization).
  let persisted = rendered.authorize ? "not checked" : "not checked (no API key scheme)";
  if (rendered.authorize && failures.length === 0) {
    const token = "swaggercheck-token";
    try {
      await page.click(".swagger-ui .auth-wrapper .authorize");
      const input = page.locator(".swagger-ui .dialog-ux .auth-container input[type=text]").first();
      await input.waitFor({ timeout });
      await input.fill(token);
      await page.locator(".swagger-ui .dialog-ux .auth-btn-wrapper .authorize").first().click();
      await page.locator(".swagger-ui .dialog-ux .btn-done").first().click();
      await page.reload({ waitUntil: "load", timeout });
      await page.waitForSelector(".swagger-ui .auth-wrapper .authorize", { timeout });
      const stored = await page.evaluate(() => window.localStorage.getItem("authorized") || "");
      const locked = await page.locator(".swagger-ui .auth-wrapper .authorize.locked").count();
      if (!stored.includes(token) || locked === 0) {
        persisted = "NOT persisted";
        fail(`the session token did not persist across a reload (stored: ${stored || "nothing"})`);
      } else {
        persisted = "persists across reloads";
      }
    } catch (err) {
      fail(`could not authorize in the UI: ${err.message.split("\n")[0]}`);
    }
    reportTraffic();
  }

  console.log(
    `swaggercheck: "${rendered.title}": ${rendered.tags.length} tag(s) [${rendered.tags.join(", ")}], ` +
      `${rendered.operations} operation(s), authorize button ${rendered.authorize ? "present" : "absent"}, token ${persisted}`,
  );
  await context.close();
} catch (err) {
  fail(err.stack || String(err));
} finally {
  await browser.close();
}

if (failures.length > 0) {
  for (const f of failures) console.error(`FAIL: ${f}`);
  console.error(`swaggercheck: ${failures.length} check(s) failed`);
  process.exit(1);
}
console.log(`swaggercheck: ok (${expectedTags.length} expected tag(s) present, no off-host requests, no console errors)`);
