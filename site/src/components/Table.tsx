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
