import { useState } from "react";
import { isApiError } from "../../api/client";
import { ActionsHeader, Button, ErrorAlert, Select, Table } from "../../components";

export interface AccessEntry {
  kind: "user" | "group";
  id: string;
  name: string;
  detail?: string;
  role: string;
}

export interface Candidate {
  kind: "user" | "group";
  id: string;
  name: string;
}

const roleLabels: Record<string, string> = { use: "Use", admin: "Admin" };

/**
 * Who has access to a template or workspace, with their role: add a user
 * or group, change a role, remove an entry. onSet(kind, id, "") removes.
 */
export function AccessEditor({
  label,
  entries,
  candidates,
  onSet,
  pending,
  error,
}: {
  label: string;
  entries: AccessEntry[];
  candidates: Candidate[];
  onSet: (kind: "user" | "group", id: string, role: string) => void;
  pending: boolean;
  error: unknown;
}) {
  const [pick, setPick] = useState("");
  const [role, setRole] = useState("use");
  const present = new Set(entries.map((e) => `${e.kind}:${e.id}`));
  const addable = candidates.filter((c) => !present.has(`${c.kind}:${c.id}`));
  const roleOptions = Object.entries(roleLabels).map(([value, l]) => ({ value, label: l }));
  return (
    <div className="stack">
      <form
        className="acl-add"
        aria-label={`Add to ${label}`}
        onSubmit={(e) => {
          e.preventDefault();
          const [kind, id] = pick.split(":") as ["user" | "group", string];
          if (!id) return;
          onSet(kind, id, role);
          setPick("");
        }}
      >
        <Select
          label="User or group"
          className="grow"
          value={pick}
          onChange={(e) => setPick(e.target.value)}
          options={[
            { value: "", label: addable.length ? "Choose…" : "Everyone available already has access" },
            ...addable.map((c) => ({ value: `${c.kind}:${c.id}`, label: `${c.kind === "group" ? "Group" : "User"}: ${c.name}` })),
          ]}
        />
        <Select label="Role" value={role} onChange={(e) => setRole(e.target.value)} options={roleOptions} />
        <Button type="submit" variant="primary" disabled={!pick} loading={pending}>
          Add
        </Button>
      </form>
      {error ? <ErrorAlert error={error} /> : null}
      {isApiError(error) && error.validations.length > 0 && (
        <ul className="field-error">
          {error.validations.map((v) => (
            <li key={v.field}>{v.detail}</li>
          ))}
        </ul>
      )}
      {entries.length === 0 ? (
        <p className="muted">No users or groups have been given access yet.</p>
      ) : (
        <Table caption={label}>
          <thead>
            <tr>
              <th scope="col">User or group</th>
              <th scope="col">Role</th>
              <ActionsHeader />
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.kind}:${e.id}`} data-access={e.name}>
                <td>
                  {e.name} <span className="muted small">{e.kind}</span>
                  {e.detail && <div className="muted small">{e.detail}</div>}
                </td>
                <td>
                  <Select
                    label={<span className="visually-hidden">Role of {e.name}</span>}
                    value={e.role}
                    disabled={pending}
                    onChange={(ev) => onSet(e.kind, e.id, ev.target.value)}
                    options={roleOptions}
                  />
                </td>
                <td>
                  <Button variant="ghost" disabled={pending} onClick={() => onSet(e.kind, e.id, "")} aria-label={`Remove ${e.name}`}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </div>
  );
}
