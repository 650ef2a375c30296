import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import { cx } from "./Button";

interface FieldProps {
  label: ReactNode;
  /** Shown under the field and announced with it (aria-describedby). */
  error?: string;
  hint?: ReactNode;
}

export type TextFieldProps = FieldProps & InputHTMLAttributes<HTMLInputElement>;

/**
 * A labelled input. Give it the server's validation for its field
 * (ApiError.fieldError("name")) as `error`: it is tied to the input for
 * screen readers and marks it invalid.
 */
export function TextField({ label, error, hint, id, className, ...rest }: TextFieldProps) {
  const ids = useFieldIds(id);
  return (
    <div className={cx("field", className)}>
      <label htmlFor={ids.input}>{label}</label>
      <input
        {...rest}
        id={ids.input}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(ids, error, hint)}
      />
      <FieldFooter ids={ids} error={error} hint={hint} />
    </div>
  );
}

export type SelectProps = FieldProps & SelectHTMLAttributes<HTMLSelectElement> & {
  options: { value: string; label: string; disabled?: boolean }[];
};

/** A labelled native select: keyboard and screen reader support for free. */
export function Select({ label, error, hint, id, options, className, ...rest }: SelectProps) {
  const ids = useFieldIds(id);
  return (
    <div className={cx("field", className)}>
      <label htmlFor={ids.input}>{label}</label>
      <select {...rest} id={ids.input} aria-invalid={error ? true : undefined} aria-describedby={describedBy(ids, error, hint)}>
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldFooter ids={ids} error={error} hint={hint} />
    </div>
  );
}

interface FieldIds {
  input: string;
  error: string;
  hint: string;
}

function useFieldIds(id: string | undefined): FieldIds {
  const auto = useId();
  const input = id ?? auto;
  return { input, error: `${input}-error`, hint: `${input}-hint` };
}

function describedBy(ids: FieldIds, error?: string, hint?: ReactNode): string | undefined {
  const parts = [error && ids.error, hint && ids.hint].filter(Boolean);
  return parts.length ? parts.join(" ") : undefined;
}

function FieldFooter({ ids, error, hint }: { ids: FieldIds; error?: string; hint?: ReactNode }) {
  return (
    <>
      {hint && (
        <div id={ids.hint} className="field-hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={ids.error} className="field-error">
          {error}
        </div>
      )}
    </>
  );
}
