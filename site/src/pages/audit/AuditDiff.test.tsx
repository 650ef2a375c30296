import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import type { AuditLog } from "../../api/types";
import { AuditDiffTable, AuditSentence } from "./AuditDiff";

describe("AuditDiffTable", () => {
  it("shows old -> new per field, and only that a secret changed", () => {
    render(<AuditDiffTable diff={{ name: { old: "dev", new: "prod" }, token: { secret: true }, ttl: { new: 60 } }} />);
    const table = screen.getByRole("table", { name: "Changed fields" });
    const row = (field: string) => within(table).getByRole("row", { name: new RegExp(`^${field}`) });
    expect(within(row("name")).getAllByRole("cell").map((c) => c.textContent)).toEqual(["was dev", "now prod"]);
    expect(within(row("ttl")).getAllByRole("cell").map((c) => c.textContent)).toEqual(["—", "now 60"]);
    expect(row("token").textContent).toContain("secret");
    expect(row("token").textContent).not.toContain("undefined");
  });
  it("says when nothing changed", () => {
    render(<AuditDiffTable diff={{}} />);
    expect(screen.getByText("No fields changed.")).toBeTruthy();
  });
});

describe("AuditSentence", () => {
  const entry: AuditLog = {
    description: "{user} created workspace {target}",
    user: { id: "1", username: "alice", email: "a@example.com", created_at: "" },
    resource_target: "dev",
    resource_link: "/@alice/dev",
  };
  it("fills in the actor and links the target", () => {
    render(
      <MemoryRouter>
        <AuditSentence entry={entry} />
      </MemoryRouter>,
    );
    expect(screen.getByText("alice").tagName).toBe("STRONG");
    expect(screen.getByRole("link", { name: "dev" }).getAttribute("href")).toBe("/@alice/dev");
    expect(document.body.textContent).toBe("alice created workspace dev");
  });
  it("does not link a deleted resource, nor inside a summary", () => {
    const { rerender } = render(
      <MemoryRouter>
        <AuditSentence entry={{ ...entry, is_deleted: true }} />
      </MemoryRouter>,
    );
    expect(screen.queryByRole("link")).toBeNull();
    rerender(
      <MemoryRouter>
        <AuditSentence entry={entry} link={false} />
      </MemoryRouter>,
    );
    expect(screen.queryByRole("link")).toBeNull();
  });
  it("makes a sentence when the server sent no description", () => {
    render(
      <MemoryRouter>
        <AuditSentence entry={{ action: "write", resource_type: "workspace_build", resource_target: "3", user: undefined }} link={false} />
      </MemoryRouter>,
    );
    expect(document.body.textContent).toBe("An unknown user updated workspace build 3");
  });
});
