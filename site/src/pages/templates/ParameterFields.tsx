import type { TemplateVersionParameter } from "../../api/types";
import { Select, TextField } from "../../components";
import { Checkbox, ChoiceGroup, TextArea } from "../../components/FormFields";
import { formatList, parameterControl, parameterHint, parseList, type ParameterValues } from "../../utils/parameters";

export interface ParameterFieldsProps {
  params: TemplateVersionParameter[];
  values: ParameterValues;
  onChange: (name: string, value: string) => void;
  /** Problems by parameter name: the form's own checks and the server's validations. */
  errors: Record<string, string | undefined>;
  /** The previous build's values: immutable parameters are then read-only. */
  previous?: ParameterValues;
  /** Parameters a chosen preset sets (read-only while it is chosen). */
  locked?: Set<string>;
  disabled?: boolean;
}

/** Every rich parameter as a labelled control chosen from its type. */
export function ParameterFields({ params, values, onChange, errors, previous, locked, disabled }: ParameterFieldsProps) {
  if (params.length === 0) return <p className="muted">This template has no parameters.</p>;
  return (
    <div className="form-section" data-testid="parameters">
      {params.map((p) => (
        <ParameterField
          key={p.name}
          p={p}
          value={values[p.name ?? ""] ?? ""}
          onChange={(v) => onChange(p.name ?? "", v)}
          error={errors[p.name ?? ""]}
          readOnlyReason={
            locked?.has(p.name ?? "")
              ? "Set by the preset."
              : previous && !p.mutable && previous[p.name ?? ""] !== undefined
                ? "" // read-only; the rules hint already says why
                : undefined
          }
          disabled={disabled}
        />
      ))}
    </div>
  );
}

function ParameterField({
  p,
  value,
  onChange,
  error,
  readOnlyReason,
  disabled,
}: {
  p: TemplateVersionParameter;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  readOnlyReason?: string;
  disabled?: boolean;
}) {
  const label = (
    <>
      {p.display_name || p.name}
      {p.required && <span aria-hidden="true"> *</span>}
    </>
  );
  const rules = parameterHint(p);
  const hint =
    p.description || rules || readOnlyReason ? (
      <>
        {p.description_plaintext || p.description}
        {rules && <span className="muted"> {p.description ? "· " : ""}{rules}</span>}
        {readOnlyReason && <span> {readOnlyReason}</span>}
      </>
    ) : undefined;
  const off = disabled || readOnlyReason !== undefined;
  const common = { name: p.name, error, hint, disabled: off, "data-parameter": p.name } as const;
  const options = (p.options ?? []).map((o) => ({ value: o.value ?? "", label: o.name || o.value || "", description: o.description }));
  switch (parameterControl(p)) {
    case "radio":
      return <ChoiceGroup legend={label} options={options} value={value || p.default_value} onChange={onChange} name={p.name} error={error} hint={hint} disabled={off} />;
    case "select":
      return <Select label={label} {...common} value={value || p.default_value} onChange={(e) => onChange(e.target.value)} options={[...(value || p.default_value ? [] : [{ value: "", label: "Choose…" }]), ...options]} />;
    case "multi-select":
      return <ChoiceGroup legend={label} multiple options={options} values={parseList(value)} onChangeMany={(v) => onChange(formatList(v))} name={p.name} error={error} hint={hint} disabled={off} />;
    case "checkbox":
    case "switch":
      return <Checkbox label={label} {...common} asSwitch={parameterControl(p) === "switch"} checked={value === "true"} onChange={(e) => onChange(e.target.checked ? "true" : "false")} />;
    case "number":
      return <TextField label={label} {...common} type="number" inputMode="decimal" min={p.validation_min} max={p.validation_max} required={p.required} value={value} onChange={(e) => onChange(e.target.value)} />;
    case "slider":
      return (
        <TextField
          label={label}
          {...common}
          type="range"
          min={p.validation_min}
          max={p.validation_max}
          value={value || p.default_value || String(p.validation_min ?? 0)}
          onChange={(e) => onChange(e.target.value)}
          hint={
            <>
              Value: <output>{value || p.default_value}</output> {hint}
            </>
          }
        />
      );
    case "textarea":
      return <TextArea label={label} {...common} rows={4} required={p.required} value={value} onChange={(e) => onChange(e.target.value)} />;
    case "tags":
      return (
        <TextArea
          label={label}
          {...common}
          rows={3}
          value={parseList(value).join("\n")}
          onChange={(e) => onChange(formatList(e.target.value.split("\n")))}
          hint={<>One item per line. {hint}</>}
        />
      );
    default:
      return <TextField label={label} {...common} required={p.required} value={value} onChange={(e) => onChange(e.target.value)} />;
  }
}
