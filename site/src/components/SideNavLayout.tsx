import type { ReactNode } from "react";
import { NavLink, Outlet } from "react-router";

/**
 * A section with its own navigation at the side (administration, account
 * settings). The content is the matched page, or `children` when given
 * (what the section shows instead, such as NoAccess).
 */
export function SideNavLayout({ label, items, children }: { label: string; items: { to: string; label: string; end?: boolean }[]; children?: ReactNode }) {
  return (
    <div className="sidenav-layout">
      <nav aria-label={label} className="sidenav">
        <h2 className="sidenav-title">{label}</h2>
        {items.map((i) => (
          <NavLink key={i.to} to={i.to} end={i.end}>
            {i.label}
          </NavLink>
        ))}
      </nav>
      <div className="sidenav-content">{children ?? <Outlet />}</div>
    </div>
  );
}
