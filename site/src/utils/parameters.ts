// Rich parameters of a template version: which control renders each one,
// the values a form starts with, and the checks the server makes
// (coderd/provisionerd/provisioner/parameters.go), done here first so a
// mistake shows on its field before a round trip. The server stays the
// judge: its validations (keyed by parameter name) land on the same fields.
import type { Preset, TemplateVersionParameter } from "../api/types";

export type ParameterValues = Record<string, string>;

export type ParameterControl = "select" | "radio" | "multi-select" | "checkbox" | "switch" | "number" | "slider" | "textarea" | "tags" | "text";

/** The control a parameter is rendered with, from its type, options and form_type. */
export function parameterControl(p: TemplateVersionParameter): ParameterControl {
  const type = p.type || "string";
  const options = p.options ?? [];
  if (type === "list(string)") return options.length ? "multi-select" : "tags";
  if (type === "bool") return p.form_type === "switch" ? "switch" : "checkbox";
  if (options.length) return p.form_type === "radio" || (!p.form_type && options.length <= 4) ? "radio" : "select";
  if (type === "number") return p.form_type === "slider" && p.validation_min !== undefined && p.validation_max !== undefined ? "slider" : "number";
  if (p.form_type === "textarea") return "textarea";
  return "text";
}

/** A list(string) value as items; malformed values read as empty. */
export function parseList(value: string): string[] {
  if (!value) return [];
  try {
    const v: unknown = JSON.parse(value);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

export function formatList(items: string[]): string {
  return JSON.stringify(items);
}

/**
 * The values a form starts with: the previous build's (unless ephemeral),
 * then a preset's, then the default. Required parameters without any start
 * empty.
 */
export function initialValues(
  params: TemplateVersionParameter[],
  opts: { previous?: ParameterValues; preset?: Preset } = {},
): ParameterValues {
  const fromPreset: ParameterValues = {};
  for (const pv of opts.preset?.parameters ?? []) if (pv.name) fromPreset[pv.name] = pv.value ?? "";
  const out: ParameterValues = {};
  for (const p of params) {
    const name = p.name ?? "";
    const prev = opts.previous?.[name];
    if (prev !== undefined && !p.ephemeral) out[name] = prev;
    else if (fromPreset[name] !== undefined) out[name] = fromPreset[name];
    else out[name] = p.default_value ?? "";
  }
  return out;
}

const decimalNumber = /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/;

/**
 * Why value is not acceptable for p, or undefined. previous is the value
 * of the workspace's last build (monotonic and immutable checks); leave it
 * out when creating a workspace.
 */
export function validateParameter(p: TemplateVersionParameter, raw: string, previous?: string): string | undefined {
  if (previous !== undefined && !p.mutable && raw !== previous) {
    return "the parameter is immutable and cannot be changed after the workspace is created";
  }
  let value = raw;
  if (value === "") {
    if (p.required) return "a value is required";
    value = p.default_value ?? "";
  }
  const type = p.type || "string";
  switch (type) {
    case "number":
      if (!decimalNumber.test(value) || !Number.isFinite(Number(value))) return `value "${value}" is not a number`;
      break;
    case "bool":
      if (value !== "true" && value !== "false") return `value "${value}" is not a bool (must be "true" or "false")`;
      break;
    case "list(string)": {
      let items: unknown;
      try {
        items = JSON.parse(value);
      } catch {
        items = undefined;
      }
      if (!Array.isArray(items) || items.some((i) => typeof i !== "string")) return `value "${value}" is not a list of strings`;
      break;
    }
  }
  const options = p.options ?? [];
  if (options.length) {
    const allowed = new Set(options.map((o) => o.value ?? ""));
    const items = type === "list(string)" ? parseList(value) : [value];
    const bad = items.find((i) => !allowed.has(i));
    if (bad !== undefined) return type === "list(string)" ? `value "${bad}" must be one of the options` : "value must be one of the options";
    return undefined;
  }
  if (type === "string" && p.validation_regex) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(p.validation_regex);
    } catch {
      return undefined; // Go's RE2 syntax differs in corners: leave it to the server.
    }
    if (!re.test(value)) return p.validation_error || `value "${value}" does not match ${p.validation_regex}`;
  }
  if (type === "number") {
    const num = Number(value);
    const min = p.validation_min;
    const max = p.validation_max;
    if (min !== undefined && num < min) return rangeError(p, value, `value ${value} is less than the minimum ${min}`);
    if (max !== undefined && num > max) return rangeError(p, value, `value ${value} is more than the maximum ${max}`);
    if (previous !== undefined && previous !== "" && decimalNumber.test(previous)) {
      const prev = Number(previous);
      if (p.validation_monotonic === "increasing" && num < prev) return `value ${value} must be equal to or greater than the previous value ${previous}`;
      if (p.validation_monotonic === "decreasing" && num > prev) return `value ${value} must be equal to or lower than the previous value ${previous}`;
    }
  }
  return undefined;
}

function rangeError(p: TemplateVersionParameter, value: string, fallback: string): string {
  if (!p.validation_error) return fallback;
  return p.validation_error
    .replaceAll("{min}", p.validation_min === undefined ? "" : String(p.validation_min))
    .replaceAll("{max}", p.validation_max === undefined ? "" : String(p.validation_max))
    .replaceAll("{value}", value);
}

/** Every parameter's problem, keyed by name; empty when all are fine. */
export function validateParameters(
  params: TemplateVersionParameter[],
  values: ParameterValues,
  previous?: ParameterValues,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of params) {
    const name = p.name ?? "";
    const err = validateParameter(p, values[name] ?? "", previous?.[name]);
    if (err) errors[name] = err;
  }
  return errors;
}

/**
 * What is sent for a build: every value for a new workspace; for a new
 * build of an existing one, only those that differ from the previous build
 * (plus ephemeral ones), so unchanged immutable values are not resent.
 */
export function buildParameterValues(
  params: TemplateVersionParameter[],
  values: ParameterValues,
  previous?: ParameterValues,
): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const p of params) {
    const name = p.name ?? "";
    const value = values[name] ?? "";
    if (previous && !p.ephemeral && previous[name] === value) continue;
    out.push({ name, value });
  }
  return out;
}

/** A description of a parameter's rules, shown under its field. */
export function parameterHint(p: TemplateVersionParameter): string {
  const parts: string[] = [];
  if (p.validation_min !== undefined && p.validation_max !== undefined) parts.push(`${p.validation_min} to ${p.validation_max}`);
  else if (p.validation_min !== undefined) parts.push(`at least ${p.validation_min}`);
  else if (p.validation_max !== undefined) parts.push(`at most ${p.validation_max}`);
  if (p.validation_monotonic) parts.push(`can only ${p.validation_monotonic === "increasing" ? "increase" : "decrease"}`);
  if (!p.mutable) parts.push("cannot be changed after the workspace is created");
  if (p.ephemeral) parts.push("applies to one build only");
  return parts.join(" · ");
}
