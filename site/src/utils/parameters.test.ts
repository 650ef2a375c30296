import { describe, expect, it } from "vitest";
import type { TemplateVersionParameter } from "../api/types";
import { buildParameterValues, initialValues, parameterControl, validateParameter, validateParameters } from "./parameters";
import { nameProblem, suggestWorkspaceName } from "./names";
import { daysToMs, hoursToMs, humanDuration, msToDays, msToHours } from "./templateSchedule";

const region: TemplateVersionParameter = {
  name: "region",
  type: "string",
  default_value: "eu-west",
  mutable: false,
  options: [
    { name: "Europe", value: "eu-west" },
    { name: "US", value: "us-east" },
  ],
};
const cpu: TemplateVersionParameter = { name: "cpu", type: "number", default_value: "2", mutable: true, validation_min: 1, validation_max: 8, validation_monotonic: "increasing" };
const project: TemplateVersionParameter = { name: "project", type: "string", required: true, mutable: true, validation_regex: "^[a-z]+$", validation_error: "lowercase letters only" };
const tags: TemplateVersionParameter = { name: "tags", type: "list(string)", default_value: "[]", mutable: true };
const gpu: TemplateVersionParameter = { name: "gpu", type: "bool", default_value: "false", mutable: true, form_type: "switch" };

describe("validateParameter", () => {
  it("checks options", () => {
    expect(validateParameter(region, "us-east")).toBeUndefined();
    expect(validateParameter(region, "mars")).toBe("value must be one of the options");
    // Empty means the default.
    expect(validateParameter(region, "")).toBeUndefined();
  });
  it("checks numbers, their range and monotonic order", () => {
    expect(validateParameter(cpu, "4")).toBeUndefined();
    expect(validateParameter(cpu, "four")).toBe('value "four" is not a number');
    expect(validateParameter(cpu, "0")).toBe("value 0 is less than the minimum 1");
    expect(validateParameter(cpu, "9")).toBe("value 9 is more than the maximum 8");
    expect(validateParameter(cpu, "2", "4")).toBe("value 2 must be equal to or greater than the previous value 4");
    expect(validateParameter(cpu, "6", "4")).toBeUndefined();
    expect(validateParameter({ ...cpu, validation_error: "{value} not in {min}..{max}" }, "9")).toBe("9 not in 1..8");
  });
  it("checks required values and regexes with the template's message", () => {
    expect(validateParameter(project, "")).toBe("a value is required");
    expect(validateParameter(project, "Bad1")).toBe("lowercase letters only");
    expect(validateParameter(project, "good")).toBeUndefined();
  });
  it("checks lists and bools", () => {
    expect(validateParameter(tags, '["a","b"]')).toBeUndefined();
    expect(validateParameter(tags, "a,b")).toMatch(/not a list of strings/);
    expect(validateParameter(gpu, "yes")).toMatch(/not a bool/);
    expect(validateParameter({ ...tags, options: [{ name: "A", value: "a" }] }, '["a","z"]')).toBe('value "z" must be one of the options');
  });
  it("refuses to change an immutable value once the workspace has one", () => {
    expect(validateParameter(region, "us-east", "eu-west")).toMatch(/immutable/);
    expect(validateParameter(region, "eu-west", "eu-west")).toBeUndefined();
  });
  it("collects every problem by parameter name", () => {
    expect(validateParameters([region, cpu, project], { region: "eu-west", cpu: "99", project: "" })).toEqual({
      cpu: "value 99 is more than the maximum 8",
      project: "a value is required",
    });
  });
});

describe("parameter values", () => {
  it("start from the previous build, then a preset, then defaults", () => {
    const preset = { name: "Large", parameters: [{ name: "cpu", value: "8" }] };
    expect(initialValues([region, cpu, project], { preset })).toEqual({ region: "eu-west", cpu: "8", project: "" });
    expect(initialValues([region, cpu], { previous: { region: "us-east", cpu: "4" }, preset })).toEqual({ region: "us-east", cpu: "4" });
    const ephemeral = { ...cpu, ephemeral: true };
    expect(initialValues([ephemeral], { previous: { cpu: "4" } })).toEqual({ cpu: "2" });
  });
  it("send only what changed for a new build", () => {
    const prev = { region: "eu-west", cpu: "2" };
    expect(buildParameterValues([region, cpu], { region: "eu-west", cpu: "4" }, prev)).toEqual([{ name: "cpu", value: "4" }]);
    expect(buildParameterValues([region, cpu], { region: "eu-west", cpu: "4" })).toHaveLength(2);
  });
  it("pick a control from type, options and form type", () => {
    expect(parameterControl(region)).toBe("radio");
    expect(parameterControl({ ...region, form_type: "dropdown" })).toBe("select");
    expect(parameterControl(cpu)).toBe("number");
    expect(parameterControl(gpu)).toBe("switch");
    expect(parameterControl(tags)).toBe("tags");
    expect(parameterControl({ ...tags, options: [{ name: "A", value: "a" }] })).toBe("multi-select");
    expect(parameterControl({ ...project, form_type: "textarea" })).toBe("textarea");
  });
});

describe("suggestWorkspaceName", () => {
  it("uses the template's name when it is free", () => {
    expect(suggestWorkspaceName("echo-dev")).toBe("echo-dev");
  });
  it("adds a word, then a number, avoiding taken names", () => {
    const first = suggestWorkspaceName("echo-dev", ["echo-dev"], () => 0);
    expect(first).toBe("echo-dev-amber");
    expect(suggestWorkspaceName("echo-dev", ["echo-dev", "echo-dev-amber"], () => 0)).toBe("echo-dev-brisk");
  });
  it("always gives a valid name", () => {
    for (const t of ["My Template!", "a".repeat(60), "--", "new", "Ünïcode Ståck", "x"]) {
      const name = suggestWorkspaceName(t, [], () => 0.5);
      expect(nameProblem(name), `${t} -> ${name}`).toBeUndefined();
    }
    const long = "a".repeat(40);
    expect(suggestWorkspaceName(long, [long.slice(0, 32)], () => 0).length).toBeLessThanOrEqual(32);
  });
});

describe("template schedule durations", () => {
  it("convert hours and durations", () => {
    expect(hoursToMs("8")).toBe(8 * 3_600_000);
    expect(hoursToMs("")).toBe(0);
    expect(hoursToMs("-1")).toBeNaN();
    expect(msToHours(5_400_000)).toBe("1.5");
    expect(humanDuration(26 * 3_600_000 + 60_000)).toBe("1 d 2 h 1 min");
    expect(humanDuration(0)).toBe("off");
    expect(daysToMs("30")).toBe(30 * 86_400_000);
    expect(msToDays(2 * 86_400_000)).toBe("2");
    expect(daysToMs("x")).toBeNaN();
  });
});
