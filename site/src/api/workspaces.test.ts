import { describe, expect, it } from "vitest";
import { fresher } from "./workspaces";
import type { Workspace } from "./types";

const ws = (build_number: number, status: string, job: Record<string, string>): Workspace =>
  ({ id: "w1", latest_build: { build_number, status, updated_at: "2026-01-01T00:00:00Z", job } }) as Workspace;

describe("fresher", () => {
  const canceling = ws(1, "canceling", { started_at: "2026-01-01T00:00:01Z", canceled_at: "2026-01-01T00:00:02Z" });
  const canceled = ws(1, "canceled", { started_at: "2026-01-01T00:00:01Z", canceled_at: "2026-01-01T00:00:02Z", completed_at: "2026-01-01T00:00:03Z" });
  it("keeps the later state of the same build", () => {
    expect(fresher(canceled, canceling)).toBe(canceled);
    expect(fresher(canceling, canceled)).toBe(canceled);
  });
  it("prefers a newer build", () => {
    const next = ws(2, "pending", {});
    expect(fresher(canceled, next)).toBe(next);
    expect(fresher(next, canceled)).toBe(next);
  });
  it("takes the incoming view when equal or unrelated", () => {
    const same = { ...canceled };
    expect(fresher(canceled, same)).toBe(same);
    expect(fresher(undefined, same)).toBe(same);
  });
});
