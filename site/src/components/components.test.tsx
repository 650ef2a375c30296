import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { ApiError } from "../api/client";
import { ErrorAlert } from "./ErrorAlert";
import { TextField } from "./TextField";

describe("TextField", () => {
  it("ties its error to the input", () => {
    render(<TextField label="Name" error="is taken" hint="lowercase" />);
    const input = screen.getByLabelText("Name");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const described = (input.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent);
    expect(described).toEqual(["is taken", "lowercase"]);
  });
  it("is valid without an error", () => {
    render(<TextField label="Email" />);
    const input = screen.getByLabelText("Email");
    expect(input.getAttribute("aria-invalid")).toBeNull();
    expect(input.getAttribute("aria-describedby")).toBeNull();
  });
});

describe("ErrorAlert", () => {
  it("shows the server's message, detail and request id", () => {
    render(<ErrorAlert error={new ApiError({ status: 500, message: "Internal error.", detail: "see logs", requestId: "abc-123" })} />);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Internal error.");
    expect(alert.textContent).toContain("see logs");
    expect(alert.textContent).toContain("abc-123");
  });
  it("names an unavailable server", () => {
    render(<ErrorAlert error={new ApiError({ status: 503, message: "The database is unreachable.", retryAfter: 3 })} />);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Server unavailable");
    expect(alert.textContent).toContain("Try again in 3 s.");
  });
});
