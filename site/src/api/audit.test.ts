import { describe, expect, it } from "vitest";
import { auditDiffRows, buildAuditQuery, diffValue, EMPTY_FILTER, parseAuditQuery } from "./audit";

describe("buildAuditQuery", () => {
  it("joins the set fields as key:value, leaving empty ones out", () => {
    expect(buildAuditQuery(EMPTY_FILTER)).toBe("");
    expect(buildAuditQuery({ ...EMPTY_FILTER, username: "alice", action: "create", resource_type: "workspace" })).toBe(
      "username:alice action:create resource_type:workspace",
    );
    expect(buildAuditQuery({ ...EMPTY_FILTER, date_from: "2024-01-02", date_to: "2024-01-31" })).toBe("date_from:2024-01-02 date_to:2024-01-31");
  });
  it("trims, and quotes values the language would split", () => {
    expect(buildAuditQuery({ ...EMPTY_FILTER, username: "  bob " })).toBe("username:bob");
    expect(buildAuditQuery({ ...EMPTY_FILTER, username: 'a b"c' })).toBe('username:"a b\\"c"');
    expect(buildAuditQuery({ ...EMPTY_FILTER, username: "x:y" })).toBe('username:"x:y"');
  });
});

describe("parseAuditQuery", () => {
  it("reads back what buildAuditQuery writes", () => {
    const f = { ...EMPTY_FILTER, username: 'a b"c', action: "delete", date_to: "2024-02-01" };
    expect(parseAuditQuery(buildAuditQuery(f))).toEqual({ filter: f, rest: "" });
  });
  it("keeps terms the form has no field for", () => {
    const { filter, rest } = parseAuditQuery("action:login request_id:0a7f organization:acme");
    expect(filter).toEqual({ ...EMPTY_FILTER, action: "login" });
    expect(rest).toBe("request_id:0a7f organization:acme");
  });
  it("takes keys in any case", () => {
    expect(parseAuditQuery("Username:me").filter.username).toBe("me");
  });
});

describe("auditDiffRows", () => {
  it("lists each field sorted, with values as text and secrets marked", () => {
    expect(
      auditDiffRows({
        name: { old: "dev", new: "prod" },
        ttl_ms: { old: 3600000, new: null },
        hashed_password: { secret: true },
        roles: { old: [], new: ["owner"] },
      }),
    ).toEqual([
      { field: "hashed_password", old: "", new: "", secret: true },
      { field: "name", old: "dev", new: "prod", secret: false },
      { field: "roles", old: "[]", new: '["owner"]', secret: false },
      { field: "ttl_ms", old: "3600000", new: "", secret: false },
    ]);
  });
  it("is empty without a diff", () => {
    expect(auditDiffRows(undefined)).toEqual([]);
  });
  it("shows false and zero, which are values", () => {
    expect(diffValue(false)).toBe("false");
    expect(diffValue(0)).toBe("0");
    expect(diffValue("")).toBe("");
  });
});
