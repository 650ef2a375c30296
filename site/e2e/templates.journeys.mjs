// Journeys of the templates pages, create-workspace and workspace parameters
// (run after journeys.mjs, in the same browser; see run.mjs). They sign in
// again first: the core journeys end by signing out.
import { expect } from "./lib.mjs";
import { tarOf } from "./api.mjs";
import { OWNER } from "./journeys.mjs";

const LIVE = 60_000; // generous: only to keep a broken run from hanging

// A version whose import takes a few seconds, so the browser can watch its
// log stream in, with a parameter set that exercises the form's controls.
const SLOW_IMPORT = `
parameters:
  - {name: region, display_name: Region, default: eu-west, mutable: false, options: [{name: Europe, value: eu-west}, {name: US, value: us-east}]}
  - {name: cpu, display_name: CPU cores, type: number, default: "2", mutable: true, validation: {min: 1, max: 8, monotonic: increasing}}
  - {name: gpu, display_name: GPU, type: bool, default: "false", mutable: true}
import:
  logs:
    - {level: info, stage: "Parsing template parameters", output: "Reading the slow template"}
  delay: 3s
start:
  logs:
    - {level: info, output: "Creating {{.Param \\"cpu\\"}}-core {{.WorkspaceName}} in {{.Param \\"region\\"}}"}
  resources:
    - name: dev
      type: echo_machine
      agents:
        - name: main
`;

// A template whose import needs values for its variables: one required,
// one required and sensitive, one optional with a default.
const NEEDS_VARIABLES = `
variables:
  - {name: region, type: string, required: true, description: "Where the workspaces run"}
  - {name: api_key, type: string, required: true, sensitive: true, description: "Token for the cloud API"}
  - {name: size, type: number, default: "2"}
`;

/** Polls cond until it holds (a generous bound only against hanging). */
async function eventually(cond, what) {
  for (let i = 0; i < 300; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never true: ${what}`);
}

/** Signs in unless the browser still has a session. */
async function signIn(page, base) {
  await page.goto(`${base}/templates`);
  // The redirect to /login comes after the page's first render: wait for
  // one page or the other to be there.
  await page.getByRole("heading", { name: /^(Templates|Sign in to devplane)$/ }).waitFor();
  if (new URL(page.url()).pathname === "/login") {
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === "/templates");
  }
}

async function orgName(api) {
  const me = await api.get("/users/me");
  const org = await api.get(`/organizations/${me.organization_ids[0]}`);
  return org.name;
}

export const templateJourneys = [
  {
    name: "templates: the list, and a template created from the echo example in the browser",
    async run({ page, base, api, state, checks }) {
      await signIn(page, base);
      state.orgName = await orgName(api);
      await page.locator('tr[data-template="echo-dev"]').waitFor();
      await page.locator('tr[data-template="slow-echo"]').waitFor();
      await checks.page(page, "templates");
      await page.getByRole("link", { name: "Create template" }).click();
      await page.waitForURL(/\/templates\/new$/);
      await page.getByRole("radio", { name: /Echo development workspace/ }).check();
      await checks.page(page, "template-create");
      // A taken name: the server's 409 lands on the name field, after the
      // version imported; fixing the name creates the template from it.
      await page.getByLabel("Name", { exact: true }).fill("echo-dev");
      await page.getByRole("button", { name: "Import and create template" }).click();
      await page.locator(".field-error", { hasText: "already in use" }).waitFor({ timeout: LIVE });
      expect((await page.getByLabel("Name", { exact: true }).getAttribute("aria-invalid")) === "true", "the name field is marked invalid");
      await page.getByTestId("build-logs").getByText("3 parameters, 2 presets").waitFor();
      await page.getByLabel("Name", { exact: true }).fill("echo-ui");
      await page.getByLabel("Display name").fill("Echo from the UI");
      await page.getByRole("button", { name: "Create template" }).click();
      await page.waitForURL(new RegExp(`/templates/${state.orgName}/echo-ui$`), { timeout: LIVE });
      await page.getByRole("heading", { name: "Echo from the UI" }).waitFor();
      await page.getByText("No one has used a workspace of this template").waitFor();
      await checks.page(page, "template");
      const tabs = page.getByRole("navigation", { name: "Template sections" });
      await tabs.getByRole("link", { name: "Versions" }).click();
      await page.getByRole("table", { name: "Template versions" }).waitFor();
      await checks.page(page, "template-versions");
      await tabs.getByRole("link", { name: "Workspaces" }).click();
      await page.getByText("No workspaces use this template").waitFor();
    },
  },
  {
    name: "templates: upload a new version, watch its import log stream, promote it",
    async run({ page, base, state, checks }) {
      await page.goto(`${base}/templates/${state.orgName}/echo-ui/versions/new`);
      await page.getByLabel("Template archive").setInputFiles({
        name: "slow.tar",
        mimeType: "application/x-tar",
        buffer: Buffer.from(tarOf({ "echo.yaml": SLOW_IMPORT })),
      });
      // The archive holds echo.yaml: the provisioner is guessed from it.
      await eventually(async () => (await page.getByLabel("Provisioner").inputValue()) === "echo", "provisioner guessed as echo");
      await page.getByLabel("Version name").fill("slow-v2");
      await page.getByRole("button", { name: "Upload and import" }).click();
      // The import takes 3 s: its log arrives while it runs.
      await page.getByRole("progressbar", { name: /Import of slow-v2/ }).waitFor({ timeout: LIVE });
      await page.getByTestId("build-logs").getByText("Reading the slow template").waitFor({ timeout: LIVE });
      await checks.page(page, "template-version-importing");
      await page.getByRole("button", { name: "Promote to active" }).click({ timeout: LIVE });
      await page.getByText("It is now the active version").waitFor();
      await page.goto(`${base}/templates/${state.orgName}/echo-ui/versions`);
      await page.locator('tr[data-version="slow-v2"]').getByText("Active").waitFor();
      await page.goto(`${base}/templates/${state.orgName}/echo-ui/versions/slow-v2`);
      await page.getByRole("table", { name: "Parameters of this version" }).waitFor();
      await checks.page(page, "template-version");
    },
  },
  {
    name: "templates: an upload whose import needs variable values asks for them, then imports with them",
    async run({ page, base, api, state, checks }) {
      await page.goto(`${base}/templates/new?upload=1`);
      await page.getByLabel("Template archive").setInputFiles({
        name: "needs-vars.tar",
        mimeType: "application/x-tar",
        buffer: Buffer.from(tarOf({ "echo.yaml": NEEDS_VARIABLES })),
      });
      await eventually(async () => (await page.getByLabel("Provisioner").inputValue()) === "echo", "provisioner guessed as echo");
      await page.getByLabel("Name", { exact: true }).fill("needs-vars");
      await page.getByRole("button", { name: "Import and create template" }).click();
      // The import fails for want of values; the form asks for them.
      await page.getByLabel("region").waitFor({ timeout: LIVE });
      const key = page.getByLabel("api_key");
      expect((await key.getAttribute("type")) === "password", "a sensitive variable is a password input");
      expect((await page.getByLabel("size").inputValue()) === "2", "an optional variable starts at its default");
      // The form's own check: a required value left empty.
      await page.getByLabel("region").fill("eu-west");
      await page.getByRole("button", { name: "Import with these values" }).click();
      await page.locator(".field-error", { hasText: "A value is required." }).waitFor();
      await checks.page(page, "template-create-variables");
      await key.fill("s3cret");
      await page.getByRole("button", { name: "Import with these values" }).click();
      await page.waitForURL(new RegExp(`/templates/${state.orgName}/needs-vars$`), { timeout: LIVE });
      const t = await api.get(`/organizations/${state.orgName}/templates/needs-vars`);
      const vars = await api.get(`/templateversions/${t.active_version_id}/variables`);
      const byName = Object.fromEntries(vars.map((v) => [v.name, v]));
      expect(byName.region?.value === "eu-west", `region stored: ${JSON.stringify(byName.region)}`);
      expect(byName.api_key?.sensitive === true && byName.api_key?.value !== "s3cret", "the sensitive value is not sent back");
    },
  },
  {
    name: "templates: create a workspace with parameters; checks on the fields, the server's errors on the field it names",
    async run({ page, base, api, state, checks }) {
      await page.goto(`${base}/templates/${state.orgName}/echo-ui`);
      await page.getByRole("link", { name: "Create workspace" }).first().click();
      await page.waitForURL(/\/echo-ui\/workspace$/);
      const name = page.getByLabel("Workspace name");
      expect((await name.inputValue()) === "echo-ui", `suggested name: ${await name.inputValue()}`);
      await checks.page(page, "workspace-create");
      // The form's own check: out of range.
      await page.getByLabel("CPU cores").fill("9");
      await page.getByRole("button", { name: "Create workspace" }).click();
      await page.locator(".field-error", { hasText: "more than the maximum 8" }).waitFor();
      await page.getByLabel("CPU cores").fill("4");
      await page.getByRole("radio", { name: "US" }).check();
      await page.getByRole("checkbox", { name: "GPU" }).check();
      // A taken name: the server says so on the name field.
      await api.post("/users/me/workspaces", { template_id: state.example.id, name: "taken-name" });
      await name.fill("taken-name");
      await page.getByRole("button", { name: "Create workspace" }).click();
      await page.locator(".field-error", { hasText: "already in use" }).waitFor();
      await name.fill("params-ws");
      await page.getByRole("button", { name: "Create workspace" }).click();
      await page.waitForURL(/\/@admin\/params-ws$/, { timeout: LIVE });
      await page.locator(".page-header .status-badge").filter({ hasText: "Running" }).waitFor({ timeout: LIVE });
      await page.getByTestId("build-logs").getByText("Creating 4-core params-ws in us-east").waitFor({ timeout: LIVE });
      // Use counts in the template's daily active users: its chart shows it.
      const ws = await api.get("/users/admin/workspace/params-ws");
      await api.post(`/workspaces/${ws.id}/usage`, {});
      await page.goto(`${base}/templates/${state.orgName}/echo-ui`);
      await page.getByRole("img", { name: /Daily active users: 1 bar, at most 1/ }).waitFor();
      await checks.page(page, "template-usage");
    },
  },
  {
    name: "templates: a preset on creation; new parameter values rebuild the workspace",
    async run({ page, base, api, state, checks }) {
      // Presets: the echo example has Small (default) and Large.
      await page.goto(`${base}/templates/${state.orgName}/echo-dev/workspace`);
      await page.getByRole("radio", { name: "Large" }).check();
      expect(await page.getByLabel("CPU cores").isDisabled(), "a preset's parameter is read-only");
      await page.getByLabel("Workspace name").fill("preset-ws");
      await page.getByRole("button", { name: "Create workspace" }).click();
      await page.waitForURL(/\/@admin\/preset-ws$/, { timeout: LIVE });
      const ws = await api.get("/users/admin/workspace/preset-ws");
      const params = await api.get(`/workspacebuilds/${ws.latest_build.id}/parameters`);
      expect(params.find((p) => p.name === "cpu")?.value === "8", `preset cpu: ${JSON.stringify(params)}`);

      await page.goto(`${base}/@admin/params-ws`);
      await page.getByRole("link", { name: "Settings" }).click();
      await page.waitForURL(/\/@admin\/params-ws\/settings$/);
      await page.getByRole("link", { name: "Parameters" }).click();
      await page.waitForURL(/\/@admin\/params-ws\/settings\/parameters$/);
      await page.getByLabel("CPU cores").waitFor();
      expect(await page.getByRole("radio", { name: "US" }).isDisabled(), "an immutable parameter is read-only");
      await checks.page(page, "workspace-settings-parameters");
      await page.getByLabel("CPU cores").fill("2");
      await page.getByRole("button", { name: "Save and rebuild" }).click();
      await page.locator(".field-error", { hasText: "greater than the previous value 4" }).waitFor();
      await page.getByLabel("CPU cores").fill("6");
      await page.getByRole("button", { name: "Save and rebuild" }).click();
      await page.waitForURL(/\/@admin\/params-ws$/);
      await page.getByTestId("build-logs").getByText("Creating 6-core params-ws in us-east").waitFor({ timeout: LIVE });
      await page.locator(".page-header .status-badge").filter({ hasText: "Running" }).waitFor({ timeout: LIVE });
    },
  },
  {
    name: "templates: template settings: schedule, permissions, deprecation",
    async run({ page, base, api, state, checks }) {
      const me = await api.get("/users/me");
      await api.post("/users", {
        email: "friend@example.com", username: "friend", password: "AnotherSecurePassword!42", organization_ids: [me.organization_ids[0]],
      });
      const base2 = `${base}/templates/${state.orgName}/echo-ui/settings`;
      await page.goto(base2);
      await checks.page(page, "template-settings");
      await page.getByRole("link", { name: "Schedule" }).click();
      await page.getByLabel("Default autostop (hours)").fill("8");
      await page.getByRole("checkbox", { name: "Sunday" }).first().check();
      await checks.page(page, "template-settings-schedule");
      await page.getByLabel("Mark unused workspaces dormant after (days)").fill("0.0001");
      await page.getByRole("button", { name: "Save schedule" }).click();
      // 0.0001 days is under the server's one-minute floor: on its field.
      await page.locator(".field-error", { hasText: "one minute" }).waitFor();
      await page.getByLabel("Mark unused workspaces dormant after (days)").fill("30");
      await page.getByRole("button", { name: "Save schedule" }).click();
      await page.getByText("Saved.").waitFor();
      const t = await api.get(`/organizations/${state.orgName}/templates/echo-ui`);
      expect(t.default_ttl_ms === 8 * 3_600_000, `default ttl ${t.default_ttl_ms}`);
      expect(t.time_til_dormant_ms === 30 * 86_400_000, `dormant ${t.time_til_dormant_ms}`);
      expect(t.allow_user_autostart === true, "other settings kept");

      await page.getByRole("link", { name: "Permissions" }).click();
      await page.getByLabel("User or group").selectOption({ label: "User: friend" });
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await page.locator('tr[data-access="friend"]').waitFor();
      await checks.page(page, "template-settings-permissions");

      await page.getByRole("link", { name: "General" }).click();
      await page.getByLabel("Deprecation message").fill("Use echo-dev instead.");
      await page.getByRole("button", { name: "Save", exact: true }).click();
      await page.getByText("Saved.").waitFor();
      await page.goto(`${base}/templates/${state.orgName}/echo-ui`);
      await page.getByText("Use echo-dev instead.").waitFor();
      await page.goto(`${base}/templates`);
      await page.locator('tr[data-template="echo-ui"]').getByText("Deprecated").waitFor();
    },
  },
];
