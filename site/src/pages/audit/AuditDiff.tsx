import { Fragment, type ReactNode } from "react";
import { Link } from "react-router";
import { auditDiffRows } from "../../api/audit";
import type { AuditDiff, AuditLog } from "../../api/types";

/** Each changed field: its old value, then its new one. Secret fields say only that they changed. */
export function AuditDiffTable({ diff }: { diff: AuditDiff | undefined }) {
  const rows = auditDiffRows(diff);
  if (rows.length === 0) return <p className="muted">No fields changed.</p>;
  return (
    <table className="diff">
      <caption className="visually-hidden">Changed fields</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Old</th>
          <th scope="col">New</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.field} data-field={r.field}>
            <th scope="row">{r.field}</th>
            {r.secret ? (
              <td colSpan={2} className="muted">
                changed (secret: values are not logged)
              </td>
            ) : (
              <>
                <td className={r.old ? "diff-old" : "muted"}>{r.old ? <><span className="visually-hidden">was </span>{r.old}</> : "—"}</td>
                <td className={r.new ? "diff-new" : "muted"}>{r.new ? <><span className="visually-hidden">now </span>{r.new}</> : "—"}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const verbs: Record<string, string> = {
  create: "created",
  write: "updated",
  delete: "deleted",
  start: "started",
  stop: "stopped",
  login: "logged in",
  logout: "logged out",
  register: "registered",
};

/**
 * The entry as a sentence: the server's description ("{user} created
 * workspace {target}") with the actor and the target filled in; one made
 * up from the action when an older server sent none. No link inside a
 * <summary> (link=false): it would be a control inside a control.
 */
export function AuditSentence({ entry, link = true }: { entry: AuditLog; link?: boolean }) {
  const template =
    entry.description ||
    `{user} ${verbs[entry.action ?? ""] ?? entry.action} ${(entry.resource_type ?? "").replace(/_/g, " ")} {target}`;
  const parts = template.split(/(\{user\}|\{target\})/);
  const fill = (p: string): ReactNode => {
    if (p === "{user}") return <strong>{entry.user?.username ?? "An unknown user"}</strong>;
    if (p === "{target}") {
      const target = entry.resource_target || "";
      return link && entry.resource_link && !entry.is_deleted ? <Link to={entry.resource_link}>{target}</Link> : <code>{target}</code>;
    }
    return p;
  };
  return (
    <span className="audit-sentence">
      {parts.filter(Boolean).map((p, i) => (
        <Fragment key={i}>{fill(p)}</Fragment>
      ))}
    </span>
  );
}
