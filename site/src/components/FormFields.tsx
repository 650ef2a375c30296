// Form controls beyond TextField/Select: a textarea, a checkbox, a group of
// radios or checkboxes, and tabs (links, so each tab has its own URL).
import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from "react";
import { NavLink } from "react-router";
import { cx } from "./Button";

interface FieldProps {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
}

function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  const parts = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean);
  return parts.length ? parts.join(" ") : undefined;
}

function Footer({ id, error, hint }: { id: string; error?: string; hint?: ReactNode }) {
  return (
    <>
      {hint && (
        <div id={`${id}-hint`} className="field-hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={`${id}-error`} className="field-error">
          {error}
        </div>
      )}
    </>
  );
}

export function TextArea({ label, error, hint, id, className, ...rest }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const input = id ?? auto;
  return (
    <div className={cx("field", className)}>
      <label htmlFor={input}>{label}</label>
      <textarea {...rest} id={input} aria-invalid={error ? true : undefined} aria-describedby={describedBy(input, error, hint)} />
      <Footer id={input} error={error} hint={hint} />
    </div>
  );
}

/** A checkbox with its label beside it; role="switch" when asked. */
export function Checkbox({ label, error, hint, id, className, asSwitch, ...rest }: FieldProps & InputHTMLAttributes<HTMLInputElement> & { asSwitch?: boolean }) {
  const auto = useId();
  const input = id ?? auto;
  return (
    <div className={cx("field field-check", className)}>
      <div className="row">
        <input {...rest} type="checkbox" role={asSwitch ? "switch" : undefined} id={input} aria-invalid={error ? true : undefined} aria-describedby={describedBy(input, error, hint)} />
        <label htmlFor={input}>{label}</label>
      </div>
      <Footer id={input} error={error} hint={hint} />
    </div>
  );
}

export interface ChoiceOption {
  value: string;
  label: ReactNode;
  description?: ReactNode;
}

/**
 * A fieldset of radios (one value) or checkboxes (several): the legend
 * names the group, arrow keys move between radios.
 */
export function ChoiceGroup({
  legend,
  options,
  multiple,
  value,
  values,
  onChange,
  onChangeMany,
  name,
  error,
  hint,
  disabled,
  className,
}: {
  legend: ReactNode;
  options: ChoiceOption[];
  multiple?: boolean;
  value?: string;
  values?: string[];
  onChange?: (v: string) => void;
  onChangeMany?: (v: string[]) => void;
  name?: string;
  error?: string;
  hint?: ReactNode;
  disabled?: boolean;
  className?: string;
}) {
  const auto = useId();
  const group = name ?? auto;
  return (
    <fieldset className={cx("field choice-group", className)} aria-invalid={error ? true : undefined} aria-describedby={describedBy(auto, error, hint)} disabled={disabled}>
      <legend>{legend}</legend>
      <div className="choices">
        {options.map((o) => {
          const id = `${auto}-${o.value}`;
          const checked = multiple ? (values ?? []).includes(o.value) : value === o.value;
          return (
            <div key={o.value} className="choice">
              <input
                id={id}
                type={multiple ? "checkbox" : "radio"}
                name={group}
                value={o.value}
                checked={checked}
                onChange={(e) => {
                  if (!multiple) onChange?.(o.value);
                  else {
                    const cur = values ?? [];
                    onChangeMany?.(e.target.checked ? [...cur, o.value] : cur.filter((v) => v !== o.value));
                  }
                }}
              />
              <label htmlFor={id}>
                {o.label}
                {o.description && <span className="muted small choice-description">{o.description}</span>}
              </label>
            </div>
          );
        })}
      </div>
      <Footer id={auto} error={error} hint={hint} />
    </fieldset>
  );
}

/** Tabs that are links: each has its own URL; the current one is marked. */
export function TabLinks({ label, tabs }: { label: string; tabs: { to: string; label: string; end?: boolean }[] }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => (
        <NavLink key={t.to} to={t.to} end={t.end ?? true}>
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}
