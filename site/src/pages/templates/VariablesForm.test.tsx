import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import type { TemplateVersionVariable } from "../../api/types";
import { ApiError } from "../../api/client";
import { VariablesFields, buildVariableValues, initialVariableValues, serverVariableError, variableProblems } from "./VariablesForm";

const vars: TemplateVersionVariable[] = [
  { name: "region", type: "string", required: true, description: "Where to run" },
  { name: "size", type: "number", default_value: "2" },
  { name: "debug", type: "bool", default_value: "false" },
  { name: "token", type: "string", required: true, sensitive: true },
  { name: "extra_secret", type: "string", sensitive: true, default_value: "" },
];

describe("template variables", () => {
  it("starts from the previous version's values, then defaults, never showing sensitive ones", () => {
    const prev: TemplateVersionVariable[] = [
      { name: "region", value: "eu" },
      { name: "token", value: "*****", sensitive: true },
    ];
    expect(initialVariableValues(vars, prev)).toEqual({ region: "eu", size: "2", debug: "false", token: "", extra_secret: "" });
  });

  it("flags required and malformed values", () => {
    const p = variableProblems(vars, { region: "", size: "two", debug: "maybe", token: "x" });
    expect(p).toEqual({ region: "A value is required.", size: "Must be a number.", debug: "Must be true or false." });
    expect(variableProblems(vars, { region: "eu", size: "3", debug: "true", token: "t" })).toEqual({});
  });

  it("sends every value, leaving out empty optional ones", () => {
    expect(buildVariableValues(vars, { region: "eu", size: "", debug: "true", token: "s3cret", extra_secret: "" })).toEqual([
      { name: "region", value: "eu" },
      { name: "debug", value: "true" },
      { name: "token", value: "s3cret" },
    ]);
  });

  it("finds the server's error for a variable by name or index", () => {
    const sent = [{ name: "region", value: "x" }, { name: "size", value: "y" }];
    const err = new ApiError({ status: 400, message: "bad", validations: [{ field: "user_variable_values[1].value", detail: "not a number" }] });
    expect(serverVariableError(err, sent, "size")).toBe("not a number");
    expect(serverVariableError(err, sent, "region")).toBeUndefined();
  });

  it("renders sensitive variables as password inputs and errors on their field", () => {
    render(<VariablesFields vars={vars} values={initialVariableValues(vars)} onChange={() => {}} errors={{ region: "A value is required." }} />);
    expect((screen.getByLabelText("token") as HTMLInputElement).type).toBe("password");
    expect((screen.getByLabelText("size") as HTMLInputElement).type).toBe("number");
    expect((screen.getByLabelText("debug") as HTMLInputElement).type).toBe("checkbox");
    expect(screen.getByText("A value is required.")).toBeTruthy();
  });
});
