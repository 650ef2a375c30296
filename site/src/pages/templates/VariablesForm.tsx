// Template variables (Terraform `variable`s, echo's `variables:`): the
// values an admin gives when importing a version, sent as
// user_variable_values. Sensitive values are never shown back: the server
// returns them masked, so their fields start empty.
import type { TemplateVersionVariable, VariableValue } from "../../api/types";
import { ApiError } from "../../api/client";
import { TextField } from "../../components";
import { Checkbox } from "../../components/FormFields";

export type VariableValues = Record<string, string>;

/**
 * The starting values of the form: a previous version's value (when
 * given and not sensitive), else the variable's default. Sensitive ones
 * start empty.
 */
export function initialVariableValues(vars: TemplateVersionVariable[], previous: TemplateVersionVariable[] = []): VariableValues {
  const prev = new Map(previous.filter((p) => !p.sensitive).map((p) => [p.name ?? "", p.value ?? ""]));
  const out: VariableValues = {};
  for (const v of vars) {
    const name = v.name ?? "";
    if (v.sensitive) out[name] = "";
    else out[name] = prev.get(name) ?? v.default_value ?? "";
  }
  return out;
}

/** Per-field problems the browser can see before sending: required and empty, or not a number. */
export function variableProblems(vars: TemplateVersionVariable[], values: VariableValues): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const v of vars) {
    const name = v.name ?? "";
    const value = values[name] ?? "";
    if (v.required && value === "") problems[name] = "A value is required.";
    else if (v.type === "number" && value !== "" && !Number.isFinite(Number(value))) problems[name] = "Must be a number.";
    else if (v.type === "bool" && value !== "" && value !== "true" && value !== "false") problems[name] = "Must be true or false.";
  }
  return problems;
}

/**
 * The user_variable_values to send: every variable with a value. A
 * sensitive variable left empty is left out unless it is required, so an
 * optional secret falls back to its default.
 */
export function buildVariableValues(vars: TemplateVersionVariable[], values: VariableValues): VariableValue[] {
  const out: VariableValue[] = [];
  for (const v of vars) {
    const name = v.name ?? "";
    const value = values[name] ?? "";
    if (value === "" && !v.required) continue;
    out.push({ name, value });
  }
  return out;
}

/** The server's validation detail for one variable, by name or by its index in what was sent. */
export function serverVariableError(err: unknown, sent: VariableValue[], name: string): string | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const i = sent.findIndex((s) => s.name === name);
  return err.fieldError(`user_variable_values.${name}`) ?? err.fieldError(name) ?? (i >= 0 ? err.fieldError(`user_variable_values[${i}].value`) ?? err.fieldError(`user_variable_values[${i}]`) : undefined);
}

export function VariablesFields({
  vars,
  values,
  onChange,
  errors = {},
  disabled,
}: {
  vars: TemplateVersionVariable[];
  values: VariableValues;
  onChange: (values: VariableValues) => void;
  errors?: Record<string, string | undefined>;
  disabled?: boolean;
}) {
  const set = (name: string, value: string) => onChange({ ...values, [name]: value });
  return (
    <fieldset className="stack" aria-label="Template variables">
      <legend>Variables</legend>
      {vars.map((v) => {
        const name = v.name ?? "";
        const hint = [v.description, v.sensitive ? "Sensitive: not shown again after saving." : "", !v.required && v.default_value && !v.sensitive ? `Default: ${v.default_value}` : ""]
          .filter(Boolean)
          .join(" · ");
        if (v.type === "bool") {
          return (
            <Checkbox
              key={name}
              label={name}
              checked={values[name] === "true"}
              disabled={disabled}
              onChange={(e) => set(name, e.target.checked ? "true" : "false")}
              error={errors[name]}
              hint={hint || undefined}
            />
          );
        }
        return (
          <TextField
            key={name}
            label={name}
            name={`var-${name}`}
            type={v.sensitive ? "password" : v.type === "number" ? "number" : "text"}
            autoComplete={v.sensitive ? "new-password" : "off"}
            required={v.required}
            value={values[name] ?? ""}
            disabled={disabled}
            onChange={(e) => set(name, e.target.value)}
            error={errors[name]}
            hint={hint || undefined}
          />
        );
      })}
    </fieldset>
  );
}
