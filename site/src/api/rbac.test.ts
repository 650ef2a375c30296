// @vitest-environment node
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fromPermissionSet, permKey, RESOURCE_ACTIONS, toPermissionSet } from "./rbac";

/** codersdk.RBACResourceActions read from the Go source, as resource -> actions. */
function goResourceActions(): Record<string, string[]> {
  const src = readFileSync(fileURLToPath(new URL("../../../codersdk/roles.go", import.meta.url)), "utf8");
  const consts = new Map([...src.matchAll(/\t((?:Resource|Action)\w+)\s+RBAC(?:Resource|Action)\s*=\s*"([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const body = /var RBACResourceActions = map\[RBACResource\]\[\]RBACAction\{([\s\S]*?)\n\}/.exec(src)?.[1] ?? "";
  const out: Record<string, string[]> = {};
  for (const m of body.matchAll(/(Resource\w+):\s*\{([^}]*)\}/g)) {
    const resource = consts.get(m[1]!)!;
    if (resource === "*") continue;
    out[resource] = m[2]!.split(",").map((a) => a.trim()).filter(Boolean).map((a) => consts.get(a)!);
  }
  return out;
}

describe("RESOURCE_ACTIONS", () => {
  it("is the server's resource/action table", () => {
    const go = goResourceActions();
    expect(Object.keys(go).length).toBeGreaterThan(10);
    expect(RESOURCE_ACTIONS).toEqual(go);
  });
});

describe("permission sets", () => {
  it("round-trip in table order and drop negated permissions", () => {
    const set = toPermissionSet([
      { resource_type: "workspace", action: "read" },
      { resource_type: "template", action: "use" },
      { resource_type: "group", action: "delete", negate: true },
      { resource_type: "workspace", action: "application_connect" },
    ]);
    expect(set.has(permKey("group", "delete"))).toBe(false);
    expect(fromPermissionSet(set)).toEqual([
      { resource_type: "template", action: "use", negate: false },
      { resource_type: "workspace", action: "application_connect", negate: false },
      { resource_type: "workspace", action: "read", negate: false },
    ]);
  });
  it("ignores keys the table does not have", () => {
    expect(fromPermissionSet(new Set(["workspace:fly", "nothing:read"]))).toEqual([]);
  });
});
