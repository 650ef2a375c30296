import type { ReactNode, TableHTMLAttributes } from "react";
import { cx } from "./Button";

export interface TableProps extends TableHTMLAttributes<HTMLTableElement> {
  /** Names the table for screen readers; visually hidden unless showCaption. */
  caption: string;
  showCaption?: boolean;
  children: ReactNode;
}

/** A plain data table; use <thead>/<th scope="col"> inside it. */
export function Table({ caption, showCaption, className, children, ...rest }: TableProps) {
  return (
    <div className="table-wrap">
      <table {...rest} className={cx("table", className)}>
        <caption className={showCaption ? undefined : "visually-hidden"}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

/** The header of a row-actions column: named for screen readers only. */
export function ActionsHeader() {
  return (
    <th scope="col" className="col-actions">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}

/** A table cell naming a user: username (and full name), then email. */
export function UserCell({ username, name, email }: { username?: string; name?: string; email?: string }) {
  return (
    <td>
      <strong>{username}</strong>
      {name && <span className="muted"> · {name}</span>}
      <div className="muted small">{email}</div>
    </td>
  );
}
