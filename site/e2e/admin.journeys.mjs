// Journeys through the administration and account pages: tokens, users,
// groups, organizations and custom roles, the audit log, deployment,
// health and the account settings. They run after journeys.mjs (which ends
// signed out), so the first signs in again; names start with "admin" (or
// "admin (account)"), so E2E_ONLY=admin runs them all after the setup journeys.
import { Api } from "./api.mjs";
import { expect } from "./lib.mjs";
import { OWNER } from "./journeys.mjs";

const BOB = { username: "bob", email: "bob@example.com", password: "Bob-Secure-Password-7" };
const CAROL = { username: "carol", email: "carol@example.com", password: "Carol-Secure-Password-7" };

/** Signs the browser in as the owner unless it already is. */
async function signedIn(page, base, path) {
  await page.goto(`${base}${path}`);
  // The app decides in the browser: wait for the signed-in shell or the sign-in form.
  const signIn = page.getByRole("button", { name: "Sign in" });
  await page.getByRole("button", { name: /^Account:/ }).or(signIn).waitFor();
  if (await signIn.isVisible()) {
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((u) => u.pathname === path);
  }
}

/** Opens a table row's "Actions for …" menu and picks an item. */
async function rowAction(page, who, item) {
  await page.getByRole("button", { name: `Actions for ${who}` }).click();
  await page.getByRole("group", { name: `Actions for ${who}` }).getByRole("button", { name: item }).click();
}

async function rejects(promise, pattern, message) {
  try {
    await promise;
  } catch (err) {
    expect(pattern.test(String(err)), `${message}: ${err}`);
    return;
  }
  throw new Error(`${message}: it succeeded`);
}

export const adminJourneys = [
  {
    name: "admin (account): make a token, copy it once, use it, delete it",
    async run(ctx) {
      const { page, base, checks } = ctx;
      ctx.api ??= await ctx.anonApi.login(OWNER.email, OWNER.password);
      await signedIn(page, base, "/settings/tokens");
      await page.getByText("You have no tokens").waitFor();
      await checks.page(page, "settings-tokens-empty");
      await page.getByRole("button", { name: "Create token", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Create a token" });
      await dialog.getByLabel("Name").fill("ci-e2e");
      await dialog.getByLabel("Lifetime").selectOption("7");
      await dialog.getByRole("button", { name: "Create token" }).click();
      const shown = page.getByRole("dialog", { name: "Your new token" });
      const token = (await shown.getByTestId("new-token").textContent())?.trim() ?? "";
      expect(token.length > 20, `a token is shown: ${token}`);
      await checks.page(page, "settings-token-created");
      // The token works as the owner, from outside the browser.
      const me = await new Api(base, token).get("/users/me");
      expect(me.username === OWNER.username, `the token acts as ${OWNER.username}, got ${me.username}`);
      await shown.getByRole("button", { name: "Done" }).click();
      const row = page.locator('tr[data-token="ci-e2e"]');
      await row.waitFor();
      await checks.page(page, "settings-tokens");
      await page.getByRole("button", { name: "Delete token ci-e2e" }).click();
      await page.getByRole("dialog", { name: "Delete the token ci-e2e?" }).getByRole("button", { name: "Delete token" }).click();
      await row.waitFor({ state: "detached" });
      await page.getByText("You have no tokens").waitFor();
      await rejects(new Api(base, token).get("/users/me"), /401/, "a deleted token is refused");
    },
  },
  {
    name: "admin (account): cli-auth gives `coder login` a session token to paste",
    async run({ page, base, checks }) {
      // Where `coder login` sends the browser; signing in first comes back
      // here. The page has no app shell, so signedIn() does not apply.
      await page.goto(`${base}/cli-auth`);
      const heading = page.getByRole("heading", { name: "Session token" });
      const signIn = page.getByRole("button", { name: "Sign in" });
      await heading.or(signIn).waitFor();
      if (await signIn.isVisible()) {
        await page.getByLabel("Email").fill(OWNER.email);
        await page.getByLabel("Password").fill(OWNER.password);
        await signIn.click();
        await page.waitForURL((u) => u.pathname === "/cli-auth");
      }
      await heading.waitFor();
      const token = (await page.getByTestId("cli-token").textContent())?.trim() ?? "";
      expect(token.length > 20, `a token is shown: ${token}`);
      await checks.page(page, "cli-auth");
      const me = await new Api(base, token).get("/users/me");
      expect(me.username === OWNER.username, `the token acts as ${OWNER.username}, got ${me.username}`);
    },
  },
  {
    name: "admin: create users, search, suspend and activate one",
    async run({ page, base, anonApi, checks }) {
      await signedIn(page, base, "/users");
      await page.locator(`tr[data-user="${OWNER.username}"]`).waitFor();
      await checks.page(page, "users");
      for (const u of [BOB, CAROL]) {
        await page.getByRole("button", { name: "Create user", exact: true }).click();
        const dialog = page.getByRole("dialog", { name: "Create a user" });
        await dialog.getByLabel("Username").fill(u.username);
        await dialog.getByLabel("Email").fill(u.email);
        await dialog.getByLabel("Password").fill(u === BOB ? "short" : u.password);
        await dialog.getByRole("button", { name: "Create user" }).click();
        if (u === BOB) {
          // The server's validation shows on the field it names.
          await dialog.locator(".field-error").waitFor();
          await checks.page(page, "users-create-invalid");
          await dialog.getByLabel("Password").fill(u.password);
          await dialog.getByRole("button", { name: "Create user" }).click();
        }
        await dialog.waitFor({ state: "hidden" });
        await page.locator(`tr[data-user="${u.username}"]`).waitFor();
      }
      await page.getByLabel("Search users").fill("bob");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.waitForURL(/q=bob/);
      await page.locator('tr[data-user="carol"]').waitFor({ state: "detached" });

      const bobRow = page.locator('tr[data-user="bob"]');
      await rowAction(page, "bob", "Suspend…");
      await page.getByRole("dialog", { name: "Suspend bob?" }).getByRole("button", { name: "Suspend user" }).click();
      await bobRow.getByText("Suspended").waitFor();
      await rejects(anonApi.login(BOB.email, BOB.password), /40[13]/, "a suspended user cannot sign in");
      await page.getByRole("button", { name: "Suspended", exact: true }).click();
      await page.waitForURL(/q=status%3Asuspended/);
      await bobRow.waitFor();
      await checks.page(page, "users-suspended");
      await page.getByRole("button", { name: "All users", exact: true }).click();
      await page.locator(`tr[data-user="${OWNER.username}"]`).waitFor();
      await rowAction(page, "bob", "Activate");
      await bobRow.getByText("Active", { exact: true }).waitFor();
      await anonApi.login(BOB.email, BOB.password);
    },
  },
  {
    name: "admin: site roles, password reset, and a refused delete (409)",
    async run({ page, base, api, anonApi, state, checks }) {
      await signedIn(page, base, "/users");
      const bobRow = page.locator('tr[data-user="bob"]');
      await rowAction(page, "bob", "Edit roles…");
      const roles = page.getByRole("dialog", { name: "Roles of bob" });
      await roles.getByLabel("Auditor").check();
      await checks.page(page, "users-roles");
      await roles.getByRole("button", { name: "Save roles" }).click();
      await bobRow.getByText("Auditor").waitFor();

      await rowAction(page, "bob", "Reset password…");
      const reset = page.getByRole("dialog", { name: "Reset the password of bob" });
      await reset.getByLabel("New password").fill("Another-Bob-Password-9");
      await reset.getByRole("button", { name: "Reset password" }).click();
      await reset.waitFor({ state: "hidden" });
      await anonApi.login(BOB.email, "Another-Bob-Password-9");
      BOB.password = "Another-Bob-Password-9";

      // A user who owns a workspace cannot be deleted: the server says how many.
      const template = state.example ?? state.slow;
      await api.post("/users/bob/workspaces", { template_id: template.id, name: "bobs-dev" });
      await rowAction(page, "bob", "Delete…");
      const del = page.getByRole("dialog", { name: "Delete bob?" });
      await del.getByRole("button", { name: "Delete user" }).click();
      await del.getByRole("alert").getByText(/still owns 1/).waitFor();
      await checks.page(page, "users-delete-refused");
      await del.getByRole("button", { name: "Cancel" }).click();

      // The row menu works from the keyboard: Enter opens it, Tab reaches its items.
      await page.getByRole("button", { name: "Actions for carol" }).focus();
      await page.keyboard.press("Enter");
      const menu = page.getByRole("group", { name: "Actions for carol" });
      await menu.waitFor();
      await page.keyboard.press("Tab");
      expect(await menu.getByRole("button", { name: "Edit roles…" }).evaluate((el) => el === document.activeElement), "Tab moves into the menu");
      await page.keyboard.press("Escape");
      await menu.waitFor({ state: "hidden" });

      await page.getByLabel("Search users").fill("status:nonsense");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.locator(".field-error").waitFor();
      await page.getByRole("button", { name: "All users", exact: true }).click();
      await rowAction(page, "carol", "Delete…");
      await page.getByRole("dialog", { name: "Delete carol?" }).getByRole("button", { name: "Delete user" }).click();
      await page.locator('tr[data-user="carol"]').waitFor({ state: "detached" });
    },
  },
  {
    name: "admin: a group with a member and a quota",
    async run({ page, base, checks }) {
      await signedIn(page, base, "/groups");
      await page.locator('tr[data-group="Everyone"]').waitFor();
      await checks.page(page, "groups");
      await page.getByRole("button", { name: "Create group", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Create a group" });
      await dialog.getByLabel("Name", { exact: true }).fill("devs");
      await dialog.getByLabel("Quota allowance").fill("3");
      await dialog.getByRole("button", { name: "Create group" }).click();
      await page.getByRole("heading", { name: "devs", level: 1 }).waitFor();
      await page.getByLabel("Add a member").fill("bob");
      await page.getByRole("button", { name: "Add member" }).click();
      await page.locator('tr[data-member="bob"]').waitFor();
      await page.getByLabel("Add a member").fill("nobody-here");
      await page.getByRole("button", { name: "Add member" }).click();
      await page.getByText('No user "nobody-here".').waitFor();
      await page.getByLabel("Quota allowance").fill("5");
      await page.getByRole("button", { name: "Save quota" }).click();
      await page.getByRole("status").getByText("Saved.").waitFor();
      await checks.page(page, "group");
      await page.getByRole("button", { name: "Remove bob" }).click();
      await page.locator('tr[data-member="bob"]').waitFor({ state: "detached" });
      await page.getByRole("button", { name: "Delete group" }).click();
      await page.getByRole("dialog", { name: "Delete devs?" }).getByRole("button", { name: "Delete group" }).click();
      await page.waitForURL((u) => u.pathname === "/groups");
      await page.locator('tr[data-group="devs"]').waitFor({ state: "detached" });
    },
  },
  {
    name: "admin: organizations, a custom role, and a member's roles",
    async run({ page, base, api, state, checks }) {
      await signedIn(page, base, "/organizations");
      const org = await api.get(`/organizations/${state.org ?? (await api.get("/users/me")).organization_ids[0]}`);
      await page.locator(`tr[data-organization="${org.name}"]`).waitFor();
      await checks.page(page, "organizations");
      await page.getByRole("link", { name: org.display_name || org.name, exact: true }).click();
      await page.locator('tr[data-member="bob"]').waitFor();
      await page.getByText("No custom roles").waitFor();
      await checks.page(page, "organization");

      await page.getByRole("link", { name: "Create role", exact: true }).click();
      await page.getByLabel("Name", { exact: true }).fill("workspace-viewer");
      await page.getByLabel("Display name (optional)").fill("Workspace viewer");
      const orgPerms = page.getByRole("region", { name: "Organization permissions" });
      await orgPerms.getByRole("group", { name: "Organization permissions: workspace" }).getByLabel("read").check();
      await orgPerms.getByRole("group", { name: "Organization permissions: template" }).getByLabel("read").check();
      await checks.page(page, "role-editor");
      await page.getByRole("button", { name: "Create role" }).click();
      await page.waitForURL((u) => u.pathname === `/organizations/${org.name}`);
      await page.locator('tr[data-role="workspace-viewer"]').getByText("2 permissions").waitFor();
      const role = (await api.get(`/organizations/${org.id}/members/roles`)).find((r) => r.name === "workspace-viewer");
      expect(role?.organization_permissions?.length === 2, `the role has 2 permissions: ${JSON.stringify(role)}`);

      await rowAction(page, "bob", "Edit roles…");
      const dialog = page.getByRole("dialog", { name: `Roles of bob in ${org.name}` });
      await dialog.getByLabel(/Workspace viewer/).check();
      await dialog.getByRole("button", { name: "Save roles" }).click();
      await page.locator('tr[data-member="bob"]').getByText("Workspace viewer").waitFor();

      // A second organization, from the list.
      await page.goto(`${base}/organizations`);
      await page.getByRole("button", { name: "Create organization" }).click();
      const create = page.getByRole("dialog", { name: "Create an organization" });
      await create.getByLabel("Name", { exact: true }).fill("acme");
      await create.getByRole("button", { name: "Create organization" }).click();
      await page.waitForURL((u) => u.pathname === "/organizations/acme");
      await page.locator(`tr[data-member="${OWNER.username}"]`).waitFor();
    },
  },
  {
    name: "admin: the audit log shows these actions, filtered, with their diffs",
    async run({ page, base, checks }) {
      await signedIn(page, base, "/audit");
      await page.getByRole("list", { name: "Audit log entries" }).waitFor();
      await checks.page(page, "audit");
      await page.getByLabel("Action").selectOption("write");
      await page.getByLabel("Resource type").selectOption("user");
      await page.getByRole("button", { name: "Filter", exact: true }).click();
      await page.waitForURL(/q=action%3Awrite/);
      // Suspending bob changed his status: the entry shows old -> new.
      const entry = page.locator("li.audit-entry", { hasText: "bob" }).filter({ has: page.locator('[data-field="status"]') }).first();
      await entry.locator("summary").first().click();
      const status = entry.locator('tr[data-field="status"]').first();
      await status.getByText(/active|suspended/).first().waitFor();
      await checks.page(page, "audit-diff");

      // Everything is in the URL: a reload shows the same filter.
      await page.reload();
      expect((await page.getByLabel("Action").inputValue()) === "write", "the filter survives a reload");
      await page.getByLabel("User").fill(OWNER.username);
      await page.getByLabel("Action").selectOption("create");
      await page.getByLabel("Resource type").selectOption("api_key");
      await page.getByRole("button", { name: "Filter", exact: true }).click();
      await page.locator("li.audit-entry").first().waitFor();
      const bad = `${base}/audit?q=${encodeURIComponent("action:fly")}`;
      await page.goto(bad);
      await page.locator(".field-error").waitFor();
    },
  },
  {
    name: "admin: deployment settings with their sources",
    async run({ page, base, checks }) {
      await signedIn(page, base, "/deployment");
      const access = page.locator('tr[data-option="Access URL"]');
      await access.waitFor();
      await checks.page(page, "deployment");
      // The e2e server gets --http-address and --config-dir as flags; the rest are defaults.
      await page.getByLabel("Filter options").fill("address");
      await page.locator('tr[data-option="HTTP Address"]').getByText("flag").waitFor();
      await page.getByLabel("Filter options").fill("dir");
      await page.locator('tr[data-option="Config Directory"]').getByText("flag").waitFor();
      await access.waitFor({ state: "detached" });
      // Swagger is off in this run: no link to it.
      expect((await page.getByRole("link", { name: /Swagger/ }).count()) === 0, "no Swagger link when it is disabled");

    },
  },
  {
    name: "admin: health report with a verdict per check and the live replicas",
    async run(ctx) {
      const { page, context, base, checks } = ctx;
      ctx.api ??= await ctx.anonApi.login(OWNER.email, OWNER.password);
      await signedIn(page, base, "/deployment");
      await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Health" }).click();
      await page.getByRole("status").getByText("Healthy").waitFor();
      // The report: each check's verdict in words, and the one server of this run as the one live replica.
      // The server reached itself at its access URL (GET /healthz and a websocket echo) and sees its daemons.
      await page.locator('tr[data-check="Access URL"]').getByText("Healthy").waitFor();
      await page.locator('tr[data-check="Websocket"]').getByText("Healthy").waitFor();
      // Healthy, or a warning for a slow ping (EDB02, below) on a loaded machine.
      await page.locator('tr[data-check="Database"]').getByText(/^(Healthy|Warning)$/).waitFor();
      await page.locator('tr[data-check="Provisioner daemons"]').getByText("Healthy").waitFor();
      await page.locator('tr[data-check="Replicas"]').getByText("1 live replica.").waitFor();
      await page.getByRole("table", { name: "Provisioner daemons" }).locator("tbody tr").first().waitFor();
      const live = await ctx.api.get("/replicas");
      expect(live.length === 1, `one live replica: ${JSON.stringify(live)}`);
      const rows = page.getByRole("table", { name: "Live replicas" }).locator("tbody tr");
      await rows.first().waitFor();
      expect((await rows.count()) === 1, "the replicas table lists the one server");
      await page.locator(`tr[data-replica="${live[0].hostname}"]`).waitFor();
      // No warnings, but for a database ping over its 15 ms threshold (EDB02) on a loaded machine.
      const codes = await page.locator(".health-warnings li").evaluateAll((els) => els.map((e) => e.dataset.code));
      expect(codes.every((c) => c === "EDB02"), `no warnings: ${codes.join(", ")}`);
      await checks.page(page, "health");
      await page.getByRole("button", { name: "Check again" }).click();
      await page.locator('tr[data-check="Database"]').getByText(/^(Healthy|Warning)$/).waitFor();

      // A member sees /healthz and that the report is for owners, not an error (its own browser context, so
      // the owner's session stays).
      const member = { email: "hazel@example.com", username: "hazel", password: "Hazel-Secure-Password-7" };
      const me = await ctx.api.get("/users/me");
      await ctx.api.post("/users", { ...member, organization_ids: [me.organization_ids[0]] });
      const other = await context.browser().newContext({ viewport: { width: 1280, height: 860 } });
      try {
        const p = await other.newPage();
        p.setDefaultTimeout(15_000);
        await p.goto(`${base}/login?redirect=${encodeURIComponent("/health")}`);
        await p.getByLabel("Email").fill(member.email);
        await p.getByLabel("Password").fill(member.password);
        await p.getByRole("button", { name: "Sign in" }).click();
        await p.getByText("The health report is for owners only.", { exact: false }).waitFor();
        await p.getByRole("status").getByText("Healthy").waitFor();
        expect((await p.getByRole("alert").count()) === 0, "no error shown to a member");
        await checks.page(p, "health-member");
      } finally {
        await other.close();
      }
    },
  },
  {
    name: "admin (account): profile, password, SSH key and appearance",
    async run({ page, context, base, api, checks }) {
      await signedIn(page, base, "/settings/account");
      await page.getByLabel("Full name").fill("Ada Admin");
      await checks.page(page, "settings-account");
      await page.getByRole("button", { name: "Save profile" }).click();
      await page.getByRole("status").getByText("Saved.").waitFor();
      expect((await api.get("/users/me")).name === "Ada Admin", "the name is saved");

      await page.getByRole("navigation", { name: "Account settings" }).getByRole("link", { name: "Password" }).click();
      await page.getByLabel("Current password").fill("not my password");
      await page.getByLabel("New password", { exact: true }).fill("Yet-Another-Password-1");
      await page.getByLabel("Confirm new password").fill("Yet-Another-Password-1");
      await page.getByRole("button", { name: "Change password" }).click();
      await page.locator(".field-error", { hasText: "incorrect" }).waitFor();
      await checks.page(page, "settings-security");

      await page.getByRole("link", { name: "SSH key" }).click();
      const key = page.getByTestId("public-key");
      await key.getByText(/^ssh-/).waitFor();
      const before = await key.textContent();
      await checks.page(page, "settings-ssh-key");
      await page.getByRole("button", { name: "Regenerate" }).click();
      await page.getByRole("dialog", { name: "Regenerate your SSH key?" }).getByRole("button", { name: "Regenerate key" }).click();
      await page.waitForFunction((old) => document.querySelector('[data-testid="public-key"]')?.textContent !== old, before);

      await page.getByRole("link", { name: "Appearance" }).click();
      // Another journey may have left this browser dark: go light first, so Dark is a change.
      await page.getByLabel("Light").check();
      await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
      await page.getByLabel("Dark").check();
      await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
      await page.getByRole("status").getByText("Saved to your account.").waitFor();
      await checks.page(page, "settings-appearance-dark");
      let appearance;
      for (let i = 0; i < 100; i++) {
        appearance = await api.get("/users/me/appearance");
        if (appearance.theme_preference === "dark") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(appearance.theme_preference === "dark", `the theme is saved: ${JSON.stringify(appearance)}`);
      // It follows the account to a browser that has no theme of its own.
      const other = await context.browser().newContext();
      try {
        const fresh = await other.newPage();
        await signedIn(fresh, base, "/workspaces");
        await fresh.waitForFunction(() => document.documentElement.dataset.theme === "dark");
      } finally {
        await other.close();
      }
      await page.getByLabel("System (follow the device)").check();
      await page.getByRole("status").getByText("Saved to your account.").waitFor();
    },
  },
  {
    name: "admin: Activity, a template's Insights and the admin pages are offered only to those who may use them",
    async run(ctx) {
      const { page, context, base, checks } = ctx;
      ctx.api ??= await ctx.anonApi.login(OWNER.email, OWNER.password);
      // The setup journey's echo template, as it is now (other journeys edit templates).
      const template = await ctx.api.get(`/templates/${ctx.state.example.id}`);
      const insightsURL = `/templates/${template.organization_name}/${template.name}/insights`;

      // The owner: the Administration nav has Activity, which shows the deployment's daily users.
      await signedIn(page, base, "/deployment");
      const adminNav = page.getByRole("navigation", { name: "Administration" });
      await adminNav.getByRole("link", { name: "Activity" }).click();
      await page.waitForURL((u) => u.pathname === "/activity");
      await page.getByRole("heading", { name: "Daily active users" }).waitFor();
      await page.getByRole("heading", { name: "User activity" }).waitFor();
      await checks.page(page, "activity");
      await page.goto(`${base}${insightsURL}`);
      await page.getByRole("navigation", { name: "Template sections" }).getByRole("link", { name: "Insights" }).waitFor();
      await page.getByRole("heading", { name: "Active users" }).waitFor();

      // A member (its own browser context, so the owner's session stays): no admin entries, no
      // Insights tab, and their URLs say so instead of showing the server's refusal.
      const member = { email: "ivy@example.com", username: "ivy", password: "Ivy-Secure-Password-7" };
      await ctx.api.post("/users", { ...member, organization_ids: [template.organization_id] });
      const other = await context.browser().newContext({ viewport: { width: 1280, height: 860 } });
      try {
        const p = await other.newPage();
        p.setDefaultTimeout(15_000);
        await p.goto(`${base}/login?redirect=${encodeURIComponent("/activity")}`);
        await p.getByLabel("Email").fill(member.email);
        await p.getByLabel("Password").fill(member.password);
        await p.getByRole("button", { name: "Sign in" }).click();
        await p.getByRole("heading", { name: "You do not have access to this page" }).waitFor();
        expect((await p.getByRole("navigation", { name: "Administration" }).count()) === 0, "no Administration nav for a member");
        expect((await p.getByRole("alert").count()) === 0, "no error shown to a member on /activity");
        await checks.page(p, "activity-member");

        // No admin entry in the top bar either, and /users says NoAccess
        // rather than the server's refusal (its list is not even asked for).
        const main = p.getByRole("navigation", { name: "Main" });
        const links = (await main.getByRole("link").allTextContents()).map((t) => t.trim());
        expect(JSON.stringify(links) === JSON.stringify(["Workspaces", "Templates"]), `a member's top bar: ${links.join(", ")}`);
        const usersRequests = [];
        p.on("request", (r) => {
          if (new URL(r.url()).pathname === "/api/v2/users") usersRequests.push(r.url());
        });
        await p.goto(`${base}/users`);
        await p.getByRole("heading", { name: "You do not have access to this page" }).waitFor();
        await p.getByRole("heading", { name: "Users", level: 1 }).waitFor();
        expect((await p.getByRole("navigation", { name: "Administration" }).count()) === 0, "no Administration nav on /users");
        expect((await p.getByRole("alert").count()) === 0, "no error shown to a member on /users");
        expect(usersRequests.length === 0, `no user list asked for: ${usersRequests.join(", ")}`);
        await checks.page(p, "users-member");

        await p.goto(`${base}${insightsURL}`);
        await p.getByRole("heading", { name: "You do not have access to this page" }).waitFor();
        const tabs = p.getByRole("navigation", { name: "Template sections" });
        await tabs.getByRole("link", { name: "Versions" }).waitFor();
        expect((await tabs.getByRole("link", { name: "Insights" }).count()) === 0, "no Insights tab for a member");
        expect((await p.getByRole("alert").count()) === 0, "no error shown to a member on the Insights tab");
        await checks.page(p, "template-insights-member");
      } finally {
        await other.close();
      }
    },
  },
];
