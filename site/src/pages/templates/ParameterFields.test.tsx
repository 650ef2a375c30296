import { describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { TemplateVersionParameter } from "../../api/types";
import { ParameterFields } from "./ParameterFields";
import { tarNames } from "../../api/templates";

const params: TemplateVersionParameter[] = [
  { name: "region", display_name: "Region", type: "string", mutable: false, default_value: "eu", options: [{ name: "Europe", value: "eu" }, { name: "US", value: "us" }] },
  { name: "cpu", display_name: "CPU cores", type: "number", mutable: true, default_value: "2", validation_min: 1, validation_max: 8 },
  { name: "gpu", display_name: "GPU", type: "bool", mutable: true, default_value: "false" },
  { name: "tags", display_name: "Tags", type: "list(string)", mutable: true, default_value: "[]" },
];

describe("ParameterFields", () => {
  it("renders each parameter as a labelled control of its type", () => {
    render(<ParameterFields params={params} values={{ region: "eu", cpu: "2", gpu: "false", tags: '["a","b"]' }} onChange={() => {}} errors={{ cpu: "too many" }} />);
    expect(screen.getByRole("radio", { name: "US" })).toBeTruthy();
    const cpu = screen.getByLabelText("CPU cores") as HTMLInputElement;
    expect(cpu.type).toBe("number");
    expect(cpu.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByRole("checkbox", { name: "GPU" })).toBeTruthy();
    expect((screen.getByLabelText("Tags") as HTMLTextAreaElement).value).toBe("a\nb");
  });
  it("reports changes as wire values", async () => {
    const onChange = vi.fn();
    render(<ParameterFields params={params} values={{ region: "eu", cpu: "2", gpu: "false", tags: "[]" }} onChange={onChange} errors={{}} />);
    await userEvent.click(screen.getByRole("checkbox", { name: "GPU" }));
    expect(onChange).toHaveBeenCalledWith("gpu", "true");
    await userEvent.click(screen.getByRole("radio", { name: "US" }));
    expect(onChange).toHaveBeenCalledWith("region", "us");
  });
  it("makes immutable parameters read-only once the workspace has a value", () => {
    render(<ParameterFields params={params} values={{ region: "eu" }} previous={{ region: "eu" }} onChange={() => {}} errors={{}} />);
    expect(screen.getByRole("radio", { name: "US" }).matches(":disabled")).toBe(true); // through its fieldset
    expect((screen.getByLabelText("CPU cores") as HTMLInputElement).disabled).toBe(false);
  });
});

describe("tarNames", () => {
  it("lists the files of a ustar archive", () => {
    const enc = new TextEncoder();
    const header = (name: string, size: number) => {
      const h = new Uint8Array(512);
      h.set(enc.encode(name), 0);
      h.set(enc.encode(size.toString(8).padStart(11, "0")), 124);
      return h;
    };
    const body = new Uint8Array(512);
    const tar = new Uint8Array([...header("echo.yaml", 5), ...body, ...header("README.md", 0), ...new Uint8Array(1024)]);
    expect(tarNames(tar)).toEqual(["echo.yaml", "README.md"]);
  });
});
