import { useState, type FormEvent, type ReactNode } from "react";
import { isApiError } from "../api/client";
import { Button } from "./Button";
import { TextField } from "./TextField";

export interface SearchPreset {
  label: string;
  q: string;
}

/**
 * A list page's search box in the server's q= language, with quick filters
 * that are themselves queries. The page keeps q in the URL; this keeps the
 * text being typed.
 */
export function SearchBar({
  label,
  hint,
  query,
  presets,
  error,
  onSearch,
}: {
  label: string;
  hint: ReactNode;
  query: string;
  presets: SearchPreset[];
  /** The list query's error: a 400 about the search shows on the box. */
  error: unknown;
  onSearch: (q: string) => void;
}) {
  const [draft, setDraft] = useState(query);
  const search = (next: string) => {
    setDraft(next);
    onSearch(next);
  };
  return (
    <form
      className="toolbar"
      role="search"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        search(draft.trim());
      }}
    >
      <TextField
        label={label}
        className="grow"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        hint={hint}
        error={searchError(error)}
      />
      <Button type="submit">Search</Button>
      <div className="row" role="group" aria-label="Quick filters">
        {presets.map((p) => (
          <Button key={p.label} variant="ghost" aria-pressed={query === p.q} onClick={() => search(p.q)}>
            {p.label}
          </Button>
        ))}
      </div>
    </form>
  );
}

/**
 * A 400 for a search names "q" (or a key of it): its text belongs on the
 * search box rather than in an error panel.
 */
export function searchError(err: unknown): string | undefined {
  if (!isApiError(err) || err.status !== 400) return undefined;
  return err.fieldError("q") ?? (err.validations.map((v) => v.detail).join(" ") || err.message);
}
